"""Small units: cell values, agency names, years, table recognition edge cases."""

from decimal import Decimal

import duckdb
import pyarrow as pa
import pytest

from pipeline import agencies
from pipeline.document import Document, Row, UnreadableFile
from pipeline.normalize import NUMBER_SQL, STAGING_COLUMNS, STAGING_SCHEMA
from pipeline.parse import parse_document
from pipeline.parse.metadata import year_of
from pipeline.parse.values import read_value
from tests.conftest import RAW


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("0", Decimal(0)),
        ("-1", Decimal(-1)),
        ("96.6252", Decimal("96.6252")),
        ("1,234", Decimal(1234)),
        ("１２", Decimal(12)),
        ("0件", Decimal(0)),
        ("251000元", Decimal(251000)),
        ("/", None),
        ("—", None),
        ("无", None),
        ("", None),
        ("N/A", None),
        ("不适用", None),
    ],
)
def test_cell_values(text, number):
    value = read_value(text)
    assert value is not None and value.number == number


@pytest.mark.parametrize("text", ["abc", "1.", "第二十条", "4位小数", "约10件"])
def test_not_a_value(text):
    assert read_value(text) is None


def test_agency_completed_from_body():
    body = (RAW / "001_3e089bbee027005d.txt").read_text(encoding="utf-8")
    assert agencies.complete_from_body("高新技术产业开发区管理办公室", body) == "济源虎岭高新技术产业开发区管理办公室"


def test_short_forms_normalized():
    assert agencies.normalize_name("南阳高新技术产业开发区 管委会") == "南阳高新技术产业开发区管理委员会"


def test_year_from_title_not_from_narrative():
    body = "2020年度，高新区共接到依申请公开事项8件"
    assert year_of("安阳高新技术产业开发区人民政府2021年政府信息公开工作年度报告", body) == 2021
    assert year_of("某某县人民政府二〇二二年政府信息公开工作年度报告", "") == 2022
    assert (
        year_of(
            "某某县人民政府政府信息公开工作年度报告", "本年度报告中所列数据的统计期限为2023年1月1日至2023年12月31日"
        )
        == 2023
    )
    with pytest.raises(UnreadableFile, match="no report year"):
        year_of("某某县人民政府政府信息公开工作年度报告", "没有年份")


def _doc(lines):
    return Document([Row((line,), f"line {i}") for i, line in enumerate(lines, 1)])


def _seed_lines(name):
    return [line for line in (RAW / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def test_row_printed_without_values_is_blank_not_shifted():
    lines = _seed_lines("000_4878a5074e723ab1.txt")
    i = lines.index("（二）部分公开（区分处理的，只计这一情形，不计其他情形） 0 0 0 0 0 0 0")
    lines[i] = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    report = parse_document(_doc(lines))
    cells = {(c.row, c.col): c for c in report.tables["applications"].cells}
    assert cells[("partially_granted", "total")].number is None
    assert cells[("partially_granted", "total")].raw == ""
    assert cells[("withheld_state_secret", "total")].number == 0
    assert report.tables["applications"].problems == []


def test_vanished_blank_cell_is_a_problem_not_a_guess():
    lines = _seed_lines("000_4878a5074e723ab1.txt")
    i = lines.index("（七）总计 8 0 0 0 0 0 8")
    lines[i] = "（七）总计 8 0 0 0 0 8"
    report = parse_document(_doc(lines))
    assert report.tables["applications"].problems == [
        f"line {i + 1}: row （七）总计 prints '8 0 0 0 0 8' for 7 columns (6 readings); several combinations of "
        "these readings satisfy the table's column arithmetic"
    ]


def test_pre_2019_report_fails():
    with pytest.raises(UnreadableFile, match="pre-2019 format not supported"):
        parse_document(_doc(["某某县人民政府2015年政府信息公开工作年度报告", "一、概述"]))


def test_long_digit_runs_are_not_cell_values():
    """A 15-digit run (a document or phone number) cannot be a count; 14 digits are a value."""
    assert read_value("123456789012345") is None
    assert read_value("12345678901234").number == Decimal("12345678901234")


def test_staged_numbers_keep_wide_values_between_small_ones():
    """DuckDB infers the type of a column of Python Decimals from a sample of rows; in a
    700-report batch it inferred DECIMAL(4,0) and failed on 10027. With this layout (wide
    values off the sample's stride) a plain Decimal column fails the same way; the explicit
    Arrow type of ``STAGING_SCHEMA`` (how pipeline.ingest stages cells) does not."""
    numbers = ["10027" if i % 15 == 1 else "1" for i in range(10_500)] + ["1486.23505"]
    columns = {c: ["x"] * len(numbers) for c in STAGING_COLUMNS}
    columns |= {"year": [2021] * len(numbers), "source_page": [None] * len(numbers)}
    columns |= {"number": [Decimal(n) for n in numbers], "number_text": numbers}
    con = duckdb.connect()
    con.execute(f"CREATE TABLE t (number {NUMBER_SQL}, number_text VARCHAR)")
    con.register("cells", pa.table(columns, schema=STAGING_SCHEMA))
    con.execute("INSERT INTO t SELECT number, number_text FROM cells")
    assert con.execute("SELECT max(number), count(*) FROM t").fetchone() == (Decimal("10027"), 10_501)
    # exactly as printed, not rounded to 4 places (tests/test_exact_values.py)
    assert con.execute("SELECT number FROM t WHERE number_text = '1486.23505'").fetchone() == (Decimal("1486.23505"),)


def test_title_printed_as_a_site_field_loses_its_label():
    """Printed web pages carry an info block ('名称：…年度报告') above the real title; the
    label must not become part of the agency name ('名称:高新技术…')."""
    from pipeline.parse.metadata import find_title

    rows = [Row(("名称：高新技术产业开发区管委会 2023 年政府信息公开工作年度报告",), where="page 1 line 7")]
    assert find_title(rows) == "高新技术产业开发区管委会2023年政府信息公开工作年度报告"


def test_a_number_is_not_cut_to_fill_a_lost_blank():
    """Found by the layout generator: a tab-separated 2019 row '行政许可, (blank), 41, 0' was read
    as 4 | 1 | 0. Cut digits and a lost blank are both possible; no equation chooses."""
    from pipeline.parse.readings import row_readings

    assert row_readings(["41", "0"], 3, []) == [("4", "1", "0"), ("41", "0", ""), ("41", "", "0"), ("", "41", "0")]
    assert row_readings(["21710000218"], 7, [(6, (0, 1, 2, 3, 4, 5))]) == [("217", "1", "0", "0", "0", "0", "218")]


def test_label_wrapped_around_its_values_keeps_them():
    """Found by the layout generator: text copies wrap a label around its numbers (head, numbers,
    tail on the next line). The numbers belong to the label printed across their own line, not
    to the last label completed above (which swapped 2. and 3. of （四）)."""
    lines = _seed_lines("000_4878a5074e723ab1.txt")
    i = lines.index("2.没有现成信息需要另行制作 0 0 0 0 0 0 0")
    assert lines[i + 1] == "3.补正后申请内容仍不明确 0 0 0 0 0 0 0"
    lines[i : i + 2] = ["2.没有现成信息需 0 0 0 0 0 0 0", "要另行制作", "3.补正后申请内容", "仍 1 0 0 0 0 0 1"]
    lines.insert(i + 4, "不明确")
    report = parse_document(_doc(lines))
    cells = {(c.row, c.col): c.raw for c in report.tables["applications"].cells}
    assert report.tables["applications"].problems == []
    assert (cells[("unable_needs_creation", "total")], cells[("unable_still_unclear", "total")]) == ("0", "1")
