"""The parse stage in shards (pipeline/shards.py, assets/ingest.py staged_reports): the same job,
run by the multiprocess executor over several shards, publishes the warehouse that one
in-process run with one shard publishes, row for row."""

import shutil
import time
from datetime import datetime
from pathlib import Path

import dagster as dg

from assets.definitions import make_definitions
from pipeline import shards
from pipeline.cli import run_ingest
from pipeline.ingest import RawFile
from tests.conftest import RAW
from tests.warehouse_rows import warehouse_rows

# Columns that name the run or the moment it ran: they differ between any two runs.


def ingest_job() -> dg.JobDefinition:
    """The project's job as a deployment loads it (``reconstructable`` rebuilds it in each step's process)."""
    return make_definitions().resolve_job_def("ingest")


def run_config(raw: Path, published: Path, shard_files: int) -> dict:
    return {
        "execution": {"config": {"multiprocess": {"max_concurrent": 2}}},
        "resources": {
            "settings": {"config": {"raw_dir": str(raw), "warehouse": str(published), "shard_files": shard_files}},
            "writer": {"config": {"warehouse": str(published)}},
        },
    }


def test_plan_cuts_the_batch_and_keeps_one_empty_shard(tmp_path):
    now = datetime(2026, 1, 1)
    files = [RawFile(f"{i}.txt", f"/r/{i}.txt", str(i), 1, now) for i in range(7)]
    planned = shards.plan(files, 3, tmp_path, "r1", now)
    assert [[f.source_file for f in s.files] for s in planned] == [
        ["0.txt", "1.txt", "2.txt"],
        ["3.txt", "4.txt", "5.txt"],
        ["6.txt"],
    ]
    assert [Path(s.directory).name for s in planned] == ["shard-0000", "shard-0001", "shard-0002"]
    assert [len(s.files) for s in shards.plan(files, 0, tmp_path, "r1", now)] == [7]
    assert [len(s.files) for s in shards.plan([], 3, tmp_path, "r1", now)] == [0]  # the folder's rows still change


def test_multiprocess_shards_give_the_in_process_warehouse(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)  # copy2: the same mtimes, so both runs record the same files
    files = sum(1 for p in raw.rglob("*") if p.is_file() and not p.name.startswith("."))

    started = time.perf_counter()
    one = tmp_path / "in_process" / "gongkai.duckdb"
    run_ingest(raw, one, ephemeral=True)
    in_process_s = time.perf_counter() - started

    many = tmp_path / "multiprocess" / "gongkai.duckdb"
    home = tmp_path / "dagster_home"
    home.mkdir()
    per_shard = max(1, files // 4)  # four or five shards
    with dg.DagsterInstance.local_temp(str(home)) as instance:
        started = time.perf_counter()
        with dg.execute_job(
            dg.reconstructable(ingest_job), instance=instance, run_config=run_config(raw, many, per_shard)
        ) as result:
            multiprocess_s = time.perf_counter() - started
            assert result.success
            steps = {e.step_key for e in result.all_events if e.is_step_success}
            processes = {e.pid for e in result.all_events if e.is_step_start}
        # nothing changed: the same job on the same executor parses nothing and publishes nothing
        published = many.stat().st_mtime_ns
        with dg.execute_job(
            dg.reconstructable(ingest_job), instance=instance, run_config=run_config(raw, many, per_shard)
        ) as again:
            assert again.success
            ran = {e.step_key for e in again.all_events if e.is_step_success}
            skipped = {e.step_key for e in again.all_events if e.is_step_skipped}
        assert ran == {"raw_report_files", "staged_reports.plan_shards", "staged_reports.stage_shards"}
        assert {"warehouse", "dq_dashboard"} <= skipped
        assert many.stat().st_mtime_ns == published
    parse_steps = sorted(s for s in steps if s.startswith("staged_reports.parse_shard["))
    assert len(parse_steps) >= 3, steps
    assert len(processes) >= len(steps)  # one process per step: what a cluster executor does with pods
    print(
        f"\n{files} files: in-process, one shard {in_process_s:.1f} s; "
        f"multiprocess, {len(parse_steps)} shards {multiprocess_s:.1f} s"
    )

    expected, got = warehouse_rows(one), warehouse_rows(many)
    assert sorted(got) == sorted(expected)
    for name in expected:
        assert got[name] == expected[name], name
    assert len(expected["reports"]) == files
    # nothing left beside the warehouse: no shard folder, no build file, no owner file
    assert sorted(p.name for p in many.parent.iterdir() if p.name.startswith(".")) == [
        ".gongkai.lock",
        ".gongkai.writer.lock",
    ]
