"""Benchmark: read + parse N copies of the sample reports per format (not a timed test).

Prints reports per second per format: read + parse serially and through ``parse_files``
(process pool), and the whole ingest job (scan, parse, stage, Great Expectations, gate,
publish, dashboard) in-process; then the peak resident memory of this process and of the
pool workers.

    .venv/bin/python bench/bench_ingest.py [-n 20] [--workers 2]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

from pipeline.cli import run_ingest
from pipeline.ingest import parse_files, scan

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
FORMATS = {"txt": "[0-9][0-9][0-9]_*.txt", "pdf": "*.pdf", "docx": "*.docx", "html": "*.html"}


def _copies(target: Path, pattern: str, n: int) -> list[Path]:
    """n copies of each sample, each with one distinct trailing byte so hashes differ."""
    target.mkdir(parents=True)
    for sample in sorted(RAW.glob(pattern)):
        data = sample.read_bytes()
        for i in range(n):
            (target / f"{sample.stem}_{i}{sample.suffix}").write_bytes(data + b"\n" * i)
    return sorted(target.iterdir())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-n", type=int, default=10, help="copies of each sample per format")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="gongkai_bench_"))
    try:
        print(f"{'format':6} {'files':>5} {'serial/s':>9} {'pool/s':>8} {'job/s':>7}  failed")
        for fmt, pattern in FORMATS.items():
            folder = root / fmt
            _copies(folder, pattern, args.n)
            files = scan(folder, root / "none.duckdb").to_process
            t0 = time.perf_counter()
            serial = parse_files(files, workers=1)
            t1 = time.perf_counter()
            parse_files(files, workers=args.workers)
            t2 = time.perf_counter()
            run_ingest(folder, root / f"{fmt}.duckdb", workers=args.workers, ephemeral=True)
            t3 = time.perf_counter()
            failed = sum(r.parsed is None for r in serial)
            rates = f"{len(files) / (t1 - t0):9.1f} {len(files) / (t2 - t1):8.1f} {len(files) / (t3 - t2):7.1f}"
            print(f"{fmt:6} {len(files):5d} {rates}  {failed}")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: main process {own:.0f} MB, largest worker {children:.0f} MB")


if __name__ == "__main__":
    main()
