"""The gate: staged tables that passed go to the facts, the others to quarantine.

Per report and table: a table that could not be read, or that fails a blocking (critical)
expectation of this run, is quarantined with its reasons; the report's other tables still
load. Re-ingesting a report replaces its rows (idempotent). Then exactly one report per
agency and year stays loaded (see ``resolve_duplicates``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb
import pandas as pd

from pipeline import form
from pipeline.normalize import TABLE_COLUMNS
from pipeline.warehouse import insert_frame


class NotValidated(RuntimeError):
    """Staged tables have no validation results for this run: refusing to load them."""


@dataclass
class LoadSummary:
    """What a run did, for the CLI and the Dagster metadata."""

    files: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (file, status, reason)


def _table_reasons(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[tuple[str, str], list[str]]:
    reasons: dict[tuple[str, str], list[str]] = defaultdict(list)
    for report_id, table, problem in con.execute("SELECT report_id, table_name, problem FROM stg_problems").fetchall():
        reasons[(report_id, table)].append(f"{form.TABLE_LABELS_ZH[table]}: could not be read: {problem}")
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
    reasons = _table_reasons(con, run_id)
    quarantine = pd.DataFrame(
        [{"report_id": r, "table_name": t, "reason": " | ".join(v)} for (r, t), v in reasons.items()],
        columns=["report_id", "table_name", "reason"],
    )
    con.register("q", quarantine)
    for table, (row_dim, col_dim, number) in TABLE_COLUMNS.items():
        cast = "DECIMAL(18, 4)" if number == "value" else "BIGINT"
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
            f"INSERT INTO quarantine_{table} BY NAME SELECT {select.replace(cast, 'DECIMAL(18, 4)')}, q.reason "
            f"FROM stg_{table} s JOIN q ON q.report_id = s.report_id AND q.table_name = '{table}'"
        )
    con.unregister("q")

    staged = con.execute("SELECT * FROM stg_reports").df()
    summary = LoadSummary(files=len(staged))
    for i, row in staged.iterrows():
        if row["status"] == "failed":
            summary.problems.append((row["source_file"], "failed", row["reason"]))
            continue
        bad = [t for t in form.TABLES if (row["report_id"], t) in reasons]
        good = [t for t in form.TABLES if t not in bad]
        status = "loaded" if not bad else ("partial" if good else "quarantined")
        reason = " | ".join(" | ".join(reasons[(row["report_id"], t)]) for t in bad) or None
        staged.at[i, "status"] = status
        staged.at[i, "reason"] = reason
        staged.at[i, "tables_loaded"] = good
        staged.at[i, "tables_quarantined"] = bad
        if reason:
            summary.problems.append((row["source_file"], status, reason))

    _supersede_changed_files(con, staged)
    con.execute("DELETE FROM reports WHERE report_id IN (SELECT report_id FROM stg_reports)")
    insert_frame(con, "reports", staged)
    for note in resolve_duplicates(con, staged, run_id):
        summary.problems.append(note)
    summary.statuses = dict(
        con.execute(
            "SELECT status, count(*) FROM reports WHERE report_id IN (SELECT report_id FROM stg_reports) GROUP BY 1"
        ).fetchall()
    )
    for name in ("stg_reports", "stg_problems", *(f"stg_{t}" for t in TABLE_COLUMNS)):
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


def resolve_duplicates(con: duckdb.DuckDBPyConnection, staged: pd.DataFrame, run_id: str) -> list[tuple[str, str, str]]:
    """Keep exactly one loaded report per agency and year.

    Prefer a copy that passes every check ('loaded' over 'partial'). Among those, copies with
    identical numbers: the earliest ingested stays and the others are duplicates of it.
    Copies whose numbers differ are a conflict (a re-issue): the newest file wins, and the
    conflict is recorded in ``reports.reason`` and as a warning in ``dq_results``.
    """
    keys = staged.loc[staged["status"].isin(["loaded", "partial"]), ["agency_id", "year"]].drop_duplicates()
    notes = []
    now = datetime.now(UTC).replace(tzinfo=None)
    for agency_id, year in keys.itertuples(index=False):
        rows = con.execute(
            "SELECT report_id, source_file, status, numbers_hash, ingested_at, file_mtime FROM reports "
            "WHERE agency_id = ? AND year = ? AND status IN ('loaded', 'partial') ORDER BY ingested_at, source_file",
            [agency_id, int(year)],
        ).df()
        if len(rows) < 2:
            continue
        best_status = "loaded" if (rows["status"] == "loaded").any() else "partial"
        best = rows[rows["status"] == best_status]
        conflict = best["numbers_hash"].nunique() > 1
        newest_first = best.sort_values(["file_mtime", "ingested_at", "source_file"], ascending=False)
        winner = newest_first.iloc[0] if conflict else best.iloc[0]
        losers = rows[rows["report_id"] != winner["report_id"]]
        for loser in losers.itertuples(index=False):
            if loser.status != best_status:
                why = f"duplicate of {winner['source_file']}, a copy that passes every check"
            elif conflict and loser.numbers_hash != winner["numbers_hash"]:
                why = f"conflicting copy: {winner['source_file']} is newer and its numbers differ; it is loaded instead"
            else:
                why = f"duplicate of {winner['source_file']} (same agency, year and numbers)"
            con.execute(
                "UPDATE reports SET status = 'duplicate', duplicate_of = ?, reason = ?, tables_loaded = [] "
                "WHERE report_id = ?",
                [winner["report_id"], why, loser.report_id],
            )
            notes.append((loser.source_file, "duplicate", why))
        _delete_facts(con, list(losers["report_id"]), quarantine_too=True)
        if conflict:
            others = ", ".join(losers["source_file"])
            message = (
                f"conflict: other copies for the same agency and year have different numbers ({others}); "
                "the newest file wins"
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
                            "suite": "duplicates",
                            "expectation": "consistent_copies",
                            "report_id": winner["report_id"],
                            "success": False,
                            "details": message,
                            "table_name": None,
                            "severity": "warning",
                        }
                    ]
                ),
            )
    return notes
