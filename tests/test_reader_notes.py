"""The reader's non-blocking findings (TableRead.warnings) reach dq_results as warnings
(suite 'reading', expectation 'reader_note', the text as details) and the dashboard's warning
list, and never keep a table out of the facts."""

from html import escape

import duckdb
import pytest

from pipeline import dashboard
from tests.staged_reports import APPLICATIONS_2021, checks, report_2021, report_id, run_parsed

STRAY = "a stray number '1' at line 57 was not taken as a cell"
JOINED = "the label of row 4 was joined from two lines"
REVIEW_NOTE = "page 3: a page number between the header and the numbers was skipped"


@pytest.fixture(scope="module")
def warehouse_path(tmp_path_factory):
    noted = report_2021(
        APPLICATIONS_2021, warnings={"applications": [STRAY, JOINED], "review_litigation": [REVIEW_NOTE]}
    )
    quiet = report_2021(APPLICATIONS_2021, agency="内黄县人民政府")
    return run_parsed(tmp_path_factory.mktemp("notes"), {"noted.txt": noted, "quiet.txt": quiet})


def _reading(con, name: str) -> list[tuple]:
    return [(t, sev, ok, d) for s, e, t, sev, ok, d in checks(con, name) if (s, e) == ("reading", "reader_note")]


def test_reader_notes_are_warnings_with_their_text(warehouse_path):
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        assert _reading(con, "noted.txt") == [
            ("applications", "warning", False, f"{STRAY}; {JOINED}"),
            ("proactive_disclosure", "warning", True, None),
            ("review_litigation", "warning", False, REVIEW_NOTE),
        ]
        assert _reading(con, "quiet.txt") == [
            ("applications", "warning", True, None),
            ("proactive_disclosure", "warning", True, None),
            ("review_litigation", "warning", True, None),
        ]
        # not blocking: every table of the noted report is in the facts
        assert con.execute(
            "SELECT status, reason FROM reports WHERE report_id = ?", [report_id("noted.txt")]
        ).fetchone() == (
            "loaded",
            None,
        )
        # the staging table of the notes is gone with the rest of the staging
        assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'stg_%'").fetchone() == (0,)


def test_reader_notes_are_in_the_dashboards_warning_list(warehouse_path, tmp_path):
    site = dashboard.build(warehouse_path, site_dir=tmp_path / "site")
    page = site.index.read_text(encoding="utf-8")
    warnings = page[page.index('id="warning-list"') :]
    for note in (STRAY, JOINED, REVIEW_NOTE):
        assert escape(note) in warnings, note
