"""Progress of a long step (parsing a batch): files done, rate and time left.

A person at a terminal sees a bar redrawn in place on stderr; output that is not a terminal
(cron, a log file, CI) gets a plain line every ``every_s`` seconds or every 10% of the batch,
whichever comes first, so a log neither stays silent for an hour nor fills with a line per
file. The Dagster run log gets the same lines (``log``). Hand-written rather than tqdm (which
is only in the lock as Dagster's and GX's dependency): the plain-line policy is the point, and
it is twenty lines.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

BAR_WIDTH = 30
REDRAW_S = 0.2  # a terminal bar is redrawn at most this often


def duration(seconds: float) -> str:
    """``42s``, ``3m05s``, ``1h02m``: short enough for a status line."""
    s = round(seconds)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s % 3600 // 60:02d}m"


class Progress:
    """Counts files done of ``total``; reports to ``stream`` (bar or lines) and to ``log``."""

    def __init__(
        self,
        total: int,
        *,
        stream: TextIO | None = None,
        log: Callable[[str], None] | None = None,
        what: str = "parsed",
        every_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.done = 0
        self.stream = stream
        self.log = log
        self.what = what
        self.every_s = every_s
        self.clock = clock
        self.started = clock()
        self.tty = bool(stream is not None and stream.isatty())
        self._last_line = self.started  # when the last plain line (or log line) was written
        self._last_tenth = 0  # the last 10% step reported
        self._last_draw = float("-inf")

    def at(self, base: int, done: int, _total: int = 0) -> None:
        """``update(base + done)``: the callback of a chunk that starts after ``base`` files."""
        self.update(base + done)

    def update(self, done: int) -> None:
        """``done`` files of the batch are finished."""
        self.done = done
        now = self.clock()
        tenth = done * 10 // self.total if self.total else 10
        if tenth > self._last_tenth or now - self._last_line >= self.every_s:
            self._last_tenth, self._last_line = tenth, now
            self._line(self.status(now))
        if self.tty and (now - self._last_draw >= REDRAW_S or done == self.total):
            self._last_draw = now
            self.stream.write("\r" + self.bar(now) + "\x1b[K")  # erase what a longer line left
            if done == self.total:
                self.stream.write("\n")
            self.stream.flush()

    def status(self, now: float | None = None) -> str:
        """``parsed 500/10000 files (5%), 85.3 files/s, ETA 1m51s``."""
        now = self.clock() if now is None else now
        elapsed = max(now - self.started, 1e-9)
        rate = self.done / elapsed
        share = self.done / self.total if self.total else 1.0
        left = (self.total - self.done) / rate if rate else float("inf")
        eta = "done" if self.done >= self.total else ("ETA ?" if rate == 0 else f"ETA {duration(left)}")
        return f"{self.what} {self.done}/{self.total} files ({share:.0%}), {rate:.1f} files/s, {eta}"

    def bar(self, now: float | None = None) -> str:
        """``[#########---------------------] parsed 300/1000 files (30%), ...``."""
        filled = BAR_WIDTH * self.done // self.total if self.total else BAR_WIDTH
        return f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {self.status(now)}"

    def _line(self, text: str) -> None:
        if self.log is not None:
            self.log(text)
        if self.stream is not None and not self.tty:
            self.stream.write(f"gongkai ingest: {text}\n")
            self.stream.flush()
