"""The layout families the product must read, each a draw of ``Layout`` and ``Style``
parameters, with what it expects of the reader:

- 'exact': every table loads with every cell as rendered;
- 'exact_or_quarantined': damage a reader may not be able to undo (glyphs dropped from labels,
  bare page numbers): each table is read exactly or quarantined, never misread;
- 'computed': digits run together or blank cells vanished; the generator counts the readings
  of every row under the form's arithmetic (``readings``): a table whose rows each have one
  reading must be read exactly, otherwise it may be quarantined.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace

from tools.layouts import readings
from tools.layouts.labels import NUMBERING, LabelStyle
from tools.layouts.layout import PAGE_NUMBERS, Layout
from tools.layouts.model import APPLICANTS, PROCEEDINGS, RESULT_PARTS, Report, Style

FORMATS = ("txt", "tsv", "md", "html", "docx", "pdf")
TEXT_ONLY = ("txt",)
EXACT, EITHER, COMPUTED = "exact", "exact_or_quarantined", "computed"


@dataclass(frozen=True)
class Family:
    name: str
    expect: str
    formats: tuple[str, ...]
    draw: Callable[[random.Random, str], tuple[Style, dict, dict]]  # -> style, layout fields, report options
    about: str = ""


def _base_style(rng: random.Random, fmt: str, **kw) -> Style:
    return Style(plus_sign=rng.random() < 0.3, amount_unit=rng.random() < 0.5, **kw)


def _plain(rng, fmt):
    return _base_style(rng, fmt), {}, {}


def _label_variants(rng, fmt):
    labels = LabelStyle(
        numbering=rng.choice(NUMBERING),
        halfwidth_brackets=rng.random() < 0.5,
        straight_quotes=rng.random() < 0.5,
        spaces=0.3,
        short=rng.random() < 0.3,
        traditional=rng.random() < 0.2,
    )
    return _base_style(rng, fmt), {"labels": labels}, {}


def _label_damage(rng, fmt):
    labels = LabelStyle(drop=0.12, substitute=0.08)
    return _base_style(rng, fmt), {"labels": labels}, {}


def _wrapped(rng, fmt):
    lay = {
        "wrap": rng.choice(("lines", "cells")),
        "valign": rng.choice(("top", "middle", "bottom")),
        "header_breaks": True,
    }
    return _base_style(rng, fmt), lay, {}


def _groups(rng, fmt):
    lay = {
        "label_cols": rng.choice((1, 2, 3)),
        "group": rng.choice(("row", "inline")),
        "group_cells": rng.choice(("rowspan", "vertical")),
    }
    return _base_style(rng, fmt), lay, {}


def _merged(rng, fmt):
    lay = {"merged": rng.choice(("repeat", "empty")), "label_cols": rng.choice((1, 2))}
    return _base_style(rng, fmt), lay, {}


def _split(rng, fmt):
    return _base_style(rng, fmt), {"split": rng.choice(("per_section", "combined"))}, {}


def _pages(rng, fmt):
    lay = {
        "page_rows": rng.randint(5, 14),
        "page_number": rng.choice(PAGE_NUMBERS),
        "running_header": rng.random() < 0.5,
        "repeat_header": rng.random() < 0.5,
    }
    return _base_style(rng, fmt), lay, {}


def _bare_pages(rng, fmt):
    lay = {
        "page_rows": rng.randint(5, 14),
        "page_number": "{n}",
        "running_header": True,
        "repeat_header": rng.random() < 0.5,
    }
    return _base_style(rng, fmt), lay, {}


def _placeholders(rng, fmt):
    pool = ("—", "-", "/", "无", "——") if fmt == "txt" else ("", "—", "-", "/", "无", "", "")
    zero_as = tuple(rng.sample(pool, rng.randint(1, 3))) + ("0",) * rng.randint(0, 2)
    style = _base_style(rng, fmt, zero_as=zero_as, empty_rows=0.5, empty_review=rng.random() < 0.3)
    if fmt == "txt" and style.empty_review:
        style = replace(style, empty_review=False)  # blank review cells would vanish: see vanishing_blanks
    return style, {}, {}


def _review(rng, fmt):
    return _base_style(rng, fmt), {"review": rng.choice(("h2", "h3", "rows"))}, {}


def _other_one_row(rng, fmt):
    return _base_style(rng, fmt), {}, {"template": "2021", "other_as_one_row": True}


def _fused_rows(rng, fmt):
    return _base_style(rng, fmt), {"fuse": "rows", "review": rng.choice(("h3", "rows"))}, {}


def _one_line(rng, fmt):
    return _base_style(rng, fmt), {"fuse": "one_line"}, {}


def _vanishing(rng, fmt):
    style = _base_style(rng, fmt, zero_as=("", "", "0"), empty_review=rng.random() < 0.2)
    return style, {"vanish": True, "review": rng.choice(("h3", "rows"))}, {}


FAMILIES: tuple[Family, ...] = (
    Family("plain", EXACT, FORMATS, _plain, "the official layout, both templates"),
    Family(
        "label_variants",
        EXACT,
        FORMATS,
        _label_variants,
        "numbering 1./1、/（1）/1．, (一) for （一）, straight quotes, spaces in words, short labels, Traditional",
    ),
    Family("label_damage", EITHER, FORMATS, _label_damage, "glyphs dropped or substituted in labels"),
    Family("wrapped_labels", EXACT, FORMATS, _wrapped, "labels over 2-3 lines or cells; header cells broken"),
    Family(
        "group_labels",
        EXACT,
        FORMATS,
        _groups,
        "1-3 label columns; group labels in their own row, inline, merged, one char per line",
    ),
    Family("merged_cells", EXACT, FORMATS, _merged, "merged cells exported repeated or empty"),
    Family("split_tables", EXACT, FORMATS, _split, "a table per 第二十条 block; 三 and 四 in one grid"),
    Family(
        "page_breaks",
        EXACT,
        FORMATS,
        _pages,
        "tables across pages: page numbers, running headers, header repeated or not",
    ),
    Family("bare_page_numbers", EITHER, FORMATS, _bare_pages, "a bare number on its own line between rows"),
    Family(
        "placeholders", EXACT, FORMATS, _placeholders, "blank, —, -, /, 无; placeholder rows; an empty review table"
    ),
    Family("review_shapes", EXACT, FORMATS, _review, "15 columns under 2 or 3 header rows; three rows of five"),
    Family("other_one_row", EXACT, FORMATS, _other_one_row, "2021 table printing （六）其他处理 as one row"),
    Family("fused_rows", COMPUTED, TEXT_ONLY, _fused_rows, "crawled text: each row's cells run together"),
    Family("one_line_body", COMPUTED, TEXT_ONLY, _one_line, "crawled text: the whole body on one line"),
    Family("vanishing_blanks", COMPUTED, TEXT_ONLY, _vanishing, "space-separated text where blank cells vanish"),
)
FAMILIES_BY_NAME = {f.name: f for f in FAMILIES}


def layout_for(family: Family, fmt: str, rng: random.Random) -> tuple[Style, Layout, dict]:
    style, fields, options = family.draw(rng, fmt)
    lay = Layout(fmt=fmt, **fields)
    if fmt == "html":
        lay = replace(lay, encoding=rng.choice(("utf-8", "utf-8", "gbk", "gbk-undeclared")), chrome=rng.random() < 0.5)
    if fmt == "pdf":
        lay = replace(lay, ruled=rng.random() < 0.6)
    return style, lay, options


# --- expectations of the computed families --------------------------------------------------------


def expectations(family: Family, report: Report, lay: Layout) -> dict[str, str]:
    """Per table: 'exact' or 'exact_or_quarantined'."""
    tables = ("proactive_disclosure", "applications", "review_litigation")
    if family.expect != COMPUTED:
        return dict.fromkeys(tables, family.expect)
    unique = {t: all(n == 1 for n in _row_readings(report, lay, t)) for t in tables}
    return {t: EXACT if unique[t] else EITHER for t in tables}


def _row_readings(report: Report, lay: Layout, table: str) -> list[int]:
    cells = report.tables[table]
    rows: list[tuple[list[str], tuple[str, ...], list[tuple[list[int], int]], int]] = []
    if table == "applications":
        for code in report.outcome_rows():
            raws = [cells[(code, c)].raw for c in (*APPLICANTS, "total")]
            rows.append((raws, ("count",) * 7, [(list(range(6)), 6)], 1))
    elif table == "review_litigation":
        per = [[cells[(p, r)].raw for r in (*RESULT_PARTS, "total")] for p in PROCEEDINGS]
        if lay.review == "rows":
            rows.extend((raws, ("count",) * 5, [(list(range(4)), 4)], 1) for raws in per)
        else:
            groups = [(list(range(b * 5, b * 5 + 4)), b * 5 + 4) for b in range(3)]
            rows.append(([r for raws in per for r in raws], ("count",) * 15, groups, 3))
    else:
        for block in report.proactive_blocks():
            kinds = tuple(_kind(m) for m in block.measures)
            for item in block.items:
                rows.append(([cells[(item.code, m)].raw for m in block.measures], kinds, [], 0))
    out = []
    for raws, kinds, groups, blocks in rows:
        if lay.vanish:
            out.append(readings.vanished(raws, groups))
            continue
        glued = "".join(raws)
        if blocks == 3:
            cut = readings.fused_blocks(glued, 3, 4)
        elif blocks == 1:
            cut = readings.fused_sum(glued, len(raws) - 1)
        else:
            cut = readings.fused_free(glued, kinds)
        out.append(min(readings.MANY, cut + readings.fused_whole(glued, len(raws), kinds, groups)))
    return out


def _kind(measure: str) -> str:
    return {"items_change": "signed", "fee_amount": "amount", "procurement_amount": "amount"}.get(measure, "count")
