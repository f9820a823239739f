"""Tab-separated text copies keep their blank cells: an empty field between two values is a
blank cell of the row; the empty fields at a row's ends may be blank cells or spacing (an
empty label column, trailing tabs), and are placed only where one placement remains.

Built on the seed 004 (安阳县…, a tab-separated copy): each test edits a few of its lines and
states the printed cells it expects, typed from the edited line.
"""

from pathlib import Path

from pipeline.parse import parse_document
from pipeline.readers import text

SEED = next(Path(__file__).resolve().parents[1].glob("data/raw/004_*.txt")).read_text(encoding="utf-8")
NEW = "一、本年新收政府信息公开申请数量\t\t4\t0\t0\t0\t0\t0\t4\t"
GRANTED = "三、本年度办理结果\t(一) 予以公开\t4\t0\t0\t0\t0\t0\t4\t"
REVIEW = "0\t1\t0\t0\t1\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0"


def _parse(*edits: tuple[str, str]):
    body = SEED
    for old, new in edits:
        assert body.count(old) == 1, old
        body = body.replace(old, new)
    return parse_document(text.read(body.encode("utf-8")))


def _row(table, code: str) -> list[str]:
    return [c.raw for c in table.cells if c.row == code]


def test_blank_cells_between_values_stay_in_place():
    parsed = _parse(
        (NEW, "一、本年新收政府信息公开申请数量\t\t3\t\t1\t\t\t\t4\t"),
        (GRANTED, "三、本年度办理结果\t(一) 予以公开\t3\t\t1\t—\t\t\t4\t"),
    )
    apps = parsed.tables["applications"]
    assert apps.problems == []
    assert _row(apps, "new_received") == ["3", "", "1", "", "", "", "4"]
    assert _row(apps, "granted") == ["3", "", "1", "—", "", "", "4"]
    cell = next(c for c in apps.cells if (c.row, c.col) == ("new_received", "commercial_enterprise"))
    assert cell.where == "line 53 cell 4"


def test_a_blank_total_at_the_row_end_is_a_cell_of_the_row():
    # 自然人 4 and nothing else: the 总计 field left empty is the row's last cell (total not printed)
    parsed = _parse((GRANTED, "三、本年度办理结果\t(一) 予以公开\t4\t0\t0\t0\t0\t0\t\t"))
    assert _row(parsed.tables["applications"], "granted") == ["4", "0", "0", "0", "0", "0", ""]


def test_blank_cells_at_both_ends_are_placed_by_the_row_total():
    # '0 4' after an empty label field, two trailing fields: only 0 | … | 4 | 4 keeps 总计 = the parts
    parsed = _parse((GRANTED, "三、本年度办理结果\t(一) 予以公开\t\t0\t0\t0\t0\t4\t4\t"))
    apps = parsed.tables["applications"]
    assert apps.problems == []
    assert _row(apps, "granted") == ["", "0", "0", "0", "0", "4", "4"]


def test_a_row_that_cannot_be_placed_fails_naming_the_row():
    # three values for three columns of 第（一）项 with a field too many: the row is not guessed
    parsed = _parse(("行政规范性文件\t0\t0\t2", "行政规范性文件\t0\t\t0\t2"))
    problems = parsed.tables["proactive_disclosure"].problems
    assert len(problems) == 1
    assert "行政规范性文件" in problems[0]
    assert parsed.tables["proactive_disclosure"].cells == [] or all(
        c.row != "normative_document" for c in parsed.tables["proactive_disclosure"].cells
    )


def test_an_all_blank_review_row_of_tabs_is_an_agency_without_cases():
    parsed = _parse((REVIEW, "\t" * 14))
    review = parsed.tables["review_litigation"]
    assert review.problems == []
    assert [c.raw for c in review.cells] == [""] * 15


def test_blank_review_cells_between_values_stay_in_place():
    parsed = _parse((REVIEW, "\t1\t\t\t1\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0"))
    review = parsed.tables["review_litigation"]
    assert review.problems == []
    assert [c.raw for c in review.cells][:5] == ["", "1", "", "", "1"]


def test_a_review_table_printing_no_numbers_is_an_agency_without_cases():
    # the header printed, the value row left out (a table drawn without lines and no numbers)
    parsed = _parse((REVIEW + "\n", ""))
    review = parsed.tables["review_litigation"]
    assert review.problems == []
    assert [(c.row, c.col, c.raw, c.number) for c in review.cells][:2] == [
        ("administrative_review", "upheld", "", None),
        ("administrative_review", "corrected", "", None),
    ]
    assert len(review.cells) == 15 and {c.raw for c in review.cells} == {""}
    assert review.warnings == ["line 79: table 四 prints no numbers: 15 blank cells"]


def test_a_review_region_without_its_header_and_numbers_fails():
    header = SEED[SEED.index("行政复议\t") : SEED.index(REVIEW)]
    parsed = _parse((header + REVIEW + "\n", ""))
    assert parsed.tables["review_litigation"].cells == []
    assert "no numbers found for the 15 cells" in parsed.tables["review_litigation"].problems[0]


CONSTRUCTED_2020 = next(Path(__file__).resolve().parents[1].glob("data/raw/005_*.txt")).read_text(encoding="utf-8")


def test_a_header_whose_rows_stand_under_it_places_a_row_with_an_end_blank():
    # 005 (2019 format): every row of 第（九）项 stands under its header's fields, so
    # '政府集中采购 | (blank) | 38675200元 |' is 采购项目数量 blank, 采购总金额 38675200元
    # (without the header the value could be either column: no arithmetic relates them)
    old = "政府集中采购\t46\t38675200元\t"
    assert CONSTRUCTED_2020.count(old) == 1
    body = CONSTRUCTED_2020.replace(old, "政府集中采购\t\t38675200元\t")
    parsed = parse_document(text.read(body.encode("utf-8")))
    proactive = parsed.tables["proactive_disclosure"]
    assert proactive.problems == []
    assert _row(proactive, "government_procurement") == ["", "38675200元"]


def test_a_header_the_rows_do_not_stand_under_is_not_trusted():
    # 004's rows under （三） print three label fields where the header prints two: the header's
    # fields do not tell where a row with blanks at both ends starts, so the row is not placed
    carried = "二、上年结转政府信息公开申请数量\t\t0\t0\t0\t0\t0\t0"
    parsed = _parse((carried + "\t0\t", carried + "\t\t"))
    problems = parsed.tables["applications"].problems
    assert len(problems) == 1
    assert "row 二、上年结转政府信息公开申请数量 prints '0 0 0 0 0 0' for 7 columns (2 readings)" in problems[0]


def test_a_tab_row_printed_blank_is_a_row_of_blank_cells():
    parsed = _parse(("四、结转下年度继续办理\t\t0\t0\t0\t0\t0\t0\t0\t", "四、结转下年度继续办理\t\t\t\t\t\t\t\t\t"))
    apps = parsed.tables["applications"]
    assert apps.problems == []
    assert _row(apps, "carried_forward") == [""] * 7
