"""Scanning the raw folder, parsing files, and staging the batch.

Incremental: a file whose content hash was already ingested with the same parser version is
skipped. The hash is taken only of files that are new or touched: a file whose path, size and
mtime are those the warehouse recorded for it is known without reading it (``scan``; the one
case this misses, content changed with size and mtime kept, is what ``rehash`` is for). Raw
files are only ever read. A file that cannot be read becomes a 'failed' report with a reason;
it never stops the other files.

The readers, the parser and pandas are imported where a file is parsed or staged, not at
import: a run with nothing to do (scan only) must not pay seconds of imports for them.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import PARSER_VERSION, agencies, form
from pipeline.document import UnreadableFile
from pipeline.limits import DEFAULT_LIMITS, Limits
from pipeline.warehouse import (
    OVERRIDES_KEY,
    Build,
    apply_schema,
    connect,
    insert_frame,
    open_connection,
    read_state,
)
from pipeline.workers import Outcome, run_contained

if TYPE_CHECKING:
    import duckdb

    from pipeline.normalize import ReportCells
    from pipeline.parse import ParsedReport

log = logging.getLogger(__name__)
PARALLEL_THRESHOLD = 8  # below this many files, one worker process: more would cost more than they save


@dataclass(frozen=True)
class RawFile:
    """A file in the raw folder, identified by its content."""

    source_file: str  # path relative to the raw folder, POSIX style
    path: str
    report_id: str  # sha256 of the content
    size: int
    mtime: datetime

    @property
    def file_type(self) -> str:
        return Path(self.source_file).suffix.lower().lstrip(".") or "unknown"


@dataclass(frozen=True)
class Scan:
    to_process: list[RawFile]
    unchanged: list[RawFile]
    overrides_changed: bool = False  # data/agencies.csv differs from what the warehouse applied

    @property
    def needs_load(self) -> bool:
        return bool(self.to_process) or self.overrides_changed


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def list_raw(raw_dir: Path) -> list[Path]:
    """Every regular, non-hidden file below the raw folder, in a stable order.

    ``os.scandir`` knows a directory entry's type without a ``stat`` per file, and hidden
    folders are not walked at all: a no-op's scan costs one ``stat`` per file (its own)."""
    found: list[Path] = []
    pending = [raw_dir] if raw_dir.is_dir() else []
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir():
                    pending.append(Path(entry.path))
                elif entry.is_file():
                    found.append(Path(entry.path))
    return sorted(found)


def file_mtime(st: os.stat_result) -> datetime:
    """A file's mtime as ``reports.file_mtime`` stores it (naive UTC, microseconds): one
    function both records it and compares with it, so an untouched file always matches."""
    return datetime.fromtimestamp(st.st_mtime, UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Known:
    """What the published warehouse already holds, as far as scanning needs it."""

    report_ids: set[str] = field(default_factory=set)  # content parsed by this parser version
    by_stat: dict[tuple[str, int, datetime], str] = field(default_factory=dict)  # (file, size, mtime) -> report_id
    overrides_applied: str = ""


def known_files(published: Path) -> Known:
    """One query: the report ids of this parser version, with the path, size and mtime each
    was read from. Cost grows with the warehouse by a column scan of ``reports`` only."""
    if not published.exists():
        return Known()
    with connect(published, read_only=True) as con:
        rows = con.execute(
            "SELECT report_id, source_file, file_size, file_mtime FROM reports "
            "WHERE parser_version = ? AND status <> 'superseded'",  # held by no file now: parse it again
            [PARSER_VERSION],
        ).fetchall()
        applied = read_state(con, OVERRIDES_KEY)
    by_stat = {(src, size, mtime): rid for rid, src, size, mtime in rows if size is not None and mtime is not None}
    return Known({rid for rid, *_ in rows}, by_stat, applied)


def scan(raw_dir: Path, published: Path, rehash: bool = False) -> Scan:
    """Which raw files need parsing: new content, or content parsed by another parser version.

    A file whose (path, size, mtime) is one the warehouse recorded is taken to hold the content
    recorded with it and is not read; every other file is hashed. So a no-op costs one ``stat``
    per file, not a read. A file rewritten with its size and mtime kept (``touch -r``, some
    copy tools, a clock set back) is not seen as changed: ``rehash=True`` (``gongkai ingest
    --rehash``) hashes every file."""
    known = known_files(published)
    todo, unchanged, seen = [], [], set()
    for path in list_raw(raw_dir):
        st = path.stat()
        source_file = path.relative_to(raw_dir).as_posix()
        mtime = file_mtime(st)
        report_id = None if rehash else known.by_stat.get((source_file, st.st_size, mtime))
        rf = RawFile(source_file, str(path), report_id or sha256_file(path), st.st_size, mtime)
        if rf.report_id in known.report_ids or rf.report_id in seen:
            unchanged.append(rf)
        else:
            todo.append(rf)
        seen.add(rf.report_id)
    overrides_changed = published.exists() and known.overrides_applied != agencies.overrides_fingerprint()
    return Scan(todo, unchanged, overrides_changed)


@dataclass
class FileRows:
    """One parsed file as rows of the staging tables, but for what the batch decides (its run
    and time): made where the file was parsed (``stage_file``, in its worker), so the process
    that stages a batch only concatenates and inserts them."""

    report: dict[str, object]  # the ``reports`` columns the parse decides (agency, year, ...)
    agency: dict[str, object]  # its dim_agency row
    cells: dict[str, dict[str, list[object]]]  # per table with cells, a list per ``normalize.CELL_COLUMNS`` column
    notes: list[dict[str, object]]
    claims: list[dict[str, object]]
    problems: list[dict[str, object]]


@dataclass
class FileResult:
    """A parsed file, or the reason it could not be read."""

    file: RawFile
    parsed: ParsedReport | None = None
    error: str | None = None
    encoding: str | None = None
    rows: FileRows | None = None  # its staging rows, when parsed for staging (then ``parsed`` is not kept)

    @property
    def ok(self) -> bool:
        return self.parsed is not None or self.rows is not None


def parse_file(file: RawFile, limits: Limits = DEFAULT_LIMITS) -> FileResult:
    """Read and parse one file; every failure becomes a reason, never an exception."""
    from pipeline.parse import parse_document
    from pipeline.readers import read_document

    try:
        doc = read_document(Path(file.path), limits)
        return FileResult(file, parse_document(doc), encoding=doc.encoding)
    except UnreadableFile as exc:
        return FileResult(file, error=str(exc))
    except MemoryError:  # the worker's RLIMIT_AS (pipeline.workers); the worker itself lives on
        log.error("reading %s needed more than %d MB", file.source_file, limits.memory_mb)
        return FileResult(file, error=limits.too_much_memory())
    except Exception as exc:  # a parser bug must not stop the other files
        log.exception("parsing %s failed", file.source_file)
        return FileResult(file, error=f"internal error while parsing ({type(exc).__name__}: {exc}); please report it")


def stage_file(file: RawFile, limits: Limits = DEFAULT_LIMITS) -> FileResult:
    """``parse_file``, then the file's staging rows (``file_rows``), in place of the parsed
    report: what a worker hands back is the rows, and the staging process no longer turns a
    batch's reports into rows one by one (about 5 ms a report, in the one staging process)."""
    result = parse_file(file, limits)
    if result.parsed is None:
        return result
    return FileResult(file, error=result.error, encoding=result.encoding, rows=file_rows(file, result.parsed))


Progress = Callable[[int, int], None]  # (files done, files in the batch), called as each file is done


def parse_files(
    files: list[RawFile],
    workers: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
    on_progress: Progress | None = None,
    for_staging: bool = False,
) -> list[FileResult]:
    """Parse files in worker processes, in parallel when there are many, each file under the
    time and memory limits of ``limits`` (``pipeline.workers.run_contained``). With
    ``for_staging`` each worker also makes its file's staging rows (``stage_file``).

    The readers sit on C libraries (pdfium, lxml), and files come from the open web: a hostile
    file can hang a reader inside C code, exhaust memory or kill its process. Each file is
    parsed alone in a worker that the run kills when the file takes longer than
    ``limits.seconds``; a worker that dies takes only its own file with it. A few files (fewer
    than PARALLEL_THRESHOLD, or workers < 2) are parsed the same way in one worker, not in
    this process: only a separate process can be killed out of a C call, or limited in memory
    without limiting the Dagster process that runs the job (forking one costs milliseconds).
    ``on_progress`` hears of every file done, in the order they finish."""
    if not files:
        return []
    import pipeline.parse
    import pipeline.readers  # noqa: F401  (imported before the workers fork, so they inherit them)

    workers = workers or min(os.cpu_count() or 1, 8)
    processes = 1 if len(files) < PARALLEL_THRESHOLD or workers < 2 else workers
    results: dict[int, FileResult] = {}
    parse = partial(stage_file if for_staging else parse_file, limits=limits)
    for outcome in run_contained(parse, files, processes=processes, seconds=limits.seconds, memory_mb=limits.memory_mb):
        results[outcome.index] = _result_of(files[outcome.index], outcome, limits)
        if on_progress is not None:
            on_progress(len(results), len(files))
    return [results[i] for i in range(len(files))]


def _result_of(file: RawFile, outcome: Outcome, limits: Limits) -> FileResult:
    """The FileResult of a file its worker answered for, or the reason it did not."""
    if outcome.failure is None:
        return outcome.value
    if outcome.failure == "timeout":
        log.error("reading %s took longer than %g s; its worker was killed", file.source_file, limits.seconds)
        return FileResult(file, error=limits.too_slow())
    if outcome.failure == "died":
        log.error("the reader process died on %s", file.source_file)
        return FileResult(file, error=CRASHED)
    log.error("parsing %s failed in its worker: %s", file.source_file, outcome.failure)
    return FileResult(file, error=f"internal error while parsing ({outcome.failure}); please report it")


CRASHED = "the reader crashed on this file (its process died); the file is probably damaged: open and re-save it"


STAGE_CHUNK = 500  # files staged per insert: memory holds one chunk's rows, not the batch's


def chunks(items: Iterable[RawFile], size: int = STAGE_CHUNK) -> Iterator[list[RawFile]]:
    """``items`` in lists of ``size`` (the last one shorter)."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def stage(build: Build, results: list[FileResult], run_id: str, chunk_size: int = STAGE_CHUNK) -> dict[str, int]:
    """Write the batch into the build file's staging tables (replacing any earlier staging)."""
    with Staging(build, run_id) as staging:
        for start in range(0, len(results), chunk_size):
            staging.add(results[start : start + chunk_size])
    return staging.counts


class Staging:
    """The staging tables of one run's build file, filled chunk by chunk.

    ``add`` turns one chunk of files (their workers' rows, or parsed reports) into a frame or an
    Arrow table per staging table and inserts each with one statement,
    so memory holds one chunk's rows whatever the batch size, and the tables are the same
    whichever way the batch is cut (rows are appended; nothing depends on the chunk)."""

    def __init__(self, build: Build | Path, run_id: str, ingested_at: datetime | None = None) -> None:
        self.path = build.path if isinstance(build, Build) else build  # a build file, or a shard's own file
        self.run_id = run_id
        self.ingested_at = ingested_at or datetime.now(UTC).replace(tzinfo=None)  # one time for the whole batch
        self.counts = {"files": 0, "parsed": 0, "failed": 0}
        self._con: duckdb.DuckDBPyConnection | None = None

    def __enter__(self) -> Staging:
        # a pipeline connection, its buffer pool capped: a shard's file holds all of the shard's
        # cells (DuckDB spills past the limit)
        self._con = open_connection(self.path)
        _create_staging_tables(self._con)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def add(self, results: list[FileResult]) -> None:
        """Stage one chunk of parsed (or failed) files."""
        import pandas as pd

        assert self._con is not None, "Staging is used as a context manager"
        rows = _chunk_rows(results, self.run_id, self.ingested_at)
        con = self._con
        insert_frame(con, "stg_reports", pd.DataFrame(rows.reports))
        insert_frame(con, "stg_problems", pd.DataFrame(rows.problems))
        insert_frame(con, "stg_reader_notes", pd.DataFrame(rows.notes))
        ids = pd.DataFrame({"report_id": [r["report_id"] for r in rows.reports]})
        con.register("chunk_ids", ids)
        con.execute("DELETE FROM narrative_claims WHERE report_id IN (SELECT report_id FROM chunk_ids)")
        con.unregister("chunk_ids")
        insert_frame(con, "narrative_claims", pd.DataFrame(rows.claims))
        for table, cells in rows.cells.items():
            if cells:
                self._insert_cells(f"stg_{table}", cells)
        if rows.agencies:
            frame = pd.DataFrame(list(rows.agencies.values()))
            con.register("agency_frame", frame)
            con.execute("DELETE FROM dim_agency WHERE agency_id IN (SELECT agency_id FROM agency_frame)")
            con.execute("INSERT INTO dim_agency BY NAME SELECT * FROM agency_frame")
            con.unregister("agency_frame")
        parsed = sum(r.ok for r in results)
        self.counts["files"] += len(results)
        self.counts["parsed"] += parsed
        self.counts["failed"] += len(results) - parsed

    def _insert_cells(self, table: str, cells: list[ReportCells]) -> None:
        """One chunk's cells of one table (each report's keys and cell columns) into ``table``,
        as one Arrow table (``normalize.cells_table``: it holds ``number`` exact)."""
        from pipeline.normalize import cells_table

        assert self._con is not None, "Staging is used as a context manager"
        self._con.register("chunk_cells", cells_table(cells))
        self._con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM chunk_cells")
        self._con.unregister("chunk_cells")


def _create_staging_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Empty staging tables, replacing any earlier staging of this build file."""
    from pipeline.normalize import NUMBER_SQL

    apply_schema(con)
    con.execute("CREATE OR REPLACE TABLE stg_reports AS SELECT * FROM reports LIMIT 0")
    con.execute("CREATE OR REPLACE TABLE stg_problems (report_id VARCHAR, table_name VARCHAR, problem VARCHAR)")
    con.execute(
        "CREATE OR REPLACE TABLE stg_reader_notes "
        "(report_id VARCHAR, table_name VARCHAR, note_no INTEGER, note VARCHAR)"
    )
    for table in form.TABLES:
        con.execute(
            f"CREATE OR REPLACE TABLE stg_{table} (report_id VARCHAR, agency_id VARCHAR, year INTEGER, "
            f"template VARCHAR, row_code VARCHAR, col_code VARCHAR, number {NUMBER_SQL}, number_text VARCHAR, "
            "raw VARCHAR, source_page INTEGER, source_where VARCHAR)"
        )


@dataclass
class _ChunkRows:
    """One chunk of the batch as rows of each staging table."""

    reports: list[dict[str, object]] = field(default_factory=list)
    problems: list[dict[str, object]] = field(default_factory=list)
    notes: list[dict[str, object]] = field(default_factory=list)  # the readers' non-blocking findings (warnings)
    claims: list[dict[str, object]] = field(default_factory=list)
    agencies: dict[str, dict[str, object]] = field(default_factory=dict)
    cells: dict[str, list[ReportCells]] = field(default_factory=lambda: {t: [] for t in form.TABLES})


def file_rows(file: RawFile, parsed: ParsedReport) -> FileRows:
    """A parsed file's staging rows (see ``FileRows``): plain lists, cheap to make and to send."""
    from pipeline.normalize import to_rows
    from pipeline.parse.metadata import published_date
    from pipeline.parse.narrative import extract_claims

    agency = agencies.describe(parsed.agency_name)
    staged = to_rows(file.report_id, parsed)
    cells = {table: columns for table, columns in staged.cells.items() if columns["row_code"]}
    return FileRows(
        report={
            "agency_id": agency.agency_id,
            "year": parsed.year,
            "template": parsed.template,
            "title": parsed.title,
            "status": "staged",
            "reason": None,
            "numbers_hash": staged.numbers_hash,
            "agency_note": parsed.agency_note,
            "published": published_date(parsed.narrative),  # the whole text: fields and signature
        },
        agency=agency.__dict__,
        cells=cells,
        notes=staged.reader_notes,
        claims=[
            {"report_id": file.report_id, "claim": c.claim, "value": c.value, "quote": c.quote}
            for c in extract_claims(parsed.narrative)
        ],
        problems=[
            {"report_id": file.report_id, "table_name": name, "problem": "; ".join(t.problems)}
            for name, t in parsed.tables.items()
            if t.problems
        ],
    )


def _chunk_rows(results: list[FileResult], run_id: str, now: datetime) -> _ChunkRows:
    """The chunk's rows: each file's ``FileRows`` (made here for a result that holds only its
    parsed report), with the batch's run and time."""
    from pipeline.normalize import REPORT_KEYS

    out = _ChunkRows()
    for r in results:
        row = {
            "report_id": r.file.report_id,
            "source_file": r.file.source_file,
            "file_type": r.file.file_type,
            "parser_version": PARSER_VERSION,
            "ingested_at": now,
            "run_id": run_id,
            "encoding": r.encoding,
            "file_size": r.file.size,
            "file_mtime": r.file.mtime,
            "status": "failed",
            "reason": r.error,
        }
        staged = r.rows if r.rows is not None or r.parsed is None else file_rows(r.file, r.parsed)
        if staged is not None:
            out.agencies[staged.agency["agency_id"]] = staged.agency
            out.notes.extend(staged.notes)
            out.claims.extend(staged.claims)
            out.problems.extend(staged.problems)
            row.update(staged.report)
            keys = tuple(row[key] for key in REPORT_KEYS)  # the report's columns each of its cells carries
            for table, cells in staged.cells.items():
                out.cells[table].append((keys, cells))
        out.reports.append(row)
    return out
