"""What a PDF page prints, from pdfium: characters with their boxes, words, ruling lines and
the ruled tables they draw.

Why not pdfplumber: it parses every page's content stream again in Python (pdfminer), which
cost 97% of reading a PDF (7.8 reports/s against pypdfium2's 274 for the text alone). pdfium
has already parsed the page to give its text; its text page holds every character's box and
its page objects every path. The table geometry below is pdfplumber's own algorithm
(``pdfplumber.table``: snap and join edges, intersections, cells, tables) with its default
settings, fed with pdfium's edges, so ruled tables are found as before, and pdfplumber stays
the visual debugger (``gongkai show FILE --pdf-debug``).

Coordinates are top-down (``top`` grows down the page), as pdfplumber's are.
"""

from __future__ import annotations

import bisect
import ctypes
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter

import pypdfium2 as pdfium
import pypdfium2.raw as raw
from pdfplumber import table as plumber_table

X_TOLERANCE = 3.0  # pdfplumber's word and line tolerances (extract_words' defaults)
Y_TOLERANCE = 3.0
SNAP, JOIN, MIN_EDGE, INTERSECTION = 3.0, 3.0, 3.0, 3.0  # pdfplumber's TableSettings defaults
_THIN = 2.0  # a path this thin is a ruling line, not a box


@dataclass(slots=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def mid(self) -> float:
        return (self.top + self.bottom) / 2


# A character: (text, x0, x1, top, bottom, baseline). A space the PDF prints is kept (it ends a
# word); the spaces and line breaks pdfium generates carry no position and are dropped.
Char = tuple[str, float, float, float, float, float]


def page_chars(textpage: pdfium.PdfTextPage, height: float, codes: list[int] | None = None) -> list[Char]:
    """Every printed character of a page: its advance width from pdfium's loose box, and a
    vertical extent set on its baseline, of the loose box's height.

    Why not the loose box's own top and bottom: they come from each font's ascent and descent,
    so digits in a Latin font stand a point or two higher than the Chinese beside them, and a
    number centred between two label lines joins one of them. The baseline is where a line is
    printed, whatever its font (pdfplumber's boxes are set on it too, by font size)."""
    handle = textpage.raw
    rect = raw.FS_RECTF()
    x, y = ctypes.c_double(), ctypes.c_double()
    found: list[tuple[int, str, float, float, float, float, float]] = []
    get_box, get_origin = raw.FPDFText_GetLooseCharBox, raw.FPDFText_GetCharOrigin
    for i, code in enumerate(_codes(handle) if codes is None else codes):
        if code <= 32 or code in (0xFFFE, 0xFFFF, 0x3000, 0xA0):
            if code not in (32, 0x3000, 0xA0) or raw.FPDFText_IsGenerated(handle, i):
                continue
            text = " "
        else:
            text = chr(code)
        get_box(handle, i, rect)
        get_origin(handle, i, x, y)
        found.append((i, text, rect.left, rect.right, rect.top - rect.bottom, x.value, height - y.value))
    if not found:
        return []
    sizes = sorted(f[4] for f in found if f[1] != " ")
    typical = sizes[len(sizes) // 2] if sizes else 10.0
    chars: list[Char] = []
    for i, text, left, right, size, origin, base in found:
        if size > 2 * typical or right - left > 2.5 * typical:
            left, right, size = _tight(handle, i, origin, typical)
        chars.append((text, left, right, base - 0.85 * size, base + 0.15 * size, base))
    return chars


def text_lines(textpage: pdfium.PdfTextPage, height: float, codes: list[int]) -> list[tuple[float, str]]:
    """(baseline, text) of each printed line, top to bottom: for pages without tables, where
    only the lines matter. A character's origin places it (one call, where ``page_chars``
    makes two); the spaces between words are pdfium's, each kept after the character before
    it. Characters are ordered by position, not by the order the PDF draws them (LibreOffice
    draws a line's quotation marks after its text)."""
    handle = textpage.raw
    x, y = ctypes.c_double(), ctypes.c_double()
    placed: list[tuple[float, float, int, str]] = []  # (baseline, x, order, text)
    last: tuple[float, float] | None = None
    for i, code in enumerate(codes):
        if code in (32, 0x3000, 0xA0):
            if last is not None:
                placed.append((last[1], last[0] + 1e-3, i, " "))
        elif code > 32 and code not in (0xFFFE, 0xFFFF):
            raw.FPDFText_GetCharOrigin(handle, i, x, y)
            last = (x.value, height - y.value)
            placed.append((last[1], last[0], i, chr(code)))
        else:
            last = None  # a line break: a space after it belongs to no character
    lines: list[list[tuple[float, float, int, str]]] = []
    for c in sorted(placed):
        if lines and c[0] <= lines[-1][-1][0] + Y_TOLERANCE:
            lines[-1].append(c)
        else:
            lines.append([c])
    out = []
    for line in lines:
        text = " ".join("".join(c[3] for c in sorted(line, key=itemgetter(1, 2))).split())
        if text:
            out.append((line[0][0], text))
    return out


def page_codes(textpage: pdfium.PdfTextPage) -> list[int]:
    return _codes(textpage.raw)


def _codes(handle) -> list[int]:
    """Every character's code point, in one call (a call per character costs as much as the
    rest of reading the page). The text comes as UTF-16, one unit per character, unless the
    page holds characters beyond the BMP; then per character."""
    count = raw.FPDFText_CountChars(handle)
    if count <= 0:
        return []
    buffer = ctypes.create_string_buffer(2 * (count + 1))
    written = raw.FPDFText_GetText(handle, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
    units = memoryview(buffer.raw[: 2 * max(written - 1, 0)]).cast("H").tolist()
    if len(units) == count and not any(0xD800 <= u <= 0xDFFF for u in units):
        return units
    return [raw.FPDFText_GetUnicode(handle, i) for i in range(count)]


def _tight(handle, i: int, origin: float, typical: float) -> tuple[float, float, float]:
    """A character whose loose box is absurd (some WPS exports scale the font by the text
    matrix: a 10 pt character with a 199 pt box): its glyph box widened by its left bearing
    on both sides, the page's typical height."""
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    raw.FPDFText_GetCharBox(handle, i, left, right, bottom, top)
    return origin, right.value + (left.value - origin), typical


def words(chars: list[Char]) -> list[list[Word]]:
    """Characters -> words, line by line (pdfplumber's ``extract_words`` rule): a line is a run
    of characters whose baselines lie within 3 pt of the last; a word ends at a printed space,
    a gap wider than 3 pt, or a step of more than 3 pt up or down (lines chain: cells aligned
    at other heights can join one). Lines top to bottom, words left to right."""
    out = []
    for line in _baseline_lines(chars):
        found: list[Word] = []
        current: list[Char] = []
        for c in line:
            if c[0] == " ":
                _flush(current, found)
                current = []
            elif current and (c[1] > current[-1][2] + X_TOLERANCE or abs(c[5] - current[-1][5]) > Y_TOLERANCE):
                _flush(current, found)
                current = [c]
            else:
                current.append(c)
        _flush(current, found)
        if found:
            out.append(found)
    return out


def _baseline_lines(chars: list[Char]) -> list[list[Char]]:
    """Characters into lines, top to bottom, each left to right: a line is a run of characters
    whose baselines lie within 3 pt of the last (pdfplumber clusters its lines so)."""
    lines: list[list[Char]] = []
    last = -1e9
    for c in sorted(chars, key=_BASELINE):
        if c[5] <= last + Y_TOLERANCE:
            lines[-1].append(c)
        else:
            lines.append([c])
        last = c[5]
    for line in lines:
        line.sort(key=_LEFT)
    return lines


def _flush(chars: list[Char], found: list[Word]) -> None:
    """A word's vertical extent is its middle character's: the row and label placement
    downstream compares word centres, which must not move with a comma's font."""
    if chars:
        _, _, _, top, bottom, _ = chars[len(chars) // 2]
        found.append(Word("".join(c[0] for c in chars), chars[0][1], chars[-1][2], top, bottom))


_BASELINE = itemgetter(5)
_LEFT = itemgetter(1)


# --- text pdfium has no glyphs for ------------------------------------------------------


def _glyphless(obj, textpage: pdfium.PdfTextPage, box: tuple) -> bool:
    """Whether a text object prints characters pdfium has no glyphs for, so that the text page
    of its page may have lost some (``scan_page`` asks it of a page's text objects).

    A PDF may name a font without embedding it (reportlab's STSong-Light, some Word and WPS
    exports); pdfium then draws it with an installed font, and on a machine without one for
    Chinese (no fonts-noto-cjk, as in most containers) every text object of Chinese only has an
    empty box. pdfium's text page takes an object with an empty box for a repeat of a recent one
    with the same characters (its test for text printed twice to look bold) and drops it: the
    无 of a cell beside another, the 况 of a header cell. Measured: 36 of 38 无 and 8 other
    characters gone from one generated report. The sign is such an object itself: an empty box
    around characters that are not blank (an object of spaces has an empty box everywhere). The
    object kept of each dropped pair is one, so a page that lost text is always found."""
    left, bottom, right, top = box
    if not raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
        return False
    return (right.value <= left.value or top.value <= bottom.value) and bool(_object_text(obj, textpage).strip())


def _object_text(obj, textpage: pdfium.PdfTextPage) -> str:
    size = raw.FPDFTextObj_GetText(obj, textpage.raw, None, 0)  # bytes, with the terminating NUL
    if size <= 2:
        return ""
    buffer = ctypes.create_string_buffer(size)
    raw.FPDFTextObj_GetText(obj, textpage.raw, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)), size)
    return buffer.raw[: size - 2].decode("utf-16-le", errors="replace")


def plumber_page(page) -> tuple[list[Char], list[dict]]:
    """A page's characters and ruling lines as pdfplumber (pdfminer) reads them, in its
    coordinates (top-down, as ours): where pdfium has no glyphs (``_glyphless``). pdfminer takes
    each character from the content stream with the widths the PDF gives, whatever fonts are
    installed, and drops nothing; it costs some 130 ms a page more, so it reads only those pages.
    Each character's extent is set on its baseline from its font size, as ``page_chars`` does
    from pdfium's loose box; the edges are pdfplumber's ``page.edges``, which the ruled tables
    (pdfplumber's algorithm) were made for."""
    chars: list[Char] = []
    for c in page.chars:
        base = c["top"] + c["y1"] - c["matrix"][5]  # the origin's height, top-down
        size = c["size"]
        chars.append((c["text"], c["x0"], c["x1"], base - 0.85 * size, base + 0.15 * size, base))
    return chars, page.edges


# --- ruling lines ------------------------------------------------------------------------


def page_edges(page: pdfium.PdfPage, height: float) -> list[dict]:
    """Horizontal and vertical edges of the page's paths, as pdfplumber's ``page.edges``: a thin
    path is one edge, a box four, a path of many segments one edge per straight,
    axis-parallel segment. Paths inside form XObjects count (Word exports some tables so)."""
    return scan_page(page, None, height)[0]


def scan_page(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage | None, height: float) -> tuple[list[dict], bool]:
    """A table page's edges (``page_edges``) and, with its ``textpage``, whether its text lacks
    glyphs (``_glyphless``): one walk over its objects, which a page's edges need anyway (a walk
    of its own cost a tenth of reading a PDF)."""
    edges: list[dict] = []
    lost = False
    box = tuple(ctypes.c_float() for _ in range(4))
    for obj, kind, matrix in _objects(page.raw):
        if kind == raw.FPDF_PAGEOBJ_PATH:
            _path_edges(obj, matrix, height, edges)
        elif kind == raw.FPDF_PAGEOBJ_TEXT and textpage is not None and not lost:
            lost = _glyphless(obj, textpage, box)
    return edges, lost


_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _objects(page, form=None, matrix: tuple = _IDENTITY, depth: int = 0) -> Iterator[tuple[object, int, tuple]]:
    """(object, type, matrix to page space) of every page object, those inside form XObjects
    (eight deep at most) in their place."""
    count = raw.FPDFFormObj_CountObjects(form) if form is not None else raw.FPDFPage_CountObjects(page)
    for i in range(count):
        obj = raw.FPDFFormObj_GetObject(form, i) if form is not None else raw.FPDFPage_GetObject(page, i)
        kind = raw.FPDFPageObj_GetType(obj)
        yield obj, kind, matrix
        if kind == raw.FPDF_PAGEOBJ_FORM and depth < 8:
            m = raw.FS_MATRIX()
            raw.FPDFPageObj_GetMatrix(obj, m)
            yield from _objects(page, obj, _compose((m.a, m.b, m.c, m.d, m.e, m.f), matrix), depth + 1)


def _compose(inner: tuple, outer: tuple) -> tuple:
    """The matrix applying ``inner`` then ``outer`` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(matrix: tuple, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = matrix
    return a * x + c * y + e, b * x + d * y + f


def _path_edges(obj, matrix: tuple, height: float, edges: list[dict]) -> None:
    n = raw.FPDFPath_CountSegments(obj)
    if n <= 5:  # a line or a rectangle: its page-space bounds say which
        left, bottom, right, top = (ctypes.c_float() for _ in range(4))
        if not raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            return
        corners = [_apply(matrix, x, y) for x in (left.value, right.value) for y in (bottom.value, top.value)]
        x0, x1 = min(p[0] for p in corners), max(p[0] for p in corners)
        y0, y1 = min(p[1] for p in corners), max(p[1] for p in corners)
        t, b = height - y1, height - y0
        if y1 - y0 < _THIN:
            edges.append(_edge("h", x0, x1, (t + b) / 2, (t + b) / 2))
        elif x1 - x0 < _THIN:
            edges.append(_edge("v", (x0 + x1) / 2, (x0 + x1) / 2, t, b))
        elif not _has_curves(obj, n):
            edges.extend(
                [_edge("h", x0, x1, t, t), _edge("h", x0, x1, b, b), _edge("v", x0, x0, t, b), _edge("v", x1, x1, t, b)]
            )
        return
    m = raw.FS_MATRIX()
    raw.FPDFPageObj_GetMatrix(obj, m)
    own = _compose((m.a, m.b, m.c, m.d, m.e, m.f), matrix)
    x, y = ctypes.c_float(), ctypes.c_float()
    start = last = None
    for i in range(n):
        seg = raw.FPDFPath_GetPathSegment(obj, i)
        raw.FPDFPathSegment_GetPoint(seg, x, y)
        point = _apply(own, x.value, y.value)
        kind = raw.FPDFPathSegment_GetType(seg)
        if kind == raw.FPDF_SEGMENT_LINETO and last is not None:
            _segment_edge(last, point, height, edges)
        if kind == raw.FPDF_SEGMENT_MOVETO:
            start = point
        last = point
        if raw.FPDFPathSegment_GetClose(seg) and start is not None:
            _segment_edge(point, start, height, edges)
            last = start


def _has_curves(obj, n: int) -> bool:
    kinds = (raw.FPDFPathSegment_GetType(raw.FPDFPath_GetPathSegment(obj, i)) for i in range(n))
    return raw.FPDF_SEGMENT_BEZIERTO in kinds


def _segment_edge(p: tuple[float, float], q: tuple[float, float], height: float, edges: list[dict]) -> None:
    (x0, y0), (x1, y1) = p, q
    if abs(y1 - y0) < 0.5:
        edges.append(_edge("h", min(x0, x1), max(x0, x1), height - y0, height - y0))
    elif abs(x1 - x0) < 0.5:
        edges.append(_edge("v", x0, x0, height - max(y0, y1), height - min(y0, y1)))


def _edge(orientation: str, x0: float, x1: float, top: float, bottom: float) -> dict:
    return {
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "width": x1 - x0,
        "height": bottom - top,
        "orientation": orientation,
        "object_type": "line",
    }


# --- ruled tables --------------------------------------------------------------------------


@dataclass
class RuledTable:
    """A table drawn with ruling lines: rows of cell texts (``None`` where a merged cell
    covers the position, as pdfplumber's ``Table.extract``), each row with its top."""

    bbox: tuple[float, float, float, float]
    rows: list[tuple[float, list[str | None]]]
    cells: list[tuple[float, float, float, float]]  # every cell's box (x0, top, x1, bottom)

    def holds(self, x: float, y: float) -> bool:
        x0, top, x1, bottom = self.bbox
        return x0 <= x <= x1 and top <= y <= bottom


def ruled_tables(edges: list[dict], chars: list[Char]) -> list[RuledTable]:
    """pdfplumber's ``find_tables()`` (lines strategy, default settings) on pdfium's edges,
    and each cell's text: the characters whose centre lies in it, line by line."""
    edges = [e for e in edges if e["width" if e["orientation"] == "h" else "height"] >= 1]
    if not edges:
        return []
    edges = plumber_table.merge_edges(edges, SNAP, SNAP, JOIN, JOIN)
    edges = [e for e in edges if e["width" if e["orientation"] == "h" else "height"] >= MIN_EDGE]
    intersections = plumber_table.edges_to_intersections(edges, INTERSECTION, INTERSECTION)
    cells = _cells(intersections)
    return [_table(group, chars) for group in plumber_table.cells_to_tables(cells)]


def _cells(intersections: dict) -> list[tuple[float, float, float, float]]:
    """pdfplumber's ``intersections_to_cells``, indexed: the same cells in the same order.

    Its search scans every later point for each point and compares edge sets built afresh on
    each test (60 ms a page for a statutory table); here each point's edges are a set built
    once and the points below and to the right are looked up by column and by row."""
    bbox = plumber_table.utils.obj_to_bbox
    v_of = {p: frozenset(map(bbox, found["v"])) for p, found in intersections.items()}
    h_of = {p: frozenset(map(bbox, found["h"])) for p, found in intersections.items()}
    points = sorted(intersections)
    down: dict[float, list[tuple[float, float]]] = {}
    across: dict[float, list[tuple[float, float]]] = {}
    for p in points:  # sorted by x, then y: each column's points top to bottom
        down.setdefault(p[0], []).append(p)
    for p in sorted(points, key=lambda p: (p[1], p[0])):
        across.setdefault(p[1], []).append(p)
    cells = []
    for i, pt in enumerate(points):
        if i == len(points) - 1:
            break
        below = [q for q in down[pt[0]] if q[1] > pt[1] and v_of[pt] & v_of[q]]
        right = [q for q in across[pt[1]] if q[0] > pt[0] and h_of[pt] & h_of[q]]
        cell = next(
            (
                (pt[0], pt[1], r[0], b[1])
                for b in below
                for r in right
                if (r[0], b[1]) in intersections and v_of[(r[0], b[1])] & v_of[r] and h_of[(r[0], b[1])] & h_of[b]
            ),
            None,
        )
        if cell is not None:
            cells.append(cell)
    return cells


def _table(cells: list[tuple[float, float, float, float]], chars: list[Char]) -> RuledTable:
    bbox = (min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells), max(c[3] for c in cells))
    xs = sorted({c[0] for c in cells} | {c[2] for c in cells})
    ys = sorted({c[1] for c in cells} | {c[3] for c in cells})
    owner: dict[tuple[int, int], int] = {}  # (row slot, column slot) -> cell index
    for k, (x0, top, x1, bottom) in enumerate(cells):
        for i in range(bisect.bisect_left(ys, top), bisect.bisect_left(ys, bottom)):
            for j in range(bisect.bisect_left(xs, x0), bisect.bisect_left(xs, x1)):
                owner.setdefault((i, j), k)
    inside: dict[int, list[Char]] = {}
    for ch in chars:
        h_mid, v_mid = (ch[1] + ch[2]) / 2, (ch[3] + ch[4]) / 2
        if not (bbox[0] <= h_mid < bbox[2] and bbox[1] <= v_mid < bbox[3]):
            continue
        k = owner.get((bisect.bisect_right(ys, v_mid) - 1, bisect.bisect_right(xs, h_mid) - 1))
        if k is not None:
            x0, top, x1, bottom = cells[k]
            if x0 <= h_mid < x1 and top <= v_mid < bottom:
                inside.setdefault(k, []).append(ch)
    columns = sorted({c[0] for c in cells})
    rows = []
    by_position = sorted(range(len(cells)), key=lambda k: (cells[k][1], cells[k][0]))
    for top, group in itertools.groupby(by_position, key=lambda k: cells[k][1]):
        at = {cells[k][0]: k for k in group}
        rows.append((top, [None if x not in at else _cell_text(inside.get(at[x], [])) for x in columns]))
    return RuledTable(bbox, rows, cells)


def _cell_text(chars: list[Char]) -> str:
    """A cell's text: its lines joined without a break (a label wrapped in its cell is one
    label), the words of a line with a space (the rule of ``words``, without building words:
    a page has hundreds of cells)."""
    parts = []
    for line in _baseline_lines(chars):
        text: list[str] = []
        x1 = base = 0.0
        gap = False
        for ch, left, right, _, _, baseline in line:
            if ch == " ":
                gap = True
                continue
            if text and (gap or left > x1 + X_TOLERANCE or abs(baseline - base) > Y_TOLERANCE):
                text.append(" ")
            text.append(ch)
            x1, base, gap = right, baseline, False
        parts.append("".join(text))
    return "".join(parts).strip()
