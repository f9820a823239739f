"""The parse stage cut into shards: each parsed on its own (a Dagster step, on any machine) into
Parquet files, then all of them loaded into the run's build file at once.

A shard is a list of raw files (``plan``). ``write`` parses its files (``ingest.parse_files``)
and stages them with the very code of a one-process run (``ingest.Staging``: the same inserts,
so the same types and values), into staging tables that hold one chunk, in memory: after each
chunk their rows are appended to ``<table>.parquet`` in the shard's folder and deleted
(``ParquetStaging``). A DuckDB file of the shard's own, copied to Parquet once all was staged,
cost some 0.45 ms a file more in the one staging process (its inserts onto disk, then the copy).
``load`` then fills the build file's staging tables from every
shard's Parquet, one ``read_parquet`` statement per table: the staging tables are those a
one-process run stages, whichever way the files were cut (rows are appended; nothing in them
depends on the shard), and the check, the gate and the publication follow unchanged.

The shards' folders live beside the warehouse, in ``.<stem>.staging/<run id>/shard-NNNN``
(``run_dir``): every step that reads or writes them must see that folder, so on a cluster it is
on a filesystem shared by the step pods, like the raw folder and the warehouse. A run removes
its folder once the shards are loaded; what a killed run left is removed with its build file
(``pipeline.warehouse.remove_stale_builds``).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import form
from pipeline.ingest import STAGE_CHUNK, FileResult, RawFile, Staging, chunks, parse_files
from pipeline.limits import DEFAULT_LIMITS, Limits, frozen_heap, release_memory
from pipeline.warehouse import Build, connect

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pipeline.normalize import ReportCells

# Every table ``ingest.Staging`` writes, in the order ``load`` fills them.
TABLES = (
    "stg_reports",
    "stg_problems",
    "stg_reader_notes",
    "narrative_claims",
    "dim_agency",
    *(f"stg_{t}" for t in form.TABLES),
)
STAGING_DIR = ".{stem}.staging"  # beside the warehouse; + "/<run id>/shard-NNNN/<table>.parquet"


def staging_root(published: Path) -> Path:
    return published.with_name(STAGING_DIR.format(stem=published.stem))


def run_dir(published: Path, run_id: str) -> Path:
    """The folder of one run's shards."""
    return staging_root(published) / run_id


@dataclass(frozen=True)
class Shard:
    """What one parse step is given: its files and where to write them (small: pickled by Dagster)."""

    index: int
    files: list[RawFile]
    directory: str
    run_id: str
    ingested_at: datetime  # the batch's one time, so every shard's reports carry the same


@dataclass(frozen=True)
class Written:
    """What one parse step hands on: where its Parquet is, and what it counted and spent."""

    directory: str
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def plan(files: list[RawFile], per_shard: int, directory: Path, run_id: str, ingested_at: datetime) -> list[Shard]:
    """The batch in shards of ``per_shard`` files (0: one shard), in scan order; always at
    least one shard, empty when no content is new (the run still records the folder's files)."""
    groups = list(chunks(files, per_shard)) if per_shard > 0 else [files]
    return [
        Shard(i, group, str(directory / f"shard-{i:04d}"), run_id, ingested_at)
        for i, group in enumerate(groups or [[]])
    ]


def write(
    shard: Shard,
    workers: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
    chunk: int = STAGE_CHUNK,
    on_progress: Callable[[int, int, int], None] | None = None,
) -> Written:
    """Parse the shard's files a chunk at a time and write its staging tables as Parquet.
    ``on_progress(files staged before the chunk, done in the chunk, in the chunk)``."""
    directory = Path(shard.directory)
    if directory.exists():  # a retried step starts over
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    parse_s = stage_s = 0.0
    with frozen_heap(), ParquetStaging(directory, shard.run_id, shard.ingested_at) as staging:
        for files in chunks(shard.files, chunk):
            t0 = time.perf_counter()
            before = staging.counts["files"]
            progress = None if on_progress is None else (lambda done, n, before=before: on_progress(before, done, n))
            results = parse_files(files, workers, limits, on_progress=progress, for_staging=True)
            t1 = time.perf_counter()
            staging.add(results)
            parse_s, stage_s = parse_s + t1 - t0, stage_s + time.perf_counter() - t1
        counts = dict(staging.counts)
        t2 = time.perf_counter()
    release_memory()  # the chunks' parsed rows, before the validation grows this process
    seconds = {
        "parse_s": round(parse_s, 3),
        "stage_s": round(stage_s, 3),
        "parquet_s": round(time.perf_counter() - t2, 3),
    }
    return Written(str(directory), counts, seconds)


class ParquetStaging(Staging):
    """``Staging`` into ``<table>.parquet`` files of ``directory``: its tables (in memory) hold
    one chunk, whose rows each ``add`` appends to the files (a row group per table and chunk,
    in the order they were inserted) and then deletes; the cells skip the tables (``CELLS``).
    ``dim_agency`` keeps its rows to the end, as in a file (an agency staged again in a later
    chunk replaces its row), and is written last. Every table's file is written, empty ones
    too (``load`` reads them all)."""

    KEPT = "dim_agency"
    CELLS = tuple(f"stg_{t}" for t in form.TABLES)  # written straight from Arrow, never inserted

    def __init__(self, directory: Path, run_id: str, ingested_at: datetime) -> None:
        super().__init__(Path(":memory:"), run_id, ingested_at)
        self.directory = directory
        self._writers: dict[str, pq.ParquetWriter] = {}

    def __enter__(self) -> ParquetStaging:
        import pyarrow.parquet as pq  # not at import: a no-op run stages nothing

        super().__enter__()
        for table in TABLES:
            schema = self._rows(f"{table} LIMIT 0").schema
            self._writers[table] = pq.ParquetWriter(self.directory / f"{table}.parquet", schema)
        return self

    def add(self, results: list[FileResult]) -> None:
        super().add(results)
        self._flush([t for t in TABLES if t != self.KEPT and t not in self.CELLS])

    def _insert_cells(self, table: str, cells: list[ReportCells]) -> None:
        """A chunk's cells go to ``<table>.parquet`` as the Arrow table ``Staging`` inserts,
        cast to the staging table's types (``year``, ``source_page`` INTEGER: a value that does
        not fit raises, as DuckDB's insert did), not through the in-memory table: the insert,
        the read back and the delete cost some 0.15 CPU s a chunk of 500 text reports, for
        the very same rows in the same order."""
        from pipeline.normalize import cells_table

        writer = self._writers[table]
        writer.write_table(cells_table(cells).cast(writer.schema))

    def __exit__(self, *exc: object) -> None:
        try:
            if exc[0] is None:
                self._flush([self.KEPT])
        finally:
            for writer in self._writers.values():
                writer.close()
            super().__exit__(*exc)

    def _flush(self, tables: list[str]) -> None:
        assert self._con is not None, "ParquetStaging is used as a context manager"
        for table in tables:
            rows = self._rows(table)
            if rows.num_rows:
                self._writers[table].write_table(rows)
                self._con.execute(f"DELETE FROM {table}")

    def _rows(self, source: str) -> pa.Table:
        assert self._con is not None, "ParquetStaging is used as a context manager"
        return self._con.sql(f"FROM {source}").to_arrow_table()


def load(build: Build, written: list[Written], run_id: str) -> dict[str, int]:
    """Fill the build file's staging tables from every shard's Parquet (replacing any earlier
    staging); returns the batch's counts. The shards' reports are distinct contents (the scan
    sends each content once), so their claims and rows are simply appended; an agency seen in
    several shards is one row of ``dim_agency``."""
    counts = {"files": 0, "parsed": 0, "failed": 0}
    for w in written:
        for k in counts:
            counts[k] += w.counts.get(k, 0)
    with Staging(build, run_id):  # creates the (empty) staging tables
        pass
    with connect(build.path) as con:
        for table in TABLES:
            files = [str(Path(w.directory) / f"{table}.parquet") for w in written]
            source = f"read_parquet({files!r}, union_by_name = true)"
            if table == "narrative_claims":  # after stg_reports: a report staged again keeps only its new claims
                con.execute("DELETE FROM narrative_claims WHERE report_id IN (SELECT report_id FROM stg_reports)")
            if table == "dim_agency":
                con.execute(f"DELETE FROM dim_agency WHERE agency_id IN (SELECT agency_id FROM {source})")
                con.execute(f"INSERT INTO dim_agency BY NAME SELECT DISTINCT ON (agency_id) * FROM {source}")
                continue
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {source}")
    return counts


def remove(published: Path, run_id: str) -> None:
    """Remove one run's shards (once loaded, or when its run failed)."""
    shutil.rmtree(run_dir(published, run_id), ignore_errors=True)
    root = staging_root(published)
    if root.exists() and not any(root.iterdir()):
        root.rmdir()
