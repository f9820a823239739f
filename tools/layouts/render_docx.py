"""Word files, in two looks of the same document model.

- Converter-like (``render(doc)``, the layout generator): paragraphs and tables in order, merged
  cells as gridSpan/vMerge, a cell's lines as paragraphs; page furniture as paragraphs between
  table parts (what PDF-to-Word converters produce). Tables are written as WordprocessingML
  directly (python-docx's ``cell()`` and ``merge()`` are quadratic in the table size).
- Authored in Word (``render(doc, look=WordLook(...))``, the bundled samples): A4 page, Chinese
  official-document fonts, headings as styles or bold paragraphs, captions, fixed column widths,
  borderless tables, repeated header rows, rows that never split, a page-number footer with
  fields, a running header. Small tables, so python-docx's merge API is fine here, and it writes
  exactly the XML Word users' files carry.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

from tools.layouts.grid import Doc, GCell, Grid, PageBreak, Para, TableStyle

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


def render(doc: Doc, look: WordLook | None = None) -> bytes:
    """The document as a .docx file: converter-like, or authored in Word when ``look`` is given."""
    if look is not None:
        return _render_authored(doc, look)
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


# --- authored in Word ------------------------------------------------------------------------------

FONT_BODY = "仿宋_GB2312"
FONT_HEI = "黑体"
FONT_KAI = "楷体_GB2312"
FONT_TITLE = "方正小标宋简体"
FONT_TABLE = "宋体"
FONT_ASCII = "Times New Roman"
TWIPS_PER_CM = 567
TEXT_WIDTH_CM = 15.6  # A4 less the official-document margins


@dataclass(frozen=True)
class WordLook:
    """A report as an agency's staff type it in Word (the fonts of GB/T 9704 official documents)."""

    body_pt: float = 12
    table_pt: float = 9  # caption paragraphs; each table's own size is in its ``TableStyle``
    line_breaks: str = "para"  # a cell's lines: para (one paragraph each) | br (soft breaks in one paragraph)
    heading_styles: bool = False  # headings as Word's Heading 1-4 styles (from ``Para.level``), else bold text
    footer: str = ""  # page number in the footer: '' | dash (— N —) | page (第 N 页 共 M 页)
    running_header: str = ""  # text repeated atop every page
    date: str = ""  # ISO date of the last save (core properties); created three days before
    author: str = "Administrator"


def _font(run, east: str, size: float | None = None, bold: bool | None = None) -> None:
    run.font.name = FONT_ASCII
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), east)
    fonts.set(qn("w:ascii"), FONT_ASCII)
    fonts.set(qn("w:hAnsi"), FONT_ASCII)
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold


def _cell_text(cell, gcell: GCell, size: float, line_breaks: str) -> None:
    p = cell.paragraphs[0]
    for i, part in enumerate(gcell.text.split("\n")):
        if i > 0:
            if line_breaks == "para":
                p = cell.add_paragraph()
            else:
                p.runs[-1].add_break()
        _font(p.add_run(part), FONT_TABLE, size, gcell.bold)
    for para in cell.paragraphs:
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER if gcell.align == "center" else WD_ALIGN_PARAGRAPH.LEFT
        pf = para.paragraph_format
        pf.space_before = Pt(0)
        pf.space_after = Pt(0)
        pf.line_spacing = 1.0
        pf.first_line_indent = Pt(0)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _table_props(table, widths_cm: tuple[float, ...], borderless: bool) -> None:
    """Fixed layout, explicit grid and cell widths (a cell: the sum of the columns it spans),
    single black rules or none, narrow cell margins, centred on the page."""
    tbl = table._tbl
    tbl_pr = tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.append(tbl_w)
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(int(sum(widths_cm) * TWIPS_PER_CM)))
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        if borderless:
            el.set(qn("w:val"), "nil")
        else:
            el.set(qn("w:val"), "single")
            el.set(qn("w:sz"), "4")
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
        borders.append(el)
    tbl_pr.append(borders)
    mar = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), "57")
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tbl_pr.append(mar)
    for gc, w in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths_cm, strict=True):
        gc.set(qn("w:w"), str(int(w * TWIPS_PER_CM)))
    for tr in tbl.findall(qn("w:tr")):
        col = 0
        for tc in tr.findall(qn("w:tc")):
            span = tc.grid_span
            tc_pr = tc.get_or_add_tcPr()
            tc_w = tc_pr.find(qn("w:tcW"))
            if tc_w is None:
                tc_w = OxmlElement("w:tcW")
                tc_pr.insert(0, tc_w)
            tc_w.set(qn("w:type"), "dxa")
            tc_w.set(qn("w:w"), str(int(sum(widths_cm[col : col + span]) * TWIPS_PER_CM)))
            col += span
    table.alignment = WD_TABLE_ALIGNMENT.CENTER


def _authored_table(document, grid: Grid, look: WordLook) -> None:
    """A grid as Word's table API builds it; a grid without a ``TableStyle`` (the layout
    generator's) gets equal columns over the text width in the look's table font size."""
    style = grid.style or TableStyle(widths_cm=(TEXT_WIDTH_CM / grid.ncols,) * grid.ncols, font_pt=look.table_pt)
    table = document.add_table(rows=len(grid.rows), cols=grid.ncols)
    for r, placed in enumerate(grid.positions()):
        for col, gcell in placed:
            cell = table.cell(r, col)
            if gcell.rowspan > 1 or gcell.colspan > 1:
                cell = cell.merge(table.cell(r + gcell.rowspan - 1, col + gcell.colspan - 1))
            _cell_text(cell, gcell, style.font_pt, look.line_breaks)
    _table_props(table, style.widths_cm, style.borderless)
    rows = table._tbl.findall(qn("w:tr"))
    if style.repeat_header:
        for tr in rows[: grid.header_rows]:
            el = OxmlElement("w:tblHeader")
            el.set(qn("w:val"), "true")
            tr.get_or_add_trPr().append(el)
    if style.cant_split:
        for tr in rows:
            tr.get_or_add_trPr().insert(0, OxmlElement("w:cantSplit"))
    if style.keep_header_with_body:
        for row in table.rows[: grid.header_rows]:
            for cell in row.cells:
                for para in cell.paragraphs:
                    para.paragraph_format.keep_with_next = True


def _authored_para(document, para: Para, look: WordLook, doc_title: str = "") -> None:
    size = look.body_pt
    kind = para.kind or ("title" if para.text == doc_title else "h1" if para.heading else "p")
    if kind == "spacer":  # Word needs a paragraph between two tables
        document.add_paragraph()
        return
    if kind == "title":
        p = document.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(12)
        _font(p.add_run(para.text), FONT_TITLE, 22 if size >= 14 else 18, True)
        return
    if kind == "caption":
        p = document.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_before = Pt(6)
        p.paragraph_format.space_after = Pt(3)
        _font(p.add_run(para.text), FONT_HEI, look.table_pt + 1, False)
        return
    if look.heading_styles and para.level >= 2:
        p = document.add_paragraph(style=f"Heading {min(para.level - 1, 4)}")
        run = p.add_run(para.text)
        _font(run, FONT_HEI, size + (2 if para.level == 2 else 0), True)
        run.font.color.rgb = RGBColor(0, 0, 0)
        return
    p = document.add_paragraph()
    pf = p.paragraph_format
    pf.space_after = Pt(0)
    pf.line_spacing = 1.25
    fonts = {"h1": (FONT_HEI, False), "h2": (FONT_KAI, True), "h3": (FONT_BODY, True)}
    font, bold = fonts.get(kind, (FONT_BODY, False))
    _font(p.add_run(para.text), font, size, bold)
    pf.first_line_indent = Pt(size * 2)
    if font == FONT_BODY and not bold:
        pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY


def _field(paragraph, instr: str) -> None:
    """A simple field (PAGE, NUMPAGES): Word fills in the number when it lays the page out."""
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "1"
    r.append(t)
    fld.append(r)
    paragraph._p.append(fld)


def _page_setup(document, look: WordLook) -> None:
    sec = document.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.top_margin, sec.bottom_margin = Cm(3.7), Cm(3.5)
    sec.left_margin, sec.right_margin = Cm(2.8), Cm(2.6)
    sec.header_distance, sec.footer_distance = Cm(1.5), Cm(2.0)
    normal = document.styles["Normal"]
    normal.font.size = Pt(look.body_pt)
    normal.element.get_or_add_rPr()
    rfonts = normal.element.rPr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        normal.element.rPr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), FONT_BODY)
    rfonts.set(qn("w:ascii"), FONT_ASCII)
    rfonts.set(qn("w:hAnsi"), FONT_ASCII)
    cp = document.core_properties
    cp.comments = ""
    cp.author = look.author
    cp.last_modified_by = look.author
    cp.title = ""
    if look.date:
        when = dt.datetime.fromisoformat(look.date + "T09:30:00")
        cp.created = when - dt.timedelta(days=3)
        cp.modified = when
    if look.footer:
        fp = sec.footer.paragraphs[0]
        fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if look.footer == "dash":
            _font(fp.add_run("— "), FONT_BODY, 12)
            _field(fp, "PAGE")
            _font(fp.add_run(" —"), FONT_BODY, 12)
        else:
            _font(fp.add_run("第 "), FONT_BODY, 10.5)
            _field(fp, "PAGE")
            _font(fp.add_run(" 页 共 "), FONT_BODY, 10.5)
            _field(fp, "NUMPAGES")
            _font(fp.add_run(" 页"), FONT_BODY, 10.5)
    if look.running_header:
        hp = sec.header.paragraphs[0]
        hp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _font(hp.add_run(look.running_header), FONT_BODY, 9)


def _render_authored(doc: Doc, look: WordLook) -> bytes:
    document = Document()
    _page_setup(document, look)
    for block in doc.blocks:
        if isinstance(block, Para):
            _authored_para(document, block, look, doc.title)
        elif isinstance(block, PageBreak):
            document.add_page_break()
        else:
            _authored_table(document, block, look)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
