"""Benchmark of issue 10.5: a run costs what it changes, not what the warehouse holds.

Measures the real `gongkai ingest` (a fresh process, as users run it) adding 10 new reports to
a warehouse of 100 reports and to one of 10,000: wall and CPU seconds (user + system of the
process and its children), the bytes the process wrote (``/proc/self/io`` write_bytes: the
warehouse, Dagster's run storage, the dashboard), the bytes of the files it created or replaced
in the warehouse folder (catalog, batch files, dashboard and Data Docs apart), and the job's own
step seconds (gate, publish, dashboard, from the run's metadata).

The warehouses: 100 generated distinct text reports (tools/layouts, as bench_job.py) ingested
by `gongkai ingest`; the large one is that warehouse with every report's rows replicated 99
times under distinct report ids (sha256 of id and replica), years (+1000 per replica) and file
names (``replica_K/...``, recorded as removed from the raw folder, so the scan has nothing to say
about them), written in one build through the layout's own bulk paths: the batch writer
(``pipeline.batches.append``) when the code has one, else INSERTs into the cell tables. Every
round starts from a fresh copy of the warehouse at the same path; the 10 new files are then
added to the raw folder and one `gongkai ingest` is timed. The large warehouse's dashboard is
built once after the replication (every report's page, as the runs that loaded them would have
left it), so the timed run's dashboard step finds the site a warehouse of that size has.
With ``--keep DIR`` the folders stay, and a later run with the same DIR (and the same
``--code``) reuses the warehouses instead of building them again.

    .venv/bin/python bench/bench_publish.py [--sizes 100,10000] [--new 10] [--rounds 3] [--keep DIR]
    # the layout before (any checkout of the code, e.g. `git archive main | tar -x -C /tmp/before`):
    .venv/bin/python bench/bench_publish.py --code /tmp/before
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# `gongkai ingest` in a fresh interpreter (the code of its working directory), then what it wrote.
CHILD = """
import sys
from pipeline.cli import main
code = main(sys.argv[1:])
io = dict(line.split(": ") for line in open("/proc/self/io").read().splitlines())
print(f"BENCH-IO {io['write_bytes']} {io['wchar']}", file=sys.stderr)
sys.exit(code)
"""

# Replicates a published warehouse's reports in one build (run with the benchmarked code on sys.path).
REPLICATE = """
import sys
from pathlib import Path
from pipeline import warehouse

published, copies = Path(sys.argv[1]), int(sys.argv[2])
new_id = "sha256(report_id || ':' || rep)"
reps = f"range(1, {copies} + 1) t(rep)"
build = warehouse.start_build(published, "replicate")
with warehouse.connect(build.path) as con:
    con.execute("SET enable_progress_bar = false")
    batches = getattr(warehouse, "batches", None)  # the batch writer, in the code that has one
    tables = ("applications", "proactive_disclosure", "review_litigation")
    cells = [f"{kind}_{t}" for kind in ("fact", "quarantine") for t in tables]
    for table in cells:
        select = f"SELECT c.* REPLACE ({new_id} AS report_id, year + 1000 * rep AS year) FROM {table} c, {reps}"
        if batches is not None:
            batches.append(con, table, select, "replicate")
        else:
            con.execute(f"INSERT INTO {table} {select}")
    if batches is not None:
        batches.refresh_views(con)
    con.execute(
        f"INSERT INTO reports SELECT r.* REPLACE ({new_id} AS report_id, 'replica_' || rep || '/' || source_file AS "
        "source_file, year + 1000 * rep AS year, false AS present, now()::TIMESTAMP AS missing_since, "
        "CASE WHEN duplicate_of IS NOT NULL THEN sha256(duplicate_of || ':' || rep) END AS duplicate_of) "
        f"FROM reports r, {reps}"
    )
    # dq_results: history files in the code that has them (its run's rows wait in a pending table)
    results = getattr(batches, "DQ_PENDING", "dq_results")
    for table, into in (("dq_results", results), ("narrative_claims", "narrative_claims")):
        con.execute(f"INSERT INTO {into} SELECT x.* REPLACE ({new_id} AS report_id) FROM {table} x, {reps}")
    print(*con.execute("SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM fact_applications)").fetchone())
warehouse.publish(build)
"""


def catalog_sizes(published: Path) -> tuple[float, dict[str, float]]:
    """The catalog file's MB (what every run copies) and the MB of each table stored in it
    (its distinct storage blocks: DuckDB's unit of allocation, 256 KB)."""
    import duckdb

    with duckdb.connect(str(published), read_only=True) as con:
        (block,) = con.execute("SELECT block_size FROM pragma_database_size()").fetchone()
        tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary").fetchall()]
        sizes = {
            t: con.execute(
                f"SELECT count(DISTINCT block_id) FROM pragma_storage_info('{t}') WHERE block_id >= 0"
            ).fetchone()[0]
            * block
            / 1e6
            for t in tables
        }
    return published.stat().st_size / 1e6, {t: mb for t, mb in sorted(sizes.items(), key=lambda kv: -kv[1]) if mb}


# The dashboard of a warehouse, built as the job builds it after a publication.
DASHBOARD = """
import sys
from pathlib import Path
from pipeline import dashboard
dashboard.build(Path(sys.argv[1]))
"""


def run_code(code: Path, args: list[str], home: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(code)}
    if home is not None:
        env["DAGSTER_HOME"] = str(home)
    return subprocess.run([sys.executable, "-c", *args], cwd=code, env=env, capture_output=True, text=True)


def files(folder: Path) -> dict[Path, tuple[int, int, int]]:
    return {p: (p.stat().st_ino, p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


def written(before: dict[Path, tuple[int, int, int]], after: dict[Path, tuple[int, int, int]], wh: Path) -> dict:
    """Bytes of the files a run created or replaced under the warehouse folder, by kind."""
    out = {"catalog": 0, "batches": 0, "dashboard+docs": 0}
    for path, stat in after.items():
        if before.get(path) == stat:
            continue
        rel = path.relative_to(wh).parts[0]
        kind = (
            "dashboard+docs" if rel in ("dq_site", "dq_docs") else "batches" if rel.endswith(".batches") else "catalog"
        )
        out[kind] += stat[1]
    return out


def timed_ingest(code: Path, raw: Path, published: Path, home: Path) -> dict[str, float]:
    """One `gongkai ingest` from process start to exit: wall, CPU, bytes, step seconds."""
    command = [sys.executable, "-c", CHILD, "ingest", "--raw-dir", str(raw), "--warehouse", str(published), "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(code), "DAGSTER_HOME": str(home)}
    before = files(published.parent)
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=code, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    err = child.stderr.read()
    child.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"gongkai ingest failed:\n{err[-3000:]}")
    (io,) = [line.split()[1:] for line in err.splitlines() if line.startswith("BENCH-IO")]
    figures = {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "write_mb": int(io[0]) / 1e6}
    figures.update({f"{k}_mb": v / 1e6 for k, v in written(before, files(published.parent), published.parent).items()})
    sys.path.insert(0, str(HERE))
    from bench_job import step_seconds  # imports Dagster: once a run is timed

    figures.update(step_seconds(home))
    figures["wall_but_dashboard"] = wall - figures.get("dashboard", 0.0)
    return figures


def prepare(code: Path, root: Path, size: int, base: list[Path]) -> tuple[Path, Path]:
    """The raw folder (the base reports) and a pristine warehouse of ``size`` reports, with the
    dashboard a warehouse of that size has (every report's page); kept ones (``--keep``) reused."""
    raw, pristine = root / f"raw{size}", root / f"pristine{size}"
    if raw.exists() and pristine.exists():
        print(f"   {size}: the warehouse kept in {pristine}")
        return raw, pristine
    work = root / f"wh{size}" / "gongkai.duckdb"
    for folder in (raw, work.parent):
        shutil.rmtree(folder, ignore_errors=True)
    raw.mkdir(parents=True)
    for path in base:
        shutil.copy2(path, raw / path.name)
    done = run_code(code, [CHILD, "ingest", "--raw-dir", str(raw), "--warehouse", str(work), "--quiet"], root / "home")
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    if size > len(base):
        done = run_code(code, [REPLICATE, str(work), str(size // len(base) - 1)])
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-3000:])
        print(f"   {size}: reports rows, fact_applications rows = {done.stdout.split()[-2:]}")
        done = run_code(code, [DASHBOARD, str(work)])  # the replicas' pages, as the runs before would have drawn
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-3000:])
    shutil.copytree(work.parent, pristine)
    total, tables = catalog_sizes(pristine / work.name)
    print(f"   {size}: catalog {total:.2f} MB; tables in it: " + ", ".join(f"{t} {mb:.2f}" for t, mb in tables.items()))
    return raw, pristine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,10000", help="reports in the warehouse before the run")
    parser.add_argument("--new", type=int, default=10, help="new reports the measured run adds")
    parser.add_argument("--base", type=int, default=100, help="distinct generated reports (the rest replicas)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose pipeline is measured")
    parser.add_argument("--keep", type=Path, help="keep the folders here")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    code = args.code.resolve()
    root = Path(tempfile.mkdtemp(prefix="bench_publish_")) if args.keep is None else args.keep
    root.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(HERE))
    from bench_job import generate

    reports = [p for ps in generate(root / "generated", args.base + args.new, args.seed, ("txt",)).values() for p in ps]
    base, new = reports[: args.base], reports[args.base :]
    print(f"# code: {code}; load average {os.getloadavg()[0]:.1f} at start")
    columns = (
        "wall",
        "cpu",
        "write_mb",
        "catalog_mb",
        "batches_mb",
        "dashboard+docs_mb",
        "gate",
        "publish",
        "dashboard",
        "dashboard_cpu",
        "wall_but_dashboard",
    )
    rows = []
    for size in sizes:
        raw, pristine = prepare(code, root, size, base)
        runs = []
        for r in range(args.rounds):
            work = root / f"wh{size}"
            shutil.rmtree(work)
            shutil.copytree(pristine, work)
            for path in raw.iterdir():
                if path.name.startswith("new_"):
                    path.unlink()
            for path in new:
                shutil.copy2(path, raw / f"new_{path.name}")
            load = os.getloadavg()[0]
            figures = timed_ingest(code, raw, work / "gongkai.duckdb", root / f"home{size}_{r}")
            runs.append({**figures, "load": load})
        rows.append((size, runs))
        median = {c: statistics.median(run.get(c, 0.0) for run in runs) for c in (*columns, "load")}
        print(f"   {size}: " + ", ".join(f"{c} {median[c]:.2f}" for c in (*columns, "load")))
    print(f"\n{args.new} new reports into a warehouse of N reports, median of {args.rounds} rounds\n")
    print("| reports | wall s | CPU s | written MB | catalog MB | batch files MB | dashboard+docs MB "
          "| gate s | publish s | dashboard s | dashboard CPU s | wall − dashboard s | load avg |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size, runs in rows:
        m = {c: statistics.median(run.get(c, 0.0) for run in runs) for c in (*columns, "load")}
        cells = " | ".join(f"{m[c]:.2f}" for c in columns)
        print(f"| {size:,} | {cells} | {m['load']:.1f} |")
    print("\nCPU s per round: " + "; ".join(f"{s}: " + ", ".join(f"{r['cpu']:.1f}" for r in runs) for s, runs in rows))
    if args.keep is None:
        shutil.rmtree(root)


if __name__ == "__main__":
    main()
