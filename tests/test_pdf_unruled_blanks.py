"""Tables drawn without lines (unruled PDF): a blank cell prints nothing, so only positions
tell where a row's numbers stand. A row with fewer than three numbers inside a table is still
one of its rows when its numbers stand under the table's columns; a column blank in every row
is known from its header word; a review table printing only its header is 15 blank cells.

Each case renders one report with the layout generator's PDF renderer (unruled), with the
cells named below printed blank, and reads it back: every cell must be the one rendered.
"""

from dataclasses import replace

import pytest

from tools.layouts.families import FAMILIES_BY_NAME
from tools.layouts.harness import compare, make_case, read_back, render
from tools.layouts.model import Printed

BLANK = Printed("", None)


def _case(index: int, template: str):
    for i in range(index, index + 200):
        case = make_case(FAMILIES_BY_NAME["plain"], "pdf", i, 71)
        if case.report.template == template:
            case.layout = replace(case.layout, ruled=False)
            return case
    raise AssertionError("no case of that template")


def _read(case, tmp_path):
    path = tmp_path / f"{case.name}.pdf"
    path.write_bytes(render(case))
    return read_back(path)


def _blank(table: dict, keys) -> None:
    for key in keys:
        table[key] = BLANK


@pytest.mark.parametrize("template", ["2021", "2019"])
def test_a_row_with_one_number_keeps_its_column(tmp_path, template):
    case = _case(0, template)
    proactive = case.report.tables["proactive_disclosure"]
    first, second, third = (k for k in proactive if k[0] == next(iter(proactive))[0])
    _blank(proactive, [first, third])  # only the middle column printed
    proactive[second] = Printed("7", 7)
    parsed = _read(case, tmp_path)
    read = parsed.tables["proactive_disclosure"]
    assert read.problems == []
    assert compare(proactive, read.cells) == []
    row = [(c.col, c.raw) for c in read.cells if c.row == first[0]]
    assert row == [(first[1], ""), (second[1], "7"), (third[1], "")]


@pytest.mark.parametrize("template", ["2021", "2019"])
def test_a_section_whose_rows_all_lack_a_number_is_placed_by_its_header(tmp_path, template):
    """第二十条（一）: neither row prints three numbers, so no row shows where the columns
    are; the header words over them (本年制发件数 本年废止件数 现行有效件数) do."""
    case = _case(0, template)
    proactive = case.report.tables["proactive_disclosure"]
    rows = list(dict.fromkeys(k[0] for k in proactive))[:2]
    first, second = ([k for k in proactive if k[0] == row] for row in rows)
    _blank(proactive, [first[1], second[0]])
    proactive[first[0]], proactive[first[2]] = Printed("12", 12), Printed("3", 3)
    proactive[second[1]], proactive[second[2]] = Printed("5", 5), Printed("40", 40)
    parsed = _read(case, tmp_path)
    read = parsed.tables["proactive_disclosure"]
    assert read.problems == []
    assert compare(proactive, read.cells) == []
    assert [(c.col, c.raw) for c in read.cells if c.row == rows[0]] == [
        (first[0][1], "12"),
        (first[1][1], ""),
        (first[2][1], "3"),
    ]
    assert [(c.col, c.raw) for c in read.cells if c.row == rows[1]] == [
        (second[0][1], ""),
        (second[1][1], "5"),
        (second[2][1], "40"),
    ]


def test_a_review_column_blank_in_every_row_is_known_from_its_header(tmp_path):
    case = _case(0, "2021")
    review = case.report.tables["review_litigation"]
    # 复议后起诉 printed blank throughout (no cases), the other blocks printed
    _blank(review, [k for k in review if k[0] == "litigation_after_review"])
    parsed = _read(case, tmp_path)
    read = parsed.tables["review_litigation"]
    assert read.problems == []
    assert compare(review, read.cells) == []


def test_a_review_table_printing_only_its_header_is_blank(tmp_path):
    case = _case(0, "2021")
    review = case.report.tables["review_litigation"]
    _blank(review, list(review))
    parsed = _read(case, tmp_path)
    read = parsed.tables["review_litigation"]
    assert read.problems == []
    assert [(c.raw, c.number) for c in read.cells] == [("", None)] * 15
    assert len(read.warnings) == 1 and read.warnings[0].endswith("table 四 prints no numbers: 15 blank cells")
