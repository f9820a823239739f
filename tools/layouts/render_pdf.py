"""PDF with a text layer, drawn with reportlab's built-in CID font STSong-Light (no font
file; pypdfium2 and pdfplumber extract its Chinese text). Tables are ruled (every cell's
border drawn, as Word exports them) or unruled (text placed in columns only); they cross
pages with page numbers in the footer band, a running header, and their header rows
repeated or not."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from tools.layouts.grid import Doc, Grid, PageBreak, Para

FONT = "STSong-Light"
PAGE_W, PAGE_H = A4
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 56.0, 64.0, 64.0
TEXT_W = PAGE_W - 2 * MARGIN_X
BODY_SIZE, TABLE_SIZE = 10.5, 8.0
BODY_LEADING, TABLE_LEADING = 16.0, 10.5
CELL_PAD = 2.5
MIN_VALUE_W = 22.0

_registered = False


def _font() -> None:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True


def width(text: str, size: float = TABLE_SIZE) -> float:
    return pdfmetrics.stringWidth(text, FONT, size)


def wrap_line(text: str, room: float, size: float) -> list[str]:
    """Break one line of text into lines no wider than ``room`` (character by character)."""
    lines, current = [], ""
    for ch in text:
        if current and width(current + ch, size) > room:
            lines.append(current)
            current = ch
        else:
            current += ch
    return [*lines, current] if current or not lines else lines


@dataclass
class _Page:
    ops: list[tuple] = field(default_factory=list)


class _Writer:
    def __init__(self, ruled: bool, valign: str, repeat_header: bool):
        self.pages: list[_Page] = [_Page()]
        self.y = PAGE_H - MARGIN_TOP
        self.ruled, self.valign, self.repeat_header = ruled, valign, repeat_header

    def new_page(self) -> None:
        self.pages.append(_Page())
        self.y = PAGE_H - MARGIN_TOP

    def text(self, x: float, y: float, s: str, size: float) -> None:
        self.pages[-1].ops.append(("text", x, y, s, size))

    def rect(self, x: float, y: float, w: float, h: float) -> None:
        if self.ruled:
            self.pages[-1].ops.append(("rect", x, y, w, h))

    def para(self, text: str, heading: bool) -> None:
        size = BODY_SIZE + (2 if heading else 0)
        for line in wrap_line(text, TEXT_W, size):
            if self.y - BODY_LEADING < MARGIN_BOTTOM:
                self.new_page()
            self.y -= BODY_LEADING
            self.text(MARGIN_X, self.y, line, size)
        self.y -= 4

    def table(self, grid: Grid) -> None:
        widths = _column_widths(grid)
        xs = [MARGIN_X + sum(widths[:i]) for i in range(len(widths) + 1)]
        placed = grid.positions()
        texts = {}  # (r, col) -> wrapped lines
        heights = []
        for r, row in enumerate(placed):
            h = 1
            for col, cell in row:
                room = xs[min(col + cell.colspan, len(widths))] - xs[col] - 2 * CELL_PAD
                lines = [piece for line in cell.text.split("\n") for piece in wrap_line(line, room, TABLE_SIZE)]
                texts[(r, col)] = lines
                if cell.rowspan == 1:
                    h = max(h, len(lines))
            heights.append(h * TABLE_LEADING + 2 * CELL_PAD)
        for r, row in enumerate(placed):  # spanning cells need room for their lines
            for col, cell in row:
                if cell.rowspan > 1:
                    span = range(r, min(r + cell.rowspan, len(heights)))
                    need = len(texts[(r, col)]) * TABLE_LEADING + 2 * CELL_PAD - sum(heights[i] for i in span)
                    if need > 0:
                        for i in span:
                            heights[i] += need / len(span)
        self.y -= 4
        for r in range(len(placed)):
            if self.y - heights[r] < MARGIN_BOTTOM:
                self.new_page()
                if self.repeat_header and r >= grid.header_rows > 0:
                    for hr in range(grid.header_rows):
                        self._row(grid, placed, hr, texts, heights, xs, clip=grid.header_rows)
            self._row(grid, placed, r, texts, heights, xs, clip=len(heights))
        self.y -= 8

    def _row(self, grid, placed, r, texts, heights, xs, clip: int) -> None:
        top = self.y
        for col, cell in placed[r]:
            end = min(r + cell.rowspan, clip)
            h = 0.0
            for i in range(r, end):  # what fits on this page
                if top - h - heights[i] < MARGIN_BOTTOM - 0.1:
                    break
                h += heights[i]
            h = max(h, heights[r])
            x0, x1 = xs[col], xs[min(col + cell.colspan, len(xs) - 1)]
            self.rect(x0, top - h, x1 - x0, h)
            lines = texts[(r, col)]
            used = len(lines) * TABLE_LEADING
            align = "middle" if cell.rowspan > 1 else self.valign
            offset = {"top": CELL_PAD, "middle": (h - used) / 2, "bottom": h - used - CELL_PAD}[align]
            for i, line in enumerate(lines):
                baseline = top - offset - (i + 1) * TABLE_LEADING + 2.5
                x = (x0 + x1) / 2 - width(line) / 2 if cell.value or cell.header else x0 + CELL_PAD
                self.text(x, baseline, line, TABLE_SIZE)
        self.y -= heights[r]


def _column_widths(grid: Grid) -> list[float]:
    ncols = grid.ncols
    natural = [0.0] * ncols
    is_value = [False] * ncols
    for row in grid.positions():
        for col, cell in row:
            if cell.value:
                for c in range(col, min(col + cell.colspan, ncols)):
                    is_value[c] = True
    for row in grid.positions():
        for col, cell in row:
            if cell.colspan == 1 and not cell.header:
                longest = max((width(line) for line in cell.text.split("\n")), default=0)
                natural[col] = max(natural[col], longest + 2 * CELL_PAD)
    widths = [max(n, MIN_VALUE_W) if is_value[c] else max(n, 14.0) for c, n in enumerate(natural)]
    values = sum(w for w, v in zip(widths, is_value, strict=True) if v)
    labels = sum(w for w, v in zip(widths, is_value, strict=True) if not v)
    if values + labels > TEXT_W:
        room = max(TEXT_W - values, 60.0)
        scale = room / labels if labels else 1
        widths = [w if v else max(w * scale, 14.0) for w, v in zip(widths, is_value, strict=True)]
    total = sum(widths)
    if total > TEXT_W:
        widths = [w * TEXT_W / total for w in widths]
    elif not any(is_value) or total < TEXT_W * 0.6:
        widths = [w * (TEXT_W * 0.8) / total for w in widths]
    return widths


def render(
    doc: Doc,
    ruled: bool = True,
    valign: str = "middle",
    page_number: str = "- {n} -",
    running_header: str = "",
    repeat_header: bool = True,
) -> bytes:
    _font()
    writer = _Writer(ruled, valign, repeat_header)
    for block in doc.blocks:
        if isinstance(block, Para):
            writer.para(block.text, block.heading and block.text == doc.title)
        elif isinstance(block, PageBreak):
            writer.new_page()
        else:
            writer.table(block)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(doc.title)
    total = len(writer.pages)
    for n, page in enumerate(writer.pages, start=1):
        pdf.setLineWidth(0.5)
        for op in page.ops:
            if op[0] == "text":
                _, x, y, s, size = op
                pdf.setFont(FONT, size)
                pdf.drawString(x, y, s)
            else:
                _, x, y, w, h = op
                pdf.rect(x, y, w, h)
        pdf.setFont(FONT, 9)
        number = page_number.format(n=n, m=total)
        pdf.drawString(PAGE_W / 2 - width(number, 9) / 2, 36, number)
        if running_header and n > 1:
            pdf.drawString(PAGE_W / 2 - width(running_header, 9) / 2, PAGE_H - 40, running_header)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()
