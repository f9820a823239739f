"""The document-level steps' shortcuts give exactly what the plain code they replace gave.

Each shortcut of identity, regions and review is compared with the computation it stands for
on many random texts (seeded) built from the characters and words it depends on, so a later
change to a pattern that breaks the equivalence fails here, not in a report's identity.
"""

from __future__ import annotations

import random

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
