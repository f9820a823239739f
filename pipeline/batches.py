"""The fact and quarantine cells and the check results as immutable Parquet files, one per run
and table.

The warehouse file (``gongkai.duckdb``) stays what analysts open, but it no longer holds the
cells nor the history of check results: ``fact_*``, ``quarantine_*`` and ``dq_results`` are
views over the Parquet files of the runs that wrote them (``gongkai.batches/<run id>/<table>.parquet``
beside the warehouse file). So a run copies and swaps only the small catalog (reports, the
index, the dimensions, the views), and writes only its own batch: its cost is the files it
processes, not the cells or results the warehouse holds.

Which cells count is told by one small table, ``batch_index`` (table, report_id -> the batch
holding that report's current cells, and the report's current agency_id). A report parsed again
gets a new batch and its index row moves there; a superseded content, a duplicate, a removed
report loses its index row; an agency renamed by data/agencies.csv is renamed in the index.
History is never rewritten: a batch file, once written, is only read. ``batch_files`` lists
every batch file the catalog knows; the views read the files that still hold a counted row.

``dq_results`` is history: every row of it counts, so it has no index. A run's results wait in
the build's table ``dq_results_pending`` (which the view reads too, so the gate sees them) and
become the run's batch file when it publishes (``seal``).

A batch file is written before the catalog that names it is published. Until then it is an
orphan that no published view reads; a run killed in between leaves it, and the next run
(holding the writer lock) removes the batch folders no published catalog knows (``orphans``).

A file stops counting when no index row points at it any more (every report in it superseded,
a duplicate, re-parsed) or when ``compact`` rewrote its rows into a new batch: ``batch_files.retired_at``
records when. A reader of an older catalog may still read it, so it is deleted only once it has
been retired for a grace period, and never while the published catalog reads it (``collect``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from datetime import UTC, datetime, timedelta
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

# One row per expectation and report validated in a run (success true or false), and the gate's
# own checks across reports (continuity, duplicates). The contract's columns, in order (DESIGN.md).
DQ_RESULTS = "dq_results"
DQ_COLUMNS: list[tuple[str, str]] = [
    ("run_id", "VARCHAR"),
    ("validated_at", "TIMESTAMP"),
    ("suite", "VARCHAR"),
    ("expectation", "VARCHAR"),  # rule name from the suite (column_balance, non_negative_count, ...)
    ("report_id", "VARCHAR"),
    ("success", "BOOLEAN"),
    ("details", "VARCHAR"),
    ("table_name", "VARCHAR"),
    ("severity", "VARCHAR"),  # critical (blocks the table) | warning
    # the printed cells a failing result is made of, as the gate judged them (JSON list of
    # {"table", "row", "col", "why"}; NULL when it passed or names no cell): the dashboard highlights them
    ("failed_cells", "VARCHAR"),
]
_DQ_REQUIRED = ("run_id", "validated_at", "suite", "expectation", "success")
DQ_PENDING = "dq_results_pending"  # this run's results, in its build until it publishes (``seal``)
HISTORY = {DQ_RESULTS: DQ_COLUMNS}  # append-only tables: every row of a file counts, no index


def _columns_of(table: str) -> list[tuple[str, str]]:
    return COLUMNS[table] if table in COLUMNS else HISTORY[table]


_BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS batch_root (path VARCHAR NOT NULL);  -- one row: the absolute folder of the batch files
CREATE TABLE IF NOT EXISTS batch_files (
    table_name VARCHAR NOT NULL,   -- fact_applications, quarantine_review_litigation, ...
    batch      VARCHAR NOT NULL,   -- the run that wrote it
    path       VARCHAR NOT NULL,   -- relative to the batch root: <batch>/<table>.parquet
    cells      BIGINT NOT NULL,    -- its rows
    written_at TIMESTAMP NOT NULL,
    retired_at TIMESTAMP,          -- when it stopped counting (NULL: the views read it): see ``collect``
    PRIMARY KEY (table_name, batch)
);
ALTER TABLE batch_files ADD COLUMN IF NOT EXISTS retired_at TIMESTAMP;
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
    """The bookkeeping tables, the pending table of this run's check results, and the views
    (empty views in a warehouse without batches). A warehouse from before batch files (cell
    tables, or ``dq_results``, as tables) moves their rows into one batch of its own first
    (``_migrate``). ``root``: where this warehouse's batch files are (recorded in ``batch_root``,
    so a moved warehouse is pointed at its folder by the next run)."""
    con.execute(_BOOKKEEPING)
    required = set(_DQ_REQUIRED)
    pending = ", ".join(f"{c} {t}{' NOT NULL' if c in required else ''}" for c, t in DQ_COLUMNS)
    if root is not None:
        con.execute("DELETE FROM batch_root")
        con.execute("INSERT INTO batch_root VALUES (?)", [str(root)])
    _migrate(con)
    con.execute(f"CREATE TABLE IF NOT EXISTS {DQ_PENDING} ({pending})")
    refresh_views(con)


def _root(con: duckdb.DuckDBPyConnection) -> Path:
    row = con.execute("SELECT path FROM batch_root").fetchone()
    if row is None:
        raise RuntimeError("this warehouse has no batch folder: open it with warehouse.start_build")
    return Path(row[0])


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def utcnow() -> datetime:
    """The clock of ``retired_at`` and ``collect`` (naive UTC, as every timestamp of the warehouse)."""
    return datetime.now(UTC).replace(tzinfo=None)


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND schema_name = 'main' "
            "AND database_name = current_database()",
            [name],
        ).fetchone()[0]
    )


def refresh_views(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create each view over the batch files that still count. A cell file without any index
    row left stops counting now (``retired_at``); a history file counts until ``compact`` retires
    it. The files are named one by one, never globbed: a file a run is writing, or an orphan, is
    never read. ``dq_results`` also reads this run's pending results, while the build has them."""
    con.execute(
        "UPDATE batch_files f SET retired_at = ? WHERE retired_at IS NULL AND list_contains(?, table_name) "
        "AND NOT EXISTS (SELECT 1 FROM batch_index i WHERE i.table_name = f.table_name AND i.batch = f.batch)",
        [utcnow(), list(CELL_TABLES)],
    )
    live = con.execute(
        "SELECT table_name, path FROM batch_files WHERE retired_at IS NULL ORDER BY table_name, written_at, batch"
    ).fetchall()
    root = _root(con) if live else None
    pending = _has_table(con, DQ_PENDING)
    for table, columns in (*COLUMNS.items(), *HISTORY.items()):
        paths = [str(root / p) for t, p in live if t == table] if root is not None else []
        parts = []
        if paths:
            files = "[" + ", ".join(_sql_text(p) for p in paths) + "]"
            if table in COLUMNS:
                select = ", ".join(
                    f"CAST({'i.agency_id' if c == 'agency_id' else 'p.' + c} AS {t}) AS {c}" for c, t in columns
                )
                parts.append(
                    f"SELECT {select} FROM read_parquet({files}) p JOIN batch_index i "
                    f"ON i.table_name = '{table}' AND i.report_id = p.report_id AND i.batch = p.batch"
                )
            else:
                select = ", ".join(f"CAST({c} AS {t}) AS {c}" for c, t in columns)
                parts.append(f"SELECT {select} FROM read_parquet({files})")
        if table == DQ_RESULTS and pending:
            parts.append(f"SELECT {', '.join(c for c, _ in columns)} FROM {DQ_PENDING}")
        if not parts:
            parts.append("SELECT " + ", ".join(f"CAST(NULL AS {t}) AS {c}" for c, t in columns) + " WHERE false")
        con.execute(f"CREATE OR REPLACE VIEW {table} AS " + " UNION ALL ".join(parts))


def append(con: duckdb.DuckDBPyConnection, table: str, select: str, run_id: str) -> int:
    """Write the rows of ``select`` (the table's columns, by name) as the run's batch file of
    ``table``; for a cell table, make them the counted cells of their reports (replacing earlier
    batches' in the index) and sort them by report, for a history table keep their order.
    Returns the number of rows; writes nothing when there are none. Call ``refresh_views``
    after. A file once written is never written again: should a run id come back (tests name
    their runs), the batch is ``<run id>~2``, in the same folder."""
    root = _root(con)
    batch, n = run_id, 1
    while (root / run_id / f"{table}{_suffix(batch)}.parquet").exists():
        n += 1
        batch = f"{run_id}~{n}"
    relative = f"{run_id}/{table}{_suffix(batch)}.parquet"
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    columns = ", ".join(f"CAST({c} AS {t}) AS {c}" for c, t in _columns_of(table))
    order = " ORDER BY report_id" if table in COLUMNS else ""
    (cells,) = con.execute(
        f"COPY (SELECT {columns}, {_sql_text(batch)} AS batch FROM ({select}){order}) "
        f"TO {_sql_text(str(partial))} (FORMAT PARQUET)"
    ).fetchone()
    if not cells:
        partial.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # no folder for a run that wrote nothing
            target.parent.rmdir()
        return 0
    _durable(partial)
    os.replace(partial, target)  # a reader never finds half a file under the final name
    con.execute(
        "INSERT OR REPLACE INTO batch_files (table_name, batch, path, cells, written_at) "
        "VALUES (?, ?, ?, ?, now()::TIMESTAMP)",
        [table, batch, relative, cells],
    )
    if table in COLUMNS:
        con.execute(
            f"INSERT OR REPLACE INTO batch_index SELECT ?, report_id, ?, any_value(agency_id) "
            f"FROM read_parquet({_sql_text(str(target))}) GROUP BY report_id",
            [table, batch],
        )
    return int(cells)


def seal(con: duckdb.DuckDBPyConnection, run_id: str) -> int:
    """This run's pending check results become its batch file of ``dq_results`` (at publication:
    the gate adds its own results after the check's); returns their number. The published
    catalog then holds no result rows, only the view over the files."""
    if not _has_table(con, DQ_PENDING):
        return 0
    rows = append(con, DQ_RESULTS, f"FROM {DQ_PENDING}", run_id)
    con.execute(f"DROP TABLE {DQ_PENDING}")
    refresh_views(con)
    return rows


def compact(con: duckdb.DuckDBPyConnection, batch: str, min_files: int = 2) -> dict[str, tuple[int, int]]:
    """Rewrite each table read from at least ``min_files`` files into one file of the new batch
    ``batch``: a cell table's counted cells (the view's rows, sorted by report as ``append``
    sorts them; the index then points at the new file), the history's every row in its order.
    The old files stop counting (``retired_at``) and age out through ``collect``: a reader of
    the catalog before keeps reading them. Returns table -> (files before, rows) of the tables
    rewritten. Call ``refresh_views`` after (``append``'s rule)."""
    counts = dict(
        con.execute("SELECT table_name, count(*) FROM batch_files WHERE retired_at IS NULL GROUP BY 1").fetchall()
    )
    done: dict[str, tuple[int, int]] = {}
    for table in (*CELL_TABLES, *HISTORY):
        files = counts.get(table, 0)
        if files < max(min_files, 1):
            continue
        rows = append(con, table, f"SELECT * FROM {table}", batch)
        con.execute(
            "UPDATE batch_files SET retired_at = ? WHERE table_name = ? AND retired_at IS NULL AND batch <> ?",
            [utcnow(), table, batch],
        )
        done[table] = (files, rows)
    return done


def collect(
    con: duckdb.DuckDBPyConnection,
    published: Path,
    keep: timedelta,
    now: datetime | None = None,
    since: datetime | None = None,
) -> list[Path]:
    """Delete the batch files that stopped counting at least ``keep`` ago (``retired_at``), and
    their ``batch_files`` rows; returns the files deleted. A reader who opened an older catalog
    may still read a retired file, hence the grace period. Never deleted, whatever its age and
    ``keep``: a file the published catalog ``published`` reads, one this build's index names, one
    retired since ``since`` (the build's start: the published catalog reads it). A batch folder
    left empty goes too. Call it in a build holding the writer lock."""
    cutoff = (now or utcnow()) - keep
    if since is not None:
        cutoff = min(cutoff, since - timedelta(microseconds=1))
    due = con.execute(
        "SELECT table_name, batch, path FROM batch_files WHERE retired_at IS NOT NULL AND retired_at <= ? "
        "AND NOT EXISTS (SELECT 1 FROM batch_index i WHERE i.table_name = batch_files.table_name "
        "AND i.batch = batch_files.batch) ORDER BY path",
        [cutoff],
    ).fetchall()
    if not due:
        return []
    read = read_by(published)
    root = _root(con)
    removed = []
    for table, batch, path in due:
        if path in read:
            continue
        (root / path).unlink(missing_ok=True)
        con.execute("DELETE FROM batch_files WHERE table_name = ? AND batch = ?", [table, batch])
        removed.append(root / path)
        with contextlib.suppress(OSError):  # not empty: other files of the batch still count
            (root / path).parent.rmdir()
    return removed


def read_by(published: Path) -> set[str]:
    """The batch files (paths relative to the batch root) that the views of the published
    catalog read: its files not retired, or all it lists when it predates ``retired_at``."""
    if not published.exists():
        return set()
    with duckdb.connect(str(published), read_only=True) as con:
        try:
            return {p for (p,) in con.execute("SELECT path FROM batch_files WHERE retired_at IS NULL").fetchall()}
        except duckdb.BinderException:
            return {p for (p,) in con.execute("SELECT path FROM batch_files").fetchall()}
        except duckdb.CatalogException:
            return set()


def _suffix(batch: str) -> str:
    return "~" + batch.rsplit("~", 1)[1] if "~" in batch else ""


def run_of(batch: str) -> str:
    """The run (and folder) of a batch id."""
    return batch.split("~", 1)[0]


def run_rows(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, int]:
    """Table -> rows of the batch files ``run_id`` wrote (``run_of`` in SQL): what it added."""
    return dict(
        con.execute(
            "SELECT table_name, cells FROM batch_files WHERE split_part(batch, '~', 1) = ? ORDER BY 1", [run_id]
        ).fetchall()
    )


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
    """A warehouse from before batch files holds its cells (or, before history files, its
    ``dq_results``) in tables: write each table's rows as one batch (``MIGRATED``; cells indexed
    by report, results in their order) and drop the tables, so the views take their names. The
    rows are cast to the contract's types (a DECIMAL(18, 4) of an older warehouse widens
    losslessly to DECIMAL(38, 10)); a column an older table lacks is NULL, as the schema's
    ``ADD COLUMN`` made it."""
    tables = [
        t
        for (t,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND database_name = current_database()"
        ).fetchall()
        if t in COLUMNS or t in HISTORY
    ]
    for table in tables:
        existing = {c for (c,) in con.execute(f"SELECT column_name FROM (DESCRIBE {table})").fetchall()}
        select = ", ".join(c if c in existing else f"NULL AS {c}" for c, _ in _columns_of(table))
        append(con, table, f"SELECT {select} FROM {table}", MIGRATED)
    if any(t in COLUMNS for t in tables):
        for (view,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall():
            if view.startswith("v_"):
                con.execute(f"DROP VIEW {view}")  # the schema recreates them, over the cell views
    for table in tables:
        con.execute(f"DROP TABLE {table}")
