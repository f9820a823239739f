"""The DuckDB warehouse file: schema, dimensions, and atomic publication.

DuckDB allows one writing process or many reading ones. So a run never writes the file
analysts read: it copies the published file to a private build file, stages, validates and
loads there, and publishes with ``os.replace``. An analyst's open connection keeps reading
the old snapshot; new connections see the new one; nobody sees half a load or is locked
out. The file is a small catalog: the cells (facts, quarantine) are immutable Parquet files
per run that its views read (``pipeline.batches``), so the copy costs the catalog, not the
cells, and a run writes only its own batch.

Runs that write one warehouse go one at a time (``writer_lock``, held from a run's scan to its
publication); should another run still have published in between, publication refuses
rather than overwrite it (``WarehouseChanged``: the files are picked up again by the next run).

A build file is owned by its run through an flock on a sidecar lock file, held from the build's
start to its publication or discard; the OS drops it when the run's process dies. So a run
(holding the writer lock) can tell a killed run's leftover build from a live one's and remove
it (``remove_stale_builds``).

pandas is imported where a frame is made, not here: a run with nothing to do never needs it.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING

import duckdb

from pipeline import batches, form

if TYPE_CHECKING:
    import pandas as pd

SCHEMA = Path(__file__).resolve().parents[1] / "warehouse" / "schema.sql"


class WarehouseChanged(RuntimeError):
    """The published warehouse changed while this run was building; nothing was published."""


def stamp(path: Path) -> str | None:
    """Identity of the published file's current version (None when there is none yet)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return f"{st.st_ino}:{st.st_mtime_ns}:{st.st_size}"


@dataclass(frozen=True)
class Build:
    """A private copy of the warehouse that one run writes, and what it was copied from."""

    path: Path
    published: Path
    base_stamp: str | None
    run_id: str = ""  # its batch of cell files is ``batches.root_for(published) / run_id``
    started: datetime | None = None  # a file retired since is read by the published catalog: kept


BUILD_PREFIX = ".{stem}.build-"  # + run id + ".duckdb" (and DuckDB's ".wal"), + ".owner" for its lock
_OWNED: dict[Path, IO[str]] = {}  # build file -> its open, flocked owner file, for as long as this run owns it


def _owner_path(build: Path) -> Path:
    return build.with_suffix(".owner")


def _own(build: Path) -> None:
    """Take the build's owner lock (before the build file exists, so no build is ever unowned)."""
    owner = _owner_path(build).open("w")
    fcntl.flock(owner, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a fresh run id: nobody else can hold it
    owner.write(f"{os.getpid()}\n")
    owner.flush()
    _OWNED[build] = owner


def _disown(build: Path) -> None:
    owner = _OWNED.pop(build, None)
    _owner_path(build).unlink(missing_ok=True)  # before the unlock: no one sees it free and present
    if owner is not None:
        owner.close()  # else the build was started by another step's process (multiprocess executor)


def start_build(published: Path, run_id: str) -> Build:
    """Copy the published warehouse (if any) to a build file private to this run."""
    published.parent.mkdir(parents=True, exist_ok=True)
    build = published.with_name(f"{BUILD_PREFIX.format(stem=published.stem)}{run_id}.duckdb")
    _own(build)
    base, started = stamp(published), batches.utcnow()
    if base is not None:
        shutil.copyfile(published, build)
    else:
        build.unlink(missing_ok=True)
    with duckdb.connect(str(build)) as con:
        apply_schema(con, batches.root_for(published))
    return Build(build, published, base, run_id, started)


# DuckDB's buffer pool for the pipeline's own connections (the dashboard's read-only ones too).
# Its default (80% of RAM) let the gate of a 10,000-report batch hold some 900 MB of buffers;
# past this limit DuckDB spills sorts, joins and aggregates to a temporary folder beside the file.
MEMORY_LIMIT = "256MB"


def open_connection(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A pipeline connection to ``path``, its buffer pool capped at ``MEMORY_LIMIT``; the caller
    closes it (``connect`` does, for a ``with`` block)."""
    con = duckdb.connect(str(path), read_only=read_only)
    # a setting of the database, not a connect option: other connections to it may be open
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    return con


@contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    con = open_connection(path, read_only)
    try:
        yield con
    finally:
        con.close()


# How long a batch file that stopped counting is kept (``batches.collect``): an analyst who opened
# an older catalog before it was replaced may still read it. ``GongkaiSettings.keep_retired_days``.
KEEP_RETIRED = timedelta(days=7)


def publish(build: Build, keep_retired: timedelta = KEEP_RETIRED) -> list[Path]:
    """Atomically swap the build file in as the published warehouse. Before the swap, the run's
    check results become its batch file (``batches.seal``) and the batch files retired at least
    ``keep_retired`` ago are deleted (``batches.collect``); returns those."""
    lock_path = build.published.with_name(f".{build.published.stem}.lock")
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stamp(build.published) != build.base_stamp:
            build.path.unlink(missing_ok=True)
            _remove_unpublished_batch(build)
            raise WarehouseChanged(
                f"{build.published} was published by another run while this one was building; "
                "nothing was published by this run: run the ingest again"
            )
        with connect(build.path) as con:
            batches.seal(con, build.run_id)
            collected = batches.collect(con, build.published, keep_retired, since=build.started)
        os.replace(build.path, build.published)
    _disown(build.path)
    return collected


@dataclass(frozen=True)
class Compacted:
    """What ``compact`` did: its batch, table -> (files before, rows) rewritten, files deleted."""

    batch: str
    tables: dict[str, tuple[int, int]]
    collected: list[Path]


def compact(
    published: Path,
    min_files: int = 2,
    keep_retired: timedelta = KEEP_RETIRED,
    on_wait: Callable[[str], None] | None = None,
) -> Compacted:
    """``gongkai compact``: rewrite the counted rows of every table read from ``min_files`` batch
    files or more into one file each (``batches.compact``) and publish the catalog that reads
    them, as a run does: holding the writer lock, in a build swapped in atomically. A reader of
    the catalog before keeps reading the old files, which age out through ``batches.collect``
    (the files already due go now)."""
    if not published.exists():
        raise FileNotFoundError(f"no warehouse at {published}")
    run_id = f"compact-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{os.getpid()}"
    with writer_lock(published, on_wait):
        build = start_build(published, run_id)
        try:
            with connect(build.path) as con:
                tables = batches.compact(con, run_id, min_files)
                batches.refresh_views(con)
            collected = publish(build, keep_retired)
        except BaseException:
            discard(build)
            raise
    return Compacted(run_id, tables, collected)


def writer_lock_path(published: Path) -> Path:
    return published.with_name(f".{published.stem}.writer.lock")


@contextmanager
def writer_lock(published: Path, on_wait: Callable[[str], None] | None = None) -> Iterator[float]:
    """Hold the right to write ``published`` from a run's scan to its publication; yields the
    seconds spent waiting for it.

    A second run (the sensor firing during the nightly run, two `gongkai ingest`) waits here,
    told why through ``on_wait``, and then scans what the first one published: it neither
    builds on a stale copy nor loses a file. An flock, so the OS releases it when its process
    dies: a crashed run never blocks the next one. Separate open files conflict even within
    one process, so threads wait for each other too."""
    published.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with writer_lock_path(published).open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait(f"waiting: another ingest run is publishing {published}; this run starts when it is done")
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield time.monotonic() - started
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def discard(build: Build) -> None:
    """Throw a build away: its catalog and the batch files it wrote (no published catalog names them)."""
    build.path.unlink(missing_ok=True)
    build.path.with_name(build.path.name + ".wal").unlink(missing_ok=True)
    _remove_unpublished_batch(build)
    _disown(build.path)


def _remove_unpublished_batch(build: Build) -> None:
    """The batch files this build wrote, unless a published catalog names their folder (a run id
    used twice: tests name their runs; Dagster's never repeat)."""
    folder = batches.root_for(build.published) / build.run_id
    if build.run_id and folder.exists() and build.run_id not in (batches.known_batches(build.published) or set()):
        batches.remove_batch(build.published, build.run_id)


def remove_stale_builds(published: Path, keep_runs: Iterable[str] = ()) -> list[Path]:
    """Remove the build files of runs that are no longer alive; returns what was removed.

    A killed run (power loss, OOM killer, SIGKILL) leaves its build file (a copy of the whole
    warehouse) beside the published one. Call this holding the writer lock: then no other
    writer is alive, and the owner lock double-checks it, file by file: a build whose owner
    file is still locked belongs to a live process (this one, or a run started without the
    writer lock) and is kept. A build without an owner file predates owner files or lost it
    with its run: under the writer lock, it is stale too.

    The builds and parse shards (``pipeline.shards``) of the runs ``keep_runs`` (runs in progress)
    are kept too: a run whose steps are separate processes owns its build only during a step.

    Batch folders of cell files (``pipeline.batches``) that the published catalog does not name
    were written by a run that never published (killed between writing them and the swap, or
    refused): removed too, unless their run is alive. A named batch is never removed here."""
    from pipeline import shards

    keep = set(keep_runs)
    prefix = BUILD_PREFIX.format(stem=published.stem)
    removed: list[Path] = []
    if not published.parent.exists():
        return removed
    builds = {p.name.split(".duckdb")[0].removesuffix(".owner") for p in published.parent.glob(f"{prefix}*")}

    def alive(run_id: str) -> bool:
        """A run in progress, or one whose build's owner lock this or another process holds."""
        build = published.with_name(f"{prefix}{run_id}.duckdb")
        return run_id in keep or build in _OWNED or _owner_alive(_owner_path(build))

    for name in sorted(builds):
        if alive(name.removeprefix(prefix)):
            continue
        build = published.with_name(name + ".duckdb")
        for leftover in (build, build.with_name(build.name + ".wal"), _owner_path(build)):
            if leftover.exists():
                leftover.unlink()
                removed.append(leftover)
    root = shards.staging_root(published)
    for run_dir in sorted(root.iterdir()) if root.is_dir() else []:
        if not alive(run_dir.name):
            shards.remove(published, run_dir.name)
            removed.append(run_dir)
    dirs = batches.batch_dirs(published)
    known = (batches.known_batches(published) or set()) if dirs else set()
    for batch_dir in dirs:
        if batch_dir.name not in known and not alive(batch_dir.name):
            batches.remove_batch(published, batch_dir.name)
            removed.append(batch_dir)
    return removed


def _owner_alive(owner: Path) -> bool:
    """Whether some process still holds this owner lock (a missing owner file: nobody does)."""
    try:
        with owner.open("r") as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(f, fcntl.LOCK_UN)
            return False
    except FileNotFoundError:
        return False


def apply_schema(con: duckdb.DuckDBPyConnection, batch_root: Path | None = None) -> None:
    """Create tables and views if missing and (re)load the dimensions from pipeline.form.
    ``batch_root``: the folder of the warehouse's cell files (``batches.root_for``); None for a
    warehouse that never loads cells (an in-memory one) or keeps the folder it has."""
    set_aside = _set_aside_reports_keyed_by_content(con)
    batches.create(con, batch_root)
    con.execute(SCHEMA.read_text(encoding="utf-8"))
    if set_aside:
        _restore_reports(con, set_aside)
    for name, frame in dimension_frames().items():
        con.execute(f"DELETE FROM {name}")
        con.register("dim_frame", frame)
        con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM dim_frame")
        con.unregister("dim_frame")


_REPORTS_KEY = ["source_file", "report_id"]  # reports' primary key: the file, then its content


def _set_aside_reports_keyed_by_content(con: duckdb.DuckDBPyConnection) -> str | None:
    """Rename a ``reports`` table of an older warehouse, keyed by report_id alone (one row per
    content, so a byte-identical copy under another name had no row), out of the way of the
    schema's table keyed by file. Returns its new name, or None when there is nothing to move.
    DuckDB cannot change a primary key in place, hence a new table and a copy."""
    rows = con.execute(
        "SELECT constraint_column_names FROM duckdb_constraints() "
        "WHERE table_name = 'reports' AND schema_name = 'main' AND constraint_type = 'PRIMARY KEY'"
    ).fetchall()
    if not rows or list(rows[0][0]) == _REPORTS_KEY:
        return None
    con.execute("DROP TABLE IF EXISTS reports_keyed_by_content")
    con.execute("ALTER TABLE reports RENAME TO reports_keyed_by_content")
    return "reports_keyed_by_content"


def _restore_reports(con: duckdb.DuckDBPyConnection, old: str) -> None:
    """Copy an older warehouse's reports into the table keyed by file. Every old row was its
    content's only row, so each keeps its status; whether its file is still in the raw folder
    is unknown until the next run's scan, which records it (and the copies the old key had no
    room for): until then each counts as present, last seen when it was ingested."""
    con.execute(f"INSERT INTO reports BY NAME SELECT *, true AS present, ingested_at AS last_seen FROM {old}")
    con.execute(f"DROP TABLE {old}")


OVERRIDES_KEY = "agency_overrides_sha256"  # pipeline_state: the data/agencies.csv last applied


def read_state(con: duckdb.DuckDBPyConnection, key: str) -> str:
    """A value of ``pipeline_state``; '' when unset or when the warehouse predates the table."""
    try:
        row = con.execute("SELECT value FROM pipeline_state WHERE key = ?", [key]).fetchone()
    except duckdb.CatalogException:
        return ""
    return row[0] if row else ""


def write_state(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO pipeline_state VALUES (?, ?)", [key, value])


def dimension_frames() -> dict[str, pd.DataFrame]:
    """The dimension tables, derived from the form definition."""
    import pandas as pd

    outcomes = []
    for order, m in enumerate(form.OUTCOMES, start=1):
        printed_in = [t.code for t in form.TEMPLATES.values() if m.code in t.outcome_rows]
        # a row carries numbers where the template says so, or where the template's table may
        # print it as one row instead of its sub-rows (（六）其他处理 in 2021-format tables)
        with_values = [
            t.code
            for t in form.TEMPLATES.values()
            if m.code in {v.code for v in t.value_rows} or m.code in form.ONE_ROW_GROUPS.get(t.code, ())
        ]
        outcomes.append(
            {
                "outcome": m.code,
                "label_zh": m.label_zh,
                "label_en": m.label_en,
                "parent": m.parent,
                "sort_order": order,
                "is_total": m.is_total,
                "templates": printed_in,
                "has_values_in": with_values,
            }
        )
    return {
        "dim_applicant_type": pd.DataFrame(
            [
                {
                    "applicant_type": m.code,
                    "label_zh": m.label_zh,
                    "label_en": m.label_en,
                    "group_zh": form.APPLICANT_GROUP_ZH.get(m.parent or ""),
                    "sort_order": i,
                }
                for i, m in enumerate(form.APPLICANT_TYPES, start=1)
            ]
        ),
        "dim_outcome": pd.DataFrame(outcomes),
        "dim_proactive_item": pd.DataFrame(
            [
                {"item": m.code, "label_zh": m.label_zh, "label_en": m.label_en, "sort_order": i}
                for i, m in enumerate(form.proactive_items(), start=1)
            ]
        ),
        "dim_measure": pd.DataFrame(
            [
                {
                    "measure": m.code,
                    "label_zh": m.label_zh,
                    "label_en": m.label_en,
                    "kind": m.kind,
                    "unit": m.unit,
                    "sort_order": i,
                }
                for i, m in enumerate(form.MEASURES, start=1)
            ]
        ),
        "dim_proceeding": pd.DataFrame(
            [
                {
                    "proceeding": m.code,
                    "label_zh": m.label_zh,
                    "label_en": m.label_en,
                    "group_zh": form.PROCEEDING_GROUP_ZH.get(m.parent or ""),
                    "sort_order": i,
                }
                for i, m in enumerate(form.PROCEEDINGS, start=1)
            ]
        ),
        "dim_result": pd.DataFrame(
            [
                {
                    "result": m.code,
                    "label_zh": m.label_zh,
                    "label_en": m.label_en,
                    "is_total": m.is_total,
                    "sort_order": i,
                }
                for i, m in enumerate(form.RESULTS, start=1)
            ]
        ),
    }


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Bulk insert a DataFrame by column name (one statement, no row loop)."""
    if frame.empty:
        return
    con.register("insert_frame", frame)
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM insert_frame")
    finally:
        con.unregister("insert_frame")


def record_results(con: duckdb.DuckDBPyConnection, rows: list[dict] | pd.DataFrame) -> None:
    """This run's ``dq_results`` rows (the check's and the gate's), into the build's pending table:
    the ``dq_results`` view reads them with the history, and they become the run's batch file when
    it publishes (``batches.seal``)."""
    import pandas as pd

    insert_frame(con, batches.DQ_PENDING, rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows))
