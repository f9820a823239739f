"""The fact and quarantine cells as immutable Parquet files, one per run and table.

The warehouse file (``gongkai.duckdb``) stays what analysts open, but it no longer holds the
cells: ``fact_*`` and ``quarantine_*`` are views over the Parquet files of the runs that wrote
them (``gongkai.batches/<run id>/<table>.parquet`` beside the warehouse file). So a run copies
and swaps only the small catalog (reports, dq_results, the dimensions, the views), and writes
only its own batch: its cost is the files it processes, not the cells the warehouse holds.

Which cells count is told by one small table, ``batch_index`` (table, report_id -> the batch
holding that report's current cells, and the report's current agency_id). A report parsed again
gets a new batch and its index row moves there; a superseded content, a duplicate, a removed
report loses its index row; an agency renamed by data/agencies.csv is renamed in the index.
History is never rewritten: a batch file, once written, is only read. ``batch_files`` lists
every batch file the catalog knows; the views read the files that still hold a counted row.

A batch file is written before the catalog that names it is published. Until then it is an
orphan that no published view reads; a run killed in between leaves it, and the next run
(holding the writer lock) removes the batch folders no published catalog knows (``orphans``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

# pipeline.normalize.NUMBER_SQL (a test holds them equal): normalize imports pandas, which a run
# with nothing to do never imports.
NUMBER_SQL = "DECIMAL(38, 10)"

# The contract's columns of each cell table, in order, and their types (DESIGN.md's warehouse
# contract; the views cast to these, so every batch reads back as the contract's types).
_KEYS = {
    "applications": ("applicant_type", "outcome", "count"),
    "proactive_disclosure": ("item", "measure", "value"),
    "review_litigation": ("proceeding", "result", "count"),
}


def _columns(kind: str, table: str) -> list[tuple[str, str]]:
    col, row, number = _KEYS[table]
    number_type = NUMBER_SQL if (kind == "quarantine" or number == "value") else "BIGINT"
    cols = [
        ("report_id", "VARCHAR"),
        ("agency_id", "VARCHAR"),
        ("year", "INTEGER"),
        (col, "VARCHAR"),
        (row, "VARCHAR"),
        (number, number_type),
        ("raw", "VARCHAR"),
        ("source_page", "INTEGER"),
        ("source_where", "VARCHAR"),
    ]
    return cols + ([("reason", "VARCHAR")] if kind == "quarantine" else [])


COLUMNS: dict[str, list[tuple[str, str]]] = {
    f"{kind}_{table}": _columns(kind, table) for kind in ("fact", "quarantine") for table in _KEYS
}
CELL_TABLES = tuple(COLUMNS)

_BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS batch_root (path VARCHAR NOT NULL);  -- one row: the absolute folder of the batch files
CREATE TABLE IF NOT EXISTS batch_files (
    table_name VARCHAR NOT NULL,   -- fact_applications, quarantine_review_litigation, ...
    batch      VARCHAR NOT NULL,   -- the run that wrote it
    path       VARCHAR NOT NULL,   -- relative to the batch root: <batch>/<table>.parquet
    cells      BIGINT NOT NULL,
    written_at TIMESTAMP NOT NULL,
    PRIMARY KEY (table_name, batch)
);
CREATE TABLE IF NOT EXISTS batch_index (
    table_name VARCHAR NOT NULL,
    report_id  VARCHAR NOT NULL,
    batch      VARCHAR NOT NULL,   -- the batch whose cells of this report count
    agency_id  VARCHAR,            -- the report's agency now (data/agencies.csv may rename it)
    PRIMARY KEY (table_name, report_id)
);
"""


def root_for(published: Path) -> Path:
    """The folder of a warehouse's batch files: ``gongkai.batches`` beside ``gongkai.duckdb``."""
    return published.resolve().with_name(f"{published.stem}.batches")


def create(con: duckdb.DuckDBPyConnection, root: Path | None) -> None:
    """The bookkeeping tables and the cell views (empty views in a warehouse without batches).
    A warehouse from before batch files (cell tables as tables) moves its cells into one batch
    of its own first (``_migrate``). ``root``: where this warehouse's batch files are (recorded
    in ``batch_root``, so a moved warehouse is pointed at its folder by the next run)."""
    con.execute(_BOOKKEEPING)
    if root is not None:
        con.execute("DELETE FROM batch_root")
        con.execute("INSERT INTO batch_root VALUES (?)", [str(root)])
    _migrate(con)
    refresh_views(con)


def _root(con: duckdb.DuckDBPyConnection) -> Path:
    row = con.execute("SELECT path FROM batch_root").fetchone()
    if row is None:
        raise RuntimeError("this warehouse has no batch folder: open it with warehouse.start_build")
    return Path(row[0])


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def refresh_views(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create each cell view over the batch files that hold a counted row of it. The files are
    named one by one, never globbed: a file a run is writing, or an orphan, is never read."""
    live = con.execute(
        "SELECT f.table_name, f.path FROM batch_files f WHERE EXISTS (SELECT 1 FROM batch_index i "
        "WHERE i.table_name = f.table_name AND i.batch = f.batch) ORDER BY f.table_name, f.written_at, f.batch"
    ).fetchall()
    root = _root(con) if live else None
    for table, columns in COLUMNS.items():
        paths = [str(root / p) for t, p in live if t == table] if root is not None else []
        if paths:
            select = ", ".join(
                f"CAST({'i.agency_id' if c == 'agency_id' else 'p.' + c} AS {t}) AS {c}" for c, t in columns
            )
            files = "[" + ", ".join(_sql_text(p) for p in paths) + "]"
            body = (
                f"SELECT {select} FROM read_parquet({files}) p JOIN batch_index i "
                f"ON i.table_name = '{table}' AND i.report_id = p.report_id AND i.batch = p.batch"
            )
        else:
            body = "SELECT " + ", ".join(f"CAST(NULL AS {t}) AS {c}" for c, t in columns) + " WHERE false"
        con.execute(f"CREATE OR REPLACE VIEW {table} AS {body}")


def append(con: duckdb.DuckDBPyConnection, table: str, select: str, run_id: str) -> int:
    """Write the rows of ``select`` (the table's columns, by name) as the run's batch file of
    ``table`` and make them the counted cells of their reports (replacing earlier batches' in the
    index). Returns the number of cells; writes nothing when there are none. Call
    ``refresh_views`` after. A file once written is never written again: should a run id come
    back (tests name their runs), the batch is ``<run id>~2``, in the same folder."""
    root = _root(con)
    batch, n = run_id, 1
    while (root / run_id / f"{table}{_suffix(batch)}.parquet").exists():
        n += 1
        batch = f"{run_id}~{n}"
    relative = f"{run_id}/{table}{_suffix(batch)}.parquet"
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    columns = ", ".join(f"CAST({c} AS {t}) AS {c}" for c, t in COLUMNS[table])
    (cells,) = con.execute(
        f"COPY (SELECT {columns}, {_sql_text(batch)} AS batch FROM ({select}) ORDER BY report_id) "
        f"TO {_sql_text(str(partial))} (FORMAT PARQUET)"
    ).fetchone()
    if not cells:
        partial.unlink(missing_ok=True)
        return 0
    _durable(partial)
    os.replace(partial, target)  # a reader never finds half a file under the final name
    con.execute(
        "INSERT OR REPLACE INTO batch_files VALUES (?, ?, ?, ?, now()::TIMESTAMP)", [table, batch, relative, cells]
    )
    con.execute(
        f"INSERT OR REPLACE INTO batch_index SELECT ?, report_id, ?, any_value(agency_id) "
        f"FROM read_parquet({_sql_text(str(target))}) GROUP BY report_id",
        [table, batch],
    )
    return int(cells)


def _suffix(batch: str) -> str:
    return "~" + batch.rsplit("~", 1)[1] if "~" in batch else ""


def run_of(batch: str) -> str:
    """The run (and folder) of a batch id."""
    return batch.split("~", 1)[0]


def _durable(path: Path) -> None:
    """On disk before the catalog that names it can be published (a power cut loses neither)."""
    with path.open("rb") as f:
        os.fsync(f.fileno())


def retire(con: duckdb.DuckDBPyConnection, report_ids: list[str], tables: tuple[str, ...] = CELL_TABLES) -> None:
    """These reports' cells no longer count in ``tables`` (their files are kept: history)."""
    if not report_ids:
        return
    names = "[" + ", ".join(_sql_text(t) for t in tables) + "]"
    con.execute(
        f"DELETE FROM batch_index WHERE list_contains({names}, table_name) AND report_id IN (SELECT unnest(?))",
        [report_ids],
    )


def rename_agency(con: duckdb.DuckDBPyConnection, old: str, new: str) -> None:
    """The cells of an agency's reports follow its new agency_id (data/agencies.csv)."""
    con.execute("UPDATE batch_index SET agency_id = ? WHERE agency_id = ?", [new, old])


def known_batches(published: Path) -> set[str] | None:
    """The runs whose batch folders the published catalog names (None: no published warehouse;
    empty: none, or a warehouse from before batch files)."""
    if not published.exists():
        return None
    with duckdb.connect(str(published), read_only=True) as con:
        try:
            return {run_of(b) for (b,) in con.execute("SELECT DISTINCT batch FROM batch_files").fetchall()}
        except duckdb.CatalogException:
            return set()


def batch_dirs(published: Path) -> list[Path]:
    root = root_for(published)
    return sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


def remove_batch(published: Path, batch: str) -> None:
    """Remove a batch that no published catalog names (its run failed, or was killed)."""
    shutil.rmtree(root_for(published) / batch, ignore_errors=True)


MIGRATED = "migrated"  # the batch of the cells of a warehouse from before batch files


def _migrate(con: duckdb.DuckDBPyConnection) -> None:
    """A warehouse from before batch files holds its cells in tables: write each table's rows as
    one batch (``MIGRATED``), index every report, and drop the tables, so the views take their
    names. The rows are cast to the contract's types (a DECIMAL(18, 4) of an older warehouse
    widens losslessly to DECIMAL(38, 10))."""
    tables = [
        t
        for (t,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND database_name = current_database()"
        ).fetchall()
        if t in COLUMNS
    ]
    if not tables:
        return
    for table in tables:
        existing = {c for (c,) in con.execute(f"SELECT column_name FROM (DESCRIBE {table})").fetchall()}
        select = ", ".join(c if c in existing else f"NULL AS {c}" for c, _ in COLUMNS[table])
        append(con, table, f"SELECT {select} FROM {table}", MIGRATED)
    for (view,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall():
        if view.startswith("v_"):
            con.execute(f"DROP VIEW {view}")  # the schema recreates them, over the cell views
    for table in tables:
        con.execute(f"DROP TABLE {table}")
