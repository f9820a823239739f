"""Validation in chunks of reports gives what one validation of the whole batch gives.

The validator runs the suites ``chunk_reports`` reports at a time so that memory holds one
chunk (pipeline/quality/validate.py). Every frame row belongs to one report, so a report's
results must not depend on the chunk it falls in: the same ``dq_results`` rows, the same
blocking failures and warnings, the same verdicts of the gate. Checked on the gate cases (every
kind of break, both templates, totals not printed, reader notes) and on the bundled samples
(narrative claims, an implausible fee, a missing table, unreadable files), each batch cut into
chunks (about three for the suites of a row per report, more for the suite of every cell), against
one chunk.
"""

from __future__ import annotations

import hashlib
import math
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline import ingest, load, warehouse
from pipeline.quality import validate
from tests.conftest import RAW
from tests.test_gate_below_reader import _BASE, FAST, _file, _read


def _stage(tmp_path: Path, results: list[ingest.FileResult]) -> warehouse.Build:
    build = warehouse.start_build(tmp_path / "gongkai.duckdb", "run-chunks")
    ingest.stage(build, results, "run-chunks")
    return build


def _gate_cases(tmp_path: Path) -> list[ingest.FileResult]:
    parsed = _read([*FAST, *_BASE.values()])
    now = datetime.now(UTC).replace(tzinfo=None)
    names = [_file(c) for c in FAST] + [f"{c.name}.txt" for c in _BASE.values()]
    return [
        ingest.FileResult(
            ingest.RawFile(n, str(tmp_path / n), hashlib.sha256(n.encode()).hexdigest(), 1, now), parsed[n]
        )
        for n in names
    ]


def _samples(tmp_path: Path) -> list[ingest.FileResult]:
    scan = ingest.scan(RAW, tmp_path / "none.duckdb")
    return list(ingest.parse_files(scan.to_process, workers=1))


def _validated(tmp_path: Path, results: list[ingest.FileResult], chunk: int, docs: Path | None = None):
    """(the validation, its dq rows without the run's timestamp, the gate's reports rows)."""
    build = _stage(tmp_path, results)
    with warehouse.connect(build.path) as con:
        written: list[dict] = []
        outcome = validate.run(con, "run-chunks", docs_dir=docs, chunk_reports=chunk, sink=written.extend)
        assert outcome.dq_rows == []  # handed to the sink, not kept
        warehouse.record_results(con, written)
        load.load(con, "run-chunks")
        verdicts = con.execute(
            "SELECT source_file, status, reason, tables_loaded, tables_quarantined FROM reports ORDER BY source_file"
        ).fetchall()
    warehouse.discard(build)
    rows = sorted(tuple((k, str(v)) for k, v in sorted(r.items()) if k != "validated_at") for r in written)
    return outcome, rows, verdicts


@pytest.mark.parametrize("batch", [_gate_cases, _samples], ids=["gate-cases", "samples"])
def test_chunks_give_the_results_of_one_validation(tmp_path, batch):
    results = batch(tmp_path)
    reports = len({r.file.report_id for r in results})
    # the suites of every printed cell in some chunks, the others (chunks FEW_ROWS_MULTIPLE times
    # as big) in about three
    small = math.ceil(reports / (3 * validate.FEW_ROWS_MULTIPLE))
    few = math.ceil(small * validate.FEW_ROWS_MULTIPLE)
    chunks = {"cells": math.ceil(reports / small), "others": math.ceil(reports / few)}
    assert chunks["others"] >= 2

    whole, whole_rows, whole_verdicts = _validated(tmp_path / "whole", results, chunk=reports)
    docs = tmp_path / "docs"
    cut, cut_rows, cut_verdicts = _validated(tmp_path / "cut", results, chunk=small, docs=docs)

    assert cut_rows == whole_rows
    assert cut.summary() == whole.summary()
    assert cut.expectations_run == whole.expectations_run
    assert {k: sorted(v) for k, v in cut.blocking.items()} == {k: sorted(v) for k, v in whole.blocking.items()}
    assert {k: sorted(v) for k, v in cut.warnings.items()} == {k: sorted(v) for k, v in whole.warnings.items()}
    assert cut_verdicts == whole_verdicts
    assert whole.blocking and whole.warnings  # something to compare: failures of both severities
    # really run per chunk: GX filed one validation result per suite and chunk
    pages = [p.stem for p in (docs / "validations").rglob("*.html")]
    for group, count in chunks.items():
        mine = [p for p in pages if ("staging-cells_chunk" in p) == (group == "cells")]
        assert {p.rsplit("_of_", 1)[-1] for p in mine} == {f"{count:04d}"}
        assert {p.split("_chunk_")[1][:4] for p in mine} == {f"{i:04d}" for i in range(1, count + 1)}


def test_failing_cells_are_located_and_indexed_as_over_the_whole_chunk(tmp_path):
    """Where a failing cell is printed (``_Locations``) and which frame row a failing key is
    (``_Rows``) are read only for the reports a result fails; loaded for every report, they are
    what a dict over every staged cell and every frame row gives (the last row of a key)."""
    results = _gate_cases(tmp_path)
    build = _stage(tmp_path, results)
    with warehouse.connect(build.path) as con:
        whole: dict[tuple[str, str, str, str], str] = {}
        for table in validate.TABLE_COLUMNS:
            query = f"SELECT report_id, row_code, col_code, source_where, source_page FROM stg_{table}"
            for report_id, row_code, col_code, where, page in con.execute(query).fetchall():
                whole[(report_id, table, row_code, col_code)] = where if page is None else f"page {page}, {where}"
        reports = {r for (r,) in con.execute("SELECT report_id FROM stg_reports").fetchall()}
        located = validate._Locations(con)
        for report_id in sorted(reports):  # one at a time, as results fail, then all again
            located.load({report_id})
        located.load(reports)
        assert located.where == whole

        frame = validate.frames.build(con, "cells", None)
        index = ["report_id", "table_name", "row_code", "col_code"]
        rows = validate._Rows(frame, index, frame)
        rows.load(set(frame["report_id"].head(1)))
        rows.load(set(frame["report_id"]))
        columns = [frame[c].tolist() for c in index]
        assert rows.position == {key: i for i, key in enumerate(zip(*columns, strict=True))}
    warehouse.discard(build)


def test_an_equation_side_is_what_frame_eval_makes_of_it():
    """The '+' columns GX compares are added term by term (``_sum_of``), as pandas' eval adds them."""
    import pandas as pd

    frame = pd.DataFrame({"a": [1.0, 0.1, 2.5e15, 7.0], "b": [2.0, 0.2, 1.0, 0.0], "c": [0.5, 0.3, -3.0, 1e-9]})
    for expr in ("a + b", "a + b + c", "c + a"):
        pd.testing.assert_series_equal(validate._sum_of(frame, expr), frame.eval(expr), check_names=False)


@pytest.mark.parametrize("batch", [_gate_cases, _samples], ids=["gate-cases", "samples"])
def test_staged_cells_are_what_df_makes_of_them(tmp_path, batch):
    """``frames.staging`` fetches Arrow and casts the number in DuckDB: the same columns, dtypes
    and rows (in order) as ``.df()`` of the staged DECIMAL, also for a scope with no cells; an
    equation's layout condition picks the reports ``Equation.applies`` picks on their flags."""
    import pandas as pd

    from pipeline import form
    from pipeline.quality import frames

    build = _stage(tmp_path, batch(tmp_path))
    with warehouse.connect(build.path) as con:
        for table in validate.TABLE_COLUMNS:
            for scope in (None, "SELECT 'no such report'"):
                query = (
                    "SELECT report_id, template, row_code, col_code, number, number_text, raw FROM "
                    f"stg_{table} s WHERE NOT EXISTS (SELECT 1 FROM stg_problems p WHERE p.report_id = "
                    f"s.report_id AND p.table_name = '{table}') AND {frames.within(scope, 's.report_id')}"
                )
                wanted = con.execute(f"{query} ORDER BY ALL").df()
                got = frames.staging(con, table, scope)
                got = got.sort_values(list(got.columns), ignore_index=True) if len(got) else got
                pd.testing.assert_frame_equal(got, wanted.sort_values(list(wanted.columns), ignore_index=True))
        long = frames.staging(con, "applications")
        flags = frames.layouts(long)
        for eq in form.EQUATIONS:
            if eq.table == "applications" and eq.when:
                ok = {r for r, f in zip(flags.index, flags.to_dict("records"), strict=True) if eq.applies(f)}
                of_template = long if eq.template is None else long[long["template"] == eq.template]
                wanted_reports = set(of_template["report_id"]) & ok
                assert set(frames._applying(eq, long, flags)["report_id"]) == wanted_reports
    warehouse.discard(build)


def test_staged_cells_come_in_the_order_they_were_staged():
    """``frames.staging`` keeps the staging order (a report's cells as printed), whatever the
    threads: the order of a report's failures in its ``details`` follows the frame's. DuckDB's
    parallel anti-join on ``stg_problems`` returned 300,000 cells out of order on 4 threads in
    every try before the frames asked for ``rowid`` order; reports here are staged in
    descending id order, so no sort by another column gives the staging order either."""
    import duckdb

    from pipeline.quality import frames

    con = duckdb.connect()
    con.execute("SET threads = 4")
    con.execute("CREATE TABLE stg_problems (report_id VARCHAR, table_name VARCHAR, problem VARCHAR)")
    con.execute("INSERT INTO stg_problems VALUES ('r0000007', 'applications', 'unreadable')")
    con.execute(
        "CREATE TABLE stg_applications AS SELECT printf('r%07d', 3000 - i // 100) AS report_id, "
        "'2021' AS template, 'row' || (i % 100) AS row_code, 'total' AS col_code, "
        "(i % 7)::DECIMAL(38, 10) AS number, (i % 7)::VARCHAR AS number_text, i::VARCHAR AS raw "
        "FROM range(300000) t(i)"
    )
    staged = frames.staging(con, "applications")
    kept = [i for i in range(300000) if 3000 - i // 100 != 7]
    assert staged["raw"].tolist() == [str(i) for i in kept]
    con.close()
