"""End to end over every format: one loaded report per agency-year, the other copies visible
as duplicates, bad files failed with their reason, and PDF facts located by page."""

import shutil

import duckdb
import pytest

from tests.conftest import RAW

BAD = RAW.parents[1] / "tests" / "fixtures" / "bad"
FILES = [
    RAW / "000_4878a5074e723ab1.txt",
    RAW / "000_4878a5074e723ab1.pdf",
    RAW / "000_4878a5074e723ab1.docx",
    RAW / "000_4878a5074e723ab1.html",
    RAW / "004_f01d4dbb51cf7cd1.pdf",
    RAW / "004_f01d4dbb51cf7cd1.html",
    RAW / "003_6e817ece59bf6a07.pdf",  # the only copy: its facts come from the PDF
    BAD / "scanned.pdf",
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    from pipeline.cli import run_ingest

    root = tmp_path_factory.mktemp("formats")
    raw = root / "raw"
    raw.mkdir()
    for path in FILES:
        shutil.copy2(path, raw / path.name)
    run_ingest(raw, root / "gongkai.duckdb", ephemeral=True)
    con = duckdb.connect(str(root / "gongkai.duckdb"), read_only=True)
    yield con
    con.close()


def test_one_loaded_report_per_agency_year(warehouse):
    rows = warehouse.execute(
        "SELECT agency_id, year, status, count(*) FROM reports WHERE agency_id IS NOT NULL GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    by_key: dict = {}
    for agency, year, status, n in rows:
        by_key.setdefault((agency, year), {})[status] = n
    got = sorted(sorted(v.items()) for v in by_key.values())
    assert got == [
        [("duplicate", 1), ("loaded", 1)],  # 004: PDF and HTML
        [("duplicate", 3), ("loaded", 1)],  # 000: text, PDF, DOCX, HTML
        [("partial", 1)],  # 003: table 二 prints -1 repealed regulations, quarantined by the gate
    ]


def test_duplicates_name_the_loaded_copy(warehouse):
    rows = warehouse.execute("SELECT source_file, reason FROM reports WHERE status = 'duplicate'").fetchall()
    loaded = {f for (f,) in warehouse.execute("SELECT source_file FROM reports WHERE status = 'loaded'").fetchall()}
    assert len(rows) == 4
    for _, reason in rows:
        assert reason.startswith("duplicate of ") and reason.split()[2] in loaded


def test_scan_failed_with_reason(warehouse):
    assert warehouse.execute("SELECT status, reason FROM reports WHERE source_file = 'scanned.pdf'").fetchall() == [
        ("failed", "no text layer (scanned)")
    ]


def test_facts_are_the_seed_numbers_whatever_the_format(warehouse):
    """Every copy of one report was staged with the same numbers (else it would be a conflict)."""
    hashes = warehouse.execute(
        "SELECT agency_id, count(DISTINCT numbers_hash) FROM reports WHERE status IN ('loaded', 'duplicate') GROUP BY 1"
    ).fetchall()
    assert all(n == 1 for _, n in hashes)
    total = warehouse.execute(
        "SELECT f.count FROM fact_applications f JOIN reports r USING (report_id) "
        "WHERE r.source_file LIKE '000_%' AND f.outcome = 'new_received' AND f.applicant_type = 'total'"
    ).fetchall()
    assert total == [(8,)]


def test_pdf_provenance(warehouse):
    """Facts loaded from a PDF carry the page; from other formats, the table row and column."""
    rows = warehouse.execute(
        "SELECT r.file_type, min(f.source_page), max(f.source_page), min(f.source_where) "
        "FROM fact_applications f JOIN reports r USING (report_id) GROUP BY 1"
    ).fetchall()
    assert "pdf" in {r[0] for r in rows}
    for file_type, low, high, where in rows:
        if file_type == "pdf":
            assert low is not None and where.startswith(f"page {low} table ")
        elif file_type in ("docx", "html"):
            assert low is None and where.startswith("table ") and " col " in where
        else:
            assert high is None
