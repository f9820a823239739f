"""The cheaper ways of staging and validating give exactly what the plain ways gave.

Two shortcuts of issue 10.4 must not change a row: the workers hand back each file's staging
rows (``ingest.stage_file``) instead of the parsed report, and the staging process inserts a
chunk's cells as one Arrow table; and GX is handed only the columns a suite reads
(``validate._columns_read``). Checked on the bundled samples (narrative claims, and an
unreadable file) and on the gate cases (every kind of break, both templates, totals not
printed): the staging tables, their column types, the ``dq_results`` rows and the gate's
verdicts are those of the plain way.
"""

from __future__ import annotations

import copy
import pickle
import shutil
from pathlib import Path

import duckdb
import pytest

from pipeline import form, ingest, warehouse
from pipeline.quality import validate
from pipeline.shards import TABLES
from tests.conftest import RAW
from tests.test_validation_chunks import _gate_cases, _samples, _validated


def _staged_tables(tmp_path: Path, results: list[ingest.FileResult]) -> dict[str, tuple[list, list]]:
    """Each staging table's (column types, rows in order, without the batch's clock)."""
    build = warehouse.start_build(tmp_path / "gongkai.duckdb", "run-rows")
    ingest.stage(build, results, "run-rows", chunk_size=2)  # several chunks, as a batch is cut
    con = duckdb.connect(str(build.path), read_only=True)
    try:
        out = {}
        for table in TABLES:
            clock = " EXCLUDE (ingested_at)" if table == "stg_reports" else ""
            types = con.execute(f"DESCRIBE SELECT *{clock} FROM {table}").fetchall()
            out[table] = (types, con.execute(f"SELECT *{clock} FROM {table} ORDER BY ALL").fetchall())
        return out
    finally:
        con.close()
        warehouse.discard(build)


def test_rows_made_in_the_workers_stage_what_the_parsed_reports_staged(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    (raw / "broken.pdf").write_bytes(b"%PDF-1.7 not really")  # a file that fails: a reports row, no rows
    files = ingest.scan(raw, tmp_path / "none.duckdb").to_process
    parsed = ingest.parse_files(files, workers=2)
    rows = ingest.parse_files(files, workers=2, for_staging=True)

    assert all(r.parsed is None for r in rows)  # the workers send rows, not the report
    assert [r.ok for r in rows] == [r.parsed is not None for r in parsed]
    assert [r.file.source_file for r in rows if not r.ok] == ["broken.pdf"]
    plain = _staged_tables(tmp_path / "plain", parsed)
    assert _staged_tables(tmp_path / "rows", rows) == plain
    staged = {t: len(rows) for t, (_, rows) in plain.items()}
    assert all(staged[t] for t in ("stg_reports", "narrative_claims", "dim_agency", "stg_applications"))


def test_rows_of_the_gate_cases_stage_what_their_parsed_reports_staged(tmp_path):
    """Every kind of break, and reader notes and tables with problems (the samples have none),
    the rows through a pickle as through a worker's pipe."""
    parsed = _gate_cases(tmp_path)
    for r, table in zip(parsed[:3], form.TABLES, strict=True):  # a note and a problem in each table
        r.parsed = copy.deepcopy(r.parsed)
        r.parsed.tables[table].warnings.append(f"a note on {table}")
        r.parsed.tables[table].problems.append(f"a problem with {table}")
    rows = [
        ingest.FileResult(r.file, rows=pickle.loads(pickle.dumps(ingest.file_rows(r.file, r.parsed)))) for r in parsed
    ]
    plain = _staged_tables(tmp_path / "plain", parsed)
    assert _staged_tables(tmp_path / "rows", rows) == plain
    assert len(plain["stg_reader_notes"][1]) == len(plain["stg_problems"][1]) == 3


@pytest.mark.parametrize("batch", [_gate_cases, _samples], ids=["gate-cases", "samples"])
def test_gx_on_the_columns_read_gives_the_results_of_the_whole_frame(tmp_path, batch, monkeypatch):
    results = batch(tmp_path)
    read, read_rows, read_verdicts = _validated(tmp_path / "read", results, chunk=len(results))
    monkeypatch.setattr(validate, "_columns_read", lambda spec, frame: list(frame.columns))
    whole, whole_rows, whole_verdicts = _validated(tmp_path / "whole", results, chunk=len(results))

    assert read_rows == whole_rows
    assert read.summary() == whole.summary()
    assert read_verdicts == whole_verdicts
    assert whole.blocking and whole.warnings  # failures of both severities were compared
