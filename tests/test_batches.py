"""The cells live in immutable batch files that the warehouse file's views read
(``pipeline.batches``): a reader of the old catalog keeps its view while a run publishes, a run
killed between writing its batch and the swap changes nothing published and its files go with
the next run, a superseded report's cells leave the views, and a run with nothing to do writes
nothing."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from pipeline import batches, normalize, warehouse
from pipeline.cli import run_ingest
from tests.conftest import SEED_NAMES, copy_seeds
from tests.warehouse_rows import warehouse_rows

SEED4 = SEED_NAMES[4]  # prints 行政许可 319 (administrative_license, decisions)
LICENSES = (
    "SELECT value FROM fact_proactive_disclosure "
    "WHERE item = 'administrative_license' AND measure = 'decisions' AND report_id = ?"
)


def _report_id(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _reissue(raw: Path) -> None:
    """The file changes: its new content supersedes the old."""
    text = (raw / SEED4).read_text(encoding="utf-8")
    (raw / SEED4).write_text(text.replace("行政许可\t319", "行政许可\t320"), encoding="utf-8")


@pytest.fixture
def loaded(tmp_path):
    raw, published = copy_seeds(tmp_path / "raw"), tmp_path / "wh" / "g.duckdb"
    run_ingest(raw, published, ephemeral=True)
    return raw, published


def _tree(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Every file under ``folder``: (inode, size, mtime): what a run wrote, replaced or removed."""
    return {
        str(p.relative_to(folder)): (p.stat().st_ino, p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _rows(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    return {
        t: sorted(con.execute(f"FROM {t}").fetchall(), key=repr)
        for t in (*batches.CELL_TABLES, "v_agency_year", "v_applications_wide")
    }


def test_the_cells_are_in_batch_files_and_the_warehouse_file_holds_views(loaded):
    raw, published = loaded
    with duckdb.connect(str(published), read_only=True) as con:
        kinds = dict(con.execute("SELECT table_name, table_type FROM information_schema.tables").fetchall())
        views = (*batches.CELL_TABLES, batches.DQ_RESULTS)
        assert {t: kinds[t] for t in views} == dict.fromkeys(views, "VIEW")
        assert batches.DQ_PENDING not in kinds  # the run's results are its batch file once published
        (batch,) = {b for (b,) in con.execute("SELECT batch FROM batch_files").fetchall()}
        assert con.execute("SELECT table_name, cells FROM batch_files ORDER BY 1").fetchall() == [
            ("dq_results", 136),
            ("fact_applications", 875),
            ("fact_proactive_disclosure", 40),
            ("fact_review_litigation", 75),
            ("quarantine_proactive_disclosure", 10),  # 003 prints a negative count
        ]
        assert con.execute(LICENSES, [_report_id(raw / SEED4)]).fetchall() == [(Decimal("319"),)]
    folder = batches.root_for(published) / batch
    assert sorted(p.name for p in folder.iterdir()) == [
        "dq_results.parquet",
        "fact_applications.parquet",
        "fact_proactive_disclosure.parquet",
        "fact_review_litigation.parquet",
        "quarantine_proactive_disclosure.parquet",
    ]
    assert batches.NUMBER_SQL == normalize.NUMBER_SQL


_READ_LICENSES = f"""
import sys, duckdb
from decimal import Decimal
con = duckdb.connect(sys.argv[1], read_only=True)
for report_id in sys.argv[2:]:
    print(con.execute({LICENSES!r}, [report_id]).fetchall())
"""


def test_a_reader_holding_the_old_catalog_keeps_a_consistent_view_during_a_publish(loaded):
    raw, published = loaded
    old_id = _report_id(raw / SEED4)
    reader = duckdb.connect(str(published), read_only=True)  # an analyst's session, open throughout
    try:
        before = _rows(reader)
        _reissue(raw)
        run_ingest(raw, published, ephemeral=True)
        assert _rows(reader) == before  # the same snapshot: neither half nor all of the new run
        assert reader.execute(LICENSES, [old_id]).fetchall() == [(Decimal("319"),)]
        # a new session (another process: DuckDB shares one open file within a process) sees the new run
        fresh = subprocess.run(
            [sys.executable, "-c", _READ_LICENSES, str(published), _report_id(raw / SEED4), old_id],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert fresh.stdout.splitlines() == ["[(Decimal('320.0000000000'),)]", "[]"], fresh.stderr
    finally:
        reader.close()


def test_a_superseded_reports_old_cells_are_gone_from_the_views(loaded):
    raw, published = loaded
    old_id = _report_id(raw / SEED4)
    _reissue(raw)
    run_ingest(raw, published, ephemeral=True)
    new_id = _report_id(raw / SEED4)
    with duckdb.connect(str(published), read_only=True) as con:
        for table in batches.CELL_TABLES:
            assert con.execute(f"SELECT count(*) FROM {table} WHERE report_id = ?", [old_id]).fetchone() == (0,)
        counts = [con.execute(f"SELECT count(*) FROM fact_{t} WHERE report_id = ?", [new_id]).fetchone()[0]
                  for t in ("applications", "proactive_disclosure", "review_litigation")]  # fmt: skip
        assert counts == [175, 10, 15]
        assert con.execute(LICENSES, [new_id]).fetchall() == [(Decimal("320"),)]
        assert con.execute("SELECT count(*) FROM fact_applications").fetchone() == (875,)  # 5 reports, not 6
        assert con.execute("SELECT status FROM reports WHERE report_id = ?", [old_id]).fetchall() == [("superseded",)]
        # history is not rewritten: the first batch still holds the old cells, unread
        first = con.execute("SELECT path FROM batch_files ORDER BY written_at LIMIT 1").fetchone()[0]
        old_file = batches.root_for(published) / first
        assert con.execute(
            "SELECT count(*) FROM read_parquet(?) WHERE report_id = ?", [str(old_file), old_id]
        ).fetchone() == (175,)


def test_rerunning_on_unchanged_files_writes_nothing(loaded):
    raw, published = loaded
    before = _tree(published.parent)
    run_ingest(raw, published, ephemeral=True)
    assert _tree(published.parent) == before


_KILL_AT_PUBLISH = """
import os, signal, sys
from pathlib import Path
from pipeline import batches
from pipeline.cli import run_ingest

seal = batches.seal

def killed(con, run_id):  # every batch file is written (the results last), the catalog not yet swapped in
    seal(con, run_id)
    print(run_id, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)

batches.seal = killed
run_ingest(Path(sys.argv[1]), Path(sys.argv[2]), workers=1, ephemeral=True)
"""


def test_a_run_killed_between_its_batch_files_and_the_swap_leaves_the_published_state_untouched(loaded, tmp_path):
    raw, published = loaded
    _reissue(raw)
    before_files = _tree(published.parent)
    with duckdb.connect(str(published), read_only=True) as con:
        before = _rows(con)
    child = subprocess.run(
        [sys.executable, "-c", _KILL_AT_PUBLISH, str(raw), str(published)], capture_output=True, text=True, timeout=300
    )
    assert child.returncode == -9, child.stderr
    killed_run = child.stdout.strip()
    orphan = batches.root_for(published) / killed_run
    assert sorted(p.name for p in orphan.iterdir()) == [
        "dq_results.parquet",
        "fact_applications.parquet",
        "fact_proactive_disclosure.parquet",
        "fact_review_litigation.parquet",
    ]
    after = _tree(published.parent)
    assert after[published.name] == before_files[published.name]  # the catalog, and every batch it names
    assert {k: v for k, v in after.items() if k.startswith("g.batches/") and killed_run not in k} == {
        k: v for k, v in before_files.items() if k.startswith("g.batches/")
    }
    with duckdb.connect(str(published), read_only=True) as con:
        assert _rows(con) == before

    published_batches = batches.known_batches(published)
    run_ingest(raw, published, ephemeral=True)  # the next run removes the orphan, then loads the file
    assert not orphan.exists()
    assert not list(published.parent.glob(".g.build-*"))
    dirs = {p.name for p in batches.batch_dirs(published)}
    assert published_batches < dirs and killed_run not in dirs and len(dirs) == 2
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute(LICENSES, [_report_id(raw / SEED4)]).fetchall() == [(Decimal("320"),)]


def test_a_live_runs_batch_is_kept_and_an_orphan_batch_removed(tmp_path):
    published = tmp_path / "g.duckdb"
    live = warehouse.start_build(published, "live-run")
    for run in ("live-run", "dead-run"):
        (batches.root_for(published) / run).mkdir(parents=True)
        (batches.root_for(published) / run / "fact_applications.parquet").write_bytes(b"PAR1")
    removed = warehouse.remove_stale_builds(published)
    assert [p.name for p in removed] == ["dead-run"]
    assert [p.name for p in batches.batch_dirs(published)] == ["live-run"]
    warehouse.discard(live)  # a failed or refused run takes its batch with it
    assert batches.batch_dirs(published) == []


# dq_results as warehouse/schema.sql created it before it became history files (its contract)
_OLD_DQ_RESULTS = """
CREATE TABLE dq_results (
    run_id VARCHAR NOT NULL, validated_at TIMESTAMP NOT NULL, suite VARCHAR NOT NULL, expectation VARCHAR NOT NULL,
    report_id VARCHAR, success BOOLEAN NOT NULL, details VARCHAR, table_name VARCHAR, severity VARCHAR
);
ALTER TABLE dq_results ADD COLUMN IF NOT EXISTS failed_cells VARCHAR;
"""


def test_a_warehouse_from_before_batch_files_keeps_every_row(loaded, tmp_path):
    """Its cell tables and its dq_results table become one batch file each, and the views give
    back the same rows: every column, the run's own too, in the same types; the results in their order."""
    _, published = loaded
    expected = warehouse_rows(published)
    with duckdb.connect(str(published), read_only=True) as con:
        results = con.execute("FROM dq_results").fetchall()
    old = tmp_path / "old" / "g.duckdb"
    old.parent.mkdir()
    with duckdb.connect(str(old)) as con:  # the same warehouse as the layout before stored it
        con.execute(f"ATTACH '{published}' AS new (READ_ONLY)")
        for (table,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'new' AND table_name NOT LIKE 'batch_%'"
        ).fetchall():
            con.execute(f"CREATE TABLE {table} AS FROM new.{table}")
        for table in batches.CELL_TABLES:
            con.execute(f"CREATE TABLE {table} AS FROM new.{table}")
        con.execute(_OLD_DQ_RESULTS)
        con.execute("INSERT INTO dq_results FROM new.dq_results")
        old_types = con.execute("SELECT column_name, column_type FROM (DESCRIBE dq_results)").fetchall()
    build = warehouse.start_build(old, "first-run-after")
    warehouse.publish(build)
    assert warehouse_rows(old) == expected
    with duckdb.connect(str(old), read_only=True) as con:
        assert con.execute("SELECT DISTINCT batch FROM batch_files").fetchall() == [(batches.MIGRATED,)]
        assert con.execute("FROM dq_results").fetchall() == results  # row for row, in order
        assert con.execute("SELECT column_name, column_type FROM (DESCRIBE dq_results)").fetchall() == old_types
        assert con.execute(
            "SELECT table_type FROM information_schema.tables WHERE table_name = 'dq_results'"
        ).fetchall() == [("VIEW",)]
    assert os.listdir(batches.root_for(old)) == [batches.MIGRATED]
    assert "dq_results.parquet" in os.listdir(batches.root_for(old) / batches.MIGRATED)


def test_a_discarded_build_never_removes_a_published_batch(tmp_path):
    """A run id used twice (tests name their runs): discarding the second build keeps the first's
    published cells, and the second's own file gets a batch id of its own."""
    published = tmp_path / "g.duckdb"
    cell = (
        "SELECT 'r' AS report_id, 'a' AS agency_id, 2021 AS year, 'administrative_review' AS proceeding, "
        "'total' AS result, 3 AS count, '3' AS raw, 1 AS source_page, 'line 1' AS source_where"
    )
    first = warehouse.start_build(published, "run-1")
    with warehouse.connect(first.path) as con:
        assert batches.append(con, "fact_review_litigation", cell, "run-1") == 1
        batches.refresh_views(con)
    warehouse.publish(first)
    again = warehouse.start_build(published, "run-1")
    with warehouse.connect(again.path) as con:
        assert batches.append(con, "fact_review_litigation", cell.replace("3", "4"), "run-1") == 1
        assert con.execute("SELECT batch FROM batch_index").fetchall() == [("run-1~2",)]
    warehouse.discard(again)
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("SELECT report_id, count FROM fact_review_litigation").fetchall() == [("r", 3)]
    assert sorted(p.name for p in (batches.root_for(published) / "run-1").iterdir()) == [
        "fact_review_litigation.parquet",
        "fact_review_litigation~2.parquet",
    ]
