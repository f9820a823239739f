"""The pandas frames the suites validate, pulled from the staging tables of one batch.

GX's SQL datasource on DuckDB fails silently today (great_expectations #10738, #11579), so
every suite runs on a pandas frame. Tables that could not be read are
already quarantined (``stg_problems``) and are left out. Blank cells count as 0 in the equations (FORM.md).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from pipeline import form
from pipeline.normalize import TABLE_COLUMNS, cell_kind


def staging(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    """Staged cells of ``table`` that were read without problems."""
    return con.execute(
        f"SELECT * FROM stg_{table} s WHERE NOT EXISTS (SELECT 1 FROM stg_problems p "
        "WHERE p.report_id = s.report_id AND p.table_name = ?)",
        [table],
    ).df()


def _wide(long: pd.DataFrame, index_name: str, pivot_on: str, columns: list[str]) -> pd.DataFrame:
    """One row per report and ``index_name`` member, one column per ``pivot_on`` member."""
    if long.empty:
        return pd.DataFrame(columns=["report_id", index_name, *columns])
    long = long.assign(number=long["number"].astype("float64").fillna(0.0))
    wide = long.pivot_table(index=["report_id", index_name], columns=pivot_on, values="number", aggfunc="sum")
    wide = wide.reindex(columns=columns).fillna(0.0).reset_index()
    wide.columns.name = None
    return wide


def build(con: duckdb.DuckDBPyConnection, frame: str, template: str | None) -> pd.DataFrame:
    """The named frame over every staged report (of ``template``, when given)."""
    if frame == "cells":
        parts = []
        for table in TABLE_COLUMNS:
            df = staging(con, table)
            df = df[df["number"].notna()]
            parts.append(
                pd.DataFrame(
                    {
                        "report_id": df["report_id"],
                        "table_name": table,
                        "row_code": df["row_code"],
                        "col_code": df["col_code"],
                        "number": df["number"].astype("float64"),
                        "number_text": df["number_text"],
                        "kind": [cell_kind(table, c) for c in df["col_code"]],
                    }
                )
            )
        return pd.concat(parts, ignore_index=True)
    if frame.startswith("applications"):
        long = staging(con, "applications")
        if template is not None:
            long = long[long["template"] == template]
        long = long.rename(columns={"row_code": "outcome", "col_code": "applicant_type"})
        if frame == "applications_by_applicant":
            outcomes = [m.code for m in form.TEMPLATES[template or "2021"].value_rows]
            return _wide(long, "applicant_type", "outcome", outcomes)
        return _wide(long, "outcome", "applicant_type", [m.code for m in form.APPLICANT_TYPES])
    if frame == "review_litigation_by_proceeding":
        long = staging(con, "review_litigation").rename(columns={"row_code": "proceeding", "col_code": "result"})
        return _wide(long, "proceeding", "result", [m.code for m in form.RESULTS])
    raise ValueError(f"unknown frame {frame!r}")
