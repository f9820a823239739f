"""Parsed reports typed by hand, and the pipeline below the reader (stage, validate, gate,
publish) run on them exactly as the Dagster job runs it.

For layouts the text reader does not read (yet): a 2021 table printing （六）其他处理 as one row,
local subtotal rows, reader notes. The numbers are those of
data/raw/006_constructed_2021_tangyin_county.txt, which satisfy every equation of the form.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb

from pipeline import form, ingest, load, warehouse
from pipeline.parse.model import Cell, ParsedReport, TableRead
from pipeline.quality import validate

Z = (0, 0, 0, 0, 0, 0, 0)
# Table 三 of 006, by outcome: 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计
APPLICATIONS_2021: dict[str, tuple[int | str, ...]] = {
    "new_received": (34, 4, 0, 1, 2, 0, 41),
    "carried_over": (1, 0, 0, 0, 0, 0, 1),
    "granted": (13, 2, 0, 1, 0, 0, 16),
    "partially_granted": (3, 1, 0, 0, 0, 0, 4),
    "withheld_state_secret": Z,
    "withheld_prohibited_by_law": Z,
    "withheld_three_securities_one_stability": Z,
    "withheld_third_party_rights": (1, 0, 0, 0, 0, 0, 1),
    "withheld_internal_affairs": Z,
    "withheld_process_information": (2, 0, 0, 0, 0, 0, 2),
    "withheld_enforcement_files": Z,
    "withheld_administrative_query": (1, 0, 0, 0, 0, 0, 1),
    "unable_not_held": (6, 1, 0, 0, 1, 0, 8),
    "unable_needs_creation": (2, 0, 0, 0, 0, 0, 2),
    "unable_still_unclear": (1, 0, 0, 0, 0, 0, 1),
    "not_processed_complaint": (2, 0, 0, 0, 0, 0, 2),
    "not_processed_repeated": (1, 0, 0, 0, 0, 0, 1),
    "not_processed_publication": Z,
    "not_processed_excessive": Z,
    "not_processed_confirmation": Z,
    "other_no_correction": (1, 0, 0, 0, 1, 0, 2),
    "other_fee_unpaid": Z,
    "other_other": Z,
    "handled_total": (33, 4, 0, 1, 2, 0, 40),
    "carried_forward": (2, 0, 0, 0, 0, 0, 2),
}
PROACTIVE_2021 = {
    ("regulation", "issued"): "0",
    ("regulation", "repealed"): "0",
    ("regulation", "in_force"): "0",
    ("normative_document", "issued"): "5",
    ("normative_document", "repealed"): "2",
    ("normative_document", "in_force"): "44",
    ("administrative_license", "decisions"): "3105",
    ("administrative_penalty", "decisions"): "1012",
    ("administrative_coercion", "decisions"): "19",
    ("administrative_fee", "fee_amount"): "1486.2350",
}
REVIEW = {
    "administrative_review": (3, 1, 0, 0, 4),
    "litigation_direct": (1, 0, 1, 1, 3),
    "litigation_after_review": Z[:5],
}


def _cell(row: str, col: str, printed: int | str, where: str) -> Cell:
    raw = str(printed)
    number = Decimal(raw) if raw and raw.lstrip("-").replace(".", "").isdigit() else None
    return Cell(row, col, raw, number, where)


def report_2021(
    applications: dict[str, tuple[int | str, ...]],
    agency: str = "汤阴县人民政府",
    year: int = 2021,
    warnings: dict[str, list[str]] | None = None,
) -> ParsedReport:
    """A 2021-template report whose table 三 holds exactly ``applications`` (rows in the given order)."""
    cols = [m.code for m in form.APPLICANT_TYPES]
    apps = [
        _cell(row, col, v, f"row {i} col {j}")
        for i, (row, values) in enumerate(applications.items(), 1)
        for j, (col, v) in enumerate(zip(cols, values, strict=True), 1)
    ]
    proactive = [_cell(r, c, v, f"row {i}") for i, ((r, c), v) in enumerate(PROACTIVE_2021.items(), 1)]
    results = [m.code for m in form.RESULTS]
    review = [
        _cell(p, r, v, f"col {j}")
        for i, (p, values) in enumerate(REVIEW.items())
        for j, (r, v) in enumerate(zip(results, values, strict=True), 5 * i + 1)
    ]
    warnings = warnings or {}
    tables = {
        "applications": TableRead("applications", apps, warnings=warnings.get("applications", [])),
        "proactive_disclosure": TableRead(
            "proactive_disclosure", proactive, warnings=warnings.get("proactive_disclosure", [])
        ),
        "review_litigation": TableRead("review_litigation", review, warnings=warnings.get("review_litigation", [])),
    }
    title = f"{agency}{year}年政府信息公开工作年度报告"
    return ParsedReport(title, agency, year, "2021", tables)


def run_parsed(tmp_path: Path, reports: dict[str, ParsedReport]) -> Path:
    """Stage, validate, gate and publish ``reports`` (file name -> report) as one run of the
    ingest job (assets/ingest.py), below the reader. Returns the published warehouse."""
    published = tmp_path / "gongkai.duckdb"
    run_id = "run-" + hashlib.sha256(repr(sorted(reports)).encode()).hexdigest()[:8]
    now = datetime.now(UTC).replace(tzinfo=None)
    results = [
        ingest.FileResult(
            ingest.RawFile(name, str(tmp_path / name), hashlib.sha256(name.encode()).hexdigest(), 1, now), parsed
        )
        for name, parsed in reports.items()
    ]
    build = warehouse.start_build(published, run_id)
    ingest.stage(build, results, run_id)
    with warehouse.connect(build.path) as con:
        outcome = validate.run(con, run_id)
        warehouse.record_results(con, outcome.dq_rows)
        load.load(con, run_id)
    warehouse.publish(build)
    return published


def report_id(name: str) -> str:
    """The report_id ``run_parsed`` gives the file ``name``."""
    return hashlib.sha256(name.encode()).hexdigest()


def checks(con: duckdb.DuckDBPyConnection, name: str) -> list[tuple[str, str, str | None, str, bool, str | None]]:
    """(suite, expectation, table_name, severity, success, details) of every check recorded for ``name``."""
    return con.execute(
        "SELECT suite, expectation, table_name, severity, success, details FROM dq_results WHERE report_id = ? "
        "ORDER BY suite, expectation, table_name",
        [report_id(name)],
    ).fetchall()
