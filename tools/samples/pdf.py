"""The PDF samples: LibreOffice exports the DOCX files (as an agency's staff would), then
pdfplumber finds where each table landed (pages, rows per page, a repeated header) for the
checks and the MANIFEST. Also the two bad inputs derived with LibreOffice and poppler: a
Word 97 .doc (and a .wps copy) and a scanned page without a text layer."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from tools.samples.seed_model import Seed
from tools.samples.verify import compact

BAND = 85  # points cropped at top and bottom: the running header and the footer


def soffice_convert(files: list[Path], outdir: Path, fmt: str) -> None:
    """Convert with a throw-away LibreOffice profile (a user's profile would change the export)."""
    profile = Path(tempfile.mkdtemp(prefix="lo_profile_"))
    try:
        cmd = [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir),
            *[str(f) for f in files],
        ]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def soffice_version() -> str:
    try:
        return subprocess.run(["soffice", "--version"], capture_output=True, text=True, timeout=120).stdout.split()[1]
    except Exception:
        return "?"


def _crop(page):
    return page.crop((0, BAND, page.width, page.height - BAND))


def _words(pdf) -> list[tuple[int, str]]:
    """Words of the body area (running header and footer cropped away) in reading order."""
    words = []
    for pno, page in enumerate(pdf.pages, start=1):
        ws = _crop(page).extract_words(keep_blank_chars=False, x_tolerance=3.5)
        ws.sort(key=lambda w: (round(w["top"] / 3), w["x0"]))
        words += [(pno, w["text"]) for w in ws]
    return words


def analyze(path: Path, seed: Seed) -> dict:
    """Pages, characters per page, fonts, the pages of each table (and of each block of table 二,
    each row of table 三), whether table 三's header repeats, the text and the words."""
    import pdfplumber

    info: dict = {
        "pages": 0,
        "chars_per_page": [],
        "t2": None,
        "t3": None,
        "t4": None,
        "t3_rows_by_page": {},
        "t3_header_repeated": False,
        "problems": [],
    }
    with pdfplumber.open(path) as pdf:
        info["pages"] = len(pdf.pages)
        info["chars_per_page"] = [len(p.chars) for p in pdf.pages]
        info["fonts"] = sorted({c["fontname"].split("+", 1)[-1] for p in pdf.pages for c in p.chars})
        page_txt = [compact(_crop(p).extract_text() or "") for p in pdf.pages]
        full = ""
        starts = []
        for t in page_txt:
            starts.append(len(full))
            full += t

        def page_of(pos: int) -> int:
            return max(i for i, s in enumerate(starts) if s <= pos) + 1

        def seq(tokens: list[str], start: int) -> list[int]:
            found = []
            for tok in tokens:
                pos = full.find(tok, start)
                if pos < 0:
                    info["problems"].append(f"token {tok!r} not found")
                    return found
                found.append(pos)
                start = pos + len(tok)
            return found

        h2 = full.find(compact(seed.headings["二"].text))
        toks2 = []
        for b in seed.t2:
            toks2.append(compact(b.caption)[:9])
            toks2 += [compact(lab)[:4] for lab, _ in b.rows]
        pos2 = seq(toks2, h2)
        info["t2"] = (page_of(pos2[0]), page_of(pos2[-1])) if pos2 else None
        if len(pos2) == len(toks2):
            k = 0
            info["t2_blocks"] = []
            for b in seed.t2:
                info["t2_blocks"].append((b.caption, page_of(pos2[k]), page_of(pos2[k + len(b.rows)])))
                k += 1 + len(b.rows)
        h3 = full.find(compact(seed.headings["三"].text), h2)
        toks3 = ["申请人情况"] + [compact(r.l3 or r.l2 or r.l1)[:6] for r in seed.t3]
        pos3 = seq(toks3, h3)
        if len(pos3) == len(toks3):
            info["t3"] = (page_of(pos3[0]), page_of(pos3[-1]))
            for r, p in zip(seed.t3, pos3[1:], strict=True):
                info["t3_rows_by_page"].setdefault(page_of(p), []).append(compact(r.l3 or r.l2 or r.l1))
        h4 = full.find(compact(seed.headings["四"].text), h3)
        info["t3_header_repeated"] = full.count("申请人情况", h3, h4) > 1
        pos4 = seq(["未经复议直接起诉", "复议后起诉", "".join(seed.t4)], h4)
        if len(pos4) == 3:
            info["t4"] = (page_of(pos4[0]), page_of(pos4[2]))
        info["text"] = full
        info["words"] = _words(pdf)
    return info


def legacy_word(docx: Path, bad: Path) -> None:
    """``bad/legacy.doc`` (Word 97 binary by LibreOffice) and ``bad/legacy.wps`` (a byte copy)."""
    tmp = Path(tempfile.mkdtemp(prefix="samples_"))
    try:
        soffice_convert([docx], tmp, "doc:MS Word 97")
        shutil.copy(tmp / f"{docx.stem}.doc", bad / "legacy.doc")
        shutil.copy(tmp / f"{docx.stem}.doc", bad / "legacy.wps")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def scanned(pdf: Path, page: int, out: Path) -> None:
    """One page rasterized at 150 dpi greyscale and wrapped in an A4 PDF: no text layer."""
    tmp = Path(tempfile.mkdtemp(prefix="samples_"))
    try:
        cmd = ["pdftoppm", "-r", "150", "-gray", "-f", str(page), "-l", str(page), "-png", str(pdf), str(tmp / "scan")]
        subprocess.run(cmd, check=True)
        png = sorted(tmp.glob("scan*.png"))[0]
        subprocess.run(["img2pdf", "--pagesize", "A4", "-o", str(out), str(png)], check=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
