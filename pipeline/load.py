"""The gate: staged tables that passed go to the facts, the others to quarantine.

Per report and table: a table that could not be read, or that fails a blocking (critical)
expectation of this run, is quarantined with its reasons; the report's other tables still
load. Re-ingesting a report replaces its rows (idempotent): the cells go to this run's batch
files (``pipeline.batches``), which replace the report's earlier ones in ``batch_index``. Then the reviewed agency
overrides are re-applied to every agency (``refresh_agencies``), exactly one report per
agency and year stays loaded (``resolve_duplicates``), and the cross-year carry-over is
checked as a non-blocking warning (``check_continuity``).

Every file has a ``reports`` row (``record_files``): facts belong to a content (report_id),
rows to files (source_file). A content held by several files is counted by one of them; the
others are byte-identical copies ('duplicate', ``duplicate_of`` = their own report_id). A file
removed from the raw folder keeps its row and its facts, marked ``present = false``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import NamedTuple

import duckdb
import pandas as pd

from pipeline import agencies, batches, form
from pipeline.file_rows import FILE_COLUMNS
from pipeline.normalize import NUMBER_SQL, TABLE_COLUMNS
from pipeline.warehouse import OVERRIDES_KEY, insert_frame, record_results, write_state

log = logging.getLogger(__name__)


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
    removed: list[tuple[str, str]] = field(default_factory=list)  # (file, last seen) gone since the last run


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
    # a report staged again (a new parser version) counts only its cells of this run
    staged_ids = [r for (r,) in con.execute("SELECT report_id FROM stg_reports").fetchall()]
    batches.retire(con, staged_ids)
    for table, (row_dim, col_dim, number) in TABLE_COLUMNS.items():
        cast = NUMBER_SQL if number == "value" else "BIGINT"
        select = (
            f"s.report_id, s.agency_id, s.year, s.col_code AS {col_dim}, s.row_code AS {row_dim}, "
            f"CAST(s.number AS {cast}) AS {number}, s.raw, s.source_page, s.source_where"
        )
        batches.append(
            con,
            f"fact_{table}",
            f"SELECT {select} FROM stg_{table} s "
            f"WHERE NOT EXISTS (SELECT 1 FROM q WHERE q.report_id = s.report_id AND q.table_name = '{table}')",
            run_id,
        )
        batches.append(
            con,
            f"quarantine_{table}",
            f"SELECT {select.replace(cast, NUMBER_SQL)}, q.reason "
            f"FROM stg_{table} s JOIN q ON q.report_id = s.report_id AND q.table_name = '{table}'",
            run_id,
        )
    batches.refresh_views(con)  # the gate's checks across reports below read this run's cells too
    con.unregister("q")

    # when the warehouse first received each content: a file parsed again (a new parser version)
    # keeps it, so which of two conflicting copies came later never depends on re-parsing
    con.execute("UPDATE stg_reports SET first_ingested_at = ingested_at")
    con.execute(
        "UPDATE stg_reports s SET first_ingested_at = r.received FROM (SELECT report_id, "
        "min(coalesce(first_ingested_at, ingested_at)) AS received FROM reports GROUP BY report_id) r "
        "WHERE r.report_id = s.report_id"
    )
    staged = con.execute("SELECT * FROM stg_reports").df()
    summary = LoadSummary(files=len(staged))
    # each parsed report's verdict, set column by column (a pandas write per cell cost seconds)
    decided = [
        None if status == "failed" else verdict(report_id, reasons)
        for report_id, status in zip(staged["report_id"], staged["status"], strict=True)
    ]
    for column in ("status", "reason", "tables_loaded", "tables_quarantined"):
        values = [old if d is None else getattr(d, column) for old, d in zip(staged[column], decided, strict=True)]
        dtype = staged[column].dtype if column == "status" else object
        staged[column] = pd.Series(values, index=staged.index, dtype=dtype)

    record_files(con, staged)
    rekeyed = refresh_agencies(con)
    keys = pd.concat([staged[["agency_id", "year", "status"]], rekeyed], ignore_index=True)
    resolve_duplicates(con, keys, run_id)
    continuity = check_continuity(con, set(keys["agency_id"].dropna()), run_id)
    this_run = "source_file IN (SELECT source_file FROM run_files) AND status <> 'superseded'"
    # Final statuses only: a copy read as 'partial' and then demoted to 'duplicate' is listed once.
    summary.problems = (
        con.execute(
            f"SELECT source_file, status, reason FROM reports WHERE {this_run} AND present "
            "AND reason IS NOT NULL ORDER BY status = 'duplicate', source_file"
        ).fetchall()
        + continuity
    )
    write_state(con, OVERRIDES_KEY, agencies.overrides_fingerprint())
    summary.warnings = len(warning_results(con, run_id))
    summary.statuses = dict(
        con.execute(f"SELECT status, count(*) FROM reports WHERE {this_run} AND present GROUP BY 1").fetchall()
    )
    summary.removed = [
        (f, "unknown" if seen is None else seen.date().isoformat())
        for f, seen in con.execute(
            "SELECT source_file, last_seen FROM reports WHERE source_file IN "
            "(SELECT source_file FROM run_files WHERE removed_now) AND status <> 'superseded' ORDER BY source_file"
        ).fetchall()
    ]
    for name in (*STAGING_TABLES, "stg_files", "run_files"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    batches.refresh_views(con)  # only the files that still hold a counted cell
    return summary


STAGING_TABLES = ("stg_reports", "stg_problems", "stg_reader_notes", *(f"stg_{t}" for t in TABLE_COLUMNS))


def _delete_facts(con: duckdb.DuckDBPyConnection, report_ids: list[str], quarantine_too: bool) -> None:
    """These reports' cells stop counting (their batch files stay, unread: ``batches.retire``)."""
    kinds = ("fact", "quarantine") if quarantine_too else ("fact",)
    batches.retire(con, report_ids, tuple(f"{kind}_{t}" for kind in kinds for t in TABLE_COLUMNS))


# reports columns that differ among the files holding one content (the others are the content's)
PER_FILE = ("source_file", "file_type", "file_size", "file_mtime", "present", "last_seen", "missing_since")
VERDICT = ("status", "reason", "tables_loaded", "tables_quarantined", "duplicate_of")  # the counted row's only
SUPERSEDED_REASON = "the file changed; its new content replaces this"
COPY_REASON = "byte-identical copy of {}: the same content under another name, counted once"


# Order of a content's rows, the one that counts it first: a byte-identical copy last (its
# duplicate_of is its own report_id), then files no longer present, then by name.
_COPY_LAST = "coalesce(duplicate_of = report_id, false), NOT present, source_file"
_WORK_TABLES = ("staged", "run_present", "before", "content", "was_counted", "new_rows")


def record_files(con: duckdb.DuckDBPyConnection, staged: pd.DataFrame) -> None:
    """Give every file its ``reports`` row, from this run's verdicts (``staged``, one row per
    content parsed) and what earlier runs recorded.

    - A file whose content changed: its row of the earlier content becomes 'superseded' (and
      that content's facts go, unless another file, present or removed, still holds it).
    - A content held by several files is counted by one row: the file that counted it before
      while it is still there, else the first present file by name. That row has the verdict;
      the others are byte-identical copies: 'duplicate', ``duplicate_of`` = the report_id (whose
      facts count), the reason naming the counted file. Facts are keyed by content, so a copy
      never doubles one.
    - A file gone from the raw folder keeps its row and its facts: ``present = false``,
      ``missing_since`` this run, ``last_seen`` the last run that wrote it present.

    The files are ``stg_files`` (``file_rows.stage_files``); without it, the files recorded
    present before plus the ones parsed now. Leaves ``run_files`` (source_file, removed_now):
    the rows this run added, changed or found removed, for the run's summary."""
    now = datetime.now(UTC).replace(tzinfo=None)
    con.execute("CREATE OR REPLACE TEMP TABLE staged AS SELECT * FROM reports LIMIT 0")  # reports' types
    insert_frame(con, "staged", staged)
    con.execute("CREATE OR REPLACE TEMP TABLE before AS SELECT * FROM reports WHERE status <> 'superseded'")
    _files_now(con)
    _contents(con)
    changed = _supersede_changed_files(con)
    _place_files(con, now)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE run_files AS
        SELECT n.source_file, coalesce(b.present AND NOT n.present, false) AS removed_now FROM new_rows n
        LEFT JOIN before b ON b.source_file = n.source_file AND b.report_id = n.report_id
        WHERE b.source_file IS NULL OR n.report_id IN (SELECT report_id FROM staged) OR b.present <> n.present
           OR b.status <> n.status OR b.reason IS DISTINCT FROM n.reason
        """
    )
    con.execute("DELETE FROM reports WHERE status <> 'superseded'")
    con.execute("INSERT INTO reports BY NAME SELECT * FROM new_rows")
    held = con.execute("SELECT DISTINCT report_id FROM reports WHERE status <> 'superseded'").fetchall()
    still_held = {r for (r,) in held}
    _delete_facts(con, [r for r in changed if r not in still_held], quarantine_too=True)
    for name in _WORK_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {name}")


def _files_now(con: duckdb.DuckDBPyConnection) -> None:
    """``run_present``: the files in the raw folder and the content each holds."""
    if con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'stg_files'").fetchone()[0]:
        con.execute("CREATE OR REPLACE TEMP TABLE run_present AS SELECT * FROM stg_files")
        return
    columns = ", ".join(FILE_COLUMNS)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE run_present AS SELECT {columns} FROM staged UNION ALL "
        f"SELECT {columns} FROM before WHERE present AND source_file NOT IN (SELECT source_file FROM staged)"
    )


def _contents(con: duckdb.DuckDBPyConnection) -> None:
    """``content``: per report_id, its parse and verdict (this run's, else those of the row that
    counts it); ``was_counted``: the file that counted each content before this run."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE content AS
        SELECT * EXCLUDE ({", ".join(PER_FILE)}) FROM staged
        UNION ALL BY NAME
        SELECT * EXCLUDE ({", ".join(PER_FILE)}, rank) FROM (
            SELECT *, row_number() OVER (PARTITION BY report_id ORDER BY {_COPY_LAST}) AS rank
            FROM before WHERE report_id NOT IN (SELECT report_id FROM staged)) WHERE rank = 1
        """
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE was_counted AS SELECT report_id, source_file FROM ("
        f"SELECT report_id, source_file, row_number() OVER (PARTITION BY report_id ORDER BY {_COPY_LAST}) AS rank "
        "FROM before) WHERE rank = 1"
    )
    unknown = con.execute(
        "SELECT source_file FROM run_present WHERE report_id NOT IN (SELECT report_id FROM content)"
    ).fetchall()
    if unknown:  # the scan took them for known content that no current row describes
        log.warning("no parse recorded for the content of %s: not recorded this run", [f for (f,) in unknown])


def _supersede_changed_files(con: duckdb.DuckDBPyConnection) -> list[str]:
    """A file whose content changed: the row of its earlier content becomes history. Returns
    the earlier contents (their facts go once no file holds them)."""
    changed = con.execute(
        "SELECT DISTINCT b.report_id FROM before b JOIN run_present f USING (source_file) "
        "WHERE b.report_id <> f.report_id"
    ).fetchall()
    con.execute(
        "UPDATE reports r SET status = 'superseded', reason = ?, tables_loaded = [] FROM run_present f "
        "WHERE r.source_file = f.source_file AND r.report_id <> f.report_id AND r.status <> 'superseded'",
        [SUPERSEDED_REASON],
    )
    # a file back to a content it held before: that content's history row makes room for its row
    con.execute(
        "DELETE FROM reports r USING run_present f WHERE r.source_file = f.source_file "
        "AND r.report_id = f.report_id AND r.status = 'superseded'"
    )
    return [r for (r,) in changed]


def _place_files(con: duckdb.DuckDBPyConnection, now: datetime) -> None:
    """``new_rows``: every file's row: present ones as this run found them, removed ones as
    they were (marked gone); for each content the row that counts it has its verdict, the
    others are its byte-identical copies."""
    columns = ", ".join(FILE_COLUMNS)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE new_rows AS
        WITH placed AS (
            SELECT {columns}, true AS present, ?::TIMESTAMP AS last_seen, NULL::TIMESTAMP AS missing_since
            FROM run_present
            UNION ALL
            SELECT {columns}, false, last_seen, coalesce(missing_since, ?::TIMESTAMP)
            FROM before WHERE source_file NOT IN (SELECT source_file FROM run_present)
        ), ranked AS (
            SELECT p.*, first_value(p.source_file) OVER w AS counted_file, row_number() OVER w AS rank
            FROM placed p LEFT JOIN was_counted c USING (report_id)
            WINDOW w AS (PARTITION BY p.report_id ORDER BY
                coalesce(p.source_file = c.source_file AND p.present, false) DESC, p.present DESC,
                coalesce(p.source_file = c.source_file, false) DESC, p.source_file)
        )
        SELECT r.* EXCLUDE (rank, counted_file), c.* EXCLUDE (report_id, {", ".join(VERDICT)}),
            CASE WHEN rank = 1 THEN c.status ELSE 'duplicate' END AS status,
            CASE WHEN rank = 1 THEN c.reason ELSE format(?, counted_file) END AS reason,
            CASE WHEN rank = 1 THEN c.tables_loaded ELSE [] END AS tables_loaded,
            CASE WHEN rank = 1 THEN c.tables_quarantined ELSE [] END AS tables_quarantined,
            CASE WHEN rank = 1 THEN c.duplicate_of ELSE r.report_id END AS duplicate_of
        FROM ranked r JOIN content c USING (report_id)
        """,
        [now, now, COPY_REASON],
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
    if keys.empty:
        return
    now = datetime.now(UTC).replace(tzinfo=None)
    # every agency-year's copies in one query, decided in Python, written in one statement per
    # kind: a query and an UPDATE per agency-year and loser cost minutes at 10,000 reports
    con.register("duplicate_keys", keys.astype({"year": "int64"}))
    cursor = con.execute(
        f"SELECT {', '.join(f'r.{c}' for c in _Copy._fields[:-1])}, "
        "coalesce(r.first_ingested_at, r.ingested_at) AS received FROM reports r "
        "JOIN duplicate_keys k ON r.agency_id = k.agency_id AND r.year = k.year "
        "WHERE r.status IN ('loaded', 'partial') ORDER BY r.agency_id, r.year, r.ingested_at, r.source_file"
    )
    groups: dict[tuple[str, int], list[_Copy]] = defaultdict(list)  # plain rows: a pandas filter per group cost
    for row in map(_Copy._make, cursor.fetchall()):  # most of the gate at 10,000 reports (2,000 groups)
        groups[(row.agency_id, row.year)].append(row)
    con.unregister("duplicate_keys")
    copies = {key: rows for key, rows in groups.items() if len(rows) > 1}
    demoted: list[tuple[str, str, str]] = []  # (report_id, duplicate_of, reason)
    conflicts: list[tuple[str, str]] = []  # (winner's report_id, message)
    for agency_id, year in keys.itertuples(index=False):
        rows = copies.get((agency_id, int(year)))
        if rows is None:
            continue
        best_status = "loaded" if any(r.status == "loaded" for r in rows) else "partial"
        best = [r for r in rows if r.status == best_status]
        conflict = len({r.numbers_hash for r in best if r.numbers_hash is not None}) > 1
        winner, by_date = _newest_copy(best) if conflict else (best[0], False)
        losers = [r for r in rows if r.report_id != winner.report_id]
        for loser in losers:
            if loser.status != best_status:
                why = f"duplicate of {winner.source_file}, a copy that passes every check"
            elif conflict and _differ(loser.numbers_hash, winner.numbers_hash):
                dates = f"{_dated(winner.published)}; this copy {_dated(loser.published)}"
                how = dates if by_date else f"received later, as the printed dates do not tell: {dates}"
                why = (
                    f"conflicting copy: {winner.source_file} is newer ({how}) and its numbers differ; "
                    "it is loaded instead"
                )
            else:
                why = f"duplicate of {winner.source_file} (same agency, year and numbers)"
            demoted.append((loser.report_id, winner.report_id, why))
        if conflict:
            others = ", ".join(f"{o.source_file} {_dated(o.published)}" for o in losers)
            kept = (
                f"its printed date is the latest ({_dated(winner.published)})"
                if by_date
                else f"received last, as the printed dates do not tell (this copy {_dated(winner.published)})"
            )
            message = (
                f"conflict: other copies for the same agency and year have different numbers ({others}); "
                f"this copy is loaded: {kept}"
            )
            conflicts.append((winner.report_id, message))
    _demote(con, demoted)
    _delete_facts(con, [r for r, _, _ in demoted], quarantine_too=True)
    if conflicts:
        frame = pd.DataFrame(conflicts, columns=["report_id", "message"])
        con.register("conflicts", frame)
        con.execute(
            "UPDATE reports SET reason = coalesce(reports.reason || ' | ', '') || c.message FROM conflicts c "
            "WHERE reports.report_id = c.report_id AND reports.status IN ('loaded', 'partial')"
        )
        con.unregister("conflicts")
        record_results(
            con,
            [
                {
                    "run_id": run_id,
                    "validated_at": now,
                    "suite": DUPLICATES_SUITE,
                    "expectation": DUPLICATES_RULE,
                    "report_id": report_id,
                    "success": False,
                    "details": message,
                    "table_name": None,
                    "severity": "warning",
                }
                for report_id, message in conflicts
            ],
        )


def _demote(con: duckdb.DuckDBPyConnection, demoted: list[tuple[str, str, str]]) -> None:
    """The rows that count the losing copies (their byte-identical copies stay copies) become
    'duplicate' of the winner, with the reason: one UPDATE for all of them."""
    if not demoted:
        return
    con.register("demoted", pd.DataFrame(demoted, columns=["report_id", "duplicate_of", "why"]))
    con.execute(
        "UPDATE reports SET status = 'duplicate', duplicate_of = d.duplicate_of, reason = d.why, tables_loaded = [] "
        "FROM demoted d WHERE reports.report_id = d.report_id AND reports.status IN ('loaded', 'partial')"
    )
    con.unregister("demoted")


class _Copy(NamedTuple):
    """A loaded or partial report of an agency-year with several (``resolve_duplicates``)."""

    agency_id: str
    year: int
    report_id: str
    source_file: str
    status: str
    numbers_hash: str | None
    ingested_at: datetime
    published: date | None
    received: datetime | None  # coalesce(first_ingested_at, ingested_at)


def _differ(a: str | None, b: str | None) -> bool:
    """Whether two copies' numbers differ: an unknown hash differs from every hash, itself too
    (as NaN compared in the pandas rows this was first written on)."""
    return a is None or b is None or a != b


def _newest_copy(best: list[_Copy]) -> tuple[_Copy, bool]:
    """The copy a conflict keeps, and whether the documents' printed dates decided it.

    The dates decide when every copy prints one and one is the latest. Otherwise the copy the
    warehouse received last is taken as the re-issue (``first_ingested_at``: not reset by a
    copy, a re-download or a re-parse), and the content hash settles a tie, so the choice is
    the same on every run."""
    dates = [r.published for r in best]
    if all(d is not None for d in dates):
        latest = max(dates)
        newest = [r for r in best if r.published == latest]
        if len(newest) == 1:
            return newest[0], True
    order = sorted(best, key=lambda r: r.report_id)  # then received, newest first, unknown last (stable)
    order.sort(key=lambda r: (r.received is not None, r.received or datetime.min), reverse=True)
    return order[0], False


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
            con.execute("UPDATE reports SET agency_id = ? WHERE agency_id = ?", [record.agency_id, row.agency_id])
            batches.rename_agency(con, row.agency_id, record.agency_id)
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


GATE_SUITES = (CONTINUITY_SUITE, DUPLICATES_SUITE)  # checks the gate makes across reports, after the GX run


def standing_results(con: duckdb.DuckDBPyConnection, run_id: str | None = None) -> pd.DataFrame:
    """The check results that stand for the warehouse as it is, once per report: for the row
    that counts each content (never a byte-identical copy, never a superseded content), the
    results of the run that parsed it, and of the gate's checks across reports (continuity,
    duplicates) those of the latest run that made them since. Earlier results are history,
    kept in ``dq_results``. With ``run_id``: only the standing results that run made.
    Columns: those of ``dq_results``, plus ``report_status`` and ``source_file``."""
    return con.execute(standing_query(), [run_id, run_id]).df()


def standing_query(condition: str = "true") -> str:
    """The SQL of ``standing_results`` (parameters: the run_id, twice), keeping the results
    that also meet ``condition`` (on ``d``, the dq_results row, and ``c``, the row counting its
    report): so the warnings, or the dashboard's sums, need not pull every result into pandas."""
    gate = ", ".join(f"'{s}'" for s in GATE_SUITES)
    return f"""
        WITH counted AS (
            SELECT report_id, run_id AS parsed_in, ingested_at, status AS report_status, source_file FROM reports
            WHERE status <> 'superseded' AND duplicate_of IS DISTINCT FROM report_id
        ), gate_latest AS (
            SELECT report_id, suite, arg_max(run_id, validated_at) AS run_id FROM dq_results
            WHERE suite IN ({gate}) GROUP BY report_id, suite
        )
        SELECT d.*, c.report_status, c.source_file FROM dq_results d
        JOIN counted c USING (report_id)
        LEFT JOIN gate_latest g ON g.report_id = d.report_id AND g.suite = d.suite
        WHERE CASE WHEN d.suite IN ({gate}) THEN d.run_id = g.run_id AND d.validated_at >= c.ingested_at
                   ELSE d.run_id = c.parsed_in END
          AND (?::VARCHAR IS NULL OR d.run_id = ?) AND ({condition})
        ORDER BY c.source_file, d.validated_at, d.suite, d.expectation
        """


def warning_results(con: duckdb.DuckDBPyConnection, run_id: str | None = None) -> pd.DataFrame:
    """The failed non-blocking checks of the reports that stay loaded ('loaded', 'partial'), one
    per result (a warning of a report held by several files, or read from several copies of
    one agency-year, is one warning). The one definition of "the warnings": what the CLI
    counts for its run (``run_id``) and what the dashboard lists (all standing ones)."""
    warning = "d.severity = 'warning' AND NOT d.success AND c.report_status IN ('loaded', 'partial')"
    return con.execute(standing_query(warning), [run_id, run_id]).df()


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
    # grouped in Python, not a pandas group per report (seconds a thousand reports)
    groups: dict[tuple[str, str, str, int], list[tuple[str, int, int]]] = defaultdict(list)
    for r in pairs.itertuples(index=False):
        groups[(r.report_id, r.source_file, r.prev_file, int(r.year))].append(
            (r.applicant_type, r.carried_over, r.carried_forward)
        )
    for (report_id, source_file, prev_file, year), group in sorted(groups.items()):
        group.sort(key=lambda cell: order.get(cell[0], len(order)))
        bad = [(applicant, over, forward) for applicant, over, forward in group if over != forward]
        details = "; ".join(
            f"{form.TABLE_LABELS_ZH['applications']}: {form.label_zh('applicant_type', applicant)}: "
            f"二、上年结转 {int(over)} ({year}) ≠ 四、结转下年度继续办理 {int(forward)} "
            f"({year - 1}, {prev_file})"
            for applicant, over, forward in bad
        )
        rows.append(
            {
                "run_id": run_id,
                "validated_at": now,
                "suite": CONTINUITY_SUITE,
                "expectation": CONTINUITY_RULE,
                "report_id": report_id,
                "success": not bad,
                "details": details or None,
                "table_name": "applications",
                "severity": "warning",
            }
        )
        if details:
            notes.append((source_file, "warning", f"cross-year continuity (not blocking): {details}"))
    record_results(con, rows)
    return notes
