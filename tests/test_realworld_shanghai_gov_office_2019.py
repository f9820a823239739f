"""2019年上海市人民政府办公厅政府信息公开工作年度报告 (../shared/realworld/shanghai_gov_office_2019.html),
read top to bottom.

The report's HTML as the government site serves it: 2019 template, colspan/rowspan, ``&nbsp;`` cells,
and a 总计 column left blank on the outcome rows (totals not printed: NULL, a warning, and the table
loads). Expected cells typed by hand: tests/realworld/expected_shanghai_gov_office_2019.py.
"""

import pytest

from tests.realworld import expected_shanghai_gov_office_2019 as doc
from tests.realworld.conftest import assert_cells, assert_same, parse, stored

# --- Reading the document ------------------------------------------------------------------


@pytest.fixture(scope="module")
def parsed():
    return parse(doc.FILE)


def test_title_with_the_year_first(parsed):
    # 2019年上海市人民政府办公厅政府信息公开工作年度报告
    assert parsed.agency_name == doc.AGENCY
    assert parsed.year == doc.YEAR
    assert parsed.template == doc.TEMPLATE


def test_table_two_the_2019_blocks_and_an_amount_with_its_unit(parsed):
    assert_cells(parsed.tables["proactive_disclosure"], doc.PROACTIVE)
    (amount,) = [c for c in parsed.tables["proactive_disclosure"].cells if c.col == "procurement_amount"]
    assert amount.raw == "251000元"


def test_table_three_blank_cells_and_totals_not_printed(parsed):
    # &nbsp; is a blank: raw '' and no number; the blank 总计 cells are not filled in with a sum.
    assert_cells(parsed.tables["applications"], doc.APPLICATIONS)


def test_table_four_review_and_litigation(parsed):
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


def test_every_table_loads_despite_the_unprinted_totals(report):
    row = report.row()
    assert (row["status"], row["reason"]) == (doc.STATUS, None)
    assert sorted(row["tables_loaded"] or []) == sorted(doc.TABLES_LOADED)
    assert report.failed_checks("critical") == []


def test_facts_equal_the_printed_cells_blank_totals_stay_null(report):
    assert_same(report.facts("proactive_disclosure"), doc.PROACTIVE, "fact_proactive_disclosure")
    assert_same(report.facts("applications"), doc.APPLICATIONS, "fact_applications")
    assert_same(report.facts("review_litigation"), doc.REVIEW, "fact_review_litigation")
    totals = report.facts("applications")
    assert all(totals[(outcome, "total")] == ("", None) for outcome in doc.TOTALS_NOT_PRINTED)


def test_each_unprinted_total_is_a_warning_with_the_sum_of_its_parts(report):
    warnings = [(t, d or "") for e, t, d in report.failed_checks("warning") if e == "total_not_printed"]
    assert warnings, "no total_not_printed warning recorded"
    assert {t for t, _ in warnings} == {"applications"}
    details = " | ".join(d for _, d in warnings)
    for outcome in ("granted", "unable_not_held", "not_processed_complaint"):  # sums 272, 265, 149
        assert str(doc.TOTALS_NOT_PRINTED[outcome]) in details, (outcome, details)
