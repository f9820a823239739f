"""Where the raw reports and the warehouse live (``GongkaiSettings``, shared by every asset and
the sensor), and the right to write the warehouse (``WarehouseWriter``, held by each run)."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from pydantic import PrivateAttr

from pipeline import warehouse


class GongkaiSettings(dg.ConfigurableResource):
    """Paths are relative to the working directory (the repo root for `dagster dev`)."""

    raw_dir: str = "data/raw"
    warehouse: str = "warehouse/gongkai.duckdb"
    workers: int = 0  # parse processes; 0 = one per core

    @property
    def raw_path(self) -> Path:
        return Path(self.raw_dir).resolve()

    @property
    def warehouse_path(self) -> Path:
        return Path(self.warehouse).resolve()


class WarehouseWriter(dg.ConfigurableResource):
    """Held for the whole run: ingest runs that write one warehouse go one at a time.

    The job runs in one process (``in_process_executor``), so Dagster sets this resource up
    once before the first step and tears it down after the last, even when a step fails:
    the lock (``pipeline.warehouse.writer_lock``) spans scan, staging, check and publication.
    A run that has to wait logs why, and ``waited_seconds`` tells the CLI."""

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
