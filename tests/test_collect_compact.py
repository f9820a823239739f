"""Batch files that stopped counting are deleted once a grace period has passed, never while the
published catalog reads them (``batches.collect``, with a fake clock); ``gongkai compact`` rewrites
many small batches into one per table, every view giving back the same rows, and a reader of the
catalog before keeps reading (``warehouse.compact``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from pipeline import batches, warehouse
from pipeline.cli import main, run_ingest
from tests.conftest import SEED_NAMES, copy_seeds
from tests.warehouse_rows import analyst_tables

T0 = datetime(2026, 1, 1, 2, 0)
DAY = timedelta(days=1)
CELL = (
    "SELECT report_id, 'a' AS agency_id, 2021 AS year, 'administrative_review' AS proceeding, "
    "'total' AS result, {n} AS count, '{n}' AS raw, 1 AS source_page, 'line 1' AS source_where "
    "FROM (VALUES ('r1'), ('r2')) t(report_id)"
)
RESULT = {"validated_at": T0, "suite": "s", "expectation": "e", "report_id": "r1", "success": True}


@pytest.fixture
def clock(monkeypatch):
    """The time batches records a file retired at and collects by: set ``clock[0]``."""
    now = [T0]
    monkeypatch.setattr(batches, "utcnow", lambda: now[0])
    return now


def _run(published: Path, run_id: str, n: int, keep: timedelta = warehouse.KEEP_RETIRED) -> list[Path]:
    """A run that (re)loads r1 and r2 with the count ``n`` and one check result, and publishes."""
    build = warehouse.start_build(published, run_id)
    with warehouse.connect(build.path) as con:
        batches.append(con, "fact_review_litigation", CELL.format(n=n), run_id)
        batches.refresh_views(con)
        warehouse.record_results(con, [{**RESULT, "run_id": run_id}])
    return warehouse.publish(build, keep)


def _files(published: Path) -> list[tuple]:
    with duckdb.connect(str(published), read_only=True) as con:
        return con.execute(
            "SELECT table_name, batch, retired_at FROM batch_files ORDER BY batch, table_name"
        ).fetchall()


def test_a_file_whose_cells_all_stopped_counting_is_deleted_after_the_grace_period(tmp_path, clock):
    published = tmp_path / "g.duckdb"
    _run(published, "run-1", 3)
    first = batches.root_for(published) / "run-1" / "fact_review_litigation.parquet"
    reader = duckdb.connect(str(published), read_only=True)  # an analyst on the first catalog
    try:  # (in this process it also stands for every later connection: DuckDB shares an open file)
        clock[0] = T0 + timedelta(hours=1)
        assert _run(published, "run-2", 4) == []  # r1 and r2 parsed again: run-1's cells stop counting
        assert reader.execute("SELECT sum(count) FROM fact_review_litigation").fetchone() == (6,)
        clock[0] = T0 + timedelta(hours=1) + 7 * DAY - timedelta(seconds=1)
        assert _run(published, "run-3", 5) == []  # inside the grace period: kept
        assert reader.execute("SELECT sum(count) FROM fact_review_litigation").fetchone() == (6,)
    finally:
        reader.close()
    assert first.exists()
    assert _files(published) == [
        ("dq_results", "run-1", None),  # history: every result keeps counting
        ("fact_review_litigation", "run-1", T0 + timedelta(hours=1)),
        ("dq_results", "run-2", None),
        ("fact_review_litigation", "run-2", T0 + timedelta(hours=1) + 7 * DAY - timedelta(seconds=1)),
        ("dq_results", "run-3", None),
        ("fact_review_litigation", "run-3", None),
    ]
    clock[0] = T0 + timedelta(hours=1) + 7 * DAY
    assert _run(published, "run-4", 6) == [first]
    assert not first.exists()
    assert (first.parent / "dq_results.parquet").exists()  # the folder keeps the file that counts
    assert [(t, b) for t, b, _ in _files(published) if b == "run-1"] == [("dq_results", "run-1")]
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("SELECT sum(count) FROM fact_review_litigation").fetchone() == (12,)
        assert con.execute("SELECT run_id FROM dq_results").fetchall() == [(f"run-{i}",) for i in range(1, 5)]


def test_the_grace_period_is_a_setting_and_a_folder_left_empty_goes(tmp_path, clock):
    published = tmp_path / "g.duckdb"
    build = warehouse.start_build(published, "run-1")
    with warehouse.connect(build.path) as con:
        batches.append(con, "fact_review_litigation", CELL.format(n=3), "run-1")
        batches.refresh_views(con)
    warehouse.publish(build)
    first = batches.root_for(published) / "run-1"
    clock[0] = T0 + DAY
    _run(published, "run-2", 4, keep=timedelta(0))  # retired by this very run: the published catalog reads it
    assert first.is_dir()
    clock[0] = T0 + DAY + timedelta(seconds=1)
    assert _run(published, "run-3", 5, keep=timedelta(0)) == [first / "fact_review_litigation.parquet"]
    assert not first.exists()
    assert [p.name for p in batches.batch_dirs(published)] == ["run-2", "run-3"]


def test_a_file_the_published_catalog_reads_is_never_deleted(tmp_path, clock):
    """Even retired long ago in a build: until that build is published, readers open its files."""
    published = tmp_path / "g.duckdb"
    _run(published, "run-1", 3)
    build = warehouse.start_build(published, "run-2")
    with warehouse.connect(build.path) as con:
        batches.retire(con, ["r1", "r2"])
        batches.refresh_views(con)
        assert batches.collect(con, published, timedelta(0), now=T0 + 365 * DAY) == []
    warehouse.discard(build)
    assert (batches.root_for(published) / "run-1" / "fact_review_litigation.parquet").exists()
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("SELECT sum(count) FROM fact_review_litigation").fetchone() == (6,)


def _everything(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[list, list]]:
    """Every view and table the analysts read: its columns and types, and its rows (dq_results in order)."""
    out = {}
    for name in analyst_tables(con):
        types = con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {name})").fetchall()
        rows = con.execute(f"FROM {name}").fetchall()
        out[name] = (types, rows if name == batches.DQ_RESULTS else sorted(rows, key=repr))
    return out


def test_compact_rewrites_many_batches_into_one_per_table_and_every_view_reads_the_same(tmp_path, clock):
    raw, published = copy_seeds(tmp_path / "raw"), tmp_path / "wh" / "g.duckdb"
    held = raw.parent / "held"
    held.mkdir()
    for name in SEED_NAMES[2:]:  # three runs: two seeds, then the third, then the other two
        (raw / name).rename(held / name)
    run_ingest(raw, published, ephemeral=True)
    for names in (SEED_NAMES[2:3], SEED_NAMES[3:]):
        for name in names:
            (held / name).rename(raw / name)
        run_ingest(raw, published, ephemeral=True)
    with duckdb.connect(str(published), read_only=True) as con:
        before = _everything(con)
        files = dict(con.execute("SELECT table_name, count(*) FROM batch_files GROUP BY 1").fetchall())
    assert files == {
        "dq_results": 3,
        "fact_applications": 3,
        "fact_proactive_disclosure": 3,
        "fact_review_litigation": 3,
        "quarantine_proactive_disclosure": 1,
    }
    reader = duckdb.connect(str(published), read_only=True)  # open across the compaction
    try:
        clock[0] = T0 + DAY
        assert main(["compact", "--warehouse", str(published)]) == 0
        assert _everything(reader) == before
    finally:
        reader.close()
    with duckdb.connect(str(published), read_only=True) as con:
        assert _everything(con) == before
        live = con.execute(
            "SELECT table_name, count(*), sum(cells) FROM batch_files WHERE retired_at IS NULL GROUP BY 1 ORDER BY 1"
        ).fetchall()
        batch = dict(con.execute("SELECT table_name, batch FROM batch_files WHERE retired_at IS NULL").fetchall())
    cells = {t: len(rows) for t, (_, rows) in before.items()}
    assert live == [(t, 1, cells[t]) for t in sorted(files)]
    assert {t for t, b in batch.items() if b.startswith("compact-")} == {t for t in files if files[t] > 1}
    # a week on, a run deletes the files compaction retired; the views still read the same
    clock[0] = T0 + 8 * DAY
    done = warehouse.compact(published)
    assert done.tables == {} and len(done.collected) == 12
    with duckdb.connect(str(published), read_only=True) as con:
        assert _everything(con) == before
        assert con.execute("SELECT count(*) FROM batch_files").fetchone() == (5,)
    assert len(batches.batch_dirs(published)) == 2  # the compacted batch, and the first run's quarantine


def test_compacting_an_absent_warehouse_says_so(tmp_path, capsys):
    assert main(["compact", "--warehouse", str(tmp_path / "none.duckdb")]) == 1
    assert "no warehouse at" in capsys.readouterr().err
