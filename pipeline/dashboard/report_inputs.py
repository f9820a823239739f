"""What a report's page shows, read from the warehouse, and one digest of all of it.

A report page (``pages.report_page``) is drawn from these inputs and from the code, nothing
else: its row of ``reports`` as ``PAGE_REPORTS`` projects it (with its agency's name and the
byte-identical copies of its content), its standing results (``RESULT_FIELDS``, in
``STANDING_ORDER``), its narrative claims (``CLAIM_FIELDS``, in the table's order) and its
printed cells. ``digests`` computes, in DuckDB, one md5 per report over exactly those inputs
and ``code_digest`` (the modules that draw a page, the checks' words), so a page whose digest
is the one the previous site recorded would come out byte for byte the same: the dashboard
carries it over instead of drawing it again (``pipeline.dashboard.manifest``).

The cells are not hashed one by one (some 250 a report: at national scale that would be most
of the warehouse, every run): a report's cells are the rows of the batch files that
``batch_index`` names for it, files written once and never again (``pipeline.batches``), so
the index rows and their files' identity (path, cells, written_at) stand for them. The
``reports`` columns a run rewrites for every file it finds (``last_seen``) are left out while
the page does not show them: a page shows when a file was last seen only once it is gone.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

import duckdb
import pandas as pd
from pandas.core.dtypes.dtypes import BaseMaskedDtype

from pipeline.normalize import TABLE_COLUMNS

STANDING = "dashboard_standing"  # the standing results, once, as a temporary table of the connection
# their order, made total: results that tie on the first four (several rows of one expectation)
# would otherwise come in any order, and a page (and its digest) with them
STANDING_ORDER = "source_file, validated_at, suite, expectation, table_name, success, details, failed_cells"

# the columns of a standing result that a report page reads
RESULT_FIELDS = ("suite", "expectation", "severity", "success", "details", "failed_cells")
CLAIM_FIELDS = ("claim", "value", "quote")
# what stands for a report's cells: the batch file of each table holding them (never rewritten)
CELL_SOURCE = "struct_pack(i.table_name, i.batch, f.path, f.cells, f.written_at)"

_COUNTED = "status <> 'superseded' AND duplicate_of IS DISTINCT FROM report_id"  # the row counting a content
PAGE_REPORTS = f"""
    SELECT r.report_id, r.source_file, r.title, a.name AS agency, r.year, r.published, r.template, r.status,
           r.reason, r.present, CASE WHEN NOT r.present THEN r.last_seen END AS last_seen,
           coalesce(c.copies, []) AS copies
    FROM reports r LEFT JOIN dim_agency a USING (agency_id)
    LEFT JOIN (
        SELECT report_id, list(source_file ORDER BY source_file) AS copies FROM reports
        WHERE status <> 'superseded' AND duplicate_of = report_id GROUP BY report_id
    ) c USING (report_id)
    WHERE r.{_COUNTED.replace(" AND ", " AND r.")}
"""  # one row per page: the row counting each content, as the page shows it


def page_reports(con: duckdb.DuckDBPyConnection, report_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """The report rows of the pages (of ``report_ids``, else of every page), by source file."""
    where = "" if report_ids is None else "WHERE report_id IN (SELECT unnest(?::VARCHAR[]))"
    cursor = con.execute(
        f"SELECT * FROM ({PAGE_REPORTS}) {where} ORDER BY source_file", [] if report_ids is None else [report_ids]
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


class Cell(NamedTuple):
    """A printed cell as its page's grid shows it: its number's text and where it is printed
    (``page 3, table 2 row 5``), both HTML-escaped already (``_HTML_NUMBER``, ``_HTML_WHERE``)."""

    row_code: str
    col_code: str
    number: str
    where: str
    quarantined: bool


def _escaped(sql: str) -> str:
    """SQL giving ``html.escape`` of the text ``sql`` (the same five replacements, ``&`` first)."""
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;")):
        literal = char.replace("'", "''")
        sql = f"replace({sql}, '{literal}', '{entity}')"
    return sql


# A cell's text on its page, made in DuckDB for the chunk's cells at once (a Python call or two
# per cell was the report pages' main cost): the text printed, or for a blank without it the
# number as Python's ``format(number, "g")`` writes it (C's %g: ``test_dashboard_rows``), and
# where it is printed, its page first when it has one.
_HTML_NUMBER = (
    f"CASE WHEN coalesce(raw, '') <> '' THEN {_escaped('raw')} WHEN number IS NULL THEN '' "
    "ELSE printf('%g', number) END"
)
_HTML_WHERE = _escaped(
    "CASE WHEN source_page IS NULL THEN source_where ELSE concat('page ', source_page, ', ', source_where) END"
)


@dataclass
class Chunk:
    """The report pages' rows for a chunk of reports, grouped by report_id: standing results
    (dicts, in ``STANDING_ORDER``), printed cells per table (``Cell``), narrative claims."""

    latest: dict[str, list[dict[str, Any]]]
    cells: dict[str, dict[str, list[Cell]]]
    claims: pd.DataFrame

    @cached_property
    def _claims(self) -> dict[str, pd.DataFrame]:
        return dict(tuple(self.claims.groupby("report_id", sort=False)))

    @cached_property
    def _no_claims(self) -> pd.DataFrame:
        return self.claims.iloc[:0]  # once a chunk: most reports state no number in their narrative

    def claims_of(self, report_id: str) -> pd.DataFrame:
        frame = self._claims.get(report_id)
        return self._no_claims if frame is None else frame


def chunk(con: duckdb.DuckDBPyConnection, report_ids: list[str]) -> Chunk:
    """The rows of these reports' pages (on a connection where ``STANDING`` exists)."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE dashboard_chunk AS SELECT unnest(?::VARCHAR[]) AS report_id",
        [report_ids],
    )
    chosen = "report_id IN (SELECT report_id FROM dashboard_chunk)"
    latest: dict[str, list[dict[str, Any]]] = {}
    frame = con.execute(
        f"SELECT report_id, {', '.join(RESULT_FIELDS)} FROM {STANDING} WHERE {chosen} ORDER BY standing_order"
    ).df()
    for row in records(frame):
        latest.setdefault(row["report_id"], []).append(row)
    cells: dict[str, dict[str, list[Cell]]] = {}
    for table, (row_dim, col_dim, number) in TABLE_COLUMNS.items():
        select = (
            f"SELECT report_id, {row_dim} AS row_code, {col_dim} AS col_code, CAST({number} AS DOUBLE) AS number, "
            f"raw, source_page, source_where, {{quarantined}} AS quarantined FROM {{table}} WHERE {chosen}"
        )
        both = " UNION ALL ".join(
            select.format(quarantined=q, table=f"{kind}_{table}")
            for q, kind in (("false", "fact"), ("true", "quarantine"))
        )
        rows = con.execute(
            f"SELECT report_id, row_code, col_code, {_HTML_NUMBER}, {_HTML_WHERE}, quarantined FROM ({both})"
        ).fetchall()
        # a report's rows mostly come together: its list is looked up once per run of them (any order: the same lists)
        last, printed = None, []
        for report_id, *fields in rows:
            if report_id != last:
                last, printed = report_id, cells.setdefault(report_id, {}).setdefault(table, [])
            printed.append(Cell(*fields))
    claims = (
        con.execute(
            f"SELECT report_id, {', '.join(CLAIM_FIELDS)} FROM narrative_claims WHERE {chosen} ORDER BY rowid"
        ).df()
        if _has_claims(con)
        else pd.DataFrame(columns=["report_id", *CLAIM_FIELDS])
    )
    con.execute("DROP TABLE dashboard_chunk")
    return Chunk(latest, cells, claims)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """``frame.to_dict("records")``, the same values, read a column at a time: pandas boxes each
    value of a string column through Arrow one by one there (2.6 of the 16 CPU s of a first
    drawing of 10,000 pages). A column's ``tolist`` gives what ``to_dict`` gives (str, or the
    column's own missing value: NaN in a string column, None in an all-null one; Python bool,
    int, float for numpy columns) but for a nullable integer or boolean column's missing value,
    pd.NA, which ``to_dict`` gives as None."""
    names = frame.columns.tolist()
    columns = []
    for name in names:
        values = frame[name].tolist()
        if isinstance(frame[name].dtype, BaseMaskedDtype):
            values = [None if v is pd.NA else v for v in values]
        columns.append(values)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def _has_claims(con: duckdb.DuckDBPyConnection) -> bool:
    tables = {t for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    return "narrative_claims" in tables


def digests(con: duckdb.DuckDBPyConnection, code: str) -> dict[str, str]:
    """report_id -> md5 of everything its page shows and ``code`` (``code_digest``), for every
    page (on a connection where ``STANDING`` exists). One query; nothing per report in Python:
    each input row's JSON is hashed, a report's hashes joined in the page's order and hashed."""

    def hashed(rows: str, order: str) -> str:
        return f"string_agg(md5(to_json({rows})), ',' ORDER BY {order})"

    def fields(names: tuple[str, ...]) -> str:
        return f"struct_pack({', '.join(names)})"

    claims = (
        f"SELECT report_id, {hashed(fields(CLAIM_FIELDS), 'rowid')} AS claims FROM narrative_claims GROUP BY report_id"
        if _has_claims(con)
        else "SELECT NULL::VARCHAR AS report_id, NULL::VARCHAR AS claims WHERE false"
    )
    rows = con.execute(
        f"""
        WITH page AS (
            SELECT report_id, {hashed("p", "source_file")} AS page FROM ({PAGE_REPORTS}) p GROUP BY report_id
        ), results AS (
            SELECT report_id, {hashed(fields(RESULT_FIELDS), "standing_order")} AS results
            FROM {STANDING} GROUP BY report_id
        ), claims AS ({claims}
        ), cells AS (
            SELECT i.report_id, {hashed(CELL_SOURCE, "i.table_name")} AS cells
            FROM batch_index i LEFT JOIN batch_files f USING (table_name, batch) GROUP BY i.report_id
        )
        SELECT report_id, md5(concat_ws('|', ?, page, coalesce(results, ''), coalesce(claims, ''), coalesce(cells, '')))
        FROM page p LEFT JOIN results r USING (report_id) LEFT JOIN claims c USING (report_id)
        LEFT JOIN cells x USING (report_id)
        """,
        [code],
    ).fetchall()
    return dict(rows)


def code_digest(words: dict[tuple[str, str], tuple[str, str]]) -> str:
    """sha256 of what every report page shares: the source of the modules that draw one, the
    checks' plain words (the suites' meta), the versions of the libraries that format its
    values. A change to any of them changes every page's digest: the next build draws all."""
    from pipeline import form, normalize
    from pipeline.dashboard import pages

    digest = hashlib.sha256()
    for module in (sys.modules[__name__], pages, form, normalize):
        digest.update(Path(str(module.__file__)).read_bytes())
    digest.update(json.dumps(sorted(words.items()), ensure_ascii=False).encode())
    digest.update(f"{sys.version_info[:2]} duckdb {duckdb.__version__} pandas {pd.__version__}".encode())
    return digest.hexdigest()
