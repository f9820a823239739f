"""The fourth speed pass of the text formats (issue 10.2) changes how, never what, is read.

Each shortcut is held to the code it spares: the bit-parallel bound of ``labels._may_align``
to the longest common subsequence by its definition, and to the alignment it skips (it may
only skip a label the alignment would reject); the untabbed and tab-separated line paths of
``pieces`` to the word-by-word code they replaced.
"""

from __future__ import annotations

import random

from pipeline.document import Row
from pipeline.parse import labels as lab
from pipeline.parse import pieces
from pipeline.parse.values import is_value


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


def _line_pieces_by_words(line: str, where: str, page: int | None) -> list[pieces.Piece]:
    """The untabbed path as the general code wrote it before (a list of words, the dates
    marked in a second pass, a piece grown word by word): what ``_line_pieces`` must give."""
    words = [part for word in line.split() for part in pieces.split_word(word)]
    for k, (kind, printed) in enumerate(words):
        nxt = words[k + 1] if k + 1 < len(words) else None
        if kind == "value" and nxt and nxt[0] == "text" and pieces._NOT_A_VALUE_AFTER.match(nxt[1]):
            words[k] = ("text", printed)
    out: list[pieces.Piece] = []
    current = pieces.Piece("", where=where, page=page)
    for kind, printed in words:
        if kind == "text":
            if current.values:
                out.append(current)
                current = pieces.Piece("", where=where, page=page)
            current.text += printed
        else:
            current.values.append(pieces.Token(printed, where, page))
    if current.text or current.values:
        out.append(current)
    if len(out) == 1 and not out[0].text and len(out[0].values) == 1:
        out[0].bare_number = pieces._is_integer(out[0].values[0].text)
    return out


LINES = [
    "1.本机关不掌握相关政府信息 0 0 0 0 0 0 0",
    "规章000行政规范性文件0011",
    "…事务信息3200000326.属于四类",
    "2024 年 3 月",
    "12",
    "12345",
    "0 年",
    "（单位：万元，保留4位小数） 1 2",
    "总计 12 3 4 年度 5",
    "第3条 5 6",
    "１２　３４ 件",
    "",
    "3",
    "（四）无 法提供 0 0",
]


def _random_line(rng: random.Random) -> str:
    words = ["1.", "本机关", "0", "12", "年", "月", "3200000326.属于", "规章000", "件", "第", "（一）", "2.5", "—"]
    return " ".join(rng.choice(words) for _ in range(rng.randint(0, 8)))


def test_line_pieces_are_those_of_the_word_by_word_path():
    rng = random.Random(6)
    for line in LINES + [_random_line(rng) for _ in range(3000)]:
        assert pieces._line_pieces(line, "line 3", 2) == _line_pieces_by_words(line, "line 3", 2), line


def _tab_pieces_by_words(row: Row, line: str, keep_empty: bool) -> list[pieces.Piece]:
    """The tab-separated path as the general code wrote it before (a list of words, the dates
    marked in a second pass, a piece grown field by field): what ``_tab_pieces`` must give."""
    Piece, Token = pieces.Piece, pieces.Token
    if not line and keep_empty:
        blanks = [Token("", f"{row.where} cell {i + 1}", row.page, col=i) for i in range(len(row.cells))]
        return [Piece("", where=row.where, page=row.page, edges=(blanks, []))]
    words = []
    for index, word in enumerate(row.cells):
        if not word.strip():
            words.append(("blank", "", index))
            continue
        cell = word.strip()
        words.append(("value" if is_value(cell) else "text", cell, index))
    for k, (kind, printed, index) in enumerate(words):
        nxt = words[k + 1] if k + 1 < len(words) else None
        if kind == "value" and nxt and nxt[0] == "text" and pieces._NOT_A_VALUE_AFTER.match(nxt[1]):
            words[k] = ("text", printed, index)
    out: list[pieces.Piece] = []
    current = Piece("", where=row.where, page=row.page, edges=([], []))
    for kind, printed, index in words:
        where = f"{row.where} cell {index + 1}"
        if kind == "blank":
            (current.edges[1] if current.values else current.edges[0]).append(Token("", where, row.page, col=index))
            continue
        if kind == "text":
            if current.values:
                out.append(current)
                current = Piece("", where=row.where, page=row.page, edges=([], []))
            else:
                current.edges[0].clear()
            current.text += printed
        else:
            if current.values:
                current.values.extend(current.edges[1])
                current.edges[1].clear()
            current.values.append(Token(printed, where, row.page, col=index))
    if current.text or current.values:
        out.append(current)
    if len(out) == 1 and not out[0].text and len(out[0].values) == 1:
        out[0].bare_number = pieces._is_integer(out[0].values[0].text)
    if len(out) == 1:
        out[0].cells = row.cells
    return out


def _random_fields(rng: random.Random) -> tuple[str, ...]:
    fields = ["", "", " ", "0", "12", "年", "本机关", "1.", "无", "—", "3 ", "规章", "2024", "月底", "（一）"]
    return tuple(rng.choice(fields) for _ in range(rng.randint(2, 10)))


def test_tab_pieces_are_those_of_the_word_by_word_path():
    rng = random.Random(7)
    for _ in range(3000):
        row = Row(_random_fields(rng), "line 9", page=rng.choice([None, 2]))
        line = " ".join(c for c in row.cells if c)
        for keep_empty in (False, True):
            got = pieces._tab_pieces(row, line, keep_empty)
            assert got == _tab_pieces_by_words(row, line, keep_empty), row


def test_may_align_implies_the_bound_by_character_counts():
    """``_find`` dropped its test of character counts (matched at most the common multiset of
    characters): the common-subsequence bound it keeps rejects at least what that one did."""
    rng = random.Random(8)
    for _ in range(3000):
        core = "".join(rng.choice("政府信息公开申请") for _ in range(rng.randint(5, 14)))
        text = "".join(rng.choice("政府信息公开申请本机关") for _ in range(rng.randint(0, 40)))
        m = len(core)
        common = sum(min(core.count(ch), text.count(ch)) for ch in set(core))
        by_counts = common - lab.DROP * (m - common) >= lab.MIN_SHARE * m and common >= 2
        if lab._may_align(_label(core), text, 2):
            assert by_counts
