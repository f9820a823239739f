"""`gongkai` command line: ingest (runs the Dagster job in-process), show, suites."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _dagster_home() -> None:
    """Keep Dagster's run history in the repo (.dagster/) unless DAGSTER_HOME is set, so
    `DAGSTER_HOME=$PWD/.dagster dagster dev` shows the runs the CLI made."""
    home = Path(os.environ.get("DAGSTER_HOME") or REPO / ".dagster")
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists() or not config.read_text(encoding="utf-8").strip():  # no telemetry
        config.write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)


def run_ingest(raw_dir: Path, warehouse_path: Path, workers: int = 0, ephemeral: bool = False):
    """Execute the `ingest` job in-process; returns (LoadSummary, scan counts, seconds)."""
    from dagster import DagsterInstance

    from assets.definitions import make_definitions
    from assets.settings import GongkaiSettings

    settings = GongkaiSettings(raw_dir=str(raw_dir), warehouse=str(warehouse_path), workers=workers)
    job = make_definitions(settings).resolve_job_def("ingest")
    if ephemeral:
        instance = DagsterInstance.ephemeral()
    else:
        _dagster_home()
        instance = DagsterInstance.get()
    started = time.perf_counter()
    quiet = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
    result = job.execute_in_process(instance=instance, run_config=quiet, raise_on_error=True)
    scan = result.output_for_node("raw_report_files")
    summary = result.output_for_node("warehouse")
    return summary, scan, time.perf_counter() - started


def cmd_ingest(args: argparse.Namespace) -> int:
    summary, scan, seconds = run_ingest(Path(args.raw_dir), Path(args.warehouse), args.workers)
    seen = len(scan.to_process) + len(scan.unchanged)
    print(
        f"gongkai ingest: {seen} files seen in {args.raw_dir}, {len(scan.to_process)} processed, "
        f"{len(scan.unchanged)} unchanged (skipped)"
    )
    counts = summary.statuses
    print(
        "  " + ", ".join(f"{k} {counts.get(k, 0)}" for k in ("loaded", "partial", "quarantined", "failed", "duplicate"))
    )
    copies: dict[str, list[str]] = {}  # one line per kept report, not one per copy
    for source_file, status, reason in summary.problems:
        if status == "duplicate":
            copies.setdefault(reason, []).append(source_file)
        else:
            print(f"  {status:<11} {source_file}: {reason}")
    for reason, files in copies.items():
        print(f"  {'duplicate':<11} {', '.join(files)}: {reason}")
    if summary.warnings:
        print(f"  {summary.warnings} non-blocking warnings (narrative, plausibility, continuity...): see the dashboard")
    print(f"warehouse:  {Path(args.warehouse).resolve()}  ({seconds:.1f} s)")
    from pipeline.dashboard import docs_index_for, site_index_for

    index = site_index_for(Path(args.warehouse).resolve())
    if index.exists():
        print(f"dashboard:  {index}  (open in a browser)")
    docs = docs_index_for(Path(args.warehouse).resolve())
    if docs.exists():
        print(f"data docs:  {docs}  (Great Expectations: every suite and validation result)")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from pipeline.show import show_file

    return show_file(Path(args.file))


def cmd_suites(args: argparse.Namespace) -> int:
    from pipeline.quality.suites import write_suites

    for path in write_suites():
        print(path.relative_to(REPO))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gongkai", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("ingest", help="ingest the raw folder into the warehouse (the Dagster job, in-process)")
    p.add_argument("--raw-dir", default="data/raw")
    p.add_argument("--warehouse", default="warehouse/gongkai.duckdb")
    p.add_argument("--workers", type=int, default=0, help="parse processes (default: one per core)")
    p.set_defaults(func=cmd_ingest)
    p = sub.add_parser("show", help="parse one file and print what was read and each check, without the warehouse")
    p.add_argument("file")
    p.set_defaults(func=cmd_show)
    p = sub.add_parser("suites", help="regenerate expectations/*.json from the form definition")
    p.set_defaults(func=cmd_suites)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
