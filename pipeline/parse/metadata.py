"""Title, agency and year of a report."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline import agencies
from pipeline.document import Row, UnreadableFile
from pipeline.parse.values import normalize

_TITLE = re.compile(r"政府信息公开(?:工作)?年度报告")
_YEAR = re.compile(r"((?:19|20)\d{2})年")
_CN_DIGITS = str.maketrans("〇零○一二三四五六七八九", "00012345678" + "9")
_CN_YEAR = re.compile(r"([〇零○一二三四五六七八九]{4})年")
_PERIOD = re.compile(r"统计期限.{0,20}?((?:19|20)\d{2})年1月1日")


def find_title(rows: Sequence[Row]) -> str:
    """The first line naming the report kind, within the first rows of the document."""
    for row in rows[:60]:
        text = normalize(" ".join(row.cells)).lstrip("#")
        if _TITLE.search(text) and len(text) <= 80:
            return text
    raise UnreadableFile("not a report: no title line '…政府信息公开工作年度报告' near the top")


def year_of(title: str, body: str) -> int:
    """Year from the title; else from the statistics period (统计期限 …年1月1日); a narrative
    mention of another year never decides it."""
    for text in (title, title.translate(_CN_DIGITS)):
        match = _YEAR.search(text) or (_CN_YEAR.search(text) and _YEAR.search(text.translate(_CN_DIGITS)))
        if match:
            return int(match.group(1))
    match = _PERIOD.search(normalize(body))
    if match:
        return int(match.group(1))
    raise UnreadableFile("no report year: neither the title nor a 统计期限 sentence names the year")


def agency_of(title: str, body: str) -> str:
    """Full official agency name: the title's words before the year, completed from the
    body when the title omits the place."""
    title = title.translate(_CN_DIGITS) if _CN_YEAR.search(title) else title
    head = re.split(r"(?:19|20)\d{2}年|政府信息公开", title, maxsplit=1)[0]
    name = agencies.normalize_name(head.rstrip("关于的"))
    if not name:
        raise UnreadableFile(f"no agency name in the title '{title}'")
    if agencies.lacks_place(name):
        name = agencies.complete_from_body(name, normalize(body))
    return name
