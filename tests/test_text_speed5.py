"""The fifth speed pass of the text formats (issue 10.2) changes how, never what, is read.

``values._normalize`` now drops white space with ``str.split`` instead of a regex: it must drop
every character the regex ``\\s`` matched and nothing else. ``recognize._labels_of_row`` caches
a row's label reading per label set: one table's answer must never be served to another.
"""

from __future__ import annotations

import importlib
import re

from pipeline import form
from pipeline.parse.values import normalize

recognize = importlib.import_module("pipeline.parse.recognize")  # the package exports a function of that name


def test_normalize_drops_exactly_the_characters_a_regex_space_matches():
    spaces = re.compile(r"\s")
    for code in range(0x110000):
        ch = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        if spaces.match(ch):
            assert normalize(f"本{ch}年") == "本年", hex(code)
    assert normalize("（一）本年新收\u3000政府信息公开申请数量\t12") == "(一)本年新收政府信息公开申请数量12"
    assert normalize("规章\u200b") == "规章\u200b"  # a zero-width space is not white space: kept, as before


def test_row_labels_are_cached_per_label_set():
    text = "（六）其他处理"
    specs = [recognize.applications_spec(form.TEMPLATES[code]) for code in ("2019", "2021")]
    answers = [recognize._labels_of_row(spec, (), text, "") for spec in specs]
    again = [recognize._labels_of_row(spec, (), text, "") for spec in specs]
    assert answers == again
    # 2021 prints （六）其他处理 as a group heading, 2019 has no such row: the readings differ
    kinds = [[o.label.kind for o in found] for _, _, _, found in answers]
    assert kinds[0] != kinds[1]
    for spec, (_, _, _, found) in zip(specs, answers, strict=True):
        assert all(o.label in spec.labels for o in found)
