"""Title, agency and year of a report."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from pipeline import agencies
from pipeline.document import Row, UnreadableFile
from pipeline.parse.values import normalize

# Shared with the PDF reader, which joins a title wrapped over two lines.
TITLE = re.compile(r"政府信息公开(?:工作)?年度报告")
YEAR = re.compile(r"((?:19|20)\d{2})年")
TITLE_MAX_CHARS = 80
_CN_DIGITS = str.maketrans("〇零○一二三四五六七八九", "00012345678" + "9")
_CN_YEAR = re.compile(r"([〇零○一二三四五六七八九]{4})年")
_PERIOD = re.compile(r"统计期限.{0,20}?((?:19|20)\d{2})年1月1日")
_AS_OF = re.compile(r"截至((?:19|20)\d{2})年12月(?:31日|底|末)")
# A site's info block prints the title as a field: "名称：…年度报告", "标题:…" (normalized: ':').
_FIELD_LABEL = re.compile(r"^(?:名称|标题|题名|文章标题|信息名称|文件名称)[:]")


def find_title(rows: Sequence[Row]) -> str:
    """The first line naming the report kind, within the first rows of the document."""
    for row in rows[:60]:
        # In a table (a site's 名称/标题 info row) the title is one cell, not the whole row.
        for text in (normalize(c) for c in row.cells) if row.grid else [normalize(" ".join(row.cells))]:
            text = _FIELD_LABEL.sub("", text.lstrip("#"))
            if TITLE.search(text) and len(text) <= TITLE_MAX_CHARS:
                return text
    raise UnreadableFile("not a report: no title line '…政府信息公开工作年度报告' near the top")


def year_of(title: str, body: str) -> int:
    """Year from the title; else from the statistics period (统计期限 …年1月1日); else from
    the body. A narrative mention of another year never overrides the title or the period."""
    for text in (title, title.translate(_CN_DIGITS)):
        match = YEAR.search(text) or (_CN_YEAR.search(text) and YEAR.search(text.translate(_CN_DIGITS)))
        if match:
            return int(match.group(1))
    text = normalize(body)
    match = _PERIOD.search(text) or _AS_OF.search(text)
    if match:
        return int(match.group(1))
    year = year_from_body(text)
    if year is not None:
        return year
    raise UnreadableFile("no report year: neither the title, a 统计期限 sentence nor the body names the year")


def year_from_body(text: str) -> int | None:
    """The year the body talks about most (a report narrates its own year; the next year's
    plans and last year's comparisons are mentioned less). Ties go to the earlier year, the
    one a plan for "next year" is not; None when no year is mentioned."""
    counts = Counter(int(y) for y in YEAR.findall(text.translate(_CN_DIGITS)))
    if not counts:
        return None
    return max(counts.items(), key=lambda kv: (kv[1], -kv[0]))[0]


def agency_of(title: str, body: str) -> str:
    """Full official agency name: the title's words before the year, completed from the
    body when the title omits the place. Spaces inside the title ("2021 年") never split it."""
    title = normalize(title)
    title = title.translate(_CN_DIGITS) if _CN_YEAR.search(title) else title
    head = re.split(r"(?:19|20)\d{2}年|政府信息公开", title, maxsplit=1)[0]
    name = agencies.normalize_name(head.rstrip("关于的"))
    if not name:
        raise UnreadableFile(f"no agency name in the title '{title}'")
    text = normalize(body)
    if agencies.lacks_place(name):
        name = agencies.complete_from_body(name, text)
    return agencies.expand_short_forms(name, text)
