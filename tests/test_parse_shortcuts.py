"""The recognizer's shortcuts give exactly what the slower code they replace gave.

Each shortcut is compared with the plain computation it stands for, on every character it
depends on or on many random texts (seeded), so a later change to a pattern or a character
table that breaks the equivalence fails here, not silently in a report's identity.
"""

from __future__ import annotations

import random
import sys
import unicodedata

from pipeline.parse import metadata
from pipeline.parse.values import nfkc


def test_colons_hold_every_character_nfkc_turns_into_a_colon():
    """The publisher-field check skips lines without one of ``COLONS``: it must hold every
    character whose NFKC form contains ':' (the field pattern matches on normalized text)."""
    found = {chr(c) for c in range(sys.maxunicode + 1) if ":" in unicodedata.normalize("NFKC", chr(c))}
    assert found == set(metadata.COLONS)
    assert found == {":", "⩴", "︓", "﹕", "："}


def _random_texts(alphabet: list[str], count: int, longest: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, longest))) for _ in range(count)]


def test_last_signature_is_the_last_match_of_the_signature_pattern():
    alphabet = [
        *"政府办公室县人民（）()印年月日0123456789 ,。a",
        *("2021年", "1月", "12月", "31日", "日印", "2020年1月1日", "1999年12月3日", "区" * 39, "区" * 41),
    ]
    texts = _random_texts(alphabet, 20000, 30, seed=5)
    date = "2022年1月25日"
    texts += ["淮安市人民政府办公室" + date, "区" * 40 + date, "区" * 41 + date, "某2021年1月1日"]
    matched = 0
    for text in texts:
        want = [(m.group(1), m.group(0)) for m in metadata._SIGNATURE.finditer(text)][-1:]
        assert metadata.last_signature(text) == (want[0] if want else None), text
        matched += bool(want)
    assert matched > 3000  # the texts exercise the pattern, not only its absence
    assert metadata.last_signature("某某县人民政府2021年1月1日印发。汤阴县人民政府办公室2022年1月25日") == (
        "汤阴县人民政府办公室",
        "汤阴县人民政府办公室2022年1月25日",
    )


def test_nfkc_is_unicodedata_nfkc():
    """Full-width punctuation replaced before NFKC: the same result for any text, combining
    marks and compositions across the replaced characters included."""
    alphabet = list("，：（）；！？　％ａ１,:()中文政府ｶﾞﾟかe\u0301\u0308\u0327\u3099\u309a\u1100\u1161\u11a8①…")
    for text in _random_texts(alphabet, 50000, 12, seed=1):
        assert nfkc(text) == unicodedata.normalize("NFKC", text), repr(text)
    every = "".join(chr(c) for c in range(0x20, 0x30000) if not 0xD800 <= c < 0xE000)
    assert nfkc(every) == unicodedata.normalize("NFKC", every)


def test_most_candidates_bounds_the_count_of_candidates():
    """Rows under the bound skip the exact count: it must never be below the count (which
    ``candidates`` enumerates), for either damage, over many random rows."""
    from pipeline.parse.readings import candidates, count_candidates, most_candidates

    rng = random.Random(3)
    printed = ["0", "1", "12", "105", "2000", "-3", "无", "31", "0012", "7", ""]
    tight = 0
    for _ in range(3000):
        n = rng.randint(1, 9)
        tokens = rng.choices(printed, k=rng.randint(0, n + 1))
        for split in (True, False):
            count = count_candidates(tokens, n, split)
            assert count == sum(1 for _ in candidates(tokens, n, split))
            assert count <= most_candidates(tokens, n, split), (tokens, n, split)
            tight += count == most_candidates(tokens, n, split) > 0
    assert tight > 500  # the bound is often exact, not merely large
    assert most_candidates(["21710000218"], 8, True) == 120  # C(10, 7)
    assert most_candidates(["1", "2"], 16, False) == 120  # C(16, 2)


def test_numbers_hash_hashes_the_repr_of_the_sorted_items():
    """Warehouses keep numbers_hash: its cached assembly must hash the very bytes of the plain
    formula, for any numbers (-0 and 0, 1.0 and 1, exponents) and any texts (quotes)."""
    import hashlib
    from decimal import Decimal

    from pipeline.normalize import numbers_hash
    from pipeline.parse.model import Cell, ParsedReport, TableRead

    numbers = [Decimal(x) for x in ("0", "-0", "0.0", "-0.00", "1", "1.0", "1.50", "1E+1", "-5", "0.0001", "99.5")]
    rng = random.Random(2)
    for _ in range(2000):
        cells = [
            Cell(f"r{rng.randint(0, 3)}", rng.choice(["c", "c'", 'c"']), "", rng.choice([*numbers, None]), "w")
            for _ in range(rng.randint(0, 6))
        ]
        parsed = ParsedReport("t", "a", 2021, "2021", {"applications": TableRead("applications", cells)})
        items = sorted(
            ("applications", c.row, c.col, "" if c.number is None else format(c.number.normalize(), "f")) for c in cells
        )
        assert numbers_hash(parsed) == hashlib.sha256(repr(items).encode()).hexdigest()
