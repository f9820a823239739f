"""平潭综合实验区君山片区管理局 2022年政府信息公开工作年度报告
(../shared/realworld/pingtan_junshan_2022_page.txt), read top to bottom.

A crawler's text copy, body on one line, digits run together. Every run has one reading, so every
table is read; table 三 then breaks outcome_total (本机关不掌握 3 | 0 | 0 | 0 | 0 | 2 | 5 under a
（七）总计 of zeros) and is quarantined. Expected cells typed by hand:
tests/realworld/expected_pingtan_junshan_2022_page.py.
"""

import pytest

from tests.realworld import expected_pingtan_junshan_2022_page as doc
from tests.realworld.conftest import assert_cells, assert_same, parse, stored

# --- Reading the document ------------------------------------------------------------------


@pytest.fixture(scope="module")
def parsed():
    return parse(doc.FILE)


def test_identity_from_the_metadata_header_and_title(parsed):
    assert parsed.agency_name == doc.AGENCY
    assert parsed.year == doc.YEAR
    assert parsed.template == doc.TEMPLATE


def test_table_two_runs_split_only_one_way(parsed):
    # 规章000 -> 0 0 0; 行政规范性文件0011 -> 0 0 11
    assert_cells(parsed.tables["proactive_disclosure"], doc.PROACTIVE)


def test_table_three_read_as_printed_including_the_row_that_does_not_add_up(parsed):
    assert_cells(parsed.tables["applications"], doc.APPLICATIONS)


def test_table_four_fifteen_zeros(parsed):
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


def test_table_three_quarantined_the_others_load(report):
    row = report.row()
    assert row["status"] == doc.STATUS
    assert sorted(row["tables_loaded"] or []) == sorted(doc.TABLES_LOADED)
    assert sorted(row["tables_quarantined"] or []) == sorted(doc.TABLES_QUARANTINED)


def test_the_reason_names_the_outcome_total_rule_and_the_failing_columns(report):
    reason = report.row()["reason"] or ""
    for name in doc.TABLES_QUARANTINED["applications"]:
        assert name in reason, f"{name!r} not in {reason!r}"
    for name in doc.NOT_IN_REASON:
        assert name not in reason, f"{name!r} adds up but is named in {reason!r}"
    assert [(e, t) for e, t, _ in report.failed_checks("critical")] == [("outcome_total", "applications")]


def test_loaded_facts_equal_the_printed_cells(report):
    assert_same(report.facts("proactive_disclosure"), doc.PROACTIVE, "fact_proactive_disclosure")
    assert_same(report.facts("review_litigation"), doc.REVIEW, "fact_review_litigation")
    assert report.facts("applications") == {}


def test_quarantine_holds_table_three_as_printed(report):
    assert_same(report.quarantined("applications"), doc.APPLICATIONS, "quarantine_applications")
    assert all("outcome_total" in r for r in report.quarantine_reasons("applications"))
