"""PDFs whose fonts are neither embedded nor installed: pdfium loses characters, the reader does not.

The layout generator's PDFs name reportlab's STSong-Light without embedding it, as some Word
and WPS exports do with SimSun. On a machine without Chinese fonts (most containers) pdfium
gives each text object of Chinese an empty box and drops the ones it takes for repeats: 无
cells, the 况 of 申请人情况 (``pdf_geometry._glyphless``). The reader finds such table pages
and reads them, and then the document's other pages, with pdfplumber. The first test runs as on
such a machine, whatever this one has installed: in a fresh interpreter whose pdfium is handed a
system font list that holds no font (``FPDF_SetSystemFontInfo``). It first proves that pdfium
there does lose characters, then that every table and the title are read as printed.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest

from pipeline.readers import pdf_geometry

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
REAL = ROOT.parent / "shared" / "realworld"

# Cases of the round-trip generator (tools/layouts) with 无 and other placeholders, merged
# cells, ruled and drawn without lines, on one and on several pages.
CASES = [("placeholders", i) for i in range(4)] + [("merged_cells", 5), ("plain", 2), ("page_breaks", 1)]

NO_FONTS = textwrap.dedent(
    """
    import ctypes, io, json, sys
    from collections import Counter
    import pdfplumber, pypdfium2 as pdfium, pypdfium2.raw as raw

    # pdfium's system fonts: none (every callback finds nothing), as on a machine without fonts
    F = raw.FPDF_SYSFONTINFO
    kinds = dict(F._fields_)
    info = F(version=1)
    nothing = {"Release": None, "EnumFonts": None, "MapFont": None, "GetFont": None,
               "GetFontData": 0, "GetFaceName": 0, "GetFontCharset": 0, "DeleteFont": None}
    keep = [kinds[name](lambda *args, value=value: value) for name, value in nothing.items()]
    for name, callback in zip(nothing, keep):
        setattr(info, name, callback)
    raw.FPDF_SetSystemFontInfo(ctypes.byref(info))

    sys.path.insert(0, sys.argv[1])
    from pathlib import Path
    from tools.layouts.families import FAMILIES_BY_NAME
    from tools.layouts.harness import judge, make_case, read_back, render

    out = []
    for family, index in json.loads(sys.argv[2]):
        case = make_case(FAMILIES_BY_NAME[family], "pdf", index, 11)
        data = render(case)
        path = Path(sys.argv[3]) / f"{family}_{index}.pdf"
        path.write_bytes(data)
        pdf = pdfium.PdfDocument(data)
        theirs = Counter()
        with pdfplumber.open(io.BytesIO(data)) as plumber:
            for page in plumber.pages:
                theirs.update(c["text"] for c in page.chars if not c["text"].isspace())
        ours = Counter(c for page in pdf for c in page.get_textpage().get_text_range() if not c.isspace())
        outcome = judge(case, path)
        parsed = read_back(path)
        identity = [parsed.title, parsed.agency_name, parsed.year]
        expected = [case.report.title, case.report.agency, case.report.year]
        out.append({"case": case.name, "lost_by_pdfium": sum((theirs - ours).values()),
                    "verdicts": outcome.verdicts, "details": outcome.details[:3],
                    "identity": identity, "expected_identity": expected})
    print(json.dumps(out))
    """
)


def test_pdfs_read_exactly_where_no_font_is_installed(tmp_path):
    """As on a machine with no fonts: pdfium loses characters of these reports (the condition
    is reproduced), and every table is still read exactly as printed."""
    done = subprocess.run(
        [sys.executable, "-c", NO_FONTS, str(ROOT), json.dumps(CASES), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    results = json.loads(done.stdout)
    assert len(results) == len(CASES)
    lost = {r["case"]: r["lost_by_pdfium"] for r in results}
    assert all(n > 0 for n in lost.values()), lost  # pdfium alone drops characters of each
    for r in results:
        assert set(r["verdicts"].values()) == {"exact"}, (r["case"], r["details"])
        assert r["identity"] == r["expected_identity"], r["case"]  # the title page is read whole too


def _text_pages(data: bytes):
    pdf = pdfium.PdfDocument(data)
    with pdfplumber.open(io.BytesIO(data)) as plumber:
        for number, page in enumerate(pdf):
            textpage = page.get_textpage()
            flagged = pdf_geometry.scan_page(page, textpage, page.get_height())[1]
            ours = Counter(c for c in textpage.get_text_range() if not c.isspace())
            theirs = Counter(c["text"] for c in plumber.pages[number].chars if not c["text"].isspace())
            yield number, flagged, ours, theirs


@pytest.mark.parametrize("family,index", CASES[:2] + CASES[-2:])
def test_a_page_not_flagged_lost_nothing(family, index):
    """On this machine, with whatever fonts it has: a page whose text objects all have glyphs
    holds every character pdfplumber finds in the content stream; a page that lost any is
    flagged (so it is read by pdfplumber)."""
    from tools.layouts.families import FAMILIES_BY_NAME
    from tools.layouts.harness import make_case, render

    data = render(make_case(FAMILIES_BY_NAME[family], "pdf", index, 11))
    for number, flagged, ours, theirs in _text_pages(data):
        if not flagged:
            assert ours == theirs, f"page {number + 1}"


def test_embedded_fonts_keep_pdfiums_fast_path():
    """The bundled samples and the real published PDFs embed their fonts: no page is flagged,
    and pdfium's text of each holds every character pdfplumber finds."""
    files = sorted(RAW.glob("*.pdf")) + sorted(REAL.glob("*.pdf"))
    assert len(files) >= 5
    for path in files:
        for number, flagged, ours, theirs in _text_pages(path.read_bytes()):
            assert not flagged, f"{path.name} page {number + 1}"
            assert ours == theirs, f"{path.name} page {number + 1}"
