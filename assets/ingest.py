"""Assets for the ingest stages: scan -> stage (parse) -> [arithmetic check] -> warehouse (gate + publish).

State between steps lives in the run's private build file (see pipeline.warehouse); the
assets pass only small descriptions of it. The check is blocking: if the suites cannot run at
all, nothing is published. Reports that fail the arithmetic are not a failed run: the check
reports them (severity WARN) and the gate quarantines them.
"""

from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import pandas as pd

from assets.settings import GongkaiSettings, WarehouseWriter
from pipeline import dashboard, ingest, load, warehouse
from pipeline.quality import validate

# Everything that writes the warehouse runs one at a time: the pool (limit 1, granularity 'run'
# in dagster.yaml) and the run tag (a run-queue limit of 1) keep `dagster dev` from launching a
# second run, and the ``WarehouseWriter`` lock every run holds also covers `gongkai ingest`.
POOL = "gongkai_warehouse"
WRITER_TAG = ("gongkai/writes", "warehouse")


@dataclass(frozen=True)
class StagedBatch:
    """A run's staged, not yet published, batch."""

    run_id: str
    build: warehouse.Build | None
    counts: dict[str, int] = field(default_factory=dict)


@dg.asset(group_name="ingest", description="Raw report files that are new or changed since the last ingest.")
def raw_report_files(
    context: dg.AssetExecutionContext, settings: GongkaiSettings, writer: WarehouseWriter
) -> ingest.Scan:
    """Scanned only once this run holds the writer lock: after any run before it published."""
    scan = ingest.scan(settings.raw_path, settings.warehouse_path)
    context.add_output_metadata(
        {
            "waited_for_other_run_s": round(writer.waited_seconds, 1),
            "raw_dir": str(settings.raw_path),
            "files_seen": len(scan.to_process) + len(scan.unchanged),
            "to_process": len(scan.to_process),
            "unchanged_skipped": len(scan.unchanged),
            "agency_overrides_changed": scan.overrides_changed,
        }
    )
    return scan


@dg.asset(
    group_name="ingest",
    pool=POOL,
    description="Parsed reports in long format, in the staging tables of this run's build file.",
)
def staged_reports(
    context: dg.AssetExecutionContext, settings: GongkaiSettings, raw_report_files: ingest.Scan
) -> StagedBatch:
    if not raw_report_files.needs_load:
        context.add_output_metadata({"files": 0})
        return StagedBatch(context.run_id, None)
    build = warehouse.start_build(settings.warehouse_path, context.run_id)
    try:
        results = ingest.parse_files(raw_report_files.to_process, settings.workers or None)
        counts = ingest.stage(build, results, context.run_id)
    except BaseException:
        warehouse.discard(build)
        raise
    context.add_output_metadata({**counts, "build_file": str(build.path)})
    return StagedBatch(context.run_id, build, counts)


@dg.asset_check(
    asset=staged_reports,
    blocking=True,
    description="Great Expectations suites (expectations/*.json): the statutory arithmetic of FORM.md.",
)
def statutory_arithmetic(settings: GongkaiSettings, staged_reports: StagedBatch) -> dg.AssetCheckResult:
    """Blocking failures quarantine tables; warnings (narrative, plausibility, missing
    tables) are recorded only. The metadata names the worst offenders and links the docs."""
    if staged_reports.build is None:
        return dg.AssetCheckResult(passed=True, metadata={"reports": 0})
    docs_dir = dashboard.docs_dir_for(settings.warehouse_path)
    with warehouse.connect(staged_reports.build.path) as con:
        outcome = validate.run(con, staged_reports.run_id, docs_dir=docs_dir)
        warehouse.insert_frame(con, "dq_results", pd.DataFrame(outcome.dq_rows))
        names = dict(con.execute("SELECT report_id, source_file FROM stg_reports").fetchall())

    def offenders(found: dict[tuple[str, str], list[str]]) -> str:
        ranked = sorted(found.items(), key=lambda kv: (-len(kv[1]), names.get(kv[0][0], kv[0][0])))[:10]
        lines = [f"- **{names.get(r, r)}** ({t}, {len(d)}): {d[0]}" for (r, t), d in ranked]
        return "\n".join(lines) or "none"

    return dg.AssetCheckResult(
        passed=not outcome.blocking,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            **outcome.summary(),
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
def warehouse_tables(context: dg.AssetExecutionContext, staged_reports: StagedBatch) -> load.LoadSummary:
    batch = staged_reports
    if batch.build is None:
        context.add_output_metadata({"files": 0, "published": False})
        return load.LoadSummary()
    try:
        with warehouse.connect(batch.build.path) as con:
            summary = load.load(con, batch.run_id)
        warehouse.publish(batch.build)
    except BaseException:
        warehouse.discard(batch.build)
        raise
    context.add_output_metadata(
        {
            "warehouse": str(batch.build.published),
            "files": summary.files,
            **{f"status_{k}": v for k, v in sorted(summary.statuses.items())},
            "problems": dg.MetadataValue.md("\n".join(f"- {f}: {s}: {r}" for f, s, r in summary.problems) or "none"),
        }
    )
    return summary


@dg.asset(
    group_name="ingest",
    ins={"warehouse_tables": dg.AssetIn("warehouse")},
    description="Static data-quality dashboard (reports, quarantine, warnings, pass rates, per-report detail), "
    "built from the published warehouse at every run; it links the GX Data Docs the check builds.",
)
def dq_dashboard(
    context: dg.AssetExecutionContext, settings: GongkaiSettings, warehouse_tables: load.LoadSummary
) -> dashboard.Site | None:
    if not settings.warehouse_path.exists():
        context.add_output_metadata({"built": False})
        return None
    site = dashboard.build(settings.warehouse_path)
    docs = dashboard.docs_index_for(settings.warehouse_path)
    context.add_output_metadata(
        {
            "dashboard": dg.MetadataValue.url(site.index.as_uri()),
            "dashboard_path": dg.MetadataValue.path(str(site.index)),
            "data_docs": dg.MetadataValue.url(docs.as_uri()) if docs.exists() else "not built yet",
            "reports": site.reports,
            "runs": site.runs,
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
