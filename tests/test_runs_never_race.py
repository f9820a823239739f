"""Runs never race: two ingests at once end in one warehouse holding everything, and the two
guards behind publication (NotValidated, WarehouseChanged) refuse what they must.

Every run holds the writer lock (``pipeline.warehouse.writer_lock``, via the job's
``WarehouseWriter`` resource) from its scan to its publication; `dagster dev`'s run queue
starts one ingest at a time (dagster.yaml, copied into DAGSTER_HOME by the CLI).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml
from dagster._core.instance.ref import InstanceRef
from dagster._core.run_coordinator import QueuedRunCoordinator
from dagster._utils.tags import TagConcurrencyLimitsCounter

from assets.definitions import defs
from pipeline import ingest, load, warehouse
from pipeline.cli import INSTANCE_CONFIG, dagster_home
from tests.conftest import RAW, SEED_NAMES

WAITING = "waiting: another ingest run is publishing"


def _start_ingest(raw: Path, published: Path, home: Path, log: Path) -> subprocess.Popen[bytes]:
    """`gongkai ingest` as its own process, as cron, a second terminal or Dagster would start it."""
    command = [sys.executable, "-m", "pipeline.cli", "ingest", "--raw-dir", str(raw), "--warehouse", str(published)]
    return subprocess.Popen(
        [*command, "--workers", "1"],
        env={**os.environ, "DAGSTER_HOME": str(home)},
        stdout=log.with_suffix(".out").open("wb"),
        stderr=log.with_suffix(".err").open("wb"),
    )


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def test_two_ingests_at_once_publish_one_after_the_other(tmp_path):
    """Two processes start at once on one warehouse, each with files to add (seeds 000-002 and
    003-004, in two folders). The test holds the writer lock first, as a run still publishing,
    so that both are certainly running at the same time; they wait, then go one after the other.
    Without the lock both would build on the same copy and the second publication would be
    refused (WarehouseChanged) or lose the first one's reports."""
    first, second = tmp_path / "raw_a", tmp_path / "raw_b"
    for folder, names in ((first, SEED_NAMES[:3]), (second, SEED_NAMES[3:])):
        folder.mkdir()
        for name in names:
            (folder / name).write_bytes((RAW / name).read_bytes())
    published, home = tmp_path / "wh" / "gongkai.duckdb", tmp_path / "dagster_home"
    started = time.monotonic()
    with warehouse.writer_lock(published):
        runs = [_start_ingest(raw, published, home, tmp_path / raw.name) for raw in (first, second)]
        logs = [tmp_path / f"{raw.name}.err" for raw in (first, second)]
        _wait_for(lambda: all(WAITING in log.read_text(encoding="utf-8") for log in logs), 180, "both runs to wait")
    for run in runs:
        assert run.wait(timeout=600) == 0, (tmp_path / "raw_a.err").read_text() + (tmp_path / "raw_b.err").read_text()
    seconds = time.monotonic() - started
    outs = [(tmp_path / f"{raw.name}.out").read_text(encoding="utf-8").splitlines() for raw in (first, second)]
    errs = [log.read_text(encoding="utf-8") for log in logs]
    # what a person sees: that the run waited, and its usual summary; no error
    for out, err in zip(outs, errs, strict=True):
        assert out[0].startswith("gongkai ingest: waited ") and out[0].endswith(
            " s for another ingest run to publish first"
        )
        assert "Traceback" not in err and "ERROR" not in err and "WarehouseChanged" not in err
        assert [line for line in err.splitlines() if "WARNING" in line] == [
            line for line in err.splitlines() if WAITING in line
        ]
    assert outs[0][1] == f"gongkai ingest: 3 files seen in {first}, 3 processed, 0 unchanged (skipped)"
    assert outs[1][1] == f"gongkai ingest: 2 files seen in {second}, 2 processed, 0 unchanged (skipped)"
    with duckdb.connect(str(published), read_only=True) as con:
        reports = con.execute("SELECT source_file, status FROM reports ORDER BY source_file").fetchall()
        assert reports == [(n, "partial" if n.startswith("003_") else "loaded") for n in SEED_NAMES]
        # each report's cells once: nothing lost, nothing loaded twice
        (cells, distinct) = con.execute(
            "SELECT count(*), count(DISTINCT (report_id, outcome, applicant_type)) FROM fact_applications"
        ).fetchone()
        assert cells == distinct and con.execute(
            "SELECT count(DISTINCT report_id) FROM fact_applications"
        ).fetchone() == (5,)
        assert con.execute("SELECT count(DISTINCT run_id) FROM reports").fetchone() == (2,)
    assert list(published.parent.glob(".gongkai.build-*")) == []  # no build file left behind
    print(f"two ingests at once: {seconds:.1f} s")


def test_dagster_instance_starts_one_ingest_at_a_time(tmp_path, monkeypatch):
    """The instance `make dev` and the CLI use: its run queue holds a second ingest run back
    while one is in progress, and the warehouse pool has a limit of 1 run."""
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    home = dagster_home()
    assert (home / "dagster.yaml").read_text(encoding="utf-8") == INSTANCE_CONFIG.read_text(encoding="utf-8")
    instance = dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home)))
    assert isinstance(instance.run_coordinator, QueuedRunCoordinator)
    config = instance.get_concurrency_config()
    assert (config.pool_config.default_pool_limit, config.pool_config.pool_granularity.value) == (1, "run")
    limits = config.run_queue_config.tag_concurrency_limits
    assert limits == [{"key": "gongkai/writes", "value": "warehouse", "limit": 1}]
    job = defs.resolve_job_def("ingest")
    nightly, sensed = (dg.DagsterRun(job_name="ingest", run_id=r * 8, tags=job.tags) for r in "ab")
    assert TagConcurrencyLimitsCounter(limits, [nightly]).is_blocked(sensed)
    assert not TagConcurrencyLimitsCounter(limits, []).is_blocked(sensed)


def test_an_existing_instance_config_keeps_its_settings_and_gets_the_limits(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: true\nrun_monitoring:\n  enabled: true\n")
    dagster_home()
    config = yaml.safe_load((tmp_path / "dagster.yaml").read_text(encoding="utf-8"))
    assert config == {
        "telemetry": {"enabled": True},
        "run_monitoring": {"enabled": True},
        "concurrency": yaml.safe_load(INSTANCE_CONFIG.read_text(encoding="utf-8"))["concurrency"],
    }


def _staged(tmp_path: Path, run_id: str) -> warehouse.Build:
    raw = tmp_path / "raw"
    raw.mkdir(exist_ok=True)
    for name in SEED_NAMES:
        (raw / name).write_bytes((RAW / name).read_bytes())
    published = tmp_path / "gongkai.duckdb"
    build = warehouse.start_build(published, run_id)
    ingest.stage(build, ingest.parse_files(ingest.scan(raw, published).to_process, 1), run_id)
    return build


def test_publishing_an_unvalidated_batch_is_refused(tmp_path):
    """Results of another run do not count: only this run's validation lets its batch load."""
    build = _staged(tmp_path, "run-b")
    with warehouse.connect(build.path) as con:
        con.execute(
            "INSERT INTO dq_results_pending (run_id, validated_at, suite, expectation, report_id, success) "
            "SELECT 'run-a', now(), 'cells', 'non_negative_count', report_id, true FROM stg_reports"
        )
        with pytest.raises(
            load.NotValidated, match=r"^5 staged reports were not validated in run run-b: run the check"
        ):
            load.load(con, "run-b")
        assert con.execute("SELECT count(*) FROM reports").fetchone() == (0,)
        for table in ("fact_applications", "fact_proactive_disclosure", "fact_review_litigation"):
            assert con.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table
        assert con.execute("SELECT count(*) FROM stg_reports").fetchone() == (5,)  # the batch is still staged


def _mark(build: warehouse.Build, who: str) -> None:
    with warehouse.connect(build.path) as con:
        warehouse.write_state(con, "published_by", who)


@pytest.mark.parametrize("first_exists", [False, True], ids=["no warehouse yet", "over a published warehouse"])
def test_publishing_over_a_newer_warehouse_is_refused(tmp_path, first_exists):
    """Two builds from the same version: the one published second would throw the other away."""
    published = tmp_path / "gongkai.duckdb"
    if first_exists:
        base = warehouse.start_build(published, "base")
        _mark(base, "base")
        warehouse.publish(base)
    slow, fast = warehouse.start_build(published, "slow"), warehouse.start_build(published, "fast")
    _mark(slow, "slow")
    _mark(fast, "fast")
    warehouse.publish(fast)
    with pytest.raises(
        warehouse.WarehouseChanged,
        match="was published by another run while this one was building; nothing was published by this run",
    ):
        warehouse.publish(slow)
    assert not slow.path.exists() and not fast.path.exists()
    with warehouse.connect(published, read_only=True) as con:
        assert warehouse.read_state(con, "published_by") == "fast"
