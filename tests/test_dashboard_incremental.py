"""The dashboard draws the report pages whose content changed and carries the others over.

Each test builds the site, changes one report's inputs (what the page shows: its row of
``reports``, a result, a claim, a cell, its agency's name, a copy, the file gone), builds again,
and checks that exactly that page was drawn again (a new file; the others are the same inode,
hard links of the old site's) with new bytes, and that a build from scratch writes the same
reports folder byte for byte. What a run rewrites on every file and no page shows (``last_seen``
of a present file) draws nothing. The last test runs the real job: a 2020 report arriving
changes the continuity checks of the same agency's 2021 report, so that page is drawn too.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from pipeline import batches, dashboard
from pipeline.dashboard import manifest, site_dir_for
from pipeline.dashboard import report_inputs as inputs
from tests.conftest import RAW, copy_seeds

TANGYIN_2021, TANGYIN_2020 = "006_constructed_2021_tangyin_county.txt", "005_constructed_2020_tangyin_county.txt"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """The five seeds and 汤阴县's 2021 report, ingested by the real job."""
    from pipeline.cli import run_ingest

    root = tmp_path_factory.mktemp("incremental")
    raw = copy_seeds(root / "raw")
    shutil.copy2(RAW / TANGYIN_2021, raw / TANGYIN_2021)
    warehouse = root / "wh" / "gongkai.duckdb"
    run_ingest(raw, warehouse, ephemeral=True)
    return warehouse


@pytest.fixture
def warehouse(pristine, tmp_path) -> Path:
    """A copy of the warehouse folder of its own (its views pointed at its own batch files)."""
    folder = tmp_path / "wh"
    shutil.copytree(pristine.parent, folder, ignore=shutil.ignore_patterns("dq_site", "dq_docs"))
    path = folder / "gongkai.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE batch_root SET path = ?", [str(batches.root_for(path))])
        batches.refresh_views(con)
    return path


def pages_of(site: Path) -> dict[str, tuple[int, bytes]]:
    """report_id -> (inode, bytes) of every report page of a site."""
    return {p.stem: (p.stat().st_ino, p.read_bytes()) for p in (site / "reports").glob("*.html")}


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def rid(warehouse: Path, prefix: str) -> str:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (row,) = con.execute("SELECT report_id FROM reports WHERE source_file LIKE ?", [f"{prefix}%"]).fetchall()
    return row[0]


def change(warehouse: Path, *sql: str) -> None:
    with duckdb.connect(str(warehouse)) as con:
        for statement in sql:
            con.execute(statement)


def assert_drawn_exactly(before: dict, after: dict, drawn: set[str], gone: set[str] = frozenset()) -> None:
    """The pages of ``drawn`` are new files with new bytes; every other page is the same inode."""
    assert set(after) == set(before) - gone
    assert {r for r in after if after[r][0] != before[r][0]} == drawn
    assert {r for r in after if after[r][1] != before[r][1]} == drawn


def assert_same_as_from_scratch(warehouse: Path, tmp_path: Path) -> None:
    """A build into an empty folder draws every page, and the same bytes as the incremental build."""
    folder = tmp_path / "fresh"
    shutil.rmtree(folder, ignore_errors=True)
    fresh = dashboard.build(warehouse, site_dir=folder)
    assert fresh.drawn == fresh.reports
    assert folder_bytes(site_dir_for(warehouse) / "reports") == folder_bytes(folder / "reports")


def _agency_renamed(wh: Path) -> set[str]:
    change(
        wh,
        "UPDATE dim_agency SET name = name || '（更名）' WHERE agency_id = "
        "(SELECT agency_id FROM reports WHERE source_file LIKE '000_%')",
    )
    return {rid(wh, "000_")}


def _revalidated(wh: Path) -> set[str]:
    """A later run's continuity check fails for 001 (the gate's check across reports): that run's
    results are a batch file of ``dq_results`` history, as its publication writes them."""
    report_id = rid(wh, "001_")
    with duckdb.connect(str(wh)) as con:
        batches.append(
            con,
            "dq_results",
            "SELECT 'later' AS run_id, now()::TIMESTAMP + INTERVAL 1 DAY AS validated_at, 'continuity' AS suite, "
            "'carried_over_matches_previous_year' AS expectation, "
            f"'{report_id}' AS report_id, false AS success, '二、上年结转 2 ≠ 3' AS details, "
            "'applications' AS table_name, 'warning' AS severity, NULL AS failed_cells",
            "later",
        )
        batches.refresh_views(con)
    return {report_id}


def _reason(wh: Path) -> set[str]:
    change(wh, "UPDATE reports SET reason = 'checked again' WHERE source_file LIKE '002_%'")
    return {rid(wh, "002_")}


def _file_gone(wh: Path) -> set[str]:
    change(wh, "UPDATE reports SET present = false, missing_since = now()::TIMESTAMP WHERE source_file LIKE '003_%'")
    return {rid(wh, "003_")}


def _copy_added(wh: Path) -> set[str]:
    change(
        wh,
        "INSERT INTO reports SELECT * REPLACE ('copy_of_004.txt' AS source_file, 'duplicate' AS status, "
        "report_id AS duplicate_of) FROM reports WHERE source_file LIKE '004_%'",
    )
    return {rid(wh, "004_")}


def _claim(wh: Path) -> set[str]:
    change(wh, f"UPDATE narrative_claims SET value = value + 1 WHERE report_id = '{rid(wh, '003_')}'")
    return {rid(wh, "003_")}


def _cell(wh: Path) -> set[str]:
    """A new batch holds 001's applications cells, one of them printed otherwise."""
    report = rid(wh, "001_")
    with duckdb.connect(str(wh)) as con:
        select = (
            "SELECT * REPLACE (CASE WHEN outcome = 'new_received' AND applicant_type = 'total' THEN count + 1 "
            f"ELSE count END AS count, CASE WHEN outcome = 'new_received' AND applicant_type = 'total' THEN "
            f"'9999' ELSE raw END AS raw) FROM fact_applications WHERE report_id = '{report}'"
        )
        assert batches.append(con, "fact_applications", select, "edited") > 0
        batches.refresh_views(con)
    return {report}


def _last_seen(wh: Path) -> set[str]:
    """What every run that writes does to every file it finds: no page shows it."""
    change(wh, "UPDATE reports SET last_seen = now()::TIMESTAMP + INTERVAL 1 DAY WHERE present")
    return set()


CHANGES: dict[str, Callable[[Path], set[str]]] = {
    "agency renamed": _agency_renamed,
    "re-validated": _revalidated,
    "reason": _reason,
    "file gone": _file_gone,
    "copy added": _copy_added,
    "narrative claim": _claim,
    "cell": _cell,
    "last_seen of present files": _last_seen,
}


@pytest.mark.parametrize("what", list(CHANGES))
def test_a_change_draws_exactly_the_pages_it_changes(warehouse, tmp_path, what):
    first = dashboard.build(warehouse)
    assert first.reports == first.drawn == 6
    before = pages_of(site_dir_for(warehouse))
    expected = CHANGES[what](warehouse)
    second = dashboard.build(warehouse)
    assert (second.reports, second.drawn) == (6, len(expected))
    assert_drawn_exactly(before, pages_of(site_dir_for(warehouse)), expected)
    assert_same_as_from_scratch(warehouse, tmp_path)


def test_nothing_changed_draws_nothing_and_a_page_shows_no_time(warehouse, tmp_path):
    dashboard.build(warehouse)
    before = pages_of(site_dir_for(warehouse))
    again = dashboard.build(warehouse)
    assert again.drawn == 0
    assert_drawn_exactly(before, pages_of(site_dir_for(warehouse)), set())
    assert all(b"generated" not in page for _, page in before.values())
    assert b"generated" in (site_dir_for(warehouse) / "index.html").read_bytes()  # drawn every build
    assert_same_as_from_scratch(warehouse, tmp_path)


def test_a_report_no_longer_shown_leaves_the_site(warehouse, tmp_path):
    dashboard.build(warehouse)
    before = pages_of(site_dir_for(warehouse))
    gone = rid(warehouse, "002_")
    change(warehouse, "UPDATE reports SET status = 'superseded' WHERE source_file LIKE '002_%'")
    assert dashboard.build(warehouse).drawn == 0
    assert_drawn_exactly(before, pages_of(site_dir_for(warehouse)), set(), gone={gone})
    assert_same_as_from_scratch(warehouse, tmp_path)


def test_new_code_or_words_draw_every_page(warehouse, monkeypatch):
    dashboard.build(warehouse)
    monkeypatch.setattr(inputs, "code_digest", lambda words: "another version of the pages")
    assert dashboard.build(warehouse).drawn == 6


def test_a_page_missing_from_the_old_site_or_a_bad_manifest_is_drawn_again(warehouse, tmp_path):
    site = site_dir_for(warehouse)
    dashboard.build(warehouse)
    lost = rid(warehouse, "004_")
    (site / "reports" / manifest.page_name(lost)).unlink()
    assert dashboard.build(warehouse).drawn == 1
    assert_same_as_from_scratch(warehouse, tmp_path)
    (site / "reports" / manifest.MANIFEST).write_text("{not json", encoding="utf-8")
    assert dashboard.build(warehouse).drawn == 6
    assert_same_as_from_scratch(warehouse, tmp_path)


def test_without_hard_links_the_pages_are_copied(warehouse, tmp_path, monkeypatch):
    """A filesystem without hard links (EXDEV, EPERM): the unchanged pages are copied, not drawn."""
    dashboard.build(warehouse)
    before = pages_of(site_dir_for(warehouse))

    def no_links(*args, **kwargs):
        raise OSError(errno.EPERM, "hard links not permitted")

    monkeypatch.setattr(os, "link", no_links)
    assert dashboard.build(warehouse).drawn == 0
    after = pages_of(site_dir_for(warehouse))
    assert {r: page for r, (_, page) in after.items()} == {r: page for r, (_, page) in before.items()}
    assert all(after[r][0] != before[r][0] for r in before)  # copies


def test_the_job_draws_the_new_report_and_the_one_its_continuity_changes(tmp_path):
    """汤阴县 2020 arrives after 2021: the gate compares 2021's 上年结转 with 2020's 结转下年,
    so the 2021 page counts more checks passed; the seeds' pages stay the same files."""
    from pipeline.cli import run_ingest

    raw = copy_seeds(tmp_path / "raw")
    shutil.copy2(RAW / TANGYIN_2021, raw / TANGYIN_2021)
    wh = tmp_path / "wh" / "gongkai.duckdb"
    run_ingest(raw, wh, ephemeral=True)
    before = pages_of(site_dir_for(wh))
    shutil.copy2(RAW / TANGYIN_2020, raw / TANGYIN_2020)
    run_ingest(raw, wh, ephemeral=True)
    after = pages_of(site_dir_for(wh))
    new, y2021 = rid(wh, "005_"), rid(wh, "006_")
    assert set(after) == set(before) | {new}
    assert {r for r in before if after[r][0] != before[r][0]} == {y2021}
    passed = [
        int(re.search(rb"Failed checks \(\d+; (\d+) passed\)", page[1])[1]) for page in (before[y2021], after[y2021])
    ]
    assert passed[1] > passed[0]  # its continuity checks, which hold
    assert_same_as_from_scratch(wh, tmp_path)
