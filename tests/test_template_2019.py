"""The 2019-2020 national format: detected from the table, read onto the same dimensions,
checked with its own arithmetic; and the year rules (title, 统计期限, body, pre-2019)."""

import json
import shutil
from decimal import Decimal

import duckdb
import pytest

from pipeline import form
from pipeline.cli import run_ingest
from pipeline.document import Document, Row, UnreadableFile
from pipeline.parse import parse_document
from pipeline.parse.metadata import year_of
from pipeline.quality.suites import SUITES_DIR
from pipeline.readers import read_document
from tests.conftest import RAW
from tests.expected_constructed import CONSTRUCTED, application_cells, review_cells

F2020 = "005_constructed_2020_tangyin_county.txt"
F2021 = "006_constructed_2021_tangyin_county.txt"


def _parse_text(text: str):
    lines = [line for line in text.splitlines() if line.strip()]
    rows = [
        Row(tuple(c.strip() for c in line.split("\t")) if "\t" in line else (line.strip(),), f"line {i}")
        for i, line in enumerate(lines, 1)
    ]
    return parse_document(Document(rows))


@pytest.mark.parametrize("src", sorted(CONSTRUCTED))
def test_constructed_reports_parse_to_the_hand_typed_cells(src):
    report = parse_document(read_document(RAW / src))
    expected = CONSTRUCTED[src]
    assert (report.agency_name, report.year, report.template) == (
        expected["parsed_agency"],
        expected["year"],
        expected["template"],
    )
    assert all(not t.problems for t in report.tables.values())
    apps = {(c.row, c.col): c.raw for c in report.tables["applications"].cells}
    assert apps == application_cells(src)
    proactive = {(c.row, c.col): c.raw for c in report.tables["proactive_disclosure"].cells}
    assert proactive == expected["proactive"]
    review = {(c.row, c.col): c.raw for c in report.tables["review_litigation"].cells}
    assert review == review_cells(src)


def test_2019_proactive_values_signed_change_and_amount_with_unit():
    report = parse_document(read_document(RAW / F2020))
    cells = {(c.row, c.col): c.number for c in report.tables["proactive_disclosure"].cells}
    assert cells[("administrative_license", "items_change")] == Decimal(-8)  # 本年增/减 is signed
    assert cells[("administrative_fee", "items_change")] == Decimal(-2)
    assert cells[("government_procurement", "procurement_amount")] == Decimal(38675200)  # printed "38675200元"
    assert form.MEASURES_BY_CODE["items_change"].kind == "signed_count"


def test_template_is_detected_from_the_table_not_the_year():
    text_2019 = (RAW / F2020).read_text(encoding="utf-8").replace("汤阴县政府2020年", "汤阴县政府2021年")
    report = _parse_text(text_2019)
    assert (report.year, report.template) == (2021, "2019")
    assert not report.tables["applications"].problems
    text_2021 = (RAW / F2021).read_text(encoding="utf-8").replace("人民政府2021年", "人民政府2020年")
    report = _parse_text(text_2021)
    assert (report.year, report.template) == (2020, "2021")
    assert not report.tables["applications"].problems


def test_2019_suite_has_its_own_arithmetic():
    suite = json.loads((SUITES_DIR / "applications_by_applicant_2019.json").read_text(encoding="utf-8"))
    total = next(e for e in suite["expectations"] if e["meta"]["rule"] == "outcome_total")
    leaves = [c.strip() for c in total["kwargs"]["column_B"].split("+")]
    assert "other_handling" in leaves  # （六）其他处理 is a leaf in 2019
    assert not {"other_no_correction", "other_fee_unpaid", "other_other"} & set(leaves)
    assert len(leaves) == 19  # （一）（二） + 8 + 3 + 5 + （六）
    suite_2021 = json.loads((SUITES_DIR / "applications_by_applicant_2021.json").read_text(encoding="utf-8"))
    total_2021 = next(e for e in suite_2021["expectations"] if e["meta"]["rule"] == "outcome_total")
    assert "other_handling" not in total_2021["kwargs"]["column_B"].split(" + ")


@pytest.fixture
def constructed(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in CONSTRUCTED:
        shutil.copy2(RAW / name, raw / name)
    return raw, tmp_path / "gongkai.duckdb"


def test_constructed_reports_load_into_the_same_dimensions(constructed):
    raw, warehouse = constructed
    run_ingest(raw, warehouse, ephemeral=True)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        reports = {
            src: (status, year, template, name)
            for src, status, year, template, name in con.execute(
                "SELECT source_file, status, year, template, a.name FROM reports JOIN dim_agency a USING (agency_id)"
            ).fetchall()
        }
        assert reports == {
            src: ("loaded", seed["year"], seed["template"], seed["agency"]) for src, seed in CONSTRUCTED.items()
        }
        for src in CONSTRUCTED:
            (rid,) = con.execute("SELECT report_id FROM reports WHERE source_file = ?", [src]).fetchone()
            apps = con.execute(
                "SELECT outcome, applicant_type, raw FROM fact_applications WHERE report_id = ?", [rid]
            ).fetchall()
            assert {(o, a): raw for o, a, raw in apps} == application_cells(src)
            values = con.execute(
                "SELECT item, measure, value FROM fact_proactive_disclosure WHERE report_id = ?", [rid]
            ).fetchall()
            expected = {k: Decimal(v.removesuffix("元")) for k, v in CONSTRUCTED[src]["proactive"].items()}
            assert {(i, m): v for i, m, v in values} == expected
        (other_2019,) = con.execute(
            "SELECT count FROM fact_applications f JOIN reports r USING (report_id) "
            "WHERE r.template = '2019' AND outcome = 'other_handling' AND applicant_type = 'total'"
        ).fetchone()
        assert other_2019 == 1


def test_dim_outcome_says_which_rows_each_template_prints(query):
    rows = {o: (sorted(t), sorted(v)) for o, t, v in query("SELECT outcome, templates, has_values_in FROM dim_outcome")}
    # a value row in 2019; in 2021 a heading, or one row where a 2021 table prints it 2019-style
    assert rows["other_handling"] == (["2019", "2021"], ["2019", "2021"])
    for sub in ("other_no_correction", "other_fee_unpaid", "other_other"):
        assert rows[sub] == (["2021"], ["2021"])
    assert rows["granted"] == (["2019", "2021"], ["2019", "2021"])
    assert rows["withheld"] == (["2019", "2021"], [])  # a heading in both


def test_broken_2019_arithmetic_quarantines_with_the_2019_suite(constructed):
    raw, warehouse = constructed
    path = raw / F2020
    text = path.read_text(encoding="utf-8")
    # （六）其他处理 1 -> 2 in 商业企业 and 总计: the row still sums, but （七）总计 no longer does
    path.write_text(
        text.replace("（六）其他处理\t0\t1\t0\t0\t0\t0\t1", "（六）其他处理\t0\t2\t0\t0\t0\t0\t2"), encoding="utf-8"
    )
    run_ingest(raw, warehouse, ephemeral=True)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        status, reason = con.execute("SELECT status, reason FROM reports WHERE source_file = ?", [F2020]).fetchone()
        suites = {
            s
            for (s,) in con.execute(
                "SELECT suite FROM dq_results d JOIN reports r USING (report_id) "
                "WHERE r.source_file = ? AND NOT d.success",
                [F2020],
            ).fetchall()
        }
    assert status == "partial"
    assert "outcome_total" in reason and "（六）其他处理 2" in reason
    assert "applications_by_applicant_2019" in suites


# --- year -------------------------------------------------------------------------------


def test_year_from_title_even_when_the_narrative_slips():
    body = (RAW / "000_4878a5074e723ab1.txt").read_text(encoding="utf-8")
    assert "2020年度" in body
    assert year_of("安阳高新技术产业开发区人民政府2021年政府信息公开工作年度报告", body) == 2021


def test_year_from_the_statistics_period_when_the_title_has_none():
    body = "本年度报告中所列数据的统计期限为2021年1月1日至2021年12月31日。2020年度结转申请1件。2022年将继续……"
    assert year_of("汤阴县人民政府政府信息公开工作年度报告", body) == 2021


def test_year_from_the_body_as_a_last_resort():
    body = "2021年，我县坚持以公开为常态。2021年共发布信息8812条，较2020年增长。2022年，我县将加强解读。"
    assert year_of("汤阴县人民政府政府信息公开工作年度报告", body) == 2021
    assert year_of("某县人民政府政府信息公开工作年度报告", "截至2019年12月31日，现行有效规范性文件41件。") == 2019


def test_no_year_anywhere_fails_with_the_reason():
    with pytest.raises(UnreadableFile, match="no report year"):
        year_of("某某县人民政府政府信息公开工作年度报告", "全年共发布信息若干条。")


def test_constructed_2021_report_keeps_its_year_despite_2020_mentions():
    text = (RAW / F2021).read_text(encoding="utf-8")
    assert "2020年度结转" in text
    assert parse_document(read_document(RAW / F2021)).year == 2021


@pytest.mark.parametrize(
    "lines",
    [
        ["某某县人民政府2013年政府信息公开工作年度报告", "一、概述", "二、主动公开政府信息情况"],
        ["某某县人民政府政府信息公开工作年度报告", "本报告统计期限为2018年1月1日至2018年12月31日。"],
        ["某某县人民政府二〇一七年政府信息公开工作年度报告", "第二十条第（一）项", "规章 0 0 0"],
    ],
)
def test_pre_2019_reports_fail_never_misread(lines):
    with pytest.raises(UnreadableFile, match=r"^pre-2019 format not supported$"):
        parse_document(Document([Row((line,), f"line {i}") for i, line in enumerate(lines, 1)]))


def test_pre_2019_report_is_failed_in_the_warehouse(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    text = (RAW / F2020).read_text(encoding="utf-8").replace("汤阴县政府2020年", "汤阴县政府2016年")
    (raw / "old.txt").write_text(text, encoding="utf-8")
    run_ingest(raw, tmp_path / "g.duckdb", ephemeral=True)
    with duckdb.connect(str(tmp_path / "g.duckdb"), read_only=True) as con:
        assert con.execute("SELECT status, reason FROM reports").fetchall() == [
            ("failed", "pre-2019 format not supported")
        ]
        assert con.execute("SELECT count(*) FROM fact_applications").fetchone() == (0,)
