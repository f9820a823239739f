"""``pipeline.workers.run_contained``: one item per worker at a time, each under a time and a
memory limit; what befalls one item never reaches the others."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

from pipeline.limits import MB
from pipeline.workers import Outcome, run_contained


def _job(item: str) -> object:
    if item == "hang":
        time.sleep(60)
    if item == "die":
        os._exit(3)
    if item == "raise":
        raise ValueError("bad item")
    if item == "unpicklable":
        return threading.Lock()
    if item == "greedy":
        return len([bytearray(64 * MB) for _ in range(10)])
    return item.upper()


def _run(items: list[str], processes: int = 2, seconds: float = 2.0, memory_mb: int = 2048) -> dict[int, Outcome]:
    return {o.index: o for o in run_contained(_job, items, processes=processes, seconds=seconds, memory_mb=memory_mb)}


def test_every_item_gets_its_own_outcome_whatever_befalls_the_others():
    items = ["a", "hang", "b", "die", "c", "raise", "unpicklable", "d"]
    started = time.monotonic()
    outcomes = _run(items)
    assert time.monotonic() - started < 10  # one hang costs its 2 s, not 60
    assert {i: (o.value, o.failure) for i, o in outcomes.items()} == {
        0: ("A", None),
        1: (None, "timeout"),
        2: ("B", None),
        3: (None, "died"),
        4: ("C", None),
        5: (None, "error: ValueError: bad item"),
        6: (None, "error: TypeError: cannot pickle '_thread.lock' object"),
        7: ("D", None),
    }


def test_memory_past_the_limit_is_an_error_in_the_worker_not_the_machine():
    outcomes = _run(["greedy", "a"], processes=1, memory_mb=256)
    assert outcomes[0].failure == "error: MemoryError: "
    assert outcomes[1].value == "A"  # the same worker goes on


def test_no_items_start_no_workers():
    assert list(run_contained(_job, [], processes=4, seconds=1, memory_mb=64)) == []


def test_a_worker_dies_with_the_run_that_forked_it(tmp_path):
    """A run killed with SIGKILL leaves no worker stuck in a hostile file behind."""
    script = textwrap.dedent(
        f"""
        import os, sys, time
        sys.path.insert(0, {str(os.getcwd())!r})
        from pipeline import workers

        def stall(item):
            print(os.getpid(), flush=True)
            time.sleep(60)

        list(workers.run_contained(stall, ["x"], processes=1, seconds=120, memory_mb=256))
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    worker = int(parent.stdout.readline())
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    for _ in range(50):
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        os.kill(worker, signal.SIGKILL)
        raise AssertionError("the worker outlived its parent")
