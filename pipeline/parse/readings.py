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

import functools
import itertools
import math
import re
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal

from pipeline.parse.memo import Bounded
from pipeline.parse.values import MAX_INTEGER_DIGITS, read_value

MAX_READINGS = 20000  # per row; beyond this the row is reported as having too many readings
MAX_COMBINATIONS = 200000  # joint search over ambiguous rows

# (lhs index, rhs indices): cell[lhs] == sum(cell[i] for i in rhs)
RowEquation = tuple[int, tuple[int, ...]]

_SPLITTABLE = re.compile(r"^[+-]?\d{2,}$")
_LEADING_ZERO = re.compile(r"^[+-]?0\d")


@functools.lru_cache(maxsize=65536)
def number(text: str) -> Decimal:
    """A cell's value in the arithmetic: blanks and placeholders count as 0. Cached: the
    search over a row's readings asks for the same few texts thousands of times."""
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


def _most_parts(token: str) -> int:
    """The most cells a token may stand for when split: a run of L >= 2 digits L, else 1."""
    return len(token.lstrip("+-")) if _SPLITTABLE.match(token) else 1


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
    readings and is not read.

    "Too many" is MAX_READINGS candidates of one damage (``candidates``), counted without
    enumerating them (``count_candidates``); the readings are the candidates that satisfy the
    equations, in ``candidates``' order, found by a search that drops a prefix as soon as an
    equation it completes fails (``satisfying``). Same answer as filtering ``candidates``, at a
    fraction of the cost: a crawled row may have thousands of candidates.

    Answers are cached by (tokens, n, equations): the answer depends on nothing else, and rows
    repeat across reports (a row of zeros that lost its blanks, '0 0' for seven columns)."""
    if len(tokens) == n:
        return [tuple(tokens)]
    key = (tuple(tokens), n, tuple(equations))
    hit = _READINGS.get(key, _UNSEEN)
    if hit is _UNSEEN:
        hit = _READINGS.keep(key, _row_readings(key[0], n, equations))
    return None if hit is None else list(hit)


_UNSEEN = object()
_READINGS: Bounded = Bounded(4096)  # (tokens, n, equations) -> readings, or None: too many


def _row_readings(
    tokens: tuple[str, ...], n: int, equations: Sequence[RowEquation]
) -> tuple[tuple[str, ...], ...] | None:
    if any(
        most_candidates(tokens, n, split) > MAX_READINGS and count_candidates(tokens, n, split) > MAX_READINGS
        for split in (True, False)
    ):
        return None
    out: dict[tuple[str, ...], None] = {}
    for split in (True, False):
        out.update(dict.fromkeys(satisfying(tokens, n, split, equations)))
    return tuple(out)


def most_candidates(tokens: Sequence[str], n: int, split: bool) -> int:
    """An upper bound of ``count_candidates``, from the row's shape alone: rows at most this
    large need no count (the count is a memoized search per row, the bound a binomial).

    Without split, the tokens keep their order in ``n`` cells: at most C(n, tokens) placements
    (C(16, 8) = 12,870 is below MAX_READINGS: no row of the form is ever counted). With split,
    a token of L digits cut into p cells has at most C(L - 1, p - 1) cuts, and summed over
    the ways the n cells are shared out that is C(digits - tokens, n - tokens) (Vandermonde's
    identity; a token that cannot be split counts as one digit)."""
    t = len(tokens)
    if t > n:
        return 0
    if not split:
        return math.comb(n, t)
    digits = sum(len(token.lstrip("+-")) if _SPLITTABLE.match(token) else 1 for token in tokens)
    return math.comb(digits - t, n - t) if digits >= n else 0


def count_candidates(tokens: Sequence[str], n: int, split: bool) -> int:
    """How many sequences ``candidates(tokens, n, split)`` yields, by the same recursion
    counted with memoization instead of walked."""
    if len(tokens) > n:
        return 0
    last = len(tokens)

    @functools.cache
    def count(i: int, room: int) -> int:
        if i == last:
            return 1 if room == 0 or not split else 0
        token = tokens[i]
        if split:
            most = min(room - (last - i - 1), len(token.lstrip("+-"))) if _SPLITTABLE.match(token) else 1
            return sum((1 if p == 1 else _cut_count(token, p)) * count(i + 1, room - p) for p in range(1, most + 1))
        total = count(i + 1, room - 1) if _one_cell(token) else 0
        return total + (count(i, room - 1) if room > last - i else 0)

    return count(0, n)


@functools.lru_cache(maxsize=4096)
def _cut_count(token: str, parts: int) -> int:
    """How many cuts ``_cuts(token, parts)`` yields: pieces without a leading zero."""
    digits = token.lstrip("+-")

    @functools.cache
    def ways(pos: int, left: int) -> int:
        if left == 0 or pos == len(digits):
            return 1 if left == 0 and pos == len(digits) else 0
        ends = range(pos + 1, len(digits) - left + 2) if digits[pos] != "0" else range(pos + 1, pos + 2)
        return sum(ways(end, left - 1) for end in ends)

    return ways(0, parts)


def satisfying(tokens: Sequence[str], n: int, split: bool, equations: Sequence[RowEquation]) -> list[tuple[str, ...]]:
    """The candidates (``candidates``, same order) that satisfy every equation."""
    if len(tokens) > n:
        return []
    segments = None if split else _segments(equations, n)
    if segments is not None:
        return _placements(tokens, n, segments)
    search = _Search(tokens, n, equations)
    search.walk(0, n, split)
    return search.found


def _segments(equations: Sequence[RowEquation], n: int) -> list[tuple[int, int, bool]] | None:
    """A row's columns as runs [start, end), each with whether its last cell is the total of
    the others: when every equation is such a block (a review row's three blocks, table 三's
    总计 row) and the blocks do not overlap; the columns between blocks are free runs. None
    for any other equations."""
    blocks = []
    for lhs, rhs in equations:
        start = lhs - len(rhs)
        if start < 0 or lhs >= n or tuple(rhs) != tuple(range(start, lhs)):
            return None
        blocks.append((start, lhs + 1))
    blocks.sort()
    out, column = [], 0
    for start, end in blocks:
        if start < column:
            return None  # blocks that overlap
        if start > column:
            out.append((column, start, False))
        out.append((start, end, True))
        column = end
    if column < n:
        out.append((column, n, False))
    return out


def _placements(tokens: Sequence[str], n: int, segments: list[tuple[int, int, bool]]) -> list[tuple[str, ...]]:
    """``satisfying`` without split for a row whose equations are block totals (``_segments``),
    without a search cell by cell. The tokens keep their order and the lost blanks are anywhere,
    so a reading is a choice of ascending columns for the tokens, and ``candidates`` yields them
    in ascending order of those columns (a token before a blank). Blanks count 0, so a block's
    total holds or fails by where the block's last token is: in the block's last cell, the
    block's other tokens must add up to it; before it, they must all be 0 (what
    ``_Search.last_cell_ok`` knows of a whole row). So each block's share of the tokens is
    placed by combinations, the blocks' choices are combined, and the readings sorted by
    their columns. A token that cannot be one cell leaves no reading."""
    if not all(_one_cell(token) for token in tokens):
        return []
    values = [number(token) for token in tokens]
    count = len(tokens)
    room = [0] * (len(segments) + 1)  # room[s]: the columns of segments s onwards
    for s in range(len(segments) - 1, -1, -1):
        room[s] = room[s + 1] + segments[s][1] - segments[s][0]
    found: list[tuple[int, ...]] = []

    def place(i: int, s: int, columns: tuple[int, ...]) -> None:
        if s == len(segments):
            if i == count:
                found.append(columns)
            return
        start, end, total = segments[s]
        for k in range(max(0, count - i - room[s + 1]), min(end - start, count - i) + 1):
            if k == 0:
                place(i, s + 1, columns)
                continue
            token_last = blank_last = True
            if total:
                token_last = sum(values[i : i + k - 1], _ZERO) == values[i + k - 1]
                blank_last = sum(values[i : i + k], _ZERO) == 0
            for chosen in itertools.combinations(range(start, end), k):
                if token_last if chosen[-1] == end - 1 else blank_last:
                    place(i + k, s + 1, columns + chosen)

    place(0, 0, ())
    found.sort()
    out = []
    for columns in found:
        cells = [""] * n
        for token, column in zip(tokens, columns, strict=True):
            cells[column] = token
        out.append(tuple(cells))
    return out


_ZERO = Decimal(0)


class _Search:
    """Depth-first placement of a row's cells, in ``candidates``' order, one cell at a time
    (the cells cut from a run of digits too): an equation is checked as soon as its last cell
    is placed, and a prefix that breaks one is not extended. A 15-digit review row has
    thousands of cuts, but few of them keep its first block's 总计 right.

    A row whose last cell is the total of all the others (table 三's 总计) is checked only at
    its end; its last run of digits is therefore cut total first (``_cut_to_total``): each end
    of the run that can be the total, then only the cuts of the rest that sum to it.

    The readings are appended to ``found`` in the order they are completed, by plain recursion:
    a generator per level cost every reading a resumption of each frame above it."""

    def __init__(self, tokens: Sequence[str], n: int, equations: Sequence[RowEquation]) -> None:
        self.tokens = tokens
        self.due: list[list[RowEquation]] = [[] for _ in range(n)]
        for lhs, rhs in equations:
            self.due[max(lhs, *rhs)].append((lhs, rhs))
        self.cells: list[str] = []
        self.values: list[Decimal] = []
        self.found: list[tuple[str, ...]] = []
        # room[i]: the most cells tokens[i:] can fill when split (a run of L digits L, any other
        # token 1): a split that leaves more room than the tokens after it can fill reads nothing
        self.room = [0] * (len(tokens) + 1)
        for i in range(len(tokens) - 1, -1, -1):
            self.room[i] = self.room[i + 1] + _most_parts(tokens[i])
        self.one_cell = [_one_cell(t) for t in tokens]
        total_equation = any(lhs == n - 1 and tuple(rhs) == tuple(range(n - 1)) for lhs, rhs in equations)
        # the bound holds only for cells that cannot be negative
        self.total_last = total_equation and all(number(t) >= 0 for t in tokens)
        # placing blanks (no split), the last cell is the last token or a blank, and the others
        # are the other tokens and blanks whatever their places: which of the two keeps the total
        # equation is known before any is placed (None: no such equation, either may)
        self.last_cell_ok: tuple[bool, bool] | None = None
        if total_equation and tokens:
            values = [number(t) for t in tokens]
            self.last_cell_ok = (sum(values[:-1], _ZERO) == values[-1], sum(values, _ZERO) == 0)

    def push(self, text: str) -> bool:
        """Place one cell; False when an equation it completes fails (it is placed anyway)."""
        self.cells.append(text)
        values = self.values
        values.append(number(text))
        due = self.due[len(values) - 1]
        if not due:  # most cells complete no equation
            return True
        for lhs, rhs in due:
            total = _ZERO
            for i in rhs:
                total += values[i]
            if values[lhs] != total:
                return False
        return True

    def pop(self) -> None:
        self.cells.pop()
        self.values.pop()

    def walk(self, i: int, room: int, split: bool) -> None:
        """Readings of tokens[i:] in ``room`` cells after the cells placed."""
        tokens = self.tokens
        if i == len(tokens):
            if room == 0 or not split:
                self._blanks(room)
            return
        token = tokens[i]
        if split:
            left = len(tokens) - i - 1
            most = min(room - left, _most_parts(token))
            # fewer parts than this leave more room than the tokens after this one can fill:
            # those branches read nothing (a run cut short of its row's width is the costly case)
            least = max(1, room - self.room[i + 1])
            for parts in range(least, most + 1):
                if parts == 1:
                    if self.push(token):
                        self.walk(i + 1, room - 1, split)
                    self.pop()
                    continue
                sign = token[0] if token[0] in "+-" else ""
                rest = functools.partial(self.walk, i + 1, room - parts, split)
                cut = self._cut_to_total if self.total_last and left == 0 else self._cut
                cut(sign, token[len(sign) :], parts, rest)
            return
        if self.one_cell[i] and self._may_place(i, room):
            if self.push(token):
                self.walk(i + 1, room - 1, split)
            self.pop()
        if room > len(tokens) - i:  # a blank cell before this token
            if self.push(""):
                self.walk(i, room - 1, split)
            self.pop()

    def _may_place(self, i: int, room: int) -> bool:
        """Whether placing token i now (no split) may keep the total equation: only the last
        token decides it, by landing in the last cell (room 1) or leaving it blank."""
        if self.last_cell_ok is None or i != len(self.tokens) - 1:
            return True
        token_last, blank_last = self.last_cell_ok
        return token_last if room == 1 else blank_last

    def _blanks(self, room: int) -> None:
        """The blank cells after the last token (space-separated text lost them)."""
        placed = 0
        ok = True
        for _ in range(room):
            ok = self.push("") and ok
            placed += 1
            if not ok:
                break
        if ok:
            self.found.append(tuple(self.cells))
        for _ in range(placed):
            self.pop()

    def _cut(self, sign: str, digits: str, parts: int, then: Callable[[], None], start: int = 0) -> None:
        """``digits[start:]`` cut into ``parts`` cells without leading zeros (``_cuts``' order:
        cut points ascending), each cell checked as placed, then ``then()``'s readings."""
        ends = range(start + 1, len(digits) - parts + 2)
        if parts == 1:
            ends = range(len(digits), len(digits) + 1)
        for end in ends:
            if end - start > 1 and digits[start] == "0":
                break  # no longer piece from here is without a leading zero
            if self.push((sign if start == 0 else "") + digits[start:end]):
                if parts == 1:
                    then()
                else:
                    self._cut(sign, digits, parts - 1, then, end)
            self.pop()

    def _cut_to_total(self, sign: str, digits: str, parts: int, then: Callable[[], None]) -> None:
        """``_cut`` of the row's last run of digits when its last cell is the row's total: the
        same readings in the same order, found total first. Every end of the run that can be
        the total gives the sum the other cells must reach (``_summing``); the cuts found are
        put in ``_cut``'s order (cut points ascending, which is piece lengths ascending) and
        placed one by one, so the row's other equations are checked as in ``_cut``."""
        placed = sum(self.values, _ZERO)
        found: list[list[str]] = []
        for end in range(parts - 1, len(digits)):
            total = digits[end:]
            if len(total) > 1 and total[0] == "0":
                continue
            need = number(total) - placed
            if need >= 0:
                found.extend([*cells, total] for cells in _summing(sign, digits, 0, end, parts - 1, need))
        found.sort(key=lambda cells: [len(c) for c in cells])
        for cells in found:
            pushed = 0
            for text in cells:
                pushed += 1
                if not self.push(text):
                    break
            else:
                then()
            for _ in range(pushed):
                self.pop()


def _summing(sign: str, digits: str, start: int, end: int, parts: int, need: Decimal) -> list[list[str]]:
    """Every cut of ``digits[start:end]`` into ``parts`` cells without leading zeros whose
    numbers sum to ``need``, in ``_cut``'s order (cells are not negative: a prefix above
    ``need`` is dropped, and so is one where ``_middle_fits`` says the rest cannot make up the
    difference). The cells are whole numbers, so a ``need`` that is not has none; the search
    adds Python ints (``_whole``), which cost a fraction of Decimals, and appends each cut
    found to one list instead of yielding it through a generator per cell."""
    out: list[list[str]] = []
    if need != need.to_integral_value() or not _middle_fits(int(need), end - start, parts):
        return out
    if parts == 1:
        text = (sign if start == 0 else "") + digits[start:end]
        if (end - start == 1 or digits[start] != "0") and _whole(text) == need:
            out.append([text])
        return out
    _sum_cuts(out, [], sign, digits, start, end, parts, int(need))
    return out


def _sum_cuts(
    out: list[list[str]], cells: list[str], sign: str, digits: str, start: int, end: int, parts: int, need: int
) -> None:
    """``_summing``'s depth-first search for two or more cells, ``cells`` placed before
    ``start``. The last cell is not searched for: it is the rest of the digits, which is a cut
    exactly when it has no leading zero and its number is what is left to reach (that implies
    what ``_middle_fits`` asks of one cell)."""
    prefix = sign if start == 0 else ""
    for stop in range(start + 1, end - parts + 2):
        if stop - start > 1 and digits[start] == "0":
            break
        text = prefix + digits[start:stop]
        left = need - _whole(text)
        if left < 0:
            continue
        if parts == 2:
            if (end - stop == 1 or digits[stop] != "0") and _whole(digits[stop:end]) == left:
                out.append([*cells, text, digits[stop:end]])
        elif _middle_fits(left, end - stop, parts - 1):
            cells.append(text)
            _sum_cuts(out, cells, sign, digits, stop, end, parts - 1, left)
            cells.pop()


def _whole(text: str) -> int:
    """``number(text)`` of a run of digits (a whole number, or 0 when it is too long to be a
    value) as an int. Cached like ``number``."""
    value = _WHOLE.get(text)
    return value if value is not None else _WHOLE.keep(text, int(number(text)))


_WHOLE: Bounded = Bounded(65536)


@functools.lru_cache(maxsize=65536)
def _middle_fits(need: int, width: int, middle: int) -> bool:
    """Whether ``middle`` cells cut from ``width`` digits (no leading zeros) may sum to ``need``
    (a whole number): necessary conditions only. A cell of k digits is below 10**k; when none
    can be too long to be a value (which counts 0), a cell of k >= 2 digits is at least
    10**(k-1), so the cells sum at least as much as with the digits shared out evenly, and none
    is longer than ``need``. Cached: the search asks it tens of thousands of times a report
    with the same few values."""
    if middle == 0:
        return width == 0 and need == 0
    longest = width - middle + 1
    if need >= middle * 10**longest:
        return False
    if longest > MAX_INTEGER_DIGITS:
        return True
    share, extra = divmod(width, middle)
    least = extra * _least(share + 1) + (middle - extra) * _least(share)
    return least <= need and width <= middle * len(str(need))


def _least(length: int) -> int:
    """The smallest number of ``length`` digits without a leading zero."""
    return 0 if length == 1 else 10 ** (length - 1)


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
