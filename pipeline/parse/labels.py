"""Approximate matching of printed labels against the form's own label set.

Printed labels differ from the official wording in ways that carry no meaning: numbering
styles (1. / 1、/ （1）), quotes and brackets of either width, spaces inside words, glyphs a
PDF font dropped (``2.其他法律行政止公开``) or a converter interleaved with a neighbouring
cell (``（四）无2.没有现成信息需要另法提供行制作``). Matching therefore compares only the
Chinese characters of a label ("the core"), aligns each official label against the printed
text with a small local alignment, and keeps the best non-overlapping set of labels.

The label set of a table holds its value rows, its group headings and its header vocabulary
(column labels, the corner note, block captions): header words compete for the characters
they cover, so the applicant column '其他' in a header never reads as the row 3.其他.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.parse.values import normalize

_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+[.．、]|第[一二三四五六七八九十]+[、,，])"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")

# Scores of the alignment: a matched character gains 1; a label character the print lacks
# (a dropped glyph) costs DROP; a printed character inside the match that is not part of the
# label (interleaved text, a substituted glyph) costs NOISE.
DROP = 0.5
NOISE = 0.25
MIN_SHARE = 0.6  # a match must score at least this share of the label's length
SHORT = 2  # labels of at most this many characters count only in a row's own text
EXACT_ONLY = 4  # labels of at most this many characters match only exactly ('予公开' is not 予以公开)


def core(text: str) -> str:
    """The Chinese characters of a label or text, numbering and punctuation removed."""
    text = normalize(text)
    text = _NUMBERING.sub("", text)
    return "".join(_CJK.findall(text))


def text_core(text: str) -> str:
    """Chinese characters of printed text (numbering stays: it is noise the alignment skips)."""
    return "".join(_CJK.findall(normalize(text)))


@dataclass(frozen=True)
class Label:
    """One label of a table's label set. ``code`` is None for header vocabulary."""

    code: str | None
    printed: str
    core: str
    kind: str  # 'row' (carries values), 'group' (heading that may carry a subtotal), 'header'
    order: int  # position in the form, for rows and groups


@dataclass(frozen=True)
class Occurrence:
    """Where a label was found in a text core: [start, end) and the alignment score."""

    label: Label
    start: int
    end: int
    score: float
    matched: int

    @property
    def exact(self) -> bool:
        return self.matched == len(self.label.core) and self.end - self.start == len(self.label.core)


def align(label: str, text: str) -> tuple[float, int, int, int]:
    """Best local alignment of the whole ``label`` inside ``text``.

    Returns (score, start, end, matched characters). Global on the label (every label
    character is matched or paid for), local on the text (free start and end)."""
    exact = text.find(label)
    if exact >= 0:
        return float(len(label)), exact, exact + len(label), len(label)
    return _align(label, text)


@lru_cache(maxsize=65536)
def _align(label: str, text: str) -> tuple[float, int, int, int]:
    n = len(text)
    # prev[j]: (score, start, matched) of aligning label[:i] ending just before text[j]
    prev = [(0.0, j, 0) for j in range(n + 1)]
    for i, ch in enumerate(label, start=1):
        cur = [(-DROP * i, 0, 0)] * (n + 1)
        for j in range(1, n + 1):
            best = (prev[j][0] - DROP, prev[j][1], prev[j][2])  # label char dropped in print
            left = cur[j - 1]
            if left[0] - NOISE > best[0]:
                best = (left[0] - NOISE, left[1], left[2])  # printed char not in the label
            if text[j - 1] == ch:
                diag = prev[j - 1]
                if diag[0] + 1 > best[0]:
                    best = (diag[0] + 1, diag[1], diag[2] + 1)
            cur[j] = best
        prev = cur
    end = max(range(n + 1), key=lambda j: (prev[j][0], -j))
    score, start, matched = prev[end]
    return score, start, end, matched


def find(labels: tuple[Label, ...], text: str) -> list[Occurrence]:
    """Every label found in ``text`` (a text core), best first, then kept if it overlaps no
    better one. Returned in reading order. Value rows win ties against header words."""
    found: list[Occurrence] = []
    chars = set(text)
    for label in labels:
        m = len(label.core)
        if m == 0:
            continue
        if m <= EXACT_ONLY:
            start = text.find(label.core)
            while start >= 0:
                found.append(Occurrence(label, start, start + m, float(m), m))
                start = text.find(label.core, start + 1)
            continue
        if sum(1 for c in set(label.core) if c in chars) < MIN_SHARE * len(set(label.core)):
            continue
        score, start, end, matched = align(label.core, text)
        if score >= MIN_SHARE * m and matched >= 2:
            found.append(Occurrence(label, start, end, score, matched))
    found.sort(key=lambda o: (-o.score, o.label.kind == "header", -len(o.label.core), o.start))
    kept: list[Occurrence] = []
    for occ in found:
        if all(occ.end <= k.start or occ.start >= k.end for k in kept):
            kept.append(occ)
    return sorted(kept, key=lambda o: o.start)


def rivals(labels: tuple[Label, ...], occ: Occurrence, text: str, margin: float = 0.5) -> list[Label]:
    """Other row labels that match the same span of ``text`` about as well as ``occ``: a
    reading that cannot tell them apart must fail rather than pick one."""
    out = []
    span = text[occ.start : occ.end]
    for label in labels:
        if label is occ.label or label.kind != "row" or label.core == occ.label.core:
            continue
        if len(label.core) <= EXACT_ONLY:
            continue
        score, _, _, _ = align(label.core, span)
        if score >= MIN_SHARE * len(label.core) and occ.score - score < margin and not occ.exact:
            out.append(label)
    return out
