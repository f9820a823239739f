"""Word files: paragraphs and tables in order, merged cells as gridSpan/vMerge, a cell's lines
as paragraphs; page furniture as paragraphs between table parts (what PDF-to-Word converters
produce). Tables are written as WordprocessingML directly (python-docx's ``cell()`` and
``merge()`` are quadratic in the table size)."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from tools.layouts.grid import Doc, Grid, PageBreak, Para

TEXT_WIDTH_TWIPS = 9000


def _paragraphs(text: str, size_half_points: int = 18) -> str:
    runs = []
    for line in text.split("\n") if text else [""]:
        size = f'<w:rPr><w:sz w:val="{size_half_points}"/></w:rPr>'
        run = f'<w:r>{size}<w:t xml:space="preserve">{escape(line)}</w:t></w:r>'
        runs.append(f"<w:p>{run if line else ''}</w:p>")
    return "".join(runs)


def table_xml(grid: Grid) -> str:
    """A grid as a ``w:tbl``: colspan as ``w:gridSpan``, rowspan as ``w:vMerge`` (restart,
    then continue cells holding an empty paragraph)."""
    ncols = grid.ncols
    starts: dict[tuple[int, int], object] = {}
    covered: dict[tuple[int, int], object] = {}
    for r, placed in enumerate(grid.positions()):
        for col, cell in placed:
            starts[(r, col)] = cell
            for dr in range(1, cell.rowspan):
                covered[(r + dr, col)] = cell
    width = TEXT_WIDTH_TWIPS // ncols
    rows = []
    for r in range(len(grid.rows)):
        tcs, c = [], 0
        while c < ncols:
            cell = starts.get((r, c))
            cont = covered.get((r, c))
            if cell is not None:
                span = min(cell.colspan, ncols - c)
                props = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
                props += '<w:vMerge w:val="restart"/>' if cell.rowspan > 1 else ""
                tcs.append(f"<w:tc><w:tcPr>{props}</w:tcPr>{_paragraphs(cell.text)}</w:tc>")
            elif cont is not None:
                span = min(cont.colspan, ncols - c)
                props = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
                tcs.append(f"<w:tc><w:tcPr>{props}<w:vMerge/></w:tcPr><w:p/></w:tc>")
            else:
                span = 1
                tcs.append("<w:tc><w:tcPr/><w:p/></w:tc>")
            c += span
        rows.append("<w:tr>" + "".join(tcs) + "</w:tr>")
    grid_cols = "".join(f'<w:gridCol w:w="{width}"/>' for _ in range(ncols))
    borders = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    return (
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblBorders>{borders}</w:tblBorders>'
        f"</w:tblPr><w:tblGrid>{grid_cols}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )


def add_table(document, grid: Grid) -> None:
    body = document.element.body
    body.insert(len(body) - 1, parse_xml(table_xml(grid)))  # before the closing w:sectPr


def render(doc: Doc) -> bytes:
    document = Document()
    for block in doc.blocks:
        if isinstance(block, Para):
            if block.text == doc.title:
                document.add_heading(block.text, level=1)
            else:
                document.add_paragraph(block.text)
        elif isinstance(block, PageBreak):
            for text in (block.footer, block.header):
                if text:
                    document.add_paragraph(text)
        else:
            add_table(document, block)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
