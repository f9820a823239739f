#!/usr/bin/env python3
"""Regenerate the sample report files (DOCX, PDF, HTML, bad inputs, text variants) from the seeds.

Development tooling for gongkai, not run by CI. Every sample carries exactly the numbers and text
of its seed (``NNN_<hash>.txt``): each seed is parsed into a model (``tools.samples.seed_model``),
laid out as the layout generator's document model (``tools.samples.seed_doc``) and drawn by the
generator's renderers (``tools.layouts.render_docx``, ``render_html``), so the samples and the
round-trip generator share one renderer. The DOCX files are converted to PDF with LibreOffice,
every output is verified against its seed model, and MANIFEST.md describes what was written.

Usage:
    python tools/make_samples.py --out DIR [--seeds DIR] [--no-pdf]

--seeds defaults to ../shared/seeds (next to the repository) when it exists, else <repo>/data/raw
(only NNN_*.txt files are read). Exit status 1 when any output disagrees with its seed.

Requirements: python-docx, pdfplumber, lxml, OpenCC (pip package "OpenCC"); on PATH: soffice
(LibreOffice writer), pdftoppm (poppler-utils), img2pdf; fonts-noto-cjk for the PDF glyphs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script: make ``tools`` importable
    sys.path.insert(0, str(REPO))

from tools.layouts import render_docx, render_html  # noqa: E402
from tools.samples import extras, pdf  # noqa: E402
from tools.samples.manifest import write_manifest  # noqa: E402
from tools.samples.seed_doc import docx_document, html_document  # noqa: E402
from tools.samples.seed_model import Seed, parse_seed  # noqa: E402
from tools.samples.verify import verify_docx, verify_html, verify_pdf  # noqa: E402


def _seed(seeds: list[Seed], key: str) -> Seed:
    return next(s for s in seeds if s.key == key)


def write_documents(seeds: list[Seed], out: Path, problems: dict[str, list[str]], facts: dict) -> None:
    """DOCX and HTML of every seed, each verified as soon as it is written."""
    for s in seeds:
        docx_path, html_path = out / f"{s.stem}.docx", out / f"{s.stem}.html"
        docx_path.write_bytes(render_docx.render(*docx_document(s)))
        doc, page = html_document(s)
        html_path.write_bytes(render_html.render_site(doc, page))
        problems[docx_path.name] = verify_docx(s, docx_path)
        problems[html_path.name], empties = verify_html(s, html_path)
        facts[html_path.name] = {"empties": empties}


def write_pdfs(seeds: list[Seed], out: Path, problems: dict[str, list[str]], facts: dict) -> None:
    """The PDFs (LibreOffice from the DOCX files) and the bad inputs derived from them."""
    pdf.soffice_convert([out / f"{s.stem}.docx" for s in seeds], out, "pdf")
    for s in seeds:
        info = pdf.analyze(out / f"{s.stem}.pdf", s)
        facts[f"{s.stem}.pdf"] = info
        problems[f"{s.stem}.pdf"] = verify_pdf(s, info)
    pdf.legacy_word(out / f"{_seed(seeds, '001').stem}.docx", out / "bad")
    scan_src = _seed(seeds, "002")
    page = facts[f"{scan_src.stem}.pdf"]["t3"][0]  # where table 三 starts
    pdf.scanned(out / f"{scan_src.stem}.pdf", page, out / "bad" / "scanned.pdf")
    facts["scanned"] = {"source": f"{scan_src.stem}.pdf", "page": page}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    shared = REPO.parent / "shared" / "seeds"  # ../shared/seeds next to the repository
    ap.add_argument("--seeds", type=Path, default=shared if shared.is_dir() else REPO / "data" / "raw")
    ap.add_argument("--out", type=Path, required=True, help="output directory (created; bad/ and variants/ inside)")
    ap.add_argument("--no-pdf", action="store_true", help="skip LibreOffice (DOCX, HTML and text files only)")
    args = ap.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    (out / "bad").mkdir(exist_ok=True)
    (out / "variants").mkdir(exist_ok=True)

    seeds = [parse_seed(p) for p in sorted(args.seeds.glob("[0-9][0-9][0-9]_*.txt"))]
    problems: dict[str, list[str]] = {}
    facts: dict = {}
    write_documents(seeds, out, problems, facts)
    if not args.no_pdf:
        write_pdfs(seeds, out, problems, facts)
    extras.write_bad_inputs(out / "bad")
    problems["variants"] = extras.write_variants(out / "variants", _seed(seeds, "003"), _seed(seeds, "000"))

    facts["seeds_dir"] = str(args.seeds)
    facts["soffice"] = pdf.soffice_version()
    write_manifest(out, seeds, facts)
    for name, found in problems.items():
        print(f"{name}: {'OK' if not found else 'PROBLEMS'}")
        for x in found:
            print("   ", x)
    return 1 if any(problems.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
