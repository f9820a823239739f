"""Scanning the raw folder, parsing files, and staging the batch.

Incremental: a file whose content hash was already ingested with the same parser version is
skipped. Raw files are only ever read. A file that cannot be read becomes a 'failed' report
with a reason; it never stops the other files.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from pipeline import PARSER_VERSION, agencies, form
from pipeline.document import UnreadableFile
from pipeline.normalize import NUMBER_SQL, staging_frame, to_rows
from pipeline.parse import ParsedReport, parse_document
from pipeline.parse.metadata import published_date
from pipeline.parse.narrative import extract_claims
from pipeline.readers import read_document
from pipeline.warehouse import OVERRIDES_KEY, Build, apply_schema, connect, insert_frame, read_state

log = logging.getLogger(__name__)
PARALLEL_THRESHOLD = 8  # below this many files, a process pool costs more than it saves


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
    """Every regular, non-hidden file below the raw folder, in a stable order."""
    return sorted(
        p
        for p in raw_dir.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(raw_dir).parts)
    )


def scan(raw_dir: Path, published: Path) -> Scan:
    """Which raw files need parsing: new content, or content parsed by another parser version."""
    known: set[str] = set()
    applied = ""
    if published.exists():
        with connect(published, read_only=True) as con:
            known = {
                r
                for (r,) in con.execute(
                    "SELECT report_id FROM reports WHERE parser_version = ?", [PARSER_VERSION]
                ).fetchall()
            }
            applied = read_state(con, OVERRIDES_KEY)
    todo, unchanged, seen = [], [], set()
    for path in list_raw(raw_dir):
        st = path.stat()
        rf = RawFile(
            path.relative_to(raw_dir).as_posix(),
            str(path),
            sha256_file(path),
            st.st_size,
            datetime.fromtimestamp(st.st_mtime, UTC).replace(tzinfo=None),
        )
        if rf.report_id in known or rf.report_id in seen:
            unchanged.append(rf)
        else:
            todo.append(rf)
        seen.add(rf.report_id)
    overrides_changed = published.exists() and applied != agencies.overrides_fingerprint()
    return Scan(todo, unchanged, overrides_changed)


@dataclass
class FileResult:
    """A parsed file, or the reason it could not be read."""

    file: RawFile
    parsed: ParsedReport | None = None
    error: str | None = None
    encoding: str | None = None


def parse_file(file: RawFile) -> FileResult:
    """Read and parse one file; every failure becomes a reason, never an exception."""
    try:
        doc = read_document(Path(file.path))
        return FileResult(file, parse_document(doc), encoding=doc.encoding)
    except UnreadableFile as exc:
        return FileResult(file, error=str(exc))
    except Exception as exc:  # a parser bug must not stop the other files
        log.exception("parsing %s failed", file.source_file)
        return FileResult(file, error=f"internal error while parsing ({type(exc).__name__}: {exc}); please report it")


def parse_files(files: list[RawFile], workers: int | None = None) -> list[FileResult]:
    """Parse files, in parallel processes when there are many.

    The readers sit on C libraries (pdfium, lxml): a hostile file can kill its worker
    process, which breaks the whole pool. The files the broken pool did not finish are then
    parsed again one per fresh process, so only the file that kills its process fails."""
    workers = workers or min(os.cpu_count() or 1, 8)
    if len(files) < PARALLEL_THRESHOLD or workers < 2:
        return [parse_file(f) for f in files]
    done: dict[int, FileResult] = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(parse_file, f): i for i, f in enumerate(files)}
        for future in as_completed(futures):
            with contextlib.suppress(BrokenProcessPool):
                done[futures[future]] = future.result()
    return [done[i] if i in done else _parse_isolated(f) for i, f in enumerate(files)]


def _parse_isolated(file: RawFile) -> FileResult:
    with ProcessPoolExecutor(max_workers=1) as pool:
        try:
            return pool.submit(parse_file, file).result()
        except BrokenProcessPool:
            log.error("the reader process died on %s", file.source_file)
            return FileResult(file, error=CRASHED)


CRASHED = "the reader crashed on this file (its process died); the file is probably damaged: open and re-save it"


def stage(build: Build, results: list[FileResult], run_id: str) -> dict[str, int]:
    """Write the batch into the build file's staging tables (replacing any earlier staging)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    report_rows, problem_rows, agency_rows, claim_rows = [], [], {}, []
    note_rows: list[dict[str, object]] = []  # the readers' non-blocking findings, validated as warnings
    cells: dict[str, list[dict[str, object]]] = {t: [] for t in form.TABLES}
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
        if r.parsed is not None:
            agency = agencies.describe(r.parsed.agency_name)
            agency_rows[agency.agency_id] = agency.__dict__
            staged = to_rows(r.file.report_id, agency.agency_id, r.parsed)
            for table, rows in staged.rows.items():
                cells[table].extend(rows)
            note_rows.extend(staged.reader_notes)
            claim_rows.extend(
                {"report_id": r.file.report_id, "claim": c.claim, "value": c.value, "quote": c.quote}
                for c in extract_claims(r.parsed.narrative)
            )
            problem_rows.extend(
                {"report_id": r.file.report_id, "table_name": name, "problem": "; ".join(t.problems)}
                for name, t in r.parsed.tables.items()
                if t.problems
            )
            row.update(
                agency_id=agency.agency_id,
                year=r.parsed.year,
                template=r.parsed.template,
                title=r.parsed.title,
                status="staged",
                reason=None,
                numbers_hash=staged.numbers_hash,
                agency_note=r.parsed.agency_note,
                published=published_date(r.parsed.narrative),  # the whole text: fields and signature
            )
        report_rows.append(row)

    with connect(build.path) as con:
        apply_schema(con)
        con.execute("CREATE OR REPLACE TABLE stg_reports AS SELECT * FROM reports LIMIT 0")
        insert_frame(con, "stg_reports", pd.DataFrame(report_rows))
        con.execute("CREATE OR REPLACE TABLE stg_problems (report_id VARCHAR, table_name VARCHAR, problem VARCHAR)")
        insert_frame(con, "stg_problems", pd.DataFrame(problem_rows))
        con.execute(
            "CREATE OR REPLACE TABLE stg_reader_notes "
            "(report_id VARCHAR, table_name VARCHAR, note_no INTEGER, note VARCHAR)"
        )
        insert_frame(con, "stg_reader_notes", pd.DataFrame(note_rows))
        con.execute("DELETE FROM narrative_claims WHERE report_id IN (SELECT report_id FROM stg_reports)")
        insert_frame(con, "narrative_claims", pd.DataFrame(claim_rows))
        for table, rows in cells.items():
            frame = staging_frame(rows)
            con.execute(
                f"CREATE OR REPLACE TABLE stg_{table} (report_id VARCHAR, agency_id VARCHAR, year INTEGER, "
                f"template VARCHAR, row_code VARCHAR, col_code VARCHAR, number {NUMBER_SQL}, number_text VARCHAR, "
                "raw VARCHAR, source_page INTEGER, source_where VARCHAR)"
            )
            insert_frame(con, f"stg_{table}", frame)
        if agency_rows:
            frame = pd.DataFrame(list(agency_rows.values()))
            con.register("agency_frame", frame)
            con.execute("DELETE FROM dim_agency WHERE agency_id IN (SELECT agency_id FROM agency_frame)")
            con.execute("INSERT INTO dim_agency BY NAME SELECT * FROM agency_frame")
            con.unregister("agency_frame")
    return {
        "files": len(results),
        "parsed": sum(r.parsed is not None for r in results),
        "failed": sum(r.parsed is None for r in results),
    }
