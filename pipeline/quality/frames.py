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
    """Per report: the table numbers the narrative and plausibility checks compare with."""
    apps = staging(con, "applications")
    apps = apps[(apps["row_code"] == "new_received") & (apps["col_code"] == "total")]
    rl = staging(con, "review_litigation")
    rl = rl[rl["col_code"] == "total"]
    pd_ = staging(con, "proactive_disclosure")
    fee = pd_[(pd_["row_code"] == "administrative_fee") & (pd_["col_code"] == "fee_amount")]

    def total(df: pd.DataFrame) -> pd.Series:
        return df.assign(n=df["number"].astype("float64").fillna(0.0)).groupby("report_id")["n"].sum()

    return pd.DataFrame(
        {
            "applications_received": total(apps),
            "reviews": total(rl[rl["row_code"] == "administrative_review"]),
            "lawsuits": total(rl[rl["row_code"] != "administrative_review"]),
            "fee_amount": fee.groupby("report_id")["number"].first().astype("float64"),
        }
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
    totals = _totals(con)
    history = con.execute(
        "SELECT f.agency_id, f.year, sum(coalesce(f.count, 0)) AS n FROM fact_applications f "
        "JOIN reports r USING (report_id) WHERE r.status IN ('loaded', 'partial') "
        "AND f.outcome = 'new_received' AND f.applicant_type = 'total' "
        "AND f.report_id NOT IN (SELECT report_id FROM stg_reports) GROUP BY 1, 2"
    ).df()
    rows = []
    for rep in reports.itertuples(index=False):
        new = totals.at[rep.report_id, "applications_received"] if rep.report_id in totals.index else float("nan")
        fee = totals.at[rep.report_id, "fee_amount"] if rep.report_id in totals.index else float("nan")
        earlier = history[(history["agency_id"] == rep.agency_id) & (history["year"] < rep.year)]["n"]
        mean = float(earlier.mean()) if len(earlier) else float("nan")
        ratio = (new + 5) / (mean + 5) if len(earlier) and pd.notna(new) else float("nan")
        rows.append(
            {
                "report_id": rep.report_id,
                "agency_kind": rep.agency_kind,
                "template": rep.template,
                "fee_amount": fee,
                "applications_received": new,
                "history_years": len(earlier),
                "history_mean": mean,
                "history_ratio": ratio,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "report_id",
            "agency_kind",
            "template",
            "fee_amount",
            "applications_received",
            "history_years",
            "history_mean",
            "history_ratio",
        ],
    )


def _completeness(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per parsed report: whether each statutory table printed any cell at all."""
    reports = _report_frame(con)[["report_id"]]
    for table in TABLE_COLUMNS:
        present = {r for (r,) in con.execute(f"SELECT DISTINCT report_id FROM stg_{table}").fetchall()}
        reports[f"{table}_present"] = reports["report_id"].isin(present)
    return reports


BEYOND_ONE_TABLE = {"narrative": _narrative, "plausibility": _plausibility, "completeness": _completeness}
