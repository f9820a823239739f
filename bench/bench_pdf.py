"""Benchmark: PDF read + parse beside pypdfium2's plain-text extraction of the same files.

The issue's target is read+parse at >= 30% of the speed of pypdfium2 extracting the plain
text of the same PDFs, measured side by side in one run. The files: N distinct generated
reports (every layout family that has a PDF form, ruled and unruled tables, page breaks,
random agencies and years: tools/layouts) plus the bundled sample PDFs and the real
published ones in ../shared/realworld when present. One process, one core; each figure is
the best of ``--rounds`` passes over all files (after one pass that warms the caches), in
CPU seconds of this process (``time.process_time``). A round times the three works back to
back (in turn, each round starting with the next), and the ratio column is the median of the
rounds' own ratios: this machine's speed drifts by a third within minutes, and a ratio of two
passes taken seconds apart moves far less than one of two best-ofs taken a minute apart.

    .venv/bin/python bench/bench_pdf.py [-n 120] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tools/ is not an installed package

from pipeline.parse import parse_document  # noqa: E402
from pipeline.readers import read_document  # noqa: E402
from tools.layouts.harness import cases, render  # noqa: E402

REAL = ROOT.parent / "shared" / "realworld"


def pdfium_text(path: Path) -> int:
    """The baseline: open the PDF and extract every page's plain text."""
    pdf = pdfium.PdfDocument(path.read_bytes())
    try:
        chars = 0
        for page in pdf:
            textpage = page.get_textpage()
            chars += len(textpage.get_text_range())
            textpage.close()
            page.close()
        return chars
    finally:
        pdf.close()


def read_only(path: Path) -> int:
    return len(read_document(path).rows)


def read_and_parse(path: Path) -> int:
    return len(parse_document(read_document(path)).tables)


# The baseline first and read+parse last: ``paired_rates`` takes its ratio from the two ends.
WORKS: tuple[Callable[[Path], int], ...] = (pdfium_text, read_only, read_and_parse)


def seconds(files: list[Path], work: Callable[[Path], int]) -> float:
    started = time.process_time()
    for path in files:
        work(path)
    return time.process_time() - started


def paired_rates(files: list[Path], rounds: int) -> tuple[list[float], float]:
    """The best rate (files/s) of each of ``WORKS`` over ``rounds`` rounds, and the median
    over the rounds of read+parse's speed as a share of pdfium's text in the same round."""
    times: list[list[float]] = [[] for _ in WORKS]
    for r in range(rounds):
        for k in range(len(WORKS)):
            i = (r + k) % len(WORKS)
            times[i].append(seconds(files, WORKS[i]))
    ratios = [base / full for base, full in zip(times[0], times[-1], strict=True)]
    return [len(files) / min(t) for t in times], statistics.median(ratios)


def generated(folder: Path, n: int, seed: int) -> list[Path]:
    out = []
    for case in cases(n, seed, formats=("pdf",)):
        path = folder / f"{case.name}.pdf"
        path.write_bytes(render(case))
        out.append(path)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-n", type=int, default=120, help="generated PDF reports")
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="gongkai_bench_pdf_") as tmp:
        sets = {
            "generated": generated(Path(tmp), args.n, args.seed),
            "samples": sorted((ROOT / "data" / "raw").glob("*.pdf")),
            "real": sorted(REAL.glob("*.pdf")) if REAL.is_dir() else [],
        }
        header = ("files", "n", "pages", "pdfium text/s", "read/s", "read+parse/s", "ratio")
        print("{:10} {:>4} {:>6} {:>14} {:>8} {:>13} {:>6}".format(*header))
        for name, files in sets.items():
            if not files:
                continue
            pages = sum(len(pdfium.PdfDocument(p)) for p in files)
            seconds(files, read_and_parse)  # warms the caches of all three
            (base, read, full), ratio = paired_rates(files, args.rounds)
            print(f"{name:10} {len(files):4d} {pages:6d} {base:14.1f} {read:8.1f} {full:13.1f} {ratio:6.0%}")


if __name__ == "__main__":
    main()
