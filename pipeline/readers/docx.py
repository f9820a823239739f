"""Word 2007+ (.docx) reports via python-docx.

Body paragraphs and tables are read in document order. Tables are read from the XML so that
merged cells can be expanded: a cell spanning k grid columns (gridSpan) is followed by k-1
blank cells, and a vertically merged continuation cell (vMerge without "restart") is blank,
so column *k* of every row is column *k* of the printed grid. A cell's paragraphs are joined
without separator: Chinese labels wrap inside cells ("商业" / "企业").
"""

from __future__ import annotations

import io
import zipfile

import docx
from docx.oxml.ns import qn
from lxml import etree

from pipeline.document import Document, Row, UnreadableFile

_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")


def _text(element: etree._Element) -> str:
    """Text of a paragraph (or any element): runs, tabs and soft breaks."""
    parts: list[str] = []
    for node in element.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):
        parts.append(node.text or "" if node.tag == qn("w:t") else ("\t" if node.tag == qn("w:tab") else ""))
    return "".join(parts)


def _cell_text(tc: etree._Element) -> str:
    return "".join(_text(p) for p in tc.iter(_P)).strip()


def _int_attr(element: etree._Element | None, default: int) -> int:
    if element is None:
        return default
    value = element.get(qn("w:val"))
    return int(value) if value and value.isdigit() else default


def _table_rows(tbl: etree._Element, number: int) -> list[Row]:
    rows: list[Row] = []
    for r_index, tr in enumerate(tbl.findall(_TR), start=1):
        trpr = tr.find(qn("w:trPr"))
        cells: list[str] = [""] * _int_attr(trpr.find(qn("w:gridBefore")) if trpr is not None else None, 0)
        for tc in tr.findall(_TC):
            tcpr = tc.find(qn("w:tcPr"))
            span = _int_attr(tcpr.find(qn("w:gridSpan")) if tcpr is not None else None, 1)
            vmerge = tcpr.find(qn("w:vMerge")) if tcpr is not None else None
            continued = vmerge is not None and vmerge.get(qn("w:val")) != "restart"
            cells.append("" if continued else _cell_text(tc))
            cells.extend([""] * (span - 1))
        if cells:  # a row of empty cells is kept: an all-blank review row is a table of no cases
            rows.append(Row(tuple(cells), where=f"table {number} row {r_index}", grid=True))
    return rows


def read(data: bytes) -> Document:
    """DOCX bytes -> Document: paragraphs as one-cell rows, tables as grid rows."""
    if not data.startswith(b"PK") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise UnreadableFile("not a .docx file (no OOXML zip container); the file is damaged or mislabelled")
    try:
        body = docx.Document(io.BytesIO(data)).element.body
    except Exception as exc:  # python-docx raises several kinds for broken packages
        raise UnreadableFile(f"damaged .docx file: {type(exc).__name__}: {exc}") from exc
    rows: list[Row] = []
    tables = 0
    for number, element in enumerate(body.iterchildren(), start=1):
        if element.tag == _P:
            text = _text(element).strip()
            if text:
                rows.append(Row((text,), where=f"paragraph {number}"))
        elif element.tag == _TBL:
            tables += 1
            rows.extend(_table_rows(element, tables))
    return Document(rows=rows, file_type="docx")
