"""The document model every renderer draws: paragraphs, tables of cells with spans, page breaks.

A ``Grid`` lists each row's cells in column order, omitting the positions a span covers (as
HTML does). ``expand`` gives the rectangular view converters produce, where a merged cell is
either repeated into every position it covers or left empty there.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class GCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False
    value: bool = False  # a statutory value cell (right-aligned, never wrapped)
    bold: bool = False  # styled renderings only (a caption printed bold)
    align: str = "center"  # styled renderings only: center | left (row labels of an authored table)


@dataclass(frozen=True)
class TableStyle:
    """How an authored table looks, for the renderers that draw styled documents (the bundled
    samples); the generator's converter-like renderings ignore it. Widths are in cm (DOCX) and
    pixels (HTML) because those are the units the two formats' authors use."""

    widths_cm: tuple[float, ...] = ()
    width_px: int = 0
    font_pt: float = 9.0
    borderless: bool = False
    repeat_header: bool = False  # Word: header rows marked to repeat after a page break (w:tblHeader)
    cant_split: bool = False  # Word: no row breaks across pages
    keep_header_with_body: bool = False  # Word: header rows kept on the page of the first body row


@dataclass
class Grid:
    rows: list[list[GCell]]
    header_rows: int = 0  # rows repeated after a page break when the layout says so
    name: str = ""
    style: TableStyle | None = None

    @property
    def ncols(self) -> int:
        return max((sum(c.colspan for c in self.rows[0]) if self.rows else 0), 1)

    def positions(self) -> list[list[tuple[int, GCell]]]:
        """Each row's cells with their starting column, resolving rowspans."""
        taken: dict[tuple[int, int], bool] = {}
        out: list[list[tuple[int, GCell]]] = []
        for r, row in enumerate(self.rows):
            col, placed = 0, []
            for cell in row:
                while taken.get((r, col)):
                    col += 1
                placed.append((col, cell))
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        taken[(r + dr, col + dc)] = True
                col += cell.colspan
            out.append(placed)
        return out

    def expand(self, merged: str) -> list[list[str]]:
        """Rectangular text grid; ``merged`` = 'repeat' copies a merged cell's text into every
        position it covers, anything else leaves those positions empty."""
        ncols = self.ncols
        grid = [[""] * ncols for _ in self.rows]
        for r, placed in enumerate(self.positions()):
            for col, cell in placed:
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        if r + dr < len(grid) and col + dc < ncols:
                            first = dr == 0 and dc == 0
                            grid[r + dr][col + dc] = cell.text if first or merged == "repeat" else ""
        return grid


@dataclass
class Para:
    text: str
    heading: bool = False
    kind: str = ""  # styled renderings: title | h1 | h2 | h3 | p | caption | spacer ('' = by ``heading``)
    level: int = 0  # heading level the source gave it (a Markdown seed's number of '#'), 0 if none


@dataclass
class PageBreak:
    """The end of a page: the footer printed there, the header printed atop the next page."""

    footer: str = ""
    header: str = ""


@dataclass
class Doc:
    title: str
    blocks: list[Para | Grid | PageBreak] = field(default_factory=list)
