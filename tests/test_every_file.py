"""Every file in the raw folder has a ``reports`` row, whatever happens to it between runs.

Byte-identical copies under other names are rows of their own ('duplicate', ``duplicate_of``
their own report_id, the reason naming the file that counts them) and never double a fact;
a file removed keeps its row and facts, marked not present with when it was last seen; a
run with nothing to parse still records a copy, a rename or a removal; the CLI and the
dashboard count the same files and the same warnings. Runs are the real Dagster job.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from pipeline import warehouse
from pipeline.cli import main, run_ingest
from pipeline.dashboard import site_dir_for
from tests.conftest import RAW, copy_seeds

S000, S002, S003, S004 = (
    "000_4878a5074e723ab1.txt",
    "002_4506cd2fdf4d2994.txt",
    "003_6e817ece59bf6a07.txt",
    "004_f01d4dbb51cf7cd1.txt",
)
COPY = "byte-identical copy of {}: the same content under another name, counted once"
APPLICATION_CELLS = 175  # table 三 of a 2021 report: 25 rows x 7 columns


def rows(wh: Path) -> dict[str, tuple]:
    """source_file -> (status, is a byte-identical copy, reason, present) of the current rows."""
    with duckdb.connect(str(wh), read_only=True) as con:
        found = con.execute(
            "SELECT source_file, status, duplicate_of = report_id, reason, present FROM reports "
            "WHERE status <> 'superseded'"
        ).fetchall()
    return {f: (s, bool(copy), reason, present) for f, s, copy, reason, present in found}


def scalar(wh: Path, sql: str, params: list | None = None):
    with duckdb.connect(str(wh), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def cards(wh: Path) -> dict[str, int]:
    html = (site_dir_for(wh) / "index.html").read_text(encoding="utf-8")
    found = re.findall(r'<div class="card status-(\w+)"><b>(\d+)</b>', html)
    return {status: int(n) for status, n in found if int(n)}


def dashboard_warnings(wh: Path) -> int:
    html = (site_dir_for(wh) / "index.html").read_text(encoding="utf-8")
    (n,) = re.findall(r"Warnings, not blocking \((\d+)\)", html)
    return int(n)


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    return copy_seeds(tmp_path / "raw")


@pytest.fixture
def wh(tmp_path: Path) -> Path:
    return tmp_path / "wh" / "gongkai.duckdb"


def test_every_file_has_a_row_and_a_copy_never_doubles_a_fact(raw, wh):
    """Seeds, a copy of 000 under another name, and three empty files: 9 files, 9 rows."""
    shutil.copy2(raw / S000, raw / "copy_of_000.txt")
    (raw / "empty").mkdir()
    for name in ("e1.txt", "e2.txt", "e3.txt"):
        (raw / "empty" / name).write_bytes(b"")
    summary, scan, _ = run_ingest(raw, wh, ephemeral=True)
    assert (len(scan.to_process), len(scan.unchanged)) == (6, 3)
    found = rows(wh)
    assert len(found) == 9
    assert found["copy_of_000.txt"] == ("duplicate", True, COPY.format(S000), True)
    assert found["empty/e1.txt"] == ("failed", False, "empty file", True)
    assert found["empty/e2.txt"] == ("duplicate", True, COPY.format("empty/e1.txt"), True)
    assert found["empty/e3.txt"] == ("duplicate", True, COPY.format("empty/e1.txt"), True)
    assert found[S000][:2] == ("loaded", False) and found[S003][:2] == ("partial", False)
    assert summary.statuses == {"loaded": 4, "partial": 1, "failed": 1, "duplicate": 3}
    every_file = (Path(__file__).resolve().parents[1] / "warehouse" / "queries" / "06_every_file.sql").read_text()
    assert [(f, copy_of) for f, _, _, _, copy_of, _ in scalar(wh, every_file) if copy_of] == [
        ("copy_of_000.txt", S000),
        ("empty/e2.txt", "empty/e1.txt"),
        ("empty/e3.txt", "empty/e1.txt"),
    ]
    # facts per content: the copy adds none; the analysts' view has each report once
    assert scalar(wh, "SELECT count(*) FROM fact_applications") == [(5 * APPLICATION_CELLS,)]
    assert scalar(wh, "SELECT count(*), count(DISTINCT report_id) FROM v_agency_year") == [(5, 5)]
    # the dashboard counts what the CLI counts: the same files by status, the same warnings
    assert cards(wh) == summary.statuses
    assert dashboard_warnings(wh) == summary.warnings == 4
    pages = sorted(p.stem for p in (site_dir_for(wh) / "reports").glob("*.html"))
    assert pages == sorted(r for (r,) in scalar(wh, "SELECT DISTINCT report_id FROM reports"))  # one per content
    page = (
        site_dir_for(wh)
        / "reports"
        / f"{scalar(wh, 'SELECT report_id FROM reports WHERE source_file = ?', [S000])[0][0]}.html"
    )
    assert "byte-identical copies 相同副本 (1)" in page.read_text(encoding="utf-8")


def test_a_copy_warned_on_is_one_warning_in_the_cli_and_the_dashboard(tmp_path, raw, wh):
    """003 prints three narrative numbers its tables contradict and 000 a fee the plausibility
    check warns about: 4 warnings, with a byte-identical copy of each and a re-posted copy of
    003 (other bytes, same numbers) beside them. The CLI and the dashboard both say 4."""
    shutil.copy2(raw / S003, raw / "003_again.txt")
    shutil.copy2(raw / S000, raw / "000_again.txt")
    (raw / "003_reposted.txt").write_text("转载\n" + (raw / S003).read_text(encoding="utf-8"), encoding="utf-8")
    summary, _, _ = run_ingest(raw, wh, ephemeral=True)
    assert summary.warnings == 4 == dashboard_warnings(wh)
    assert summary.statuses == {"loaded": 4, "partial": 1, "duplicate": 3} == cards(wh)
    html = (site_dir_for(wh) / "index.html").read_text(encoding="utf-8")
    listed = html[html.index('id="warning-list"') : html.index('id="pass-rates"')]
    assert listed.count(S003) == 3 and listed.count(S000) == 1 and "again" not in listed and "reposted" not in listed


def test_a_run_with_nothing_to_parse_records_a_new_copy_and_then_is_a_no_op(raw, wh):
    run_ingest(raw, wh, ephemeral=True)
    shutil.copy2(raw / S002, raw / "renamed_002.txt")
    summary, scan, _ = run_ingest(raw, wh, ephemeral=True)
    assert scan.to_process == []
    assert rows(wh)["renamed_002.txt"] == ("duplicate", True, COPY.format(S002), True)
    assert summary.statuses == {"duplicate": 1}
    published = warehouse.stamp(wh)
    summary, scan, _ = run_ingest(raw, wh, ephemeral=True)
    assert (scan.to_process, summary.statuses) == ([], {})
    assert warehouse.stamp(wh) == published  # nothing written: the warehouse file is the same one


def test_a_removed_file_keeps_its_row_and_facts(raw, wh):
    """000 (with a copy) and 002 are deleted: 000's copy now counts its content, 002 stays
    loaded with its facts, both marked gone with when they were last seen; 002 comes back."""
    shutil.copy2(raw / S000, raw / "copy_of_000.txt")
    run_ingest(raw, wh, ephemeral=True)
    ((first_seen,),) = scalar(wh, "SELECT DISTINCT last_seen FROM reports")
    facts = scalar(wh, "SELECT count(*) FROM fact_applications")
    (raw / S000).unlink()
    (raw / S002).unlink()
    summary, scan, _ = run_ingest(raw, wh, ephemeral=True)
    assert scan.to_process == []
    day = first_seen.date().isoformat()
    assert summary.removed == [(S000, day), (S002, day)]
    found = rows(wh)
    assert found["copy_of_000.txt"] == ("loaded", False, None, True)
    assert found[S000] == ("duplicate", True, COPY.format("copy_of_000.txt"), False)
    assert found[S002] == ("loaded", False, None, False)
    assert scalar(
        wh, "SELECT last_seen = ?, missing_since > last_seen FROM reports WHERE source_file = ?", [first_seen, S002]
    ) == [(True, True)]
    assert scalar(wh, "SELECT count(*) FROM fact_applications") == facts
    assert scalar(wh, "SELECT count(*) FROM v_agency_year") == [(5,)]
    assert cards(wh) == {"loaded": 3, "partial": 1, "removed": 2}
    html = (site_dir_for(wh) / "index.html").read_text(encoding="utf-8")
    removed = html[html.index('id="removed-list"') :]
    assert S000 in removed and S002 in removed and day in removed
    shutil.copy2(RAW / S002, raw / S002)
    summary, _, _ = run_ingest(raw, wh, ephemeral=True)
    assert rows(wh)[S002] == ("loaded", False, None, True)
    assert scalar(wh, "SELECT missing_since FROM reports WHERE source_file = ?", [S002]) == [(None,)]
    assert summary.removed == []


def test_the_counted_file_changes_while_its_copy_stays(raw, wh):
    """004 and a copy; 004 is re-issued in place (行政处罚 32 -> 33): its old row is history
    ('superseded'), the copy still holds the old content, which now conflicts with the new
    one: the copy received later wins, and only its numbers are facts."""
    shutil.copy2(raw / S004, raw / "004_copy.txt")
    run_ingest(raw, wh, ephemeral=True)
    (old_id,) = {r for (r,) in scalar(wh, "SELECT report_id FROM reports WHERE source_file = ?", [S004])}
    text = (raw / S004).read_text(encoding="utf-8")
    (raw / S004).write_text(text.replace("行政处罚\t32", "行政处罚\t33"), encoding="utf-8")
    run_ingest(raw, wh, ephemeral=True)
    found = rows(wh)
    assert found[S004][:2] == ("loaded", False)
    assert found["004_copy.txt"][:2] == ("duplicate", False)  # a conflicting copy, no longer byte-identical
    assert found["004_copy.txt"][2].startswith(f"conflicting copy: {S004} is newer")
    assert scalar(wh, "SELECT status FROM reports WHERE source_file = ? AND report_id = ?", [S004, old_id]) == [
        ("superseded",)
    ]
    assert scalar(
        wh,
        "SELECT value FROM fact_proactive_disclosure WHERE item = 'administrative_penalty' AND report_id IN "
        "(SELECT report_id FROM reports WHERE source_file LIKE '004%')",
    ) == [(33,)]


def test_a_file_back_to_its_earlier_content_is_that_content_again(raw, wh):
    run_ingest(raw, wh, ephemeral=True)
    original = (raw / S004).read_bytes()
    (raw / S004).write_text(original.decode("utf-8").replace("行政许可\t319", "行政许可\t320"), encoding="utf-8")
    run_ingest(raw, wh, ephemeral=True)
    (raw / S004).write_bytes(original)
    _, scan, _ = run_ingest(raw, wh, ephemeral=True)
    assert [f.source_file for f in scan.to_process] == [S004]  # parsed again: its facts had gone
    history = scalar(
        wh,
        "SELECT status, report_id = ? FROM reports WHERE source_file = ? ORDER BY status",
        [scan.to_process[0].report_id, S004],
    )
    assert history == [("loaded", True), ("superseded", False)]
    assert scalar(
        wh,
        "SELECT value FROM fact_proactive_disclosure WHERE item = 'administrative_license' AND report_id = ?",
        [scan.to_process[0].report_id],
    ) == [(319,)]


def test_a_warehouse_keyed_by_content_is_migrated(raw, wh):
    """A warehouse made before reports was keyed by file (report_id its primary key, no
    present/last_seen): it keeps working, and the next run records the copy it had no row for."""
    run_ingest(raw, wh, ephemeral=True)
    with duckdb.connect(str(wh)) as con:
        con.execute("CREATE TABLE old_reports AS SELECT * EXCLUDE (present, last_seen, missing_since) FROM reports")
        con.execute("DROP TABLE reports")
        columns = ", ".join(
            f"{name} {kind}" + (" PRIMARY KEY" if name == "report_id" else "")
            for name, kind in con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'old_reports' "
                "ORDER BY column_index"
            ).fetchall()
        )
        con.execute(f"CREATE TABLE reports ({columns})")
        con.execute("INSERT INTO reports SELECT * FROM old_reports")
        con.execute("DROP TABLE old_reports")
    shutil.copy2(raw / S000, raw / "copy_of_000.txt")
    summary, scan, _ = run_ingest(raw, wh, ephemeral=True)
    assert scan.to_process == []
    assert scalar(
        wh,
        "SELECT constraint_column_names FROM duckdb_constraints() "
        "WHERE table_name = 'reports' AND constraint_type = 'PRIMARY KEY'",
    ) == [(["source_file", "report_id"],)]
    found = rows(wh)
    assert found["copy_of_000.txt"] == ("duplicate", True, COPY.format(S000), True)
    assert {f: s for f, (s, *_) in found.items() if f != "copy_of_000.txt"} == {
        S000: "loaded",
        "001_3e089bbee027005d.txt": "loaded",
        S002: "loaded",
        S003: "partial",
        S004: "loaded",
    }
    assert summary.statuses == {"duplicate": 1}


def test_empty_raw_folder_says_there_is_nothing_to_ingest(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    empty = tmp_path / "raw"
    empty.mkdir()
    wh = tmp_path / "wh" / "g.duckdb"
    assert main(["ingest", "--quiet", "--raw-dir", str(empty), "--warehouse", str(wh)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert (
        lines[0]
        == f"gongkai ingest: nothing to ingest: no files in {empty} (every file below it is read, except hidden ones)"
    )
    assert re.fullmatch(rf"warehouse:  none written: {re.escape(str(wh))} does not exist yet \(\d+\.\d s\)", lines[1])
    assert len(lines) == 2 and not wh.exists()
    assert main(["ingest", "--quiet", "--raw-dir", str(tmp_path / "nowhere"), "--warehouse", str(wh)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"gongkai ingest: nothing to ingest: the raw folder {tmp_path / 'nowhere'} does not exist"
