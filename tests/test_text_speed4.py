"""The fourth speed pass of the text formats (issue 10.2) changes how, never what, is read.

Each shortcut is held to the code it spares: the bit-parallel bound of ``labels._may_align``
to the longest common subsequence by its definition, and to the alignment it skips (it may
only skip a label the alignment would reject).
"""

from __future__ import annotations

import random

from pipeline.parse import labels as lab


def _lcs(a: str, b: str) -> int:
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b, start=1):
            cur.append(prev[j - 1] + 1 if x == y else max(prev[j], cur[j - 1]))
        prev = cur
    return prev[-1]


def _label(core: str) -> lab.Label:
    return lab.Label("row_x", core, core, "row", 0)


def test_may_align_is_the_bound_of_the_longest_common_subsequence():
    rng = random.Random(4)
    for _ in range(3000):
        core = "".join(rng.choice("政府信息公开申请") for _ in range(rng.randint(1, 14)))
        text = "".join(rng.choice("政府信息公开申请本机关") for _ in range(rng.randint(0, 40)))
        common = _lcs(core, text)
        m = len(core)
        bound = common - lab.DROP * (m - common) >= lab.MIN_SHARE * m
        assert lab._may_align(_label(core), text) == bound
        assert lab._may_align(_label(core), text, 2) == (bound and common >= 2)


def test_may_align_never_skips_an_alignment_that_passes():
    rng = random.Random(5)
    for _ in range(3000):
        core = "".join(rng.choice("不予公开其他法律行政法规禁止") for _ in range(rng.randint(5, 12)))
        text = "".join(rng.choice("不予公开其他法律行政法规禁止本机关0") for _ in range(rng.randint(1, 30)))
        score, _, _, matched = lab.align(core, text)
        if score >= lab.MIN_SHARE * len(core):
            assert lab._may_align(_label(core), text)
            if matched >= 2:
                assert lab._may_align(_label(core), text, 2)
