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
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.parse.memo import ByOwner
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


@lru_cache(maxsize=16384)
def core(text: str) -> str:
    """The Chinese characters of a label or text, numbering and punctuation removed. Cached:
    the form's labels and a table's header cells are asked for again and again."""
    text = normalize(text)
    text = _NUMBERING.sub("", text)
    return "".join(_CJK.findall(text))


def text_core(text: str) -> str:
    """Chinese characters of printed text (numbering stays: it is noise the alignment skips)."""
    return _text_core(text) if len(text) <= _CACHED_TEXT else "".join(_CJK.findall(normalize(text)))


_CACHED_TEXT = 400  # longer texts (a region's whole text) are not worth keeping


@lru_cache(maxsize=16384)
def _text_core(text: str) -> str:
    return "".join(_CJK.findall(normalize(text)))


@dataclass(frozen=True)
class Label:
    """One label of a table's label set. ``code`` is None for header vocabulary."""

    code: str | None
    printed: str
    core: str
    kind: str  # 'row' (carries values), 'group' (heading that may carry a subtotal), 'header'
    order: int  # position in the form, for rows and groups
    # the distinct characters of ``core``, for the quick test ``find`` makes before aligning
    chars: frozenset[str] = field(init=False, repr=False, compare=False)
    # per character, the bit set of its positions in ``core``: the bit-parallel LCS of ``_may_align``
    masks: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "chars", frozenset(self.core))
        masks: dict[str, int] = {}
        for i, ch in enumerate(self.core):
            masks[ch] = masks.get(ch, 0) | (1 << i)
        object.__setattr__(self, "masks", masks)


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
    """``_aligned`` over the part of the text from the first to the last character the label
    has (a running title joined to a label line is half of its text), placed back in the
    text. The same answer as over the whole text: before the first such character every
    alignment only drops label characters (each column scores as the text's start, from
    which the alignment starts), and after the last one every column scores at most as the
    column before it (the earliest best end is kept). An alignment that matches nothing ends
    at the text's start, as ``_aligned`` of the whole text has it."""
    chars = set(label)
    first = next((j for j, ch in enumerate(text) if ch in chars), -1)
    if first < 0:
        return -DROP * len(label), 0, 0, 0
    last = next(j for j in range(len(text) - 1, first - 1, -1) if text[j] in chars)
    score, start, end, matched = _aligned(label, text[first : last + 1])
    if end == 0:
        return score, 0, 0, matched
    return score, start + first, end + first, matched


def _aligned(label: str, text: str) -> tuple[float, int, int, int]:
    """The alignment's dynamic programme, one list per field of a cell (score, start, matched)
    rather than a tuple per cell: it is the recognizer's innermost loop."""
    n = len(text)
    # prev_*[j]: score, start and matched of aligning label[:i] ending just before text[j]
    prev_score = [0.0] * (n + 1)
    prev_start = list(range(n + 1))
    prev_matched = [0] * (n + 1)
    for i, ch in enumerate(label, start=1):
        score = [-DROP * i] + [0.0] * n
        start = [0] * (n + 1)
        matched = [0] * (n + 1)
        for j in range(1, n + 1):
            best, best_start, best_matched = prev_score[j] - DROP, prev_start[j], prev_matched[j]  # dropped
            if score[j - 1] - NOISE > best:  # a printed character not in the label
                best, best_start, best_matched = score[j - 1] - NOISE, start[j - 1], matched[j - 1]
            if text[j - 1] == ch and prev_score[j - 1] + 1 > best:
                best, best_start, best_matched = prev_score[j - 1] + 1, prev_start[j - 1], prev_matched[j - 1] + 1
            score[j], start[j], matched[j] = best, best_start, best_matched
        prev_score, prev_start, prev_matched = score, start, matched
    end = 0  # the best score, at the earliest end
    for j in range(1, n + 1):
        if prev_score[j] > prev_score[end]:
            end = j
    return prev_score[end], prev_start[end], end, prev_matched[end]


# find's answers by (label set, text). A table's rows are matched many times while it is read
# (with the lines above, with the lines below, alone), and every report prints the same labels.
_FOUND = ByOwner(20000)


def find(labels: tuple[Label, ...], text: str) -> list[Occurrence]:
    """Every label found in ``text`` (a text core), best first, then kept if it overlaps no
    better one. Returned in reading order. Value rows win ties against header words."""
    hit = _FOUND.get(labels, text)
    if hit is not None:
        return list(hit)
    found = _find(labels, text)
    _FOUND.keep(labels, text, tuple(found))
    return found


def _find(labels: tuple[Label, ...], text: str) -> list[Occurrence]:
    found: list[Occurrence] = []
    chars = set(text)
    for label, core, m, label_chars, least in _plan(labels):
        if m <= EXACT_ONLY:
            start = text.find(core)
            while start >= 0:
                found.append(Occurrence(label, start, start + m, float(m), m))
                start = text.find(core, start + 1)
            continue
        if len(label_chars & chars) < least:
            continue
        if not _may_align(label, text, 2):
            continue
        score, start, end, matched = align(core, text)
        if score >= MIN_SHARE * m and matched >= 2:
            found.append(Occurrence(label, start, end, score, matched))
    found.sort(key=lambda o: (-o.score, o.label.kind == "header", -len(o.label.core), o.start))
    kept: list[Occurrence] = []
    for occ in found:
        if all(occ.end <= k.start or occ.start >= k.end for k in kept):
            kept.append(occ)
    return sorted(kept, key=lambda o: o.start)


def _plan(labels: tuple[Label, ...]) -> list[tuple[Label, str, int, frozenset[str], float]]:
    """``_find``'s view of a label set, made once per set: each label with a core, in order,
    with its core, length, characters and the share of them a text must have
    (MIN_SHARE * their number). Kept per set, as ``find``'s answers are."""
    hit = _PLANS.get(labels, None)
    if hit is not None:
        return hit
    plan = [
        (label, label.core, len(label.core), label.chars, MIN_SHARE * len(label.chars))
        for label in labels
        if label.core
    ]
    return _PLANS.keep(labels, None, plan)


_PLANS = ByOwner(64)


def _may_align(label: Label, text: str, least: int = 0) -> bool:
    """Whether the label's alignment with the text can score MIN_SHARE of its length and match
    at least ``least`` characters. The characters an alignment matches are a common subsequence
    of label and text, so it matches at most L (their longest common subsequence) and scores at
    most L - DROP * (m - L). L by the bit-parallel algorithm (Hyyrö 2004: one step per text
    character the label has, on an int of m bits), far cheaper than the alignment itself, which
    it spares for ~98% of the labels that then fail. It also implies the bound by character
    counts that ``_find`` tried before it (L is at most the size of the texts' common multiset
    of characters), so that one is gone. Skips the alignment, never a match."""
    m = len(label.core)
    full = (1 << m) - 1
    v = full
    for u in [u for u in map(label.masks.get, text) if u]:  # the text's characters the label has
        u &= v
        v = ((v + u) | (v - u)) & full
    common = m - v.bit_count()
    return common - DROP * (m - common) >= MIN_SHARE * m and common >= least


def rivals(labels: tuple[Label, ...], occ: Occurrence, text: str, margin: float = 0.5) -> list[Label]:
    """Other row labels that match the same span of ``text`` about as well as ``occ``: a
    reading that cannot tell them apart must fail rather than pick one. A label printed
    exactly has no rivals. Answers are cached like ``find``'s (the same damaged labels recur)."""
    if occ.exact:
        return []
    span = text[occ.start : occ.end]
    question = (occ.label, span, occ.score, margin)
    hit = _RIVALS.get(labels, question)
    if hit is not None:
        return list(hit)
    out = _rivals(labels, occ, span, margin)
    _RIVALS.keep(labels, question, tuple(out))
    return out


_RIVALS = ByOwner(20000)


def _rivals(labels: tuple[Label, ...], occ: Occurrence, span: str, margin: float) -> list[Label]:
    out = []
    for label in labels:
        if label is occ.label or label.kind != "row" or label.core == occ.label.core:
            continue
        if len(label.core) <= EXACT_ONLY or not _may_align(label, span):
            continue
        score, _, _, _ = align(label.core, span)
        if score >= MIN_SHARE * len(label.core) and occ.score - score < margin:
            out.append(label)
    return out
