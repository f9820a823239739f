#!/usr/bin/env python3
# ruff: noqa: E501, E741, B007, B905  (dev tooling, not run by CI)
"""Regenerate the sample report files (DOCX, PDF, HTML, bad inputs, text variants) from the seeds.

Development tooling for gongkai (committed as tools/make_samples.py). Every sample carries exactly
the numbers and text of its seed (``NNN_<hash>.txt``); the script parses each seed into a small
model (title, narrative paragraphs, the three statutory tables with their printed cell values),
writes the derived files, converts the DOCX files to PDF with LibreOffice, verifies every output
against the seed model, and writes MANIFEST.md.

Usage:
    python tools/make_samples.py --out DIR [--seeds DIR] [--no-pdf]

--seeds defaults to ../shared/seeds (next to the repository) when it exists, else <repo>/data/raw (only NNN_*.txt files
are read). Exit status 1 when any output disagrees with its seed.

Requirements: python-docx, pdfplumber, lxml, OpenCC (pip package "OpenCC"); on PATH: soffice
(LibreOffice writer), pdftoppm (poppler-utils), img2pdf; fonts-noto-cjk for the PDF glyphs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import random
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

# ----------------------------------------------------------------------------------------------
# Seed model
# ----------------------------------------------------------------------------------------------

NUM_RE = re.compile(r"^-?\d+(?:\.\d+)?$")
SEC2 = "二、主动公开政府信息情况"
SEC3 = "三、收到和处理政府信息公开申请情况"
SEC4 = "四、政府信息公开行政复议、行政诉讼情况"
SEC5 = "五、存在的主要问题及改进情况"
APPLICANT_COLS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
# Table 三 row structure of the 2021 template: (level-1 ordinal, level-2 ordinal, level-3 ordinal)
T3_STRUCT = (
    [("一", None, None), ("二", None, None), ("三", "一", None), ("三", "二", None)]
    + [("三", "三", k) for k in range(1, 9)]
    + [("三", "四", k) for k in range(1, 4)]
    + [("三", "五", k) for k in range(1, 6)]
    + [("三", "六", k) for k in range(1, 4)]
    + [("三", "七", None), ("四", None, None)]
)
T4_RESULTS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
CN_NUM = "一二三四五六七八九十"


@dataclass
class Para:
    text: str
    kind: str  # title, h1, h2, h3, p
    md_level: int = 0  # number of leading '#' in a Markdown seed


@dataclass
class Block:  # one block of table 二
    caption: str
    header: list[str]  # starts with 信息内容
    rows: list[tuple[str, list[str]]]


@dataclass
class T3Row:
    l1: str
    l2: str | None
    l3: str | None
    values: list[str]
    struct: tuple


@dataclass
class Seed:
    path: Path
    stem: str
    key: str
    title: str
    year: str
    pre: list[Para]
    post: list[Para]
    headings: dict  # '二','三','四' -> Para of the section heading as printed
    t2: list[Block]
    t3_note: str
    t3: list[T3Row]
    t4: list[str]
    wrapped: bool = False

    def numbers(self):
        """All printed numbers of the three tables, in reading order: (t2, t3, t4)."""
        t2 = [v for b in self.t2 for _, vals in b.rows for v in vals]
        t3 = [v for r in self.t3 for v in r.values]
        return t2, t3, list(self.t4)

    def narrative(self):
        return [p for p in self.pre + self.post if p.kind != "title"]


def _width(s: str) -> float:
    return sum(1 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in s)


_HEADING_START = re.compile(rf"^(#+\s*)?([{CN_NUM}]+、|[（(][{CN_NUM}]+[）)]|\d+、|[{CN_NUM}]是)")


def _classify(text: str, md_level: int) -> str:
    t = text.strip()
    if md_level == 1:
        return "title"
    if re.match(rf"^[{CN_NUM}]+、", t) and len(t) <= 30:
        return "h1"
    if re.match(rf"^[（(][{CN_NUM}]+[）)]", t) and len(t) <= 20:
        return "h2"
    if re.match(r"^\d+、", t) and len(t) <= 20:
        return "h3"
    return "p"


def _paragraphs(lines: list[str], wrapped: bool, wrap_at: float) -> list[Para]:
    """Seed lines -> paragraphs. Hard-wrapped PDF extracts (seeds 000, 003) are re-flowed:
    a line as wide as the page text width continues on the next line unless that starts a heading."""
    raw = [l.rstrip("\n") for l in lines]
    out: list[Para] = []
    buf = None
    for i, line in enumerate(raw):
        s = line.strip()
        if not s:
            continue
        m = re.match(r"^(#+)\s*", s)
        md = len(m.group(1)) if m else 0
        text = s[m.end() :] if m else s
        if buf is not None:
            buf += text
        else:
            buf = text
            buf_md = md
        # decide whether this line continues
        cont = False
        if wrapped and _width(line) >= wrap_at:
            nxt = next((r.strip() for r in raw[i + 1 :] if r.strip()), "")
            if nxt and not _HEADING_START.match(nxt):
                cont = True
        if not cont:
            out.append(Para(buf, _classify(buf, buf_md), buf_md))
            buf = None
    if buf is not None:
        out.append(Para(buf, _classify(buf, buf_md), buf_md))
    return out


def _find_heading(lines, heading, start=0):
    for i in range(start, len(lines)):
        s = re.sub(r"^#+\s*", "", lines[i].strip())
        if s == heading:
            return i
    raise ValueError(f"heading {heading} not found")


def _cells(line: str) -> list[str]:
    s = line.strip()
    if "\t" in line:
        return [c.strip() for c in line.split("\t") if c.strip()]
    return s.split()


_LABEL_START = re.compile(rf"^([{CN_NUM}]、|[（(][{CN_NUM}][）)]|\d+\.)")
_RUN7 = re.compile(r"(?m)(?<![^\s])(-?\d+(?:\.\d+)?(?:[ \t]+-?\d+(?:\.\d+)?){6})[ \t]*$")


def _label_pieces(chunk: str) -> list[str]:
    pieces: list[str] = []
    for frag in re.split(r"[\n\t]", chunk):
        frag = frag.strip()
        if not frag:
            continue
        if pieces and not _LABEL_START.match(frag):
            pieces[-1] += frag  # a label wrapped over several lines
        else:
            pieces.append(frag)
    return pieces


def _ordinal(piece: str):
    m = re.match(rf"^([{CN_NUM}])、", piece)
    if m:
        return 1, m.group(1)
    m = re.match(rf"^[（(]([{CN_NUM}])[）)]", piece)
    if m:
        return 2, m.group(1)
    m = re.match(r"^(\d+)\.", piece)
    if m:
        return 3, int(m.group(1))
    raise ValueError(f"not a row label: {piece!r}")


def parse_seed(path: Path) -> Seed:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    i2 = _find_heading(lines, SEC2)
    i3 = _find_heading(lines, SEC3, i2 + 1)
    i4 = _find_heading(lines, SEC4, i3 + 1)
    i5 = _find_heading(lines, SEC5, i4 + 1)

    # hard-wrapped PDF extract?
    widths = [_width(l) for l in lines[:i2] + lines[i5:] if l.strip()]
    maxw = max(widths)
    wrapped = sum(1 for w in widths if w >= maxw - 2.5) >= 5
    pre = _paragraphs(lines[:i2], wrapped, maxw - 2.5)
    post = _paragraphs(lines[i5:], wrapped, maxw - 2.5)
    titles = [p for p in pre if re.search(r"政府信息公开\s*工作年度报告$", p.text)]
    if not titles:
        raise ValueError(f"{path.name}: no title")
    title_para = titles[0]
    title_para.kind = "title"
    pre.remove(title_para)
    year = re.search(r"(20\d\d)\s*年", title_para.text).group(1)

    def heading_para(i):
        s = lines[i].strip()
        m = re.match(r"^(#+)\s*", s)
        return Para(s[m.end() :] if m else s, "h1", len(m.group(1)) if m else 0)

    headings = {"二": heading_para(i2), "三": heading_para(i3), "四": heading_para(i4)}

    # ---- table 二
    blocks: list[Block] = []
    for line in lines[i2 + 1 : i3]:
        if not line.strip():
            continue
        cells = _cells(line)
        if cells[0].startswith("第二十条"):
            blocks.append(Block(cells[0], [], []))
        elif cells[0] == "信息内容":
            blocks[-1].header = cells
        else:
            label, vals = cells[0], cells[1:]
            assert vals and all(NUM_RE.match(v) for v in vals), (path.name, line)
            assert len(vals) == len(blocks[-1].header) - 1, (path.name, line)
            blocks[-1].rows.append((label, vals))
    assert [len(b.rows) for b in blocks] == [2, 1, 2, 1], path.name

    # ---- table 三
    region = "\n".join(lines[i3 + 1 : i4])
    note = re.search(r"[（(]本列数据的勾稽关系为：[^）)]*[）)]", region).group(0)
    runs = list(_RUN7.finditer(region))
    assert len(runs) == 25, (path.name, len(runs))
    t3: list[T3Row] = []
    cur = {1: None, 2: None}
    prev_end = region.index("一、本年新收")
    for run, struct in zip(runs, T3_STRUCT):
        pieces = _label_pieces(region[prev_end : run.start()])
        prev_end = run.end()
        l3 = None
        for piece in pieces:
            level, ordv = _ordinal(piece)
            if level == 1:
                assert ordv == struct[0], (path.name, piece, struct)
                cur[1], cur[2] = piece, None
            elif level == 2:
                assert ordv == struct[1], (path.name, piece, struct)
                cur[2] = piece
            else:
                assert ordv == struct[2], (path.name, piece, struct)
                l3 = piece
        if struct[1] is None:
            assert cur[2] is None
        if struct[2] is not None:
            assert l3 is not None, (path.name, struct)
        t3.append(T3Row(cur[1], cur[2] if struct[1] else None, l3, run.group(1).split(), struct))
    # ---- table 四
    t4 = None
    for line in lines[i4 + 1 : i5]:
        cells = _cells(line)
        if len(cells) == 15 and all(NUM_RE.match(c) for c in cells):
            t4 = cells
    assert t4, path.name
    stem = path.stem
    return Seed(path, stem, stem[:3], title_para.text, year, pre, post, headings, blocks, note, t3, t4, wrapped)


# ----------------------------------------------------------------------------------------------
# Per-seed layout choices (the variety the readers must survive)
# ----------------------------------------------------------------------------------------------

OPTIONS = {
    "000": dict(
        t2="single",
        t3_header="official",
        br="para",
        body_pt=16,
        table_pt=10.5,
        heading="plain",
        footer="dash",
        running_header=False,
        repeat_header=False,
        borderless=(),
        html_encoding="utf-8",
        html_meta="utf-8",
        html_t2_empty=False,
        html_style="plain",
        publisher="安阳高新技术产业开发区人民政府",
        site="安阳高新技术产业开发区",
        date="2022-01-20",
        index_no="410500-AYGX-2022-00003",
    ),
    "001": dict(
        t2="blocks_para",
        t3_header="total_top",
        br="br",
        body_pt=12,
        table_pt=9,
        heading="plain",
        footer=None,
        running_header=False,
        repeat_header=False,
        borderless=(),
        html_encoding="utf-8",
        html_meta="utf-8",
        html_t2_empty=True,
        html_style="word",
        publisher="济源虎岭高新技术产业开发区管理办公室",
        site="济源虎岭高新技术产业开发区",
        date="2022-01-25",
        index_no="JYHL-0101-2022-0011",
    ),
    "002": dict(
        t2="single",
        t3_header="total_top",
        br="para",
        body_pt=12,
        table_pt=9,
        heading="plain",
        footer="dash",
        running_header=False,
        repeat_header=False,
        borderless=(),
        html_encoding="gbk",
        html_meta="gbk",
        html_t2_empty=True,
        html_style="plain",
        publisher="南阳高新技术产业开发区管理委员会",
        site="南阳高新技术产业开发区",
        date="2024-01-22",
        index_no="NYGX-2024-000027",
    ),
    "003": dict(
        t2="blocks_caprow",
        t3_header="official",
        br="para",
        body_pt=14,
        table_pt=10.5,
        heading="plain",
        footer="page",
        running_header=True,
        repeat_header=True,
        borderless=(),
        html_encoding="utf-8",
        html_meta="utf-8",
        html_t2_empty=False,
        html_style="word",
        publisher="安阳县人民政府",
        site="安阳县人民政府",
        date="2022-01-28",
        index_no="410522-AYX-2022-00105",
    ),
    "004": dict(
        t2="single",
        t3_header="total_top",
        br="br",
        body_pt=12,
        table_pt=9,
        heading="styles",
        footer="dash",
        running_header=False,
        repeat_header=False,
        borderless=("t3", "t4"),
        html_encoding="gb18030",
        html_meta=None,
        html_t2_empty=True,
        html_style="plain",
        publisher="新乡高新技术产业开发区管理委员会",
        site="新乡高新技术产业开发区",
        date="2025-01-20",
        index_no="XXGX-2025-00008",
    ),
}

# header labels with the line breaks used inside table cells
T3_HEAD_BREAKS = {
    "自然人": "自然人",
    "商业企业": "商业\n企业",
    "科研机构": "科研\n机构",
    "社会公益组织": "社会公益\n组织",
    "法律服务机构": "法律服务\n机构",
    "其他": "其他",
    "总计": "总计",
}
T4_HEAD_BREAKS = {r: (r[:2] + "\n" + r[2:] if len(r) == 4 else r) for r in T4_RESULTS}

# ----------------------------------------------------------------------------------------------
# DOCX
# ----------------------------------------------------------------------------------------------

FONT_BODY = "仿宋_GB2312"
FONT_HEI = "黑体"
FONT_KAI = "楷体_GB2312"
FONT_TITLE = "方正小标宋简体"
FONT_TABLE = "宋体"


def _font(run, east, size=None, bold=None, ascii_font="Times New Roman"):
    run.font.name = ascii_font
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), east)
    fonts.set(qn("w:ascii"), ascii_font)
    fonts.set(qn("w:hAnsi"), ascii_font)
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold


def _set_cell_text(cell, text, size, bold=False, br="para", align="center"):
    parts = text.split("\n")
    p = cell.paragraphs[0]
    for i, part in enumerate(parts):
        if i > 0:
            if br == "para":
                p = cell.add_paragraph()
            else:
                p.runs[-1].add_break()
        run = p.add_run(part)
        _font(run, FONT_TABLE, size, bold)
    for para in cell.paragraphs:
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER if align == "center" else WD_ALIGN_PARAGRAPH.LEFT
        pf = para.paragraph_format
        pf.space_before = Pt(0)
        pf.space_after = Pt(0)
        pf.line_spacing = 1.0
        pf.first_line_indent = Pt(0)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _tbl_props(table, widths_cm, borderless=False):
    tbl = table._tbl
    tblPr = tbl.tblPr
    # fixed layout and explicit grid
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblPr.append(layout)
    tblW = tblPr.find(qn("w:tblW"))
    if tblW is None:
        tblW = OxmlElement("w:tblW")
        tblPr.append(tblW)
    tblW.set(qn("w:type"), "dxa")
    tblW.set(qn("w:w"), str(int(sum(widths_cm) * 567)))
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
    tblPr.append(borders)
    mar = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), "57")
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tblPr.append(mar)
    grid = tbl.tblGrid
    for gc, w in zip(grid.findall(qn("w:gridCol")), widths_cm):
        gc.set(qn("w:w"), str(int(w * 567)))
    # cell widths = sum of the spanned grid columns
    for tr in tbl.findall(qn("w:tr")):
        col = 0
        for tc in tr.findall(qn("w:tc")):
            span = tc.grid_span
            w = sum(widths_cm[col : col + span])
            tcPr = tc.get_or_add_tcPr()
            tcW = tcPr.find(qn("w:tcW"))
            if tcW is None:
                tcW = OxmlElement("w:tcW")
                tcPr.insert(0, tcW)
            tcW.set(qn("w:type"), "dxa")
            tcW.set(qn("w:w"), str(int(w * 567)))
            col += span
    table.alignment = WD_TABLE_ALIGNMENT.CENTER


def _cant_split(table):
    """No row of this table is split across two pages (Word: uncheck 'allow row to break across pages')."""
    for tr in table._tbl.findall(qn("w:tr")):
        trPr = tr.get_or_add_trPr()
        trPr.insert(0, OxmlElement("w:cantSplit"))


def _repeat_header(table, nrows):
    for tr in table._tbl.findall(qn("w:tr"))[:nrows]:
        trPr = tr.get_or_add_trPr()
        el = OxmlElement("w:tblHeader")
        el.set(qn("w:val"), "true")
        trPr.append(el)


def _add_para(doc, para: Para, opts, seed):
    size = opts["body_pt"]
    if para.kind == "title":
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(12)
        _font(p.add_run(para.text), FONT_TITLE, 22 if size >= 14 else 18, True)
        return p
    if opts["heading"] == "styles" and para.md_level >= 2:
        p = doc.add_paragraph(style=f"Heading {min(para.md_level - 1, 4)}")
        r = p.add_run(para.text)
        _font(r, FONT_HEI, size + (2 if para.md_level == 2 else 0), True)
        r.font.color.rgb = RGBColor(0, 0, 0)
        return p
    p = doc.add_paragraph()
    pf = p.paragraph_format
    pf.space_after = Pt(0)
    pf.line_spacing = 1.25
    if para.kind == "h1":
        _font(p.add_run(para.text), FONT_HEI, size, False)
        pf.first_line_indent = Pt(size * 2)
    elif para.kind == "h2":
        _font(p.add_run(para.text), FONT_KAI, size, True)
        pf.first_line_indent = Pt(size * 2)
    elif para.kind == "h3":
        _font(p.add_run(para.text), FONT_BODY, size, True)
        pf.first_line_indent = Pt(size * 2)
    else:
        _font(p.add_run(para.text), FONT_BODY, size, False)
        pf.first_line_indent = Pt(size * 2)
        pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    return p


TEXT_WIDTH_CM = 15.6


def _t2_single(doc, seed, opts):
    sz = opts["table_pt"]
    nrows = sum(2 + len(b.rows) for b in seed.t2)
    t = doc.add_table(rows=nrows, cols=4)
    r = 0
    for b in seed.t2:
        c = t.cell(r, 0).merge(t.cell(r, 3))
        _set_cell_text(c, b.caption, sz, True, opts["br"])
        r += 1
        if len(b.header) == 4:
            for j, h in enumerate(b.header):
                _set_cell_text(t.cell(r, j), h, sz, False, opts["br"])
        else:
            _set_cell_text(t.cell(r, 0), b.header[0], sz, False, opts["br"])
            _set_cell_text(t.cell(r, 1).merge(t.cell(r, 3)), b.header[1], sz, False, opts["br"])
        r += 1
        for label, vals in b.rows:
            _set_cell_text(t.cell(r, 0), label, sz, False, opts["br"])
            if len(vals) == 3:
                for j, v in enumerate(vals):
                    _set_cell_text(t.cell(r, 1 + j), v, sz, False, opts["br"])
            else:
                _set_cell_text(t.cell(r, 1).merge(t.cell(r, 3)), vals[0], sz, False, opts["br"])
            r += 1
    _tbl_props(t, [4.5, 3.6, 3.6, 3.6], "t2" in opts["borderless"])


def _t2_blocks(doc, seed, opts, caption_row: bool):
    sz = opts["table_pt"]
    for b in seed.t2:
        ncols = len(b.header)
        if not caption_row:
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.space_before = Pt(6)
            p.paragraph_format.space_after = Pt(3)
            _font(p.add_run(b.caption), FONT_HEI, sz + 1, False)
        t = doc.add_table(rows=len(b.rows) + 1 + (1 if caption_row else 0), cols=ncols)
        r = 0
        if caption_row:
            _set_cell_text(t.cell(0, 0).merge(t.cell(0, ncols - 1)), b.caption, sz, True, opts["br"])
            r = 1
        for j, h in enumerate(b.header):
            _set_cell_text(t.cell(r, j), h, sz, False, opts["br"])
        for i, (label, vals) in enumerate(b.rows, start=r + 1):
            _set_cell_text(t.cell(i, 0), label, sz, False, opts["br"])
            for j, v in enumerate(vals):
                _set_cell_text(t.cell(i, 1 + j), v, sz, False, opts["br"])
        widths = [4.5, 3.6, 3.6, 3.6] if ncols == 4 else [4.5, 10.8]
        _tbl_props(t, widths, "t2" in opts["borderless"])
        if caption_row:
            doc.add_paragraph()  # Word needs a paragraph between two tables


def _t3(doc, seed, opts):
    sz = opts["table_pt"]
    br = opts["br"]
    t = doc.add_table(rows=3 + 25, cols=10)
    corner = t.cell(0, 0).merge(t.cell(2, 2))
    _set_cell_text(corner, seed.t3_note, sz, False, br)
    if opts["t3_header"] == "official":
        _set_cell_text(t.cell(0, 3).merge(t.cell(0, 9)), "申请人情况", sz, False, br)
        _set_cell_text(t.cell(1, 3).merge(t.cell(2, 3)), T3_HEAD_BREAKS["自然人"], sz, False, br)
        _set_cell_text(t.cell(1, 4).merge(t.cell(1, 8)), "法人或其他组织", sz, False, br)
        _set_cell_text(t.cell(1, 9).merge(t.cell(2, 9)), "总计", sz, False, br)
    else:  # 总计 to the right of 申请人情况, spanning the three header rows
        _set_cell_text(t.cell(0, 3).merge(t.cell(0, 8)), "申请人情况", sz, False, br)
        _set_cell_text(t.cell(0, 9).merge(t.cell(2, 9)), "总计", sz, False, br)
        _set_cell_text(t.cell(1, 3).merge(t.cell(2, 3)), T3_HEAD_BREAKS["自然人"], sz, False, br)
        _set_cell_text(t.cell(1, 4).merge(t.cell(1, 8)), "法人或其他组织", sz, False, br)
    for j, name in enumerate(APPLICANT_COLS[1:6]):
        _set_cell_text(t.cell(2, 4 + j), T3_HEAD_BREAKS[name], sz, False, br)
    # row labels
    base = 3
    first_3 = next(i for i, r in enumerate(seed.t3) if r.struct[0] == "三")
    last_3 = max(i for i, r in enumerate(seed.t3) if r.struct[0] == "三")
    _set_cell_text(t.cell(base + first_3, 0).merge(t.cell(base + last_3, 0)), seed.t3[first_3].l1, sz, False, br)
    i = 0
    while i < 25:
        row = seed.t3[i]
        rr = base + i
        if row.struct[0] != "三":
            _set_cell_text(t.cell(rr, 0).merge(t.cell(rr, 2)), row.l1, sz, False, br, "left")
            i += 1
            continue
        if row.struct[2] is None:
            _set_cell_text(t.cell(rr, 1).merge(t.cell(rr, 2)), row.l2, sz, False, br, "left")
            i += 1
            continue
        j = i
        while j + 1 < 25 and seed.t3[j + 1].struct[1] == row.struct[1]:
            j += 1
        _set_cell_text(t.cell(rr, 1).merge(t.cell(base + j, 1)), row.l2, sz, False, br)
        for k in range(i, j + 1):
            _set_cell_text(t.cell(base + k, 2), seed.t3[k].l3, sz, False, br, "left")
        i = j + 1
    for i, row in enumerate(seed.t3):
        for j, v in enumerate(row.values):
            _set_cell_text(t.cell(base + i, 3 + j), v, sz, False, br)
    _tbl_props(t, [1.3, 1.5, 4.4] + [1.2] * 7, "t3" in opts["borderless"])
    if opts["repeat_header"]:
        _repeat_header(t, 3)
    _cant_split(t)


def _t4(doc, seed, opts):
    sz = min(opts["table_pt"], 9)
    br = opts["br"]
    t = doc.add_table(rows=4, cols=15)
    _set_cell_text(t.cell(0, 0).merge(t.cell(0, 4)), "行政复议", sz, False, br)
    _set_cell_text(t.cell(0, 5).merge(t.cell(0, 14)), "行政诉讼", sz, False, br)
    for j, r in enumerate(T4_RESULTS):
        _set_cell_text(t.cell(1, j).merge(t.cell(2, j)), T4_HEAD_BREAKS[r], sz, False, br)
    _set_cell_text(t.cell(1, 5).merge(t.cell(1, 9)), "未经复议直接起诉", sz, False, br)
    _set_cell_text(t.cell(1, 10).merge(t.cell(1, 14)), "复议后起诉", sz, False, br)
    for j in range(10):
        _set_cell_text(t.cell(2, 5 + j), T4_HEAD_BREAKS[T4_RESULTS[j % 5]], sz, False, br)
    for j, v in enumerate(seed.t4):
        _set_cell_text(t.cell(3, j), v, sz, False, br)
    _tbl_props(t, [TEXT_WIDTH_CM / 15] * 15, "t4" in opts["borderless"])
    _cant_split(t)
    for row in t.rows[:3]:  # keep the small table together with its data row
        for cell in row.cells:
            for para in cell.paragraphs:
                para.paragraph_format.keep_with_next = True


def _field_run(paragraph, instr, east=FONT_BODY, size=10.5):
    """A simple field (PAGE, NUMPAGES) in a paragraph."""
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "1"
    r.append(t)
    fld.append(r)
    paragraph._p.append(fld)


def build_docx(seed: Seed, out: Path):
    opts = OPTIONS[seed.key]
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.top_margin, sec.bottom_margin = Cm(3.7), Cm(3.5)
    sec.left_margin, sec.right_margin = Cm(2.8), Cm(2.6)
    sec.header_distance, sec.footer_distance = Cm(1.5), Cm(2.0)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(opts["body_pt"])
    normal.element.get_or_add_rPr()
    rfonts = normal.element.rPr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        normal.element.rPr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), FONT_BODY)
    rfonts.set(qn("w:ascii"), "Times New Roman")
    rfonts.set(qn("w:hAnsi"), "Times New Roman")
    if opts.get("lang_zh", False):  # zh-CN makes LibreOffice lay CJK lines out taller
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
        normal.element.rPr.append(lang)
    cp = doc.core_properties
    cp.comments = ""
    cp.author = "Administrator"
    cp.last_modified_by = "Administrator"
    cp.title = ""
    when = dt.datetime.fromisoformat(opts["date"] + "T09:30:00")
    cp.created = when - dt.timedelta(days=3)
    cp.modified = when
    if opts["footer"]:
        fp = sec.footer.paragraphs[0]
        fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if opts["footer"] == "dash":
            _font(fp.add_run("— "), FONT_BODY, 12)
            _field_run(fp, "PAGE")
            _font(fp.add_run(" —"), FONT_BODY, 12)
        else:
            _font(fp.add_run("第 "), FONT_BODY, 10.5)
            _field_run(fp, "PAGE")
            _font(fp.add_run(" 页 共 "), FONT_BODY, 10.5)
            _field_run(fp, "NUMPAGES")
            _font(fp.add_run(" 页"), FONT_BODY, 10.5)
    if opts["running_header"]:
        hp = sec.header.paragraphs[0]
        hp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _font(hp.add_run(seed.title), FONT_BODY, 9)

    _add_para(doc, Para(seed.title, "title"), opts, seed)
    for para in seed.pre:
        _add_para(doc, para, opts, seed)
    _add_para(doc, seed.headings["二"], opts, seed)
    if opts["t2"] == "single":
        _t2_single(doc, seed, opts)
    else:
        _t2_blocks(doc, seed, opts, caption_row=(opts["t2"] == "blocks_caprow"))
    _add_para(doc, seed.headings["三"], opts, seed)
    _t3(doc, seed, opts)
    _add_para(doc, seed.headings["四"], opts, seed)
    _t4(doc, seed, opts)
    for para in seed.post:
        _add_para(doc, para, opts, seed)
    doc.save(out)


# ----------------------------------------------------------------------------------------------
# HTML
# ----------------------------------------------------------------------------------------------

CSS = """
body{margin:0;font-family:"Microsoft YaHei","微软雅黑",SimSun,"宋体",sans-serif;font-size:14px;color:#333;background:#f2f2f2}
.top{background:#b60000;color:#fff;height:90px}
.top .logo{width:1200px;margin:0 auto;font-size:30px;line-height:90px;font-weight:bold;letter-spacing:2px}
.nav{background:#d51515;height:44px}
.nav ul{width:1200px;margin:0 auto;padding:0;list-style:none}
.nav li{float:left;width:150px;text-align:center;line-height:44px}
.nav a{color:#fff;text-decoration:none;font-size:16px}
.main{width:1200px;margin:10px auto;background:#fff;padding:20px 40px}
.position{color:#666;border-bottom:1px solid #ddd;padding-bottom:8px;margin-bottom:15px}
.xxgk_table{border-collapse:collapse;margin-bottom:20px;background:#f9f9f9}
.xxgk_table td{border:1px solid #ddd;padding:6px 10px;line-height:22px}
.xxgk_table td.t{font-weight:bold;width:90px;text-align:right}
h1.article_title{text-align:center;font-size:24px;color:#b60000;line-height:40px}
.article_info{text-align:center;color:#888;border-bottom:1px dashed #ccc;padding-bottom:10px}
.article_con{font-size:16px;line-height:32px;padding:10px 20px}
.article_con table{border-collapse:collapse;margin:0 auto}
.article_con table td{border:1px solid #000;padding:2px 4px;text-align:center;font-size:14px;line-height:20px}
.footer{background:#333;color:#ccc;text-align:center;padding:20px 0;line-height:26px;font-size:13px}
.footer a{color:#ccc}
""".strip()


def _e(s):
    return html.escape(s, quote=False)


def _td(text, rowspan=1, colspan=1, style=None, word=False, br_html=True, width=None, tag="td"):
    attrs = ""
    if rowspan > 1:
        attrs += f' rowspan="{rowspan}"'
    if colspan > 1:
        attrs += f' colspan="{colspan}"'
    if width:
        attrs += f' width="{width}"'
    if word:
        attrs += ' valign="center" style="border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt"'
    elif style:
        attrs += f' style="{style}"'
    if text == "":
        inner = "&nbsp;"
    else:
        inner = "<br/>".join(_e(x) for x in text.split("\n")) if br_html else _e(text.replace("\n", ""))
    if word:
        inner = (
            f'<p class="MsoNormal" align="center" style="text-align:center"><span style="font-size:10.5pt;'
            f'font-family:宋体">{inner}</span></p>'
        )
    return f"<{tag}{attrs}>{inner}</{tag}>"


def _html_t2(seed, opts):
    word = opts["html_style"] == "word"
    out = []
    attrs = 'border="1" cellspacing="0" cellpadding="0" width="600"'
    if word:
        attrs = 'class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" width="600" style="border-collapse:collapse;border:none"'
    out.append(f"<table {attrs}><tbody>")
    for b in seed.t2:
        out.append("<tr>" + _td(b.caption, colspan=4, word=word) + "</tr>")
        if len(b.header) == 4:
            out.append("<tr>" + "".join(_td(h, word=word) for h in b.header) + "</tr>")
        elif opts["html_t2_empty"]:
            out.append(
                "<tr>"
                + _td(b.header[0], word=word)
                + _td(b.header[1], word=word)
                + _td("", word=word)
                + _td("", word=word)
                + "</tr>"
            )
        else:
            out.append("<tr>" + _td(b.header[0], word=word) + _td(b.header[1], colspan=3, word=word) + "</tr>")
        for label, vals in b.rows:
            if len(vals) == 3:
                out.append("<tr>" + _td(label, word=word) + "".join(_td(v, word=word) for v in vals) + "</tr>")
            elif opts["html_t2_empty"]:
                out.append(
                    "<tr>"
                    + _td(label, word=word)
                    + _td(vals[0], word=word)
                    + _td("", word=word)
                    + _td("", word=word)
                    + "</tr>"
                )
            else:
                out.append("<tr>" + _td(label, word=word) + _td(vals[0], colspan=3, word=word) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def _html_t3(seed, opts):
    word = opts["html_style"] == "word"
    attrs = 'border="1" cellspacing="0" cellpadding="0" width="680"'
    if word:
        attrs = 'class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" width="680" style="border-collapse:collapse;border:none"'
    out = [f"<table {attrs}><tbody>"]
    T = lambda *a, **k: _td(*a, word=word, **k)  # noqa: E731
    if opts["t3_header"] == "official":
        out.append("<tr>" + T(seed.t3_note, rowspan=3, colspan=3) + T("申请人情况", colspan=7) + "</tr>")
        out.append("<tr>" + T("自然人", rowspan=2) + T("法人或其他组织", colspan=5) + T("总计", rowspan=2) + "</tr>")
    else:
        out.append(
            "<tr>" + T(seed.t3_note, rowspan=3, colspan=3) + T("申请人情况", colspan=6) + T("总计", rowspan=3) + "</tr>"
        )
        out.append("<tr>" + T("自然人", rowspan=2) + T("法人或其他组织", colspan=5) + "</tr>")
    out.append("<tr>" + "".join(T(T3_HEAD_BREAKS[n]) for n in APPLICANT_COLS[1:6]) + "</tr>")
    n3 = sum(1 for r in seed.t3 if r.struct[0] == "三")
    seen_l1 = set()
    seen_l2 = set()
    for i, row in enumerate(seed.t3):
        cells = []
        if row.struct[0] != "三":
            cells.append(T(row.l1, colspan=3))
        else:
            if "三" not in seen_l1:
                seen_l1.add("三")
                cells.append(T(row.l1, rowspan=n3))
            if row.struct[2] is None:
                cells.append(T(row.l2, colspan=2))
            else:
                if row.struct[1] not in seen_l2:
                    seen_l2.add(row.struct[1])
                    span = sum(1 for r in seed.t3 if r.struct[1] == row.struct[1] and r.struct[0] == "三")
                    cells.append(T(row.l2, rowspan=span))
                cells.append(T(row.l3))
        cells += [T(v) for v in row.values]
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def _html_t4(seed, opts):
    word = opts["html_style"] == "word"
    attrs = 'border="1" cellspacing="0" cellpadding="0" width="680"'
    if word:
        attrs = 'class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" width="680" style="border-collapse:collapse;border:none"'
    T = lambda *a, **k: _td(*a, word=word, **k)  # noqa: E731
    out = [f"<table {attrs}><tbody>"]
    out.append("<tr>" + T("行政复议", colspan=5) + T("行政诉讼", colspan=10) + "</tr>")
    out.append(
        "<tr>"
        + "".join(T(T4_HEAD_BREAKS[r], rowspan=2) for r in T4_RESULTS)
        + T("未经复议直接起诉", colspan=5)
        + T("复议后起诉", colspan=5)
        + "</tr>"
    )
    out.append("<tr>" + "".join(T(T4_HEAD_BREAKS[r]) for r in T4_RESULTS * 2) + "</tr>")
    out.append("<tr>" + "".join(T(v) for v in seed.t4) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def _html_para(p: Para, word: bool):
    if p.kind == "h1":
        return f'<p style="text-indent:2em"><strong>{_e(p.text)}</strong></p>'
    if p.kind in ("h2", "h3"):
        return f'<p style="text-indent:2em"><strong>{_e(p.text)}</strong></p>'
    if word:
        return (
            f'<p class="MsoNormal" style="text-indent:32.0pt;line-height:28.0pt"><span style="font-size:16.0pt;'
            f'font-family:仿宋_GB2312">{_e(p.text)}</span></p>'
        )
    return f'<p style="text-indent:2em;">{_e(p.text)}</p>'


def build_html(seed: Seed, out: Path):
    opts = OPTIONS[seed.key]
    word = opts["html_style"] == "word"
    meta = ""
    if opts["html_meta"]:
        meta = f'<meta charset="{opts["html_meta"]}">\n'
    nav = ["首页", "政务公开", "政务服务", "互动交流", "新闻中心", "专题专栏", f"走进{opts['site'][:2]}"]
    body = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        meta + '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
        f'<meta name="ArticleTitle" content="{_e(seed.title)}">',
        f'<meta name="PubDate" content="{opts["date"]} 16:05">',
        f"<title>{_e(seed.title)}_{_e(opts['site'])}</title>",
        f"<style>\n{CSS}\n</style>",
        "</head>",
        "<body>",
        f'<div class="top"><div class="logo">{_e(opts["site"])}</div></div>',
        '<div class="nav"><ul>'
        + "".join(f'<li><a href="/{i}/">{_e(n)}</a></li>' for i, n in enumerate(nav))
        + "</ul></div>",
        '<div class="main">',
        '<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">政务公开</a> &gt; '
        '<a href="/xxgk/ndbg/">政府信息公开年报</a></div>',
        '<table class="xxgk_table" width="100%" border="0" cellspacing="0" cellpadding="0"><tbody>',
        f'<tr><td class="t">索引号：</td><td>{_e(opts["index_no"])}</td><td class="t">主题分类：</td><td>政务公开</td></tr>',
        f'<tr><td class="t">发布机构：</td><td>{_e(opts["publisher"])}</td><td class="t">发文日期：</td><td>{opts["date"]}</td></tr>',
        f'<tr><td class="t">名　　称：</td><td colspan="3">{_e(seed.title)}</td></tr>',
        '<tr><td class="t">文　　号：</td><td>&nbsp;</td><td class="t">有 效 性：</td><td>有效</td></tr>',
        "</tbody></table>",
        f'<h1 class="article_title">{_e(seed.title)}</h1>',
        f'<div class="article_info">发布时间：{opts["date"]}　来源：{_e(opts["publisher"])}　'
        '字号：[ <a href="#">大</a> <a href="#">中</a> <a href="#">小</a> ]</div>',
        '<div class="article_con" id="zoom"><div class="TRS_Editor">',
    ]
    for p in seed.pre:
        body.append(_html_para(p, word))
    body.append(_html_para(seed.headings["二"], word))
    body.append(_html_t2(seed, opts))
    body.append(_html_para(seed.headings["三"], word))
    body.append(_html_t3(seed, opts))
    body.append(_html_para(seed.headings["四"], word))
    body.append(_html_t4(seed, opts))
    for p in seed.post:
        body.append(_html_para(p, word))
    body += [
        "</div></div>",
        '<div style="text-align:right;padding:20px"><a href="javascript:window.print()">【打印本页】</a>　'
        '<a href="javascript:window.close()">【关闭窗口】</a></div>',
        "</div>",
        '<div class="footer">',
        '<p><a href="/about/">关于我们</a> | <a href="/sitemap/">网站地图</a> | <a href="/contact/">联系我们</a> | '
        '<a href="/privacy/">隐私声明</a></p>',
        f"<p>主办单位：{_e(opts['publisher'])}　承办单位：{_e(opts['site'])}政务服务和大数据管理办公室</p>",
        "<p>建议使用1920×1080分辨率，IE10以上版本浏览器访问本网站</p>",
        "</div>",
        "</body>",
        "</html>",
    ]
    text = "\n".join(body) + "\n"
    out.write_bytes(text.encode(opts["html_encoding"]))  # strict: fails if a character is not encodable


# ----------------------------------------------------------------------------------------------
# PDF (LibreOffice) and PDF analysis
# ----------------------------------------------------------------------------------------------


def soffice_convert(files: list[Path], outdir: Path, fmt: str):
    profile = Path(tempfile.mkdtemp(prefix="lo_profile_"))
    try:
        cmd = [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir),
        ] + [str(f) for f in files]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def _crop(page):
    return page.crop((0, 85, page.width, page.height - 85))


def _pdf_words(pdf):
    """Words of the body area (running header and footer cropped away) in reading order."""
    words = []
    for pno, page in enumerate(pdf.pages, start=1):
        ws = _crop(page).extract_words(keep_blank_chars=False, x_tolerance=3.5)
        ws.sort(key=lambda w: (round(w["top"] / 3), w["x0"]))
        words += [(pno, w["text"]) for w in ws]
    return words


def _compact(s):
    return re.sub(r"\s+", "", s)


def analyze_pdf(path: Path, seed: Seed):
    import pdfplumber

    info = {
        "pages": 0,
        "chars_per_page": [],
        "t2": None,
        "t3": None,
        "t4": None,
        "t3_rows_by_page": {},
        "t3_header_repeated": False,
        "problems": [],
    }
    with pdfplumber.open(path) as pdf:
        info["pages"] = len(pdf.pages)
        info["chars_per_page"] = [len(p.chars) for p in pdf.pages]
        info["fonts"] = sorted({c["fontname"].split("+", 1)[-1] for p in pdf.pages for c in p.chars})
        page_txt = [_compact(_crop(p).extract_text() or "") for p in pdf.pages]
        full = ""
        starts = []
        for t in page_txt:
            starts.append(len(full))
            full += t

        def page_of(pos):
            return max(i for i, s in enumerate(starts) if s <= pos) + 1

        def seq(tokens, start):
            found = []
            for tok in tokens:
                pos = full.find(tok, start)
                if pos < 0:
                    info["problems"].append(f"token {tok!r} not found")
                    return found
                found.append(pos)
                start = pos + len(tok)
            return found

        h2 = full.find(_compact(seed.headings["二"].text))
        toks2 = []
        for b in seed.t2:
            toks2.append(_compact(b.caption)[:9])
            toks2 += [_compact(lab)[:4] for lab, _ in b.rows]
        pos2 = seq(toks2, h2)
        info["t2"] = (page_of(pos2[0]), page_of(pos2[-1])) if pos2 else None
        if len(pos2) == len(toks2):
            k = 0
            info["t2_blocks"] = []
            for b in seed.t2:
                info["t2_blocks"].append((b.caption, page_of(pos2[k]), page_of(pos2[k + len(b.rows)])))
                k += 1 + len(b.rows)
        h3 = full.find(_compact(seed.headings["三"].text), h2)
        toks3 = ["申请人情况"]
        for r in seed.t3:
            leaf = r.l3 or r.l2 or r.l1
            toks3.append(_compact(leaf)[:6])
        pos3 = seq(toks3, h3)
        if len(pos3) == len(toks3):
            info["t3"] = (page_of(pos3[0]), page_of(pos3[-1]))
            for r, p in zip(seed.t3, pos3[1:]):
                info["t3_rows_by_page"].setdefault(page_of(p), []).append(_compact(r.l3 or r.l2 or r.l1))
        h4 = full.find(_compact(seed.headings["四"].text), h3)
        end3 = h4
        info["t3_header_repeated"] = full.count("申请人情况", h3, end3) > 1
        pos4 = seq(["未经复议直接起诉", "复议后起诉", "".join(seed.t4)], h4)
        if len(pos4) == 3:
            info["t4"] = (page_of(pos4[0]), page_of(pos4[2]))
        info["text"] = full
        info["words"] = _pdf_words(pdf)
    return info


# ----------------------------------------------------------------------------------------------
# Verification
# ----------------------------------------------------------------------------------------------


def _docx_tables(path: Path):
    """Each table of the document body as a list of rows of unique cell texts (merged cells once)."""
    d = Document(path)
    tables = []
    for tbl in d.element.body.iter(qn("w:tbl")):
        rows = []
        for tr in tbl.findall(qn("w:tr")):
            row = []
            for tc in tr.findall(qn("w:tc")):
                vm = tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None
                if vm is not None and vm.get(qn("w:val")) in (None, "continue"):
                    continue  # continuation of a vertical merge
                texts = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.findall(qn("w:p"))]
                # soft breaks inside a paragraph count as line breaks
                row.append("\n".join(texts))
            rows.append(row)
        tables.append(rows)
    paras = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in d.element.body.findall(qn("w:p"))]
    return tables, paras


def _expect_sequences(seed: Seed):
    t2, t3, t4 = seed.numbers()
    return t2 + t3 + t4


def _labels(seed: Seed, captions=True):
    """Printed label cells of the three tables in reading order (each merged label once)."""
    labs = []
    for b in seed.t2:
        if captions:
            labs.append(b.caption)
        labs += b.header
        labs += [lab for lab, _ in b.rows]
    labs.append(seed.t3_note)
    prev = (None, None, None)
    for r in seed.t3:
        cur = (r.l1, r.l2, r.l3)
        for x, p in zip(cur, prev):
            if x and x != p:
                labs.append(x)
        prev = cur
    return labs


def _in_order(needles, hay):
    pos = 0
    for n in needles:
        i = hay.find(_compact(n), pos)
        if i < 0:
            return n
        pos = i + len(_compact(n))
    return None


def verify_docx(seed: Seed, path: Path):
    problems = []
    tables, paras = _docx_tables(path)
    nums = [c for t in tables for row in t for c in row if NUM_RE.match(c.strip())]
    if nums != _expect_sequences(seed):
        problems.append(f"numbers differ: {nums} vs {_expect_sequences(seed)}")
    # table 三 specifically: 25 rows x 7 numbers
    t3 = [t for t in tables if any(seed.t3_note == c for row in t for c in row)]
    if len(t3) != 1:
        problems.append("table 三 not found")
    else:
        rows = [[c for c in row if NUM_RE.match(c)] for row in t3[0][3:]]
        if rows != [r.values for r in seed.t3]:
            problems.append("table 三 rows differ")
    t4 = [t for t in tables if t and t[0] and t[0][0] == "行政复议"]
    if len(t4) != 1 or t4[0][-1] != seed.t4:
        problems.append("table 四 differs")
    cell_text = _compact("".join(c for t in tables for row in t for c in row))
    captions_in_cells = OPTIONS[seed.key]["t2"] != "blocks_para"
    miss = _in_order(_labels(seed, captions_in_cells), cell_text)
    if miss:
        problems.append(f"label missing/out of order in tables: {miss}")
    body = _compact("".join(paras))
    caps = [b.caption for b in seed.t2] if not captions_in_cells else []
    miss = _in_order(
        [seed.title]
        + [p.text for p in seed.pre]
        + [seed.headings["二"].text]
        + caps
        + [seed.headings[k].text for k in "三四"]
        + [p.text for p in seed.post],
        body,
    )
    if miss:
        problems.append(f"paragraph missing/out of order: {miss[:30]}")
    return problems


def _html_decode(path: Path, seed: Seed):
    data = path.read_bytes()
    enc = OPTIONS[seed.key]["html_encoding"]
    return data.decode(enc)


def verify_html(seed: Seed, path: Path):
    import lxml.html

    problems = []
    text = _html_decode(path, seed)
    root = lxml.html.fromstring(text)
    leaf_cells = [td for td in root.iter("td", "th") if not td.xpath(".//table")]
    cell_texts = [td.text_content().replace("\xa0", " ").strip() for td in leaf_cells]
    nums = [c for c in cell_texts if NUM_RE.match(c)]
    if nums != _expect_sequences(seed):
        problems.append(f"numbers differ: {nums}")
    empties = sum(
        1
        for td in leaf_cells
        if td.text_content() == "\xa0"
        and "xxgk_table" not in (td.getparent().getparent().getparent().get("class") or "")
    )
    # row-wise check of table 三 and 四
    tables = [t for t in root.iter("table") if not t.xpath(".//table")]
    t3 = [t for t in tables if seed.t3_note in t.text_content()]
    if len(t3) != 1:
        problems.append("table 三 not found")
    else:
        rows = []
        for tr in t3[0].iter("tr"):
            vals = [td.text_content().strip() for td in tr.iter("td", "th")]
            vals = [v for v in vals if NUM_RE.match(v)]
            if vals:
                rows.append(vals)
        if rows != [r.values for r in seed.t3]:
            problems.append("table 三 rows differ")
    allcells = _compact("".join(cell_texts))
    miss = _in_order(_labels(seed), allcells)
    if miss:
        problems.append(f"label missing/out of order: {miss}")
    article = root.xpath('//div[@class="TRS_Editor"]')[0]
    paras = _compact("".join(p.text_content() for p in article.iter("p") if not p.xpath("ancestor::table")))
    miss = _in_order(
        [p.text for p in seed.pre] + [seed.headings[k].text for k in "二三四"] + [p.text for p in seed.post], paras
    )
    if miss:
        problems.append(f"paragraph missing: {miss[:30]}")
    if seed.title not in root.xpath("string(//h1)"):
        problems.append("title")
    return problems, empties


def verify_pdf(seed: Seed, info):
    problems = list(info["problems"])
    if min(info["chars_per_page"]) == 0:
        problems.append("a page without text layer")
    words = info["words"]

    # numbers between the section headings, in reading order
    def idx(pred, start=0):
        return next(i for i in range(start, len(words)) if pred(words[i][1]))

    a = idx(lambda w: _compact(seed.headings["二"].text) in w)
    b = idx(lambda w: _compact(seed.headings["三"].text) in w, a)
    c = idx(lambda w: _compact(seed.headings["四"].text) in w, b)
    d = idx(lambda w: SEC5 in w, c)
    t2, t3, t4 = seed.numbers()
    got = [[w for _, w in words[s:e] if NUM_RE.match(w)] for s, e in ((a, b), (b, c), (c, d))]
    for name, g, want in zip(("二", "三", "四"), got, (t2, t3, t4)):
        if g != want:
            problems.append(f"PDF table {name} numbers differ: {g} vs {want}")
    # narrative text
    miss = _in_order(
        [seed.title]
        + [p.text for p in seed.pre]
        + [seed.headings[k].text for k in "二三四"]
        + [p.text for p in seed.post],
        info["text"],
    )
    if miss:
        problems.append(f"PDF text missing: {miss[:30]}")
    return problems


# ----------------------------------------------------------------------------------------------
# Bad inputs and text variants
# ----------------------------------------------------------------------------------------------

NOT_A_REPORT = """关于做好今冬明春农业生产工作的温馨提示

近期气温持续走低，请各位种植户注意以下事项：
一、及时做好小麦冬灌，灌水时间以日平均气温稳定在3℃左右为宜，做到夜冻昼消、适时冬灌。
二、加强温室大棚管理，连续阴雨雪天气时注意揭帘见光，防止棚内湿度过大引发病害。
三、做好畜禽圈舍保暖，储备充足饲草料，防止冻害和疫病发生。
四、关注天气预报，提前做好防寒防冻准备，雨雪过后及时清除棚面积雪。

附：本周天气预报
周一 晴 -3℃～8℃ 北风3级
周二 多云 -1℃～9℃ 微风
周三 小雪 -4℃～2℃ 北风4级
周四 阴 -5℃～3℃ 北风2级

农业技术推广站
"""


def fullwidth_tables(text: str) -> str:
    lines = text.split("\n")
    i2 = _find_heading(lines, SEC2)
    i5 = _find_heading(lines, SEC5, i2 + 1)
    table = str.maketrans("0123456789", "０１２３４５６７８９")
    return "\n".join(lines[:i2] + [l.translate(table) for l in lines[i2:i5]] + lines[i5:])


# ----------------------------------------------------------------------------------------------
# main
# ----------------------------------------------------------------------------------------------


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    repo = Path(__file__).resolve().parent.parent
    shared = repo.parent / "shared" / "seeds"  # ../shared/seeds next to the repository
    repo_raw = repo / "data" / "raw"
    ap.add_argument("--seeds", type=Path, default=shared if shared.is_dir() else repo_raw)
    ap.add_argument("--out", type=Path, required=True, help="output directory (created; bad/ and variants/ inside)")
    ap.add_argument("--no-pdf", action="store_true", help="skip LibreOffice (DOCX, HTML and text files only)")
    args = ap.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    (out / "bad").mkdir(exist_ok=True)
    (out / "variants").mkdir(exist_ok=True)

    seeds = [parse_seed(p) for p in sorted(args.seeds.glob("[0-9][0-9][0-9]_*.txt"))]
    problems: dict[str, list[str]] = {}
    facts: dict[str, dict] = {}
    for s in seeds:
        build_docx(s, out / f"{s.stem}.docx")
        build_html(s, out / f"{s.stem}.html")
        problems[f"{s.stem}.docx"] = verify_docx(s, out / f"{s.stem}.docx")
        hp, empties = verify_html(s, out / f"{s.stem}.html")
        problems[f"{s.stem}.html"] = hp
        facts[f"{s.stem}.html"] = {"empties": empties}

    if not args.no_pdf:
        soffice_convert([out / f"{s.stem}.docx" for s in seeds], out, "pdf")
        for s in seeds:
            info = analyze_pdf(out / f"{s.stem}.pdf", s)
            facts[f"{s.stem}.pdf"] = info
            problems[f"{s.stem}.pdf"] = verify_pdf(s, info)
        # bad inputs derived from the PDFs / DOCX
        legacy_src = next(s for s in seeds if s.key == "001")
        tmp = Path(tempfile.mkdtemp(prefix="samples_"))
        try:
            soffice_convert([out / f"{legacy_src.stem}.docx"], tmp, "doc:MS Word 97")
            shutil.copy(tmp / f"{legacy_src.stem}.doc", out / "bad" / "legacy.doc")
            shutil.copy(tmp / f"{legacy_src.stem}.doc", out / "bad" / "legacy.wps")
            scan_src = next(s for s in seeds if s.key == "002")
            page = facts[f"{scan_src.stem}.pdf"]["t3"][0]
            subprocess.run(
                [
                    "pdftoppm",
                    "-r",
                    "150",
                    "-gray",
                    "-f",
                    str(page),
                    "-l",
                    str(page),
                    "-png",
                    str(out / f"{scan_src.stem}.pdf"),
                    str(tmp / "scan"),
                ],
                check=True,
            )
            png = sorted(tmp.glob("scan*.png"))[0]
            subprocess.run(
                ["img2pdf", "--pagesize", "A4", "-o", str(out / "bad" / "scanned.pdf"), str(png)], check=True
            )
            facts["scanned"] = {"source": f"{scan_src.stem}.pdf", "page": page}
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    (out / "bad" / "empty.txt").write_bytes(b"")
    (out / "bad" / "not_a_report.txt").write_text(NOT_A_REPORT, encoding="utf-8")
    (out / "bad" / "garbage.pdf").write_bytes(random.Random(20240601).randbytes(8192))

    import opencc

    s003 = next(s for s in seeds if s.key == "003")
    trad = opencc.OpenCC("s2t").convert(s003.path.read_text(encoding="utf-8"))
    (out / "variants" / f"{s003.stem}_traditional.txt").write_bytes(trad.encode("gb18030"))
    s000 = next(s for s in seeds if s.key == "000")
    fw = fullwidth_tables(s000.path.read_text(encoding="utf-8"))
    (out / "variants" / f"{s000.stem}_fullwidth.txt").write_bytes(fw.encode("utf-16"))
    # variants keep every number: check by normalizing back
    problems["variants"] = []
    fw_back = (out / "variants" / f"{s000.stem}_fullwidth.txt").read_bytes().decode("utf-16")
    if fw_back.translate(str.maketrans("０１２３４５６７８９", "0123456789")) != s000.path.read_text(encoding="utf-8"):
        problems["variants"].append("fullwidth variant does not map back to the seed")
    back = (out / "variants" / f"{s003.stem}_traditional.txt").read_bytes().decode("gb18030")
    if re.findall(r"-?\d+(?:\.\d+)?", back) != re.findall(r"-?\d+(?:\.\d+)?", s003.path.read_text(encoding="utf-8")):
        problems["variants"].append("traditional variant numbers differ")

    facts["seeds_dir"] = str(args.seeds)
    try:
        facts["soffice"] = subprocess.run(
            ["soffice", "--version"], capture_output=True, text=True, timeout=120
        ).stdout.split()[1]
    except Exception:
        facts["soffice"] = "?"
    write_manifest(out, seeds, facts)
    bad = {k: v for k, v in problems.items() if v}
    for k, v in problems.items():
        print(f"{k}: {'OK' if not v else 'PROBLEMS'}")
        for x in v:
            print("   ", x)
    return 1 if bad else 0


def arith(seed: Seed) -> str:
    """Which blocking equations of FORM.md fail on the seed's printed numbers ('' if none)."""
    v = [[int(x) for x in r.values] for r in seed.t3]
    bad = []
    for c in range(7):
        col = [row[c] for row in v]
        if col[0] + col[1] != col[23] + col[24]:
            bad.append(f"rule 1 column {APPLICANT_COLS[c]}")
        if sum(col[2:23]) != col[23]:
            bad.append(f"rule 2 column {APPLICANT_COLS[c]}")
    for i, row in enumerate(v):
        if sum(row[:6]) != row[6]:
            bad.append(f"rule 3 row {i + 1}")
    t4 = [int(x) for x in seed.t4]
    for k in range(3):
        if sum(t4[5 * k : 5 * k + 4]) != t4[5 * k + 4]:
            bad.append(f"rule 4 block {k + 1}")
    return ", ".join(bad)


def write_manifest(out: Path, seeds: list[Seed], facts: dict):
    L = [
        "# Sample files generated from the seeds",
        "",
        f"Generated by `make_samples.py` (tools/make_samples.py) from `{facts.get('seeds_dir')}/NNN_*.txt`. "
        "Every table cell carries the seed's printed value; narrative paragraphs and titles are the seed's "
        "text (hard-wrapped PDF-extract lines of seeds 000 and 003 re-flowed into paragraphs; the title moved "
        "to the top where the seed extract had it after `一、总体情况`). Site chrome in the HTML (索引号, 发布机构, "
        "发文日期, navigation, footer) is invented. Pages are 1-based.",
        "",
    ]
    L.append("## Per seed")
    L.append("")
    for s in seeds:
        o = OPTIONS[s.key]
        t2l = {
            "single": "table 二 as ONE table with caption rows (第二十条… merged over 4 columns; single-value cells gridSpan 3)",
            "blocks_para": "table 二 as FOUR tables (one per block), captions as centred paragraphs above each table",
            "blocks_caprow": "table 二 as FOUR tables (one per block), caption as a merged first row of each table",
        }[o["t2"]]
        t3h = (
            "official header (申请人情况 spans all 7 columns incl. 总计)"
            if o["t3_header"] == "official"
            else "header with 总计 beside 申请人情况, vMerged over the 3 header rows (申请人情况 spans 6)"
        )
        brk = "two paragraphs" if o["br"] == "para" else "soft line breaks (w:br) inside one paragraph"
        L.append(
            f"- `{s.stem}.docx` — Word 2007+ (OOXML). Title: `{s.title}`. {t2l}; table 三 {t3h}, "
            f"vMerge for 三、本年度办理结果 and （三）–（六）, gridSpan for 一/二/四 rows and （一）（二）（七）; "
            f"header labels broken with {brk} (商业/企业, 结果/维持 …); table 四 4 rows × 15 columns. "
            f"Body {o['body_pt']} pt, tables {o['table_pt']} pt."
            + (" Tables 三 and 四 are BORDERLESS (tblBorders nil)." if o["borderless"] else "")
            + (" Table 三 header rows marked repeat-as-header (w:tblHeader)." if o["repeat_header"] else "")
            + " Rows of tables 三 and 四 marked cantSplit (a page break falls between rows, never inside one); table 四 kept with its data row."
            + (
                " Headings use Word Heading 1–4 styles (from the seed's Markdown levels ##–#####, as uneven as in the seed)."
                if o["heading"] == "styles"
                else " Headings are plain bold/黑体 paragraphs."
            )
            + (
                f" Footer page number ({'— N —' if o['footer'] == 'dash' else '第 N 页 共 M 页'})."
                if o["footer"]
                else ""
            )
            + (" Running header repeats the title on every page." if o["running_header"] else "")
        )
        pi = facts.get(f"{s.stem}.pdf")
        if pi:

            def pages(t):
                return "?" if t is None else (f"p.{t[0]}" if t[0] == t[1] else f"pp.{t[0]}–{t[1]}")

            desc = (
                f"- `{s.stem}.pdf` — LibreOffice {facts.get('soffice')} export of the DOCX, {pi['pages']} pages, text layer on every page "
                f"(min {min(pi['chars_per_page'])} chars/page); fonts substituted by LibreOffice for 仿宋_GB2312/宋体/Times New Roman: "
                f"{', '.join(pi['fonts'])}. "
                f"Table 二 on {pages(pi['t2'])}; table 三 on {pages(pi['t3'])}; table 四 on {pages(pi['t4'])}."
            )
            if pi["t3"] and pi["t3"][0] != pi["t3"][1]:
                byp = pi["t3_rows_by_page"]
                ps = sorted(byp)
                desc += (
                    " **Table 三 breaks across pages**: "
                    + "; ".join(f"p.{p}: rows {byp[p][0]} … {byp[p][-1]} ({len(byp[p])} rows)" for p in ps)
                    + (
                        f"; header rows REPEATED at the top of p.{ps[-1]}"
                        if pi["t3_header_repeated"]
                        else "; header NOT repeated"
                    )
                    + (
                        "; footer page number and running header between the rows"
                        if o["running_header"]
                        else ("; footer page number between the rows" if o["footer"] else "")
                    )
                    + "."
                )
            if pi["t2"] and pi["t2"][0] != pi["t2"][1]:
                desc += (
                    " Table 二 continues over two pages: "
                    + ", ".join(f"{c} p.{a}" + (f"–{b}" if b != a else "") for c, a, b in pi.get("t2_blocks", []))
                    + "."
                )
            if pi["t4"] and pi["t4"][0] != pi["t4"][1]:
                desc += " Table 四 breaks across pages."
            if o["borderless"]:
                desc += " Tables 三 and 四 drawn WITHOUT ruling lines (pdfplumber line strategy finds no table there)."
            L.append(desc)
        hf = facts.get(f"{s.stem}.html", {})
        enc = o["html_encoding"].upper()
        decl = (
            f'`<meta charset="{o["html_meta"]}">`'
            if o["html_meta"]
            else "NO charset declaration at all (no meta, no BOM, no XML prolog); charset-normalizer guesses gb18030"
        )
        L.append(
            f"- `{s.stem}.html` — government-site page, encoding {enc}, {decl}. Nav bar, breadcrumb, "
            f'索引号/主题分类/发布机构/发文日期/名称/文号 info block in a layout `<table class="xxgk_table">`, '
            f"footer. Tables with rowspan/colspan; "
            + (
                "table 二 single-value rows written as value + two `&nbsp;` cells (no colspan); "
                if o["html_t2_empty"]
                else "table 二 single-value cells with colspan=3; "
            )
            + (
                "Word-paste markup (`MsoNormalTable`, `<p class=MsoNormal><span>` in cells); "
                if o["html_style"] == "word"
                else ""
            )
            + f"`<br/>` inside header cells; {hf.get('empties', 0)} cells of the report tables hold only `&nbsp;` "
            "(the info block's empty 文号 cell is `&nbsp;` too). 发布机构 gives the agency with its place, taken from "
            "the body text; `<title>`, `<h1>` and the 名称 row keep the seed's title."
        )
    L += ["", "## Bad inputs (`bad/`)", ""]
    sc = facts.get("scanned")
    if sc:
        L.append(
            f"- `bad/scanned.pdf` — page {sc['page']} of `{sc['source']}` (the page where table 三 starts) rasterized "
            "at 150 dpi greyscale with pdftoppm and wrapped into a 1-page A4 PDF with img2pdf: an image only, NO text layer."
        )
    if sc:
        L.append(
            "- `bad/legacy.doc` — `001_*.docx` converted by LibreOffice to MS Word 97 binary (.doc, OLE2 compound file)."
        )
    if sc:
        L.append(
            "- `bad/legacy.wps` — a byte copy of `bad/legacy.doc` under a .wps name (OLE2 Word 97 binary; modern Kingsoft WPS "
            ".wps files are the same Word-binary format family, but this one was NOT written by WPS Office)."
        )
    L.append("- `bad/empty.txt` — 0 bytes.")
    L.append(
        "- `bad/not_a_report.txt` — UTF-8 Chinese text unrelated to the form (an agricultural weather notice; contains numbers and a small weather table but none of the statutory sections)."
    )
    L.append("- `bad/garbage.pdf` — 8192 pseudo-random bytes (seeded), no PDF header.")
    L += ["", "## Text variants (`variants/`)", ""]
    s003 = next(s for s in seeds if s.key == "003")
    s000 = next(s for s in seeds if s.key == "000")
    L.append(
        f"- `variants/{s003.stem}_traditional.txt` — seed 003 converted with OpenCC `s2t` (characters only, no "
        "word substitution: 規範性文件, not 規範性檔案), encoded GB18030, no BOM; layout and numbers unchanged."
    )
    L.append(
        f"- `variants/{s000.stem}_fullwidth.txt` — seed 000 with every ASCII digit inside the three table sections "
        "(from 二、主动公开政府信息情况 to before 五、…) replaced by its full-width form (０-９), including ordinals like "
        "`１.属于国家秘密` and `保留４位小数`; the narrative keeps ASCII digits. Encoded UTF-16 LE with BOM. "
        "Mapping ０-９ back to 0-9 gives the seed byte for byte."
    )
    L += [
        "",
        "## Notes",
        "",
        "- Seed 003 prints `规章 0 -1 0` (a negative 本年废止件数, which FORM.md rule 5 does not allow for the 2021 template); "
        "kept as printed: the samples reproduce the seed, not a corrected form.",
        "- Blocking arithmetic of FORM.md (rules 1–4) on the seed values: "
        + "; ".join(f"{s.key}: {arith(s) or 'all hold'}" for s in seeds)
        + ".",
        "- Seed 000 prints the fee as `10027` under the header 本年收费金额（单位：万元，保留4位小数）; kept as printed.",
        "- Titles of 001 and 002 have no place prefix and keep the seed's spaces (`… 2023 年政府信息公开 工作年度报告`).",
        "- Seed 003 starts with a stray `一、总体情况` line before the title and repeats it after the intro paragraph; both kept.",
        "- Row labels in table 三 use each seed's own wording and punctuation (（一） vs (一) , `1.` vs `1. `).",
        "",
    ]
    (out / "MANIFEST.md").write_text("\n".join(L), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
