"""Shared fixtures: the seed reports, and one Dagster ingest of them into a temp warehouse."""

import shutil
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "data" / "raw"
SEED_NAMES = sorted(p.name for p in RAW.glob("00[0-4]_*.txt"))


def copy_seeds(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in SEED_NAMES:
        shutil.copy2(RAW / name, target / name)
    return target


@pytest.fixture(scope="session")
def seed_warehouse(tmp_path_factory) -> Path:
    """The five text seeds ingested by the real Dagster job (in-process, ephemeral instance)."""
    from pipeline.cli import run_ingest

    root = tmp_path_factory.mktemp("seeds")
    raw = copy_seeds(root / "raw")
    warehouse = root / "gongkai.duckdb"
    run_ingest(raw, warehouse, ephemeral=True)
    return warehouse


@pytest.fixture
def query(seed_warehouse):
    con = duckdb.connect(str(seed_warehouse), read_only=True)
    yield lambda sql, params=None: con.execute(sql, params or []).fetchall()
    con.close()
