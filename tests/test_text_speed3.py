"""The third speed pass of the text formats (issue 10.2) changes how, never what, is read.

Each shortcut is held to the code path it stands for: the HTML cell text of a cell with one
child to the walk of every node, the caches to the functions they keep answers of, the pruned
readings search to the definition (filter every candidate, ``test_readings_search``).
"""

from __future__ import annotations

import random

import pytest
from lxml import etree

from pipeline.parse import pieces, readings
from pipeline.readers import html
from tests.test_readings_search import APPLICATIONS, REVIEW, _random_row, by_definition

CELLS = [
    "<td>12</td>",
    "<td><p>12</p></td>",
    "<td>a<p>12</p>b</td>",
    "<td> a <p> 12 </p> tail </td>",
    "<td>x<span>1</span>2</td>",
    "<td>x<br/>y</td>",
    "<td><br/></td>",
    "<td>a<!-- note -->b</td>",
    "<td>a<script>var x = 1;</script>b</td>",
    "<td>a<style>p {}</style></td>",
    "<td><div>商业\u3000企业</div></td>",
    "<td><p></p></td>",
    "<td><b><i>deep</i></b> tail</td>",
    "<td><p>1</p><p>2</p></td>",
    "<td>\u00a0<p>\t0\n</p>\u00a0</td>",
]


@pytest.mark.parametrize("markup", CELLS)
def test_cell_text_is_the_walk_of_the_cell(markup):
    root = etree.fromstring(f"<html><body><table><tr>{markup}</tr></table></body></html>", html._PARSER)
    cell = root.find(".//td")
    assert html._cell_text(cell) == html._walked_text(cell)


def test_clean_cache_gives_what_the_pattern_gives():
    texts = ["", " 12 ", "a\u3000\u00a0b", "行政许可", "x" * 70 + "  y", " \t\n", "0"]
    for text in texts * 2:  # the second time from the cache
        assert html._clean(text) == html._SPACE.sub(" ", text).strip()


def test_split_word_cache_gives_what_splitting_gives():
    for word in [
        "规章000行政规范性文件0011",
        "事务信息3200000326.属于四类",
        "2024年",
        "０１２",
        "12",
        "（单位：万元）",
    ]:
        for _ in range(2):
            assert pieces.split_word(word) == tuple(pieces._split_word(word))


def test_cached_readings_are_fresh_lists_and_the_same_answer():
    tokens = ["0", "1", "1"]
    first = readings.row_readings(tokens, 7, APPLICATIONS)
    assert first == by_definition(tokens, 7, APPLICATIONS)
    first.clear()  # a caller's list is its own: the cache is not changed through it
    assert readings.row_readings(tokens, 7, APPLICATIONS) == by_definition(tokens, 7, APPLICATIONS)
    assert readings.row_readings(["1" * 30], 15, REVIEW) is None
    assert readings.row_readings(["1" * 30], 15, REVIEW) is None


def test_pruned_search_reads_as_by_definition_on_more_rows():
    """The search skips splits that leave more cells than the tokens after can fill, and blank
    placements whose last cell breaks the total: both read nothing, so the same readings come
    out, in the same order. Uncached here, so the search itself is what is compared."""
    rng = random.Random(2026)
    for _ in range(400):
        tokens, n, equations = _random_row(rng)
        if sum(readings.count_candidates(tokens, n, split) for split in (True, False)) > 3000:
            continue
        expected = by_definition(tokens, n, equations)
        if len(tokens) != n:
            assert readings._row_readings(tuple(tokens), n, equations) == tuple(expected), tokens
        assert readings.row_readings(tokens, n, equations) == expected, tokens
