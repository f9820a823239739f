"""A shard's cells written to Parquet straight from Arrow stage what the inserts staged.

``shards.ParquetStaging`` writes each chunk's cells to ``stg_<table>.parquet`` from the Arrow
table ``ingest.Staging`` would insert (cast to the staging tables' types), without the
in-memory table in between. Loaded into a build file (``shards.load``), the staging tables
must be those a one-process ``ingest.stage`` makes: the same column types and the same rows in
the same order, for the gate cases (every kind of break, both templates, notes and problems)
cut into several chunks.
"""

from __future__ import annotations

import copy
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from pipeline import form, ingest, shards, warehouse
from tests.test_validation_chunks import _gate_cases

AT = datetime(2026, 1, 1)


def _tables(path: Path) -> dict[str, tuple[list, list]]:
    """Each staging table's (column types, rows in insertion order; ``dim_agency``'s sorted:
    ``load`` picks one row per agency, in no order)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            t: (
                con.execute(f"DESCRIBE {t}").fetchall(),
                con.execute(f"SELECT * FROM {t}{' ORDER BY ALL' if t == 'dim_agency' else ''}").fetchall(),
            )
            for t in shards.TABLES
        }
    finally:
        con.close()


def test_cells_written_from_arrow_load_the_staged_tables(tmp_path):
    results = [ingest.FileResult(r.file, rows=ingest.file_rows(r.file, r.parsed)) for r in _gate_cases(tmp_path)]
    first = copy.deepcopy(results[0])  # a note and a problem beside the cells
    assert first.rows is not None
    first.rows.notes.append(
        {"report_id": first.file.report_id, "table_name": "applications", "note_no": 1, "note": "n"}
    )
    results[0] = first

    plain = warehouse.start_build(tmp_path / "plain" / "gongkai.duckdb", "run-cells")
    with ingest.Staging(plain, "run-cells", AT) as staging:
        for start in range(0, len(results), 2):
            staging.add(results[start : start + 2])

    directory = tmp_path / "shard"
    directory.mkdir()
    with shards.ParquetStaging(directory, "run-cells", AT) as parquet:
        for start in range(0, len(results), 2):
            parquet.add(results[start : start + 2])
    cells = directory / "stg_applications.parquet"
    assert pq.ParquetFile(cells).metadata.num_row_groups == (len(results) + 1) // 2  # a row group a chunk
    sharded = warehouse.start_build(tmp_path / "sharded" / "gongkai.duckdb", "run-cells")
    shards.load(sharded, [shards.Written(str(directory), parquet.counts)], "run-cells")

    expected = _tables(plain.path)
    assert _tables(sharded.path) == expected
    assert all(expected[f"stg_{t}"][1] for t in form.TABLES)
    assert expected["stg_reader_notes"][1]
    warehouse.discard(plain)
    warehouse.discard(sharded)
