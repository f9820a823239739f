"""The CLI's `show` and the Dagster definitions a user sees in `dagster dev`."""

import shutil

import dagster as dg

from assets.definitions import defs, raw_files_sensor
from assets.settings import GongkaiSettings
from pipeline.cli import INSTANCE_CONFIG, main
from tests.conftest import RAW, copy_seeds


def test_show_prints_tables_and_checks(capsys):
    assert main(["show", str(RAW / "003_6e817ece59bf6a07.txt")]) == 0
    out = capsys.readouterr().out
    assert "agency:   安阳县人民政府" in out
    assert "year:     2021" in out
    assert "FAIL cells" in out and "规章 / 本年废止件数 = -1" in out
    assert "verdict:  partial (quarantined: proactive_disclosure)" in out


def test_show_unreadable_file(tmp_path, capsys):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert main(["show", str(path)]) == 1
    assert "status:   failed: empty file" in capsys.readouterr().out


def test_show_a_missing_file_says_so(tmp_path, capsys):
    assert main(["show", str(tmp_path / "nope.pdf")]) == 2
    assert "nope.pdf: no such file" in capsys.readouterr().err


def test_definitions():
    job = defs.resolve_job_def("ingest")
    # the four assets of assets/definitions.py and the asset check on staged_reports
    assert {n.name for n in job.graph.nodes} == {
        "raw_report_files",
        "staged_reports",
        "staged_reports_statutory_arithmetic",
        "warehouse",
        "dq_dashboard",
    }
    schedule = defs.resolve_schedule_def("nightly_ingest")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 2 * * *", "Asia/Shanghai")
    checks = list(defs.resolve_asset_graph().asset_check_keys)
    assert [c.name for c in checks] == ["statutory_arithmetic"]


def test_sensor_fires_on_new_or_changed_files(tmp_path):
    raw = copy_seeds(tmp_path / "raw")
    settings = GongkaiSettings(raw_dir=str(raw))
    first = raw_files_sensor(dg.build_sensor_context(cursor=None, resources={"settings": settings}))
    assert len(first.run_requests) == 1
    again = raw_files_sensor(dg.build_sensor_context(cursor=first.cursor, resources={"settings": settings}))
    assert again.run_requests == [] or again.run_requests is None
    (raw / "new.txt").write_text("x", encoding="utf-8")
    changed = raw_files_sensor(dg.build_sensor_context(cursor=first.cursor, resources={"settings": settings}))
    assert len(changed.run_requests) == 1


def test_ingest_prints_summary_and_paths(tmp_path, monkeypatch, capsys):
    """What a user sees after `gongkai ingest`: counts, each problem once, duplicate copies
    grouped under the kept file, warnings, and the paths to open."""
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    raw = copy_seeds(tmp_path / "raw")
    shutil.copy2(raw / "000_4878a5074e723ab1.txt", raw / "000_copy.txt")  # same bytes: one report
    (raw / "001_copy.txt").write_text("转载\n" + (raw / "001_3e089bbee027005d.txt").read_text(encoding="utf-8"))
    warehouse = tmp_path / "wh" / "g.duckdb"
    assert main(["ingest", "--raw-dir", str(raw), "--warehouse", str(warehouse)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"gongkai ingest: 7 files seen in {raw}, 6 processed, 1 unchanged (skipped)"
    assert lines[1] == "  loaded 4, partial 1, quarantined 0, failed 0, duplicate 2"  # every file counted
    assert lines[2] == (
        "  partial     003_6e817ece59bf6a07.txt: 二、主动公开政府信息情况: check non_negative_count (件数不得为负) "
        "fails for 规章 / 本年废止件数 = -1 (printed at line 60)"
    )
    assert lines[3] == (
        "  duplicate   000_copy.txt: byte-identical copy of 000_4878a5074e723ab1.txt: the same content under "
        "another name, counted once"
    )
    assert lines[4] == (
        "  duplicate   001_copy.txt: duplicate of 001_3e089bbee027005d.txt (same agency, year and numbers)"
    )
    assert lines[5] == "  4 non-blocking warnings (narrative, plausibility, continuity...): see the dashboard"
    assert lines[-3] == f"dashboard:  {warehouse.parent / 'dq_site' / 'index.html'}  (open in a browser)"
    assert lines[-2] == (
        f"checks:     {warehouse.parent / 'dq_site' / 'quality.html'}  "
        "(every suite, expectation and result; works offline)"
    )
    assert lines[-1].startswith(f"data docs:  {warehouse.parent / 'dq_docs' / 'index.html'}")
    # the committed instance config: no telemetry, one ingest run at a time
    assert (tmp_path / "dagster_home" / "dagster.yaml").read_text() == INSTANCE_CONFIG.read_text()
