"""The HTML reader's depth check: an element at depth ``levels + 1`` exists exactly when an
element has ``levels`` element ancestors, as counted here by walking the tree."""

from __future__ import annotations

import pytest
from lxml import etree

from pipeline.readers import html


def _deepest(root: etree._Element) -> int:
    return max(sum(1 for _ in node.iterancestors()) for node in root.iter()) + 1


@pytest.mark.parametrize("nesting", [0, 1, 5, 198, 199, 200, 201, 260])
def test_deeper_than_is_the_depth_of_the_deepest_element(nesting):
    page = "<html><body>" + "<div>" * nesting + "x" + "</div>" * nesting + "<!-- c --><p>y</p></body></html>"
    root = etree.fromstring(page, html._PARSER)
    deepest = _deepest(root)
    for levels in (0, 1, 2, deepest - 2, deepest - 1, deepest, deepest + 1, 200):
        assert html._deeper_than(root, levels) == (deepest > levels), (nesting, levels)
