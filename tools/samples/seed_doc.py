"""A seed laid out as the layout generator's document model (``tools.layouts.grid``): the
three tables as grids of cells with their spans and a ``TableStyle``, the narrative as
paragraphs. The generator's renderers draw it: ``render_docx.render(doc, WordLook)`` and
``render_html.render_site(doc, SitePage)``.

The grids are built from the seed, not from ``tools.layouts.layout``: a seed prints its own
label wording and punctuation, which the samples must keep.
"""

from __future__ import annotations

from tools.layouts.grid import Doc, GCell, Grid, Para, TableStyle
from tools.layouts.render_docx import WordLook
from tools.layouts.render_html import SitePage
from tools.samples.looks import LOOKS, SampleLook
from tools.samples.seed_model import APPLICANT_COLS, T4_RESULTS, Block, Seed

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
TEXT_WIDTH_CM = 15.6
T2_WIDTHS = (4.5, 3.6, 3.6, 3.6)
T2_WIDTHS_ONE_VALUE = (4.5, 10.8)


def _t2_style(look: SampleLook, widths: tuple[float, ...]) -> TableStyle:
    return TableStyle(widths_cm=widths, width_px=600, font_pt=look.table_pt, borderless="t2" in look.borderless)


def _t2_rows(block: Block, ncols: int, pad: bool) -> list[list[GCell]]:
    """Header and item rows of one block over ``ncols`` value columns; a block with fewer
    measures spans its last one over the rest, or (``pad``) leaves the rest as empty cells."""

    def cells(texts: list[str], value: bool) -> list[GCell]:
        out = [GCell(t, value=value) for t in texts]
        if len(texts) < ncols:
            if pad:
                out += [GCell("") for _ in range(ncols - len(texts))]
            else:
                out[-1].colspan = ncols - len(texts) + 1
        return out

    rows = [[GCell(block.header[0], header=True), *cells(block.header[1:], False)]]
    rows += [[GCell(label), *cells(vals, True)] for label, vals in block.rows]
    return rows


def t2_single(seed: Seed, look: SampleLook, pad: bool = False) -> Grid:
    """Table 二 as one table of four columns, each block under a caption row."""
    rows: list[list[GCell]] = []
    for block in seed.t2:
        rows.append([GCell(block.caption, colspan=4, header=True, bold=True)])
        rows += _t2_rows(block, 3, pad)
    return Grid(rows, header_rows=0, name="proactive", style=_t2_style(look, T2_WIDTHS))


def t2_blocks(seed: Seed, look: SampleLook, caption_row: bool) -> list[Para | Grid]:
    """Table 二 as a table per block: the caption a centred paragraph above it, or its first
    row (then an empty paragraph between the tables, as Word needs)."""
    out: list[Para | Grid] = []
    for block in seed.t2:
        ncols = len(block.header)
        widths = T2_WIDTHS if ncols == 4 else T2_WIDTHS_ONE_VALUE
        rows = _t2_rows(block, ncols - 1, pad=False)
        if caption_row:
            rows.insert(0, [GCell(block.caption, colspan=ncols, header=True, bold=True)])
        else:
            out.append(Para(block.caption, kind="caption"))
        out.append(Grid(rows, header_rows=len(rows) - len(block.rows), name="proactive", style=_t2_style(look, widths)))
        if caption_row:
            out.append(Para("", kind="spacer"))
    return out


def t3_grid(seed: Seed, look: SampleLook) -> Grid:
    """Table 三 with three label columns: 三、本年度办理结果 merged down its rows, （三）-（六）
    merged down their sub-rows, the other rows' labels spanning the columns left."""
    h = lambda text, **kw: GCell(text, header=True, **kw)  # noqa: E731
    if look.t3_header == "official":
        head = [
            [h(seed.t3_note, rowspan=3, colspan=3), h("申请人情况", colspan=7)],
            [h(T3_HEAD_BREAKS["自然人"], rowspan=2), h("法人或其他组织", colspan=5), h("总计", rowspan=2)],
        ]
    else:  # 总计 to the right of 申请人情况, spanning the three header rows
        head = [
            [h(seed.t3_note, rowspan=3, colspan=3), h("申请人情况", colspan=6), h("总计", rowspan=3)],
            [h(T3_HEAD_BREAKS["自然人"], rowspan=2), h("法人或其他组织", colspan=5)],
        ]
    head.append([h(T3_HEAD_BREAKS[name]) for name in APPLICANT_COLS[1:6]])
    body: list[list[GCell]] = []
    n3 = sum(1 for r in seed.t3 if r.struct[0] == "三")
    group_started = False
    started: set[str | None] = set()  # level-2 groups whose merged cell is printed
    for row in seed.t3:
        cells: list[GCell] = []
        if row.struct[0] != "三":
            cells.append(GCell(row.l1, colspan=3, align="left"))
        else:
            if not group_started:
                group_started = True
                cells.append(GCell(row.l1, rowspan=n3))
            if row.struct[2] is None:
                cells.append(GCell(row.l2 or "", colspan=2, align="left"))
            else:
                if row.struct[1] not in started:
                    started.add(row.struct[1])
                    span = sum(1 for r in seed.t3 if r.struct[0] == "三" and r.struct[1] == row.struct[1])
                    cells.append(GCell(row.l2 or "", rowspan=span))
                cells.append(GCell(row.l3 or "", align="left"))
        cells += [GCell(v, value=True) for v in row.values]
        body.append(cells)
    style = TableStyle(
        widths_cm=(1.3, 1.5, 4.4) + (1.2,) * 7,
        width_px=680,
        font_pt=look.table_pt,
        borderless="t3" in look.borderless,
        repeat_header=look.repeat_header,
        cant_split=True,
    )
    return Grid(head + body, header_rows=3, name="applications", style=style)


def t4_grid(seed: Seed, look: SampleLook) -> Grid:
    """Table 四 as four rows of 15 columns, kept together with its data row."""
    h = lambda text, **kw: GCell(text, header=True, **kw)  # noqa: E731
    rows = [
        [h("行政复议", colspan=5), h("行政诉讼", colspan=10)],
        [
            *[h(T4_HEAD_BREAKS[r], rowspan=2) for r in T4_RESULTS],
            h("未经复议直接起诉", colspan=5),
            h("复议后起诉", colspan=5),
        ],
        [h(T4_HEAD_BREAKS[r]) for r in T4_RESULTS * 2],
        [GCell(v, value=True) for v in seed.t4],
    ]
    style = TableStyle(
        widths_cm=(TEXT_WIDTH_CM / 15,) * 15,
        width_px=680,
        font_pt=min(look.table_pt, 9),
        borderless="t4" in look.borderless,
        cant_split=True,
        keep_header_with_body=True,
    )
    return Grid(rows, header_rows=3, name="review", style=style)


def docx_document(seed: Seed) -> tuple[Doc, WordLook]:
    """The seed as the Word document its agency would have typed."""
    look = LOOKS[seed.key]
    doc = Doc(seed.title, [Para(seed.title, heading=True, kind="title"), *seed.pre, seed.headings["二"]])
    if look.t2 == "single":
        doc.blocks.append(t2_single(seed, look))
    else:
        doc.blocks += t2_blocks(seed, look, caption_row=look.t2 == "blocks_caprow")
    doc.blocks += [seed.headings["三"], t3_grid(seed, look), seed.headings["四"], t4_grid(seed, look), *seed.post]
    word = WordLook(
        body_pt=look.body_pt,
        table_pt=look.table_pt,
        line_breaks=look.br,
        heading_styles=look.heading == "styles",
        footer=look.footer or "",
        running_header=seed.title if look.running_header else "",
        date=look.date,
    )
    return doc, word


def html_document(seed: Seed) -> tuple[Doc, SitePage]:
    """The seed as its agency's site publishes it: table 二 always one table; the title heads
    the page rather than the article body."""
    look = LOOKS[seed.key]
    blocks = [
        *seed.pre,
        seed.headings["二"],
        t2_single(seed, look, pad=look.html_t2_empty),
        seed.headings["三"],
        t3_grid(seed, look),
        seed.headings["四"],
        t4_grid(seed, look),
        *seed.post,
    ]
    page = SitePage(
        site=look.site,
        publisher=look.publisher,
        date=look.date,
        index_no=look.index_no,
        encoding=look.html_encoding,
        meta_charset=look.html_meta,
        word=look.html_style == "word",
    )
    return Doc(seed.title, blocks), page
