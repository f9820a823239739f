"""The DOCX reader's two ways of reading a table give the same rows.

``_plain_table_rows`` (one XPath query of the table's nodes) is used for tables that
``_NOT_PLAIN`` lets through; ``_walked_table_rows`` (element by element, as python-docx's
tree was read) for the others. Tables built here exercise merged cells, row skips, tabs and
breaks, empty and whitespace-only cells, content controls around cells, tracked property
changes, text boxes and nested tables.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from pipeline.document import UnreadableFile
from pipeline.readers import docx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def table(rows: str) -> etree._Element:
    return etree.fromstring(f'<w:tbl xmlns:w="{W}"><w:tblPr/>{rows}</w:tbl>', docx._PARSER)


def p(*runs: str) -> str:
    return "<w:p>" + "".join(f"<w:r>{r}</w:r>" for r in runs) + "</w:p>"


def t(text: str) -> str:
    return f'<w:t xml:space="preserve">{text}</w:t>'


PLAIN = {
    "simple": f"<w:tr><w:tc>{p(t('一、本年'), t('新收'))}</w:tc><w:tc>{p(t(' 12 '))}</w:tc></w:tr>",
    "two paragraphs": f"<w:tr><w:tc>{p(t('商业'))}{p(t('企业'))}</w:tc><w:tc/></w:tr>",
    "tab and breaks": f"<w:tr><w:tc>{p(t('a'), '<w:tab/>', t('b'), '<w:br/>', '<w:cr/>', t('c'))}</w:tc></w:tr>",
    "spans": (
        f'<w:tr><w:trPr><w:gridBefore w:val="2"/></w:trPr><w:tc><w:tcPr><w:gridSpan w:val="3"/></w:tcPr>{p(t("x"))}'
        f'</w:tc><w:tc><w:tcPr><w:gridSpan w:val="x"/></w:tcPr>{p(t("y"))}</w:tc></w:tr>'
    ),
    "vertical merge": (
        f'<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr>{p(t("group"))}</w:tc><w:tc>{p(t("1"))}</w:tc></w:tr>'
        f"<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr>{p(t('group'))}</w:tc><w:tc>{p(t('2'))}</w:tc></w:tr>"
    ),
    "empty rows": "<w:tr></w:tr><w:tr><w:tc/><w:tc><w:p/></w:tc></w:tr><w:tr><w:trPr/></w:tr>",
    "content control around a cell": (
        f"<w:tr><w:sdt><w:sdtContent><w:tc>{p(t('hidden'))}</w:tc></w:sdtContent></w:sdt><w:tc>{p(t('seen'))}</w:tc></w:tr>"
    ),
    "content control around a row": (
        f"<w:sdt><w:sdtContent><w:tr><w:tc>{p(t('x'))}</w:tc></w:tr></w:sdtContent></w:sdt>"
    ),
    "tracked change of a span": (
        '<w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/><w:tcPrChange w:id="1"><w:tcPr><w:gridSpan w:val="4"/>'
        f"</w:tcPr></w:tcPrChange></w:tcPr>{p(t('a'))}</w:tc></w:tr>"
    ),
    "inserted run and field": (
        f"<w:tr><w:tc><w:p><w:ins><w:r>{t('新')}</w:r></w:ins>"
        "<w:r><w:instrText>PAGE</w:instrText></w:r></w:p></w:tc></w:tr>"
    ),
}
NOT_PLAIN = {
    "text box": (
        f"<w:tr><w:tc><w:p><w:r>{t('a')}<w:pict><w:txbxContent>{p(t('box'))}</w:txbxContent></w:pict></w:r></w:p></w:tc></w:tr>"
    ),
    "nested table": (
        f"<w:tr><w:tc><w:tbl><w:tr><w:tc>{p(t('inner'))}</w:tc></w:tr></w:tbl>{p(t('outer'))}</w:tc></w:tr>"
    ),
    "two tcPr": f'<w:tr><w:tc><w:tcPr/><w:tcPr><w:gridSpan w:val="2"/></w:tcPr>{p(t("a"))}</w:tc></w:tr>',
    "trPr after the cells": f'<w:tr><w:tc>{p(t("a"))}</w:tc><w:trPr><w:gridBefore w:val="1"/></w:trPr></w:tr>',
}


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_plain_tables_read_the_same_both_ways(name):
    tbl = table(PLAIN[name])
    assert not docx._NOT_PLAIN(tbl)
    assert docx._plain_table_rows(tbl, 3) == docx._walked_table_rows(tbl, 3)


def test_what_the_plain_reading_gives():
    assert [r.cells for r in docx._table_rows(table(PLAIN["spans"] + PLAIN["vertical merge"]), 1)] == [
        ("", "", "x", "", "", "y"),
        ("group", "1"),
        ("", "2"),
    ]
    assert [r.cells for r in docx._table_rows(table(PLAIN["tab and breaks"] + PLAIN["empty rows"]), 1)] == [
        ("a\tbc",),
        ("", ""),
    ]
    rows = docx._table_rows(table(PLAIN["empty rows"] + PLAIN["content control around a cell"]), 2)
    assert [(r.cells, r.where) for r in rows] == [(("", ""), "table 2 row 2"), (("seen",), "table 2 row 4")]


@pytest.mark.parametrize("name", sorted(NOT_PLAIN))
def test_other_tables_are_walked(name):
    assert docx._NOT_PLAIN(table(NOT_PLAIN[name]))
    assert docx._table_rows(table(NOT_PLAIN[name]), 1) == docx._walked_table_rows(table(NOT_PLAIN[name]), 1)


def test_a_text_box_counts_once_per_paragraph_around_it_as_before():
    assert [r.cells for r in docx._table_rows(table(NOT_PLAIN["text box"]), 1)] == [("aboxbox",)]


def test_spans_past_words_limit_fail_the_same_way_both_ways():
    tbl = table(f'<w:tr><w:tc><w:tcPr><w:gridSpan w:val="64"/></w:tcPr>{p(t("a"))}</w:tc></w:tr>')
    for read in (docx._plain_table_rows, docx._walked_table_rows):
        with pytest.raises(UnreadableFile, match="a table cell spans 64 columns, more than Word's 63"):
            read(tbl, 1)


def test_every_table_of_the_bundled_docx_files_reads_the_same_both_ways():
    import io
    import zipfile

    paths = sorted((Path(__file__).parents[1] / "data" / "raw").rglob("*.docx"))
    assert paths
    for path in paths:
        with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
            body = docx._body(archive)
        for number, tbl in enumerate(body.iterchildren(docx._TBL), start=1):
            assert not docx._NOT_PLAIN(tbl)
            assert docx._plain_table_rows(tbl, number) == docx._walked_table_rows(tbl, number), path.name
