"""A nightly run with nothing to do costs a stat per file: unchanged files are known by path,
size and mtime and never hashed; staging in chunks gives the same tables as staging at once;
parse progress is reported as plain lines when stderr is not a terminal, and in the run log."""

from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets.definitions import make_definitions
from assets.settings import GongkaiSettings
from pipeline import ingest
from pipeline.cli import main, run_ingest
from pipeline.progress import Progress
from tests.conftest import SEED_NAMES, copy_seeds
from tests.warehouse_rows import warehouse_rows

SKIP = frozenset({"pipeline_state"})  # what the warehouse last applied, not what it holds


@pytest.fixture
def loaded(tmp_path):
    """The five seeds, ingested once."""
    raw, warehouse = copy_seeds(tmp_path / "raw"), tmp_path / "wh" / "g.duckdb"
    run_ingest(raw, warehouse, ephemeral=True)
    return raw, warehouse


@pytest.fixture
def hashed(monkeypatch) -> list[str]:
    """The names of the files ``scan`` hashes, in order."""
    names: list[str] = []
    real = ingest.sha256_file

    def counting(path: Path) -> str:
        names.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(ingest, "sha256_file", counting)
    return names


def _shift_mtime(path: Path, seconds: int) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + seconds * 1_000_000_000))


def test_unchanged_files_are_not_hashed(loaded, hashed):
    raw, warehouse = loaded
    scan = ingest.scan(raw, warehouse)
    assert hashed == []
    assert (scan.to_process, [f.source_file for f in scan.unchanged]) == ([], SEED_NAMES)
    # the ids come from the warehouse rows, and they are the content hashes
    assert [f.report_id for f in scan.unchanged] == [_sha(raw / n) for n in SEED_NAMES]


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_touched_file_is_hashed_again_and_stays_unchanged_if_its_content_is(loaded, hashed):
    raw, warehouse = loaded
    _shift_mtime(raw / SEED_NAMES[2], 60)  # touched: same bytes, new mtime
    scan = ingest.scan(raw, warehouse)
    assert hashed == [SEED_NAMES[2]]
    assert (scan.to_process, len(scan.unchanged)) == ([], 5)


def test_a_changed_file_is_hashed_and_parsed(loaded, hashed):
    raw, warehouse = loaded
    path = raw / SEED_NAMES[4]
    path.write_bytes(path.read_bytes() + b"\n")
    scan = ingest.scan(raw, warehouse)
    assert hashed == [SEED_NAMES[4]]
    assert [f.source_file for f in scan.to_process] == [SEED_NAMES[4]]
    assert scan.to_process[0].report_id == _sha(path)


def test_content_changed_with_size_and_mtime_kept_needs_rehash(loaded, hashed):
    """The one case the stat check misses, documented in ``ingest.scan``: ``--rehash`` finds it."""
    raw, warehouse = loaded
    path = raw / SEED_NAMES[4]
    st = path.stat()
    data = path.read_bytes()
    assert b"\t319" in data
    path.write_bytes(data.replace(b"\t319", b"\t320", 1))  # same size
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # mtime put back, as `touch -r` or `rsync -t` would
    assert ingest.scan(raw, warehouse).to_process == []
    assert hashed == []
    rehashed = ingest.scan(raw, warehouse, rehash=True)
    assert sorted(hashed) == SEED_NAMES
    assert [f.source_file for f in rehashed.to_process] == [SEED_NAMES[4]]


def test_cli_rehash_flag_reparses_a_file_changed_behind_its_mtime(loaded, tmp_path, monkeypatch, capsys):
    raw, warehouse = loaded
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    path = raw / SEED_NAMES[4]
    st = path.stat()
    path.write_bytes(path.read_bytes().replace(b"\t319", b"\t320", 1))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert main(["ingest", "--raw-dir", str(raw), "--warehouse", str(warehouse), "--quiet"]) == 0
    assert capsys.readouterr().out.splitlines()[0].endswith("0 processed, 5 unchanged (skipped)")
    assert main(["ingest", "--raw-dir", str(raw), "--warehouse", str(warehouse), "--rehash", "--quiet"]) == 0
    assert capsys.readouterr().out.splitlines()[0].endswith("1 processed, 4 unchanged (skipped)")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (value,) = con.execute(
            "SELECT f.value FROM fact_proactive_disclosure f JOIN reports r USING (report_id) "
            "WHERE r.source_file = ? AND r.status = 'loaded' AND f.item = 'administrative_license'",
            [SEED_NAMES[4]],
        ).fetchone()
    assert value == 320


# Columns whose values name the run or the moment, not the content: they differ between any two runs.
def _ingest_with_chunk(raw: Path, warehouse: Path, chunk: int) -> None:
    settings = GongkaiSettings(raw_dir=str(raw), warehouse=str(warehouse), workers=1, stage_chunk=chunk)
    job = make_definitions(settings).resolve_job_def("ingest")
    job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=True)


def test_staging_in_chunks_of_two_gives_the_same_warehouse(tmp_path):
    """Seven files (five seeds, an empty file, a copy with other numbers) staged two at a time
    and all at once: every table of the published warehouse is the same, row for row."""
    raw = copy_seeds(tmp_path / "raw")
    (raw / "empty.txt").write_bytes(b"")
    text = (raw / SEED_NAMES[4]).read_text(encoding="utf-8")
    (raw / "reissue.txt").write_text(text.replace("行政许可\t319", "行政许可\t320"), encoding="utf-8")
    _ingest_with_chunk(raw, tmp_path / "two" / "g.duckdb", 2)
    _ingest_with_chunk(raw, tmp_path / "all" / "g.duckdb", 500)
    two = warehouse_rows(tmp_path / "two" / "g.duckdb", SKIP)
    whole = warehouse_rows(tmp_path / "all" / "g.duckdb", SKIP)
    assert two == whole
    assert len(two["v_agency_year"]) == 5  # the analyst views are compared too (the cells are views)
    counts = {k: len(v) for k, v in two.items() if not k.startswith(("dim_", "v_")) or k == "dim_agency"}
    assert counts == {
        "dim_agency": 5,
        "dq_results": 163,
        "fact_applications": 875,
        "fact_proactive_disclosure": 40,
        "fact_review_litigation": 75,
        "narrative_claims": 7,
        "quarantine_applications": 0,
        "quarantine_proactive_disclosure": 10,
        "quarantine_review_litigation": 0,
        "reports": 7,
    }


def test_progress_lines_every_tenth_and_every_five_seconds():
    now = [0.0]
    out, logged = io.StringIO(), []
    progress = Progress(40, stream=out, log=logged.append, clock=lambda: now[0])
    for done in range(1, 41):
        now[0] = done * 0.5  # two files a second
        progress.update(done)
    lines = out.getvalue().splitlines()
    assert lines[0] == "gongkai ingest: parsed 4/40 files (10%), 2.0 files/s, ETA 18s"
    assert lines[4] == "gongkai ingest: parsed 20/40 files (50%), 2.0 files/s, ETA 10s"
    assert lines[-1] == "gongkai ingest: parsed 40/40 files (100%), 2.0 files/s, done"
    assert len(lines) == 10
    assert [f"gongkai ingest: {m}" for m in logged] == lines  # the run log gets the same lines

    now[0] = 0.0
    slow = Progress(1000, stream=io.StringIO(), clock=lambda: now[0])
    for done, t in ((1, 4.0), (2, 5.5), (3, 9.0), (4, 10.6)):  # one file every few seconds: a line every 5 s
        now[0] = t
        slow.update(done)
    assert slow.stream.getvalue().splitlines() == [
        "gongkai ingest: parsed 2/1000 files (0%), 0.4 files/s, ETA 45m44s",  # 998 files at 2/5.5 s
        "gongkai ingest: parsed 4/1000 files (0%), 0.4 files/s, ETA 43m59s",
    ]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_is_a_bar_redrawn_in_place():
    now = [0.0]
    term = _Terminal()
    progress = Progress(10, stream=term, clock=lambda: now[0])
    for done in range(1, 11):
        now[0] = done * 1.0
        progress.update(done)
    drawn = term.getvalue()
    assert "\n" not in drawn[:-1] and drawn.endswith("\n")  # one line, redrawn; a newline at the end
    assert drawn.count("\r") == 10
    assert drawn.rstrip("\n").split("\r")[-1] == f"[{'#' * 30}] parsed 10/10 files (100%), 1.0 files/s, done\x1b[K"
    assert drawn.split("\r")[3] == f"[{'#' * 9}{'-' * 21}] parsed 3/10 files (30%), 1.0 files/s, ETA 7s\x1b[K"


def test_ingest_shows_progress_on_stderr_and_in_the_run_log(tmp_path, monkeypatch, capfd):
    """On the process's own stderr (a descriptor, not sys.stderr: Dagster captures a step's
    output, so the CLI hands the step a duplicate of its stderr taken before the run)."""
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    raw = copy_seeds(tmp_path / "raw")
    for i, name in enumerate(SEED_NAMES):  # ten files: parsed by the worker pool
        shutil.copy2(raw / name, raw / f"copy_{i}.txt")
        (raw / f"copy_{i}.txt").write_bytes((raw / name).read_bytes() + b"\n")
    assert main(["ingest", "--raw-dir", str(raw), "--warehouse", str(tmp_path / "g.duckdb")]) == 0
    err = capfd.readouterr().err.splitlines()
    progress = [line for line in err if line.startswith("gongkai ingest: parsed")]
    assert [re.sub(r", [\d.]+ files/s, .*", "", line) for line in progress] == [
        f"gongkai ingest: parsed {n}/10 files ({n * 10}%)" for n in range(1, 11)
    ]
    assert progress[-1].endswith(", done")
    (run,) = dg.DagsterInstance.get().get_runs()
    logged = [
        e.user_message
        for e in dg.DagsterInstance.get().all_logs(run.run_id)
        if e.step_key == "staged_reports.parse_shard[shard_0000]" and e.user_message.startswith("parsed ")
    ]
    assert [f"gongkai ingest: {m}" for m in logged] == progress


def test_list_raw_walks_every_visible_file_in_a_stable_order(tmp_path):
    raw = tmp_path / "raw"
    for name in ("b.txt", "a/2021/x.pdf", "a/1.docx", ".hidden.txt", ".git/config", "a/.cache/c.txt"):
        (raw / name).parent.mkdir(parents=True, exist_ok=True)
        (raw / name).write_text("x", encoding="utf-8")
    os.mkfifo(raw / "a" / "pipe")  # not a regular file: never read
    (raw / "link.txt").symlink_to(raw / "b.txt")  # a link to a file is a file, as Path.is_file says
    found = [p.relative_to(raw).as_posix() for p in ingest.list_raw(raw)]
    assert found == ["a/1.docx", "a/2021/x.pdf", "b.txt", "link.txt"]
    assert ingest.list_raw(tmp_path / "missing") == []
