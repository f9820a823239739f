"""`gongkai export`: the bundled samples ingested, exported in each format, and read back.

Parquet is read back with DuckDB (Hive partitions) and must equal every exported table of the
warehouse row for row, types included; CSV (DuckDB's reader) and XLSX (openpyxl) must hold the
same rows under Chinese headers, with the form's labels beside the codes. Two constructed
copies of the 2021 汤阴县 sample carry the amounts that must never be rounded: a fee printed
with 6 decimals, and the widest amount the reader accepts, which no spreadsheet double holds.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pytest

from pipeline import export as ex
from pipeline import form
from pipeline.cli import main
from pipeline.normalize import TABLE_COLUMNS
from tests.conftest import RAW

S2021 = (RAW / "006_constructed_2021_tangyin_county.txt").read_text(encoding="utf-8")
FEE_6 = "0.123456"
FEE_WIDE = "99999999999999.9999999999"  # 24 significant digits: exact in DECIMAL(38, 10), not in a double
EXTRA = {  # other counties, so that neither is a copy of, or a conflict with, the 汤阴县 sample
    "fee_6_decimals.txt": S2021.replace("汤阴县", "内黄县").replace(
        "行政事业性收费 1486.2350", f"行政事业性收费 {FEE_6}"
    ),
    "fee_wide.txt": S2021.replace("汤阴县", "滑县").replace("行政事业性收费 1486.2350", f"行政事业性收费 {FEE_WIDE}"),
}
FACTS = [f"fact_{t}" for t in form.TABLES]
QUARANTINE = [f"quarantine_{t}" for t in form.TABLES]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    """Every bundled sample (data/raw with its variants) and the two amounts, one ingest."""
    from pipeline.cli import run_ingest

    root = tmp_path_factory.mktemp("export")
    raw = root / "raw"
    shutil.copytree(RAW, raw)
    for name, text in EXTRA.items():
        assert text.count(FEE_6 if "6" in name else FEE_WIDE) == 1
        (raw / name).write_text(text, encoding="utf-8")
    path = root / "gongkai.duckdb"
    run_ingest(raw, path, ephemeral=True)
    return path


@pytest.fixture(scope="module")
def exports(warehouse, tmp_path_factory) -> dict[str, ex.Export]:
    """The three exports, written while an analyst holds the warehouse open read-only."""
    root = tmp_path_factory.mktemp("out")
    before = _sha256(warehouse)
    analyst = duckdb.connect(str(warehouse), read_only=True)
    try:
        done = {fmt: ex.export(warehouse, root / fmt, fmt) for fmt in ex.FORMATS}
        assert analyst.execute("SELECT count(*) FROM reports").fetchall() == [(26,)]
    finally:
        analyst.close()
    assert _sha256(warehouse) == before  # read, never written
    return done


@pytest.fixture
def con(warehouse):
    """A DuckDB session with the warehouse attached read-only as ``w``."""
    db = duckdb.connect()
    db.execute(f"ATTACH '{warehouse}' AS w (READ_ONLY)")
    yield db
    db.close()


def test_the_samples_give_the_rows_an_analyst_expects(exports):
    # 24 bundled files (17 of them copies of the five seeds: 7 reports load) + the two constructed
    # amounts, each with the cells of the 2021 汤阴县 sample (10 in table 二, 175 in 三, 15 in 四)
    rows = exports["parquet"].rows
    assert list(rows) == list(ex.TABLES)
    assert {t: rows[t] for t in ("reports", *FACTS, *QUARANTINE)} == {
        "reports": 26,
        "fact_proactive_disclosure": 72 + 2 * 10,  # 003's table 二 is in quarantine
        "fact_applications": 1211 + 2 * 175,
        "fact_review_litigation": 9 * 15,
        "quarantine_proactive_disclosure": 10,  # 003's table 二 (a count of -1)
        "quarantine_applications": 0,
        "quarantine_review_litigation": 0,
    }
    assert all(e.rows == rows for e in exports.values())


def test_parquet_is_partitioned_by_year_hive_style(exports, con):
    out = exports["parquet"].directory
    for table in ex.TABLES:
        columns = [c for (c,) in con.execute(f"SELECT column_name FROM (DESCRIBE w.{table})").fetchall()]
        if "year" not in columns:
            assert (out / f"{table}.parquet").is_file()
            continue
        years = {y for (y,) in con.execute(f"SELECT DISTINCT year FROM w.{table}").fetchall()}
        folders = {p.name for p in (out / table).iterdir()}
        # a table without rows is one empty file, in the folder of NULL years
        assert folders == {f"year={ex.NULL_PARTITION if y is None else y}" for y in years or {None}}, table
    assert sorted(p.name for p in (out / "fact_applications").iterdir()) == [
        "year=2020",
        "year=2021",
        "year=2023",
        "year=2024",
    ]
    assert exports["parquet"].paths["fact_applications"] == "fact_applications"
    assert exports["parquet"].paths["dq_results"] == "dq_results.parquet"


def _parquet(out: Path, table: str) -> str:
    if (out / f"{table}.parquet").exists():
        return f"read_parquet('{out / table}.parquet')"
    return f"read_parquet('{out / table}/**/*.parquet', hive_partitioning = true, hive_types = {{'year': INTEGER}})"


def test_parquet_reads_back_equal_to_the_warehouse(exports, con):
    out = exports["parquet"].directory
    for table in ex.TABLES:
        described = con.execute(f"DESCRIBE w.{table}").fetchall()
        columns = ", ".join(f'"{c}"' for c, *_ in described)
        exported = f"SELECT {columns} FROM {_parquet(out, table)}"
        assert con.execute(f"SELECT count(*) FROM ({exported})").fetchall() == [(exports["parquet"].rows[table],)]
        for a, b in ((f"SELECT {columns} FROM w.{table}", exported), (exported, f"SELECT {columns} FROM w.{table}")):
            assert con.execute(f"SELECT count(*) FROM ({a} EXCEPT ALL {b})").fetchall() == [(0,)], table
        types = con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {exported})").fetchall()
        wide = {"HUGEINT": "DECIMAL(38,0)"}  # a view's sum: Parquet has no 128-bit integer
        assert types == [(c, wide.get(t, t)) for c, t, *_ in described], table
    fees = con.execute(
        f"SELECT value, typeof(value) FROM {_parquet(out, 'fact_proactive_disclosure')} "
        "WHERE measure = 'fee_amount' AND raw IN (?, ?) ORDER BY value",
        [FEE_6, FEE_WIDE],
    ).fetchall()
    assert fees == [(Decimal(FEE_6), "DECIMAL(38,10)"), (Decimal(FEE_WIDE), "DECIMAL(38,10)")]


def _csv(out: Path, table: str) -> str:
    return f"read_csv('{out / table}.csv', header = true, all_varchar = true)"


def test_csv_starts_with_a_bom_and_has_chinese_headers(exports):
    out = exports["csv"].directory
    for table in ex.TABLES:
        assert (out / f"{table}.csv").read_bytes()[:3] == b"\xef\xbb\xbf", table
    header = (out / "fact_proactive_disclosure.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.split(",") == [
        "报告编号",
        "机关",
        "机关编号",
        "年度",
        "事项",
        "事项代码",
        "指标",
        "指标代码",
        "数值",
        "原文",
        "页码",
        "原文位置",
    ]
    header = (out / "v_applications_wide.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.split(",")[6:] == [
        "自然人",
        "法人或其他组织：商业企业",
        "法人或其他组织：科研机构",
        "法人或其他组织：社会公益组织",
        "法人或其他组织：法律服务机构",
        "法人或其他组织：其他",
        "总计",
    ]


# The Chinese header of each cell dimension's label; its code column is the same + 代码
_CELL_HEADERS = {
    "applicant_type": "申请人类型",
    "outcome": "申请办理情况",
    "item": "事项",
    "measure": "指标",
    "proceeding": "复议诉讼类别",
    "result": "结果",
}


def _form_label(dimension: str, code: str, template: str) -> str:
    """The label the form gives a code (with its printed group, as the export shows it)."""
    groups = {**form.APPLICANT_GROUP_ZH, **form.PROCEEDING_GROUP_ZH}
    members = {"applicant_type": form.APPLICANT_TYPES, "proceeding": form.PROCEEDINGS}.get(dimension, ())
    parent = next((m.parent for m in members if m.code == code), None)
    label = form.label_zh(dimension, code, template)
    return f"{groups[parent]}：{label}" if parent in groups else label


@pytest.mark.parametrize("table", FACTS + QUARANTINE)
def test_csv_cells_equal_the_warehouse_with_the_forms_labels(exports, con, table):
    row_dim, col_dim, number = TABLE_COLUMNS[table.split("_", 1)[1]]
    out = exports["csv"].directory
    read = _csv(out, table)
    number_zh = ex.COLUMN_ZH[number]
    exported = (
        f'SELECT "报告编号", "{_CELL_HEADERS[row_dim]}代码", "{_CELL_HEADERS[col_dim]}代码", '
        f'CAST("{number_zh}" AS DECIMAL(38, 10)), "原文", CAST("年度" AS INTEGER) FROM {read}'
    )
    stored = f"SELECT report_id, {row_dim}, {col_dim}, CAST({number} AS DECIMAL(38, 10)), raw, year FROM w.{table}"
    assert con.execute(f"SELECT count(*) FROM {read}").fetchall() == [(exports["csv"].rows[table],)]
    for a, b in ((stored, exported), (exported, stored)):
        assert con.execute(f"SELECT count(*) FROM ({a} EXCEPT ALL {b})").fetchall() == [(0,)]
    labelled = con.execute(
        f'SELECT DISTINCT c."{_CELL_HEADERS[row_dim]}代码", c."{_CELL_HEADERS[row_dim]}", '
        f'c."{_CELL_HEADERS[col_dim]}代码", c."{_CELL_HEADERS[col_dim]}", r.template, c."机关", a.name '
        f'FROM {read} c JOIN w.reports r ON r.report_id = c."报告编号" JOIN w.dim_agency a USING (agency_id)'
    ).fetchall()
    assert len(labelled) > 0 or table.startswith("quarantine_")
    for row_code, row_label, col_code, col_label, template, agency, name in labelled:
        assert row_label == _form_label(row_dim, row_code, template)
        assert col_label == _form_label(col_dim, col_code, template)
        assert agency == name


def test_csv_names_items_as_each_template_prints_them(exports, con):
    read = _csv(exports["csv"].directory, "fact_proactive_disclosure")
    names = con.execute(
        f'SELECT DISTINCT r.template, c."事项" FROM {read} c '
        'JOIN w.reports r ON r.report_id = c."报告编号" WHERE c."事项代码" = \'normative_document\' ORDER BY 1'
    ).fetchall()
    assert names == [("2019", "规范性文件"), ("2021", "行政规范性文件")]


def test_csv_numbers_are_the_exact_digits(exports, con):
    """A DECIMAL as its exact digits, without the stored scale's trailing zeros; never rounded."""
    read = _csv(exports["csv"].directory, "fact_proactive_disclosure")
    amounts = con.execute(
        f'SELECT "年度", "机关", "数值", "原文" FROM {read} '
        "WHERE \"指标代码\" IN ('fee_amount', 'procurement_amount') ORDER BY 1, 2"
    ).fetchall()
    assert amounts == [
        ("2020", "汤阴县人民政府", "38675200", "38675200元"),  # 2019 template: 政府集中采购 in 元
        ("2021", "内黄县人民政府", FEE_6, FEE_6),
        ("2021", "安阳高新技术产业开发区人民政府", "10027", "10027"),
        ("2021", "汤阴县人民政府", "1486.235", "1486.2350"),
        ("2021", "济源虎岭高新技术产业开发区管理办公室", "0", "0"),
        ("2021", "滑县人民政府", FEE_WIDE, FEE_WIDE),
        ("2023", "南阳高新技术产业开发区管理委员会", "0", "0"),
        ("2024", "新乡高新技术产业开发区管理委员会", "289", "289"),
    ]


def test_exact_text_drops_only_the_scales_zeros():
    values = "(100::DECIMAL(18, 0)), (100::DECIMAL(38, 10)), (-0.5::DECIMAL(38, 10)), (0::DECIMAL(38, 10)), (NULL)"
    with duckdb.connect() as db:
        texts = db.execute(f"SELECT {ex._exact_text('v')} FROM (VALUES {values}) t(v)").fetchall()
    assert texts == [("100",), ("100",), ("-0.5",), ("0",), (None,)]
    assert [ex._digits(Decimal(v)) for v in ("100", "100.0000000000", "-0.5000", "0E-10")] == [
        "100",
        "100",
        "-0.5",
        "0",
    ]


def test_csv_reports_and_checks_name_statuses_and_rules_in_chinese(exports, con):
    out = exports["csv"].directory
    reports = con.execute(
        f'SELECT "来源文件", "状态", "状态代码", "已入库的表", "已隔离的表" FROM {_csv(out, "reports")} '
        "WHERE \"来源文件\" LIKE '003_%.docx'"
    ).fetchall()
    assert reports == [
        (
            "003_6e817ece59bf6a07.docx",
            "部分隔离 partial",
            "partial",
            "三、收到和处理政府信息公开申请情况；四、政府信息公开行政复议、行政诉讼情况",
            "二、主动公开政府信息情况",
        )
    ]
    failed = con.execute(
        f'SELECT "检查组", "检查项", "检查说明", "表", "级别", count(*) FROM {_csv(out, "dq_results")} '
        "WHERE \"通过\" = 'false' AND \"级别代码\" = 'critical' GROUP BY ALL"
    ).fetchall()
    assert failed == [("cells", "non_negative_count", "件数为负", "二、主动公开政府信息情况", "阻断入库", 5)]
    (stored,) = con.execute("SELECT count(*) FROM w.dq_results").fetchall()
    assert con.execute(f"SELECT count(*) FROM {_csv(out, 'dq_results')}").fetchall() == [stored]


def _sheet(workbook, name: str) -> list[dict[str, object]]:
    rows = list(workbook[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_xlsx_one_sheet_per_table_with_contents(exports):
    done = exports["xlsx"]
    workbook = openpyxl.load_workbook(done.directory / ex.WORKBOOK, read_only=True)
    assert workbook.sheetnames == ["目录", *ex.TABLES]
    contents = _sheet(workbook, "目录")
    assert [(r["表"], r["行数"]) for r in contents] == list(done.rows.items())
    assert contents[ex.TABLES.index("fact_applications")]["内容"] == "三、收到和处理政府信息公开申请情况（已入库）"
    for table in ex.TABLES:
        assert len(list(workbook[table].iter_rows())) == done.rows[table] + 1, table  # the header and every row


def test_xlsx_numbers_are_exact_numbers_or_exact_text(exports, con):
    workbook = openpyxl.load_workbook(exports["xlsx"].directory / ex.WORKBOOK, read_only=True)
    rows = _sheet(workbook, "fact_proactive_disclosure")
    stored = con.execute(
        "SELECT report_id, item, measure, value, raw FROM w.fact_proactive_disclosure ORDER BY ALL"
    ).fetchall()
    assert sorted((r["报告编号"], r["事项代码"], r["指标代码"], Decimal(str(r["数值"])), r["原文"]) for r in rows) == [
        (rid, item, measure, value, raw) for rid, item, measure, value, raw in stored
    ]
    by_raw = {r["原文"]: r["数值"] for r in rows if r["指标代码"] == "fee_amount"}
    assert by_raw[FEE_6] == 0.123456 and isinstance(by_raw[FEE_6], float)  # a number a spreadsheet sums
    assert by_raw[FEE_WIDE] == FEE_WIDE  # no double holds it: its exact digits as text
    counts = _sheet(workbook, "fact_applications")
    assert {type(r["件数"]) for r in counts} == {int}
    assert len(counts) == 1211 + 2 * 175


def test_xlsx_text_is_never_a_formula():
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("t")
    cell = ex._cell(sheet, '=HYPERLINK("http://x")\x07')
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")\ufffd', "s")
    assert ex.xlsx_value(Decimal("1486.2350000000")) == 1486.235
    assert ex.xlsx_value(Decimal(FEE_WIDE)) == FEE_WIDE
    assert ex.xlsx_value(2**53) == str(2**53) and ex.xlsx_value(2**53 - 1) == 2**53 - 1
    assert ex._sheet_names("quarantine_proactive_disclosure", 3 * 1_048_575) == [
        "quarantine_proactive_disclosure",
        "quarantine_proactive_disclosu~2",
        "quarantine_proactive_disclosu~3",
    ]


def test_manifest_and_replacing_an_earlier_export(exports, warehouse, tmp_path):
    out = exports["csv"].directory
    manifest = json.loads((out / ex.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["format"] == "csv" and manifest["warehouse"] == str(warehouse.resolve())
    assert manifest["tables"]["reports"] == {
        "path": "reports.csv",
        "rows": 26,
        "title_zh": "报告：每个文件一行，状态与原因",
        "partitioned_by": None,
    }
    target = tmp_path / "again"
    ex.export(warehouse, target, "csv")
    (target / "stale.csv").write_text("left from before", encoding="utf-8")
    ex.export(warehouse, target, "parquet")  # an earlier export is replaced whole
    assert not (target / "stale.csv").exists() and (target / "fact_applications").is_dir()
    assert [p.name for p in tmp_path.iterdir()] == ["again"]  # no build folder left behind
    foreign = tmp_path / "someone"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ex.ExportError, match="holds other files and is not an earlier export"):
        ex.export(warehouse, foreign, "csv")
    assert [p.name for p in foreign.iterdir()] == ["notes.txt"]


def test_cli_export(warehouse, tmp_path, capsys):
    assert main(["export", "--format", "xlsx", "--warehouse", str(warehouse), str(tmp_path / "x")]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"gongkai export: {len(ex.TABLES)} tables as xlsx in {tmp_path / 'x'}"
    assert "  fact_proactive_disclosure               92 rows  gongkai.xlsx" in out
    assert main(["export", "--warehouse", str(tmp_path / "none.duckdb"), str(tmp_path / "y")]) == 1
    assert "no warehouse at" in capsys.readouterr().err


def test_a_content_held_by_two_files_is_exported_once(warehouse, tmp_path):
    """reports has a row per file: a byte-identical copy is a second row of one report_id. The
    labels that need the report's template must not double that report's cells."""
    copy = tmp_path / "copies.duckdb"
    shutil.copyfile(warehouse, copy)
    with duckdb.connect(str(copy)) as db:
        db.execute(
            "INSERT INTO reports SELECT * REPLACE ('copy_of_005.txt' AS source_file, 'duplicate' AS status) "
            "FROM reports WHERE source_file = '005_constructed_2020_tangyin_county.txt'"
        )
        (rid,) = db.execute("SELECT report_id FROM reports WHERE source_file = 'copy_of_005.txt'").fetchall()[0]
        (cells,) = db.execute("SELECT count(*) FROM fact_proactive_disclosure WHERE report_id = ?", [rid]).fetchall()[0]
    done = ex.export(copy, tmp_path / "csv", "csv")
    assert done.rows["reports"] == 27 and done.rows["fact_proactive_disclosure"] == 92
    read = _csv(tmp_path / "csv", "fact_proactive_disclosure")
    with duckdb.connect() as db:
        assert db.execute(f"SELECT count(*) FROM {read}").fetchall() == [(92,)]
        assert db.execute(f'SELECT count(*) FROM {read} WHERE "报告编号" = ?', [rid]).fetchall() == [(cells,)]
        assert db.execute(
            f'SELECT "事项" FROM {read} WHERE "报告编号" = ? AND "事项代码" = \'normative_document\' LIMIT 1', [rid]
        ).fetchall() == [("规范性文件",)]
