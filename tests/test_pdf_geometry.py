"""pdfium's geometry against pdfplumber's, on the same pages.

The PDF reader takes characters, words and ruling lines from pdfium instead of pdfplumber
(pdfminer re-parsed every page in Python). These tests hold it to pdfplumber, an independent
implementation: the same words on every page of the bundled sample PDFs, the same cells from
the same intersections, and the characters WPS draws with a scaled font in their cells.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from pdfplumber import table as plumber_table

from pipeline.readers import pdf, pdf_geometry
from tools.layouts.families import FAMILIES_BY_NAME
from tools.layouts.harness import make_case, render

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
REAL = Path(__file__).resolve().parents[2] / "shared" / "realworld"
SAMPLES = sorted(RAW.glob("*.pdf"))


def _pages(data: bytes):
    plumber = pdfplumber.open(io.BytesIO(data))
    pdf = pdfium.PdfDocument(data)
    try:
        for number, page in enumerate(pdf):
            yield plumber.pages[number], page, page.get_height()
    finally:
        plumber.close()
        pdf.close()


def _words(page, height) -> Counter:
    textpage = page.get_textpage()
    chars = pdf_geometry.page_chars(textpage, height)
    return Counter(w.text for line in pdf_geometry.words(chars) for w in line)


@pytest.mark.parametrize("path", SAMPLES[:4], ids=lambda p: p.name)
def test_words_are_pdfplumbers(path):
    for plumber_page, page, height in _pages(path.read_bytes()):
        assert _words(page, height) == Counter(w["text"] for w in plumber_page.extract_words())


def _ruled_pdf() -> bytes:
    case = make_case(FAMILIES_BY_NAME["merged_cells"], "pdf", 5, 3)
    case.layout = replace(case.layout, ruled=True)
    return render(case)


@pytest.mark.parametrize("source", ["samples", "generated"])
def test_cells_are_pdfplumbers(source):
    files = [p.read_bytes() for p in SAMPLES] if source == "samples" else [_ruled_pdf()]
    compared = 0
    for data in files:
        for _, page, height in _pages(data):
            edges = pdf_geometry.page_edges(page, height)
            edges = [e for e in edges if e["width" if e["orientation"] == "h" else "height"] >= 1]
            if not edges:
                continue
            edges = plumber_table.merge_edges(edges, 3, 3, 3, 3)
            found = plumber_table.edges_to_intersections(edges, 3, 3)
            assert pdf_geometry._cells(found) == plumber_table.intersections_to_cells(found)
            compared += 1
    assert compared >= 2


def test_ruled_tables_match_pdfplumbers_find_tables():
    """Same tables, same rows, same cell texts (merged positions None) on a generated ruled
    report with merged cells, from the characters and edges the reader takes (pdfium's, or
    pdfplumber's on a page pdfium has no glyphs for: test_pdf_fonts)."""
    data = _ruled_pdf()
    document = pdfium.PdfDocument(data)
    try:
        pages, edges = pdf.load(document, data)
    finally:
        document.close()
    with pdfplumber.open(io.BytesIO(data)) as plumber:
        for i, page_edges in edges.items():
            ours = pdf_geometry.ruled_tables(page_edges, pages[i].chars)
            theirs = plumber.pages[i].find_tables()
            assert len(ours) == len(theirs)
            for mine, table in zip(ours, theirs, strict=True):
                expected = [
                    [None if c is None else c.replace("\n", "").strip() for c in row] for row in table.extract()
                ]
                assert [cells for _, cells in mine.rows] == expected
    assert edges, "the generated report has table pages"


@pytest.mark.skipif(not (REAL / "hzq2023_working.pdf").exists(), reason="../shared/realworld not present")
def test_a_scaled_wps_font_stays_in_its_cell():
    """hzq2023 prints the group label 三、本年度办理结果 one character per line in a merged
    cell; pdfium's loose boxes for those characters are 199 pt wide (the font is scaled by the
    text matrix), which would put them in the next column. Their glyph boxes keep them."""
    pdf = pdfium.PdfDocument((REAL / "hzq2023_working.pdf").read_bytes())
    page = pdf[2]
    height = page.get_height()
    chars = pdf_geometry.page_chars(page.get_textpage(), height)
    tables = pdf_geometry.ruled_tables(pdf_geometry.page_edges(page, height), chars)
    first_cells = [cells[0] for table in tables for _, cells in table.rows]
    assert "三、本年度办理结果" in first_cells
    assert max(c[2] - c[1] for c in chars) < 20  # the widest is a 16 pt heading character


def test_pdf_debug_draws_each_table_page(tmp_path, capsys):
    """`gongkai show FILE --pdf-debug DIR`: one PNG per table page (000 prints its tables on
    pages 3 and 4), listed after the report."""
    from pipeline.cli import main

    sample = RAW / "000_4878a5074e723ab1.pdf"
    main(["show", str(sample), "--pdf-debug", str(tmp_path)])
    out = capsys.readouterr().out
    images = sorted(tmp_path.iterdir())
    assert [p.name for p in images] == ["000_4878a5074e723ab1.page3.png", "000_4878a5074e723ab1.page4.png"]
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in images)
    assert "pdf debug: 2 table page(s) drawn" in out
