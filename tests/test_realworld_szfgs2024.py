"""淮安市人民政府 2024年政府信息公开工作年度报告 (../shared/realworld/szfgs2024.pdf), read top to bottom.

A WPS-made PDF, 6 pages. Expected cells typed by hand from the page images:
tests/realworld/expected_szfgs2024.py.
"""

import pytest

from tests.realworld import expected_szfgs2024 as doc
from tests.realworld.conftest import assert_cells, assert_same, parse, stored

# --- Reading the document ------------------------------------------------------------------


@pytest.fixture(scope="module")
def parsed():
    return parse(doc.FILE)


def test_page_1_title_without_agency_body_names_it(parsed):
    # Title: 淮安市人民政府 / 2024年政府信息公开工作年度报告; body: 本报告由淮安市人民政府办公室…编制.
    assert parsed.agency_name == doc.AGENCY
    assert parsed.year == doc.YEAR
    assert parsed.template == doc.TEMPLATE


def test_pages_3_4_table_two_proactive_disclosure_across_the_page_break(parsed):
    assert_cells(parsed.tables["proactive_disclosure"], doc.PROACTIVE)


def test_pages_4_5_table_three_applications_across_the_page_break(parsed):
    assert_cells(parsed.tables["applications"], doc.APPLICATIONS)


def test_page_5_table_four_review_and_litigation(parsed):
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


def test_every_table_loads(report):
    row = report.row()
    assert (row["status"], row["reason"]) == (doc.STATUS, None)
    assert sorted(row["tables_loaded"] or []) == sorted(doc.TABLES_LOADED)
    assert report.failed_checks("critical") == []


def test_facts_equal_the_printed_cells(report):
    assert_same(report.facts("proactive_disclosure"), doc.PROACTIVE, "fact_proactive_disclosure")
    assert_same(report.facts("applications"), doc.APPLICATIONS, "fact_applications")
    assert_same(report.facts("review_litigation"), doc.REVIEW, "fact_review_litigation")
