"""A report laid out as a document: the three statutory tables as grids, under one ``Layout``.

Every layout family is a combination of these parameters; every renderer draws the same
``Doc``, so a new family is added here once and appears in every format.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field, replace

from pipeline import form
from tools.layouts import labels
from tools.layouts.grid import Doc, GCell, Grid, PageBreak, Para
from tools.layouts.model import APPLICANTS, PROCEEDINGS, RESULT_PARTS, Report
from tools.layouts.render_docx import WordLook
from tools.layouts.render_html import SitePage

# ``Layout.printed`` keys: (part, code) -> the label as printed, for a document that prints its
# own wording (the bundled samples keep each seed's). Parts: caption (a 第二十条 block's article),
# content (信息内容), item and measure (table 二), outcome (table 三's rows and groups), corner,
# applicant, applicant_group (table 三's header), result (table 四's header).
PrintedLabels = dict[tuple[str, str], str]

CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
SECTIONS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)
PAGE_NUMBERS = ("- {n} -", "— {n} —", "第{n}页", "第 {n} 页 共 {m} 页", "－{n}－")


@dataclass
class Layout:
    fmt: str = "txt"  # txt | tsv | md | html | docx | pdf
    labels: labels.LabelStyle = field(default_factory=labels.LabelStyle)
    label_cols: int = 1  # label columns of table 三: 1, 2 or 3
    group: str = "row"  # groups without a label column: row (a row of their own) | inline (before the first sub-row)
    group_cells: str = "rowspan"  # groups in a label column: rowspan (one merged cell) | vertical (a char per line)
    wrap: str = "none"  # long labels: none | lines (several lines in a cell) | cells (continued in the next row)
    valign: str = "middle"  # where a one-line cell sits beside a wrapped one (text and PDF): top | middle | bottom
    merged: str = "span"  # merged cells as spans, or as a converter exports them: repeat | empty
    split: str = "one"  # one | per_section (a table per 第二十条 block) | combined (三 and 四 in one grid)
    page_rows: int = 0  # break the tables every N rows (0: only where a PDF page is full)
    page_number: str = "- {n} -"
    running_header: bool = False
    repeat_header: bool = True  # repeat a table's header rows after a page break
    review: str = "h3"  # h3 | h2 (15 columns under 3 or 2 header rows) | rows (three rows of five)
    header_breaks: bool = False  # header cells broken by spaces or line breaks (商业 企业)
    fuse: str = ""  # text only: rows (each row's cells run together) | one_line (the whole body on one line)
    vanish: bool = False  # space-separated text: blank cells vanish
    ruled: bool = True  # PDF: grid lines or text placed in columns only
    encoding: str = "utf-8"  # HTML: utf-8 | gbk | gbk-undeclared
    chrome: bool = False  # HTML: the report inside a government site's nested layout tables
    total_header: str = "below"  # table 三's 总计: below 申请人情况 (the form) | beside (spanning the header rows)
    short_blocks: str = "span"  # a 第二十条 block with fewer measures: span (its last cell) | pad (empty cells)
    captions: str = "row"  # per_section tables' 第二十条 captions: row (their first row) | para (above them)
    printed: PrintedLabels = field(default_factory=dict)  # labels printed instead of the form's (or a variant)
    word: WordLook | None = None  # DOCX: typed in Word (fonts, widths, footer fields) instead of converted
    site: SitePage | None = None  # HTML: a government site's article page instead of a bare page


# --- table 二 ------------------------------------------------------------------------------------


def _measure_label(code: str) -> str:
    return form.MEASURES_BY_CODE[code].label_zh


def proactive_grids(report: Report, lay: Layout) -> list[Grid | Para]:
    """Table 二: one grid of every block under its caption row, or a grid per block (captions
    as their first row or as a paragraph above)."""
    cells = report.tables["proactive_disclosure"]
    blocks = report.proactive_blocks()
    width = max(len(b.measures) for b in blocks)
    out: list[Grid | Para] = []
    rows: list[list[GCell]] = []
    printed = lay.printed
    for block in blocks:
        ncols = width if lay.split != "per_section" else len(block.measures)
        caption = printed.get(("caption", block.article), f"第二十条第（{block.article}）项")
        as_para = lay.split == "per_section" and lay.captions == "para"
        block_rows = [] if as_para else [[GCell(caption, colspan=ncols + 1, header=True, bold=True)]]
        measures = [GCell(printed.get(("measure", m), _measure_label(m)), header=True) for m in block.measures]
        content = GCell(printed.get(("content", ""), "信息内容"), header=True)
        block_rows.append([content, *_spread(measures, ncols, lay.short_blocks)])
        for item in block.items:
            values = [GCell(cells[(item.code, m)].raw, value=True) for m in block.measures]
            label = GCell(printed.get(("item", item.code), item.label_zh))
            block_rows.append([label, *_spread(values, ncols, lay.short_blocks)])
        if lay.split == "per_section":
            if as_para:
                out.append(Para(caption, kind="caption"))
            out.append(Grid(block_rows, header_rows=2 - as_para, name="proactive"))
        else:
            rows.extend(block_rows)
    if rows:
        out.append(Grid(rows, header_rows=0, name="proactive"))
    return out


def _spread(cells: list[GCell], width: int, short: str) -> list[GCell]:
    """Cells over ``width`` columns: the last cell spans what is left, or (``pad``) empty
    cells fill it."""
    if short == "pad":
        return cells + [GCell("", header=cells[-1].header) for _ in range(width - len(cells))]
    cells[-1].colspan = width - len(cells) + 1
    return cells


# --- table 三 ------------------------------------------------------------------------------------


def _outcome_rows(report: Report, lay: Layout, rng: random.Random) -> list[tuple[list[str], list[str] | None]]:
    """Table 三's body as (label cells, value texts or None for a heading row). The first
    ``label_cols - 1`` levels of groups get columns of their own (merged later); deeper groups
    are printed as heading rows (``group='row'``) or before their first sub-row (``'inline'``)."""
    cells = report.tables["applications"]
    depth = lay.label_cols
    printed: dict[str, str] = {}

    def lab(code: str) -> str:
        if code not in printed:
            given = lay.printed.get(("outcome", code))
            printed[code] = given if given is not None else labels.vary(labels.official(code), lay.labels, rng)
        return printed[code]

    out: list[tuple[list[str], list[str] | None]] = []
    seen: set[str] = set()
    for code in report.outcome_rows():
        chain: list[str] = []
        parent = "handled" if code == "other_handling" else form.OUTCOMES_BY_CODE[code].parent
        while parent is not None:
            chain.insert(0, parent)
            parent = form.OUTCOMES_BY_CODE[parent].parent
        in_cols = [lab(g) for g in chain[: depth - 1]]
        extra = [g for g in chain[depth - 1 :] if g not in seen]
        seen.update(chain)
        own = lab(code)
        if lay.group == "row":
            for g in extra:
                out.append(([*in_cols, lab(g)], None))
        else:
            own = "".join(lab(g) for g in extra) + own
        out.append(([*in_cols, own], [cells[(code, col)].raw for col in (*APPLICANTS, "total")]))
    return out


def applications_grid(report: Report, lay: Layout, rng: random.Random) -> Grid:
    depth = lay.label_cols
    header = _applications_header(depth, lay, rng)
    final: list[tuple[list[str], list[str] | None]] = []
    for label_cells, values in _outcome_rows(report, lay, rng):
        text = label_cells[-1]
        if lay.wrap != "none" and len(text) > 12 and rng.random() < 0.8:
            pieces = labels.wrap(text, rng.choice((2, 2, 3)), rng).split("\n")
            if lay.wrap == "lines":
                label_cells = [*label_cells[:-1], "\n".join(pieces)]
            else:  # continued in the following grid rows, whose value cells are empty
                for piece in pieces[:-1]:
                    final.append(([*label_cells[:-1], piece], None))
                label_cells = [*label_cells[:-1], pieces[-1]]
        final.append((label_cells, values))
    body: list[list[GCell]] = []
    for label_cells, values in final:
        row = [GCell(t) for t in label_cells[:-1]]
        row.append(GCell(label_cells[-1], colspan=depth - len(label_cells) + 1, align="left"))
        row.extend(GCell(v, value=True) for v in (values if values is not None else [""] * 7))
        body.append(row)
    if depth > 1:
        _merge_group_columns(body, depth, lay)
    return Grid(header + body, header_rows=len(header), name="applications")


def _merge_group_columns(body: list[list[GCell]], depth: int, lay: Layout) -> None:
    """Runs of the same group label in a label column become one rowspan cell."""
    for d in range(depth - 1):
        r = 0
        while r < len(body):
            cell = body[r][d] if d < len(body[r]) else None
            if cell is None or not cell.text or cell.value or cell.colspan != 1 or cell.rowspan == 0:
                r += 1
                continue
            end = r + 1
            while end < len(body) and d < len(body[end]) and _same(body[end][d], cell):
                end += 1
            if end - r > 1:
                cell.rowspan = end - r
                if lay.group_cells == "vertical":
                    cell.text = labels.vertical(cell.text)
                for k in range(r + 1, end):
                    body[k][d].rowspan = 0  # covered: removed below
            r = end
    for row in body:
        row[:] = [c for c in row if c.rowspan != 0]


def _same(a: GCell, b: GCell) -> bool:
    return a.text == b.text and a.colspan == 1 and b.colspan == 1 and not a.value and not b.value


def _applicant_labels(lay: Layout, rng: random.Random) -> list[str]:
    names = [lay.printed.get(("applicant", m.code), m.label_zh) for m in form.APPLICANT_TYPES]
    if lay.header_breaks:
        names = [n if len(n) < 4 or rng.random() < 0.5 else _break(n, rng) for n in names]
    return names


def _break(text: str, rng: random.Random) -> str:
    return text[: len(text) // 2] + rng.choice((" ", "\n")) + text[len(text) // 2 :]


def _applications_header(depth: int, lay: Layout, rng: random.Random) -> list[list[GCell]]:
    names = _applicant_labels(lay, rng)
    code = "legal_person_or_other_org"
    group = lay.printed.get(("applicant_group", code), form.APPLICANT_GROUP_ZH[code])
    corner = GCell(lay.printed.get(("corner", ""), CORNER), rowspan=3, colspan=depth, header=True)
    if lay.total_header == "beside":  # 总计 right of 申请人情况, down all three header rows
        return [
            [corner, GCell("申请人情况", colspan=6, header=True), GCell(names[6], rowspan=3, header=True)],
            [GCell(names[0], rowspan=2, header=True), GCell(group, colspan=5, header=True)],
            [GCell(n, header=True) for n in names[1:6]],
        ]
    return [
        [corner, GCell("申请人情况", colspan=7, header=True)],
        [
            GCell(names[0], rowspan=2, header=True),
            GCell(group, colspan=5, header=True),
            GCell(names[6], rowspan=2, header=True),
        ],
        [GCell(n, header=True) for n in names[1:6]],
    ]


# --- table 四 ------------------------------------------------------------------------------------


def review_grid(report: Report, lay: Layout) -> Grid:
    cells = report.tables["review_litigation"]
    results = [lay.printed.get(("result", m.code), m.label_zh) for m in form.RESULTS]
    if lay.review == "rows":
        head = [[GCell("", header=True), GCell("", header=True), *[GCell(r, header=True) for r in results]]]
        labels_ = (("行政复议", None), ("行政诉讼", "未经复议直接起诉"), ("行政诉讼", "复议后起诉"))
        body = []
        for proceeding, (top, sub) in zip(PROCEEDINGS, labels_, strict=True):
            values = [GCell(cells[(proceeding, r)].raw, value=True) for r in (*RESULT_PARTS, "total")]
            label = [GCell(top, colspan=2)] if sub is None else [GCell(top), GCell(sub)]
            body.append(label + values)
        body[1][0].rowspan = 2
        body[2] = body[2][1:]
        return Grid(head + body, header_rows=1, name="review")
    values = [GCell(cells[(p, r)].raw, value=True) for p in PROCEEDINGS for r in (*RESULT_PARTS, "total")]
    if lay.review == "h2":
        head = [
            [
                GCell("行政复议", colspan=5, header=True),
                GCell("行政诉讼（未经复议直接起诉）", colspan=5, header=True),
                GCell("行政诉讼（复议后起诉）", colspan=5, header=True),
            ],
            [GCell(r, header=True) for r in results * 3],
        ]
    else:
        head = [
            [GCell("行政复议", colspan=5, header=True), GCell("行政诉讼", colspan=10, header=True)],
            [
                *[GCell(r, rowspan=2, header=True) for r in results],
                GCell("未经复议直接起诉", colspan=5, header=True),
                GCell("复议后起诉", colspan=5, header=True),
            ],
            [GCell(r, header=True) for r in results * 2],
        ]
    return Grid([*head, values], header_rows=len(head), name="review")


# --- the document --------------------------------------------------------------------------------

NARRATIVE = (
    "本年度，本机关深入贯彻落实政府信息公开条例，围绕中心工作，持续深化政务公开，"
    "进一步规范依申请公开办理流程，加强政策解读和回应关切。"
)


def build(report: Report, lay: Layout, rng: random.Random) -> Doc:
    doc = Doc(report.title)
    blocks = doc.blocks
    blocks.append(Para(report.title, heading=True))
    blocks.append(
        Para(
            f"本报告根据《中华人民共和国政府信息公开条例》要求，由{report.agency}编制。"
            f"本报告所列数据的统计期限为{report.year}年1月1日至{report.year}年12月31日。"
        )
    )
    blocks.append(Para(SECTIONS[0], heading=True))
    blocks.append(Para(NARRATIVE))
    blocks.append(Para(SECTIONS[1], heading=True))
    for grid in proactive_grids(report, lay):
        blocks.append(grid)
    blocks.append(Para(SECTIONS[2], heading=True))
    app = applications_grid(report, lay, rng)
    review = review_grid(report, lay)
    if lay.split == "combined":
        blocks.append(_combine(app, review))
    else:
        blocks.append(app)
        blocks.append(Para(SECTIONS[3], heading=True))
        blocks.append(review)
    blocks.append(Para(SECTIONS[4], heading=True))
    blocks.append(Para("一是公开内容的全面性有待提高；二是政策解读形式还不够丰富。下一步将加强培训，提升工作质量。"))
    blocks.append(Para(SECTIONS[5], heading=True))
    blocks.append(Para("本年度未收取信息处理费。"))
    blocks.append(Para(report.agency))
    if lay.page_rows:
        doc.blocks = paginate(doc.blocks, lay, report)
    return doc


def _combine(app: Grid, review: Grid) -> Grid:
    """Table 四's rows appended to table 三's grid under a heading row (a converter's output);
    the narrower grid's rightmost cells widen to the common width."""
    width = max(app.ncols, review.ncols)
    rows = [*_widen(app, width), [GCell(SECTIONS[3], colspan=width, header=True)], *_widen(review, width)]
    return Grid(rows, header_rows=app.header_rows, name="combined")


def _widen(grid: Grid, width: int) -> list[list[GCell]]:
    old = grid.ncols
    rows = [[replace(c) for c in row] for row in grid.rows]
    for placed, row in zip(grid.positions(), rows, strict=True):
        for (col, _), cell in zip(placed, row, strict=True):
            if col + cell.colspan == old:
                cell.colspan += width - old
    return rows


def running_header(report: Report) -> str:
    return f"{report.agency}政府信息公开工作年度报告"


def paginate(blocks: list, lay: Layout, report: Report) -> list:
    """Break every table after ``page_rows`` body rows: a page break (footer, running header),
    then the rest of the table, with its header rows again when the layout repeats them."""
    out: list = []
    page = 1
    for block in blocks:
        if not isinstance(block, Grid) or len(block.rows) - block.header_rows <= lay.page_rows:
            out.append(block)
            continue
        parts = split_grid(block, lay.page_rows, lay.repeat_header)
        for i, part in enumerate(parts):
            if i:
                out.append(
                    PageBreak(
                        lay.page_number.format(n=page, m=page + 3), running_header(report) if lay.running_header else ""
                    )
                )
                page += 1
            out.append(part)
    return out


def split_grid(grid: Grid, every: int, repeat_header: bool) -> list[Grid]:
    """Cut a grid into parts of ``every`` body rows; a rowspan crossing a cut is cut too (its
    text stays above, an empty cell continues below, as Word prints it)."""
    placed = grid.positions()
    head = grid.header_rows
    cuts = list(range(head + every, len(grid.rows), every))
    bounds = [0, *cuts, len(grid.rows)]
    parts: list[Grid] = []
    for a, b in itertools.pairwise(bounds):
        rows: list[list[tuple[int, GCell]]] = [[] for _ in range(b - a)]
        for r in range(len(grid.rows)):
            for col, cell in placed[r]:
                end = r + cell.rowspan
                if r >= a and r < b:
                    rows[r - a].append((col, replace(cell, rowspan=min(end, b) - r)))
                elif r < a < end:
                    rows[0].append((col, replace(cell, text="", rowspan=min(end, b) - a)))
        grid_rows = [[c for _, c in sorted(row, key=lambda x: x[0])] for row in rows]
        header = [[replace(c) for c in row] for row in grid.rows[:head]] if a and repeat_header else []
        parts.append(Grid(header + grid_rows, header_rows=len(header) if a else min(head, b - a), name=grid.name))
    return parts
