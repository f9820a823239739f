"""Numbers the narrative states about the tables (受理申请N件, 行政复议N件, 行政诉讼N件).

Reports often restate headline numbers in prose ("共受理政府信息公开申请31件"), and the prose
sometimes contradicts the table: a warning worth a look, never a reason to block (agencies
count differently in prose). Only the narrative sections are searched (before table 二 and
from section 五 on), so table cells that print "0件" are never taken for claims. A narrative
that states nothing yields no claim: silence is not a contradiction.

Lines are normalized (full-width digits, Traditional script: 申請 -> 申请) and joined before
matching, because PDFs and text copies wrap mid-word ("共受\\n理"). Only 件/起 count: "网上申请1条"
counts one channel, not the year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.parse.values import normalize

# claim -> what it is compared with in the tables (see pipeline.quality.frames)
CLAIMS = {
    "applications_received": "三、一、本年新收政府信息公开申请数量 / 总计",
    "reviews": "四、行政复议 / 总计",
    "lawsuits": "四、行政诉讼（未经复议直接起诉 + 复议后起诉）/ 总计",
}
CLAIM_LABELS_ZH = {"applications_received": "收到申请", "reviews": "行政复议", "lawsuits": "行政诉讼"}

_STOP = r"[^。；;，,：:\d]"  # stay inside one clause, stop at the first digit
_PATTERNS = {
    "applications_received": re.compile(
        rf"(?:受理|收到|接到|接收到|接收|新收){_STOP}{{0,16}}?申请{_STOP}{{0,12}}?(\d+)件"
    ),
    "reviews": re.compile(rf"行政复议{_STOP}{{0,10}}?(\d+)(?:件|起)"),
    "lawsuits": re.compile(rf"行政诉讼{_STOP}{{0,10}}?(\d+)(?:件|起)"),
}
_TABLES_START = re.compile(r"^\W*二\s*[、.．]\s*主动公开", re.MULTILINE)
_TABLES_END = re.compile(r"^\W*五\s*[、.．]\s*存在的主要问题", re.MULTILINE)


@dataclass(frozen=True)
class Claim:
    """One number stated in the narrative, with the words around it for a person."""

    claim: str
    value: int
    quote: str


def narrative_text(body: str) -> str:
    """The prose sections of a report: everything outside the table sections 二–四."""
    start = _TABLES_START.search(body)
    if start is None:
        return body
    end = _TABLES_END.search(body, start.end())
    return body[: start.start()] + ("\n" + body[end.start() :] if end else "")


def extract_claims(body: str) -> list[Claim]:
    """The first statement of each kind in the narrative (the headline number)."""
    lines = [normalize(line) for line in body.splitlines()]  # NFKC, Simplified script, no spaces
    text = narrative_text("\n".join(lines)).replace("\n", "")
    claims = []
    for claim, pattern in _PATTERNS.items():
        match = pattern.search(text)
        if match is None:
            continue
        quote = text[max(0, match.start() - 8) : match.end()]
        claims.append(Claim(claim, int(match.group(1)), quote))
    return claims
