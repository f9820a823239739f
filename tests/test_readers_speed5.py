"""The fifth speed pass (readers and normalize, issue 10.2) changes how, never what, is read.

Each shortcut is held to what it stands for: ``Row``'s own ``__init__`` to the frozen
dataclass's, the text reader's skip of the pipe patterns to trying them on every line,
``numbers_hash``'s sort strings to sorting the items themselves, ``_rows``' unpacking to
reading each field by name.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
import random
from decimal import Decimal

import pytest
from lxml import etree

from pipeline import normalize
from pipeline.document import Row
from pipeline.parse.model import Cell, ParsedReport, TableRead
from pipeline.readers import html, text


@dataclasses.dataclass(frozen=True)
class GeneratedRow:
    """``Row`` as the dataclass decorator writes it."""

    cells: tuple[str, ...]
    where: str
    page: int | None = None
    grid: bool = False


def test_row_is_the_frozen_dataclass_it_was():
    for args, kwargs in [((("a",), "line 1"), {}), ((("a", ""), "table 1 row 2"), {"grid": True, "page": 3})]:
        row, generated = Row(*args, **kwargs), GeneratedRow(*args, **kwargs)
        assert repr(row) == repr(generated).replace("GeneratedRow", "Row")
        assert vars(row) == vars(generated) and list(vars(row)) == list(vars(generated))
        assert hash(row) == hash(Row(*args, **kwargs)) and row == Row(*args, **kwargs)
        assert pickle.loads(pickle.dumps(row)) == row
        assert dataclasses.replace(row, cells=("b",)) == Row(("b",), row.where, row.page, row.grid)
        with pytest.raises(dataclasses.FrozenInstanceError):
            row.cells = ()  # type: ignore[misc]


def _read_by_definition(data: bytes) -> list[Row]:
    """The text reader's loop before the pass: every line tried against both pipe patterns."""
    decoded, _ = text.decode(data)
    rows = []
    for number, line in enumerate(decoded.splitlines(), start=1):
        if (not line.strip() and "\t" not in line) or text._PIPE_SEPARATOR.match(line):
            continue
        if text._PIPE_ROW.match(line):
            cells = tuple(c.strip() for c in line.strip().strip("|").split("|"))
            rows.append(Row(cells=cells, where=f"line {number}", grid=True))
            continue
        cells = tuple(c.strip() for c in line.split("\t")) if "\t" in line else (line.strip(),)
        rows.append(Row(cells=cells, where=f"line {number}"))
    return rows


LINES = [
    "",
    "   ",
    "\t",
    "\t\t",
    " \t ",
    "规章\t0\t0\t0",
    "\t规章\t\t0\t",
    "| 规章 | 0 | 0 | 0 |",
    "|---|:---:|---|",
    "| - | - |",
    "  | a |  ",
    "a | b",
    "| a\tb |",
    "|",
    "||",
    "a|b|",
    "\u3000| 0 |\u3000",
    "一、总体情况",
    "x\x0by",
]


def test_text_reader_reads_as_by_definition():
    rng = random.Random(5)
    for _ in range(300):
        data = "\n".join(rng.choice(LINES) for _ in range(rng.randint(1, 12))).encode()
        if not data.strip():
            continue
        assert text.read(data).rows == _read_by_definition(data), data


def _hash_by_definition(parsed: ParsedReport) -> str:
    """``numbers_hash`` as the form of its bytes says: the repr of the sorted items."""
    items = sorted(
        (name, c.row, c.col, "" if c.number is None else format(c.number.normalize(), "f"))
        for name, table in parsed.tables.items()
        for c in table.cells
    )
    return hashlib.sha256(repr(items).encode()).hexdigest()


NUMBERS = [None, "0", "-0", "0.0", "1", "1.0", "1.50", "-2", "10", "100", "1E+2", "12345678.9", "0.001"]
CODES = ["a", "ab", "a\0", "a\0b", "b", "a b", "", "\x01", "总计", "a'", 'a"', "a\\"]


def _random_report(rng: random.Random) -> ParsedReport:
    tables = {}
    for name in rng.sample(["applications", "proactive_disclosure", "review_litigation", "app"], 3):
        cells = []
        for _ in range(rng.randint(0, 30)):
            number = rng.choice(NUMBERS)
            cells.append(
                Cell(rng.choice(CODES), rng.choice(CODES), "r", None if number is None else Decimal(number), "w")
            )
        tables[name] = TableRead(name, cells)
    return ParsedReport("t", "a", 2024, "2021", tables)


def test_numbers_hash_is_the_hash_of_the_sorted_items(monkeypatch):
    rng = random.Random(2026)
    reports = [_random_report(rng) for _ in range(200)]
    for parsed in reports:
        assert normalize.numbers_hash(parsed) == _hash_by_definition(parsed)
    monkeypatch.setattr(normalize, "_CACHE_MAX", 40)  # the caches cleared between reports
    for parsed in reports:
        assert normalize.numbers_hash(parsed) == _hash_by_definition(parsed)


def test_sort_strings_compare_as_the_items_do():
    rng = random.Random(7)
    for _ in range(2000):
        keys = [(rng.choice(CODES), rng.choice(CODES), rng.choice(CODES), None, False) for _ in range(2)]
        (a, b), items = map(normalize._item, keys), [(*k[:3], "") for k in keys]
        assert (a < b) == (items[0] < items[1]) and (a == b) == (items[0] == items[1])


def test_columns_read_every_field_by_name():
    """``normalize._columns`` transposes Cells by position: each cell column must hold the
    field of that name, cell by cell, in order (and a table without cells gives empty columns);
    ``cells_table`` puts the report's keys beside each of its cells and the exact number of
    its text, reports in the order given."""
    rng = random.Random(3)
    parsed = _random_report(rng)
    for name, table in parsed.tables.items():
        cells = [c._replace(page=rng.choice([None, 4]), where=f"table 1 row {i}") for i, c in enumerate(table.cells)]
        expected = {
            "row_code": [c.row for c in cells],
            "col_code": [c.col for c in cells],
            "number_text": [None if c.number is None else format(c.number, "f") for c in cells],
            "raw": [c.raw for c in cells],
            "source_page": [c.page for c in cells],
            "source_where": [c.where for c in cells],
        }
        columns = normalize._columns(cells)
        assert columns == expected, name
        assert list(columns) == list(normalize.CELL_COLUMNS)
        first, second = cells[: len(cells) // 2], cells[len(cells) // 2 :]
        arrow = normalize.cells_table(
            [(("r1", "a1", parsed.year, parsed.template), normalize._columns(first)),
             (("r2", "a2", None, None), normalize._columns(second))]
        )  # fmt: skip
        assert arrow.schema == normalize.STAGING_SCHEMA
        staged = {column: arrow.column(column).to_pylist() for column in normalize.STAGING_COLUMNS}
        assert staged == {
            "report_id": ["r1"] * len(first) + ["r2"] * len(second),
            "agency_id": ["a1"] * len(first) + ["a2"] * len(second),
            "year": [parsed.year] * len(first) + [None] * len(second),
            "template": [parsed.template] * len(first) + [None] * len(second),
            "number": [c.number for c in cells],  # Decimals compare by value: 12 == 12.0000000000
            **expected,
        }, name
        assert [None if n is None else n.is_signed() for n in staged["number"]] == [
            None if c.number is None else c.number.is_signed() and c.number != 0 for c in cells
        ]
    empty = normalize._columns([])
    assert empty == {key: [] for key in normalize.CELL_COLUMNS} and list(empty) == list(normalize.CELL_COLUMNS)


TABLES = [
    "<table><tr><td>1</td><!-- c --><th>2</th></tr></table>",
    "<table><thead><tr><th>a</th></tr></thead><tbody><tr><td>1</td></tr></tbody><tfoot><tr><td>f</td></tr></tfoot></table>",
    "<table><tr><td>1</td></tr><tbody><tr><td>2</td></tr></tbody><tr><td>3</td></tr></table>",
    "<table><caption>x</caption><tr><td>1<div><table><tr><td>in</td></tr></table></div></td></tr></table>",
    "<table><form><tr><td>1</td></tr></form><div><div><tr><td>deep</td></tr></div></div></table>",
    "<table><tr><p>t</p><td>a</td><span>s</span><td>b</td></tr></table>",
    "<table><tr><td rowspan='2'>a</td><td>b</td></tr><tr><td>c</td></tr></table>",
]


def _rows_and_cells_by_definition(table) -> list[list[str]]:
    """A table's rows as the walk found them: every tr whose parent or grandparent is the
    table, its td and th children (by tag, comments left out)."""
    trs = [tr for tr in table.iter("tr") if tr.getparent() is table or tr.getparent().getparent() is table]
    return [[html._cell_text(td) for td in tr if td.tag in ("td", "th")] for tr in trs]


@pytest.mark.parametrize("markup", TABLES)
def test_html_rows_and_cells_are_those_the_walk_found(markup):
    root = etree.fromstring(f"<html><body>{markup}</body></html>", html._PARSER)
    for table in root.iter("table"):
        expected = _rows_and_cells_by_definition(table)
        found = [[html._cell_text(td) for td in tr.iterchildren("td", "th")] for tr in html._TABLE_ROWS(table)]
        assert found == expected, markup
