"""Assets for the ingest stages: scan -> stage (parse) -> [arithmetic check] -> warehouse (gate + publish).

The stage is a graph of steps (``staged_reports``): the batch is cut into shards, each parsed
by a step of its own into Parquet files (``pipeline.shards``), which any executor may run side
by side (multiprocess, dagster-k8s, dagster-celery), and one step loads them all into the
run's private build file (see pipeline.warehouse). State between steps lives in those files;
the steps pass only small descriptions of them (paths, lists of files). The check is blocking:
if the suites cannot run at all, nothing is published. Reports that fail the arithmetic are not a failed run: the check
reports them (severity WARN) and the gate quarantines them.

A run with nothing to do costs what Dagster costs: the first step removes what killed runs left
(``warehouse.remove_stale_builds``, ``runs.fail_dead_runs``) and scans by stat (``ingest.scan``);
the shard plan then has no shard, the staging step no output, and Dagster skips the check, the gate and the dashboard
(no Data Docs or pages are rebuilt). The gate (``pipeline.load``), the suites and the dashboard import pandas, Great
Expectations or the readers, so they are imported inside the steps that use them; that is also
why the gate's and the dashboard's outputs carry no type annotation (it would import them here).
"""

import logging
import os
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

import dagster as dg

from assets import runs
from assets.settings import GongkaiSettings, WarehouseWriter
from pipeline import batches, file_rows, ingest, shards, warehouse
from pipeline.dashboard.markdown import markdown_text as md
from pipeline.progress import Progress

# Everything that writes the warehouse runs one at a time: the pool (limit 1, granularity 'run'
# in dagster.yaml) and the run tag (a run-queue limit of 1) keep `dagster dev` from launching a
# second run, and the ``WarehouseWriter`` lock every run holds also covers `gongkai ingest`.
POOL = "gongkai_warehouse"
WRITER_TAG = ("gongkai/writes", "warehouse")


def cpu_seconds(who: int | None = None) -> float:
    """CPU seconds (user + system) of this process and its reaped children so far (or of
    ``who``, ``resource.RUSAGE_SELF`` or ``RUSAGE_CHILDREN``, alone): on a shared machine a
    step's CPU time moves less than its wall time (the bench reads ``*_cpu_s``)."""
    if who is not None:
        usage = resource.getrusage(who)
        return usage.ru_utime + usage.ru_stime
    return cpu_seconds(resource.RUSAGE_SELF) + cpu_seconds(resource.RUSAGE_CHILDREN)


def peak_rss_mb() -> int:
    """This process's peak resident memory so far (each step records it: the step that raised
    it is the first whose figure is the run's peak)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


class _NoOpCheckNotice(logging.Filter):
    """Drops Dagster's notice that the blocking check "emitted no result" and the warehouse
    "will proceed without gating on it": the check has no result exactly when the staging
    step had no output, and then the warehouse step is skipped too, so on every no-op run
    the notice would print, and say the opposite of what happens."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Blocking asset check 'staged_reports:statutory_arithmetic'")


logging.getLogger("dagster._core.execution.plan.active").addFilter(_NoOpCheckNotice())


@dataclass(frozen=True)
class StagedBatch:
    """A run's staged, not yet published, batch."""

    run_id: str
    build: warehouse.Build
    counts: dict[str, int] = field(default_factory=dict)


@dg.asset(group_name="ingest", description="Raw report files that are new or changed since the last ingest.")
def raw_report_files(
    context: dg.AssetExecutionContext, settings: GongkaiSettings, writer: WarehouseWriter
) -> ingest.Scan:
    """Scanned only once this run holds the writer lock: after any run before it published.
    Holding it, no other writer is alive: what killed runs left behind is cleared first."""
    dead = runs.fail_dead_runs(context.instance, context.run_id)
    stale = warehouse.remove_stale_builds(settings.warehouse_path, keep_runs=runs.runs_in_progress(context.instance))
    for path in stale:
        context.log.warning(f"removed {path.name}, left behind by a run that is no longer alive")
    for run_id in dead:
        context.log.warning(f"run {run_id} had died without ending: marked failed")
    started = time.perf_counter()
    scan = ingest.scan(settings.raw_path, settings.warehouse_path, rehash=settings.rehash)
    context.add_output_metadata(
        {
            "waited_for_other_run_s": round(writer.waited_seconds, 1),
            "scan_s": round(time.perf_counter() - started, 3),
            "stale_build_files_removed": len(stale),
            "dead_runs_marked_failed": dg.MetadataValue.json(dead),
            "raw_dir": str(settings.raw_path),
            "files_seen": len(scan.to_process) + len(scan.unchanged),
            "to_process": len(scan.to_process),
            "unchanged_skipped": len(scan.unchanged),
            "agency_overrides_changed": scan.overrides_changed,
        }
    )
    return scan


@dg.op(out=dg.DynamicOut(), description="Cut the batch into shards of `shard_files` files (none on a no-op).")
def plan_shards(context: dg.OpExecutionContext, settings: GongkaiSettings, raw_report_files: ingest.Scan):
    """No shard when there is nothing to do: then no shard is parsed, ``stage_shards`` has no
    output and Dagster skips every later step (no build copy, no validation, no Data Docs, no
    dashboard), and the no-op run records a few events instead of fifty; its scan's metadata
    says what it found. Otherwise at least one shard, empty when no content is new (the folder's
    files still need their rows)."""
    present = [*raw_report_files.to_process, *raw_report_files.unchanged]  # every file: each gets a reports row
    if not raw_report_files.needs_load and not file_rows.files_changed(settings.warehouse_path, present):
        context.log.info("nothing to stage: every file is unchanged; the later steps are skipped")
        return
    directory = shards.run_dir(settings.warehouse_path, context.run_id)
    now = datetime.now(UTC).replace(tzinfo=None)
    for shard in shards.plan(raw_report_files.to_process, settings.shard_files, directory, context.run_id, now):
        yield dg.DynamicOutput(shard, mapping_key=f"shard_{shard.index:04d}")


@dg.op(description="Parse one shard's files and write its staging tables as Parquet (shared staging folder).")
def parse_shard(context: dg.OpExecutionContext, settings: GongkaiSettings, shard: shards.Shard) -> shards.Written:
    """Progress goes to the run log and, from the CLI, to its stderr; memory holds one chunk's
    parsed reports and rows whatever the shard's size."""
    cpu, workers_cpu = cpu_seconds(), cpu_seconds(resource.RUSAGE_CHILDREN)
    with _progress_stream(settings.progress_fd) as stream:
        progress = Progress(len(shard.files), stream=stream, log=context.log.info)
        written = shards.write(
            shard, settings.workers or None, settings.limits, settings.stage_chunk, on_progress=progress.at
        )
    context.add_output_metadata(
        {
            **written.counts,
            **written.seconds,
            "parse_shard_cpu_s": round(cpu_seconds() - cpu, 3),
            # the forked readers' read + recognize; the rest is this process staging their rows
            "parse_workers_cpu_s": round(cpu_seconds(resource.RUSAGE_CHILDREN) - workers_cpu, 3),
            "peak_rss_mb": peak_rss_mb(),
            "shard": written.directory,
        }
    )
    return written


@dg.op(
    out=dg.Out(is_required=False),
    pool=POOL,
    description="Load every shard's Parquet into the staging tables of this run's build file.",
)
def stage_shards(
    context: dg.OpExecutionContext,
    settings: GongkaiSettings,
    writer: WarehouseWriter,
    raw_report_files: ingest.Scan,
    written: list[shards.Written],
) -> Iterator[dg.Output[StagedBatch]]:
    """No output when ``plan_shards`` made no shard (a no-op: Dagster runs this step on an empty
    collection, and skips every later one)."""
    if not written:
        return
    present = [*raw_report_files.to_process, *raw_report_files.unchanged]
    build = warehouse.start_build(settings.warehouse_path, context.run_id)
    try:
        t0, cpu = time.perf_counter(), cpu_seconds()
        counts = shards.load(build, written, context.run_id)
        with warehouse.connect(build.path) as con:
            file_rows.stage_files(con, present)
        load_s, load_cpu_s = round(time.perf_counter() - t0, 3), round(cpu_seconds() - cpu, 3)
    except BaseException:
        warehouse.discard(build)
        raise
    finally:
        shards.remove(settings.warehouse_path, context.run_id)
    seconds = {k: round(sum(w.seconds.get(k, 0.0) for w in written), 3) for k in ("parse_s", "stage_s", "parquet_s")}
    yield dg.Output(
        StagedBatch(context.run_id, build, counts),
        metadata={
            **counts,
            **seconds,
            "shards": len(written),
            "load_shards_s": load_s,
            "load_shards_cpu_s": load_cpu_s,
            "peak_rss_mb": peak_rss_mb(),
            "build_file": str(build.path),
        },
    )


@dg.graph_asset(
    group_name="ingest",
    description="Parsed reports in long format, in the staging tables of this run's build file, parsed in "
    "shards that Dagster runs as separate steps (not materialized when nothing changed: the check, the "
    "warehouse and the dashboard are then skipped).",
)
def staged_reports(raw_report_files):
    written = plan_shards(raw_report_files).map(parse_shard)
    return stage_shards(raw_report_files, written.collect())


@contextmanager
def _progress_stream(fd: int) -> Iterator[TextIO | None]:
    """A text stream on the CLI's stderr descriptor (``GongkaiSettings.progress_fd``), or None."""
    if fd < 0:
        yield None
        return
    with os.fdopen(os.dup(fd), "w", encoding="utf-8") as stream:
        yield stream


@dg.asset_check(
    asset=staged_reports,
    blocking=True,
    description="Great Expectations suites (expectations/*.json): the statutory arithmetic of FORM.md.",
)
def statutory_arithmetic(
    settings: GongkaiSettings, writer: WarehouseWriter, staged_reports: StagedBatch
) -> dg.AssetCheckResult:
    """Blocking failures quarantine tables; warnings (narrative, plausibility, missing
    tables) are recorded only. The metadata names the worst offenders and links the docs."""
    from pipeline import dashboard
    from pipeline.quality import validate

    started, cpu = time.perf_counter(), cpu_seconds()
    docs_dir = dashboard.docs_dir_for(settings.warehouse_path)
    with warehouse.connect(staged_reports.build.path) as con:

        def write(rows: list[dict]) -> None:  # each chunk's results as they come: memory holds one chunk's
            warehouse.record_results(con, rows)

        outcome = validate.run(con, staged_reports.run_id, docs_dir=docs_dir, sink=write)
        names = dict(con.execute("SELECT report_id, source_file FROM stg_reports").fetchall())
    seconds = round(time.perf_counter() - started, 3)

    def offenders(found: dict[tuple[str, str], list[str]]) -> str:
        ranked = sorted(found.items(), key=lambda kv: (-len(kv[1]), names.get(kv[0][0], kv[0][0])))[:10]
        lines = [f"- **{md(names.get(r, r))}** ({t}, {len(d)}): {md(d[0])}" for (r, t), d in ranked]
        return "\n".join(lines) or "none"

    return dg.AssetCheckResult(
        passed=not outcome.blocking,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            **outcome.summary(),
            "validate_s": seconds,
            "validate_cpu_s": round(cpu_seconds() - cpu, 3),
            "peak_rss_mb": peak_rss_mb(),
            "warnings": sum(len(v) for v in outcome.warnings.values()),
            "reports_with_warnings": len({k[0] for k in outcome.warnings}),
            "blocking_failures": dg.MetadataValue.md(offenders(outcome.blocking)),
            "warning_offenders": dg.MetadataValue.md(offenders(outcome.warnings)),
            "data_docs": dg.MetadataValue.url(dashboard.docs_index_for(settings.warehouse_path).as_uri()),
            "dashboard": dg.MetadataValue.url(dashboard.site_index_for(settings.warehouse_path).as_uri()),
        },
    )


@dg.asset(
    name="warehouse",
    group_name="ingest",
    pool=POOL,
    description="The published DuckDB warehouse: facts of tables that passed, quarantine, reports, dq_results.",
)
def warehouse_tables(
    context: dg.AssetExecutionContext, settings: GongkaiSettings, writer: WarehouseWriter, staged_reports: StagedBatch
):  # -> load.LoadSummary
    """Gate the staged batch into this run's batch files and publish the catalog that names them
    (``pipeline.batches``); returns the gate's ``LoadSummary``."""
    from pipeline import load

    batch = staged_reports

    try:
        t0, cpu0 = time.perf_counter(), cpu_seconds()
        with warehouse.connect(batch.build.path) as con:
            summary = load.load(con, batch.run_id)
            cells = batches.run_rows(con, batch.run_id)  # this run's batch files: what it added
        t1, cpu1 = time.perf_counter(), cpu_seconds()
        collected = warehouse.publish(batch.build, settings.keep_retired)
    except BaseException:
        warehouse.discard(batch.build)
        raise
    context.add_output_metadata(
        {
            "warehouse": str(batch.build.published),
            "gate_s": round(t1 - t0, 3),
            "publish_s": round(time.perf_counter() - t1, 3),
            "batch_cells": dg.MetadataValue.json(cells),
            "retired_batch_files_deleted": len(collected),
            "gate_cpu_s": round(cpu1 - cpu0, 3),
            "publish_cpu_s": round(cpu_seconds() - cpu1, 3),
            "peak_rss_mb": peak_rss_mb(),
            "files": summary.files,
            **{f"status_{k}": v for k, v in sorted(summary.statuses.items())},
            "problems": dg.MetadataValue.md(
                "\n".join(f"- {md(f)}: {s}: {md(r)}" for f, s, r in summary.problems) or "none"
            ),
        }
    )
    return summary


@dg.asset(
    group_name="ingest",
    ins={"warehouse_tables": dg.AssetIn("warehouse")},
    description="Static data-quality dashboard (reports, quarantine, warnings, pass rates, per-report detail), "
    "rebuilt from the published warehouse by every run that published; it links the GX Data Docs the check builds.",
)
def dq_dashboard(context: dg.AssetExecutionContext, settings: GongkaiSettings, warehouse_tables):  # -> Site | None
    """Runs only after a publication (a run that changed nothing skips it: the pages would
    come out the same); draws the report pages whose content changed, and the summary."""
    from pipeline import dashboard

    if not settings.warehouse_path.exists():
        context.add_output_metadata({"built": False})
        return None
    started, cpu = time.perf_counter(), cpu_seconds()
    site = dashboard.build(settings.warehouse_path)
    docs = dashboard.docs_index_for(settings.warehouse_path)
    context.add_output_metadata(
        {
            "dashboard": dg.MetadataValue.url(site.index.as_uri()),
            "dashboard_path": dg.MetadataValue.path(str(site.index)),
            "data_docs": dg.MetadataValue.url(docs.as_uri()) if docs.exists() else "not built yet",
            "reports": site.reports,
            "pages_drawn": site.drawn,  # the others carried over unchanged from the site it replaced
            "runs": site.runs,
            "dashboard_s": round(time.perf_counter() - started, 3),
            "dashboard_cpu_s": round(cpu_seconds() - cpu, 3),
            "peak_rss_mb": peak_rss_mb(),
        }
    )
    return site


def raw_dir_fingerprint(raw_dir: Path) -> str:
    """Changes whenever a file is added, removed, or modified in the raw folder."""
    import hashlib

    digest = hashlib.sha256()
    for path in ingest.list_raw(raw_dir):
        st = path.stat()
        digest.update(f"{path.relative_to(raw_dir)}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()
