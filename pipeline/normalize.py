"""ParsedReport -> long-format frames, one row per printed cell, shaped like the staging tables.

The same frames later become fact rows (tables that pass) or quarantine rows (tables that
fail), so the two always have the same content.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain

import pyarrow as pa

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
# The type of every staged, fact and quarantine number: every value the reader accepts
# (pipeline.parse.values: at most MAX_INTEGER_DIGITS integer and MAX_FRACTION_DIGITS
# fraction digits) fits exactly, so an amount is stored exactly as printed, never rounded.
NUMBER_PRECISION, NUMBER_SCALE = 38, 10
NUMBER_SQL = f"DECIMAL({NUMBER_PRECISION}, {NUMBER_SCALE})"
# The staged cells as they go to DuckDB (one Arrow table a chunk, pipeline.ingest): ``number``
# an exact decimal, so Arrow refuses a value the type cannot hold exactly and never rounds (left
# as Python Decimals, DuckDB infers a type from a sample of the rows and fails on a wider value
# further down: seen with 700 reports, DECIMAL(4,0) inferred, then 10027); ``year`` and
# ``source_page`` 64-bit integers; the rest text.
_STAGING_TYPES = {
    "year": pa.int64(),
    "source_page": pa.int64(),
    "number": pa.decimal128(NUMBER_PRECISION, NUMBER_SCALE),
}
STAGING_SCHEMA = pa.schema([(c, _STAGING_TYPES.get(c, pa.string())) for c in STAGING_COLUMNS])
# What a report's cells carry, a list per column (``to_rows``): the columns that differ from
# cell to cell. The report's own columns (``REPORT_KEYS``: the same in each of its cells) are
# given once per report, and ``number`` is made from ``number_text`` (the cast is exact:
# Arrow refuses a text it would have to round), so a worker sends no Decimal and no copy of its
# report's id per cell (unpickling those was a fifth of the staging process's work).
CELL_COLUMNS = ("row_code", "col_code", "number_text", "raw", "source_page", "source_where")
REPORT_KEYS = ("report_id", "agency_id", "year", "template")
ReportCells = tuple[tuple[object, ...], dict[str, list[object]]]  # (REPORT_KEYS values, CELL_COLUMNS lists)


def cells_table(reports: Sequence[ReportCells]) -> pa.Table:
    """Reports' staged cells (each report's ``REPORT_KEYS`` values and its ``CELL_COLUMNS``
    lists, as ``to_rows`` gives them) as one Arrow table of ``STAGING_SCHEMA``, the reports'
    cells in order: DuckDB and Parquet read its columns without a Python object per cell."""
    import numpy as np

    counts = [len(cells["row_code"]) for _, cells in reports]
    owner = pa.array(np.repeat(np.arange(len(reports)), counts))  # each cell's report
    columns: dict[str, pa.Array] = {
        key: pa.array([keys[k] for keys, _ in reports], STAGING_SCHEMA.field(key).type).take(owner)
        for k, key in enumerate(REPORT_KEYS)
    }
    for column in CELL_COLUMNS:
        columns[column] = pa.array(
            list(chain.from_iterable(cells[column] for _, cells in reports)), STAGING_SCHEMA.field(column).type
        )
    columns["number"] = columns["number_text"].cast(STAGING_SCHEMA.field("number").type)
    return pa.table([columns[c] for c in STAGING_COLUMNS], schema=STAGING_SCHEMA)


@dataclass(frozen=True)
class Staged:
    """One report's cells in staging shape, per table: a list per ``CELL_COLUMNS`` column,
    the shape the batch's Arrow tables are made from (``cells_table``, with the report's keys)."""

    report_id: str
    cells: dict[str, dict[str, list[object]]]
    numbers_hash: str
    # the reader's non-blocking findings, one dict (report_id, table_name, note_no, note) each
    reader_notes: list[dict[str, object]] = field(default_factory=list)


def cell_kind(table: str, col: str) -> str:
    """Value rule of a cell: applications and review cells are counts; proactive cells
    follow their measure (count, signed_count or amount)."""
    if table == "proactive_disclosure":
        return form.MEASURES_BY_CODE[col].kind
    return "count"


def to_rows(report_id: str, parsed: ParsedReport) -> Staged:
    """Every cell read from every table, in staging shape (also for tables with problems:
    the quarantine shows a person what was read). Plain lists, not a DataFrame per report:
    the batch becomes one Arrow table per table and chunk (``STAGING_SCHEMA``), which is much cheaper."""
    cells = {name: _columns(parsed.tables[name].cells) for name in form.TABLES}
    notes = [
        {"report_id": report_id, "table_name": name, "note_no": i, "note": note}
        for name in form.TABLES
        if name in parsed.tables
        for i, note in enumerate(parsed.tables[name].warnings, start=1)
    ]
    return Staged(report_id, cells, numbers_hash(parsed), notes)


def _columns(cells: Sequence[Cell]) -> dict[str, list[object]]:
    """A table's cells as one list per ``CELL_COLUMNS`` column. Built a column at a time (a
    Cell is a tuple: ``zip`` transposes them at C speed), not a dict per cell turned into
    columns again: the one per-cell step left in Python is the number's text."""
    transposed = [list(column) for column in zip(*cells, strict=True)] if cells else [[] for _ in Cell._fields]
    rows, cols, raws, numbers, wheres, pages = transposed
    return {
        "row_code": rows,
        "col_code": cols,
        "number_text": [None if number is None else format(number, "f") for number in numbers],
        "raw": raws,
        "source_page": pages,
        "source_where": wheres,
    }


def numbers_hash(parsed: ParsedReport) -> str:
    """Fingerprint of every number read, to tell identical copies of a report from re-issues:
    the sha256 of the repr of the sorted (table, row, col, canonical number) items. Warehouses
    keep these, so the bytes hashed never change; they are assembled from cached pieces
    (reports print the same cells with the same few numbers): per cell, one lookup by (table,
    row, col, number, sign) gives its item's sort string, which sorts as the item does (as
    plain strings, three times faster than tuples), and the sort string its item's repr."""
    if len(_SORT_STRINGS) >= _CACHE_MAX:  # cleared between reports: a report's strings keep their reprs
        _SORT_STRINGS.clear()
        _REPRS.clear()
    known = _SORT_STRINGS.get
    strings = []
    for name, table in parsed.tables.items():
        for row, col, _, number, _, _ in table.cells:
            key = (name, row, col, number, number is not None and number.is_signed())
            text = known(key)
            strings.append(_item(key) if text is None else text)
    strings.sort()
    reprs = _REPRS
    return hashlib.sha256(("[" + ", ".join([reprs[text] for text in strings]) + "]").encode()).hexdigest()


def _item(key: tuple[str, str, str, Decimal | None, bool]) -> str:
    """A cell's (table, row, col, canonical number) item, kept as its sort string (in
    ``_SORT_STRINGS``) and its repr (in ``_REPRS``, by sort string). The canonical number is
    ``format(number.normalize(), "f")`` ('' for a blank): equal Decimals normalize alike,
    except -0 and 0, which the sign in the key tells apart. The sort string is each part with
    NUL written NUL SOH, ended by NUL NUL: strings compare as the items do (a part that is a
    prefix of another ends in NUL NUL, below any character or NUL SOH that follows there), and
    equal strings are equal items, so sorting the strings orders the reprs as sorting the items."""
    name, row, col, number, _ = key
    item = (name, row, col, "" if number is None else format(number.normalize(), "f"))
    text = "".join(part.replace("\0", "\0\1") + "\0\0" for part in item)
    _SORT_STRINGS[key] = text
    _REPRS[text] = repr(item)
    return text


_CACHE_MAX = 100_000
_SORT_STRINGS: dict[tuple[str, str, str, Decimal | None, bool], str] = {}
_REPRS: dict[str, str] = {}
