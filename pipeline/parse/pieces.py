"""A table region's rows -> pieces: label text followed by the values printed after it.

Grid rows (Word, HTML, ruled PDF, Markdown pipes) keep their cell positions: a piece carries
every cell after the label with its column index, blanks included. Text rows (PDF text
copies, crawled pages) are split into words, and words into runs of label text and numbers,
because crawlers glue cells together (``规章000行政规范性文件0011``); a run of digits may then
hold several cells, which ``pipeline.parse.readings`` resolves with the arithmetic. Tab-separated
lines are split on their tabs and keep their blank cells (``Piece.edges``). A digit
that numbers the next label (``…事务信息3200000326.属于四类…``) stays with that label.

Page furniture inside a table (``- 3 -``, ``— 3 —``, ``第3页``) is dropped; a bare number on
a line of its own may be a page number or a detached value, so it is kept aside as such.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from pipeline.document import Row
from pipeline.parse.memo import Bounded
from pipeline.parse.values import is_value

PAGE_NUMBER = re.compile(r"^[-—–－─\s]*(?:第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)[-—–－─\s]*$")
_DASHED_NUMBER = re.compile(r"^\s*[-—–－─]+\s*\d+\s*[-—–－─]+\s*$")
# a printed number: optional sign, digits (thousands separators allowed), decimals, a unit
_NUMBER_RUN = re.compile(r"[+-]?\d+(?:,\d{3})*(?:\.\d+)?(?:万元|元|件|个|项|条|次|人)?")
_LABEL_NUMBERING = re.compile(r"[.、](?:\s*[\u4e00-\u9fff]|$)")  # '1.属于…', or '1.' alone
WORD_PLACEHOLDERS = frozenset({"无", "不适用"})
_NOT_A_VALUE_AFTER = re.compile(r"^(?:年|月|日|页|号|位|%)")
_NOT_A_VALUE_BEFORE = re.compile(r"(?:第|〔|\[|令)$")


class Token(NamedTuple):
    """A printed value (or a run of glued digits) and where it was printed. Immutable; a
    NamedTuple rather than a frozen dataclass because a report makes hundreds of them and a
    frozen dataclass costs 5x a tuple to make."""

    text: str
    where: str
    page: int | None
    col: int | None = None  # grid column or tab field index; None in other text rows


# ``make(Token, (text, where, page, col))`` is ``Token(text, where, page, col)`` without the
# NamedTuple's Python-level ``__new__`` (a third of the cost): for the paths that make a token
# per printed cell (grid rows, text lines), every field given.
make = tuple.__new__


@dataclass
class Piece:
    """Label text and the values printed after it, on one row."""

    text: str
    values: list[Token] = field(default_factory=list)
    grid: bool = False
    where: str = ""
    page: int | None = None
    bare_number: bool = False  # a number alone on a text line: a page number or a detached value
    cells: tuple[str, ...] = ()  # a grid or tab row's cells, for placing values by the header's columns
    # A tab-separated line keeps its blank cells: those between two values are in ``values``
    # (cells of the row), those before the first value and after the last are kept here, since
    # label columns and trailing tabs leave empty fields there too (``readings.window_starts``
    # and ``recognize._tab_readings`` decide how many of them are the row's cells). None on
    # other rows.
    edges: tuple[list[Token], list[Token]] | None = None

    def tab_fields(self) -> list[Token]:
        """A tab-separated row's fields, from the empty ones before its values to those after."""
        lead, trail = self.edges
        return lead + self.values + trail


def is_furniture(text: str) -> bool:
    """Page numbers in the styles agencies print: '- 3 -', '— 3 —', '第3页', '3/12'."""
    return bool(PAGE_NUMBER.match(text) or _DASHED_NUMBER.match(text))


def _nfkc_same_length(text: str) -> str:
    """NFKC per character where it keeps one character (full-width digits and signs), so that
    positions in the result are positions in the printed text. One ``str.translate`` over a
    table filled as characters are first met: a crawled page printed on one line is a single
    word of thousands of characters."""
    return text.translate(_SAME_LENGTH)


class _SameLengthTable(dict):
    """Code point -> its one-character NFKC form, or itself; computed when first asked for
    (``str.translate`` looks a mapping's keys up with ``[]``, so ``__missing__`` fills it)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        n = unicodedata.normalize("NFKC", ch)
        out = n if len(n) == 1 else ch
        if len(self) < 65536:  # bounded: a text could hold every code point once
            self[code] = out
        return out


_SAME_LENGTH = _SameLengthTable()


def split_word(word: str) -> tuple[tuple[str, str], ...]:
    """A word -> (('text'|'value', printed), ...): label text and the numbers glued to it.
    Cached (the result is immutable): every report prints the form's label words, and a line's
    words are split for each of its pieces' readers."""
    parts = _SPLIT.get(word)
    return parts if parts is not None else _SPLIT.keep(word, tuple(_split_word(word)))


_SPLIT: Bounded = Bounded(32768)  # word -> its parts


def _split_word(word: str) -> list[tuple[str, str]]:
    if is_value(word):
        return [("value", word)]
    norm = _nfkc_same_length(word)
    parts: list[tuple[str, str]] = []
    pos = 0
    for match in _NUMBER_RUN.finditer(norm):
        start, end = match.span()
        after, before = norm[end:], norm[:start]
        if _NOT_A_VALUE_AFTER.match(after) or _NOT_A_VALUE_BEFORE.search(before) or _in_brackets(before):
            continue
        if (
            _LABEL_NUMBERING.match(after)
            and "." not in match.group()
            and not match.group().endswith(("元", "件", "个", "项", "条", "次", "人"))
        ):
            end -= 1  # the last digit numbers the next label: '…3200000326.属于四类'
            if end <= start or norm[start:end] in "+-":
                continue
        if start > pos:
            parts.append(("text", word[pos:start]))
        parts.append(("value", word[start:end]))
        pos = end
    if pos < len(word):
        parts.append(("text", word[pos:]))
    return parts


def _in_brackets(before: str) -> bool:
    """A number inside a bracket of a label ('（单位：万元，保留4位小数）') is label text."""
    return before.count("(") + before.count("（") > before.count(")") + before.count("）")


def _text_pieces(row: Row, keep_empty: bool = False) -> list[Piece]:
    line = " ".join(c for c in row.cells if c)
    if is_furniture(line):
        return []
    if line.strip() in WORD_PLACEHOLDERS:  # '（四）无' / '法提供': a label's line, not a row's values
        return [Piece(line.strip(), where=row.where, page=row.page)]
    if len(row.cells) <= 1:
        return _line_pieces(line, row.where, row.page)
    return _tab_pieces(row, line, keep_empty)


def _date_word(kind: str, printed: str) -> bool:
    """Whether a word after a number makes it a date in prose ('2024 年'), not a cell."""
    return kind == "text" and _NOT_A_VALUE_AFTER.match(printed) is not None


def _line_pieces(line: str, where: str, page: int | None) -> list[Piece]:
    """An untabbed text line's pieces: its words split into label text and numbers, a piece
    for each label text and the numbers after it. The path of most text rows, written for
    speed: one pass over the words' parts, every token with the line's own location."""
    parts: list[tuple[str, str]] = []
    split = _SPLIT.get
    for word in line.split():  # split() leaves no empty or space-padded word
        parts.extend(split(word) or split_word(word))
    pieces: list[Piece] = []
    text, values = "", []
    last, dated = len(parts) - 1, _NOT_A_VALUE_AFTER.match
    for k, (kind, printed) in enumerate(parts):
        # a value, unless the word after it makes it a date in prose (``_date_word``, inlined)
        if kind == "value" and (k == last or parts[k + 1][0] != "text" or not dated(parts[k + 1][1])):
            values.append(make(Token, (printed, where, page, None)))
            continue
        if values:
            pieces.append(Piece(text, values, where=where, page=page))
            text, values = "", []
        text += printed
    if text or values:
        pieces.append(Piece(text, values, where=where, page=page))
    _mark_bare_number(pieces)
    return pieces


def _tab_pieces(row: Row, line: str, keep_empty: bool) -> list[Piece]:
    """A tab-separated line's pieces: one word per field, blank fields kept as edges. One pass
    over the fields' kinds, each token made once with its field's location."""
    where, page = row.where, row.page
    if not line and keep_empty:  # a line of tabs only: a row of blank cells
        blanks = [make(Token, ("", f"{where} cell {i + 1}", page, i)) for i in range(len(row.cells))]
        return [Piece("", where=where, page=page, edges=(blanks, []))]
    fields = [c.strip() for c in row.cells]
    kinds = ["blank" if not f else "value" if is_value(f) else "text" for f in fields]
    # a number before a word that starts with 年/月/日 is a date in prose ('2024 年'), not a cell
    for k in range(len(kinds) - 1):
        if kinds[k] == "value" and _date_word(kinds[k + 1], fields[k + 1]):
            kinds[k] = "text"
    pieces: list[Piece] = []
    text, values, lead, trail = "", [], [], []  # lead, trail: the piece's edges
    for index, kind in enumerate(kinds):
        if kind == "blank":
            (trail if values else lead).append(make(Token, ("", f"{where} cell {index + 1}", page, index)))
        elif kind == "text":
            if values:
                pieces.append(Piece(text, values, where=where, page=page, edges=(lead, trail)))
                text, values, lead, trail = "", [], [], []
            else:
                lead.clear()  # empty label columns between label cells: spacing
            text += fields[index]
        else:
            if values:  # blanks between two values are the row's cells
                values.extend(trail)
                trail.clear()
            values.append(make(Token, (fields[index], f"{where} cell {index + 1}", page, index)))
    if text or values:
        pieces.append(Piece(text, values, where=where, page=page, edges=(lead, trail)))
    _mark_bare_number(pieces)
    if len(pieces) == 1:
        pieces[0].cells = row.cells  # a header row's fields, for the columns the rows below may be in
    return pieces


def _mark_bare_number(pieces: list[Piece]) -> None:
    """A line that is one small integer and nothing else: a page number or a detached value."""
    if len(pieces) == 1 and not pieces[0].text and len(pieces[0].values) == 1:
        pieces[0].bare_number = _is_integer(pieces[0].values[0].text)


def _is_integer(text: str) -> bool:
    return bool(re.fullmatch(r"\d{1,4}", _nfkc_same_length(text).strip()))


def _grid_piece(row: Row) -> Piece:
    """Label cells then value cells (blanks included) with their column positions. The
    value area is the run of value-looking cells at the right end of the row."""
    cells = row.cells
    cut = len(cells)
    while cut > 0 and is_value(cells[cut - 1]):
        cut -= 1
    # a merged label cell copied into every spanned cell is one label ('一、… | 一、… | 57 | …')
    label = "".join(c for i, c in enumerate(cells[:cut]) if c and (i == 0 or c != cells[i - 1]))
    where, page = row.where, row.page
    values = [make(Token, (cells[i].strip(), f"{where} col {i + 1}", page, i)) for i in range(cut, len(cells))]
    return Piece(label, values, grid=True, where=row.where, page=row.page, cells=cells)


def to_pieces(rows: Sequence[Row], keep_empty: bool = False) -> list[Piece]:
    """Every row of a table region as pieces, in reading order, furniture dropped. An empty
    grid row is spacing, except where a caller asks for it (an all-blank review row)."""
    pieces: list[Piece] = []
    for row in rows:
        if row.grid:
            if not any(c.strip() for c in row.cells) and not keep_empty:
                continue
            if len(row.cells) == 1 and is_furniture(row.cells[0]):
                continue
            pieces.append(_grid_piece(row))
        else:
            pieces.extend(_text_pieces(row, keep_empty))
    return pieces
