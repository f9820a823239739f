"""The document-level steps' shortcuts give exactly what the plain code they replace gave.

Each shortcut of identity, regions and review is compared with the computation it stands for
on many random texts (seeded) built from the characters and words it depends on, so a later
change to a pattern that breaks the equivalence fails here, not in a report's identity.
"""

from __future__ import annotations

import random

from pipeline import agencies
from pipeline.document import Document, Row
from pipeline.parse import metadata


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


def test_resolve_place_hands_out_its_own_list():
    chain, rest = agencies.resolve_place("淮安市洪泽区人民政府")
    assert [d.name for d in chain] == ["淮安市", "洪泽区"] and rest == "人民政府"
    chain.append(chain[0])
    assert len(agencies.resolve_place("淮安市洪泽区人民政府")[0]) == 2  # the cached answer is not the caller's list
