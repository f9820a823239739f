"""Readings of a text row whose cells cannot be told apart by position.

Two kinds of damage lose cell boundaries in text copies: crawlers glue a row's numbers
together (``21710000218`` for 217 1 0 0 0 0 218) and space-separated text drops blank cells.
A row is then read only where the form's arithmetic admits exactly one reading: every way of
cutting the glued digits (no part with a leading zero) and of placing the lost blanks is
tried, and kept when the row's own equations hold (the 总计 column, each review block's
总计). When a row keeps several readings, the table's column equations may still single one
combination out (``resolve``); otherwise the table fails with the row named. Nothing is
guessed: a row that prints a wrong total has no reading and fails too.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal

from pipeline.parse.values import read_value

MAX_READINGS = 20000  # per row; beyond this the row is reported as having too many readings
MAX_COMBINATIONS = 200000  # joint search over ambiguous rows

# (lhs index, rhs indices): cell[lhs] == sum(cell[i] for i in rhs)
RowEquation = tuple[int, tuple[int, ...]]

_SPLITTABLE = re.compile(r"^[+-]?\d{2,}$")
_LEADING_ZERO = re.compile(r"^[+-]?0\d")


def number(text: str) -> Decimal:
    """A cell's value in the arithmetic: blanks and placeholders count as 0."""
    value = read_value(text)
    return Decimal(0) if value is None or value.number is None else value.number


def _cuts(token: str, parts: int) -> Iterator[tuple[str, ...]]:
    """Ways to cut a run of digits into ``parts`` numbers without leading zeros."""
    sign = token[0] if token[0] in "+-" else ""
    digits = token[len(sign) :]
    for points in itertools.combinations(range(1, len(digits)), parts - 1):
        bounds = (0, *points, len(digits))
        pieces = [digits[a:b] for a, b in itertools.pairwise(bounds)]
        if any(len(p) > 1 and p[0] == "0" for p in pieces):
            continue
        pieces[0] = sign + pieces[0]
        yield tuple(pieces)


def candidates(tokens: Sequence[str], n: int, split: bool) -> Iterator[tuple[str, ...]]:
    """Every sequence of ``n`` cells the tokens can stand for. With ``split``, a token that is
    a run of two or more digits may stand for several cells (a crawled copy glues cells);
    without, every token is one cell and the missing cells are blanks ('') placed anywhere
    (space-separated text drops blank cells). The two damages are not mixed: together they
    admit so many readings that none would be unique."""

    def walk(i: int, room: int) -> Iterator[tuple[str, ...]]:
        if i == len(tokens):
            if room == 0 or not split:
                yield ("",) * room
            return
        token = tokens[i]
        if split:
            left = len(tokens) - i - 1  # the tokens after this one need a cell each
            most = min(room - left, len(token.lstrip("+-"))) if _SPLITTABLE.match(token) else 1
            for parts in range(1, most + 1):
                for cut in [(token,)] if parts == 1 else _cuts(token, parts):
                    yield from (cut + rest for rest in walk(i + 1, room - parts))
            return
        if _one_cell(token):
            yield from ((token, *rest) for rest in walk(i + 1, room - 1))
        if room > len(tokens) - i:  # a blank cell before this token
            yield from (("", *rest) for rest in walk(i, room - 1))

    if len(tokens) <= n:
        yield from walk(0, n)


def _one_cell(token: str) -> bool:
    """Whether a token can be printed as one cell: '0000000' or a 17-digit run cannot."""
    return not _LEADING_ZERO.match(token) and read_value(token) is not None


def window_starts(texts: Sequence[str], n: int, equations: Sequence[RowEquation], last: bool = False) -> list[int]:
    """Where a row's ``n`` cells can start among its cells: windows with only blank cells
    outside them (an empty label column, trailing empty cells or tabs), narrowed by the row's
    equations where several remain. Windows that show the same cells are one reading: the
    ``last`` or the first of them is kept, for provenance."""
    starts = [i for i in range(len(texts) - n + 1) if not any(texts[:i]) and not any(texts[i + n :])]
    if len(starts) > 1:
        starts = [i for i in starts if holds(texts[i : i + n], equations)] or starts
    by_reading: dict[tuple[str, ...], int] = {}
    for i in reversed(starts) if last else starts:
        by_reading.setdefault(tuple(texts[i : i + n]), i)
    return sorted(by_reading.values())


def window(texts: Sequence[str], n: int, equations: Sequence[RowEquation], last: bool) -> int | None:
    """Where a grid row's ``n`` cells start among its value cells (``window_starts``); None
    unless exactly one reading remains."""
    starts = window_starts(texts, n, equations, last)
    return starts[0] if len(starts) == 1 else None


def holds(cells: Sequence[str], equations: Sequence[RowEquation]) -> bool:
    return all(number(cells[lhs]) == sum((number(cells[i]) for i in rhs), Decimal(0)) for lhs, rhs in equations)


def row_readings(tokens: Sequence[str], n: int, equations: Sequence[RowEquation]) -> list[tuple[str, ...]] | None:
    """The readings of one row that satisfy its equations; None when there are too many to
    enumerate. With as many tokens as cells the printed order is the reading (no search).
    Both damages are tried and their readings pooled: '41 0' for three columns is 4 | 1 | 0
    cut, or 41 and 0 beside a lost blank; with no equation to choose, that row has four
    readings and is not read."""
    if len(tokens) == n:
        return [tuple(tokens)]
    out: list[tuple[str, ...]] = []
    for split in (True, False):
        for count, reading in enumerate(candidates(tokens, n, split)):
            if count >= MAX_READINGS:
                return None
            if holds(reading, equations) and reading not in out:
                out.append(reading)
    return out


def resolve(
    fixed: dict[str, Sequence[str]],
    open_rows: dict[str, list[tuple[str, ...]]],
    check: callable,
) -> list[dict[str, tuple[str, ...]]] | None:
    """Combinations of the open rows' readings for which ``check(all rows)`` holds, at most
    two (enough to tell unique from ambiguous); None when the search is too large."""
    codes = list(open_rows)
    total = 1
    for code in codes:
        total *= len(open_rows[code])
        if total > MAX_COMBINATIONS:
            return None
    found = []
    for combo in itertools.product(*(open_rows[c] for c in codes)):
        rows = {**fixed, **dict(zip(codes, combo, strict=True))}
        if check(rows):
            found.append(dict(zip(codes, combo, strict=True)))
            if len(found) > 1:
                break
    return found
