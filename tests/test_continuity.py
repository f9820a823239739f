"""Cross-year continuity: 二、上年结转 (Y) = 四、结转下年度继续办理 (Y-1), a non-blocking warning."""

import shutil

import duckdb
import pytest

from pipeline.cli import run_ingest
from tests.conftest import RAW
from tests.expected_constructed import CONSTRUCTED

F2020 = "005_constructed_2020_tangyin_county.txt"
F2021 = "006_constructed_2021_tangyin_county.txt"


@pytest.fixture
def raw(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    return folder


def _continuity(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "SELECT r.source_file, d.success, d.severity, d.table_name, d.details FROM dq_results d "
            "JOIN reports r USING (report_id) WHERE d.suite = 'continuity' ORDER BY d.validated_at"
        ).fetchall()


def _statuses(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return dict(con.execute("SELECT source_file, status FROM reports").fetchall())


def test_consecutive_years_that_agree_pass(raw, tmp_path):
    for name in CONSTRUCTED:
        shutil.copy2(RAW / name, raw / name)
    summary, _, _ = run_ingest(raw, tmp_path / "g.duckdb", ephemeral=True)
    assert _continuity(tmp_path / "g.duckdb") == [(F2021, True, "warning", "applications", None)]
    assert not [p for p in summary.problems if p[1] == "warning"]


def test_disagreement_is_a_warning_that_does_not_block(raw, tmp_path):
    shutil.copy2(RAW / F2020, raw / F2020)
    text = (RAW / F2021).read_text(encoding="utf-8")
    # 上年结转 1 -> 2 (自然人, 总计); 结转下年度 2 -> 3 keeps 2021's own column balance
    text = text.replace(
        "二、上年结转政府信息公开申请数量 1 0 0 0 0 0 1", "二、上年结转政府信息公开申请数量 2 0 0 0 0 0 2"
    )
    text = text.replace("四、结转下年度继续办理 2 0 0 0 0 0 2", "四、结转下年度继续办理 3 0 0 0 0 0 3")
    (raw / F2021).write_text(text, encoding="utf-8")
    summary, _, _ = run_ingest(raw, tmp_path / "g.duckdb", ephemeral=True)
    assert _statuses(tmp_path / "g.duckdb") == {F2020: "loaded", F2021: "loaded"}
    [(src, success, severity, table, details)] = _continuity(tmp_path / "g.duckdb")
    assert (src, success, severity, table) == (F2021, False, "warning", "applications")
    table_zh = "三、收到和处理政府信息公开申请情况"
    assert details == (
        f"{table_zh}: 自然人: 二、上年结转 2 (2021) ≠ 四、结转下年度继续办理 1 (2020, {F2020}); "
        f"{table_zh}: 总计: 二、上年结转 2 (2021) ≠ 四、结转下年度继续办理 1 (2020, {F2020})"
    )
    assert [(s, st) for s, st, _ in summary.problems] == [(F2021, "warning")]


def test_last_year_arriving_later_is_still_checked(raw, tmp_path):
    warehouse = tmp_path / "g.duckdb"
    shutil.copy2(RAW / F2021, raw / F2021)
    run_ingest(raw, warehouse, ephemeral=True)
    assert _continuity(warehouse) == []  # no 2020 report yet: nothing to compare
    shutil.copy2(RAW / F2020, raw / F2020)
    run_ingest(raw, warehouse, ephemeral=True)
    assert _continuity(warehouse) == [(F2021, True, "warning", "applications", None)]


def test_no_check_when_a_year_is_missing(raw, tmp_path):
    shutil.copy2(RAW / F2020, raw / F2020)
    shutil.copy2(RAW / "003_6e817ece59bf6a07.txt", raw / "003_6e817ece59bf6a07.txt")
    run_ingest(raw, tmp_path / "g.duckdb", ephemeral=True)
    assert _continuity(tmp_path / "g.duckdb") == []


def _history_checks(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "SELECT r.source_file, d.success, d.details FROM dq_results d JOIN reports r USING (report_id) "
            "WHERE d.expectation = 'applications_vs_history' ORDER BY d.validated_at"
        ).fetchall()


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("34 4 0 1 2 0 41", (True, None)),  # (41 + 5) / (25 + 5) = 1.5
        (
            "34 4 0 1 2 0 410",  # (410 + 5) / (25 + 5) = 13.8: an order of magnitude
            (
                False,
                "三、收到和处理政府信息公开申请情况: implausible value (applications_vs_history): "
                "一、本年新收 总计 = 410, far from this agency's earlier years (mean 25 over 1 loaded years)",
            ),
        ),
    ],
)
def test_new_applications_compared_with_the_agencys_earlier_years(raw, tmp_path, printed, expected):
    """2020 prints 25 new applications; 2021, ingested the next night, is compared with it."""
    warehouse = tmp_path / "g.duckdb"
    shutil.copy2(RAW / F2020, raw / F2020)
    run_ingest(raw, warehouse, ephemeral=True)
    text = (RAW / F2021).read_text(encoding="utf-8")
    row = "一、本年新收政府信息公开申请数量 34 4 0 1 2 0 41"
    assert row in text
    (raw / F2021).write_text(text.replace(row, row.replace("34 4 0 1 2 0 41", printed)), encoding="utf-8")
    run_ingest(raw, warehouse, ephemeral=True)
    assert _history_checks(warehouse) == [(F2021, *expected)]
