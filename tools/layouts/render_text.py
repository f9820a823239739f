"""Plain text (space-separated, as PDF text extraction gives), tab-separated text, Markdown,
and the crawled text whose cells run together."""

from __future__ import annotations

from tools.layouts.grid import Doc, GCell, Grid, PageBreak, Para


def flatten(grid: Grid, merged: str) -> Grid:
    """The grid a converter exports: every position a cell of its own; a merged cell's text
    repeated into the positions it covered (``'repeat'``) or left empty (``'empty'``)."""
    rows = grid.expand(merged)
    cells = [[GCell(t, header=r < grid.header_rows) for t in row] for r, row in enumerate(rows)]
    for r, placed in enumerate(grid.positions()):
        for col, cell in placed:
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    if r + dr < len(cells) and col + dc < len(cells[0]):
                        cells[r + dr][col + dc].value = cell.value
    return Grid(cells, grid.header_rows, grid.name)


def grid_lines(grid: Grid, valign: str = "middle") -> list[list[tuple[int, str]]]:
    """The printed lines of a grid, each a list of (column, text) fragments, as a page shows
    them: a cell's lines sit beside its neighbours' (top, middle or bottom); a cell spanning
    rows spreads its lines over theirs (a one-char-per-line group label interleaves)."""
    placed = grid.positions()
    heights = []
    for r, row in enumerate(placed):
        own = [len(c.text.split("\n")) for _, c in row if c.rowspan == 1]
        heights.append(max(own, default=1))
        del r
    for r, row in enumerate(placed):  # a spanning cell needs room for all its lines
        for _, cell in row:
            if cell.rowspan > 1:
                need = len(cell.text.split("\n"))
                span = range(r, min(r + cell.rowspan, len(heights)))
                short = need - sum(heights[i] for i in span)
                if short > 0:
                    heights[span[-1]] += short
    starts = [sum(heights[:r]) for r in range(len(heights))]
    lines: list[list[tuple[int, str]]] = [[] for _ in range(sum(heights))]
    for r, row in enumerate(placed):
        for col, cell in row:
            if not cell.text:
                continue
            texts = cell.text.split("\n")
            span = range(r, min(r + cell.rowspan, len(heights)))
            room = sum(heights[i] for i in span)
            align = "middle" if cell.rowspan > 1 else valign
            offset = {"top": 0, "middle": (room - len(texts)) // 2, "bottom": room - len(texts)}[align]
            for i, t in enumerate(texts):
                lines[starts[r] + offset + i].append((col, t))
    return [sorted(line, key=lambda x: x[0]) for line in lines]


def render_txt(doc: Doc, valign: str = "middle") -> str:
    out: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Para):
            out.append(block.text)
        elif isinstance(block, PageBreak):
            out.extend(t for t in (block.footer, block.header) if t)
        else:
            for line in grid_lines(block, valign):
                text = " ".join(t for _, t in line if t.strip())
                if text:
                    out.append(text)
    return "\n".join(out) + "\n"


def render_tsv(doc: Doc) -> str:
    out: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Para):
            out.append(block.text)
        elif isinstance(block, PageBreak):
            out.extend(t for t in (block.footer, block.header) if t)
        else:
            for row in block.expand("empty"):
                out.append("\t".join(t.replace("\n", "") for t in row))
    return "\n".join(out) + "\n"


def render_md(doc: Doc) -> str:
    out: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Para):
            out.append(("## " if block.heading else "") + block.text)
            out.append("")
        elif isinstance(block, PageBreak):
            out.extend(f"{t}\n" for t in (block.footer, block.header) if t)
        else:
            rows = block.expand("empty")
            for i, row in enumerate(rows):
                out.append("| " + " | ".join(t.replace("\n", "<br>") for t in row) + " |")
                if i == 0:
                    out.append("|" + "---|" * len(row))
            out.append("")
    return "\n".join(out) + "\n"


def render_fused(doc: Doc, one_line: bool) -> str:
    """A crawler's copy: a cell's own line breaks become spaces and cells run together with
    no separator; with ``one_line`` the whole body is one line."""
    out: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Para):
            out.append(block.text + (" " if one_line and block.heading else ""))
        elif isinstance(block, PageBreak):
            out.extend(t for t in (block.footer, block.header) if t)
        else:
            for row in block.expand("empty"):
                out.append("".join(t.replace("\n", " ") for t in row))
    if one_line:
        return out[0] + "\n" + "".join(out[1:]) + "\n"
    return "\n".join(out) + "\n"
