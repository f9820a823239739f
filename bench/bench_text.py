"""Benchmark: read, recognize and normalize DISTINCT text-like reports, one core (not a timed test).

Why: ``bench_ingest.py`` times copies of five samples; national scale means a million
different reports, whose labels, layouts and agencies all differ. This script renders N
random reports per format with the layout generator (``tools/layouts``: every family, random
agencies, years, templates and layouts), writes them to a temporary folder, then times each
stage of what ``pipeline.ingest`` does per file, in this one process:

- read: ``pipeline.readers.read_document`` (file bytes -> Document),
- recognize: ``pipeline.parse.parse_document`` (Document -> ParsedReport),
- normalize: ``pipeline.agencies.describe`` + ``pipeline.normalize.to_rows`` (the staging rows),

and prints reports/s per format and stage, and for the whole (read + recognize + normalize).
Times are this process's CPU time (``time.process_time``): reports/s per core, which other
work on a shared machine does not distort as it distorts wall time.
Files the pipeline refuses (``UnreadableFile``) count in read/recognize time, as in a run.

    .venv/bin/python bench/bench_text.py [-n 200] [--seed 11] [--format txt --format html]
    .venv/bin/python bench/bench_text.py --profile html   # cProfile of one format's stages
    .venv/bin/python bench/bench_text.py --digest before.txt   # per-file digests, to diff after a change
    .venv/bin/python bench/bench_text.py --by-family --format txt   # ms per report of each layout family
    .venv/bin/python bench/bench_text.py --warm 1000   # the steady state of a long run (see below)
    .venv/bin/python bench/bench_text.py --family plain   # only the layout family bench_job.py generates

``--warm N`` first reads and recognizes N other distinct reports of each format (another
seed, not timed): a run's workers live for the whole run, so after their first few hundred
files the label lines every report prints are in the recognizer's caches, and only what is new
in a report costs its first reading. Without it the figures are those of a worker's first
files (every label line, wording and damaged row seen for the first time).

``--digest`` writes one line per file (name, then sha256 prefixes of the repr of its Document,
of its ParsedReport and of its staging rows, or why it failed) instead of timing: two runs of
the same -n and --seed on two versions of the code must give identical files when a change is
only about speed.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import pstats
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tools/ is not an installed package

from pipeline import agencies
from pipeline.document import Document, UnreadableFile
from pipeline.normalize import to_rows
from pipeline.parse import ParsedReport, parse_document
from pipeline.readers import read_document
from tools.layouts.families import FAMILIES, FAMILIES_BY_NAME, Family
from tools.layouts.harness import SUFFIX, cases, render

FORMATS = ("txt", "tsv", "md", "html", "docx")


@dataclass
class Timing:
    """Seconds spent per stage on one format's files, and how many files each stage saw."""

    files: int = 0
    failed: int = 0
    read: float = 0.0
    recognize: float = 0.0
    normalize: float = 0.0

    @property
    def total(self) -> float:
        return self.read + self.recognize + self.normalize


def render_all(folder: Path, fmt: str, n: int, seed: int, families: tuple[Family, ...] = FAMILIES) -> list[Path]:
    """n distinct reports of one format written to folder (rendering is not timed)."""
    folder.mkdir(parents=True)
    paths = []
    for case in cases(n, seed, families, formats=(fmt,)):
        path = folder / (case.name + SUFFIX[fmt])
        path.write_bytes(render(case))
        paths.append(path)
    return paths


def _read(path: Path) -> Document | None:
    try:
        return read_document(path)
    except UnreadableFile:
        return None


def _recognize(doc: Document) -> ParsedReport | None:
    try:
        return parse_document(doc)
    except UnreadableFile:
        return None


def _normalize(index: int, parsed: ParsedReport) -> None:
    agencies.describe(parsed.agency_name)
    to_rows(f"r{index:06d}", parsed)


def time_stages(paths: list[Path]) -> Timing:
    """Each stage over all files, stage by stage, so each figure is that stage's alone."""
    timing = Timing(files=len(paths))
    t0 = time.process_time()
    docs = [_read(p) for p in paths]
    t1 = time.process_time()
    parsed = [_recognize(d) if d is not None else None for d in docs]
    t2 = time.process_time()
    for i, p in enumerate(parsed):
        if p is not None:
            _normalize(i, p)
    t3 = time.process_time()
    timing.read, timing.recognize, timing.normalize = t1 - t0, t2 - t1, t3 - t2
    timing.failed = sum(p is None for p in parsed)
    return timing


def family_timings(folder: Path, fmt: str, n: int, seed: int) -> dict[str, Timing]:
    """Each layout family's stages (rendered and timed report by report): the damaged families
    (one_line_body, fused_rows, vanishing_blanks) search their rows' readings, the others not."""
    folder.mkdir(parents=True)
    out: dict[str, Timing] = {}
    for case in cases(n, seed, formats=(fmt,)):
        path = folder / (case.name + SUFFIX[fmt])
        path.write_bytes(render(case))
        one, total = time_stages([path]), out.setdefault(case.family.name, Timing())
        for name in ("files", "failed", "read", "recognize", "normalize"):
            setattr(total, name, getattr(total, name) + getattr(one, name))
    return out


def family_line(fmt: str, family: str, t: Timing) -> str:
    ms = "".join(f"{1000 * s / t.files:10.2f}" for s in (t.read, t.recognize, t.normalize, t.total))
    return f"{fmt:6} {family:18} {t.files:5d} {ms}"


def _rate(files: int, seconds: float) -> str:
    return f"{files / seconds:10.1f}" if seconds > 0 else f"{'inf':>10}"


def report_line(fmt: str, t: Timing) -> str:
    rates = "".join(_rate(t.files, s) for s in (t.read, t.recognize, t.normalize, t.total))
    return f"{fmt:6} {t.files:5d} {t.failed:6d} {rates}"


def digest_lines(paths: list[Path]) -> list[str]:
    """Per file: what was read, parsed and staged, as short hashes of their reprs."""

    def sha(value: object) -> str:
        return hashlib.sha256(repr(value).encode()).hexdigest()[:16]

    lines = []
    for path in paths:
        try:
            doc = read_document(path)
            parsed = parse_document(doc)
        except UnreadableFile as exc:
            lines.append(f"{path.name} failed: {exc}")
            continue
        rows = (agencies.describe(parsed.agency_name).agency_id, to_rows("r", parsed))
        lines.append(f"{path.name} {sha(doc)} {sha(parsed)} {sha(rows)}")
    return lines


def warm_up() -> None:
    """Load the once-per-process tables (cpca divisions, OpenCC) outside the timings: a worker
    pays them once per run, not per report."""
    agencies.describe("北京市朝阳区人民政府")
    agencies.divisions()


def warm_caches(folder: Path, formats: tuple[str, ...], n: int, seed: int, families: tuple[Family, ...]) -> None:
    """Read, recognize and normalize n reports of each format other than the timed ones (the
    seed after ``seed``): the caches as a worker has them after n files of a run."""
    for fmt in formats:
        paths = render_all(folder / fmt, fmt, n, seed + 1, families)
        time_stages(paths)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=200, help="distinct reports per format")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--format", action="append", dest="formats", choices=FORMATS, help="only these formats")
    ap.add_argument("--profile", choices=FORMATS, help="print a cProfile of this format's stages instead")
    ap.add_argument("--digest", type=Path, help="write per-file digests of the results here instead of timing")
    ap.add_argument("--by-family", action="store_true", help="ms per report of each layout family instead")
    ap.add_argument(
        "--family", action="append", choices=sorted(FAMILIES_BY_NAME), help="only these layout families (default: all)"
    )
    ap.add_argument("--warm", type=int, default=0, metavar="N", help="first recognize N other reports per format")
    args = ap.parse_args()
    formats = tuple(args.formats or ((args.profile,) if args.profile else FORMATS))
    families = tuple(FAMILIES_BY_NAME[f] for f in args.family) if args.family else FAMILIES
    root = Path(tempfile.mkdtemp(prefix="gongkai_bench_text_"))
    try:
        if args.by_family:
            warm_up()
            print("ms per report, one process, by layout family (read + recognize + normalize = total)")
            columns = f"{'read':>10}{'recognize':>10}{'normalize':>10}{'total':>10}"
            print(f"{'format':6} {'family':18} {'files':>5} {columns}")
            for fmt in formats:
                for family, t in family_timings(root / fmt, fmt, args.n, args.seed).items():
                    print(family_line(fmt, family, t))
            return
        rendered = {fmt: render_all(root / fmt, fmt, args.n, args.seed, families) for fmt in formats}
        warm_up()
        if args.warm:
            warm_caches(root / "warm", formats, args.warm, args.seed, families)
        if args.digest:
            args.digest.write_text("\n".join(line for fmt in formats for line in digest_lines(rendered[fmt])) + "\n")
            return
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            time_stages(rendered[args.profile])
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
            return
        print("reports/s, one process (read + recognize + normalize = total)")
        print(f"{'format':6} {'files':>5} {'failed':>6} {'read':>10}{'recognize':>10}{'normalize':>10}{'total':>10}")
        overall = Timing()
        for fmt in formats:
            t = time_stages(rendered[fmt])
            print(report_line(fmt, t))
            for name in ("files", "failed", "read", "recognize", "normalize"):
                setattr(overall, name, getattr(overall, name) + getattr(t, name))
        if len(formats) > 1:
            print(report_line("all", overall))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
