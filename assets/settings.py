"""Where the raw reports and the warehouse live (``GongkaiSettings``, shared by every asset and
the sensor), and the right to write the warehouse (``WarehouseWriter``, held by each run)."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import dagster as dg
from pydantic import PrivateAttr

from pipeline import warehouse
from pipeline.limits import DEFAULT_LIMITS, Limits

_KEEP_RETIRED_DAYS = warehouse.KEEP_RETIRED / timedelta(days=1)  # the class's `warehouse` is a path


class GongkaiSettings(dg.ConfigurableResource):
    """Paths are relative to the working directory (the repo root for `dagster dev`)."""

    raw_dir: str = "data/raw"
    warehouse: str = "warehouse/gongkai.duckdb"
    workers: int = 0  # parse processes; 0 = one per core
    stage_chunk: int = 500  # files parsed and staged at a time: memory holds one chunk, not the batch
    # Files per parse shard (assets.ingest.parse_shard: one Dagster step each, run side by side by
    # the multiprocess or a cluster executor); 0 = one shard, the whole batch.
    shard_files: int = 0
    # Days a batch file that stopped counting is kept before it is deleted (pipeline.batches.collect):
    # an analyst may still be reading an older catalog that names it.
    keep_retired_days: float = _KEEP_RETIRED_DAYS
    rehash: bool = False  # hash every file, even those whose path, size and mtime the warehouse knows
    # A descriptor on `gongkai ingest`'s own stderr, taken before Dagster captures step output
    # (which would hide a terminal from the step): parse progress is shown there; -1: run log only.
    progress_fd: int = -1
    # What one file may cost (pipeline.limits.Limits, which explains each); past a limit the
    # file is 'failed' with a reason naming it, and the run goes on.
    file_seconds: float = DEFAULT_LIMITS.seconds
    file_memory_mb: int = DEFAULT_LIMITS.memory_mb
    max_file_mb: int = DEFAULT_LIMITS.file_mb
    max_html_mb: int = DEFAULT_LIMITS.html_mb
    max_docx_unpacked_mb: int = DEFAULT_LIMITS.unpacked_mb
    max_pdf_pages: int = DEFAULT_LIMITS.pdf_pages

    @property
    def limits(self) -> Limits:
        return Limits(
            seconds=self.file_seconds,
            memory_mb=self.file_memory_mb,
            file_mb=self.max_file_mb,
            html_mb=self.max_html_mb,
            unpacked_mb=self.max_docx_unpacked_mb,
            pdf_pages=self.max_pdf_pages,
        )

    @property
    def keep_retired(self) -> timedelta:
        return timedelta(days=self.keep_retired_days)

    @property
    def raw_path(self) -> Path:
        return Path(self.raw_dir).resolve()

    @property
    def warehouse_path(self) -> Path:
        return Path(self.warehouse).resolve()


class WarehouseWriter(dg.ConfigurableResource):
    """Held for the whole run: ingest runs that write one warehouse go one at a time.

    With the job's default executor (in-process), Dagster sets this resource up once before the
    first step and tears it down after the last, even when a step fails: the lock
    (``pipeline.warehouse.writer_lock``) spans scan, staging, check and publication. With the
    multiprocess executor or a cluster's, each step that writes (scan and clean-up, loading the
    shards, the check, the publication) sets it up in its own process and holds it for that
    step; the parse shards do not take it. Between those steps, the run queue and the pool of
    dagster.yaml keep a second run from starting, and publication refuses a warehouse changed
    meanwhile (``warehouse.WarehouseChanged``). A run that has to wait logs why, and
    ``waited_seconds`` tells the CLI."""

    warehouse: str = "warehouse/gongkai.duckdb"
    _waited: float = PrivateAttr(default=0.0)

    @property
    def waited_seconds(self) -> float:
        return self._waited

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator["WarehouseWriter"]:
        with warehouse.writer_lock(Path(self.warehouse).resolve(), on_wait=context.log.warning) as waited:
            self._waited = waited
            yield self
