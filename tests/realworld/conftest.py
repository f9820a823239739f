"""The six real reports of ../shared/realworld/: where they are, how a worked example reads one,
and one warehouse run for all six together.

The test modules are ``tests/test_realworld_<stem>.py`` (one per document). A fixture defined
here would not reach them (a conftest only serves its own folder), so this module exposes plain
functions they call from their own fixtures; the warehouse is built once per session and cached.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.realworld.cells import Cells, with_numbers

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "realworld"
FILES = (
    "szfgs2024.pdf",
    "hzq2023_working.pdf",
    "shanghai_gov_office_2019.html",
    "pingtan_junshan_2022_page.txt",
    "kiro_kewei2024.md",
    "pingtan__2024_page.txt",
)


def source(name: str) -> Path:
    """Path of one real report; skips the test when ../shared/realworld/ is not there."""
    path = SHARED / name
    if not path.is_file():
        pytest.skip(f"real report {name} not found: expected in {SHARED} (the shared folder beside the repo)")
    return path


def parse(name: str):
    """The parser's reading of one real report (ParsedReport)."""
    from pipeline.parse import parse_document
    from pipeline.readers import read_document

    return parse_document(read_document(source(name)))


def read_cells(table) -> dict[tuple[str, str], tuple[str, Decimal | None]]:
    """A parsed table's cells as {(row, col): (raw, number)}; a cell read twice is an error."""
    got = {(c.row, c.col): (c.raw, c.number) for c in table.cells}
    assert len(got) == len(table.cells), f"{table.name}: some cells were read twice"
    return got


def assert_cells(table, expected: Cells) -> None:
    """Every printed cell read, nothing else read, each with its printed text and number."""
    assert table.problems == [], f"{table.name} could not be read: {table.problems}"
    assert_same(read_cells(table), expected, f"parsed {table.name}")


def assert_same(got, expected: Cells, what: str) -> None:
    """Cells as read or stored equal the printed ones (text and number), cell for cell."""
    want = with_numbers(expected)
    missing = [k for k in want if k not in got]
    extra = [k for k in got if k not in want]
    wrong = [(k, got[k], want[k]) for k in want if k in got and got[k] != want[k]]
    assert not (missing or extra or wrong), (
        f"{what}: {len(missing)} missing (first {missing[:3]}), {len(extra)} extra (first {extra[:3]}), "
        f"{len(wrong)} differ (first as (cell, got, printed): {wrong[:3]})"
    )


# --- one warehouse run for all six --------------------------------------------------------

_RUN: dict[str, Path | BaseException] = {}


def warehouse(tmp_path_factory) -> Path:
    """The six reports ingested together by the real job, once per session."""
    if "path" not in _RUN:
        for name in FILES:
            source(name)
        root = tmp_path_factory.mktemp("realworld")
        raw = root / "raw"
        raw.mkdir()
        for name in FILES:
            shutil.copy2(SHARED / name, raw / name)
        try:
            from pipeline.cli import run_ingest

            run_ingest(raw, root / "gongkai.duckdb", ephemeral=True)
            _RUN["path"] = root / "gongkai.duckdb"
        except Exception as exc:  # remembered: the other five modules fail fast instead of re-running
            _RUN["path"] = exc
    result = _RUN["path"]
    if isinstance(result, BaseException):
        raise AssertionError(f"the ingest of the six real reports failed: {result!r}") from result
    return result


_TABLES = {
    "applications": ("outcome", "applicant_type", "count"),
    "proactive_disclosure": ("item", "measure", "value"),
    "review_litigation": ("proceeding", "result", "count"),
}


@dataclass
class StoredReport:
    """One real report as the warehouse holds it (read-only connection)."""

    con: duckdb.DuckDBPyConnection
    source_file: str

    def query(self, sql: str, params=()) -> list[tuple]:
        return self.con.execute(sql, list(params)).fetchall()

    def row(self) -> dict:
        rows = self.query(
            "SELECT r.report_id, r.status, r.reason, r.year, r.template, r.tables_loaded, r.tables_quarantined, "
            "a.name FROM reports r LEFT JOIN dim_agency a USING (agency_id) WHERE r.source_file = ?",
            [self.source_file],
        )
        assert len(rows) == 1, f"{self.source_file}: {len(rows)} rows in reports"
        keys = ("report_id", "status", "reason", "year", "template", "tables_loaded", "tables_quarantined", "agency")
        return dict(zip(keys, rows[0], strict=True))

    def _cells(self, prefix: str, table: str) -> dict[tuple[str, str], tuple[str, Decimal | None]]:
        row_dim, col_dim, number = _TABLES[table]
        rows = self.query(
            f"SELECT {row_dim}, {col_dim}, {number}, raw FROM {prefix}_{table} WHERE report_id = ?",
            [self.row()["report_id"]],
        )
        got = {(r, c): (raw, None if n is None else Decimal(str(n))) for r, c, n, raw in rows}
        assert len(got) == len(rows), f"{prefix}_{table}: some cells stored twice"
        return got

    def facts(self, table: str):
        return self._cells("fact", table)

    def quarantined(self, table: str):
        return self._cells("quarantine", table)

    def quarantine_reasons(self, table: str) -> set[str]:
        return {
            r
            for (r,) in self.query(
                f"SELECT DISTINCT reason FROM quarantine_{table} WHERE report_id = ?", [self.row()["report_id"]]
            )
        }

    def failed_checks(self, severity: str) -> list[tuple[str, str, str]]:
        """(expectation, table, details) of every failed check of this report at that severity."""
        return self.query(
            "SELECT expectation, table_name, details FROM dq_results "
            "WHERE report_id = ? AND NOT success AND severity = ? ORDER BY 1, 2",
            [self.row()["report_id"], severity],
        )


def stored(tmp_path_factory, name: str):
    """A StoredReport over a read-only connection to the shared warehouse; the caller closes it."""
    path = warehouse(tmp_path_factory)
    return StoredReport(duckdb.connect(str(path), read_only=True), name)
