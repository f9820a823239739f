"""Word 2007+ (.docx) reports via python-docx.

Body paragraphs and tables are read in document order. Tables are read from the XML so that
merged cells can be expanded: a cell spanning k grid columns (gridSpan) is followed by k-1
blank cells, and a vertically merged continuation cell (vMerge without "restart") is blank,
so column *k* of every row is column *k* of the printed grid. A cell's paragraphs are joined
without separator: Chinese labels wrap inside cells ("商业" / "企业").

A DOCX is a zip, and a zip can unpack to a thousand times its size. ``check_package`` reads
the members' declared sizes before python-docx unpacks anything, then unpacks each member as
a stream, never holding more than a chunk: CPython's zipfile stops at the declared size and
checks the CRC, so a member lying about its size fails here, before python-docx reads it.
"""

from __future__ import annotations

import io
import zipfile
import zlib

import docx
from docx.oxml.ns import qn
from lxml import etree

from pipeline.document import Document, Row, UnreadableFile
from pipeline.limits import DEFAULT_LIMITS, MB, Limits

# Clark names, resolved once (``qn`` per node was a third of reading a table)
_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_T, _TAB, _BR, _CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_TRPR, _GRID_BEFORE, _TCPR, _GRID_SPAN, _VMERGE, _VAL = (
    qn("w:trPr"), qn("w:gridBefore"), qn("w:tcPr"), qn("w:gridSpan"), qn("w:vMerge"), qn("w:val"),
)  # fmt: skip


def _text(element: etree._Element) -> str:
    """Text of a paragraph (or any element): runs, tabs and soft breaks."""
    parts: list[str] = []
    for node in element.iter(_T, _TAB, _BR, _CR):
        parts.append(node.text or "" if node.tag == _T else ("\t" if node.tag == _TAB else ""))
    return "".join(parts)


def _cell_text(tc: etree._Element) -> str:
    return "".join(_text(p) for p in tc.iter(_P)).strip()


_MAX_COLUMNS = 63  # Word's own limit on a table's columns


def _int_attr(element: etree._Element | None, default: int) -> int:
    if element is None:
        return default
    value = element.get(_VAL)
    return int(value) if value and value.isdigit() else default


def _grid_count(element: etree._Element | None, default: int, what: str) -> int:
    """A gridSpan or gridBefore: more columns than Word allows is a damaged (or hostile) file,
    refused rather than expanded into millions of blank cells."""
    count = _int_attr(element, default)
    if count > _MAX_COLUMNS:
        raise UnreadableFile(f"damaged .docx file: a table {what} {count} columns, more than Word's {_MAX_COLUMNS}")
    return count


def _table_rows(tbl: etree._Element, number: int) -> list[Row]:
    rows: list[Row] = []
    for r_index, tr in enumerate(tbl.findall(_TR), start=1):
        trpr = tr.find(_TRPR)
        before = trpr.find(_GRID_BEFORE) if trpr is not None else None
        cells: list[str] = [""] * _grid_count(before, 0, "row skips")
        for tc in tr.findall(_TC):
            tcpr = tc.find(_TCPR)
            span = _grid_count(tcpr.find(_GRID_SPAN) if tcpr is not None else None, 1, "cell spans")
            vmerge = tcpr.find(_VMERGE) if tcpr is not None else None
            continued = vmerge is not None and vmerge.get(_VAL) != "restart"
            cells.append("" if continued else _cell_text(tc))
            cells.extend([""] * (span - 1))
        if cells:  # a row of empty cells is kept: an all-blank review row is a table of no cases
            rows.append(Row(tuple(cells), where=f"table {number} row {r_index}", grid=True))
    return rows


def check_package(archive: zipfile.ZipFile, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a package whose members would unpack past the limits, before unpacking them."""
    members = archive.infolist()
    if len(members) > limits.zip_members:
        raise limits.too_many_members(len(members))
    total = sum(m.file_size for m in members)
    if total > limits.unpacked_mb * MB:
        raise limits.unpacks_too_large(total)
    for member in members:
        if member.filename.endswith((".xml", ".rels")) and member.file_size > limits.xml_member_mb * MB:
            raise limits.xml_member_too_large(member.filename, member.file_size)
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > limits.zip_ratio_floor_mb * MB and ratio > limits.zip_ratio:
            raise limits.packed_too_tightly(member.filename, ratio)
    for member in members:
        _unpack_within(archive, member)


def _unpack_within(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Unpack one member chunk by chunk, to prove it holds what its header declares."""
    unpacked = 0
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(MB):
                unpacked += len(chunk)
                if unpacked > member.file_size:  # zipfile stops at the declared size; never trust it alone
                    break
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError, OSError) as exc:
        raise UnreadableFile(f"damaged .docx file: member '{member.filename}' does not unpack: {exc}") from exc
    if unpacked != member.file_size:
        raise UnreadableFile(
            f"damaged .docx file: member '{member.filename}' unpacks to {unpacked} bytes, "
            f"its header says {member.file_size}"
        )


def read(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Document:
    """DOCX bytes -> Document: paragraphs as one-cell rows, tables as grid rows."""
    if not data.startswith(b"PK") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise UnreadableFile("not a .docx file (no OOXML zip container); the file is damaged or mislabelled")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_package(archive, limits)
    except zipfile.BadZipFile as exc:
        raise UnreadableFile(f"damaged .docx file: BadZipFile: {exc}") from exc
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
