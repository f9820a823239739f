"""A total left blank (or a placeholder) while its parts are not all 0 is a total the agency did
not print (FORM.md, "Cell values"): NULL, never filled in; every equation using it is skipped for
that row or column; a ``total_not_printed`` warning gives the sum of the parts; the table loads.
A printed total must still match. Text reports in the layout of data/raw/006 through the real
ingest job; ``—`` is the placeholder (a text copy loses truly blank cells)."""

import duckdb
import pytest

from pipeline.cli import run_ingest
from tests.conftest import RAW

SOURCE = (RAW / "006_constructed_2021_tangyin_county.txt").read_text(encoding="utf-8")


def _edit(text: str, *replacements: tuple[str, str]) -> str:
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def _blank_total_column(text: str) -> str:
    """Every row of table 三 with its 总计 printed as — (the other columns as printed)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("一、本年新收"))
    end = next(i for i, line in enumerate(lines) if line.startswith("四、结转下年度"))
    for i in range(start, end + 1):
        parts = lines[i].split(" ")
        if len(parts) >= 7 and all(p.isdigit() for p in parts[-7:]):
            lines[i] = " ".join([*parts[:-1], "—"])
    return "\n".join(lines) + "\n"


REVIEW_ROW = "3 1 0 0 4 1 0 1 1 3 1 0 0 0 1"
APPS = "三、收到和处理政府信息公开申请情况: "
NOT_PRINTED = "total not printed (total_not_printed): "
FILES = {
    # one row's 总计, one column's （七）总计 and the review 总计 not printed; a blank total of a zero row
    "some_totals.txt": _edit(
        SOURCE,
        ("（一）予以公开 13 2 0 1 0 0 16", "（一）予以公开 13 2 0 1 0 0 —"),
        ("1.属于国家秘密 0 0 0 0 0 0 0", "1.属于国家秘密 0 0 0 0 0 0 —"),
        ("（七）总计 33 4 0 1 2 0 40", "（七）总计 — 4 0 1 2 0 40"),
        (REVIEW_ROW, "3 1 0 0 — 1 0 1 1 3 1 0 0 0 1"),
    ),
    # the whole 总计 column left blank (the Shanghai 2019 report does so on its outcome rows)
    "total_column.txt": _blank_total_column(SOURCE.replace("汤阴县", "内黄县")),
    # a total not printed does not excuse a printed total that is wrong
    "wrong_total.txt": _edit(
        SOURCE.replace("汤阴县", "滑县"),
        ("（一）予以公开 13 2 0 1 0 0 16", "（一）予以公开 13 2 0 1 0 0 —"),
        ("不计其他情形） 3 1 0 0 0 0 4", "不计其他情形） 3 1 0 0 0 0 5"),
    ),
}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    root = tmp_path_factory.mktemp("totals")
    (root / "raw").mkdir()
    for name, text in FILES.items():
        (root / "raw" / name).write_text(text, encoding="utf-8")
    run_ingest(root / "raw", root / "g.duckdb", ephemeral=True)
    con = duckdb.connect(str(root / "g.duckdb"), read_only=True)
    yield con
    con.close()


def _report(con, name: str) -> tuple[str, str, str | None]:
    return con.execute("SELECT report_id, status, reason FROM reports WHERE source_file = ?", [name]).fetchone()


def _failed(con, name: str) -> list[tuple[str, str, str, str]]:
    rid = _report(con, name)[0]
    return con.execute(
        "SELECT expectation, table_name, severity, details FROM dq_results WHERE report_id = ? AND NOT success "
        "ORDER BY expectation, table_name",
        [rid],
    ).fetchall()


def test_totals_not_printed_load_with_warnings_giving_the_parts_sum(con):
    _, status, reason = _report(con, "some_totals.txt")
    assert (status, reason) == ("loaded", None)  # every equation that would have used a blank total was skipped
    failed = _failed(con, "some_totals.txt")
    assert [(e, t, s) for e, t, s, _ in failed] == [
        ("total_not_printed", "applications", "warning"),
        ("total_not_printed", "review_litigation", "warning"),
    ]
    apps, review = failed[0][3], failed[1][3]
    assert apps.split("; ") == [
        f"{APPS}{NOT_PRINTED}column 自然人: （七）总计 is printed as '—' while its parts sum to 33 "
        "(（七）总计 = （一）+（二）+（三）1-8 +（四）1-3 +（五）1-5 +（六）), so it stays NULL and outcome_total "
        "(and any other equation with this cell) is not evaluated for this column",
        f"{APPS}{NOT_PRINTED}row （一）予以公开: 总计 is printed as '—' while its parts sum to 16 "
        "(总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他), so it stays NULL "
        "and applicant_total (and any other equation with this cell) is not evaluated for this row",
    ]
    assert review == (
        "四、政府信息公开行政复议、行政诉讼情况: total not printed (total_not_printed): row 行政复议: 总计 is printed "
        "as '—' while its parts sum to 4 (总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结), so it stays NULL and "
        "review_litigation_total (and any other equation with this cell) is not evaluated for this row"
    )


def test_a_total_not_printed_stays_null_never_the_sum(con):
    rid = _report(con, "some_totals.txt")[0]
    cells = con.execute(
        "SELECT outcome, applicant_type, count, raw FROM fact_applications WHERE report_id = ? AND raw = '—' "
        "ORDER BY outcome, applicant_type",
        [rid],
    ).fetchall()
    assert cells == [
        ("granted", "total", None, "—"),
        ("handled_total", "natural_person", None, "—"),
        ("withheld_state_secret", "total", None, "—"),
    ]
    assert con.execute(
        "SELECT count, raw FROM fact_review_litigation WHERE report_id = ? AND proceeding = 'administrative_review' "
        "AND result = 'total'",
        [rid],
    ).fetchone() == (None, "—")
    # analysts' headline view: a total not printed is unknown, not 0 and not the parts' sum
    assert con.execute(
        "SELECT applications_received, handled_total, granted, reviews, lawsuits FROM v_agency_year "
        "WHERE report_id = ?",
        [rid],
    ).fetchone() == (41, 40, None, None, 4)


def test_equations_using_a_total_not_printed_are_not_recorded_as_passed(con):
    """Skipped is not passed: column 自然人 and the 总计 column evaluate no equation through the
    blank cells; the other columns still do (and pass)."""
    rid = _report(con, "some_totals.txt")[0]
    rules = dict(
        con.execute(
            "SELECT expectation, success FROM dq_results WHERE report_id = ? AND suite LIKE 'applications_by_%'",
            [rid],
        ).fetchall()
    )
    assert rules == {"column_balance": True, "outcome_total": True, "applicant_total": True}


def test_a_blank_total_column_skips_its_equations_and_the_narrative_comparison(con):
    _, status, reason = _report(con, "total_column.txt")
    assert (status, reason) == ("loaded", None)
    failed = _failed(con, "total_column.txt")
    assert [(e, t) for e, t, _, _ in failed] == [("total_not_printed", "applications")]
    # one warning per row whose applicant columns do not sum to 0: 15 of the 25 rows
    details = failed[0][3].split("; ")
    assert len(details) == 15
    assert details[0].startswith(
        f"{APPS}{NOT_PRINTED}row 一、本年新收政府信息公开申请数量: 总计 is printed as '—' while its parts sum to 41"
    )
    # 正文 says 41 applications; the table's total was not printed, so there is nothing to contradict
    rid = _report(con, "total_column.txt")[0]
    narrative = con.execute(
        "SELECT count(*) FROM dq_results WHERE report_id = ? AND suite = 'narrative'", [rid]
    ).fetchone()
    assert narrative == (0,)
    assert con.execute(
        "SELECT applications_received, handled_total, disclosure_rate FROM v_agency_year WHERE report_id = ?", [rid]
    ).fetchone() == (None, None, None)


def test_a_printed_total_must_still_match(con):
    _, status, reason = _report(con, "wrong_total.txt")
    assert status == "partial"
    assert reason == (
        f"{APPS}check applicant_total (总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + "
        "法律服务机构 + 其他) fails for （二）部分公开（区分处理的，只计这一情形，不计其他情形）: 总计 5 ≠ 自然人 3 + "
        "商业企业 1 + 科研机构 0 + 社会公益组织 0 + 法律服务机构 0 + 其他 0 = 4"
    )


def test_shanghai_layout_total_column_blank_on_outcome_rows(tmp_path):
    """The real Shanghai 2019 table (blank 总计 on （一）–（六）, printed on 一、二、（七）、四) as its
    HTML reader reads it, gated below the reader; its title is given (the year-first title is the
    identity reader's matter)."""
    from pipeline.document import Row
    from pipeline.parse import parse_document
    from pipeline.readers import read_document
    from tests.realworld.conftest import source
    from tests.staged_reports import checks, run_parsed

    doc = read_document(source("shanghai_gov_office_2019.html"))
    doc.rows[0] = Row(("上海市人民政府办公厅2019年政府信息公开工作年度报告",), "line 1")
    parsed = parse_document(doc)
    assert parsed.tables["applications"].problems == []
    with duckdb.connect(str(run_parsed(tmp_path, {"shanghai.html": parsed})), read_only=True) as c:
        rows = checks(c, "shanghai.html")
        status = c.execute("SELECT tables_loaded FROM reports").fetchone()[0]
    assert "applications" in status
    arithmetic = {(e, ok) for s, e, t, _, ok, _ in rows if t == "applications" and s.startswith("applications_")}
    assert arithmetic == {("column_balance", True), ("outcome_total", True), ("applicant_total", True)}
    (details,) = [d for s, e, t, _, ok, d in rows if e == "total_not_printed" and t == "applications"]
    sums = {d.split(": ")[2]: d.split("parts sum to ")[1].split(" ")[0] for d in details.split("; ")}
    assert sums == {  # typed from the page: the six applicant columns of each row
        "row （一）予以公开": "272",
        "row （二）部分公开（区分处理的，只计这一情形，不计其他情形）": "3",
        "row 1.属于国家秘密": "14",
        "row 5.属于三类内部事务信息": "5",
        "row 6.属于四类过程性信息": "4",
        "row 8.属于行政查询事项": "12",
        "row 1.本机关不掌握相关政府信息": "265",
        "row 2.没有现成信息需要另行制作": "47",
        "row 3.补正后申请内容仍不明确": "25",
        "row 1.信访举报投诉类申请": "149",
        "row 2.重复申请": "9",
    }
