"""The pandas frames the suites validate, pulled from the staging tables of one batch.

GX's SQL datasource on DuckDB fails silently today (great_expectations #10738, #11579), so
every suite runs on a pandas frame. Tables that could not be read are
already quarantined (``stg_problems``) and are left out. Blank cells count as 0 in the equations (FORM.md).

Every frame row belongs to one report and depends on nothing else of the batch, so a frame can
be built for a part of the batch: ``scope``, a SQL query of the report_ids to include (the
validator's chunk), or None for the whole batch. A report's rows are the same either way.
With ``memo`` (a dict, one per scope), the pieces several frames share (a table's staged cells,
its layout flags and sums) are read and computed once for all the suites, not once per frame.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from pipeline import form
from pipeline.normalize import TABLE_COLUMNS, cell_kind
from pipeline.quality.suites import not_printed_column


def within(scope: str | None, column: str = "report_id") -> str:
    """The SQL condition keeping the reports of ``scope`` (always true for the whole batch)."""
    return "true" if scope is None else f"{column} IN ({scope})"


def _memo(memo: dict[Any, Any] | None, key: tuple[str, ...], make: Callable[[], Any]) -> Any:
    """``make()``, once per ``key`` in ``memo`` (every time without one). Frames built from a
    memoized piece never change it in place (they filter, join and assign into new frames)."""
    if memo is None:
        return make()
    if key not in memo:
        memo[key] = make()
    return memo[key]


# The staging columns the frames read (where a cell is printed, its page and the agency and
# year are not: pulling them into pandas cost a third of reading the staged cells). The number
# is cast to DOUBLE in DuckDB, as ``.df()`` converts a DECIMAL column (the same doubles).
_STAGING_READ = "report_id, template, row_code, col_code, number::DOUBLE AS number, number_text, raw"


def staging(con: duckdb.DuckDBPyConnection, table: str, scope: str | None = None) -> pd.DataFrame:
    """Staged cells of ``table`` that were read without problems (of the reports in ``scope``),
    with the columns the frames read, in the order they were staged (``rowid``: a report's
    cells as printed; DuckDB's parallel anti-join returns them in an order that varies from
    run to run, and a report's failures are listed in its frame's order).

    Fetched as Arrow and handed to pandas (the same columns and dtypes as ``.df()``): ``.df()``
    converted each string cell on its own, 0.2 CPU s per 1,000 reports' applications table,
    the Arrow path 0.04. No rows: ``.df()`` (its empty string columns are objects, Arrow's are
    strings, and a frame concatenating them would change dtype)."""
    query = (
        f"SELECT {_STAGING_READ} FROM stg_{table} s WHERE NOT EXISTS (SELECT 1 FROM stg_problems p "
        f"WHERE p.report_id = s.report_id AND p.table_name = ?) AND {within(scope, 's.report_id')} ORDER BY s.rowid"
    )
    cells = con.sql(query, params=[table]).to_arrow_table()
    return cells.to_pandas() if cells.num_rows else con.execute(query, [table]).df()


# Frames on which the form's equations are evaluated: frame -> (table, long column naming a
# frame row, long column naming a term, frame row dimension, term dimension).
EQUATION_FRAMES = {
    "applications_by_applicant": ("applications", "col_code", "row_code", "applicant_type", "outcome"),
    "applications_by_outcome": ("applications", "row_code", "col_code", "outcome", "applicant_type"),
    "review_litigation_by_proceeding": ("review_litigation", "row_code", "col_code", "proceeding", "result"),
}


def _wide(long: pd.DataFrame, index_name: str, pivot_on: str, columns: list[str]) -> pd.DataFrame:
    """One row per report and ``index_name`` member, one column per ``pivot_on`` member."""
    if long.empty:
        return pd.DataFrame(columns=["report_id", index_name, *columns])
    long = long.assign(number=long["number"].astype("float64").fillna(0.0))
    wide = long.pivot_table(index=["report_id", index_name], columns=pivot_on, values="number", aggfunc="sum")
    wide = wide.reindex(columns=columns).fillna(0.0).reset_index()
    wide.columns.name = None
    return wide


def layouts(long: pd.DataFrame) -> pd.DataFrame:
    """Per report (the index): its applications table's layout flags (``form.layout``)."""
    names = list(form.layout(set()))
    if long.empty:
        return pd.DataFrame(columns=names, index=pd.Index([], name="report_id"), dtype=bool)
    printed: dict[str, set[str]] = {}  # plain Python: a pandas group per report cost seconds
    pairs = long[["report_id", "row_code"]].drop_duplicates()  # some 8 cells a row: loop the rows
    for report_id, row_code in zip(pairs["report_id"].tolist(), pairs["row_code"].tolist(), strict=True):
        printed.setdefault(report_id, set()).add(row_code)
    index = sorted(printed)
    return pd.DataFrame(
        [form.layout(printed[r]) for r in index], index=pd.Index(index, name="report_id"), columns=names
    )


def _applying(eq: form.Equation, long: pd.DataFrame, flags: pd.DataFrame | None) -> pd.DataFrame:
    """The cells of the reports ``eq`` applies to (its template, its layout condition).

    The condition is ``eq.applies`` evaluated on the flag columns at once (a bool per
    report), not on a dict of flags made per report and equation."""
    if eq.template is not None:
        long = long[long["template"] == eq.template]
    if eq.when and flags is not None:
        ok = np.broadcast_to(np.asarray(eq.applies(flags), dtype=bool), len(flags))
        long = long[long["report_id"].isin(flags.index[ok].tolist())]
    return long


def sums(long: pd.DataFrame, table: str, flags: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per printed total cell of ``table`` and equation that sums its parts: whether
    the total holds a number, and the sum of its parts (blank parts count as 0).

    A total that holds no number while its parts sum to something else than 0 is a total
    the agency did not print (FORM.md, "Cell values")."""
    columns = [
        "report_id", "table_name", "rule", "member", "template", "row_code", "col_code", "raw",
        "total_printed", "parts_sum",
    ]  # fmt: skip
    if flags is None and table == "applications":  # the layout flags of ``long``, unless given
        flags = layouts(long)
    # only the columns read below: each row filter copies every column of the frame it filters,
    # and the text ones as categoricals (a filter then copies integer codes, not each string:
    # three quarters of this function's time), turned back into text for the rows it returns
    text = {c: long[c].dtype for c in ("report_id", "template", "row_code", "col_code", "raw")}
    long = long[["report_id", "template", "row_code", "col_code", "number", "raw"]].astype(
        dict.fromkeys(text, "category")
    )
    parts_list = []
    for eq in form.EQUATIONS:
        if eq.table != table or not eq.sums_parts:
            continue
        _, member_col, term_col, _, _ = EQUATION_FRAMES[eq.frame]
        cells = _applying(eq, long, flags)
        totals = cells[cells[term_col] == eq.lhs[0]]
        if totals.empty:
            continue
        parts = cells[["report_id", member_col, term_col, "number"]]
        parts = parts[parts[term_col].isin(eq.rhs)]
        parts_sum = parts.assign(n=parts["number"].astype("float64").fillna(0.0)).groupby(
            ["report_id", member_col], observed=True
        )
        frame = totals.join(parts_sum["n"].sum().rename("parts_sum"), on=["report_id", member_col])
        parts_list.append(
            frame.assign(
                table_name=table,
                rule=eq.name,
                member=frame[member_col],
                total_printed=frame["number"].notna(),
                parts_sum=frame["parts_sum"].fillna(0.0),
            )[columns]
        )
    if not parts_list:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts_list, ignore_index=True).astype({**text, "member": text["row_code"]})


def not_printed(sums_frame: pd.DataFrame) -> pd.DataFrame:
    """The total cells the agency did not print: (report_id, row_code, col_code), once each."""
    missing = sums_frame[~sums_frame["total_printed"].astype(bool) & (sums_frame["parts_sum"] != 0)]
    return missing[["report_id", "row_code", "col_code"]].drop_duplicates()


def _equation_frame(
    con: duckdb.DuckDBPyConnection, frame: str, template: str | None, scope: str | None, memo: dict[Any, Any] | None
) -> pd.DataFrame:
    """The wide frame of the equations of (``frame``, ``template``), with the layout flags their
    conditions read and, per equation, how many of its terms are totals not printed."""
    table, member_col, term_col, member_dim, term_dim = EQUATION_FRAMES[frame]
    long = _staged(con, table, scope, memo)
    missing = _memo(memo, ("not_printed", table), lambda: not_printed(_sums(long, table, memo)))
    flags = _layouts(long, table, memo)
    long = long[["report_id", "template", member_col, term_col, "number"]]  # what the wide frame reads
    if template is not None:
        long = long[long["template"] == template]
    if term_dim == "outcome":
        printed_rows = form.TEMPLATES[template].outcome_rows if template else [m.code for m in form.OUTCOMES]
        terms = [c for c in printed_rows if c != "handled"]
    else:
        terms = [m.code for m in (form.APPLICANT_TYPES if term_dim == "applicant_type" else form.RESULTS)]
    wide = _wide(long.rename(columns={member_col: member_dim, term_col: term_dim}), member_dim, term_dim, terms)
    if flags is not None:
        wide = wide.join(flags, on="report_id")
        wide[list(flags.columns)] = wide[list(flags.columns)].fillna(False).astype(bool)
    for eq in form.EQUATIONS:
        if eq.frame != frame or eq.template != template:
            continue
        hits = missing[missing[term_col].isin(eq.terms)]
        if hits.empty:  # most chunks print every total: no groupby, reindex of the frame's keys
            wide[not_printed_column(eq)] = np.zeros(len(wide), dtype="int64")
            continue
        counts = hits.groupby(["report_id", member_col]).size()
        keys = pd.MultiIndex.from_arrays([wide["report_id"], wide[member_dim]])
        wide[not_printed_column(eq)] = counts.reindex(keys, fill_value=0).to_numpy().astype("int64")
    return wide


def _staged(con: duckdb.DuckDBPyConnection, table: str, scope: str | None, memo: dict[Any, Any] | None) -> pd.DataFrame:
    return _memo(memo, ("staging", table), lambda: staging(con, table, scope))


def _layouts(long: pd.DataFrame, table: str, memo: dict[Any, Any] | None) -> pd.DataFrame | None:
    return _memo(memo, ("layouts", table), lambda: layouts(long)) if table == "applications" else None


def _sums(long: pd.DataFrame, table: str, memo: dict[Any, Any] | None) -> pd.DataFrame:
    return _memo(memo, ("sums", table), lambda: sums(long, table, _layouts(long, table, memo)))


def build(
    con: duckdb.DuckDBPyConnection,
    frame: str,
    template: str | None,
    scope: str | None = None,
    memo: dict[Any, Any] | None = None,
) -> pd.DataFrame:
    """The named frame over every staged report in ``scope`` (of ``template``, when given)."""
    if frame in BEYOND_ONE_TABLE:
        return BEYOND_ONE_TABLE[frame](con, scope)
    if frame == "cells":
        parts = []
        for table in TABLE_COLUMNS:
            df = _staged(con, table, scope, memo)
            df = df[df["number"].notna()]
            kinds = {c: cell_kind(table, c) for c in df["col_code"].unique()}
            parts.append(
                pd.DataFrame(
                    {
                        "report_id": df["report_id"],
                        "table_name": table,
                        "template": df["template"],  # names the row as the report's template prints it
                        "row_code": df["row_code"],
                        "col_code": df["col_code"],
                        "number": df["number"].astype("float64"),
                        "number_text": df["number_text"],
                        "kind": [kinds[c] for c in df["col_code"].tolist()],
                    }
                )
            )
        return pd.concat(parts, ignore_index=True)
    if frame == "totals":
        parts = [_sums(_staged(con, t, scope, memo), t, memo) for t in ("applications", "review_litigation")]
        return pd.concat(parts, ignore_index=True)
    if frame in EQUATION_FRAMES:
        return _equation_frame(con, frame, template, scope, memo)
    raise ValueError(f"unknown frame {frame!r}")


def _report_frame(con: duckdb.DuckDBPyConnection, scope: str | None) -> pd.DataFrame:
    """One row per parsed report of the batch (in ``scope``), with its agency's kind."""
    return con.execute(
        "SELECT r.report_id, r.agency_id, r.year, r.template, coalesce(a.kind, 'other') AS agency_kind "
        "FROM stg_reports r LEFT JOIN dim_agency a USING (agency_id) "
        f"WHERE r.status = 'staged' AND {within(scope, 'r.report_id')} ORDER BY r.report_id"
    ).df()


def _total(number: str = "number", column: str = "col_code") -> str:
    """SQL aggregate over one printed row: its 总计 cell; 0 when that cell is blank and so are
    (or sum to 0) its parts; NULL for a total not printed, never the sum of its parts."""
    return (
        f"coalesce(max({number}) FILTER ({column} = 'total'), "
        f"CASE WHEN coalesce(sum({number}) FILTER ({column} <> 'total'), 0) = 0 THEN 0 END)"
    )


def _totals(con: duckdb.DuckDBPyConnection, scope: str | None) -> pd.DataFrame:
    """Per report (the index): the table numbers the narrative and plausibility checks compare
    with. Summed in DuckDB, so both frames get one small row per report instead of pulling
    three staging tables into pandas each. Tables that could not be read are left out, and so
    is a number whose total was not printed (NULL: nothing to compare with)."""

    def read(table: str) -> str:
        return (
            f"stg_{table} s WHERE NOT EXISTS (SELECT 1 FROM stg_problems p "
            f"WHERE p.report_id = s.report_id AND p.table_name = '{table}') AND {within(scope, 's.report_id')}"
        )

    def all_printed(condition: str) -> str:
        return f"(CASE WHEN bool_and(t IS NOT NULL) FILTER ({condition}) THEN sum(t) FILTER ({condition}) END)::DOUBLE"

    return (
        con.execute(
            f"""
            WITH apps AS (
                SELECT report_id, ({_total()})::DOUBLE AS applications_received
                FROM {read("applications")} AND row_code = 'new_received' GROUP BY 1
            ), proceedings AS (
                SELECT report_id, row_code, {_total()} AS t FROM {read("review_litigation")} GROUP BY 1, 2
            ), rl AS (
                SELECT report_id,
                    {all_printed("row_code = 'administrative_review'")} AS reviews,
                    {all_printed("row_code <> 'administrative_review'")} AS lawsuits
                FROM proceedings GROUP BY 1
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


def _narrative(con: duckdb.DuckDBPyConnection, scope: str | None) -> pd.DataFrame:
    """One row per narrative claim whose table was read: what the prose says, what the table says."""
    claims = con.execute(
        "SELECT report_id, claim, value, quote FROM narrative_claims "
        f"WHERE report_id IN (SELECT report_id FROM stg_reports) AND {within(scope)} ORDER BY report_id, claim"
    ).df()
    columns = ["report_id", "claim", "narrative_value", "table_value", "quote"]
    if claims.empty:
        return pd.DataFrame(columns=columns)
    totals = _totals(con, scope)
    claims["narrative_value"] = claims["value"].astype("float64")
    claims["table_value"] = [
        totals.at[r, c] if r in totals.index and pd.notna(totals.at[r, c]) else float("nan")
        for r, c in zip(claims["report_id"], claims["claim"], strict=True)
    ]
    return claims[claims["table_value"].notna()][columns].reset_index(drop=True)


def _plausibility(con: duckdb.DuckDBPyConnection, scope: str | None) -> pd.DataFrame:
    """Per report: the fee amount, new applications, and the agency's earlier loaded years
    (the warehouse's, never the batch's: reports of the batch are not among them)."""
    reports = _report_frame(con, scope)
    history = con.execute(
        f"""
        WITH received AS (
            SELECT f.agency_id, f.year, {_total("f.count", "f.applicant_type")} AS n FROM fact_applications f
            JOIN reports r USING (report_id) WHERE r.status IN ('loaded', 'partial') AND f.outcome = 'new_received'
            AND f.report_id NOT IN (SELECT report_id FROM stg_reports) GROUP BY f.report_id, 1, 2
        )
        SELECT agency_id, year AS earlier_year, sum(n)::DOUBLE AS n FROM received GROUP BY 1, 2
        """
    ).df()
    pairs = reports[["report_id", "agency_id", "year"]].merge(history, on="agency_id")
    earlier = (
        pairs[pairs["earlier_year"] < pairs["year"]]
        .groupby("report_id")["n"]
        .agg(history_years="count", history_mean="mean")
    )
    frame = reports.join(_totals(con, scope)[["fee_amount", "applications_received"]], on="report_id").join(
        earlier, on="report_id"
    )
    frame["history_years"] = frame["history_years"].fillna(0).astype("int64")
    # NaN without earlier years or without this year's number: the row_condition skips it
    frame["history_ratio"] = (frame["applications_received"] + 5) / (frame["history_mean"] + 5)
    columns = ["report_id", "agency_kind", "template", "fee_amount", "applications_received"]
    return frame[[*columns, "history_years", "history_mean", "history_ratio"]]


def _completeness(con: duckdb.DuckDBPyConnection, scope: str | None) -> pd.DataFrame:
    """Per parsed report: whether each statutory table printed any cell at all."""
    reports = _report_frame(con, scope)[["report_id"]]
    for table in TABLE_COLUMNS:
        query = f"SELECT DISTINCT report_id FROM stg_{table} WHERE {within(scope)}"
        present = {r for (r,) in con.execute(query).fetchall()}
        reports[f"{table}_present"] = reports["report_id"].isin(present)
    return reports


def _reading(con: duckdb.DuckDBPyConnection, scope: str | None) -> pd.DataFrame:
    """Per parsed report and table: one row per note the reader made about it (the text in
    ``note``), or one row with no note."""
    base = _report_frame(con, scope)[["report_id"]].merge(pd.DataFrame({"table_name": list(form.TABLES)}), how="cross")
    notes = con.execute(f"SELECT report_id, table_name, note_no, note FROM stg_reader_notes WHERE {within(scope)}").df()
    frame = base.merge(notes, how="left", on=["report_id", "table_name"])
    frame["note_no"] = frame["note_no"].fillna(0).astype("int64")
    return frame


def _identity(con: duckdb.DuckDBPyConnection, scope: str | None) -> pd.DataFrame:
    """Per parsed report: why its agency name is the printed one (NULL when it is complete)."""
    return con.execute(
        f"SELECT report_id, agency_note FROM stg_reports WHERE status = 'staged' AND {within(scope)} ORDER BY report_id"
    ).df()


BEYOND_ONE_TABLE = {
    "identity": _identity,
    "narrative": _narrative,
    "plausibility": _plausibility,
    "completeness": _completeness,
    "reading": _reading,
}
