"""Word 2007+ (.docx) reports, read from the package's main document part with lxml.

Body paragraphs and tables are read in document order. Tables are read from the XML so that
merged cells can be expanded: a cell spanning k grid columns (gridSpan) is followed by k-1
blank cells, and a vertically merged continuation cell (vMerge without "restart") is blank,
so column *k* of every row is column *k* of the printed grid. A cell's paragraphs are joined
without separator: Chinese labels wrap inside cells ("商业" / "企业").

Only three parts are unpacked: ``[Content_Types].xml``, the package relationships and the
main document part they name (what python-docx's ``Document(...).element.body`` is, found the
way python-docx finds it, parsed with the same parser options). python-docx itself parsed every
part of the package (styles alone are ~800 KB of XML in a Word file), which was 70% of reading
a report; the text, grid and merged cells it gave came from the main part only.

A DOCX is a zip, and a zip can unpack to a thousand times its size. ``check_package`` reads
the members' declared sizes before anything is unpacked; each part read is then unpacked as a
stream (``_unpack``), never past its declared size: CPython's zipfile stops at the declared
size and checks the CRC, so a member lying about its size fails before it is parsed.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib

from docx.oxml.ns import qn
from lxml import etree

from pipeline.document import Document, Row, UnreadableFile
from pipeline.limits import DEFAULT_LIMITS, MB, Limits

# Clark names, resolved once (``qn`` per node was a third of reading a table)
_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_T, _TAB, _BR, _CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_BODY = qn("w:body")
_TRPR, _GRID_BEFORE, _TCPR, _GRID_SPAN, _VMERGE, _VAL = (
    qn("w:trPr"), qn("w:gridBefore"), qn("w:tcPr"), qn("w:gridSpan"), qn("w:vMerge"), qn("w:val"),
)  # fmt: skip


# What python-docx checks of a package: the main part is the target of the package's
# officeDocument relationship, and its content type is a Word document's.
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_WML_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
# python-docx's own parser options (docx.oxml.parser.oxml_parser), so the tree is the same
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)


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


_NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
# Tables whose every node ``_plain_table_rows`` would take in another order than
# ``_walked_table_rows``: a paragraph inside a paragraph (a text box; its text counts once per
# paragraph around it), a table in a cell, a second trPr/tcPr/gridBefore/gridSpan/vMerge
# (the walk takes the first), a trPr after the row's cells (its gridBefore comes first).
_NOT_PLAIN = etree.XPath(
    "boolean(.//w:p//w:p | .//w:tbl | w:tr[count(w:trPr) > 1] | w:tr/w:trPr[count(w:gridBefore) > 1]"
    " | w:tr/w:trPr[preceding-sibling::w:tc] | w:tr/w:tc[count(w:tcPr) > 1]"
    " | w:tr/w:tc/w:tcPr[count(w:gridSpan) > 1 or count(w:vMerge) > 1])",
    namespaces=_NS,
)
# Every node of a table the rows are made of, in document order, in one libxml2 query.
_TABLE_NODES = etree.XPath(
    "w:tr | w:tr/w:trPr/w:gridBefore | w:tr/w:tc | w:tr/w:tc/w:tcPr/w:gridSpan | w:tr/w:tc/w:tcPr/w:vMerge"
    " | w:tr/w:tc//w:p//w:t | w:tr/w:tc//w:p//w:tab | w:tr/w:tc//w:p//w:br | w:tr/w:tc//w:p//w:cr",
    namespaces=_NS,
)


def _table_rows(tbl: etree._Element, number: int) -> list[Row]:
    """A table's rows: from one query of its nodes when the table is plain (every table Word
    writes), else by walking it element by element; both give the same rows."""
    return _walked_table_rows(tbl, number) if _NOT_PLAIN(tbl) else _plain_table_rows(tbl, number)


def _plain_table_rows(tbl: etree._Element, number: int) -> list[Row]:
    """``_walked_table_rows`` from ``_TABLE_NODES``: a cell's span, merge and text are applied
    when the next cell or row starts (the walk made a Python call per element of every cell,
    70% of reading a DOCX)."""
    rows: list[Row] = []
    r_index = 0
    cells: list[str] | None = None
    parts: list[str] | None = None  # the open cell's text parts
    span, continued = 1, False

    def close_cell() -> None:
        nonlocal parts
        if parts is not None:
            cells.append("" if continued else "".join(parts).strip())
            cells.extend([""] * (span - 1))
            parts = None

    def close_row() -> None:
        close_cell()
        if cells:  # a row of empty cells is kept: an all-blank review row is a table of no cases
            rows.append(Row(tuple(cells), where=f"table {number} row {r_index}", grid=True))

    for node in _TABLE_NODES(tbl):
        tag = node.tag
        if tag == _T:
            parts.append(node.text or "")
        elif tag == _TAB:
            parts.append("\t")
        elif tag == _TC:
            close_cell()
            parts, span, continued = [], 1, False
        elif tag == _GRID_SPAN:
            span = _grid_count(node, 1, "cell spans")
        elif tag == _VMERGE:
            continued = node.get(_VAL) != "restart"
        elif tag == _TR:
            if cells is not None:
                close_row()
            r_index += 1
            cells = []
        elif tag == _GRID_BEFORE:
            cells.extend([""] * _grid_count(node, 0, "row skips"))
        # w:br and w:cr add nothing to a cell's text
    if cells is not None:
        close_row()
    return rows


def _walked_table_rows(tbl: etree._Element, number: int) -> list[Row]:
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


def _unpack(archive: zipfile.ZipFile, name: str) -> bytes:
    """One member's bytes, unpacked chunk by chunk to prove it holds what its header declares."""
    member = archive.getinfo(name)
    chunks: list[bytes] = []
    unpacked = 0
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(MB):
                unpacked += len(chunk)
                if unpacked > member.file_size:  # zipfile stops at the declared size; never trust it alone
                    break
                chunks.append(chunk)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError, OSError) as exc:
        raise UnreadableFile(f"damaged .docx file: member '{member.filename}' does not unpack: {exc}") from exc
    if unpacked != member.file_size:
        raise UnreadableFile(
            f"damaged .docx file: member '{member.filename}' unpacks to {unpacked} bytes, "
            f"its header says {member.file_size}"
        )
    return b"".join(chunks)


def _main_part(archive: zipfile.ZipFile) -> str:
    """The member name of the main document part, as python-docx finds it: the target of the
    package's officeDocument relationship, whose content type ([Content_Types].xml, an
    override for the part, else the default for its extension, both case-insensitive) must
    be a Word document's. Raises what python-docx raised (KeyError, ValueError)."""
    rels = etree.fromstring(_unpack(archive, "_rels/.rels"), _PARSER)
    targets = [
        r.get("Target")
        for r in rels.iter(_RELATIONSHIP)
        if r.get("Type") == _OFFICE_DOCUMENT and r.get("TargetMode", "Internal") != "External"
    ]
    if len(targets) != 1:
        raise KeyError(f"no relationship of type '{_OFFICE_DOCUMENT}' in collection")
    partname = posixpath.normpath(posixpath.join("/", targets[0]))
    types = etree.fromstring(_unpack(archive, "[Content_Types].xml"), _PARSER)
    overrides = {o.get("PartName", "").lower(): o.get("ContentType") for o in types.iter(_CT + "Override")}
    defaults = {d.get("Extension", "").lower(): d.get("ContentType") for d in types.iter(_CT + "Default")}
    content_type = overrides.get(partname.lower()) or defaults.get(posixpath.splitext(partname)[1][1:].lower())
    if content_type is None:
        raise KeyError(f"no content type for partname '{partname}' in [Content_Types].xml")
    if content_type != _WML_MAIN:
        raise ValueError(f"file is not a Word file, content type is '{content_type}'")
    return partname[1:]


def _body(archive: zipfile.ZipFile) -> etree._Element:
    document = etree.fromstring(_unpack(archive, _main_part(archive)), _PARSER)
    body = document.find(_BODY)
    if body is None:
        raise ValueError("the main document part has no w:body")
    return body


def read(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Document:
    """DOCX bytes -> Document: paragraphs as one-cell rows, tables as grid rows."""
    if not data.startswith(b"PK") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise UnreadableFile("not a .docx file (no OOXML zip container); the file is damaged or mislabelled")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_package(archive, limits)
            body = _body(archive)
    except zipfile.BadZipFile as exc:
        raise UnreadableFile(f"damaged .docx file: BadZipFile: {exc}") from exc
    except (KeyError, ValueError, etree.XMLSyntaxError) as exc:  # what python-docx raised for broken packages
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
