"""Where the raw reports and the warehouse live; one resource shared by every asset."""

from pathlib import Path

import dagster as dg


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
