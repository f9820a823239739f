"""A seed laid out as the layout generator's document model (``tools.layouts.grid``), by the
generator's own table builders (``tools.layouts.layout``): the seed's cells become a
``model.Report``, its wording ``Layout.printed`` labels, its table shapes ``Layout`` options;
each grid then gets the ``TableStyle`` its Word author gave it. The generator's renderers draw
the result: ``render_docx.render(doc, WordLook)`` and ``render_html.render_site(doc, SitePage)``.
A table shape added to ``layout`` for a layout family is therefore available to the samples too.
"""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal

from pipeline import form
from tools.layouts.grid import Doc, Grid, Para, TableStyle
from tools.layouts.layout import Layout, PrintedLabels, applications_grid, proactive_grids, review_grid
from tools.layouts.model import APPLICANTS, PROCEEDINGS, RESULT_PARTS, Printed, Report
from tools.layouts.render_docx import WordLook
from tools.layouts.render_html import SitePage
from tools.samples.looks import LOOKS, SampleLook
from tools.samples.seed_model import Seed

# header labels with the line breaks the samples' authors typed inside the cells
T3_HEAD_BREAKS = {
    "commercial_enterprise": "商业\n企业",
    "research_institution": "科研\n机构",
    "social_welfare_org": "社会公益\n组织",
    "legal_service_org": "法律服务\n机构",
}
TEXT_WIDTH_CM = 15.6
T2_WIDTHS = (4.5, 3.6, 3.6, 3.6)
T2_WIDTHS_ONE_VALUE = (4.5, 10.8)
T3_WIDTHS = (1.3, 1.5, 4.4) + (1.2,) * 7


def _printed(raw: str) -> Printed:
    return Printed(raw, Decimal(raw))


def seed_report(seed: Seed) -> tuple[Report, PrintedLabels]:
    """The seed's cells keyed as the form keys them (the seeds are 2021-template reports, their
    rows in the form's order: ``parse_seed`` asserts it), and every label as the seed prints it."""
    report = Report("2021", int(seed.year), seed.title)
    labels: PrintedLabels = {("corner", ""): seed.t3_note}
    t2: dict[tuple[str, str], Printed] = {}
    for block, form_block in zip(seed.t2, report.proactive_blocks(), strict=True):
        labels[("caption", form_block.article)] = block.caption
        labels[("content", "")] = block.header[0]
        for measure, text in zip(form_block.measures, block.header[1:], strict=True):
            labels[("measure", measure)] = text
        for item, (label, values) in zip(form_block.items, block.rows, strict=True):
            labels[("item", item.code)] = label
            for measure, raw in zip(form_block.measures, values, strict=True):
                t2[(item.code, measure)] = _printed(raw)
    t3: dict[tuple[str, str], Printed] = {}
    for code, row in zip(report.outcome_rows(), seed.t3, strict=True):
        labels[("outcome", code)] = row.l3 or row.l2 or row.l1
        parent = form.OUTCOMES_BY_CODE[code].parent
        if parent is not None:
            labels[("outcome", "handled")] = row.l1
            if row.l3:
                labels[("outcome", parent)] = row.l2 or ""
        for col, raw in zip((*APPLICANTS, "total"), row.values, strict=True):
            t3[(code, col)] = _printed(raw)
    keys = [(p, r) for p in PROCEEDINGS for r in (*RESULT_PARTS, "total")]
    t4 = {key: _printed(raw) for key, raw in zip(keys, seed.t4, strict=True)}
    report.tables = {"proactive_disclosure": t2, "applications": t3, "review_litigation": t4}
    for code, text in T3_HEAD_BREAKS.items():
        labels[("applicant", code)] = text
    for m in form.RESULTS:
        labels[("result", m.code)] = m.label_zh[:2] + "\n" + m.label_zh[2:] if len(m.label_zh) == 4 else m.label_zh
    return report, labels


def _layout(seed: Seed, look: SampleLook, t2: str, short_blocks: str) -> tuple[Report, Layout]:
    report, printed = seed_report(seed)
    lay = Layout(
        label_cols=3,
        split="one" if t2 == "single" else "per_section",
        captions="para" if t2 == "blocks_para" else "row",
        total_header="below" if look.t3_header == "official" else "beside",
        short_blocks=short_blocks,
        printed=printed,
    )
    return report, lay


def _styled_tables(seed: Seed, look: SampleLook, t2: str, short_blocks: str) -> list[Para | Grid]:
    """Table 二 (one table or a table per block, spacer paragraphs after caption-row tables as
    Word needs between two tables), 三 and 四, each with its author's widths and fonts."""
    report, lay = _layout(seed, look, t2, short_blocks)
    rng = random.Random(0)  # unused: every label is given, nothing is wrapped
    t2_style = TableStyle(width_px=600, font_pt=look.table_pt, borderless="t2" in look.borderless)
    blocks: list[Para | Grid] = []
    for part in proactive_grids(report, lay):
        if isinstance(part, Grid):
            widths = T2_WIDTHS if part.ncols == 4 else T2_WIDTHS_ONE_VALUE
            part = replace(part, style=replace(t2_style, widths_cm=widths))
        blocks.append(part)
        if isinstance(part, Grid) and t2 == "blocks_caprow":
            blocks.append(Para("", kind="spacer"))
    app = applications_grid(report, lay, rng)
    app.style = TableStyle(
        widths_cm=T3_WIDTHS,
        width_px=680,
        font_pt=look.table_pt,
        borderless="t3" in look.borderless,
        repeat_header=look.repeat_header,
        cant_split=True,
    )
    review = review_grid(report, lay)
    review.style = TableStyle(
        widths_cm=(TEXT_WIDTH_CM / 15,) * 15,
        width_px=680,
        font_pt=min(look.table_pt, 9),
        borderless="t4" in look.borderless,
        cant_split=True,
        keep_header_with_body=True,
    )
    return [*blocks, seed.headings["三"], app, seed.headings["四"], review]


def docx_document(seed: Seed) -> tuple[Doc, WordLook]:
    """The seed as the Word document its agency would have typed."""
    look = LOOKS[seed.key]
    blocks = [
        Para(seed.title, heading=True, kind="title"),
        *seed.pre,
        seed.headings["二"],
        *_styled_tables(seed, look, look.t2, "span"),
        *seed.post,
    ]
    word = WordLook(
        body_pt=look.body_pt,
        table_pt=look.table_pt,
        line_breaks=look.br,
        heading_styles=look.heading == "styles",
        footer=look.footer or "",
        running_header=seed.title if look.running_header else "",
        date=look.date,
    )
    return Doc(seed.title, blocks), word


def html_document(seed: Seed) -> tuple[Doc, SitePage]:
    """The seed as its agency's site publishes it: table 二 always one table; the title heads
    the page rather than the article body."""
    look = LOOKS[seed.key]
    short_blocks = "pad" if look.html_t2_empty else "span"
    blocks = [*seed.pre, seed.headings["二"], *_styled_tables(seed, look, "single", short_blocks), *seed.post]
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
