"""Dagster Definitions: `dagster dev` from the repo root loads this module (pyproject [tool.dagster])."""

import dagster as dg

from assets.ingest import (
    WRITER_TAG,
    dq_dashboard,
    raw_dir_fingerprint,
    raw_report_files,
    staged_reports,
    statutory_arithmetic,
    warehouse_tables,
)
from assets.settings import GongkaiSettings, WarehouseWriter

ingest_job = dg.define_asset_job(
    "ingest",
    selection=dg.AssetSelection.assets(raw_report_files, staged_reports, warehouse_tables, dq_dashboard),
    executor_def=dg.in_process_executor,  # one process: the WarehouseWriter lock spans the whole run
    tags=dict([WRITER_TAG]),  # dagster.yaml's run queue starts one such run at a time
    description="Scan data/raw, parse new or changed files, validate, publish the warehouse, build the dashboard.",
)

nightly_ingest = dg.ScheduleDefinition(
    name="nightly_ingest",
    job=ingest_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


@dg.sensor(job=ingest_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def raw_files_sensor(context: dg.SensorEvaluationContext, settings: GongkaiSettings) -> dg.SensorResult:
    """Start an ingest when files in the raw folder are added or changed."""
    fingerprint = raw_dir_fingerprint(settings.raw_path)
    if fingerprint == context.cursor:
        return dg.SensorResult(skip_reason="no change in the raw folder")
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=fingerprint)], cursor=fingerprint)


def make_definitions(settings: GongkaiSettings | None = None) -> dg.Definitions:
    """The project's definitions; the CLI and tests pass their own paths."""
    settings = settings or GongkaiSettings()
    return dg.Definitions(
        assets=[raw_report_files, staged_reports, warehouse_tables, dq_dashboard],
        asset_checks=[statutory_arithmetic],
        jobs=[ingest_job],
        schedules=[nightly_ingest],
        sensors=[raw_files_sensor],
        resources={"settings": settings, "writer": WarehouseWriter(warehouse=settings.warehouse)},
    )


defs = make_definitions()
