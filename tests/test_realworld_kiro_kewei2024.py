"""2024年上海市科委政府信息公开工作年度报告 (../shared/realworld/kiro_kewei2024.md), read top to bottom.

A machine PDF-to-Markdown conversion: title in the short form 市科委, section numbers that are not
the national ones, tables in fragments with labels detached from their numbers. Expected cells
reconstructed by hand (which cells are detached, and where, is in the expected module):
tests/realworld/expected_kiro_kewei2024.py.
"""

import pytest

from tests.realworld import expected_kiro_kewei2024 as doc
from tests.realworld.conftest import assert_cells, assert_same, parse, stored

# --- Reading the document ------------------------------------------------------------------


@pytest.fixture(scope="module")
def parsed():
    return parse(doc.FILE)


def test_title_over_two_lines_with_the_short_form(parsed):
    # 2024 年上海市科委政府信息公开工作 / 年度报告: 市科委 is 上海市科学技术委员会.
    assert parsed.agency_name == doc.AGENCY
    assert parsed.year == doc.YEAR
    assert parsed.template == doc.TEMPLATE


def test_table_two_blocks_out_of_order_first_block_last(parsed):
    assert_cells(parsed.tables["proactive_disclosure"], doc.PROACTIVE)


def test_table_three_reassembled_from_fragments(parsed):
    assert_cells(parsed.tables["applications"], doc.APPLICATIONS)


def test_the_lone_number_is_named_not_placed(parsed):
    line, number = doc.STRAY_NUMBER
    warnings = parsed.tables["applications"].warnings
    assert len(warnings) == 1 and warnings[0].startswith(f"{line}: {number} on a line of its own was not taken")


def test_table_four_under_a_fragmented_header(parsed):
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
