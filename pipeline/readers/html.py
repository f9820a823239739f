"""HTML pages as government sites publish them.

The encoding comes from a BOM, then the ``<meta charset>`` / ``http-equiv`` declaration, then
charset-normalizer (many GBK pages declare nothing). Text is read in document order:
block elements (p, div, h1-h6, li, br ...) end a line; a table that holds no other table
becomes grid rows with rowspan/colspan expanded (blank cells in the spanned positions), and a
layout table that wraps other tables is read as ordinary blocks. Scripts, styles and the head
are skipped; site chrome around the report is kept as text lines, which the parser ignores
because it holds none of the table anchors.

A page is measured before it is parsed (its size, its tags) and its tree after (its depth),
against ``Limits``: an enormous page would take gigabytes as a tree, and libxml2 re-parents
what is nested past 255 levels without a word, which could move a table's cells.
"""

from __future__ import annotations

import functools
import re

from lxml import etree

from pipeline.document import Document, Row, UnreadableFile
from pipeline.limits import DEFAULT_LIMITS, MB, Limits
from pipeline.readers.text import decode

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_SKIP = {"script", "style", "head", "noscript", "template", "iframe", "object", "select", "button"}
_BLOCK = {
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "tr", "table", "section",
    "article", "header", "footer", "nav", "blockquote", "pre", "hr", "dd", "dt", "dl", "form", "center",
}  # fmt: skip
_SPACE = re.compile(r"[ \t\r\n\f\v\u00a0\u3000]+")
# lxml.html's parser options (its defaults) without its Python class lookup per element, which
# was an eighth of reading a page: the tree, tags and text are the same.
_PARSER = etree.HTMLParser()
_TEXT_CONTENT = etree.XPath("string()")  # what lxml.html's text_content() evaluates
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "utf8": "utf-8"}


def decode_html(data: bytes) -> tuple[str, str]:
    """Bytes -> (text, encoding): BOM, then the declared charset when it decodes, else detection."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode(data)
    match = _META.search(data[:4096])
    if match:
        declared = match.group(1).decode("ascii").lower()
        encoding = _ALIASES.get(declared, declared)
        try:
            return data.decode(encoding), encoding
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration is common; fall back to detection
    return decode(data)


def _clean(text: str) -> str:
    """White space runs as one space, the ends stripped. Cached for cell-sized texts: a table's
    cells print the same labels and numbers in every report ('0', '行政许可')."""
    if len(text) > _CACHED_TEXT:
        return _SPACE.sub(" ", text).strip()
    clean = _CLEAN.get(text)
    if clean is None:
        if len(_CLEAN) >= _CACHED_TEXTS:
            _CLEAN.clear()
        clean = _CLEAN[text] = _SPACE.sub(" ", text).strip()
    return clean


_CACHED_TEXT = 64
_CACHED_TEXTS = 32768
_CLEAN: dict[str, str] = {}


def _cell_text(cell: etree._Element) -> str:
    """A cell's text; line breaks inside a cell (<br>, <p>) become spaces. A cell without
    elements inside (most of a table's) is its text: no walk."""
    count = len(cell)
    if count == 0:
        return _clean(cell.text or "")
    if count == 1:  # '<td><p>12</p></td>', as most sites print every cell: _flat_parts of one child
        child = cell[0]
        if len(child) == 0:
            tag = child.tag
            if isinstance(tag, str) and tag not in _SKIP:
                space = " " if tag in _BLOCK else ""
                return _clean((cell.text or "") + space + (child.text or "") + (child.tail or ""))
            return _clean((cell.text or "") + (child.tail or ""))
    children = list(cell)  # each child's proxy made once, for the test and the parts
    if all(len(child) == 0 for child in children):  # '<td><p>…</p></td>', '<td><span>…</span></td>'
        return _clean("".join(_flat_parts(cell, children)))
    return _walked_text(cell)


def _walked_text(cell: etree._Element) -> str:
    """A cell's text by its definition, every node walked (block elements a space): what the
    shortcuts of ``_cell_text`` stand for (tests/test_text_speed3.py holds them to it)."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if not isinstance(node.tag, str) or node.tag in _SKIP:
            return
        if node.tag in _BLOCK:
            parts.append(" ")
        parts.append(node.text or "")
        for child in node:
            walk(child)
            parts.append(child.tail or "")

    walk(cell)
    return _clean("".join(parts))


def _flat_parts(cell: etree._Element, children: list[etree._Element]) -> list[str]:
    """``_cell_text``'s pieces of a cell whose children hold no elements: the same as its walk."""
    parts = [cell.text or ""]
    for child in children:
        tag = child.tag
        if isinstance(tag, str) and tag not in _SKIP:
            if tag in _BLOCK:
                parts.append(" ")
            parts.append(child.text or "")
        parts.append(child.tail or "")
    return parts


def _span(value: str | None) -> int:
    """A rowspan or colspan attribute's value -> the cells spanned (1 when absent or unreadable)."""
    if not value:
        return 1
    value = value.strip()
    return max(1, min(int(value), 200)) if value.isdigit() else 1


def _fill_spanned(cells: list[str], pending: dict[int, int]) -> None:
    """Blank cells where a rowspan from a row above covers the next positions."""
    while pending.get(len(cells), 0) > 0:
        pending[len(cells)] -= 1
        cells.append("")


# A table's rows: its tr children and those of its children (tbody, thead ...), in document
# order, from one query (the walk asked every tr of the table for its parent and grandparent).
_TABLE_ROWS = etree.XPath("tr | */tr")


def _table_rows(table: etree._Element, number: int) -> list[Row]:
    """A data table -> grid rows with rowspan/colspan expanded."""
    pending: dict[int, int] = {}  # column -> rows still covered by a rowspan from above
    rows: list[Row] = []
    for r_index, tr in enumerate(_TABLE_ROWS(table), start=1):
        cells: list[str] = []
        for td in tr.iterchildren("td", "th"):  # the cells, filtered by libxml2 (comments left out)
            if pending:
                _fill_spanned(cells, pending)
            # most cells span nothing: the attribute is absent, and _span is not called
            rowspan, colspan = td.get("rowspan"), td.get("colspan")
            rowspan = _span(rowspan) if rowspan else 1
            colspan = _span(colspan) if colspan else 1
            col = len(cells)
            cells.append(_cell_text(td))
            if colspan > 1:
                cells.extend([""] * (colspan - 1))
            if rowspan > 1:
                pending.update(dict.fromkeys(range(col, col + colspan), rowspan - 1))
        _fill_spanned(cells, pending)
        for c in [c for c in pending if c >= len(cells) and pending[c] > 0]:
            pending[c] -= 1  # a spanned cell beyond the end of a short row
        if cells:  # a row of empty cells is kept: an all-blank review row is a table of no cases
            rows.append(Row(tuple(cells), where=f"table {number} row {r_index}", grid=True))
    return rows


# <meta name=...> fields government sites fill (the 政府网站发展指引 set: ArticleTitle,
# ContentSource, SiteName ...), kept under lowercase keys for the identity parser.
_META_NAMES = ("articletitle", "contentsource", "sitename", "author", "publisher", "description", "keywords", "source")


def _metadata(root: etree._Element) -> dict[str, str]:
    """The page's <title> ('title') and its named meta fields ('articletitle', 'contentsource', ...)."""
    meta: dict[str, str] = {}
    title = root.find(".//title")
    if title is not None and _clean(_TEXT_CONTENT(title)):
        meta["title"] = _clean(_TEXT_CONTENT(title))
    for node in root.iter("meta"):
        name = (node.get("name") or node.get("property") or "").strip().lower()
        content = _clean(node.get("content") or "")
        if name in _META_NAMES and content and name not in meta:
            meta[name] = content
    return meta


def _check_size(data: bytes, limits: Limits) -> None:
    """Refuse a page too big to parse before decoding it (a tree costs ~10x the page)."""
    if len(data) > limits.html_mb * MB:
        raise limits.file_too_large(len(data), limits.html_mb, "HTML page")
    tags = data.count(b"<")
    if tags > limits.html_tags:
        raise limits.html_too_many_tags(tags)


def _deeper_than(root: etree._Element, levels: int) -> bool:
    """Whether elements nest more than ``levels`` deep (the root is level 1): some element has
    ``levels`` element ancestors, i.e. an element stands at depth ``levels + 1``. One XPath
    query down that many child steps, evaluated by libxml2 without recursion (walking the
    tree in Python cost more than reading the page's tables; asking every element for its
    ancestors, twice this)."""
    if levels < 1:
        return True  # the root alone is one level
    return bool(_depth_query(levels)(root))


@functools.lru_cache(maxsize=8)
def _depth_query(levels: int) -> etree.XPath:
    return etree.XPath("boolean(/" + "/".join(["*"] * (levels + 1)) + ")")


def read(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Document:
    """HTML bytes -> Document of text lines and table grid rows, in reading order."""
    _check_size(data, limits)
    text, encoding = decode_html(data)
    try:
        root = etree.fromstring(text, _PARSER)  # lxml.html.document_fromstring, less its class lookup
    except (etree.ParserError, ValueError) as exc:
        raise UnreadableFile(f"cannot parse the HTML: {exc}") from exc
    if root is None:
        raise UnreadableFile("cannot parse the HTML: Document is empty")
    if _deeper_than(root, limits.html_depth):
        raise limits.html_too_deep()
    rows: list[Row] = []
    line: list[str] = []
    tables = 0

    def flush() -> None:
        content = _clean("".join(line))
        line.clear()
        if content:
            rows.append(Row((content,), where=f"line {len(rows) + 1}"))

    def walk(node: etree._Element) -> None:
        nonlocal tables
        if not isinstance(node.tag, str) or node.tag in _SKIP:
            return
        if node.tag == "table" and node.find(".//table") is None:
            flush()
            tables += 1
            rows.extend(_table_rows(node, tables))
            return
        block = node.tag in _BLOCK or node.tag in ("td", "th")
        if block:
            flush()
        line.append(node.text or "")
        for child in node:
            walk(child)
            line.append(child.tail or "")
        if block:
            flush()

    walk(root)
    flush()
    return Document(rows=rows, file_type="html", encoding=encoding, meta=_metadata(root))
