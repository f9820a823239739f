"""Finding and reading the three statutory tables in a document's rows.

The form fixes the order of rows, so each table is read by walking its expected rows
(from ``pipeline.form``) in order: label text accumulates over wrapped lines until a row
with values arrives, and the accumulated label must name the next expected row. A label
that names several expected rows in order means the earlier ones were printed without any
value (all blank), which is unambiguous. Anything else — a label that names no expected
row, a row with a wrong number of values in a text copy — is a problem that quarantines
the table with a reason; nothing is guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline import form
from pipeline.document import Row
from pipeline.parse.model import Cell, TableRead
from pipeline.parse.rows import Split, split
from pipeline.parse.values import normalize, read_value


@dataclass(frozen=True)
class Slot:
    """An expected printed row: its code, how to recognize it, its columns in order."""

    code: str
    label_zh: str
    keys: tuple[str, ...]
    cols: tuple[str, ...]
    align: str  # where the value cells sit in a grid row: 'right' (last N) or 'left' (first N)


def application_slots(template: form.Template) -> list[Slot]:
    cols = tuple(m.code for m in form.APPLICANT_TYPES)
    return [Slot(m.code, m.label_zh, tuple(normalize(k) for k in m.keys), cols, "right") for m in template.value_rows]


def proactive_slots(template: form.Template) -> list[Slot]:
    return [
        Slot(item.code, item.label_zh, tuple(normalize(k) for k in item.keys), block.measures, "left")
        for block in template.proactive
        for item in block.items
    ]


# --- regions -------------------------------------------------------------------------------

_PROACTIVE_START = re.compile(r"第二十条第\(一\)项")
_APPLICATIONS_START = re.compile(r"本列数据的勾稽关系|申请人情况|本年新收政府信息公开申请")
_SECTION_FIVE = re.compile(r"存在的主要问题|主要问题及改进")


@dataclass(frozen=True)
class Regions:
    """Row index ranges [start, end) of the tables; None when a table was not found."""

    proactive: tuple[int, int] | None
    applications_start: int | None


def find_regions(rows: Sequence[Row]) -> Regions:
    texts = [normalize("".join(r.cells)) for r in rows]
    pro = next((i for i, t in enumerate(texts) if _PROACTIVE_START.search(t)), None)
    app = next((i for i, t in enumerate(texts[pro or 0 :], start=pro or 0) if _APPLICATIONS_START.search(t)), None)
    if pro is None:
        return Regions(None, app)
    return Regions((pro, app if app is not None else len(rows)), app)


def review_region_end(rows: Sequence[Row], start: int) -> int:
    for i in range(start, len(rows)):
        if _SECTION_FIVE.search(normalize("".join(rows[i].cells))):
            return i
    return len(rows)


# --- reading rows against slots ---------------------------------------------------------------


def _find(buffer: str, keys: tuple[str, ...], start: int) -> int | None:
    """End position of the earliest key found in buffer[start:], or None."""
    hits = [buffer.find(k, start) for k in keys]
    found = [(h, h + len(k)) for h, k in zip(hits, keys, strict=True) if h >= 0]
    return min(found)[1] if found else None


def _pick(values: tuple[tuple[str, str], ...], slot: Slot, grid: bool, where: str) -> list[tuple[str, str]] | str:
    """The slot's value cells in column order, or a problem description."""
    n = len(slot.cols)
    if not grid:
        if len(values) != n:
            return (
                f"{where}: row {slot.label_zh} has {len(values)} values for {n} columns "
                "(blank cells cannot be placed in a text copy)"
            )
        return list(values)
    if len(values) < n:
        return f"{where}: row {slot.label_zh} has text where {n} numeric cells are expected"
    picked = list(values[-n:]) if slot.align == "right" else list(values[:n])
    rest = values[:-n] if slot.align == "right" else values[n:]
    if any(text.strip() for text, _ in rest):
        return f"{where}: row {slot.label_zh} has more than {n} filled value cells"
    return picked


def _blank_cells(slot: Slot, where: str, page: int | None) -> list[Cell]:
    return [Cell(slot.code, col, "", None, f"{where} (row printed without values)", page) for col in slot.cols]


def match_rows(rows: Sequence[Row], slots: list[Slot], table: str) -> tuple[TableRead, int]:
    """Read ``slots`` in order from ``rows``; returns the table and the index after its last row."""
    result = TableRead(table)
    k, buffer = 0, ""
    for index, row in enumerate(rows):
        s: Split = split(row)
        buffer += s.label
        if not s.values:
            continue
        pos = _find(buffer, slots[k].keys, 0)
        if pos is None:
            result.problems.append(
                f"{row.where}: expected the row {slots[k].label_zh}, found '{buffer[-40:]}' with values "
                f"{' '.join(t for t, _ in s.values)}"
            )
            return result, index + 1
        chain = [k]
        while chain[-1] + 1 < len(slots):
            nxt = _find(buffer, slots[chain[-1] + 1].keys, pos)
            if nxt is None:
                break
            chain.append(chain[-1] + 1)
            pos = nxt
        for blank in chain[:-1]:
            result.cells.extend(_blank_cells(slots[blank], row.where, row.page))
        slot = slots[chain[-1]]
        picked = _pick(s.values, slot, s.grid, row.where)
        if isinstance(picked, str):
            result.problems.append(picked)
            return result, index + 1
        for col, (text, where) in zip(slot.cols, picked, strict=True):
            value = read_value(text)
            assert value is not None  # split() only returns value tokens
            result.cells.append(Cell(slot.code, col, value.raw, value.number, where, row.page))
        k, buffer = chain[-1] + 1, ""
        if k == len(slots):
            return result, index + 1
    result.problems.append(f"the table ends before the row {slots[k].label_zh}")
    return result, len(rows)


def read_review(rows: Sequence[Row]) -> TableRead:
    """The review/litigation table: 15 numbers in printed order (3 proceedings x 5 results),
    taken from rows that hold only values (normally one row of 15)."""
    result = TableRead("review_litigation")
    values: list[tuple[str, str, int | None]] = []
    for row in rows:
        s = split(row)
        if s.values and not s.label:
            values.extend((text, where, row.page) for text, where in s.values)
    slots = [(p.code, r.code) for p in form.PROCEEDINGS for r in form.RESULTS]
    if len(values) != len(slots):
        where = rows[0].where if rows else "end of document"
        result.problems.append(
            f"from {where}: found {len(values)} numbers for the {len(slots)} cells of the review/litigation table"
        )
        return result
    for (proceeding, res), (text, where, page) in zip(slots, values, strict=True):
        value = read_value(text)
        assert value is not None
        result.cells.append(Cell(proceeding, res, value.raw, value.number, where, page))
    return result
