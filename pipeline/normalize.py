"""ParsedReport -> long-format frames, one row per printed cell, shaped like the staging tables.

The same frames later become fact rows (tables that pass) or quarantine rows (tables that
fail), so the two always have the same content.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from pipeline import form
from pipeline.parse.model import Cell, ParsedReport

# table -> (row dimension column, column dimension column, number column)
TABLE_COLUMNS: dict[str, tuple[str, str, str]] = {
    "applications": ("outcome", "applicant_type", "count"),
    "proactive_disclosure": ("item", "measure", "value"),
    "review_litigation": ("proceeding", "result", "count"),
}
STAGING_COLUMNS = (
    "report_id",
    "agency_id",
    "year",
    "template",
    "row_code",
    "col_code",
    "number",
    "number_text",
    "raw",
    "source_page",
    "source_where",
)


@dataclass(frozen=True)
class Staged:
    """One report's cells in staging shape, per table."""

    report_id: str
    frames: dict[str, pd.DataFrame]
    numbers_hash: str


def cell_kind(table: str, col: str) -> str:
    """Value rule of a cell: applications and review cells are counts; proactive cells
    follow their measure (count, signed_count or amount)."""
    if table == "proactive_disclosure":
        return form.MEASURES_BY_CODE[col].kind
    return "count"


def to_frames(report_id: str, agency_id: str, parsed: ParsedReport) -> Staged:
    """Every cell read from every table, in staging shape (also for tables with problems:
    the quarantine shows a person what was read)."""
    frames = {name: _frame(report_id, agency_id, parsed, parsed.tables[name].cells) for name in form.TABLES}
    return Staged(report_id, frames, numbers_hash(parsed))


def _frame(report_id: str, agency_id: str, parsed: ParsedReport, cells: Iterable[Cell]) -> pd.DataFrame:
    rows = [
        {
            "report_id": report_id,
            "agency_id": agency_id,
            "year": parsed.year,
            "template": parsed.template,
            "row_code": c.row,
            "col_code": c.col,
            "number": c.number,
            "number_text": None if c.number is None else format(c.number, "f"),
            "raw": c.raw,
            "source_page": c.page,
            "source_where": c.where,
        }
        for c in cells
    ]
    frame = pd.DataFrame(rows, columns=list(STAGING_COLUMNS))
    return frame.astype({"year": "int64", "source_page": "Int64"})


def numbers_hash(parsed: ParsedReport) -> str:
    """Fingerprint of every number read, to tell identical copies of a report from re-issues."""
    items = sorted(
        (name, c.row, c.col, "" if c.number is None else format(c.number.normalize(), "f"))
        for name, table in parsed.tables.items()
        for c in table.cells
    )
    return hashlib.sha256(repr(items).encode()).hexdigest()
