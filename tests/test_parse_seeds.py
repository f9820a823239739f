"""The parser reads every cell of every seed exactly as printed (values typed by hand)."""

from decimal import Decimal

import pytest

from pipeline.parse import parse_document
from pipeline.readers import read_document
from tests.conftest import RAW, SEED_NAMES
from tests.expected_seeds import SEEDS, application_cells, review_cells


@pytest.fixture(scope="module", params=SEED_NAMES)
def parsed(request):
    return request.param, parse_document(read_document(RAW / request.param))


def test_identity(parsed):
    name, report = parsed
    assert report.agency_name == SEEDS[name]["agency"]
    assert report.year == SEEDS[name]["year"]
    assert report.template == "2021"


def test_every_table_read_without_problems(parsed):
    _, report = parsed
    assert {n: t.problems for n, t in report.tables.items()} == {n: [] for n in report.tables}


def test_applications_every_cell(parsed):
    name, report = parsed
    got = {(c.row, c.col): c.raw for c in report.tables["applications"].cells}
    assert got == application_cells(name)
    assert len(got) == 25 * 7


def test_proactive_every_cell(parsed):
    name, report = parsed
    got = {(c.row, c.col): c.raw for c in report.tables["proactive_disclosure"].cells}
    assert got == SEEDS[name]["proactive"]


def test_review_every_cell(parsed):
    name, report = parsed
    got = {(c.row, c.col): c.raw for c in report.tables["review_litigation"].cells}
    assert got == review_cells(name)


def test_numbers_match_printed_text(parsed):
    _, report = parsed
    for table in report.tables.values():
        for cell in table.cells:
            assert cell.number == Decimal(cell.raw)


def test_provenance_points_at_the_printed_line():
    report = parse_document(read_document(RAW / "003_6e817ece59bf6a07.txt"))
    cell = next(c for c in report.tables["proactive_disclosure"].cells if c.row == "regulation" and c.col == "repealed")
    line = (RAW / "003_6e817ece59bf6a07.txt").read_text(encoding="utf-8").splitlines()[int(cell.where.split()[1]) - 1]
    assert line.strip() == "规章 0 -1 0"
