"""（三）–（六） printed as group rows: a 2021 table printing （六）其他处理 as one 2019-style row
(real reports do: ../shared/realworld/hzq2023_working.pdf), and local templates adding
subtotal rows above the sub-rows. Built below the reader (tests/staged_reports.py) because the
text reader reads only the official layouts.

A report's layout is read from its cells (pipeline.form.layout): ``other_handling`` with cells
and no other_* cells is （六） as one row, a leaf of （七）总计; a group row with cells above
printed sub-rows is a subtotal, verified against them and never summed into （七）总计.
"""

import duckdb
import pytest

from pipeline import form
from tests.staged_reports import APPLICATIONS_2021, checks, report_2021, report_id, run_parsed

SUBTOTALS = {
    "withheld": (4, 0, 0, 0, 0, 0, 4),
    "unable_to_provide": (9, 1, 0, 0, 1, 0, 11),
    "not_processed": (3, 0, 0, 0, 0, 0, 3),
    "other_handling": (1, 0, 0, 0, 1, 0, 2),
}


def _one_row_other(other: tuple[int, ...]) -> dict[str, tuple[int | str, ...]]:
    """006's table with （六） printed as one row where its sub-rows were."""
    rows: dict[str, tuple[int | str, ...]] = {}
    for code, values in APPLICATIONS_2021.items():
        if code == "other_no_correction":
            rows["other_handling"] = other
        elif code not in form.GROUPS["other_handling"]:
            rows[code] = values
    return rows


def _with_subtotals(subtotals: dict[str, tuple[int, ...]]) -> dict[str, tuple[int | str, ...]]:
    """006's table with a subtotal row printed above each group's sub-rows."""
    rows: dict[str, tuple[int | str, ...]] = {}
    for code, values in APPLICATIONS_2021.items():
        parent = form.OUTCOMES_BY_CODE[code].parent
        if parent in subtotals and parent not in rows:
            rows[parent] = subtotals[parent]
        rows[code] = values
    return rows


REPORTS = {
    "standard.txt": report_2021(APPLICATIONS_2021),
    "one_row.txt": report_2021(_one_row_other((1, 0, 0, 0, 1, 0, 2)), agency="内黄县人民政府"),
    "one_row_wrong.txt": report_2021(_one_row_other((2, 0, 0, 0, 1, 0, 3)), agency="滑县人民政府"),
    "subtotals.txt": report_2021(_with_subtotals(SUBTOTALS), agency="林州市人民政府"),
    "subtotal_wrong.txt": report_2021(
        _with_subtotals({**SUBTOTALS, "withheld": (5, 0, 0, 0, 0, 0, 5)}), agency="安阳县人民政府"
    ),
}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = run_parsed(tmp_path_factory.mktemp("groups"), REPORTS)
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


def _status(con, name: str) -> tuple[str, list[str], str | None]:
    return con.execute(
        "SELECT status, tables_quarantined, reason FROM reports WHERE report_id = ?", [report_id(name)]
    ).fetchone()


def _arithmetic(con, name: str) -> set[tuple[str, bool]]:
    """(rule, success) of the table 三 column checks recorded for the report."""
    return {(e, ok) for s, e, _, _, ok, _ in checks(con, name) if s.startswith("applications_by_applicant")}


def test_layout_flags_tell_one_row_from_subtotal():
    assert form.layout({"granted", "other_handling"})["one_row_other_handling"] is True
    both = form.layout({"other_handling", "other_other", "withheld", "withheld_state_secret"})
    assert (both["subtotal_other_handling"], both["one_row_other_handling"], both["subtotal_withheld"]) == (
        True,
        False,
        True,
    )
    assert not any(form.layout({"other_no_correction", "withheld_state_secret"}).values())  # the official 2021 table


def test_the_statutory_layout_is_checked_as_before(con):
    assert _status(con, "standard.txt") == ("loaded", [], None)
    assert _arithmetic(con, "standard.txt") == {("column_balance", True), ("outcome_total", True)}


def test_other_handling_as_one_row_stands_in_for_its_sub_rows(con):
    assert _status(con, "one_row.txt") == ("loaded", [], None)
    # the 2021 （七）总计 with （六） as a leaf, and not the sub-row version (which would fail: 31 ≠ 33)
    assert _arithmetic(con, "one_row.txt") == {("column_balance", True), ("outcome_total_other_handling_one_row", True)}
    (count,) = con.execute(
        "SELECT count FROM fact_applications WHERE report_id = ? AND outcome = 'other_handling' "
        "AND applicant_type = 'total'",
        [report_id("one_row.txt")],
    ).fetchone()
    assert count == 2


def test_other_handling_as_one_row_must_add_up(con):
    status, quarantined, reason = _status(con, "one_row_wrong.txt")
    assert (status, quarantined) == ("partial", ["applications"])
    assert "check outcome_total_other_handling_one_row" in reason
    assert "fails for 自然人: （七）总计 33 ≠ （一）予以公开 13 + " in reason
    assert "+ （六）其他处理 2 = 34" in reason
    assert "fails for 总计: （七）总计 40 ≠ " in reason and "+ （六）其他处理 3 = 41" in reason


def test_subtotal_rows_are_verified_and_never_double_counted(con):
    assert _status(con, "subtotals.txt") == ("loaded", [], None)
    assert _arithmetic(con, "subtotals.txt") == {
        ("column_balance", True),
        ("outcome_total", True),  # 40, not 40 + the 20 of the subtotal rows
        ("subtotal_withheld", True),
        ("subtotal_unable_to_provide", True),
        ("subtotal_not_processed", True),
        ("subtotal_other_handling", True),
    }
    stored = con.execute(
        "SELECT outcome, count FROM fact_applications WHERE report_id = ? AND applicant_type = 'total' "
        "AND outcome IN ('withheld', 'unable_to_provide', 'not_processed', 'other_handling')",
        [report_id("subtotals.txt")],
    ).fetchall()
    assert dict(stored) == {"withheld": 4, "unable_to_provide": 11, "not_processed": 3, "other_handling": 2}
    (handled,) = con.execute(
        "SELECT handled_total FROM v_agency_year WHERE report_id = ?", [report_id("subtotals.txt")]
    ).fetchone()
    assert handled == 40


def test_a_wrong_subtotal_quarantines_the_table_with_both_sides(con):
    status, quarantined, reason = _status(con, "subtotal_wrong.txt")
    assert (status, quarantined) == ("partial", ["applications"])
    assert (
        "三、收到和处理政府信息公开申请情况: check subtotal_withheld (（三）不予公开（小计行）= 1-8 之和) "
        "fails for 自然人: "
        "（三）不予公开 5 ≠ 1.属于国家秘密 0 + 2.其他法律行政法规禁止公开 0 + 3.危及“三安全一稳定” 0 + "
        "4.保护第三方合法权益 1 + 5.属于三类内部事务信息 0 + 6.属于四类过程性信息 2 + 7.属于行政执法案卷 0 + "
        "8.属于行政查询事项 1 = 4"
    ) in reason
    assert ("outcome_total", True) in _arithmetic(con, "subtotal_wrong.txt")  # the leaves still add up
    (rows,) = con.execute(
        "SELECT count(*) FROM quarantine_applications WHERE report_id = ? AND outcome = 'withheld'",
        [report_id("subtotal_wrong.txt")],
    ).fetchone()
    assert rows == 7
