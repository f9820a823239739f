"""Which files ``reports`` records, compared with the raw folder: every file has a row.

The scan finds the files; the gate (``pipeline.load.record_files``) gives each its row. In
between, a run stages the whole list (``stage_files``), and a run with no content to parse
still writes the warehouse when the rows no longer describe the folder (``files_changed``):
a file copied or renamed, removed, back, or touched. No pandas at import: a run with nothing
to do asks ``files_changed`` and stops, at the cost of one read of four columns.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from pipeline.warehouse import connect

if TYPE_CHECKING:
    from pipeline.ingest import RawFile

FILE_COLUMNS = ("source_file", "report_id", "file_type", "file_size", "file_mtime")  # what a file is


def _rows(files: Iterable[RawFile]) -> list[tuple[str, str, str, int, datetime]]:
    return [(f.source_file, f.report_id, f.file_type, f.size, f.mtime) for f in files]


def stage_files(con: duckdb.DuckDBPyConnection, files: Iterable[RawFile]) -> None:
    """Stage every file in the raw folder (what the scan found: new, changed and unchanged
    files) as ``stg_files``, so that the load gives each a ``reports`` row and marks the rows
    of files that are gone. Without it the load records only the files it parsed."""
    import pandas as pd

    from pipeline.warehouse import insert_frame

    con.execute(
        "CREATE OR REPLACE TABLE stg_files (source_file VARCHAR PRIMARY KEY, report_id VARCHAR NOT NULL, "
        "file_type VARCHAR NOT NULL, file_size BIGINT, file_mtime TIMESTAMP)"
    )
    insert_frame(con, "stg_files", pd.DataFrame(_rows(files), columns=list(FILE_COLUMNS)))


def files_changed(published: Path, files: Iterable[RawFile]) -> bool:
    """Whether ``reports`` no longer describes the raw folder although no content is new: a
    file copied or renamed (a content already known under a new name), a file removed or
    back, a file touched (its size or mtime differ from its row's). Such a run has to write
    the warehouse even with nothing to parse; any other run with nothing to parse is a no-op."""
    present = {f: (rid, size, mtime) for f, rid, _, size, mtime in _rows(files)}
    if not published.exists():
        return bool(present)
    with connect(published, read_only=True) as con:
        if not _keyed_by_file(con):
            return True  # a warehouse from before every file had a row: the run migrates and records it
        rows = con.execute(
            "SELECT source_file, report_id, file_size, file_mtime, present FROM reports WHERE status <> 'superseded'"
        ).fetchall()
    recorded = {f: (rid, size, mtime) for f, rid, size, mtime, is_present in rows if is_present}
    return recorded != present


def _keyed_by_file(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``reports`` has the columns of a warehouse that records every file."""
    (n,) = con.execute(
        "SELECT count(*) FROM duckdb_columns() WHERE table_name = 'reports' AND column_name = 'present'"
    ).fetchone()
    return bool(n)
