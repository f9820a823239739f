"""Which of two conflicting copies of one agency-year is loaded: the documents decide.

The date a report prints (its 发布日期/发布时间 field, else the date under its signature)
says which copy is the re-issue; a file's mtime, which a copy or a re-download resets, plays
no part. ``reports.reason`` names both dates.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import duckdb
import pytest

from pipeline.cli import run_ingest
from pipeline.parse.metadata import published_date
from pipeline.readers import read_document
from tests.conftest import RAW
from tests.realworld.conftest import source

ORIGINAL = "006_constructed_2021_tangyin_county.txt"  # signed 汤阴县人民政府办公室 / 2022年1月25日


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("正文。\n汤阴县人民政府办公室\n2022年1月25日\n", dt.date(2022, 1, 25)),
        ("正文。\n某某县人民政府 二〇二一年十二月三十一日", dt.date(2021, 12, 31)),
        ("正文。\n二〇二〇年十月一日\n", dt.date(2020, 10, 1)),
        ("正文。\n２０２２年１月２０日", dt.date(2022, 1, 20)),  # full-width digits
        ("正 文\n2 0 2 3 年 1 月 9 日", dt.date(2023, 1, 9)),  # a PDF's spaced characters
        ("发布时间: 2025-03-10 15:35\n正文。", dt.date(2025, 3, 10)),
        ("发布日期：2020-01-31\n正文。\n某某局\n2020年1月2日", dt.date(2020, 1, 31)),  # the field first
        ("发文日期： 2022/01/20\n正文。", dt.date(2022, 1, 20)),
        # a date in a sentence is narrative, not the publication date
        ("2021年12月31日前完成整改。\n六、其他需要报告的事项\n无", None),
        ("列明文件的成文日期、发布时间等信息。", None),
        ("正文。\n2022年1月20日印发", None),
        ("正文。\n2022年2月30日", None),  # no such day
    ],
)
def test_publication_date(text, date):
    assert published_date(text) == date


@pytest.mark.parametrize(
    ("path", "date"),
    [
        (RAW / ORIGINAL, dt.date(2022, 1, 25)),  # signature
        (RAW / "005_constructed_2020_tangyin_county.txt", dt.date(2021, 1, 29)),  # signature
        (RAW / "000_4878a5074e723ab1.html", dt.date(2022, 1, 20)),  # 发文日期：2022-01-20 in the page's info table
        (RAW / "000_4878a5074e723ab1.txt", None),  # the text copy prints no date
        ("shanghai_gov_office_2019.html", dt.date(2020, 1, 31)),  # real report: 发布日期：2020-01-31
        ("pingtan_junshan_2022_page.txt", dt.date(2023, 1, 9)),  # real report: 发布时间: 2023-01-09 10:07
    ],
    ids=lambda v: v.name if isinstance(v, Path) else str(v),
)
def test_publication_date_of_sample_files(path, date):
    path = path if isinstance(path, Path) else source(path)  # ../shared/realworld/, skipped when absent
    assert published_date(read_document(path).text()) == date


def _reports(warehouse: Path) -> dict[str, tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("SELECT source_file, status, reason, published FROM reports").fetchall()
    return {source: (status, reason, published) for source, status, reason, published in rows}


@pytest.mark.parametrize("newer_mtime", ["original", "reissue"])
def test_the_later_printed_date_wins_whatever_the_mtimes(tmp_path, newer_mtime):
    """A re-issue signed 2022年2月10日 with 行政处罚 1013 instead of 1012, in the same run as the
    original signed 2022年1月25日: the re-issue is loaded, whichever file was touched last."""
    raw = tmp_path / "raw"
    raw.mkdir()
    text = (RAW / ORIGINAL).read_text(encoding="utf-8")
    assert text.count("\n行政处罚 1012\n") == 1 and text.rstrip().endswith("汤阴县人民政府办公室\n2022年1月25日")
    (raw / ORIGINAL).write_text(text, encoding="utf-8")
    reissue = text.replace("\n行政处罚 1012\n", "\n行政处罚 1013\n").replace("2022年1月25日", "2022年2月10日")
    (raw / "006_reissue.txt").write_text(reissue, encoding="utf-8")
    older, newer = (ORIGINAL, "006_reissue.txt") if newer_mtime == "reissue" else ("006_reissue.txt", ORIGINAL)
    os.utime(raw / older, (1_600_000_000, 1_600_000_000))
    os.utime(raw / newer, (1_700_000_000, 1_700_000_000))
    warehouse = tmp_path / "w.duckdb"
    summary, _, _ = run_ingest(raw, warehouse, ephemeral=True)
    assert summary.statuses == {"loaded": 1, "duplicate": 1}
    reports = _reports(warehouse)
    assert reports[ORIGINAL] == (
        "duplicate",
        "conflicting copy: 006_reissue.txt is newer (dated 2022-02-10; this copy dated 2022-01-25) and its "
        "numbers differ; it is loaded instead",
        dt.date(2022, 1, 25),
    )
    assert reports["006_reissue.txt"] == (
        "loaded",
        "conflict: other copies for the same agency and year have different numbers "
        f"({ORIGINAL} dated 2022-01-25); this copy is loaded: its printed date is the latest (dated 2022-02-10)",
        dt.date(2022, 2, 10),
    )
    with duckdb.connect(str(warehouse), read_only=True) as con:
        penalty = con.execute(
            "SELECT value FROM fact_proactive_disclosure "
            "WHERE item = 'administrative_penalty' AND measure = 'decisions'"
        ).fetchall()
        warning = con.execute("SELECT severity, success, details FROM dq_results WHERE suite = 'duplicates'").fetchall()
    assert [float(v) for (v,) in penalty] == [1013.0]
    assert warning == [("warning", False, reports["006_reissue.txt"][1])]
    pages = (tmp_path / "dq_site" / "reports").glob("*.html")  # each copy's page shows its printed date
    shown = [re.search(r"<td>published 发布日期</td><td>([^<]*)</td>", p.read_text(encoding="utf-8")) for p in pages]
    assert sorted(m.group(1) for m in shown) == ["2022-01-25", "2022-02-10"]


def test_undated_conflicting_copies_in_one_run_are_settled_by_content(tmp_path):
    """Neither copy prints a date and both arrive in one run: the content hash (report_id)
    decides, the same on every run and machine, and the reason says the dates do not tell."""
    raw = tmp_path / "raw"
    raw.mkdir()
    text = (RAW / ORIGINAL).read_text(encoding="utf-8").replace("\n2022年1月25日", "")
    (raw / "a.txt").write_text(text, encoding="utf-8")
    (raw / "b.txt").write_text(text.replace("\n行政处罚 1012\n", "\n行政处罚 1013\n"), encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    run_ingest(raw, warehouse, ephemeral=True)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        ids = dict(con.execute("SELECT source_file, report_id FROM reports").fetchall())
    kept, other = sorted(ids, key=ids.get)  # the smaller content hash
    reports = _reports(warehouse)
    assert reports[other] == (
        "duplicate",
        f"conflicting copy: {kept} is newer (received later, as the printed dates do not tell: undated; this "
        "copy undated) and its numbers differ; it is loaded instead",
        None,
    )
    assert reports[kept][:2] == (
        "loaded",
        f"conflict: other copies for the same agency and year have different numbers ({other} undated); this copy "
        "is loaded: received last, as the printed dates do not tell (this copy undated)",
    )


def test_a_reparse_keeps_the_copy_received_later(tmp_path, monkeypatch):
    """Undated copies in two runs: the later arrival is loaded, and stays loaded when a new
    parser version parses both again in one run (``first_ingested_at`` is kept)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    text = (RAW / ORIGINAL).read_text(encoding="utf-8").replace("\n2022年1月25日", "")
    (raw / "a.txt").write_text(text, encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    run_ingest(raw, warehouse, ephemeral=True)
    (raw / "b.txt").write_text(text.replace("\n行政处罚 1012\n", "\n行政处罚 1013\n"), encoding="utf-8")
    run_ingest(raw, warehouse, ephemeral=True)
    assert {k: v[0] for k, v in _reports(warehouse).items()} == {"a.txt": "duplicate", "b.txt": "loaded"}
    monkeypatch.setattr("pipeline.ingest.PARSER_VERSION", "9.9.9")  # every file is parsed again, in one run
    _, scan, _ = run_ingest(raw, warehouse, ephemeral=True)
    assert len(scan.to_process) == 2
    reports = _reports(warehouse)
    assert {k: v[0] for k, v in reports.items()} == {"a.txt": "duplicate", "b.txt": "loaded"}
    assert reports["a.txt"][1].startswith("conflicting copy: b.txt is newer (received later, as the printed dates")
