"""平潭综合实验区2024年度政府信息公开工作年度报告 (../shared/realworld/pingtan__2024_page.txt), read top to
bottom.

A crawler's text copy, body on one line, digits run together and into the next label's number.
Tables 三 and 四 have one reading under the arithmetic; table 二's 行政规范性文件6233440 has fifteen,
so the reader refuses table 二 and names the row. Expected cells typed by hand:
tests/realworld/expected_pingtan__2024_page.py.
"""

import pytest

from tests.realworld import expected_pingtan__2024_page as doc
from tests.realworld.conftest import assert_cells, assert_same, parse, read_cells, stored

# --- Reading the document ------------------------------------------------------------------


@pytest.fixture(scope="module")
def parsed():
    return parse(doc.FILE)


def test_identity_the_agency_is_the_management_committee(parsed):
    # 标题: 平潭综合实验区2024年度…; 发布机构: 平潭综合实验区管委会办公室.
    assert parsed.agency_name == doc.AGENCY
    assert parsed.year == doc.YEAR
    assert parsed.template == doc.TEMPLATE


def _kept_without_guess(cells) -> None:
    """Every unambiguous cell of table 二 is kept as printed, and 行政规范性文件 holds no number
    anyone chose (its cells may be kept with their text only)."""
    row, _, _ = doc.AMBIGUOUS_ROW
    guessed = {k: v for k, v in cells.items() if k[0] == row and v[1] is not None}
    assert guessed == {}, f"a reading of {doc.AMBIGUOUS_ROW[2]} was guessed: {guessed}"
    assert_same({k: v for k, v in cells.items() if k[0] != row}, doc.PROACTIVE, "table 二 without 行政规范性文件")


def test_table_two_refused_naming_the_row_with_fifteen_readings(parsed):
    table = parsed.tables["proactive_disclosure"]
    _, label, run = doc.AMBIGUOUS_ROW
    assert table.problems, f"{label}{run} has fifteen readings: the reader must refuse table 二"
    assert any(label in p for p in table.problems), table.problems
    _kept_without_guess(read_cells(table))


def test_table_three_runs_split_by_the_arithmetic(parsed):
    assert_cells(parsed.tables["applications"], doc.APPLICATIONS)


def test_table_four_seventeen_digits_fifteen_cells(parsed):
    # 21317000001324019 -> 2 1 3 1 7 | 0 0 0 0 0 | 13 2 4 0 19
    assert_cells(parsed.tables["review_litigation"], doc.REVIEW)


# --- In the warehouse (one run of all six real reports) ------------------------------------


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    report = stored(tmp_path_factory, doc.FILE)
    yield report
    report.con.close()


def test_stored_identity(report):
    row = report.row()
    assert (row["agency"], row["year"], row["template"]) == (doc.AGENCY, doc.YEAR, doc.TEMPLATE)


def test_table_two_quarantined_the_others_load(report):
    row = report.row()
    assert row["status"] == doc.STATUS
    assert sorted(row["tables_loaded"] or []) == sorted(doc.TABLES_LOADED)
    assert sorted(row["tables_quarantined"] or []) == sorted(doc.TABLES_QUARANTINED)


def test_the_reason_names_table_two_and_the_row(report):
    reason = report.row()["reason"] or ""
    for name in doc.TABLES_QUARANTINED["proactive_disclosure"]:
        assert name in reason, f"{name!r} not in {reason!r}"
    assert report.failed_checks("critical") == []  # refused by the reader, not by a check


def test_loaded_facts_equal_the_printed_cells(report):
    assert_same(report.facts("applications"), doc.APPLICATIONS, "fact_applications")
    assert_same(report.facts("review_litigation"), doc.REVIEW, "fact_review_litigation")
    assert report.facts("proactive_disclosure") == {}


def test_quarantine_holds_what_was_read_of_table_two_and_kept_without_guess(report):
    _kept_without_guess(report.quarantined("proactive_disclosure"))
    reasons = report.quarantine_reasons("proactive_disclosure")
    assert reasons and all(doc.AMBIGUOUS_ROW[1] in r for r in reasons), reasons
