"""Dagster Definitions: `dagster dev` from the repo root loads this module (pyproject [tool.dagster])."""

import os

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

EXECUTOR_ENV = "GONGKAI_EXECUTOR"  # default, k8s, celery or celery_k8s: see deployment_executor

ingest_job = dg.define_asset_job(
    "ingest",
    selection=dg.AssetSelection.assets(raw_report_files, staged_reports, warehouse_tables, dq_dashboard),
    # In-process unless the run config says otherwise ({"execution": {"config": {"multiprocess": {}}}}):
    # in one process the WarehouseWriter lock spans the whole run. A cluster sets its executor on
    # the Definitions (``GONGKAI_EXECUTOR``, see ``deployment_executor``) with no change here.
    config={"execution": {"config": {"in_process": {}}}}
    if os.environ.get(EXECUTOR_ENV, "default") == "default"
    else None,
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


def deployment_executor() -> dg.ExecutorDefinition:
    """The executor of the ingest job, named by ``GONGKAI_EXECUTOR``: unset (or ``default``), the
    in-process or multiprocess executor that the run config chooses (in-process by default);
    ``k8s``, one Kubernetes job per step (dagster-k8s); ``celery``, one Celery task per step
    (dagster-celery); ``celery_k8s`` both. Each is configured by the run config's ``execution``
    section; the cluster packages are imported only when named."""
    name = os.environ.get(EXECUTOR_ENV, "default")
    if name == "k8s":
        from dagster_k8s import k8s_job_executor

        return k8s_job_executor
    if name == "celery":
        from dagster_celery import celery_executor

        return celery_executor
    if name == "celery_k8s":
        from dagster_celery_k8s import celery_k8s_job_executor

        return celery_k8s_job_executor
    if name != "default":
        raise ValueError(f"GONGKAI_EXECUTOR={name!r}: expected default, k8s, celery or celery_k8s")
    return dg.multi_or_in_process_executor


def make_definitions(settings: GongkaiSettings | None = None) -> dg.Definitions:
    """The project's definitions; the CLI and tests pass their own paths."""
    settings = settings or GongkaiSettings()
    return dg.Definitions(
        executor=deployment_executor(),
        assets=[raw_report_files, staged_reports, warehouse_tables, dq_dashboard],
        asset_checks=[statutory_arithmetic],
        jobs=[ingest_job],
        schedules=[nightly_ingest],
        sensors=[raw_files_sensor],
        resources={"settings": settings, "writer": WarehouseWriter(warehouse=settings.warehouse)},
    )


defs = make_definitions()
