"""Benchmark of what users run: `gongkai ingest` over N generated, distinct reports.

The reports come from the layout generator (tools/layouts, family "plain"): each one a
different agency and year (32 counties x 15 bodies x 2019-2024, shuffled), spread over every
format (txt, tsv, md, html, docx, pdf), so duplicate handling does not dominate. Printed:

1. per format, one core, in this process: read (``read_document``) and recognize
   (``parse_document``) reports/s; for PDFs, pypdfium2's plain-text extraction of the same
   files beside them (for each page ``textpage.get_text_range()``);
2. the whole job, as `gongkai ingest` in a fresh process, with 1 and with 2 workers: wall
   time and reports/s, per stage from the run's own step metadata (scan, parse = read +
   recognize in the workers, stage, validate, gate, publish, dashboard), and the peak
   resident memory of the main process and of the largest worker (ru_maxrss);
3. the no-op: `gongkai ingest` on folders of 20, 2,000 and 10,000 unchanged text reports,
   process start to exit, after a first run that loaded them (its figures are printed too:
   the whole job at that size). For speed these are txt/tsv reports, made distinct beyond
   2,000 by a trailing byte.
4. ``--batch``: the first run over such folders, per stage wall and CPU seconds (from the
   steps' ``*_cpu_s`` metadata) and the main process's peak memory after each step; with
   ``--mixed N`` also over N reports of every format (the mix of 2.), with ``--text N`` over N
   distinct text reports (txt, tsv, md; no trailing-byte copies, so duplicates do not dominate),
   and for each folder the ratio of the steps after parsing to parsing.

    .venv/bin/python bench/bench_job.py [-n 600] [--noop 20,2000,10000] [--workers 1,2] [--keep DIR]
    .venv/bin/python bench/bench_job.py --only-batch --batch 2000,10000 [--keep DIR]   # 4. per stage CPU, memory
    .venv/bin/python bench/bench_job.py --only-batch --batch 2000 --mixed 2000   # 4., and a folder of every format
    .venv/bin/python bench/bench_job.py --only-batch --batch 10000 --text 10000  # 4., copies and distinct text
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tools/ (the layout generator) is not an installed package

from bench.bench_pdf import pdfium_text  # noqa: E402  (the baseline both benchmarks time)
from pipeline.parse import parse_document  # noqa: E402
from pipeline.readers import read_document  # noqa: E402
from tools.layouts.families import FAMILIES_BY_NAME, layout_for  # noqa: E402
from tools.layouts.harness import SUFFIX, Case, render  # noqa: E402
from tools.layouts.model import BODIES, COUNTIES, random_report  # noqa: E402

GONGKAI = Path(sys.executable).with_name("gongkai")
FORMATS = ("txt", "tsv", "md", "html", "docx", "pdf")
TEXT_FORMATS = ("txt", "tsv", "md")  # --text: the cheapest formats to parse
YEARS = (2019, 2020, 2021, 2022, 2023, 2024)
STAGES = ("scan", "parse", "stage", "validate", "gate", "publish", "dashboard")

# Runs `gongkai ingest` in a fresh interpreter and prints its peak memory and its largest child's.
CHILD = """
import resource, sys
from pipeline.cli import main
code = main(sys.argv[1:])
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"BENCH-RSS {own} {workers}", file=sys.stderr)
sys.exit(code)
"""


def agency_years(seed: int) -> list[tuple[str, int]]:
    """Every (agency, year) the generator can name, shuffled: distinct reports, none a copy."""
    combos = [(county + body, year) for county in COUNTIES for body in BODIES for year in YEARS]
    random.Random(seed).shuffle(combos)
    return combos


def generate(folder: Path, n: int, seed: int, formats: tuple[str, ...] = FORMATS) -> dict[str, list[Path]]:
    """``n`` distinct reports, round-robin over ``formats``; beyond the distinct (agency, year)
    pairs (2,880) the pairs repeat with other numbers (conflicting copies)."""
    folder.mkdir(parents=True, exist_ok=True)
    plain = FAMILIES_BY_NAME["plain"]
    combos = agency_years(seed)
    out: dict[str, list[Path]] = defaultdict(list)
    for i in range(n):
        fmt = formats[i % len(formats)]
        agency, year = combos[i % len(combos)]
        rng = random.Random(f"bench:{seed}:{i}")
        style, lay, _ = layout_for(plain, fmt, rng)
        report = random_report(rng, "2019" if year <= 2020 else "2021", style, agency=agency)
        report.year = year
        path = folder / f"{i:05d}_{fmt}{SUFFIX[fmt]}"
        path.write_bytes(render(Case(plain, fmt, i, seed, report, lay, {})))
        out[fmt].append(path)
    return out


def read_and_recognize(files: list[Path]) -> tuple[float, float, int]:
    """Seconds reading and seconds recognizing ``files`` serially, and how many failed."""
    read_s = recognize_s = 0.0
    failed = 0
    for path in files:
        t0 = time.perf_counter()
        try:
            doc = read_document(path)
        except Exception:
            failed += 1
            continue
        t1 = time.perf_counter()
        parse_document(doc)
        read_s, recognize_s = read_s + t1 - t0, recognize_s + time.perf_counter() - t1
    return read_s, recognize_s, failed


def per_format(by_format: dict[str, list[Path]]) -> None:
    print("\n## read and recognize, one core (reports/s)\n")
    print(f"{'format':7} {'files':>5} {'read':>8} {'recognize':>10} {'read+recognize':>15} {'pdfium text':>12}")
    for fmt, files in by_format.items():
        read_and_recognize(files[:3])  # warm the caches (imports, fonts)
        read_s, recognize_s, failed = read_and_recognize(files)
        n = len(files) - failed
        baseline = ""
        if fmt == "pdf":
            t0 = time.perf_counter()
            for path in files:
                pdfium_text(path)
            baseline = f"{len(files) / (time.perf_counter() - t0):12.1f}"
        both = n / (read_s + recognize_s)
        print(f"{fmt:7} {len(files):5d} {n / read_s:8.1f} {n / recognize_s:10.1f} {both:15.1f} {baseline}")


def ingest(raw: Path, warehouse: Path, home: Path, workers: int) -> dict[str, float]:
    """One `gongkai ingest` in a fresh process: wall seconds, peak RSS (MB), per-stage seconds."""
    command = [sys.executable, "-c", CHILD, "ingest", "--raw-dir", str(raw), "--warehouse", str(warehouse)]
    command += ["--workers", str(workers), "--quiet"]
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(
            command, env={**os.environ, "DAGSTER_HOME": str(home)}, stdout=subprocess.DEVNULL, stderr=err, text=True
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        err.seek(0)
        stderr = err.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"gongkai ingest failed:\n{stderr[-3000:]}")
    (rss,) = [line.split()[1:] for line in stderr.splitlines() if line.startswith("BENCH-RSS")]
    figures = {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime}
    figures.update({"main_mb": int(rss[0]) / 1024, "worker_mb": int(rss[1]) / 1024})
    figures.update(step_seconds(home))
    return figures


def step_seconds(home: Path) -> dict[str, float]:
    """The seconds each step of the latest run recorded in its metadata (``*_s`` entries)."""
    import dagster as dg

    with dg.DagsterInstance.from_config(str(home)) as instance:
        (run,) = instance.get_runs(limit=1)
        figures: dict[str, float] = {}
        for entry in instance.all_logs(run.run_id):
            event = entry.dagster_event
            kinds = ("ASSET_MATERIALIZATION", "ASSET_CHECK_EVALUATION", "STEP_OUTPUT")
            if event is None or event.event_type_value not in kinds:
                continue
            data = event.event_specific_data
            if event.event_type_value == "STEP_OUTPUT":  # the parse shards' ops: summed over the shards
                if event.step_key.startswith("staged_reports.parse_shard"):
                    for key, value in data.metadata.items():
                        if key in ("parse_shard_cpu_s", "parse_workers_cpu_s"):
                            name = key.removesuffix("_s")
                            figures[name] = figures.get(name, 0.0) + float(value.value)
                continue
            if hasattr(data, "materialization"):
                metadata, step = data.materialization.metadata, data.materialization.asset_key.path[-1]
            else:
                metadata, step = data.metadata, "check"
            for key, value in metadata.items():
                if key.endswith("_s"):
                    figures[key.removesuffix("_s")] = float(value.value)
                elif key == "peak_rss_mb":
                    figures[f"rss {step}"] = float(value.value)
    return figures


def rss_by_step(figures: dict[str, float]) -> str:
    """``staged_reports 420, check 610, ...``: the main process's peak after each step (MB)."""
    return ", ".join(f"{k.removeprefix('rss ')} {v:.0f}" for k, v in figures.items() if k.startswith("rss "))


def job(raw: Path, root: Path, n: int, worker_counts: list[int]) -> None:
    print(f"\n## the whole job (`gongkai ingest`), {n} reports of every format\n")
    stages = " ".join(f"{s:>9}" for s in STAGES)
    print(f"{'workers':>7} {'wall s':>7} {'reports/s':>9} {stages}  peak MB main/worker")
    for workers in worker_counts:
        f = ingest(raw, root / f"job{workers}" / "g.duckdb", root / f"home{workers}", workers)
        stages = " ".join(f"{f.get(s, 0.0):9.2f}" for s in STAGES)
        print(f"{workers:7d} {f['wall']:7.1f} {n / f['wall']:9.1f} {stages}  {f['main_mb']:.0f}/{f['worker_mb']:.0f}")
        print(f"        main process peak after each step (MB): {rss_by_step(f)}")
    print("(stage columns in seconds; parse = read + recognize in the worker processes)")


def text_folder(folder: Path, n: int, seed: int) -> None:
    """``n`` text reports: up to 2,000 generated (txt and tsv), then copies with a trailing byte."""
    distinct = min(n, 2000)
    generated = [p for paths in generate(folder, distinct, seed, ("txt", "tsv")).values() for p in paths]
    for i in range(n - distinct):
        source = generated[i % distinct]
        (folder / f"copy_{i:05d}.txt").write_bytes(source.read_bytes() + b"\n" * (1 + i // distinct))


def timed_ingest(raw: Path, warehouse: Path, home: Path) -> tuple[float, float]:
    """`gongkai ingest` from process start to exit: wall seconds, and CPU seconds (user + system,
    of the process and its children), which a machine shared with other work inflates less."""
    command = [str(GONGKAI), "ingest", "--raw-dir", str(raw), "--warehouse", str(warehouse), "--quiet"]
    started = time.perf_counter()
    child = subprocess.Popen(
        command, env={**os.environ, "DAGSTER_HOME": str(home)}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"gongkai ingest failed:\n{child.stderr.read().decode()[-3000:]}")
    child.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime


def noop(root: Path, sizes: list[int], seed: int, rounds: int = 3) -> None:
    print("\n## no-op: `gongkai ingest` on unchanged files, process start to exit\n")
    head = f"{'files':>6} {'first run s':>11} {'first peak MB':>13} {'no-op wall s':>12} {'no-op CPU s':>11}"
    print(f"{head}  runs (wall)")
    for n in sizes:
        raw, warehouse, home = root / f"noop{n}", root / f"noop{n}_wh" / "g.duckdb", root / f"noop{n}_home"
        text_folder(raw, n, seed)
        first = ingest(raw, warehouse, home, 2)
        runs = [timed_ingest(raw, warehouse, home) for _ in range(rounds)]
        wall, cpu = statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)
        listed = ", ".join(f"{w:.2f}" for w, _ in runs)
        print(f"{n:6d} {first['wall']:11.1f} {first['main_mb']:13.0f} {wall:12.2f} {cpu:11.2f}  {listed}")
        print(f"       first run stages: {json.dumps({s: round(first.get(s, 0.0), 1) for s in STAGES})}")
        print(f"       first run, main process peak after each step (MB): {rss_by_step(first)}")
    print(f"(no-op: median of {rounds} runs)")


# (column, the step metadata key of its CPU seconds)
CPU_STAGES = (
    ("load shards", "load_shards_cpu"),
    ("validate", "validate_cpu"),
    ("gate", "gate_cpu"),
    ("publish", "publish_cpu"),
    ("dashboard", "dashboard_cpu"),
)


def batch(
    root: Path, sizes: list[int], seed: int, mixed: list[int] | None = None, text: list[int] | None = None
) -> None:
    """The first run over N text reports (the no-op folders) and, with ``mixed``, over N
    reports of every format (the -n job's six formats, round-robin, distinct), with ``text``
    over N distinct text reports (txt, tsv, md, round-robin, generated like ``mixed``): CPU seconds
    (user + system) per step, from the steps' ``*_cpu_s`` metadata, and the main process's
    peak after each step. The parse steps' CPU holds the workers' read + recognize (parse) and
    the main process's staging of their rows (stage). Runs before ``parse_workers_cpu_s`` was
    recorded: parse = the steps' CPU less the staging's wall seconds (a lower bound; stage, its
    wall seconds). Last, for each folder, after parsing / parsing: how the steps after the
    readers compare with them for text reports and for the mix users run."""
    print("\n## first run over N reports: CPU s per stage, peak memory of the main process\n")
    head = " ".join(f"{s:>11}" for s, _ in CPU_STAGES)
    first = f"{'folder':>12} {'wall s':>7} {'CPU s':>7} {'parse':>7} {'stage':>7}"
    print(f"{first} {head}  {'after parse':>11} {'peak MB':>7}")
    ratios = []
    folders = [(f"batch{n}", n, text_folder) for n in sizes]
    folders += [(f"mixed{n}", n, lambda raw, n, seed: generate(raw, n, seed)) for n in mixed or []]
    folders += [(f"text{n}", n, lambda raw, n, seed: generate(raw, n, seed, TEXT_FORMATS)) for n in text or []]
    for name, n, make in folders:
        raw, warehouse, home = root / name, root / f"{name}_wh" / "g.duckdb", root / f"{name}_home"
        if not raw.exists():
            make(raw, n, seed)
        f = ingest(raw, warehouse, home, 2)
        if "parse_workers_cpu" in f:
            parse = f["parse_workers_cpu"]
            stage = f.get("parse_shard_cpu", 0.0) - parse
        else:
            stage = f.get("stage", 0.0)
            parse = f.get("parse_shard_cpu", 0.0) - stage
        after = stage + sum(f.get(c, 0.0) for _, c in CPU_STAGES)
        cols = " ".join(f"{f.get(c, 0.0):11.1f}" for _, c in CPU_STAGES)
        first = f"{name:>12} {f['wall']:7.1f} {f['cpu']:7.1f} {parse:7.1f} {stage:7.1f}"
        print(f"{first} {cols}  {after:11.1f} {f['main_mb']:7.0f}")
        print(f"       main process peak after each step (MB): {rss_by_step(f)}")
        print(f"       load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        ratios.append((name, after, parse))
    print("(parse: the readers' CPU; stage: the parse steps' own; after parse: stage + the columns after it)")
    for name, after, parse in ratios:
        print(f"{name:>12}: after parsing / parsing = {after:.1f} / {parse:.1f} = {after / parse:.2f}")


def sizes(text: str) -> list[int]:
    """``"2000,10000"`` -> [2000, 10000]; ``""`` -> []."""
    return [int(s) for s in text.split(",") if s]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=600, help="generated reports for the per-format and job figures")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", default="1,2", help="worker counts for the job (comma-separated)")
    ap.add_argument("--noop", default="20,2000,10000", help="folder sizes for the no-op (comma-separated; '' skips)")
    ap.add_argument("--batch", default="", help="text-report folder sizes: per-stage CPU and memory of a first run")
    ap.add_argument(
        "--mixed", default="", help="folder sizes of reports of every format for --batch's figures (e.g. 2000)"
    )
    ap.add_argument(
        "--text", default="", help="folder sizes of distinct txt/tsv/md reports for --batch's figures (e.g. 10000)"
    )
    ap.add_argument("--only-batch", action="store_true", help="run only --batch (no per-format, job or no-op figures)")
    ap.add_argument("--keep", type=Path, help="work here and keep the files (default: a temporary folder)")
    args = ap.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="gongkai_bench_job_"))
    try:
        if args.only_batch:
            batch(root, sizes(args.batch), args.seed, sizes(args.mixed), sizes(args.text))
            return
        raw = root / "mixed"
        t0 = time.perf_counter()
        by_format = generate(raw, args.n, args.seed)
        print(f"generated {args.n} reports in {time.perf_counter() - t0:.0f} s: {root}")
        per_format(by_format)
        job(raw, root, args.n, [int(w) for w in args.workers.split(",") if w])
        noop(root, sizes(args.noop), args.seed)
        batch(root, sizes(args.batch), args.seed, sizes(args.mixed), sizes(args.text))
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
