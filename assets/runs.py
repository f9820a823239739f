"""Runs whose process died: marked failed, so the Dagster UI does not show them in progress forever.

A `gongkai ingest` killed mid-run (SIGKILL, the OOM killer, power loss) never writes its
failure event: its run stays STARTED. Dagster's run monitoring would catch runs its daemon
launched, but not a CLI's in-process run. So each ingest run, once it holds the writer lock,
looks at the instance's STARTED runs and marks failed those whose process is gone: the pid is
the one the run recorded in its start event (Dagster stores it in every event), checked on
this machine. A run is judged only where its pid means something: it was started on this host
(the CLI tags its runs with ``HOST_TAG``), or, without the tag, the instance's run storage is a
local SQLite file. A pid reused by an unrelated process makes a dead run look alive: it is then
left STARTED, never the other way round.
"""

from __future__ import annotations

import os
import socket

import dagster as dg
from dagster._core.events import DagsterEventType, JobFailureData, RunFailureReason

HOST_TAG = "gongkai/host"


def this_host() -> str:
    return socket.gethostname()


def pid_alive(pid: int) -> bool:
    """Whether ``pid`` is a running process here (a zombie, killed but not reaped, is not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, IndexError):
        return not os.path.isdir("/proc")  # no procfs: os.kill's answer stands


def started_pid(instance: dg.DagsterInstance, run_id: str) -> int | None:
    """The pid the run's start event recorded (None when it has none)."""
    records = instance.get_records_for_run(run_id, of_type=DagsterEventType.RUN_START, limit=1).records
    event = records[0].event_log_entry.dagster_event if records else None
    return event.pid if event is not None else None


def fail_dead_runs(instance: dg.DagsterInstance, current_run_id: str) -> list[str]:
    """Mark failed every STARTED run (but this one) whose process died; returns their ids."""
    from dagster._core.storage.runs import SqliteRunStorage

    local_storage = isinstance(instance.run_storage, SqliteRunStorage)
    marked = []
    for run in instance.get_runs(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED])):
        if run.run_id == current_run_id:
            continue
        host = run.tags.get(HOST_TAG)
        if host != this_host() and not (host is None and local_storage):
            continue
        pid = started_pid(instance, run.run_id)
        if pid is None or pid_alive(pid):
            continue
        instance.report_run_failed(
            run,
            message=f"the process of this run (pid {pid}) is gone: it was killed or crashed; "
            f"run {current_run_id} marked it failed and removed its leftover build file",
            job_failure_data=JobFailureData(error=None, failure_reason=RunFailureReason.UNEXPECTED_TERMINATION),
        )
        marked.append(run.run_id)
    return marked


def runs_in_progress(instance: dg.DagsterInstance) -> set[str]:
    """The ids of the instance's runs still in progress (after ``fail_dead_runs``: alive ones).
    A run whose steps are separate processes (multiprocess or cluster executor) owns its build
    file and its shards only while one of its steps runs; between steps, this keeps them."""
    statuses = [dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]
    return {run.run_id for run in instance.get_runs(filters=dg.RunsFilter(statuses=statuses))}
