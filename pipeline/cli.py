"""`gongkai` command line: ingest (runs the Dagster job in-process), show, export, compact, suites, dev."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
INSTANCE_CONFIG = REPO / "dagster.yaml"  # the committed instance config: no telemetry, runs serialized


def _home_path() -> Path:
    home = Path(os.environ.get("DAGSTER_HOME") or REPO / ".dagster")
    home.mkdir(parents=True, exist_ok=True)
    return home


def dagster_home() -> Path:
    """Keep Dagster's run history in the repo (.dagster/) unless DAGSTER_HOME is set, so
    `make dev` shows the runs the CLI made, and give that instance the committed config.

    A config already there keeps its other settings; its ``concurrency`` section is made the
    committed one, because that is what keeps two ingest runs from racing."""
    import yaml

    home = _home_path()
    config = home / "dagster.yaml"
    wanted = yaml.safe_load(INSTANCE_CONFIG.read_text(encoding="utf-8"))
    current = (yaml.safe_load(config.read_text(encoding="utf-8")) or {}) if config.exists() else {}
    if not current:
        shutil.copyfile(INSTANCE_CONFIG, config)
    else:
        merged = {"telemetry": wanted["telemetry"], **current, "concurrency": wanted["concurrency"]}
        if merged != current:
            config.write_text(yaml.safe_dump(merged, allow_unicode=True, sort_keys=False), encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def _local_instance():
    """The instance in DAGSTER_HOME, made one process at a time: two runs started at once on a
    new home would both create its SQLite storage, and both fail ('table already exists')."""
    import fcntl

    from dagster import DagsterInstance

    with (_home_path() / ".instance.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            dagster_home()
            return DagsterInstance.get()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@dataclass
class NothingLoaded:
    """The summary of a run that staged nothing (all files unchanged): the fields of
    ``pipeline.load.LoadSummary`` the CLI prints, without importing the gate (and pandas)."""

    files: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    problems: list[tuple[str, str, str]] = field(default_factory=list)
    warnings: int = 0
    waited_seconds: float = 0.0
    removed: list[tuple[str, str]] = field(default_factory=list)


def run_ingest(
    raw_dir: Path,
    warehouse_path: Path,
    workers: int = 0,
    ephemeral: bool = False,
    rehash: bool = False,
    progress: bool = False,
    keep_retired_days: float | None = None,
):
    """Execute the `ingest` job in-process; returns (LoadSummary or NothingLoaded, the scan, seconds).

    ``progress`` shows parse progress on stderr (a bar when it is a terminal); ``rehash``
    hashes every file (``ingest.scan``); ``keep_retired_days``: how long a batch file that stopped
    counting is kept (``GongkaiSettings.keep_retired_days``, default 7)."""
    from dagster import DagsterInstance

    from assets.definitions import make_definitions
    from assets.runs import HOST_TAG, this_host
    from assets.settings import GongkaiSettings

    progress_fd = _stderr_fd() if progress else -1
    keep = {} if keep_retired_days is None else {"keep_retired_days": keep_retired_days}
    settings = GongkaiSettings(
        raw_dir=str(raw_dir),
        warehouse=str(warehouse_path),
        workers=workers,
        rehash=rehash,
        progress_fd=progress_fd,
        **keep,
    )
    job = make_definitions(settings).resolve_job_def("ingest")
    instance = DagsterInstance.ephemeral() if ephemeral else _local_instance()
    started = time.perf_counter()
    quiet = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
    try:
        result = job.execute_in_process(
            instance=instance, run_config=quiet, raise_on_error=True, tags={HOST_TAG: this_host()}
        )
    finally:
        if progress_fd >= 0:
            os.close(progress_fd)
    scan = result.output_for_node("raw_report_files")
    summary = NothingLoaded() if result.is_node_skipped("warehouse") else result.output_for_node("warehouse")
    (scanned,) = result.asset_materializations_for_node("raw_report_files")
    summary.waited_seconds = float(scanned.metadata["waited_for_other_run_s"].value)
    return summary, scan, time.perf_counter() - started


def _stderr_fd() -> int:
    """A duplicate of this process's stderr descriptor, for the steps to show progress on: Dagster
    redirects a step's stderr to its compute log, so the step itself would never see a terminal.
    -1 when stderr has no descriptor (a test's captured stream)."""
    try:
        return os.dup(sys.stderr.fileno())
    except (AttributeError, OSError, ValueError):
        return -1


STATUSES_PRINTED = ("loaded", "partial", "quarantined", "failed", "duplicate")


def _empty_folder(raw_dir: Path) -> str:
    """Where the run looked and why it found nothing, for a run that saw no file."""
    if not raw_dir.exists():
        return f"the raw folder {raw_dir} does not exist"
    if not raw_dir.is_dir():
        return f"{raw_dir} is not a folder"
    return f"no files in {raw_dir} (every file below it is read, except hidden ones)"


def cmd_ingest(args: argparse.Namespace) -> int:
    summary, scan, seconds = run_ingest(
        Path(args.raw_dir),
        Path(args.warehouse),
        args.workers,
        rehash=args.rehash,
        progress=not args.quiet,
        keep_retired_days=args.keep_retired_days,
    )
    seen = len(scan.to_process) + len(scan.unchanged)
    raw_dir, warehouse_path = Path(args.raw_dir).resolve(), Path(args.warehouse).resolve()
    if summary.waited_seconds:
        print(f"gongkai ingest: waited {summary.waited_seconds:.1f} s for another ingest run to publish first")
    if seen == 0:
        print(f"gongkai ingest: nothing to ingest: {_empty_folder(raw_dir)}")
    else:
        print(
            f"gongkai ingest: {seen} files seen in {raw_dir}, {len(scan.to_process)} processed, "
            f"{len(scan.unchanged)} unchanged (skipped)"
        )
    counts = summary.statuses
    if counts or seen:
        print("  " + ", ".join(f"{k} {counts.get(k, 0)}" for k in STATUSES_PRINTED))
    for source_file, last_seen in summary.removed:
        print(f"  {'removed':<11} {source_file}: gone from the raw folder (last seen {last_seen}); its facts are kept")
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
    if warehouse_path.exists():
        print(f"warehouse:  {warehouse_path}  ({seconds:.1f} s)")
    else:
        print(f"warehouse:  none written: {warehouse_path} does not exist yet ({seconds:.1f} s)")
    from pipeline.dashboard import docs_index_for, site_index_for

    index = site_index_for(warehouse_path)
    if index.exists():
        print(f"dashboard:  {index}  (open in a browser)")
    checks = index.parent / "quality.html"
    if checks.exists():
        print(f"checks:     {checks}  (every suite, expectation and result; works offline)")
    docs = docs_index_for(warehouse_path)
    if docs.exists():
        print(f"data docs:  {docs}  (Great Expectations' own pages; they load scripts from the internet)")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from pipeline.show import show_file

    if not Path(args.file).is_file():
        print(f"gongkai show: {args.file}: no such file", file=sys.stderr)
        return 2
    code = show_file(Path(args.file))
    if args.pdf_debug is not None:
        from pipeline.document import UnreadableFile
        from pipeline.readers import pdf_debug

        if Path(args.file).suffix.lower() != ".pdf":
            print(f"--pdf-debug: {args.file} is not a PDF", file=sys.stderr)
            return 2
        try:
            images = pdf_debug.draw(Path(args.file), Path(args.pdf_debug))
        except UnreadableFile as exc:
            print(f"--pdf-debug: {exc}", file=sys.stderr)
            return 1
        print(f"\npdf debug: {len(images)} table page(s) drawn (red: ruled cells, blue: words read by position)")
        for image in images:
            print(f"  {image}")
    return code


def cmd_dev(args: argparse.Namespace) -> int:
    """`dagster dev` from the repo root on the instance the CLI uses (with its config)."""
    dagster_home()
    os.chdir(REPO)
    dagster = Path(sys.executable).with_name("dagster")
    os.execv(dagster, [str(dagster), "dev", *args.dagster_args])  # e.g. `gongkai dev -p 3001`
    return 0  # not reached: execv replaces this process


def cmd_export(args: argparse.Namespace) -> int:
    """Write the warehouse's analyst tables as Parquet, CSV or XLSX (pipeline/export.py)."""
    from pipeline.export import ExportError, export

    try:
        done = export(Path(args.warehouse), Path(args.directory), args.format)
    except ExportError as error:
        print(f"gongkai export: {error}", file=sys.stderr)
        return 1
    print(f"gongkai export: {len(done.rows)} tables as {done.format} in {done.directory.resolve()}")
    for table, rows in done.rows.items():
        print(f"  {table:<32} {rows:>9} rows  {done.paths[table]}")
    return 0


def cmd_compact(args: argparse.Namespace) -> int:
    """Rewrite many small batch files into one per table and delete the retired files past their
    grace period (pipeline/warehouse.py ``compact``)."""
    from datetime import timedelta

    from pipeline import warehouse

    published = Path(args.warehouse).resolve()
    if not published.exists():
        print(f"gongkai compact: no warehouse at {published}", file=sys.stderr)
        return 1
    keep = warehouse.KEEP_RETIRED if args.keep_retired_days is None else timedelta(days=args.keep_retired_days)
    done = warehouse.compact(
        published,
        min_files=args.min_files,
        keep_retired=keep,
        on_wait=lambda message: print(f"gongkai compact: {message}", file=sys.stderr),
    )
    if not done.tables:
        print(f"gongkai compact: no table is read from {args.min_files} batch files or more: nothing rewritten")
    for table, (files, rows) in done.tables.items():
        print(f"  {table:<32} {files:>6} files -> 1  ({rows} rows, batch {done.batch})")
    print(
        f"gongkai compact: {len(done.collected)} retired batch files deleted "
        f"(kept: those retired less than {keep / timedelta(days=1):g} days ago)"
    )
    return 0


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
    p.add_argument(
        "--rehash",
        action="store_true",
        help="hash every file: also notice a file whose content changed with its size and mtime kept",
    )
    p.add_argument("--quiet", action="store_true", help="no progress on stderr (a bar on a terminal, else lines)")
    keep_help = "delete batch files that stopped counting at least this long ago (default 7: readers of older catalogs)"
    p.add_argument("--keep-retired-days", type=float, help=keep_help)
    p.set_defaults(func=cmd_ingest)
    p = sub.add_parser("show", help="parse one file and print what was read and each check, without the warehouse")
    p.add_argument("file")
    p.add_argument(
        "--pdf-debug",
        metavar="DIR",
        nargs="?",
        const="pdf-debug",
        help="also write an image of each table page with the cells the reader found (default DIR: ./pdf-debug)",
    )
    p.set_defaults(func=cmd_show)
    p = sub.add_parser("export", help="write facts, dimensions, reports and dq_results as Parquet, CSV or XLSX")
    p.add_argument("--format", choices=("parquet", "csv", "xlsx"), default="parquet")
    p.add_argument("--warehouse", default="warehouse/gongkai.duckdb")
    p.add_argument("directory", help="folder to write (replaced when it is empty or an earlier export)")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("compact", help="rewrite the warehouse's many small batch files into one per table")
    p.add_argument("--warehouse", default="warehouse/gongkai.duckdb")
    p.add_argument("--min-files", type=int, default=2, help="rewrite a table read from at least this many files")
    p.add_argument("--keep-retired-days", type=float, help=keep_help)
    p.set_defaults(func=cmd_compact)
    p = sub.add_parser("suites", help="regenerate expectations/*.json from the form definition")
    p.set_defaults(func=cmd_suites)
    p = sub.add_parser("dev", help="`dagster dev` on .dagster/ (DAGSTER_HOME) with dagster.yaml's run limits")
    p.set_defaults(func=cmd_dev)
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "dev":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.dagster_args = extra  # `gongkai dev` passes the rest on to `dagster dev`
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
