"""Plain-text and Markdown copies of reports (what PDF text extraction or a web scrape gives).

Encoding is detected with charset-normalizer (UTF-8, UTF-16, GBK/GB18030, Big5 ...).
Markdown pipe-table lines (``| 规章 | 0 | 0 | 0 |``) are grid rows: their cells keep their
positions (a PDF-to-Markdown converter writes one cell per column, blanks included); the
``|---|`` separator lines are dropped. Tab-separated lines become rows of cells (cell order
is reliable, blanks between values included; positions are not: label columns and merged
cells leave empty tab gaps at a row's ends); other lines become one-cell rows that the parser
splits on white space.
"""

from __future__ import annotations

import re

import charset_normalizer

from pipeline.document import Document, Row, UnreadableFile

_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
# '|---|:---:|': every cell three dashes or more ('| - | - |' is a row of placeholders)
_PIPE_SEPARATOR = re.compile(r"^\s*\|(?:\s*:?-{3,}:?\s*\|)+\s*$")
_BOMS = {b"\xef\xbb\xbf": "utf-8-sig", b"\xff\xfe": "utf-16", b"\xfe\xff": "utf-16"}


def decode(data: bytes) -> tuple[str, str]:
    """Bytes -> (text, encoding name). Raises UnreadableFile when no encoding fits."""
    for bom, encoding in _BOMS.items():
        if data.startswith(bom):
            return data.decode(encoding), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise UnreadableFile("cannot decode the text: no known character encoding fits")
    encoding = best.encoding
    if encoding in {"gb2312", "gbk"}:  # GB18030 is a superset; avoids losing rare characters
        encoding = "gb18030"
    return data.decode(encoding, errors="strict"), encoding


def read(data: bytes) -> Document:
    """Text bytes -> Document of rows, one per non-blank line."""
    text, encoding = decode(data)
    if "\x00" in text:
        raise UnreadableFile("binary content: this is not a text file")
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        tabbed = "\t" in line
        if not tabbed and not line.strip():
            continue  # a line of tabs only is a row of blank cells (an agency with no cases)
        if "|" in line:  # both pipe patterns need one: most lines are not tried against them
            if _PIPE_SEPARATOR.match(line):
                continue
            if _PIPE_ROW.match(line):
                cells = tuple([c.strip() for c in line.strip().strip("|").split("|")])
                rows.append(Row(cells, f"line {number}", grid=True))
                continue
        cells = tuple([c.strip() for c in line.split("\t")]) if tabbed else (line.strip(),)
        rows.append(Row(cells, f"line {number}"))
    return Document(rows=rows, file_type="txt", encoding=encoding)
