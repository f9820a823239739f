"""Runs of the Dagster job: idempotency, changed files, bad input, duplicates, readers held open."""

import os
import shutil
import subprocess
import sys

import duckdb
import pytest

from pipeline.cli import run_ingest
from tests.conftest import RAW, copy_seeds

TABLES = (
    "reports",
    "fact_applications",
    "fact_proactive_disclosure",
    "fact_review_litigation",
    "quarantine_proactive_disclosure",
    "dim_agency",
)


def counts(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def status_of(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            src: (status, reason)
            for src, status, reason in con.execute("SELECT source_file, status, reason FROM reports").fetchall()
        }


@pytest.fixture
def seeds(tmp_path):
    return copy_seeds(tmp_path / "raw"), tmp_path / "wh" / "gongkai.duckdb"


def test_rerun_is_a_no_op(seeds):
    raw, warehouse = seeds
    _first, scan1, _ = run_ingest(raw, warehouse, ephemeral=True)
    before = counts(warehouse)
    _second, scan2, _ = run_ingest(raw, warehouse, ephemeral=True)
    assert len(scan1.to_process) == 5
    assert (len(scan2.to_process), len(scan2.unchanged)) == (0, 5)  # nothing re-parsed
    assert counts(warehouse) == before


def test_changed_file_replaces_its_facts(seeds):
    raw, warehouse = seeds
    run_ingest(raw, warehouse, ephemeral=True)
    path = raw / "004_f01d4dbb51cf7cd1.txt"
    text = path.read_text(encoding="utf-8")
    # a corrected re-issue: 行政许可 319 -> 320
    path.write_text(text.replace("行政许可\t319", "行政许可\t320"), encoding="utf-8")
    _, scan, _ = run_ingest(raw, warehouse, ephemeral=True)
    assert [f.source_file for f in scan.to_process] == ["004_f01d4dbb51cf7cd1.txt"]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        values = con.execute(
            "SELECT f.value FROM fact_proactive_disclosure f JOIN reports r USING (report_id) "
            "WHERE r.source_file = '004_f01d4dbb51cf7cd1.txt' AND f.item = 'administrative_license'"
        ).fetchall()
        statuses = sorted(
            s
            for (s,) in con.execute(
                "SELECT status FROM reports WHERE source_file = '004_f01d4dbb51cf7cd1.txt'"
            ).fetchall()
        )
    assert values == [(320,)]
    assert statuses == ["loaded", "superseded"]
    assert counts(warehouse)["fact_proactive_disclosure"] == 40


def test_bad_files_fail_with_reasons_and_the_rest_loads(seeds):
    raw, warehouse = seeds
    (raw / "empty.txt").write_bytes(b"")
    (raw / "not_a_report.txt").write_text("今天天气很好，我们去公园散步。\n没有任何表格。\n", encoding="utf-8")
    (raw / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (raw / "legacy.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    (raw / "picture.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a picture")
    summary, _, _ = run_ingest(raw, warehouse, ephemeral=True)
    statuses = status_of(warehouse)
    assert statuses["empty.txt"] == ("failed", "empty file")
    assert statuses["not_a_report.txt"] == (
        "failed",
        "not a report: no title line '…政府信息公开工作年度报告' near the top",
    )
    assert statuses["binary.txt"] == ("failed", "cannot decode the text: no known character encoding fits")
    assert statuses["legacy.doc"] == (
        "failed",
        "legacy Word 97-2003 .doc format is not supported; save it as .docx or PDF",
    )
    assert statuses["picture.jpg"] == ("failed", "unsupported file type '.jpg'")
    assert sum(s == "loaded" for s, _ in statuses.values()) == 4
    assert summary.statuses == {"loaded": 4, "partial": 1, "failed": 5}  # 003 partial, as always


def test_identical_copy_is_one_report(seeds):
    raw, warehouse = seeds
    shutil.copy2(raw / "000_4878a5074e723ab1.txt", raw / "copy_of_000.txt")
    run_ingest(raw, warehouse, ephemeral=True)
    found = counts(warehouse)
    assert found["reports"] == 6  # every file has a row: the copy's says which file counts it
    assert status_of(warehouse)["copy_of_000.txt"] == (
        "duplicate",
        "byte-identical copy of 000_4878a5074e723ab1.txt: the same content under another name, counted once",
    )
    assert found["fact_applications"] == 5 * 175  # same content = same report: its facts once


def test_second_copy_with_same_numbers_is_a_duplicate(seeds):
    raw, warehouse = seeds
    run_ingest(raw, warehouse, ephemeral=True)
    text = (raw / "002_4506cd2fdf4d2994.txt").read_text(encoding="utf-8")
    (raw / "002_reposted.txt").write_text("转载\n" + text, encoding="utf-8")  # other bytes, same numbers
    run_ingest(raw, warehouse, ephemeral=True)
    statuses = status_of(warehouse)
    assert statuses["002_4506cd2fdf4d2994.txt"][0] == "loaded"
    assert statuses["002_reposted.txt"] == (
        "duplicate",
        "duplicate of 002_4506cd2fdf4d2994.txt (same agency, year and numbers)",
    )
    assert counts(warehouse)["fact_applications"] == 5 * 175


def test_conflicting_reissue_newest_wins(seeds):
    raw, warehouse = seeds
    run_ingest(raw, warehouse, ephemeral=True)
    text = (raw / "004_f01d4dbb51cf7cd1.txt").read_text(encoding="utf-8")
    (raw / "004_corrected.txt").write_text(text.replace("行政处罚\t32", "行政处罚\t33"), encoding="utf-8")
    run_ingest(raw, warehouse, ephemeral=True)
    statuses = status_of(warehouse)
    assert statuses["004_f01d4dbb51cf7cd1.txt"][0] == "duplicate"
    assert statuses["004_f01d4dbb51cf7cd1.txt"][1].startswith("conflicting copy: 004_corrected.txt is newer")
    assert statuses["004_corrected.txt"][0] == "loaded"
    assert "conflict" in statuses["004_corrected.txt"][1]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        warning = con.execute("SELECT severity, success FROM dq_results WHERE suite = 'duplicates'").fetchall()
        penalty = con.execute(
            "SELECT value FROM fact_proactive_disclosure f JOIN dim_agency a USING (agency_id) "
            "WHERE a.name LIKE '新乡%' AND item = 'administrative_penalty'"
        ).fetchall()
    assert warning == [("warning", False)]
    assert penalty == [(33,)]


def test_open_reader_neither_blocks_nor_sees_half_a_load(seeds):
    raw, warehouse = seeds
    run_ingest(raw, warehouse, ephemeral=True)
    reader = duckdb.connect(str(warehouse), read_only=True)  # an analyst's session, held open
    before = reader.execute("SELECT count(*) FROM reports").fetchone()[0]
    text = (raw / "001_3e089bbee027005d.txt").read_text(encoding="utf-8")
    (raw / "001_reissue.txt").write_text("更正版\n" + text, encoding="utf-8")
    # the nightly run is another process, like `gongkai ingest` from cron or Dagster
    env = {**os.environ, "DAGSTER_HOME": str(raw.parent / "dagster_home")}
    run = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "ingest", "--raw-dir", str(raw), "--warehouse", str(warehouse)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    queries = 0
    while run.poll() is None:  # the analyst keeps querying during the run
        assert reader.execute("SELECT count(*) FROM reports").fetchone()[0] == before
        queries += 1
    output = run.stdout.read()
    assert run.returncode == 0, output
    assert queries > 0
    assert reader.execute("SELECT count(*) FROM reports").fetchone()[0] == before  # old snapshot, consistent
    reader.close()
    assert counts(warehouse)["reports"] == before + 1  # new sessions see the new load


def test_raw_files_are_never_modified(seeds):
    raw, warehouse = seeds
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in raw.iterdir()}
    run_ingest(raw, warehouse, ephemeral=True)
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in raw.iterdir()} == before


def test_bundled_raw_folder_ingests(tmp_path):
    """The README's main command, on everything bundled in data/raw."""
    summary, scan, _ = run_ingest(RAW, tmp_path / "gongkai.duckdb", ephemeral=True)
    # 24 files: the five seeds in 4 formats, 005 and 006, and 2 variants in data/raw/variants/
    assert len(scan.to_process) == 24
    # one report per agency and year: seeds 000, 001, 002, 004, and 005, 006 load; 003 (a negative
    # count in table 二 in every copy) is partial; the other 17 copies (3 per seed, plus the
    # full-width 000 and the Traditional 003) are duplicates of them
    assert summary.statuses == {"loaded": 6, "partial": 1, "duplicate": 17}


def test_a_file_that_kills_its_reader_process_fails_alone(tmp_path, monkeypatch):
    """A file on which a C library dies takes its worker process with it; the worker is
    replaced, the other files go on, and only that file fails."""
    from pipeline import ingest, readers

    raw = copy_seeds(tmp_path / "raw")
    for i in range(4):  # enough files for the process pool
        shutil.copy2(RAW / "001_3e089bbee027005d.txt", raw / f"copy_{i}.txt")
        with open(raw / f"copy_{i}.txt", "a", encoding="utf-8") as f:
            f.write("\n" * (i + 1))
    (raw / "crash.txt").write_text("anything", encoding="utf-8")
    real_read = readers.read_document

    def read_or_die(path, limits):
        if path.name == "crash.txt":
            os._exit(1)  # what a segfault in pdfium looks like from the pool
        return real_read(path, limits)

    monkeypatch.setattr(readers, "read_document", read_or_die)  # forked workers inherit it
    files = ingest.scan(raw, tmp_path / "none.duckdb").to_process
    results = {r.file.source_file: r for r in ingest.parse_files(files, workers=2)}
    assert len(results) == 10
    assert results["crash.txt"].error == ingest.CRASHED
    assert all(r.parsed is not None for name, r in results.items() if name != "crash.txt")
