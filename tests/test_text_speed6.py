"""The sixth speed pass of the recognizer (issue 10.2) changes how, never what, is read.

Each shortcut is held to its definition: the total-first cut of glued digits
(``readings._summing``) to every cut of the run (``readings._cuts``) filtered by its sum, with
numbers read as the arithmetic reads them (``readings.number``: too long to be a value counts
0); the placing of lost blanks by combinations (``readings._placements``) to the candidates
filtered by the row's equations; the alignment over the label's characters only
(``labels._align``) to the dynamic programme over the whole text; the table-driven NFKC of
``pieces._nfkc_same_length`` to NFKC character by character.
"""

from __future__ import annotations

import random
import unicodedata
from decimal import Decimal

import pytest

from pipeline.parse import labels as lab
from pipeline.parse import pieces, readings


def _summing_by_definition(sign: str, digits: str, parts: int, need: Decimal) -> list[list[str]]:
    """Every cut of the run into ``parts`` cells without leading zeros (``_cuts``, in its order)
    whose numbers sum to ``need``. ``_summing`` is asked only for runs whose cells cannot be
    negative (``_Search.total_last``) and what is needed is never below 0."""
    cuts = readings._cuts(sign + digits, parts) if parts > 1 else [(sign + digits,)]
    if parts == 1 and len(digits) > 1 and digits[0] == "0":
        cuts = []
    return [list(cut) for cut in cuts if sum((readings.number(c) for c in cut), Decimal(0)) == need]


@pytest.mark.parametrize("seed", range(3))
def test_summing_is_the_cuts_that_sum_to_what_is_needed(seed):
    rng = random.Random(seed)
    found = 0
    for _ in range(400):
        width = rng.randint(1, 16)
        digits = "".join(rng.choice("00112345678999") for _ in range(width))
        sign = rng.choice(("", "", "+"))  # a run with a minus sign is never cut total first
        parts = rng.randint(1, min(width, 7))
        points = sorted(rng.sample(range(1, width), parts - 1))
        cut = [digits[a:b] for a, b in zip((0, *points), (*points, width), strict=True)]
        total = sum((readings.number((sign if i == 0 else "") + c) for i, c in enumerate(cut)), Decimal(0))
        need = rng.choice((total, total, total + 1, abs(total - 1), Decimal("1.5"), Decimal(rng.randint(0, 400))))
        got = readings._summing(sign, digits, 0, width, parts, need)
        assert got == _summing_by_definition(sign, digits, parts, need), (sign, digits, parts, need)
        found += bool(got)
    assert found > 60  # the cases are not all empty


def test_summing_counts_a_cell_too_long_to_be_a_value_as_zero():
    # 16 digits cannot be a value (``values.MAX_INTEGER_DIGITS``): the arithmetic counts it 0
    assert readings._summing("", "1" + "2" * 15 + "3", 0, 17, 2, Decimal(3)) == [["1" + "2" * 15, "3"]]
    assert readings._summing("", "12", 0, 2, 2, Decimal("3.0")) == [["1", "2"]]
    assert readings._summing("", "12", 0, 2, 2, Decimal("3.5")) == []


def test_nfkc_same_length_is_nfkc_character_by_character():
    def by_definition(text: str) -> str:
        out = []
        for ch in text:
            n = unicodedata.normalize("NFKC", ch)
            out.append(n if len(n) == 1 else ch)
        return "".join(out)

    text = "".join(chr(c) for c in range(0x20, 0x3400)) + "０１２３４５６７８９＋－，．ﬁ①㈠㍿〇一二三本机关"
    assert pieces._nfkc_same_length(text) == by_definition(text)
    assert pieces._nfkc_same_length("１２ﬁ") == "12ﬁ"  # 'ﬁ' is two characters in NFKC: kept


@pytest.mark.parametrize("seed", range(3))
def test_blank_placements_are_the_candidates_whose_equations_hold(seed):
    """Without split, rows whose equations are block totals (with free columns between the
    blocks, or none) are read by combinations of columns (``readings._placements``); other
    equations by the search. Both are the candidates that satisfy the equations, in order."""
    rng = random.Random(seed)
    placed = 0
    for _ in range(300):
        n = rng.randint(1, 10)
        equations = []
        for _ in range(rng.randint(0, 3)):
            lhs = rng.randrange(1, n) if n > 1 else 0
            width = rng.randint(1, max(1, lhs))
            contiguous = rng.random() < 0.8
            rhs = tuple(range(lhs - width, lhs)) if contiguous else tuple(sorted(rng.sample(range(n), min(2, n))))
            equations.append((lhs, rhs))
        printed = ("0", "0", "1", "2", "3", "12", "1.5", "无", "-", "0000")
        tokens = [rng.choice(printed) for _ in range(rng.randint(0, n))]
        expected = [c for c in readings.candidates(tokens, n, False) if readings.holds(c, equations)]
        assert readings.satisfying(tokens, n, False, equations) == expected, (tokens, n, equations)
        placed += readings._segments(equations, n) is not None and bool(expected)
    assert placed > 50  # the combinations path is taken, and finds readings


def test_alignment_over_the_labels_characters_is_the_alignment_over_the_whole_text():
    """``labels._align`` aligns only the part of the text from the first to the last character
    the label has; the answer is the dynamic programme's over the whole text (``_aligned``)."""
    rng = random.Random(7)
    alphabet = "信息公开申请不予其他法律行政规章本机关掌握相关政府市区县局年度报告工作"
    for _ in range(3000):
        label = "".join(rng.choice(alphabet[:20]) for _ in range(rng.randint(1, 12)))
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        if text and rng.random() < 0.5:
            k = rng.randint(0, len(text))
            text = text[:k] + label[: rng.randint(0, len(label))] + text[k:]
        assert lab._align.__wrapped__(label, text) == lab._aligned(label, text), (label, text)
    assert lab._align.__wrapped__("其他", "市局报告") == (-1.0, 0, 0, 0)  # nothing in common
    assert lab._align.__wrapped__("其他", "市局其他报告") == (2.0, 2, 4, 2)
