"""The document-level steps' shortcuts give exactly what the plain code they replace gave.

Each shortcut of identity, regions and review is compared with the computation it stands for
on many random texts (seeded) built from the characters and words it depends on, so a later
change to a pattern that breaks the equivalence fails here, not in a report's identity.
"""

from __future__ import annotations

import random

from pipeline import agencies
from pipeline.document import Document, Row
from pipeline.parse import metadata, tables
from pipeline.parse.values import normalize


def _random_texts(alphabet: list[str], count: int, longest: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, longest))) for _ in range(count)]


def _spans(matches) -> list[tuple[tuple[int, int], str, str]]:
    return [(m.span(), m.group(0), m.group(1)) for m in matches]


def test_compiled_by_finds_what_the_compiler_pattern_finds():
    alphabet = [
        *"编制写作了完成本此该年由,，。;；:政府办公室县人民（）()a1 ",
        *("编制", "编写", "制作", "编制作", "2024年", "1999年", "2024", "完成", "区" * 39, "区" * 41, "由某县"),
    ]
    texts = _random_texts(alphabet, 20000, 40, seed=3)
    texts += [
        "区" * 45 + "编制了本报告",
        "由洪泽区编制本",
        "本报告由淮安市人民政府办公室编制。,市科委编制了2024年度报告",
    ]
    matched = 0
    for text in texts:
        want = _spans(metadata._COMPILER[1].finditer(text))
        assert _spans(metadata._compiled_by(text)) == want, text
        matched += bool(want)
    assert matched > 1000  # the texts exercise the pattern, not only its absence


def test_any_colon_is_colons():
    for ch in map(chr, range(0x10000)):
        assert bool(metadata._ANY_COLON.search("某" + ch + "某")) == (ch in metadata.COLONS)


def test_document_text_joins_the_non_empty_cells():
    rng = random.Random(4)
    words = ["", "", "政府", "12", " ", "本年新制作数量", "a b"]
    rows = [Row(tuple(rng.choice(words) for _ in range(rng.randint(0, 4))), "line 1") for _ in range(3000)]
    doc = Document(rows=rows)
    assert doc.text() == "\n".join(" ".join(c for c in row.cells if c) for row in rows)
    assert Document().text() == ""


def _regions_row_by_row(rows: list[Row]) -> tables.Regions:
    """``find_regions`` as it was: every pattern searched row by row."""
    texts = [normalize("".join(r.cells)) for r in rows]

    def first(pattern, start, heading=False):
        if start is None:
            return None
        hits = (i for i in range(start, len(texts)) if pattern.search(texts[i]))
        return next((i for i in hits if not heading or len(texts[i]) <= tables.HEADING_MAX), None)

    pro = first(tables._CAPTION_ONE, 0)
    if pro is None:
        pro = first(tables._PROACTIVE_HEADING, 0, heading=True)
    app = first(tables._APPLICATIONS_ANCHOR, pro or 0)
    if app is None:
        app = first(tables._APPLICATIONS_HEADING, pro or 0, heading=True)
    review = first(tables.REVIEW_START, None if app is None else app + 1)
    end = first(tables.SECTION_FIVE, review if review is not None else app if app is not None else pro)
    end = len(rows) if end is None else end
    return tables.Regions(
        (pro, app if app is not None else (review or end)) if pro is not None else None,
        (app, review if review is not None else end) if app is not None else None,
        (review, end) if review is not None else None,
    )


def test_find_regions_is_the_row_by_row_search():
    words = [
        "第二十条第（一）项",
        "二、主动公开政府信息情况",
        "主动公开政府信息情况" + "的" * 35,
        "本列数据的勾稽关系",
        "申请人情况",
        "三、收到和处理政府信息公开申请情况",
        "收到和处理政府信息公开申请情况" + "的" * 30,
        "行政复议",
        "五、存在的主要问题",
        "（一）主要问题",
        "1)主要问题",
        "主要问题及改进",
        "规章 0 0 0",
        "",
        "总计 12",
        "行政\n复议",
    ]
    rng = random.Random(6)
    for _ in range(3000):
        rows = [Row(tuple(rng.choice(words) for _ in range(rng.randint(1, 2))), "l") for _ in range(rng.randint(0, 12))]
        assert tables.find_regions(rows) == _regions_row_by_row(rows), rows


def test_resolve_place_hands_out_its_own_list():
    chain, rest = agencies.resolve_place("淮安市洪泽区人民政府")
    assert [d.name for d in chain] == ["淮安市", "洪泽区"] and rest == "人民政府"
    chain.append(chain[0])
    assert len(agencies.resolve_place("淮安市洪泽区人民政府")[0]) == 2  # the cached answer is not the caller's list
