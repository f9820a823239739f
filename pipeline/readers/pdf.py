"""PDF reports with a text layer, read from pdfium's geometry (``pdf_geometry``).

pdfium parses each page once: its characters with their boxes give every page's lines, which
tell whether there is a text layer at all (a scan has none: the file fails, it never yields an
empty table) and which pages hold the statutory tables (from the page naming
第二十条/申请人情况 to the page naming 五、存在的主要问题). Only those pages are searched
for ruling lines (pdfium's path objects).

On a table page, ruled tables come from their ruling lines (pdfplumber's table algorithm): merged cells are ``None``
and become blank cells, wrapped text inside a cell is joined. Words outside ruled tables are
grouped into lines; runs of lines holding three or more numbers in aligned columns are a table
drawn without ruling lines and are read by position: numbers are placed in columns by their x
position (a missing number is a blank cell, never a shifted one; a column no row of a block
fills is known from the header's lowest cells standing over it), and the label words around a
row (wrapped above and below its numbers) are attached to the nearest row. Page furniture
(page numbers, running headers/footers repeated on several pages) is dropped where it is
printed: in the top or bottom band of a page. Nothing else is cut by position: a table
printed down into the bottom margin keeps its last rows.

A PDF whose fonts are neither embedded nor installed here loses characters in pdfium's text
(``pdf_geometry._glyphless``): its pages are read by pdfplumber instead (``load``).
"""

from __future__ import annotations

import io
import itertools
import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import pypdfium2 as pdfium

from pipeline.document import Document, Row, UnreadableFile
from pipeline.parse.values import is_value, normalize
from pipeline.readers.pdf_geometry import Word as _Word
from pipeline.readers.pdf_geometry import (
    page_chars,
    page_codes,
    plumber_page,
    ruled_tables,
    scan_page,
    text_lines,
    words,
)

_START = re.compile(r"第二十条|申请人情况|本列数据的勾稽关系")
_END = re.compile(r"存在的主要问题|主要问题及改进")
_PAGE_NUMBER = re.compile(r"^[-—–－\s]*(?:第?\s*\d+\s*页?(?:\s*[/共]\s*\d+\s*页?)?)[-—–－\s]*$")
_BAND = 0.1  # top and bottom 10% of a page: where headers, footers and page numbers live


def _in_band(y: float, height: float) -> bool:
    """Whether a line at ``y`` lies in the top or bottom band (symmetric, so it holds for
    pdfium's bottom-up and pdfplumber's top-down coordinates alike)."""
    return not height * _BAND <= y <= height * (1 - _BAND)


log = logging.getLogger(__name__)
_MIN_TEXT = 20  # characters of text on all pages together below which the PDF is a scan


@dataclass
class _Line:
    words: list[_Word]

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def mid(self) -> float:
        return sum(w.mid for w in self.words) / len(self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in sorted(self.words, key=lambda w: w.x0))


def _furniture_key(text: str) -> str:
    """A running header or footer with its numbers masked ('第#页'), spaces ignored (the two
    PDF libraries space words differently) except between numbers, so that a row of numbers
    ('#_#_#') never looks like a bare page number ('#')."""
    text = re.sub(r"(?<=\d)\s+(?=\d)", "_", unicodedata.normalize("NFKC", text))
    return re.sub(r"\d+", "#", normalize(text))


def _open(data: bytes) -> pdfium.PdfDocument:
    if b"%PDF-" not in data[:1024]:
        raise UnreadableFile("not a PDF file (no %PDF header): the file is damaged or not a PDF")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise UnreadableFile(f"damaged PDF, cannot be opened: {exc}") from exc


def _table_pages(pages: list[list[str]]) -> range:
    start = next((i for i, lines in enumerate(pages) if _START.search(normalize("".join(lines)))), None)
    if start is None:
        return range(0)
    end = next((i for i in range(start, len(pages)) if _END.search(normalize("".join(pages[i])))), len(pages) - 1)
    return range(start, end + 1)


def _is_furniture(text: str, repeated: set[str]) -> bool:
    return bool(_PAGE_NUMBER.match(text)) or _furniture_key(text) in repeated


def _group_lines(words: list[_Word]) -> list[_Line]:
    """Words into printed lines by their vertical centre; each line's words left to right
    (what reads a line word by word must not depend on a tenth of a point between centres)."""
    lines: list[_Line] = []
    total = 0.0  # the sum of the last line's word centres: its mean, without a pass per word
    for word in sorted(words, key=lambda w: (w.mid, w.x0)):
        mid = word.mid
        if lines and abs(mid - total / len(lines[-1].words)) <= max(2.0, (word.bottom - word.top) * 0.3):
            lines[-1].words.append(word)
            total += mid
        else:
            lines.append(_Line([word]))
            total = mid
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    return lines


def _label(words: list[_Word]) -> str:
    """Label words of one row in reading order: cell columns left to right (words whose x
    ranges overlap share a column), each column top to bottom."""
    if not words:
        return ""
    segments: list[_Word] = []  # adjacent words of one line ("2." "其他法律…") read as one
    for word in sorted(words, key=lambda w: (round(w.mid), w.x0)):
        last = segments[-1] if segments else None
        if last and round(last.mid) == round(word.mid) and word.x0 - last.x1 <= 0.6 * (word.bottom - word.top):
            segments[-1] = _Word(last.text + word.text, last.x0, word.x1, last.top, last.bottom)
        else:
            segments.append(word)
    words = sorted(segments, key=lambda w: w.x0)
    columns: list[list[_Word]] = []
    for word in words:
        for column in columns:
            if any(word.x0 < other.x1 - 1 and other.x0 < word.x1 - 1 for other in column):
                column.append(word)
                break
        else:
            columns.append([word])
    merged = True
    while merged:  # a later word can bridge two columns
        merged = False
        for i in range(len(columns)):
            for j in range(i + 1, len(columns)):
                if any(a.x0 < b.x1 - 1 and b.x0 < a.x1 - 1 for a in columns[i] for b in columns[j]):
                    columns[i].extend(columns.pop(j))
                    merged = True
                    break
            if merged:
                break
    columns.sort(key=lambda c: min(w.x0 for w in c))
    return "".join(w.text for c in columns for w in sorted(c, key=lambda w: (round(w.mid), w.x0)))


def _value_words(line: _Line) -> list[_Word]:
    """The numbers at the right end of a line (after every label word)."""
    words = sorted(line.words, key=lambda w: w.x0)
    cut = len(words)
    while cut > 0 and is_value(words[cut - 1].text):
        cut -= 1
    return words[cut:]


def _columns(value_lines: list[list[_Word]]) -> list[float]:
    centers = sorted((w.x0 + w.x1) / 2 for words in value_lines for w in words)
    clusters: list[list[float]] = []
    for c in centers:
        if clusters and c - clusters[-1][-1] <= 8:
            clusters[-1].append(c)
        else:
            clusters.append([c])
    return [sum(c) / len(c) for c in clusters]


def _tolerance(columns: list[float]) -> float:
    """How far a number's centre may lie from its column's: a third of the narrowest gap."""
    gaps = [b - a for a, b in itertools.pairwise(columns)]
    return min(10.0, min(gaps) / 3) if gaps else 10.0


def _label_words(lines: list[_Line], values: list[list[_Word]], rows: range) -> list[_Word]:
    """The words of the lines that are not the numbers they end with: the label column."""
    return [w for i in rows for w in lines[i].words if all(w is not v for v in values[i])]


def _width(word: _Word) -> float:
    return word.x1 - word.x0


def _merged(a: _Word, b: _Word) -> _Word:
    """One word of two: their texts in this order, the box around both."""
    return _Word(a.text + b.text, min(a.x0, b.x0), max(a.x1, b.x1), min(a.top, b.top), max(a.bottom, b.bottom))


def _touching(words: list[_Word]) -> list[_Word]:
    """A line's words with the ones that touch joined (a header cell's characters spaced
    out one by one: 自 然 人)."""
    out: list[_Word] = []
    for w in sorted(words, key=lambda w: w.x0):
        if out and w.x0 - out[-1].x1 <= 0.2 * (w.bottom - w.top):
            out[-1] = _merged(out[-1], w)
        else:
            out.append(w)
    return out


def _header_cells(words: list[_Word]) -> list[_Word] | None:
    """A header's lowest cells, left to right, from its words (one extent and text each), or None.

    A header of two or three rows (申请人情况 / 法人或其他组织 / 商业企业, or 行政复议 /
    未经复议直接起诉 / 结果维持) names every column in its lowest cells. Its words are stacked
    by x extent, narrowest first: words one above the other (a cell's text wrapped: 结果 / 维持,
    上一年项目数 / 量) are one stack; a word over several stacks (法人或其他组织, 行政诉讼)
    spans them and is no column. Stacks that end up overlapping do not show the columns: None."""
    stacks: list[_Word] = []
    for w in sorted(words, key=_width):
        over = [k for k, s in enumerate(stacks) if w.x0 < s.x1 - 1 and s.x0 < w.x1 - 1]
        if not over:
            stacks.append(w)
        elif len(over) == 1:
            stacks[over[0]] = _merged(stacks[over[0]], w)
    stacks.sort(key=lambda s: s.x0)
    if any(a.x1 > b.x0 for a, b in itertools.pairwise(stacks)):
        return None
    return stacks


def _leaf_columns(columns: list[float], header: list[_Line], label_right: float) -> list[float] | None:
    """The value columns as the header's lowest cells give them (``_header_cells``: every
    column, also those no row of the block fills), or None. They are the columns when every
    column of numbers stands inside exactly one cell, each in its own, and every cell stands
    within 1.6 column spacings of another (a caption in the label column's header cell,
    第四项之和）, stands apart); otherwise the header does not show the columns."""
    cells = _header_cells([w for line in header for w in _touching(line.words) if w.x0 >= label_right - 1])
    if not cells or len(cells) <= len(columns):
        return None
    out: list[float | None] = [(c.x0 + c.x1) / 2 for c in cells]
    gaps = sorted(b - a for a, b in itertools.pairwise(out))
    spacing = gaps[len(gaps) // 2]
    for k, x in enumerate(out):  # a cell off the columns' spacing is a caption, not a column
        if min(abs(x - y) for j, y in enumerate(out) if j != k) > 1.6 * spacing:
            return None
    for c in columns:
        inside = [k for k, cell in enumerate(cells) if cell.x0 - 1 <= c <= cell.x1 + 1]
        if len(inside) != 1 or out[inside[0]] is None:
            return None
        out[inside[0]] = None  # taken: a second column of numbers in it fails the test above
    taken = iter(columns)
    return [next(taken) if x is None else x for x in out]


def _header_columns(
    columns: list[float], header: list[_Line], labels: list[_Word], cells_header: list[_Line]
) -> list[float]:
    """The value columns, with the columns the header prints that no row fills: a column left
    blank in every row has no number to show it, but its header word stands above it, on a
    header line whose other words stand over the columns. A word spanning several columns
    (法人或其他组织, 行政诉讼) is not a column, nor is one in the label column, nor a word
    closer to a column than a column's width."""
    leaves = _leaf_columns(columns, cells_header, max((w.x1 for w in labels), default=0.0))
    if leaves:
        return leaves
    gaps = sorted(b - a for a, b in itertools.pairwise(columns))
    if not gaps:
        return columns
    spacing = gaps[len(gaps) // 2]
    out = list(columns)
    for line in header:
        if not any(w.x0 - 1 <= c <= w.x1 + 1 for w in line.words for c in columns):
            continue  # a caption or the label column's header: no word of it stands over a column
        for w in line.words:
            centre = (w.x0 + w.x1) / 2
            nearest = min(abs(centre - c) for c in out)
            inside = any(w.x0 - 1 <= c <= w.x1 + 1 for c in out)
            # a column of its own: a column's width from its neighbours, and no number under it
            in_label_column = any(w.x0 < v.x1 - 1 and v.x0 < w.x1 - 1 for v in labels)
            if not in_label_column and not inside and 0.75 * spacing <= nearest <= 1.5 * spacing:
                out.append(centre)
    return sorted(out)


def _header_lines(lines: list[_Line], values: list[list[_Word]], first: int, pitch: float) -> list[_Line]:
    """The lines without numbers just above a block's first row (its header, wrapped)."""
    out: list[_Line] = []
    below = lines[first]
    for i in range(first - 1, max(first - 6, -1), -1):
        if values[i] or below.mid - lines[i].mid > 2.5 * pitch:
            break
        out.append(lines[i])
        below = lines[i]
    return out


def _cell_lines(lines: list[_Line], trailing: list[list[_Word]], first: int, pitch: float) -> list[_Line]:
    """The header just above a block's first row, for its cells (``_leaf_columns``): lines
    without any number, each within 1.3 line heights of the one below (a caption such as
    第二十条第（一）项 stands further off), the lowest within 2.5 of the row, at most eight.
    Labels between the header and the row, left of every number (a group label 三、本年度办理
    结果 or a row printed blank), are passed over: they are rows, not the header."""
    out: list[_Line] = []
    edge = min(w.x0 for w in trailing[first])
    below, reach = lines[first], 2.5
    for i in range(first - 1, -1, -1):
        if trailing[i] or below.mid - lines[i].mid > reach * pitch or len(out) == 8:
            break
        below = lines[i]
        if not out and all(w.x1 < edge for w in lines[i].words):
            continue  # a label beside the rows
        out.append(lines[i])
        reach = 1.3
    return out


def _aligned(words: list[_Word], columns: list[float], label_right: float) -> bool:
    tol = _tolerance(columns)
    return all(w.x0 >= label_right - 1 and min(abs((w.x0 + w.x1) / 2 - c) for c in columns) <= tol for w in words)


def _beside_rows(
    indices: range, lines: list[_Line], trailing: list[list[_Word]], columns: list[float], label_right: float
) -> bool:
    """Whether each of these lines is only a label beside the rows (no word right of the label
    column: a row printed blank) or prints its numbers under ``columns``: no header or caption,
    whose words would stand over the columns. A label longer than the rows' own may reach up
    to half a column's spacing before the first column."""
    edge = max(label_right, columns[0] - (columns[1] - columns[0]) / 2 if len(columns) > 1 else label_right)
    return all(
        _aligned(trailing[i], columns, label_right) if trailing[i] else all(w.x1 <= edge + 1 for w in lines[i].words)
        for i in indices
    )


def _share_columns(
    blocks: list[list[int]],
    columns_of: list[list[float]],
    label_right_of: list[float],
    lines: list[_Line],
    trailing: list[list[_Word]],
) -> None:
    """Blocks of one table that rows with blank cells keep apart share its columns: a block
    whose columns are all columns of the block above takes that block's, when every line
    between them is a label beside the rows (a row printed blank) or prints its numbers under
    those columns. A header or caption between them (words over the columns) is another table."""
    for b in range(1, len(blocks)):
        above, own = columns_of[b - 1], columns_of[b]
        if len(own) >= len(above) or any(min(abs(c - d) for d in above) > _tolerance(above) for c in own):
            continue
        right = max(label_right_of[b - 1], label_right_of[b])
        if _beside_rows(range(blocks[b - 1][-1] + 1, blocks[b][0]), lines, trailing, above, right):
            columns_of[b] = above


def _continue_columns(
    first: list[int],
    columns_of: list[list[float]],
    label_right: float,
    lines: list[_Line],
    trailing: list[list[_Word]],
    before: list[float] | None,
) -> None:
    """A table continued at the top of a page without its header: its first block takes the
    columns of the last block on the page before when its own are all among them (a column
    its rows leave blank has no number to show it here, and no header word either), and no
    line above it on this page is more than a label beside its rows (a header or a caption
    starts another table)."""
    own = columns_of[0]
    if not before or len(own) >= len(before):
        return
    if any(min(abs(c - d) for d in before) > _tolerance(before) for c in own):
        return
    if _beside_rows(range(0, first[0]), lines, trailing, before, label_right):
        columns_of[0] = before


def _row_pitch(lines: list[_Line], block: list[int], default: float) -> float:
    """The least distance between two consecutive value rows of a block: its rows' pitch."""
    return min((lines[v].mid - lines[u].mid for u, v in itertools.pairwise(block)), default=default)


def _join_sparse_rows(
    blocks: list[list[int]],
    columns_of: list[list[float]],
    label_right_of: list[float],
    lines: list[_Line],
    trailing: list[list[_Word]],
    values: list[list[_Word]],
    pitch: float,
) -> None:
    """Lines with one or two numbers, each under a column of a block within reach, become rows
    of that block (rows with blank cells); between two tables' blocks, of the nearer one. In
    reach: 4 line heights from the block, or 6 of its rows' pitches with nothing between but
    labels beside the rows and numbers under its columns (rows printed blank keep a sparse row
    further off). ``values`` and ``blocks`` are updated in place."""

    def in_reach(i: int, b: int) -> bool:
        block = blocks[b]
        if lines[block[0]].mid - 4 * pitch <= lines[i].mid <= lines[block[-1]].mid + 4 * pitch:
            return True
        row_pitch = _row_pitch(lines, block, pitch)
        between = range(i + 1, block[0]) if i < block[0] else range(block[-1] + 1, i)
        far = min(abs(lines[i].mid - lines[block[0]].mid), abs(lines[i].mid - lines[block[-1]].mid))
        return far <= 6 * row_pitch and _beside_rows(between, lines, trailing, columns_of[b], label_right_of[b])

    joined = True
    while joined:  # a row joined brings the rows beyond it in reach
        joined = False
        for i, vals in enumerate(trailing):
            if values[i] or not vals:
                continue
            homes = [
                b for b in range(len(blocks)) if _aligned(vals, columns_of[b], label_right_of[b]) and in_reach(i, b)
            ]
            distance = {b: min(abs(lines[v].mid - lines[i].mid) for v in blocks[b]) for b in homes}
            nearest = sorted(homes, key=distance.get)
            if nearest and (len(nearest) == 1 or distance[nearest[0]] < distance[nearest[1]]):
                values[i], joined = vals, True
                blocks[nearest[0]] = sorted([*blocks[nearest[0]], i])


def _header_rows(
    lines: list[_Line], trailing: list[list[_Word]], owner: dict, pitch: float
) -> dict[int, tuple[str, list[str], int, int]]:
    """Rows of fewer than three numbers under a header line, placed by the header's words.

    A 第二十条 section of two rows (规章, 规范性文件) where no row prints all three numbers
    gives no block whose numbers show the columns; its header does (本年制发件数 本年废止件数
    现行有效件数). Each number goes to the header word standing over it: its extent overlaps
    that word's, and that word's centre is the nearest. When any number stands under no
    header word, or two numbers under one, the rows stay text (the recognizer then reads or
    quarantines them); a number is never put in a column by guess.
    Returns line index -> (label, cells, table number among these, row number)."""
    out: dict[int, tuple[str, list[str], int, int]] = {}
    table = 0
    i = 0
    while i < len(lines):
        rows = []
        j = i + 1
        while j < len(lines) and j not in owner and trailing[j] and lines[j].mid - lines[j - 1].mid <= 2.5 * pitch:
            rows.append(j)
            j += 1
        if trailing[i] or i in owner or not rows or all(len(trailing[k]) >= 3 for k in rows):
            i += 1
            continue
        labels = [w for k in rows for w in lines[k].words if all(w is not v for v in trailing[k])]
        label_right = max((w.x1 for w in labels), default=0.0)
        leftmost = min(w.x0 for k in rows for w in trailing[k])
        last = i  # the header's last line, above rows printed blank (规章 alone, in the label column)
        while (
            last > 0
            and all(w.x1 < leftmost for w in lines[last].words)
            and not trailing[last - 1]
            and last - 1 not in owner
            and lines[last].mid - lines[last - 1].mid <= 2.5 * pitch
        ):
            last -= 1
        columns = [w for w in _header_words(lines, trailing, owner, last, pitch) if w.x0 > label_right]
        if columns and columns[0].x1 < leftmost and _stands_apart(columns):
            columns = columns[1:]  # the label column's header (信息内容), left of every number
        placed = {k: _under(trailing[k], columns) for k in rows} if len(columns) >= 2 else {}
        if placed and all(placed.values()):
            table += 1
            for r, k in enumerate(rows, start=1):
                label = " ".join(w.text for w in lines[k].words if all(w is not v for v in trailing[k]))
                out[k] = (label, placed[k], table, r)
        i = j
    return out


def _stands_apart(columns: list[_Word]) -> bool:
    """Whether the first header word stands apart from the others, as the label column's header
    does (信息内容), rather than at their spacing (自然人 beside 商业企业 …); with fewer than
    three words, nothing shows the spacing: it stands apart."""
    centres = [(w.x0 + w.x1) / 2 for w in columns]
    gaps = [b - a for a, b in itertools.pairwise(centres[1:])]
    return not gaps or centres[1] - centres[0] > 1.6 * sorted(gaps)[len(gaps) // 2]


def _header_words(lines: list[_Line], trailing: list[list[_Word]], owner: dict, last: int, pitch: float) -> list[_Word]:
    """A header's column words, left to right: the lowest cells (``_header_cells``) of the lines
    without numbers ending at ``last``, each within 1.3 line heights of the next (a caption
    stands further off), at most four lines."""
    first = last
    while (
        first > 0
        and not trailing[first - 1]
        and first - 1 not in owner
        and lines[first].mid - lines[first - 1].mid <= 1.3 * pitch
        and last - first < 3
    ):
        first -= 1
    return _header_cells([w for k in range(first, last + 1) for w in _touching(lines[k].words)]) or []


def _under(numbers: list[_Word], columns: list[_Word]) -> list[str] | None:
    """The cells of a row whose numbers each stand under one header word, or None."""
    cells = [""] * len(columns)
    for w in numbers:
        centre = (w.x0 + w.x1) / 2
        k = min(range(len(columns)), key=lambda k: abs((columns[k].x0 + columns[k].x1) / 2 - centre))
        if not (w.x0 < columns[k].x1 and columns[k].x0 < w.x1) or cells[k]:
            return None
        cells[k] = w.text
    return cells


def _unruled(lines: list[_Line], page: int, first_table: int, carry: dict) -> list[tuple[float, Row]]:
    """Lines outside ruled tables -> text rows, and grid rows for position-read tables.

    A block of lines printing three or more numbers in columns is a table; its columns are
    where its numbers stand, and where its header prints a column no row fills. A line with
    fewer numbers inside such a block is one of its rows when each number stands under a
    column (a row with blank cells); its numbers are placed by column, never shifted.
    ``carry`` holds the last block's columns from the page before (``carry["columns"]``): a
    table continued on this page without its header takes them (see ``_continue_columns``)."""
    out: list[tuple[float, Row]] = []
    trailing = [_value_words(line) for line in lines]
    values = [vals if len(vals) >= 3 else [] for vals in trailing]
    height = sorted((w.bottom - w.top) for line in lines for w in line.words)
    pitch = height[len(height) // 2] if height else 10.0
    # blocks of value lines: consecutive value lines less than 4 line heights apart
    blocks: list[list[int]] = []
    for i, vals in enumerate(values):
        if not vals:
            continue
        if blocks and lines[i].mid - lines[blocks[-1][-1]].mid <= 4 * pitch:
            blocks[-1].append(i)
        else:
            blocks.append([i])
    columns_of, label_right_of = [], []
    for block in blocks:
        labels = _label_words(lines, trailing, range(block[0], block[-1] + 1))
        columns = _columns([values[i] for i in block])
        header = _header_lines(lines, values, block[0], pitch)
        columns_of.append(_header_columns(columns, header, labels, _cell_lines(lines, trailing, block[0], pitch)))
        label_right_of.append(max((w.x1 for w in labels), default=min(w.x0 for i in block for w in values[i])))
    _share_columns(blocks, columns_of, label_right_of, lines, trailing)
    if blocks:
        _continue_columns(blocks[0], columns_of, label_right_of[0], lines, trailing, carry.get("columns"))
    firsts = [block[0] for block in blocks]
    _join_sparse_rows(blocks, columns_of, label_right_of, lines, trailing, values, pitch)
    # a block that sparse rows extended upward may now stand right under its header, which names its columns
    widened = False
    for b, block in enumerate(blocks):
        if block[0] != firsts[b]:
            leaves = _leaf_columns(columns_of[b], _cell_lines(lines, trailing, block[0], pitch), label_right_of[b])
            if leaves:
                columns_of[b], widened = leaves, True
    if widened:
        _share_columns(blocks, columns_of, label_right_of, lines, trailing)
        _join_sparse_rows(blocks, columns_of, label_right_of, lines, trailing, values, pitch)
    carry["columns"] = columns_of[-1] if blocks else None
    owner: dict[int, tuple[int, int]] = {}  # line index -> (block, value line)
    for b, block in enumerate(blocks):
        row_pitch = _row_pitch(lines, block, 0.0)
        for i in range(block[0], block[-1] + 1):
            if values[i]:  # a row of this block, or of another whose rows interleave with it
                if i in block:  # (a sparse row ``_join_sparse_rows`` gave the other): that one owns it
                    owner[i] = (b, i)
                continue
            near = min(block, key=lambda v, i=i: (abs(lines[v].mid - lines[i].mid), -v))
            above = [v for v in block if v < i]
            below = [v for v in block if v > i]
            if above and below:
                up, down = lines[i].mid - lines[above[-1]].mid, lines[below[0]].mid - lines[i].mid
                if max(up, down) < 1.6 * min(up, down):
                    continue  # midway between two rows: a label line of either; the recognizer decides
                if min(up, down) >= 0.85 * row_pitch:
                    continue  # a row's pitch from every row: a row of its own (printed blank) or a heading
            owner[i] = (b, near)
        last = previous = block[-1]
        first_column = min(w.x0 for w in values[last])
        for i in range(last + 1, min(last + 4, len(lines))):  # the wrapped tail of the last row's label
            close = lines[i].mid - lines[previous].mid <= 1.3 * pitch
            if values[i] or not close or max(w.x1 for w in lines[i].words) >= first_column:
                break
            owner[i], previous = (b, last), i
    headed = _header_rows(lines, trailing, owner, pitch)
    for i, line in enumerate(lines):
        if i in headed:
            label, cells, table, r = headed[i]
            where = f"page {page} table {first_table + len(blocks) + table} row {r}"
            out.append((line.top, Row((label, *cells), where=where, page=page, grid=True)))
        elif i not in owner:
            out.append((line.top, Row((line.text,), where=f"page {page} line {i + 1}", page=page)))
    for b, block in enumerate(blocks):
        value_rows = [i for i in block if values[i]]
        columns = columns_of[b]
        labels: dict[int, list[_Word]] = {i: [] for i in value_rows}
        for i, (ob, v) in owner.items():
            if ob == b:
                vals = {id(w) for w in values[i]}
                labels[v].extend(w for w in lines[i].words if id(w) not in vals)
        any_label = any(labels[i] for i in value_rows)
        for r, i in enumerate(value_rows, start=1):
            cells = [""] * len(columns)
            for w in values[i]:
                k = min(range(len(columns)), key=lambda k, w=w: abs(columns[k] - (w.x0 + w.x1) / 2))
                cells[k] += w.text
            label = _label(labels[i])
            row = ((label,) if any_label else ()) + tuple(cells)
            where = f"page {page} table {first_table + b} row {r}"
            out.append((lines[i].top, Row(row, where=where, page=page, grid=True)))
    return out


@dataclass
class _Page:
    """One page as pdfium gives it: its characters and its lines of text (with whether each
    lies in the header/footer band)."""

    number: int
    height: float
    chars: list
    words: list[_Word]
    lines: list[tuple[str, bool]]


def _read_page(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, codes: list[int], number: int, full: bool) -> _Page:
    """A table page (``full``) is read character by character, for the geometry of its
    tables; any other page only as lines of text (from pdfium's own line breaks)."""
    height = page.get_height()
    if not full:
        lines = text_lines(textpage, height, codes)
        return _Page(number, height, [], [], [(text, _in_band(base, height)) for base, text in lines])
    return _chars_page(page_chars(textpage, height, codes), number, height)


def _chars_page(chars: list, number: int, height: float) -> _Page:
    found = [w for line in words(chars) for w in line]
    grouped = _group_lines(found)
    return _Page(number, height, chars, found, [(line.text, _in_band(line.mid, height)) for line in grouped])


def _table_page(page: _Page, edges: list[dict], repeated: set[str], carry: dict) -> list[Row]:
    """One table page: ruled tables by their ruling lines, the rest by word positions
    (``carry``: what a table continued from the page before brings, see ``_unruled``)."""
    items: list[tuple[float, Row]] = []
    tables = ruled_tables(edges, page.chars)
    for t_index, table in enumerate(tables, start=1):
        for r_index, (top, cells) in enumerate(table.rows, start=1):
            texts = tuple(c or "" for c in cells)
            if texts:  # a row of empty cells is kept: an all-blank review row is a table of no cases
                where = f"page {page.number} table {t_index} row {r_index}"
                items.append((top, Row(texts, where=where, page=page.number, grid=True)))
    outside = [w for w in page.words if not any(t.holds((w.x0 + w.x1) / 2, w.mid) for t in tables)]
    lines = [
        line
        for line in _group_lines(outside)
        if not (_in_band(line.mid, page.height) and _is_furniture(line.text, repeated))
    ]
    items.extend(_unruled(lines, page.number, len(tables) + 1, carry))
    items.sort(key=lambda item: item[0])
    return [row for _, row in items]


def load(pdf: pdfium.PdfDocument, data: bytes) -> tuple[list[_Page], dict[int, list[dict]]]:
    """Every page's lines, and for the table pages (by index) their characters and ruling
    lines. Raises UnreadableFile for a scan (no text layer). A table page whose text pdfium
    has no glyphs for (``pdf_geometry._glyphless``: fonts the PDF does not embed, none
    installed to stand in) is read by pdfplumber instead, from ``data``, the PDF's bytes, and
    then so is any other page of such text (its title and narrative). The other pages are
    looked at only then: the walk over a page's objects costs, and a document whose table
    pages have their glyphs has its fonts. Which pages hold the tables is decided from
    pdfium's text before (a heading that lost a character there can leave a table out of the
    range: then it is missing, and the report says so, never misread)."""
    handles = list(pdf)
    textpages = [page.get_textpage() for page in handles]
    try:
        codes = [page_codes(textpage) for textpage in textpages]
        table_pages = _table_pages([["".join(chr(c) for c in page if c > 32)] for page in codes])
        scanned = {i: scan_page(handles[i], textpages[i], handles[i].get_height()) for i in table_pages}
        lost = [i for i, (_, glyphless) in scanned.items() if glyphless]
        if lost:  # this machine lacks the document's fonts: its other pages may have lost text too
            others = [i for i in range(len(handles)) if i not in scanned]
            lost += [i for i in others if scan_page(handles[i], textpages[i], handles[i].get_height())[1]]
        instead = _plumber_pages(data, sorted(lost))
        pages = [
            _chars_page(instead[i][0], i + 1, instead[i][2])
            if i in instead
            else _read_page(handles[i], textpages[i], codes[i], i + 1, full=i in table_pages)
            for i in range(len(handles))
        ]
        if sum(len(normalize(text)) for page in pages for text, _ in page.lines) < _MIN_TEXT:
            raise UnreadableFile("no text layer (scanned)")
        return pages, {i: instead[i][1] if i in instead else scanned[i][0] for i in table_pages}
    finally:
        for textpage in textpages:
            textpage.close()
        for page in handles:
            page.close()


def _plumber_pages(data: bytes, indexes: list[int]) -> dict[int, tuple[list, list[dict], float]]:
    """(characters, edges, height) of each page in ``indexes``, read by pdfplumber
    (``pdf_geometry.plumber_page``). A page it cannot read fails the file: pdfium's text of it
    may lack characters, and a table is read exactly as printed or not at all."""
    if not indexes:
        return {}
    import pdfplumber  # only for such pages: most PDFs embed their fonts

    log.info(
        "pages %s print fonts the PDF does not embed and no installed font provides: read by pdfplumber",
        [i + 1 for i in indexes],
    )
    try:
        with pdfplumber.open(io.BytesIO(data)) as plumber:
            found = {}
            for i in indexes:
                page = plumber.pages[i]
                chars, edges = plumber_page(page)
                found[i] = (chars, edges, float(page.height))
            return found
    except Exception as exc:  # pdfminer's errors have no common base class
        raise UnreadableFile(
            f"page {indexes[0] + 1} prints text in fonts the PDF does not embed and this machine lacks "
            f"(install Chinese fonts, e.g. fonts-noto-cjk), and pdfplumber could not read it: {exc}"
        ) from exc


def read(data: bytes) -> Document:
    """PDF bytes -> Document. Raises UnreadableFile for scans, damaged and non-PDF files."""
    pdf = _open(data)
    try:
        pages, edges = load(pdf, data)
        meta = _metadata(pdf)
    finally:
        pdf.close()
    bands = Counter(_furniture_key(text) for page in pages for text in {t for t, in_band in page.lines if in_band})
    repeated = {key for key, n in bands.items() if n >= 2 and len(pages) >= 2}
    rows: list[Row] = []
    carry: dict = {}
    for index, page in enumerate(pages):
        if index in edges:
            rows.extend(_table_page(page, edges[index], repeated, carry))
            continue
        kept = [text for text, in_band in page.lines if not (in_band and _is_furniture(text, repeated))]
        rows.extend(
            Row((t,), where=f"page {page.number} line {i}", page=page.number) for i, t in enumerate(kept, start=1)
        )
    return Document(rows=rows, file_type="pdf", meta=meta)


def _metadata(pdf: pdfium.PdfDocument) -> dict[str, str]:
    """The document information dictionary, lowercase keys, empty values dropped ('title',
    'author', 'subject', 'keywords', 'creator'): the identity parser falls back to the Title
    when the printed title lacks the agency. A damaged dictionary is no reason to fail."""
    try:
        info = pdf.get_metadata_dict(skip_empty=True)
    except (pdfium.PdfiumError, UnicodeDecodeError, ValueError):
        return {}
    keep = ("Title", "Author", "Subject", "Keywords", "Creator")
    return {key.lower(): value.strip() for key, value in info.items() if key in keep and value.strip()}
