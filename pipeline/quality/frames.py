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
    if frame in BEYOND_ONE_TABLE:
        return BEYOND_ONE_TABLE[frame](con)
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


def _report_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per parsed report of the batch, with its agency's kind."""
    return con.execute(
        "SELECT r.report_id, r.agency_id, r.year, r.template, coalesce(a.kind, 'other') AS agency_kind "
        "FROM stg_reports r LEFT JOIN dim_agency a USING (agency_id) WHERE r.status = 'staged' ORDER BY r.report_id"
    ).df()


def _totals(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per report (the index): the table numbers the narrative and plausibility checks compare
    with. Summed in DuckDB, so both frames get one small row per report instead of pulling
    three staging tables into pandas each. Tables that could not be read are left out."""

    def read(table: str) -> str:
        return (
            f"stg_{table} s WHERE NOT EXISTS (SELECT 1 FROM stg_problems p "
            f"WHERE p.report_id = s.report_id AND p.table_name = '{table}')"
        )

    return (
        con.execute(
            f"""
            WITH apps AS (
                SELECT report_id, sum(coalesce(number, 0))::DOUBLE AS applications_received
                FROM {read("applications")} AND row_code = 'new_received' AND col_code = 'total' GROUP BY 1
            ), rl AS (
                SELECT report_id,
                    (sum(coalesce(number, 0)) FILTER (row_code = 'administrative_review'))::DOUBLE AS reviews,
                    (sum(coalesce(number, 0)) FILTER (row_code <> 'administrative_review'))::DOUBLE AS lawsuits
                FROM {read("review_litigation")} AND col_code = 'total' GROUP BY 1
            ), fee AS (
                SELECT report_id, any_value(number)::DOUBLE AS fee_amount
                FROM {read("proactive_disclosure")} AND row_code = 'administrative_fee' AND col_code = 'fee_amount'
                GROUP BY 1
            )
            SELECT * FROM apps FULL JOIN rl USING (report_id) FULL JOIN fee USING (report_id)
            """
        )
        .df()
        .set_index("report_id")
    )


def _narrative(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per narrative claim whose table was read: what the prose says, what the table says."""
    claims = con.execute(
        "SELECT report_id, claim, value, quote FROM narrative_claims "
        "WHERE report_id IN (SELECT report_id FROM stg_reports) ORDER BY report_id, claim"
    ).df()
    columns = ["report_id", "claim", "narrative_value", "table_value", "quote"]
    if claims.empty:
        return pd.DataFrame(columns=columns)
    totals = _totals(con)
    claims["narrative_value"] = claims["value"].astype("float64")
    claims["table_value"] = [
        totals.at[r, c] if r in totals.index and pd.notna(totals.at[r, c]) else float("nan")
        for r, c in zip(claims["report_id"], claims["claim"], strict=True)
    ]
    return claims[claims["table_value"].notna()][columns].reset_index(drop=True)


def _plausibility(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per report: the fee amount, new applications, and the agency's earlier loaded years."""
    reports = _report_frame(con)
    history = con.execute(
        "SELECT f.agency_id, f.year AS earlier_year, sum(coalesce(f.count, 0))::DOUBLE AS n FROM fact_applications f "
        "JOIN reports r USING (report_id) WHERE r.status IN ('loaded', 'partial') "
        "AND f.outcome = 'new_received' AND f.applicant_type = 'total' "
        "AND f.report_id NOT IN (SELECT report_id FROM stg_reports) GROUP BY 1, 2"
    ).df()
    pairs = reports[["report_id", "agency_id", "year"]].merge(history, on="agency_id")
    earlier = (
        pairs[pairs["earlier_year"] < pairs["year"]]
        .groupby("report_id")["n"]
        .agg(history_years="count", history_mean="mean")
    )
    frame = reports.join(_totals(con)[["fee_amount", "applications_received"]], on="report_id").join(
        earlier, on="report_id"
    )
    frame["history_years"] = frame["history_years"].fillna(0).astype("int64")
    # NaN without earlier years or without this year's number: the row_condition skips it
    frame["history_ratio"] = (frame["applications_received"] + 5) / (frame["history_mean"] + 5)
    columns = ["report_id", "agency_kind", "template", "fee_amount", "applications_received"]
    return frame[[*columns, "history_years", "history_mean", "history_ratio"]]


def _completeness(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per parsed report: whether each statutory table printed any cell at all."""
    reports = _report_frame(con)[["report_id"]]
    for table in TABLE_COLUMNS:
        present = {r for (r,) in con.execute(f"SELECT DISTINCT report_id FROM stg_{table}").fetchall()}
        reports[f"{table}_present"] = reports["report_id"].isin(present)
    return reports


BEYOND_ONE_TABLE = {"narrative": _narrative, "plausibility": _plausibility, "completeness": _completeness}
