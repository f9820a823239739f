"""Nothing is left behind by a killed run: the next run removes its build file and marks its
Dagster run failed; a live run's build file is never touched."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb

from pipeline import warehouse
from tests.conftest import RAW, SEED_NAMES


def _raw_folder(target: Path, copies: int) -> Path:
    """``copies`` distinct files per seed (a trailing byte each): seconds of parsing."""
    target.mkdir(parents=True)
    for name in SEED_NAMES:
        data = (RAW / name).read_bytes()
        for i in range(copies):
            (target / f"{Path(name).stem}_{i:03d}.txt").write_bytes(data + b"\n" * i)
    return target


def _ingest(raw: Path, published: Path, home: Path, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "pipeline.cli", "ingest", "--raw-dir", str(raw), "--warehouse", str(published)]
    return subprocess.Popen(
        [*command, "--workers", "1", "--quiet"],
        env={**os.environ, "DAGSTER_HOME": str(home)},
        stdout=log.with_suffix(".out").open("wb"),
        stderr=log.with_suffix(".err").open("wb"),
        start_new_session=True,  # its own process group: the kill takes its parse worker too
    )


def _builds(published: Path) -> list[str]:
    return sorted(p.name for p in published.parent.glob(f".{published.stem}.build-*"))


def test_a_killed_run_leaves_nothing_behind_once_the_next_run_starts(tmp_path):
    raw = _raw_folder(tmp_path / "raw", 60)  # 300 files
    published, home = tmp_path / "wh" / "g.duckdb", tmp_path / "home"
    killed = _ingest(raw, published, home, tmp_path / "killed")
    deadline = time.monotonic() + 120
    while not any(n.endswith(".duckdb") for n in _builds(published)):  # mid-run: staging has begun
        assert killed.poll() is None, (tmp_path / "killed.err").read_text()
        assert time.monotonic() < deadline, "the run never started its build"
        time.sleep(0.01)
    os.killpg(killed.pid, signal.SIGKILL)  # as the OOM killer or a power cut would: no cleanup runs
    assert killed.wait(timeout=30) == -signal.SIGKILL
    left = _builds(published)
    assert any(n.endswith(".duckdb") for n in left) and any(n.endswith(".owner") for n in left)
    with _instance(home) as instance:
        (dead,) = instance.get_runs()
        assert dead.status == dg.DagsterRunStatus.STARTED  # what the UI would show forever

    survivor = _ingest(raw, published, home, tmp_path / "survivor")
    assert survivor.wait(timeout=300) == 0, (tmp_path / "survivor.err").read_text()
    assert _builds(published) == []
    with _instance(home) as instance:
        statuses = {r.run_id: r.status for r in instance.get_runs()}
        assert statuses.pop(dead.run_id) == dg.DagsterRunStatus.FAILURE
        assert list(statuses.values()) == [dg.DagsterRunStatus.SUCCESS]
        (failure,) = [
            e
            for e in instance.all_logs(dead.run_id)
            if e.dagster_event and e.dagster_event.event_type_value == "PIPELINE_FAILURE"
        ]
        assert failure.dagster_event.message.startswith(f"the process of this run (pid {killed.pid}) is gone")
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM reports").fetchone() == (300,)


def _instance(home: Path) -> dg.DagsterInstance:
    return dg.DagsterInstance.from_config(str(home))


def test_a_live_build_is_kept_and_an_orphan_removed(tmp_path):
    published = tmp_path / "g.duckdb"
    live = warehouse.start_build(published, "live-run")
    orphan = published.with_name(".g.build-dead-run.duckdb")
    orphan.write_bytes(b"left by a run killed before owner files")
    (orphan.with_name(orphan.name + ".wal")).write_bytes(b"")
    removed = warehouse.remove_stale_builds(published)
    assert sorted(p.name for p in removed) == [".g.build-dead-run.duckdb", ".g.build-dead-run.duckdb.wal"]
    assert _builds(published) == [".g.build-live-run.duckdb", ".g.build-live-run.owner"]
    warehouse.discard(live)
    assert _builds(published) == []


def test_a_build_owned_by_another_live_process_is_kept(tmp_path):
    """The owner lock, not this process's memory, tells a live build: a child holding it keeps it."""
    published = tmp_path / "g.duckdb"
    script = (
        "import sys, time; from pathlib import Path; from pipeline import warehouse; "
        f"warehouse.start_build(Path({str(published)!r}), 'other-run'); print('ready', flush=True); time.sleep(60)"
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
    try:
        assert child.stdout.readline() == b"ready\n"
        assert warehouse.remove_stale_builds(published) == []
        assert _builds(published) == [".g.build-other-run.duckdb", ".g.build-other-run.owner"]
    finally:
        child.kill()
        child.wait()
    assert [p.name for p in warehouse.remove_stale_builds(published)] == [
        ".g.build-other-run.duckdb",
        ".g.build-other-run.owner",
    ]
