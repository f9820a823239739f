"""淮安市洪泽区人民政府 2023年政府信息公开工作年度报告 (../shared/realworld/hzq2023_working.pdf), read top
to bottom.

A WPS-made PDF, 5 pages, fonts without a ToUnicode map. Expected cells typed by hand from the page
images: tests/realworld/expected_hzq2023_working.py. Its table 四 prints 总计 0 over parts that add up
to 11 and 5: the table is read as printed, then quarantined by review_litigation_total.
"""

import pytest

from tests.realworld import expected_hzq2023_working as doc
from tests.realworld.conftest import assert_cells, assert_same, parse, stored

# --- Reading the document ------------------------------------------------------------------


@pytest.fixture(scope="module")
def parsed():
    return parse(doc.FILE)


def test_page_1_title_split_over_two_lines_agency_in_the_body(parsed):
    # - 1 - / 洪泽区人民政府 / 2023 年政府信息公开工作年度报告; body: 淮安市洪泽区人民政府办公室.
    assert parsed.agency_name == doc.AGENCY
    assert parsed.year == doc.YEAR
    assert parsed.template == doc.TEMPLATE


def test_pages_2_3_table_two_proactive_disclosure(parsed):
    assert_cells(parsed.tables["proactive_disclosure"], doc.PROACTIVE)


def test_pages_3_4_table_three_with_dropped_glyphs_and_one_row_other_handling(parsed):
    # 2.其他法律行政止公开 is 2.其他法律行政法规禁止公开; （六）其他处理 is one row in a 2021 table.
    assert_cells(parsed.tables["applications"], doc.APPLICATIONS)


def test_page_4_table_four_read_as_printed_with_its_wrong_totals(parsed):
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


def test_tables_two_and_three_load_table_four_is_quarantined(report):
    row = report.row()
    assert row["status"] == doc.STATUS
    assert sorted(row["tables_loaded"] or []) == sorted(doc.TABLES_LOADED)
    assert sorted(row["tables_quarantined"] or []) == sorted(doc.TABLES_QUARANTINED)


def test_the_reason_names_the_rule_and_the_blocks_that_break_it(report):
    reason = report.row()["reason"] or ""
    for name in doc.TABLES_QUARANTINED["review_litigation"]:
        assert name in reason, f"{name!r} not in {reason!r}"
    for name in doc.NOT_IN_REASON:
        assert name not in reason, f"{name!r} holds but is named in {reason!r}"
    assert [(e, t) for e, t, _ in report.failed_checks("critical")] == [
        ("review_litigation_total", "review_litigation")
    ]


def test_loaded_facts_equal_the_printed_cells(report):
    assert_same(report.facts("proactive_disclosure"), doc.PROACTIVE, "fact_proactive_disclosure")
    assert_same(report.facts("applications"), doc.APPLICATIONS, "fact_applications")
    assert report.facts("review_litigation") == {}


def test_quarantine_holds_table_four_as_printed(report):
    assert_same(report.quarantined("review_litigation"), doc.REVIEW, "quarantine_review_litigation")
    assert all("review_litigation_total" in r for r in report.quarantine_reasons("review_litigation"))
