"""How many readings a row admits when its cells lost their separators or its blanks vanished.

The generator knows the truth, so it can tell whether the form's arithmetic leaves exactly one
reading of a damaged row (the reader must then read it exactly) or several (the reader must
quarantine the table, or read it exactly by arithmetic this count does not use, never guess).
Only each row's own rule is used here (row total; review block totals); rows without a rule
(table 二) are unique only when every split point is forced.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from itertools import combinations

from tools.layouts.model import printed_number

_KIND = {
    "count": re.compile(r"0|[1-9]\d*"),
    "signed": re.compile(r"[+-]?(0|[1-9]\d*)"),
    "amount": re.compile(r"(0|[1-9]\d*)(\.\d+)?元?"),
}
MANY = 2  # counts are capped: 0, 1 or "more than one"


def _ok(text: str, kind: str) -> bool:
    return bool(_KIND[kind].fullmatch(text))


def fused_free(s: str, kinds: tuple[str, ...]) -> int:
    """Splits of ``s`` into len(kinds) printed numbers, no rule between them."""

    @cache
    def go(pos: int, k: int) -> int:
        if k == len(kinds):
            return int(pos == len(s))
        total = 0
        for end in range(pos + 1, len(s) + 1):
            if _ok(s[pos:end], kinds[k]):
                total += go(end, k + 1)
                if total >= MANY:
                    return MANY
        return total

    return go(0, 0)


def fused_sum(s: str, parts: int) -> int:
    """Splits of ``s`` into parts+1 counts where the first ``parts`` add up to the last."""

    @cache
    def go(pos: int, k: int, remaining: int, end: int) -> int:
        if k == parts:
            return int(pos == end and remaining == 0)
        total = 0
        for stop in range(pos + 1, end + 1):
            piece = s[pos:stop]
            if not _ok(piece, "count") or int(piece) > remaining:
                if int(piece or 0) > remaining:
                    break
                continue
            total += go(stop, k + 1, remaining - int(piece), end)
            if total >= MANY:
                return MANY
        return total

    count = 0
    for j in range(parts, len(s)):
        tail = s[j:]
        if _ok(tail, "count"):
            count += go(0, 0, int(tail), j)
            if count >= MANY:
                return MANY
    return count


def fused_blocks(s: str, blocks: int, parts: int) -> int:
    """Splits of ``s`` into ``blocks`` consecutive blocks, each ``parts`` counts and their total."""

    @cache
    def go(pos: int, b: int) -> int:
        if b == blocks:
            return int(pos == len(s))
        total = 0
        for end in range(pos + parts + 1, len(s) + 1):
            here = fused_sum(s[pos:end], parts)
            if here:
                total += here * go(end, b + 1)
                if total >= MANY:
                    return MANY
        return total

    return go(0, 0)


def fused_whole(s: str, n: int, kinds: tuple[str, ...], total_groups: list[tuple[list[int], int]]) -> int:
    """Readings of a glued row as one cell beside vanished blanks: the reader cannot tell a
    run of digits glued from several cells ('118' = 1 | 1 | 8) from one number whose row lost
    its blank cells (118 | | ), so it pools both (``pipeline.parse.readings.row_readings``) and
    a row is unique only when the pool holds one reading. The reader's search counts a blank
    total as 0. Zero when the run cannot be one number (a leading zero)."""
    if len(s) > 1 and s[0] == "0":
        return 0
    placed = ([s if i == p else "" for i in range(n)] for p in range(n) if _ok(s, kinds[p]))
    return _holding(placed, total_groups, blank_total_free=False)


def vanished(raws: list[str], total_groups: list[tuple[list[int], int]]) -> int:
    """Placements of a row's non-blank cells into its columns (order kept, blanks counting 0)
    that satisfy its rules; a blank total is a total not printed and satisfies any parts."""
    n = len(raws)
    visible = [r for r in raws if r.strip()]
    placed = (
        [visible[positions.index(i)] if i in positions else "" for i in range(n)]
        for positions in combinations(range(n), len(visible))
    )
    return _holding(placed, total_groups, blank_total_free=True)


def _holding(placed: Iterable[list[str]], total_groups: list[tuple[list[int], int]], blank_total_free: bool) -> int:
    """How many of these rows satisfy every rule (0, 1 or MANY)."""
    count = 0
    for values in placed:
        if all(_holds(values, parts, total, blank_total_free) for parts, total in total_groups):
            count += 1
            if count >= MANY:
                return MANY
    return count


def _holds(values: list[str], parts: list[int], total: int, blank_total_free: bool) -> bool:
    if blank_total_free and not values[total].strip():
        return True
    numbers = [printed_number(values[p]) or 0 for p in parts]
    return sum(numbers) == (printed_number(values[total]) or 0)
