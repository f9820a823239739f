"""Run a function over items in worker processes, one item at a time per process, each under a
time limit and a memory limit, so that one hostile item costs bounded time and memory and
fails alone.

Why not ``concurrent.futures.ProcessPoolExecutor``: it cannot say which item a process is on
(a future is "running" as soon as it is queued), so it can neither time one item nor kill the
process stuck on it, and a process that dies breaks the whole pool. Here the parent hands each
worker one item over a pipe and knows when it did: a worker over its time is killed
(``SIGKILL`` also stops a C library stuck in a loop, which no signal handler in the worker
could) and replaced; a worker that dies (a segfault in a C reader, the memory limit hit inside
C code) is replaced too, and the item it held is the one that failed, with no re-run.

The memory limit is ``RLIMIT_AS``, set in each worker on top of the address space it starts
with (a worker forked from a Dagster process starts with ~0.5 GB of mapped libraries), so a
Python allocation past it raises ``MemoryError`` in the worker, not the machine's OOM killer.
Workers are forked: they start in milliseconds with everything imported (and inherit a test's
monkeypatches), and only the item and its result cross the pipe.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import resource
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from pipeline.limits import MB

_CONTEXT = multiprocessing.get_context("fork")
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


@dataclass(frozen=True)
class Outcome:
    """What became of one item: ``value`` when ``func`` returned, else why it did not."""

    index: int
    value: Any = None
    failure: str | None = (
        None  # 'timeout', 'died', or 'error: <exception>' (func raised, or its result would not pickle)
    )


def _address_space() -> int:
    """This process's mapped address space in bytes (what RLIMIT_AS counts)."""
    with open("/proc/self/statm", encoding="ascii") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _limit_memory(memory_mb: int) -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _address_space() + memory_mb * MB
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the process that forked it dies (a killed run must
    not leave a worker stuck in a hostile file behind); elsewhere a no-op."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _serve(conn: Connection, func: Callable[[Any], Any], memory_mb: int) -> None:
    """A worker's life: limit its memory, then answer one item at a time until told to stop.
    Ctrl-C is the parent's to handle (it kills its workers on the way out)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    _limit_memory(memory_mb)
    while True:
        try:
            message = conn.recv()
        except EOFError:  # the parent is gone
            return
        if message is None:
            return
        index, item = message
        try:
            conn.send((index, func(item), None))
        except Exception as exc:  # reported to the parent, which decides
            conn.send((index, None, f"error: {type(exc).__name__}: {exc}"))


class _Worker:
    """One forked process, its pipe, and the item it holds (if any) since when."""

    def __init__(self, func: Callable[[Any], Any], memory_mb: int) -> None:
        self.conn, child = _CONTEXT.Pipe()
        self.process = _CONTEXT.Process(target=_serve, args=(child, func, memory_mb), daemon=True)
        self.process.start()
        child.close()
        self.index: int | None = None
        self.started = 0.0

    def give(self, index: int, item: Any) -> None:
        self.index, self.started = index, time.monotonic()
        self.conn.send((index, item))

    def take(self, readable: bool = False) -> Outcome | None:
        """The held item's outcome if the worker answered, else None (it died or is busy).
        ``readable``: ``wait`` just said the pipe has data, so it is not polled again."""
        try:
            if not readable and not self.conn.poll():
                return None
            index, value, failure = self.conn.recv()
        except (EOFError, OSError):
            return None
        self.index = None
        return Outcome(index, value, failure)

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()

    def stop(self) -> None:
        with contextlib.suppress(OSError):  # a worker that died has closed its end
            self.conn.send(None)
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.kill()
        else:
            self.conn.close()


def run_contained(
    func: Callable[[Any], Any], items: Iterable[Any], *, processes: int, seconds: float, memory_mb: int
) -> Iterator[Outcome]:
    """Apply ``func`` to every item in up to ``processes`` workers; yield each Outcome as it
    comes (not in order). ``func`` must be importable by name or inherited by the fork."""
    queue = deque(enumerate(items))
    workers: list[_Worker | None] = [None] * max(1, min(processes, len(queue)))
    try:
        while queue or any(w is not None and w.index is not None for w in workers):
            for position, worker in enumerate(workers):
                if queue and (worker is None or worker.index is None):
                    worker = workers[position] = worker or _Worker(func, memory_mb)
                    worker.give(*queue.popleft())
            yield from _collect(workers, seconds)
    finally:
        for worker in workers:
            if worker is not None:
                worker.stop() if worker.index is None else worker.kill()


def _collect(workers: list[_Worker | None], seconds: float) -> Iterator[Outcome]:
    """Wait until a busy worker answers, dies or runs out of time; a worker that did not
    answer is killed and dropped (the next item gets a fresh one). Only the workers ``wait``
    names, and those out of time, are looked at: a worker neither answered nor died nor late
    is busy (one that answers after ``wait`` returned is taken on the next call), and polling
    each worker's pipe again cost as much as the ``wait`` itself (a selector built per call)."""
    busy = [w for w in workers if w is not None and w.index is not None]
    deadline = min(w.started for w in busy) + seconds
    ready = set(
        wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=max(0.0, deadline - time.monotonic()))
    )
    now = time.monotonic()
    for position, worker in enumerate(workers):
        if worker is None or worker.index is None:
            continue
        readable = worker.conn in ready
        if not readable and worker.process.sentinel not in ready and now - worker.started < seconds:
            continue  # busy
        outcome = worker.take(readable)
        if outcome is not None:
            yield outcome
            continue
        alive = worker.process.is_alive()
        if alive and now - worker.started < seconds:
            continue
        index = worker.index
        worker.kill()
        workers[position] = None
        yield Outcome(index, failure="timeout" if alive else "died")
