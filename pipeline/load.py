"""The gate: staged tables that passed go to the facts, the others to quarantine.

Per report and table: a table that could not be read, or that fails a blocking (critical)
expectation of this run, is quarantined with its reasons; the report's other tables still
load. Re-ingesting a report replaces its rows (idempotent). Then the reviewed agency
overrides are re-applied to every agency (``refresh_agencies``), exactly one report per
agency and year stays loaded (``resolve_duplicates``), and the cross-year carry-over is
checked as a non-blocking warning (``check_continuity``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb
import pandas as pd

from pipeline import agencies, form
from pipeline.normalize import NUMBER_SQL, TABLE_COLUMNS
from pipeline.warehouse import OVERRIDES_KEY, insert_frame, write_state


class NotValidated(RuntimeError):
    """Staged tables have no validation results for this run: refusing to load them."""


@dataclass
class LoadSummary:
    """What a run did, for the CLI and the Dagster metadata."""

    files: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (file, status, reason)
    warnings: int = 0  # failed non-blocking expectations of this run on the reports that stay loaded
    waited_seconds: float = 0.0  # for another run to publish first (the writer lock), set by the CLI


UNREADABLE = "could not be read"  # in a reason: the table was not read, whatever its arithmetic


@dataclass(frozen=True)
class Verdict:
    """The gate's decision on one parsed report of a batch."""

    status: str  # loaded | partial | quarantined
    reason: str | None
    tables_loaded: list[str]
    tables_quarantined: list[str]


def verdict(report_id: str, reasons: Mapping[tuple[str, str], list[str]]) -> Verdict:
    """A table with any reason (unreadable, or a failed critical expectation) is quarantined,
    the others load. The one verdict function: ``load`` and ``gongkai show`` both call it."""
    bad = [t for t in form.TABLES if (report_id, t) in reasons]
    good = [t for t in form.TABLES if t not in bad]
    status = "loaded" if not bad else ("partial" if good else "quarantined")
    reason = " | ".join(" | ".join(reasons[(report_id, t)]) for t in bad) or None
    return Verdict(status, reason, good, bad)


def table_reasons(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[tuple[str, str], list[str]]:
    """(report_id, table) -> why it is quarantined: the staged read problems and the failed
    critical ``dq_results`` of ``run_id``. Tables without an entry pass."""
    reasons: dict[tuple[str, str], list[str]] = defaultdict(list)
    for report_id, table, problem in con.execute("SELECT report_id, table_name, problem FROM stg_problems").fetchall():
        reasons[(report_id, table)].append(f"{form.TABLE_LABELS_ZH[table]}: {UNREADABLE}: {problem}")
    for report_id, table, details in con.execute(
        "SELECT report_id, table_name, details FROM dq_results "
        "WHERE run_id = ? AND severity = 'critical' AND NOT success ORDER BY suite, expectation",
        [run_id],
    ).fetchall():
        reasons[(report_id, table)].append(details)
    return reasons


def _check_validated(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    unvalidated = con.execute(
        """
        SELECT DISTINCT s.report_id FROM (
            SELECT report_id, 'applications' AS t FROM stg_applications
            UNION ALL SELECT report_id, 'proactive_disclosure' FROM stg_proactive_disclosure
            UNION ALL SELECT report_id, 'review_litigation' FROM stg_review_litigation) s
        WHERE NOT EXISTS (SELECT 1 FROM stg_problems p WHERE p.report_id = s.report_id AND p.table_name = s.t)
          AND NOT EXISTS (SELECT 1 FROM dq_results d WHERE d.run_id = ? AND d.report_id = s.report_id)
        """,
        [run_id],
    ).fetchall()
    if unvalidated:
        raise NotValidated(f"{len(unvalidated)} staged reports were not validated in run {run_id}: run the check first")


def load(con: duckdb.DuckDBPyConnection, run_id: str) -> LoadSummary:
    """Gate the staged batch of ``run_id`` into facts and quarantine; update ``reports``."""
    _check_validated(con, run_id)
    reasons = table_reasons(con, run_id)
    quarantine = pd.DataFrame(
        [{"report_id": r, "table_name": t, "reason": " | ".join(v)} for (r, t), v in reasons.items()],
        columns=["report_id", "table_name", "reason"],
    )
    con.register("q", quarantine)
    for table, (row_dim, col_dim, number) in TABLE_COLUMNS.items():
        cast = NUMBER_SQL if number == "value" else "BIGINT"
        select = (
            f"s.report_id, s.agency_id, s.year, s.col_code AS {col_dim}, s.row_code AS {row_dim}, "
            f"CAST(s.number AS {cast}) AS {number}, s.raw, s.source_page, s.source_where"
        )
        for target in (f"fact_{table}", f"quarantine_{table}"):
            con.execute(f"DELETE FROM {target} WHERE report_id IN (SELECT report_id FROM stg_reports)")
        con.execute(
            f"INSERT INTO fact_{table} BY NAME SELECT {select} FROM stg_{table} s "
            f"WHERE NOT EXISTS (SELECT 1 FROM q WHERE q.report_id = s.report_id AND q.table_name = '{table}')"
        )
        con.execute(
            f"INSERT INTO quarantine_{table} BY NAME SELECT {select.replace(cast, NUMBER_SQL)}, q.reason "
            f"FROM stg_{table} s JOIN q ON q.report_id = s.report_id AND q.table_name = '{table}'"
        )
    con.unregister("q")

    # when the warehouse first received each content: a file parsed again (a new parser version)
    # keeps it, so which of two conflicting copies came later never depends on re-parsing
    con.execute("UPDATE stg_reports SET first_ingested_at = ingested_at")
    con.execute(
        "UPDATE stg_reports s SET first_ingested_at = coalesce(r.first_ingested_at, r.ingested_at) "
        "FROM reports r WHERE r.report_id = s.report_id"
    )
    staged = con.execute("SELECT * FROM stg_reports").df()
    summary = LoadSummary(files=len(staged))
    for i, row in staged.iterrows():
        if row["status"] == "failed":
            continue
        decided = verdict(row["report_id"], reasons)
        staged.at[i, "status"] = decided.status
        staged.at[i, "reason"] = decided.reason
        staged.at[i, "tables_loaded"] = decided.tables_loaded
        staged.at[i, "tables_quarantined"] = decided.tables_quarantined

    _supersede_changed_files(con, staged)
    con.execute("DELETE FROM reports WHERE report_id IN (SELECT report_id FROM stg_reports)")
    insert_frame(con, "reports", staged)
    rekeyed = refresh_agencies(con)
    keys = pd.concat([staged[["agency_id", "year", "status"]], rekeyed], ignore_index=True)
    resolve_duplicates(con, keys, run_id)
    continuity = check_continuity(con, set(keys["agency_id"].dropna()), run_id)
    # Final statuses only: a copy read as 'partial' and then demoted to 'duplicate' is listed once.
    summary.problems = (
        con.execute(
            "SELECT source_file, status, reason FROM reports WHERE report_id IN (SELECT report_id FROM stg_reports) "
            "AND reason IS NOT NULL ORDER BY status = 'duplicate', source_file"
        ).fetchall()
        + continuity
    )
    write_state(con, OVERRIDES_KEY, agencies.overrides_fingerprint())
    (summary.warnings,) = con.execute(  # on the reports that stay loaded, not on their duplicates
        "SELECT count(*) FROM dq_results d JOIN reports r USING (report_id) "
        "WHERE d.run_id = ? AND d.severity = 'warning' AND NOT d.success AND r.status IN ('loaded', 'partial')",
        [run_id],
    ).fetchone()
    summary.statuses = dict(
        con.execute(
            "SELECT status, count(*) FROM reports WHERE report_id IN (SELECT report_id FROM stg_reports) GROUP BY 1"
        ).fetchall()
    )
    for name in ("stg_reports", "stg_problems", "stg_reader_notes", *(f"stg_{t}" for t in TABLE_COLUMNS)):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    return summary


def _delete_facts(con: duckdb.DuckDBPyConnection, report_ids: list[str], quarantine_too: bool) -> None:
    if not report_ids:
        return
    for table in TABLE_COLUMNS:
        targets = [f"fact_{table}"] + ([f"quarantine_{table}"] if quarantine_too else [])
        for target in targets:
            con.execute(f"DELETE FROM {target} WHERE report_id IN (SELECT unnest(?))", [report_ids])


def _supersede_changed_files(con: duckdb.DuckDBPyConnection, staged: pd.DataFrame) -> None:
    """A file whose content changed replaces what its earlier content loaded."""
    con.register("staged", staged[["report_id", "source_file"]])
    old = [
        r
        for (r,) in con.execute(
            "SELECT r.report_id FROM reports r JOIN staged s USING (source_file) "
            "WHERE r.report_id <> s.report_id AND r.status <> 'superseded'"
        ).fetchall()
    ]
    con.unregister("staged")
    _delete_facts(con, old, quarantine_too=True)
    if old:
        con.execute(
            "UPDATE reports SET status = 'superseded', reason = 'the file changed; its new content replaces this', "
            "tables_loaded = [] WHERE report_id IN (SELECT unnest(?))",
            [old],
        )


def resolve_duplicates(con: duckdb.DuckDBPyConnection, staged: pd.DataFrame, run_id: str) -> None:
    """Keep exactly one loaded report per agency and year.

    Prefer a copy that passes every check ('loaded' over 'partial'). Among those, copies with
    identical numbers: the earliest ingested stays and the others are duplicates of it.
    Copies whose numbers differ are a conflict (a re-issue): the newest copy wins, as the
    documents tell (``_newest_copy``), never the file's mtime, which a copy or a re-download
    resets. The conflict, with each copy's printed date, is recorded in ``reports.reason`` and
    as a warning in ``dq_results``.
    """
    keys = staged.loc[staged["status"].isin(["loaded", "partial"]), ["agency_id", "year"]].drop_duplicates()
    now = datetime.now(UTC).replace(tzinfo=None)
    for agency_id, year in keys.itertuples(index=False):
        rows = con.execute(
            "SELECT report_id, source_file, status, numbers_hash, ingested_at, published, "
            "coalesce(first_ingested_at, ingested_at) AS received FROM reports "
            "WHERE agency_id = ? AND year = ? AND status IN ('loaded', 'partial') ORDER BY ingested_at, source_file",
            [agency_id, int(year)],
        ).df()
        if len(rows) < 2:
            continue
        best_status = "loaded" if (rows["status"] == "loaded").any() else "partial"
        best = rows[rows["status"] == best_status]
        conflict = best["numbers_hash"].nunique() > 1
        winner, by_date = _newest_copy(best) if conflict else (best.iloc[0], False)
        losers = rows[rows["report_id"] != winner["report_id"]]
        for loser in losers.itertuples(index=False):
            if loser.status != best_status:
                why = f"duplicate of {winner['source_file']}, a copy that passes every check"
            elif conflict and loser.numbers_hash != winner["numbers_hash"]:
                dates = f"{_dated(winner['published'])}; this copy {_dated(loser.published)}"
                how = dates if by_date else f"received later, as the printed dates do not tell: {dates}"
                why = (
                    f"conflicting copy: {winner['source_file']} is newer ({how}) and its numbers differ; "
                    "it is loaded instead"
                )
            else:
                why = f"duplicate of {winner['source_file']} (same agency, year and numbers)"
            con.execute(
                "UPDATE reports SET status = 'duplicate', duplicate_of = ?, reason = ?, tables_loaded = [] "
                "WHERE report_id = ?",
                [winner["report_id"], why, loser.report_id],
            )
        _delete_facts(con, list(losers["report_id"]), quarantine_too=True)
        if conflict:
            others = ", ".join(f"{o.source_file} {_dated(o.published)}" for o in losers.itertuples(index=False))
            kept = (
                f"its printed date is the latest ({_dated(winner['published'])})"
                if by_date
                else f"received last, as the printed dates do not tell (this copy {_dated(winner['published'])})"
            )
            message = (
                f"conflict: other copies for the same agency and year have different numbers ({others}); "
                f"this copy is loaded: {kept}"
            )
            con.execute(
                "UPDATE reports SET reason = coalesce(reason || ' | ', '') || ? WHERE report_id = ?",
                [message, winner["report_id"]],
            )
            insert_frame(
                con,
                "dq_results",
                pd.DataFrame(
                    [
                        {
                            "run_id": run_id,
                            "validated_at": now,
                            "suite": DUPLICATES_SUITE,
                            "expectation": DUPLICATES_RULE,
                            "report_id": winner["report_id"],
                            "success": False,
                            "details": message,
                            "table_name": None,
                            "severity": "warning",
                        }
                    ]
                ),
            )


def _newest_copy(best: pd.DataFrame) -> tuple[pd.Series, bool]:
    """The copy a conflict keeps, and whether the documents' printed dates decided it.

    The dates decide when every copy prints one and one is the latest. Otherwise the copy the
    warehouse received last is taken as the re-issue (``first_ingested_at``: not reset by a
    copy, a re-download or a re-parse), and the content hash settles a tie, so the choice is
    the same on every run."""
    dates = best["published"]
    if dates.notna().all() and (dates == dates.max()).sum() == 1:
        return best[dates == dates.max()].iloc[0], True
    order = best.sort_values(["received", "report_id"], ascending=[False, True])
    return order.iloc[0], False


def _dated(published: object) -> str:
    """'dated 2022-01-20', or 'undated' when the document prints no publication date."""
    return "undated" if pd.isna(published) else f"dated {pd.Timestamp(published).date().isoformat()}"


def refresh_agencies(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Re-apply data/agencies.csv and the division table to every agency already in the
    warehouse, so that an analyst's fix reaches reports ingested before it. An agency whose
    name changes gets a new ``agency_id``: its reports, facts and quarantine rows follow.
    Returns (agency_id, year, status) of the reports that moved, for duplicate resolution."""
    moved: list[pd.DataFrame] = []
    rows = con.execute("SELECT agency_id, coalesce(source_name, name) AS source, * FROM dim_agency").df()
    for row in rows.itertuples(index=False):
        record = agencies.describe(row.source)
        current = {f: getattr(row, f) for f in ("name", "province", "city", "county", "level", "kind", "resolved_by")}
        wanted = {f: getattr(record, f) for f in current}
        if record.agency_id == row.agency_id and {k: _none(v) for k, v in current.items()} == wanted:
            continue
        con.execute("DELETE FROM dim_agency WHERE agency_id IN (?, ?)", [row.agency_id, record.agency_id])
        insert_frame(con, "dim_agency", pd.DataFrame([record.__dict__]))
        if record.agency_id != row.agency_id:
            for table in ("reports", *(f"{kind}_{t}" for kind in ("fact", "quarantine") for t in TABLE_COLUMNS)):
                con.execute(f"UPDATE {table} SET agency_id = ? WHERE agency_id = ?", [record.agency_id, row.agency_id])
            moved.append(
                con.execute(
                    "SELECT agency_id, year, status FROM reports "
                    "WHERE agency_id = ? AND status IN ('loaded', 'partial')",
                    [record.agency_id],
                ).df()
            )
    return pd.concat(moved, ignore_index=True) if moved else pd.DataFrame(columns=["agency_id", "year", "status"])


def _none(value: object) -> object:
    """NULLs come back from DuckDB as NaN or None; compare them as None."""
    return None if value is None or (isinstance(value, float) and value != value) else value


CONTINUITY_SUITE = "continuity"
CONTINUITY_RULE = "carried_over_equals_last_year_carried_forward"
DUPLICATES_SUITE = "duplicates"
DUPLICATES_RULE = "consistent_copies"
UNREADABLE_RULE = ("gate", "unreadable")  # not a dq_results row: a table the reader could not read

# The gate's own checks outside the GX suites, explained as the suites' expectations are (their
# meta's explain_zh / explain_en), keyed like dq_results (suite, expectation): (Chinese, English).
GATE_RULES = {
    (DUPLICATES_SUITE, DUPLICATES_RULE): ("同一机关同一年度的副本数字不一致", "copies of the report disagree"),
    (CONTINUITY_SUITE, CONTINUITY_RULE): (
        "二、上年结转 ≠ 上一年度的四、结转下年度继续办理",
        "carried over ≠ last year's carried forward",
    ),
    UNREADABLE_RULE: ("表格无法读取", "the table could not be read"),
}


def rule_explanations() -> dict[tuple[str, str], tuple[str, str]]:
    """(suite, expectation) -> what its failure means (Chinese, English): the committed suites'
    meta (explain_zh, explain_en) and the gate's own checks. What the dashboard and `show` print."""
    from pipeline.quality.suites import load_suites

    words = {
        (name, e["meta"]["rule"]): (e["meta"]["explain_zh"], e["meta"]["explain_en"])
        for name, spec in load_suites().items()
        for e in spec["expectations"]
    }
    return {**words, **GATE_RULES}


def check_continuity(con: duckdb.DuckDBPyConnection, agency_ids: set[str], run_id: str) -> list[tuple[str, str, str]]:
    """FORM.md's cross-year warning: 二、上年结转 (year Y) = 四、结转下年度继续办理 (year Y-1),
    per applicant column, for the same agency, when both years' applications tables are loaded.

    Non-blocking: every compared pair becomes a ``dq_results`` row (suite 'continuity',
    severity 'warning') on the year-Y report; a mismatch also becomes a note for the run
    summary. Blank cells count as 0, as in the statutory arithmetic.
    """
    if not agency_ids:
        return []
    pairs = con.execute(
        """
        WITH loaded AS (
            SELECT report_id, agency_id, year, source_file FROM reports
            WHERE agency_id IN (SELECT unnest(?)) AND status IN ('loaded', 'partial')
              AND list_contains(tables_loaded, 'applications')
        ), cells AS (
            -- a blank 总计 may be a total not printed: its columns are compared instead
            SELECT report_id, applicant_type, outcome, coalesce(count, 0) AS n FROM fact_applications
            WHERE outcome IN ('carried_over', 'carried_forward') AND (count IS NOT NULL OR applicant_type <> 'total')
        )
        SELECT cur.report_id, cur.source_file, prev.source_file AS prev_file, cur.year, a.applicant_type,
               a.n AS carried_over, b.n AS carried_forward
        FROM loaded cur
        JOIN loaded prev ON prev.agency_id = cur.agency_id AND prev.year = cur.year - 1
        JOIN cells a ON a.report_id = cur.report_id AND a.outcome = 'carried_over'
        JOIN cells b ON b.report_id = prev.report_id AND b.outcome = 'carried_forward'
                    AND b.applicant_type = a.applicant_type
        """,
        [sorted(agency_ids)],
    ).df()
    if pairs.empty:
        return []
    order = {m.code: i for i, m in enumerate(form.APPLICANT_TYPES)}
    now = datetime.now(UTC).replace(tzinfo=None)
    rows, notes = [], []
    for (report_id, source_file, prev_file, year), group in pairs.groupby(
        ["report_id", "source_file", "prev_file", "year"], sort=True
    ):
        group = group.sort_values("applicant_type", key=lambda s: s.map(order))
        bad = group[group["carried_over"] != group["carried_forward"]]
        details = "; ".join(
            f"{form.TABLE_LABELS_ZH['applications']}: {form.label_zh('applicant_type', r.applicant_type)}: "
            f"二、上年结转 {int(r.carried_over)} ({int(year)}) ≠ 四、结转下年度继续办理 {int(r.carried_forward)} "
            f"({int(year) - 1}, {prev_file})"
            for r in bad.itertuples(index=False)
        )
        rows.append(
            {
                "run_id": run_id,
                "validated_at": now,
                "suite": CONTINUITY_SUITE,
                "expectation": CONTINUITY_RULE,
                "report_id": report_id,
                "success": bad.empty,
                "details": details or None,
                "table_name": "applications",
                "severity": "warning",
            }
        )
        if details:
            notes.append((source_file, "warning", f"cross-year continuity (not blocking): {details}"))
    insert_frame(con, "dq_results", pd.DataFrame(rows))
    return notes
