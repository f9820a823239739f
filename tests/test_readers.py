"""Every sample rendering (PDF, DOCX, HTML, text variants) reads to exactly the hand-typed
cells of its seed (tests/expected_seeds.py), and bad inputs fail with their exact reason."""

import re
import unicodedata
from pathlib import Path

import pytest

from pipeline.document import UnreadableFile
from pipeline.parse import parse_document
from pipeline.parse.values import normalize
from pipeline.readers import read_document
from pipeline.readers.text import read as read_text
from tests.conftest import RAW, SEED_NAMES
from tests.expected_seeds import SEEDS, application_cells, review_cells

BAD = Path(__file__).resolve().parent / "fixtures" / "bad"
SEEDS_TXT = [s for s in SEED_NAMES if re.fullmatch(r"\d{3}_[0-9a-f]{16}\.txt", s)]
RENDERINGS = [(Path(seed).stem + ext, seed) for seed in SEEDS_TXT for ext in (".pdf", ".docx", ".html")]
VARIANTS = [
    ("variants/000_4878a5074e723ab1_fullwidth.txt", "000_4878a5074e723ab1.txt"),
    ("variants/003_6e817ece59bf6a07_traditional.txt", "003_6e817ece59bf6a07.txt"),
]
# Another PDF layout: 002's HTML page printed by LibreOffice (narrow margins: table rows run
# into the bottom 10% of a page, where only page furniture may be dropped).
OTHER_LAYOUTS = [
    (str(Path(__file__).resolve().parent / "fixtures" / "pdf" / "002_html_page_printed_by_libreoffice.pdf"),
     "002_4506cd2fdf4d2994.txt"),
]  # fmt: skip


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@pytest.fixture(scope="module", params=RENDERINGS + VARIANTS + OTHER_LAYOUTS, ids=lambda p: Path(p[0]).name)
def parsed(request):
    name, seed = request.param
    doc = read_document(RAW / name)
    return name, seed, doc, parse_document(doc)


def test_identity(parsed):
    _, seed, _, report = parsed
    assert (report.agency_name, report.year, report.template) == (SEEDS[seed]["agency"], SEEDS[seed]["year"], "2021")


def test_no_problems(parsed):
    _, _, _, report = parsed
    assert {n: t.problems for n, t in report.tables.items()} == {n: [] for n in report.tables}


def test_every_cell(parsed):
    _, seed, _, report = parsed
    # NFKC: the full-width variant prints ０-９; its printed text is kept, its digits are the seed's
    cells = {name: {(c.row, c.col): nfkc(c.raw) for c in t.cells} for name, t in report.tables.items()}
    assert cells["applications"] == application_cells(seed)
    assert cells["proactive_disclosure"] == SEEDS[seed]["proactive"]
    assert cells["review_litigation"] == review_cells(seed)


def test_provenance(parsed):
    name, _, doc, report = parsed
    cells = [c for t in report.tables.values() for c in t.cells]
    if name.endswith(".pdf"):
        assert doc.file_type == "pdf"
        assert all(c.page is not None and c.where.startswith(f"page {c.page} table ") for c in cells)
    elif name.endswith((".docx", ".html")):
        assert all(c.where.startswith("table ") and " row " in c.where and " col " in c.where for c in cells)


def test_pdf_table_across_pages_keeps_page_numbers():
    """000: table 三 starts on p.3 and ends on p.4 (header not repeated, footer between)."""
    report = parse_document(read_document(RAW / "000_4878a5074e723ab1.pdf"))
    pages = {c.row: c.page for c in report.tables["applications"].cells}
    assert pages["new_received"] == 3
    assert pages["not_processed_publication"] == 3
    assert pages["not_processed_excessive"] == 4
    assert pages["carried_forward"] == 4


def test_pdf_drops_page_furniture():
    """003 repeats its title as a running header and prints 第 N 页 共 M 页 on every page."""
    doc = read_document(RAW / "003_6e817ece59bf6a07.pdf")
    texts = [normalize(" ".join(r.cells)) for r in doc.rows]
    assert not [t for t in texts if re.fullmatch(r"第\d+页共\d+页", t)]
    # the title's first line once (not 6 running headers); the title is joined by the parser
    assert texts.count("安阳县人民政府2021年政府信息公开工作") == 1
    assert parse_document(doc).title == "安阳县人民政府2021年政府信息公开工作年度报告"


def test_unruled_pdf_table_is_read_by_position():
    """004's tables 三 and 四 have no ruling lines; they become grid rows with 7 and 15 values."""
    doc = read_document(RAW / "004_f01d4dbb51cf7cd1.pdf")
    grid = [r for r in doc.rows if r.grid and r.page == 3]
    assert [len(r.cells) for r in grid] == [8, 8, 8, 15]
    assert grid[-1].cells == ("0", "1", "0", "0", "1") + ("0",) * 10


def test_html_encodings():
    assert read_document(RAW / "002_4506cd2fdf4d2994.html").encoding == "gb18030"  # declared gbk
    assert read_document(RAW / "004_f01d4dbb51cf7cd1.html").encoding == "gb18030"  # undeclared
    assert read_document(RAW / "000_4878a5074e723ab1.html").encoding == "utf-8"


def test_traditional_word_substitution_reads_like_simplified():
    """A Taiwan-style mirror writes 規範性檔案 for 规范性文件."""
    text = (RAW / "variants" / "003_6e817ece59bf6a07_traditional.txt").read_bytes().decode("gb18030")
    assert "規範性文件" in text
    doc = read_text(text.replace("規範性文件", "規範性檔案").encode("gb18030"))
    report = parse_document(doc)
    cells = {(c.row, c.col): c.raw for c in report.tables["proactive_disclosure"].cells}
    assert cells == SEEDS["003_6e817ece59bf6a07.txt"]["proactive"]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("scanned.pdf", "no text layer (scanned)"),
        ("legacy.doc", "legacy Word 97-2003 .doc format is not supported; save it as .docx or PDF"),
        ("legacy.wps", "WPS Office .wps format is not supported; save it as .docx or PDF"),
        ("garbage.pdf", "not a PDF file (no %PDF header): the file is damaged or not a PDF"),
        ("empty.txt", "empty file"),
    ],
)
def test_bad_inputs_fail_with_reason(name, reason):
    with pytest.raises(UnreadableFile) as exc:
        read_document(BAD / name)
    assert str(exc.value) == reason


def test_not_a_report():
    with pytest.raises(UnreadableFile, match="not a report"):
        parse_document(read_document(BAD / "not_a_report.txt"))


def test_truncated_pdf_and_docx_fail_clearly(tmp_path):
    pdf = tmp_path / "cut.pdf"
    pdf.write_bytes((RAW / "000_4878a5074e723ab1.pdf").read_bytes()[:3000])
    with pytest.raises(UnreadableFile, match="damaged PDF"):
        read_document(pdf)
    docx = tmp_path / "cut.docx"
    docx.write_bytes((RAW / "000_4878a5074e723ab1.docx").read_bytes()[:3000])
    with pytest.raises(UnreadableFile, match=r"\.docx"):
        read_document(docx)


def test_title_straddling_the_header_band_stays_whole():
    """LibreOffice's export of 004's text places the title across the edge of the top 10%
    band. Cutting the page by area once made a header '…管理委员会 年…报告' (the year's
    digits fell below the edge) and the agency '…管理委员会年'. Its text layer glues the first
    value to the label ('行政规范性文件0 0 2'; the source prints 0 0 2): read exactly. Its
    applications and review tables, printed as text lines with gaps, cannot be placed in
    columns: flagged, never guessed."""
    path = Path(__file__).parent / "fixtures" / "pdf" / "004_text_export_title_at_band_edge.pdf"
    report = parse_document(read_document(path))
    assert (report.agency_name, report.year) == ("新乡高新技术产业开发区管理委员会", 2024)
    assert report.title == "新乡高新技术产业开发区管理委员会2024年政府信息公开工作年度报告"
    proactive = report.tables["proactive_disclosure"]
    assert proactive.problems == []
    assert [(c.col, c.raw) for c in proactive.cells if c.row == "normative_document"] == [
        ("issued", "0"),
        ("repealed", "0"),
        ("in_force", "2"),
    ]
    # the text export wraps the lines of （六）1. and 2.: their numbers' second lines belong to no row
    stray = "values (blank) 0 0 0 0 0" + " (blank)" * 8
    stray += " belong to no row (no label names a row still waiting for values)"
    problems = report.tables["applications"].problems
    assert problems[:3] == [
        "page 2 line 15: values 0 0 belong to no row (no label names a row still waiting for values)",
        f"page 2 table 1 row 22: {stray}",
        f"page 2 table 1 row 24: {stray}",
    ]
    assert problems[3].startswith("page 2 table 1 row 3: row （一）予以公开: cannot tell which of the cells")
    assert len(problems) == 4
    assert report.tables["review_litigation"].problems == [
        "from page 2 line 39: page 2 table 2 row 1: found 14 numbers in 14 cells for the 15 cells of the "
        "review/litigation table"
    ]


def test_a_row_of_numbers_is_not_page_furniture():
    """Bare page numbers ('3' on every page) must not make a table row of numbers look like
    a running footer: the furniture key keeps the spaces between numbers, and only those."""
    from pipeline.readers.pdf import _furniture_key

    assert _furniture_key("3") == "#"
    assert _furniture_key("0 1 0 0 1") == "#_#_#_#_#"
    assert _furniture_key("第 3 页 共 6 页") == _furniture_key("第3页共6页") == "第#页共#页"
