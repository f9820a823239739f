"""Where the three statutory tables are, and which template they follow.

Tables are found by their own anchors, not by section numbering (which agencies change):
table 二 starts at 第二十条第（一）项 (or its caption), table 三 at its corner note, header or
first row, table 四 at the 行政复议 header after table 三, and all end at section 五 (存在的主要
问题). A crawled copy may print the whole body on one line, so a long text line is first cut
at these anchors.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache

from pipeline import form
from pipeline.document import Row
from pipeline.parse import labels as lab
from pipeline.parse.values import normalize

# On normalized text (NFKC: half-width brackets; no white space).
_CAPTION_ONE = re.compile(r"第二十条第\(一\)项")
_PROACTIVE_HEADING = re.compile(r"主动公开政府信息情况")
_APPLICATIONS_ANCHOR = re.compile(r"本列数据的勾稽关系|申请人情况|本年新收政府信息公开申请")
_APPLICATIONS_HEADING = re.compile(r"收到和处理政府信息公开申请情况")
REVIEW_START = re.compile(r"行政复议")
HEADING_MAX = 40
SECTION_FIVE = re.compile(r"存在的主要问题|主要问题及改进|^[(（]?[一1][)）]?主要问题")
# Where a long text line is cut (on the printed text).
_CUTS = re.compile(
    r"(?=第二十条第\s*[(（]\s*一\s*[)）]\s*项)|(?=[(（]本列数据的勾稽关系)|(?=(?:[一二三四五六七八九]、)?\s*"
    r"(?:收到和处理政府信息公开申请情况|政府信息公开行政复议|(?:政府信息公开工作)?存在的主要问题))"
)
LONG_LINE = 300


def cut_long_lines(rows: Sequence[Row]) -> list[Row]:
    """A text line holding several sections (a crawled page on one line) -> one row each."""
    out: list[Row] = []
    for row in rows:
        text = row.cells[0] if len(row.cells) == 1 else ""
        if row.grid or len(text) < LONG_LINE:
            out.append(row)
            continue
        parts = [p for p in _CUTS.split(text) if p.strip()]
        out.extend(replace(row, cells=(p.strip(),)) for p in parts)
    return out


@dataclass(frozen=True)
class Regions:
    """Row index ranges [start, end) of the three tables; None when a table was not found."""

    proactive: tuple[int, int] | None
    applications: tuple[int, int] | None
    review: tuple[int, int] | None


def find_regions(rows: Sequence[Row]) -> Regions:
    """Each table from its own anchor to the next table's. Headings ('二、主动公开政府信息情
    况') count only as short lines: the introduction lists every section's name in one line."""
    texts = [normalize("".join(r.cells)) for r in rows]

    def first(pattern: re.Pattern[str], start: int | None, heading: bool = False) -> int | None:
        if start is None:
            return None
        hits = (i for i in range(start, len(texts)) if pattern.search(texts[i]))
        return next((i for i in hits if not heading or len(texts[i]) <= HEADING_MAX), None)

    pro = first(_CAPTION_ONE, 0)
    if pro is None:
        pro = first(_PROACTIVE_HEADING, 0, heading=True)
    app = first(_APPLICATIONS_ANCHOR, pro or 0)
    if app is None:
        app = first(_APPLICATIONS_HEADING, pro or 0, heading=True)
    review = first(REVIEW_START, None if app is None else app + 1)
    end = first(SECTION_FIVE, review if review is not None else app if app is not None else pro)
    end = len(rows) if end is None else end
    return Regions(
        (pro, app if app is not None else (review or end)) if pro is not None else None,
        (app, review if review is not None else end) if app is not None else None,
        (review, end) if review is not None else None,
    )


# --- which template --------------------------------------------------------------------------


def template_of(rows: Sequence[Row], regions: Regions, year: int) -> str:
    """The template the tables follow: from table 二's measures (they differ between the two
    formats), else from table 三 (（六）其他处理 with sub-rows is 2021), else from the year."""
    if regions.proactive is not None:
        start, end = regions.proactive
        text = lab.text_core("".join([c for r in rows[start:end] for c in r.cells]))
        votes = {code: sum(1 for label in _own_measure_labels(code) if label in text) for code in form.TEMPLATES}
        best = max(votes.values())
        winners = [code for code, v in votes.items() if v == best]
        if best > 0 and len(winners) == 1:
            return winners[0]
    if regions.applications is not None:
        start, end = regions.applications
        text = lab.text_core("".join([c for r in rows[start:end] for c in r.cells]))
        if lab.core(form.OUTCOMES_BY_CODE["other_fee_unpaid"].label_zh)[:8] in text:
            return "2021"
    return "2021" if year >= 2021 else "2019"


@cache  # a function of the form alone, asked for by every report
def _own_measure_labels(code: str) -> frozenset[str]:
    """The template's own measure labels (those the other template lacks), as label cores:
    a report votes for the template whose labels its table 二 prints."""
    template = form.TEMPLATES[code]
    other = [t for t in form.TEMPLATES.values() if t is not template]
    mine = {m for b in template.proactive for m in b.measures}
    theirs = {m for t in other for b in t.proactive for m in b.measures}
    labels = {lab.core(form.MEASURES_BY_CODE[m].label_zh) for m in mine - theirs}
    return frozenset(labels - {lab.core(form.MEASURES_BY_CODE[m].label_zh) for m in theirs})
