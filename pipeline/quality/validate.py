"""Run every suite over the staged batch and turn GX results into per-report verdicts.

One validation per suite and chunk of reports (``CHUNK_REPORTS``, ``FEW_ROWS_MULTIPLE`` times as
many for the suites of a row per report or table row: ``_passes``; never per report, and one
per suite when the batch is one chunk): each failing row of a result names its
report_id through ``unexpected_index_column_names``; a report absent from the failing rows
passed. Every (expectation, report) pair becomes a ``dq_results`` row; a failing one names,
in ``failed_cells``, the printed cells its failing rows are made of (JSON: table, row, col and
why), so whoever shows a failure highlights what the gate judged and never re-evaluates it.
"""

from __future__ import annotations

import json
import logging
import math
import re
import shutil
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from pipeline import form
from pipeline.limits import frozen_heap, release_memory
from pipeline.normalize import TABLE_COLUMNS
from pipeline.quality import frames
from pipeline.quality.suites import load_suites

log = logging.getLogger(__name__)

_ROW_DIM = {
    "applications_by_applicant": "applicant_type",
    "applications_by_outcome": "outcome",
    "review_litigation_by_proceeding": "proceeding",
}
_CELL_DIMS = {
    "applications": ("outcome", "applicant_type"),
    "proactive_disclosure": ("item", "measure"),
    "review_litigation": ("proceeding", "result"),
}


@dataclass
class Validation:
    """What a batch validation found."""

    dq_rows: list[dict[str, Any]] = field(default_factory=list)
    blocking: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    warnings: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    expectations_run: int = 0
    results: int = 0  # dq_results rows made, also those handed to a sink
    failed_results: int = 0

    def summary(self) -> dict[str, int]:
        return {
            "expectations_run": self.expectations_run,
            "results": self.results,
            "failed_results": self.failed_results,
            "reports_blocked": len({k[0] for k in self.blocking}),
        }


def _equation_detail(row: pd.Series, exp: dict[str, Any], frame: str, dims: tuple[str, str]) -> str:
    """'三、… column_balance in column 自然人: 一… 54 + 二… 0 = 54 ≠ （七）… 52 + 四… 3 = 55'."""
    row_dim, term_dim = dims
    member = form.label_zh(row_dim, row[_ROW_DIM[frame]])

    def side(expr: str) -> str:
        codes = _terms(expr)
        terms = " + ".join(f"{form.label_zh(term_dim, c)} {row[c]:g}" for c in codes)
        total = sum(row[c] for c in codes)
        return f"{terms} = {total:g}" if len(codes) > 1 else terms

    table = exp["meta"]["table"]
    return (
        f"{form.TABLE_LABELS_ZH[table]}: check {exp['meta']['rule']} ({exp['meta']['equation_zh']}) fails for "
        f"{member}: {side(exp['kwargs']['column_A'])} ≠ {side(exp['kwargs']['column_B'])}"
    )


def _term_dims(frame: str) -> tuple[str, str]:
    return {
        "applications_by_applicant": ("applicant_type", "outcome"),
        "applications_by_outcome": ("outcome", "applicant_type"),
        "review_litigation_by_proceeding": ("proceeding", "result"),
    }[frame]


def _cell_detail(row: dict[str, Any], exp: dict[str, Any], where: str) -> str:
    table = row["table_name"]
    row_dim, col_dim = _CELL_DIMS[table]
    return (
        f"{form.TABLE_LABELS_ZH[table]}: check {exp['meta']['rule']} ({exp['meta']['note_zh']}) fails for "
        f"{form.label_zh(row_dim, row['row_code'], row['template'])} / {form.label_zh(col_dim, row['col_code'])} = "
        f"{row['number_text']} (printed at {where})"
    )


# Reports validated at a time. Memory holds one chunk's frames, GX's metrics of one suite's
# frame and its results, never the batch's: every frame row belongs to one report (``frames``),
# so a report's results do not depend on the chunk it is in. Each chunk is one GX validation run
# per suite, and GX's cost per run is mostly fixed (building each expectation's metric graph):
# at 10,000 reports (one process) 1,000 a chunk took 35.7-43.2 CPU s, 2,000 28.6, 2,500 25.2.
# Each suite's run has a data source of its own, deleted once its results are recorded, so a
# chunk no longer holds every suite's batch and metrics at once: 2,500 a chunk peaked at 877 MB
# this way, 1,053 with one source per chunk; 2,000 at 792 (1,000 at 691-752). The memory a chunk held
# is handed back before the next (``release_memory``).
CHUNK_REPORTS = 2000
# The suites of a row per report or table row (``_passes``) take chunks this many times as big:
# in `gongkai ingest` of 10,000 text reports the check step peaked at 865 MB with 2,000 a chunk
# for every suite, 904 with 3,000 (four of 2,500) for those, 1,200 with 6,000 (two of 5,000).
FEW_ROWS_MULTIPLE = 1.5
_CHUNK_TABLE = "validation_chunk"
_CHUNK_SCOPE = f"SELECT report_id FROM {_CHUNK_TABLE}"


def run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    docs_dir: Path | None = None,
    chunk_reports: int | None = None,
    sink: Callable[[list[dict[str, Any]]], None] | None = None,
) -> Validation:
    """Validate the staged batch in ``con`` with every committed suite, ``chunk_reports``
    reports at a time (in report_id order; default ``CHUNK_REPORTS``); see ``_run``.

    Then the memory GX held (its context, results, caches: garbage once ``_run`` returns) is
    handed back to the system, so the steps after this one start from the process's size
    before validation plus GX's modules, not from validation's high-water mark. GX is
    imported first, so that its modules are among what the garbage collector leaves out of
    its walks while the batch is validated (``frozen_heap``)."""
    import great_expectations  # noqa: F401  (costs seconds: imported only where validation runs)

    try:
        with frozen_heap():
            return _run(con, run_id, docs_dir, chunk_reports, sink)
    finally:
        release_memory()


def _run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    docs_dir: Path | None,
    chunk_reports: int | None,
    sink: Callable[[list[dict[str, Any]]], None] | None,
) -> Validation:
    """Validate the batch (``run``'s arguments).

    Each chunk's ``dq_results`` rows go to ``sink`` as they are made (the caller writes them,
    so they never pile up: ``Validation.dq_rows`` stays empty), or, without a sink, into
    ``Validation.dq_rows``. With ``docs_dir``, GX also renders its Data Docs site there (every
    suite, every validation result of this batch, failing rows named by report_id; one page
    per suite and chunk, named ``<suite>`` when the batch is one chunk).
    """
    import great_expectations as gx  # costs seconds: import only where validation runs
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.base import ProgressBarsConfig

    validated_at = datetime.now(UTC).replace(tzinfo=None)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    _no_config_saves(context)
    if docs_dir is not None:
        _add_docs_site(context, docs_dir)
    outcome = Validation()
    gx_run = RunIdentifier(run_name=run_id, run_time=validated_at.replace(tzinfo=UTC))
    specs = load_suites()
    suites: dict[str, Any] = {}  # added to the context when a chunk first has rows for them
    evaluated: set[tuple[str, str]] = set()
    for number, of, report_ids, group in _passes(con, specs, chunk_reports or CHUNK_REPORTS):
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {_CHUNK_TABLE} AS SELECT unnest(?::VARCHAR[]) AS report_id", [report_ids]
        )
        where_of = _Locations(con)  # the chunk's failing reports' printed cells, read as they fail
        rows_before = len(outcome.dq_rows)
        memo: dict[Any, Any] = {}  # the chunk's staged cells, layouts and sums, shared by its frames
        for name, spec in group.items():
            meta = spec["meta"]
            frame = frames.build(con, meta["frame"], meta["template"], _CHUNK_SCOPE, memo)
            if frame.empty:
                continue
            for exp in spec["expectations"]:
                for key in ("column_A", "column_B"):
                    expr = exp["kwargs"].get(key)
                    if expr and "+" in expr and expr not in frame:
                        frame[expr] = _sum_of(frame, expr)
            if name not in suites:
                suites[name] = suite = context.suites.add(gx.ExpectationSuite(**spec))
                if len(suite.expectations) != len(spec["expectations"]):
                    raise RuntimeError(
                        f"suite {name}: {len(suite.expectations)} of {len(spec['expectations'])} expectations loaded"
                    )
            suite = suites[name]
            asset = name if of == 1 else f"{name}_chunk_{number:04d}_of_{of:04d}"
            # a data source per suite and chunk: GX caches each batch and the metrics computed on
            # it in the source's execution engine, which goes with the source
            source = context.data_sources.add_pandas("staging")
            batch_definition = source.add_dataframe_asset(asset).add_batch_definition_whole_dataframe("batch")
            read = _categorical(frame[_columns_read(spec, frame)])  # what GX is handed
            definition = context.validation_definitions.add(
                gx.ValidationDefinition(name=asset, data=batch_definition, suite=suite)
            )
            result = definition.run(
                batch_parameters={"dataframe": read},
                result_format={"result_format": "COMPLETE", "unexpected_index_column_names": meta["index"]},
                run_id=gx_run,
            )
            context.validation_definitions.delete(asset)
            # GX returns results grouped by expectation type, not in the suite's order: pair each
            # result with its expectation by id (zipping named a negative amount 'integer_count')
            result_of = {res.expectation_config.id: res for res in result.results}
            if len(result_of) != len(spec["expectations"]):
                raise RuntimeError(
                    f"suite {name}: {len(result_of)} results for {len(spec['expectations'])} expectations"
                )
            rows = _Rows(frame, meta["index"], read)
            for e, exp in zip(suite.expectations, spec["expectations"], strict=True):
                evaluated.add((name, exp["meta"]["rule"]))
                _record(outcome, name, exp, result_of[e.id], rows, meta, run_id, validated_at, where_of)
            context.data_sources.delete("staging")
            del frame, read, rows, result, result_of, source, batch_definition, definition
        if sink is not None:
            sink(outcome.dq_rows[rows_before:])
            del outcome.dq_rows[rows_before:]
        # the chunk's frames, GX's batch and metrics are garbage now: hand their heap back, or
        # the next chunk's are laid out beside them and the process grows chunk after chunk
        memo.clear()
        release_memory()
    con.execute(f"DROP TABLE IF EXISTS {_CHUNK_TABLE}")
    outcome.expectations_run = len(evaluated)
    if docs_dir is not None:
        context.build_data_docs(site_names=[DOCS_SITE])
    return outcome


def _no_config_saves(context: Any) -> None:
    """Stop the ephemeral context writing its project config after each change of it.

    GX saves the whole config (as YAML, into an in-memory store nothing reads in an ephemeral
    context) after every data source, asset or validation definition added or deleted: four
    times per suite and chunk here (a source of its own each, see ``_run``), 221 saves and 9 of
    98 profiled seconds at 10,000 reports. The context keeps its config in memory (``config``)
    and reads it from there; only the saved copy goes."""
    context.variables.save = lambda: None


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _columns_read(spec: dict[str, Any], frame: pd.DataFrame) -> list[str]:
    """The columns of ``frame`` the suite's expectations read: its index columns, every kwarg
    naming a column (``column``, ``column_A``, ``column_B``) and every name in a row condition.
    GX is handed only these: pandas' ``query`` of a row condition, which GX runs once per metric
    of an expectation, resolves every column of its frame, so the term and flag columns of an
    equation frame (41-47 columns, 8-18 read) cost GX about a third of its time unread. The
    results are those of the full frame (the rows and every column read are the same), and a
    column a condition needs but this missed makes GX raise, which ``_record`` turns into an
    error, never a pass."""
    names = list(spec["meta"]["index"])
    for exp in spec["expectations"]:
        for key, value in exp["kwargs"].items():
            if key == "row_condition":
                names.extend(_NAME.findall(value))
            elif isinstance(value, str):
                names.append(value)
    return [c for c in dict.fromkeys(names) if c in frame.columns]


def _categorical(read: pd.DataFrame) -> pd.DataFrame:
    """``read`` with its text columns as categoricals of the same values (NaN stays missing).

    GX filters the frame it is handed once per metric of an expectation with a row condition
    (pandas ``query``), and each filter copies every column: pandas' text columns are Arrow
    strings, whose ``take`` copies each string (12.9 of 98 profiled seconds at 10,000 reports),
    where a categorical's copies its integer codes. The comparisons, sets and patterns of the
    suites see the same values (a categorical's values are the strings), so the results are
    those of the text columns: the cells suite's run on 2,000 reports 1.5 -> 0.6 CPU s."""
    text = [c for c in read.columns if isinstance(read[c].dtype, pd.StringDtype)]
    return read.astype(dict.fromkeys(text, "category")) if text else read


def _report_ids(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The batch's report_ids in order: every report with a staged row of any kind (its cells,
    notes, claims, or its ``stg_reports`` row)."""
    sources = ["stg_reports", "stg_reader_notes", *(f"stg_{t}" for t in TABLE_COLUMNS)]
    union = " UNION ".join(f"SELECT report_id FROM {t}" for t in sources)
    return [r for (r,) in con.execute(f"SELECT report_id FROM ({union}) ORDER BY report_id").fetchall()]


def _chunks(ids: list[str], size: int) -> list[list[str]]:
    """``ids`` in as few chunks of at most ``size`` as hold them, of even sizes (10,000 reports at
    most 3,000 a chunk: four of 2,500, not three of 3,000 and 1,000, so a chunk's memory is no
    more than it must be). At least one chunk."""
    count = -(-len(ids) // size)  # chunks needed
    even = -(-len(ids) // count) if count else size
    return [ids[i : i + even] for i in range(0, len(ids), even)] or [[]]


def _passes(
    con: duckdb.DuckDBPyConnection, specs: dict[str, dict[str, Any]], size: int
) -> list[tuple[int, int, list[str], dict[str, dict[str, Any]]]]:
    """(chunk number, chunks, its report_ids, its suites) of every chunk, the suites in two groups.

    The suites whose frame holds every printed cell (some 200 rows a report, most of
    validation's memory) run in chunks of ``size`` reports; the others, whose frames hold a
    row per report or per report and table row, in chunks ``FEW_ROWS_MULTIPLE`` times as big.
    GX's cost for those is mostly per run, not per row (each expectation's metric graph), so
    fewer chunks are fewer runs: at 2,000 reports, in chunks of 500 (four runs of each suite)
    one equation suite took 1.02 CPU s of GX, in one chunk 0.21. A report's results do not
    depend on its chunk (``frames``), so neither on its group's."""
    cells = {name: spec for name, spec in specs.items() if spec["meta"]["frame"] == "cells"}
    others = {name: spec for name, spec in specs.items() if name not in cells}
    ids, out = _report_ids(con), []
    for group, reports in ((cells, size), (others, math.ceil(size * FEW_ROWS_MULTIPLE))):
        chunks = _chunks(ids, reports)
        out.extend((number, len(chunks), ids, group) for number, ids in enumerate(chunks, start=1))
    return out


DOCS_SITE = "gongkai"


def _add_docs_site(context: Any, docs_dir: Path) -> None:
    """A filesystem Data Docs site (GX 1.x ``add_data_docs_site``), rebuilt from scratch for
    each validated batch so it shows this batch's results and no stale pages."""
    shutil.rmtree(docs_dir, ignore_errors=True)
    docs_dir.mkdir(parents=True, exist_ok=True)
    context.add_data_docs_site(
        DOCS_SITE,
        {
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )


class _Rows:
    """A validated frame and its rows by the suite's index columns, looked up for the reports
    a result fails only (a few of the chunk's, never a dict of every row of a 100,000-row
    frame), each report once per frame; ``read``, the columns of it GX was handed
    (``_columns_read``: also what a row condition reads, evaluated faster on them)."""

    def __init__(self, frame: pd.DataFrame, index: list[str], read: pd.DataFrame) -> None:
        self.frame, self.index, self.read = frame, index, read
        self.position: dict[tuple[Any, ...], int] = {}
        self._reports: set[str] = set()

    def load(self, report_ids: set[str]) -> None:
        """Index the rows of ``report_ids`` not indexed yet. Every key names its report, so a
        key's position is what a dict over the whole frame gives (its last row)."""
        new = report_ids - self._reports
        if not new:
            return
        self._reports |= new
        at = np.flatnonzero(self.frame["report_id"].isin(list(new)).to_numpy())
        columns = [self.frame[c].take(at).tolist() for c in self.index]
        self.position.update(zip(zip(*columns, strict=True), at.tolist(), strict=True))

    @cached_property
    def tables(self) -> list[tuple[str, str]]:
        """(report_id, table_name) of a frame over several tables, sorted, once per frame."""
        pairs = self.frame[["report_id", "table_name"]].drop_duplicates()
        return sorted(zip(pairs["report_id"].tolist(), pairs["table_name"].tolist(), strict=True))


def _terms(expr: str) -> list[str]:
    """The columns an equation side names: ``'a + b + c'`` (how the suites write a sum) -> a, b, c."""
    return [c.strip() for c in expr.split("+")]


def _sum_of(frame: pd.DataFrame, expr: str) -> pd.Series:
    """The column an equation side ``'a + b + c'`` names: its terms added left to right, as
    ``frame.eval`` adds them, without parsing the expression for each frame."""
    codes = _terms(expr)
    total = frame[codes[0]]
    for code in codes[1:]:
        total = total + frame[code]
    return total


def _record(
    outcome: Validation,
    suite: str,
    exp: dict[str, Any],
    res: Any,
    rows: _Rows,
    meta: dict[str, Any],
    run_id: str,
    validated_at: datetime,
    where_of: _Locations,
) -> None:
    raised = _raised(res.exception_info)
    if raised is not None:  # never 'no failing rows': the expectation was not evaluated
        raise RuntimeError(f"suite {suite}, {exp['meta']['rule']}: {raised}")
    severity = exp["severity"]
    failures: dict[tuple[str, str], list[str]] = defaultdict(list)
    cells: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    unexpected = res.result.get("unexpected_index_list") or []
    if not res.success and not unexpected:  # a failure that names no report would pass them all
        raise RuntimeError(f"suite {suite}, {exp['meta']['rule']}: failed without naming a failing row")
    index, frame = meta["index"], rows.frame
    failing = {bad["report_id"] for bad in unexpected}
    where_of.load(failing)
    rows.load(failing)
    printed_at = where_of.where
    for bad in unexpected:
        key = tuple(bad[c] for c in index)
        row = frame.iloc[rows.position[key]]
        if meta["frame"] == "cells":
            detail = _cell_detail(row.to_dict(), exp, printed_at.get(key, "?"))
        elif meta["frame"] in _WARNING_DETAIL:
            detail = _WARNING_DETAIL[meta["frame"]](row, exp)
        else:
            detail = _equation_detail(row, exp, meta["frame"], _term_dims(meta["frame"]))
        # frames over several tables name each row's table
        owner = (bad["report_id"], bad.get("table_name", exp["meta"]["table"]))
        failures[owner].append(detail)
        printed = (
            c
            for c in _failed_cells(row, exp, meta["frame"])
            if (owner[0], c["table"], c["row"], c["col"]) in printed_at
        )
        cells[owner].extend(printed)
    if "table_name" in frame.columns:
        pairs = rows.tables
    else:
        # only the reports the expectation applies to: a narrative that states nothing is not
        # checked, nor an equation whose every row is skipped (layout, totals not printed)
        condition = exp["kwargs"].get("row_condition")
        applies = rows.read.query(condition) if condition else frame
        pairs = [(report_id, exp["meta"]["table"]) for report_id in sorted(applies["report_id"].unique())]
    for report_id, table in pairs:
        details = failures.get((report_id, table), [])
        outcome.dq_rows.append(
            {
                "run_id": run_id,
                "validated_at": validated_at,
                "suite": suite,
                "expectation": exp["meta"]["rule"],
                "report_id": report_id,
                "success": not details,
                "details": "; ".join(details) or None,
                "failed_cells": _cells_json(cells.get((report_id, table), [])),
                "table_name": table,
                "severity": severity,
            }
        )
        outcome.results += 1
        outcome.failed_results += bool(details)
        if details:
            target = outcome.blocking if severity == "critical" else outcome.warnings
            target[(report_id, table)].extend(details)


def _failed_cells(row: pd.Series, exp: dict[str, Any], frame: str) -> list[dict[str, str]]:
    """The cells a failing frame row stands for, as {table, row, col}, plus ``why``: the value
    a cell rule rejected, both sides of an equation, the parts of a total not printed. Rows
    of the other warning frames (narrative, plausibility, ...) name no single cell."""
    rule = exp["meta"]["rule"]
    if frame == "cells":
        why = f"{rule}: {row['number_text']}"
        return [{"table": row["table_name"], "row": row["row_code"], "col": row["col_code"], "why": why}]
    if frame == "totals":
        why = f"{rule}: its parts sum to {row['parts_sum']:g}"
        return [{"table": row["table_name"], "row": row["row_code"], "col": row["col_code"], "why": why}]
    if frame not in frames.EQUATION_FRAMES:
        return []
    table, member_col, _, member_dim, _ = frames.EQUATION_FRAMES[frame]
    lhs, rhs = (_terms(exp["kwargs"][k]) for k in ("column_A", "column_B"))
    why = f"{rule}: {sum(row[c] for c in lhs):g} ≠ {sum(row[c] for c in rhs):g}"
    member = row[member_dim]
    out = []
    for term in dict.fromkeys((*lhs, *rhs)):
        at_row, at_col = (term, member) if member_col == "col_code" else (member, term)
        out.append({"table": table, "row": at_row, "col": at_col, "why": why})
    return out


def _cells_json(cells: list[dict[str, str]]) -> str | None:
    """The failing cells of one result, each once (first reason kept), as JSON; None if none."""
    unique: dict[tuple[str, str, str], dict[str, str]] = {}
    for c in cells:
        unique.setdefault((c["table"], c["row"], c["col"]), c)
    return json.dumps(list(unique.values()), ensure_ascii=False) if unique else None


def _raised(info: dict[str, Any] | None) -> str | None:
    """The message of an exception GX caught while evaluating an expectation, else None. GX 1.x
    keys ``exception_info`` by metric, one {raised_exception, exception_message, ...} each (a
    check of the top level alone never fired: a missing column passed as 'no failing rows')."""
    if not info:
        return None
    entries = [info] if "raised_exception" in info else list(info.values())
    messages = [str(e.get("exception_message")) for e in entries if isinstance(e, dict) and e.get("raised_exception")]
    return "; ".join(dict.fromkeys(messages)) if messages else None


def _narrative_detail(row: pd.Series, exp: dict[str, Any]) -> str:
    from pipeline.parse.narrative import CLAIM_LABELS_ZH, CLAIMS

    claim = row["claim"]
    return (
        f"narrative contradicts the table ({exp['meta']['rule']}, {CLAIM_LABELS_ZH[claim]}): the text says "
        f"“{row['quote']}” ({row['narrative_value']:g}) but {CLAIMS[claim]} = {row['table_value']:g}"
    )


def _plausibility_detail(row: pd.Series, exp: dict[str, Any]) -> str:
    kwargs = exp["kwargs"]
    if exp["meta"]["rule"] == "fee_development_zone":
        return (
            f"{form.TABLE_LABELS_ZH['proactive_disclosure']}: implausible value ({exp['meta']['rule']}): "
            f"行政事业性收费 本年收费金额 = {row['fee_amount']:g} 万元, above {kwargs['max_value']:g} 万元 "
            "for a development zone (is the unit 元 rather than 万元?)"
        )
    return (
        f"{form.TABLE_LABELS_ZH['applications']}: implausible value ({exp['meta']['rule']}): "
        f"一、本年新收 总计 = {row['applications_received']:g}, far from this agency's earlier years "
        f"(mean {row['history_mean']:g} over {int(row['history_years'])} loaded years)"
    )


def _completeness_detail(row: pd.Series, exp: dict[str, Any]) -> str:
    table = exp["meta"]["table"]
    return (
        f"{form.TABLE_LABELS_ZH[table]}: missing table ({exp['meta']['rule']}): no cell of it was found in the report"
    )


def _totals_detail(row: pd.Series, exp: dict[str, Any]) -> str:
    """'三、…: total not printed (total_not_printed): row （一）予以公开: 总计 is blank while its
    parts sum to 272 (总计 = 自然人 + …), so it stays NULL and applicant_total … is not evaluated …'.
    No '; ' inside: several details of one report are joined with it."""
    table = row["table_name"]
    eq = next(e for e in form.EQUATIONS if e.name == row["rule"] and e.table == table)
    _, _, _, member_dim, term_dim = frames.EQUATION_FRAMES[eq.frame]
    where = "column" if eq.frame == "applications_by_applicant" else "row"
    printed = f"printed as '{row['raw']}'" if str(row["raw"]).strip() else "blank"
    return (
        f"{form.TABLE_LABELS_ZH[table]}: total not printed ({exp['meta']['rule']}): {where} "
        f"{form.label_zh(member_dim, row['member'])}: {form.label_zh(term_dim, eq.lhs[0])} is {printed} while its "
        f"parts sum to {row['parts_sum']:g} ({eq.description_zh}), so it stays NULL and {eq.name} (and any other "
        f"equation with this cell) is not evaluated for this {where}"
    )


def _reading_detail(row: pd.Series, exp: dict[str, Any]) -> str:
    """The reader's own words."""
    return str(row["note"])


def _identity_detail(row: pd.Series, exp: dict[str, Any]) -> str:
    """Why the agency name could not be completed, in the parser's words."""
    return f"agency name not completed ({exp['meta']['rule']}): {row['agency_note']}; loaded under the printed name"


_WARNING_DETAIL = {
    "identity": _identity_detail,
    "narrative": _narrative_detail,
    "plausibility": _plausibility_detail,
    "completeness": _completeness_detail,
    "totals": _totals_detail,
    "reading": _reading_detail,
}


class _Locations:
    """(report_id, table, row, col) -> where the cell is printed, of the reports ``load`` was
    given: read from staging only for the reports a result fails (a few of a chunk), not for
    every cell of the chunk (a dict of some 100,000 cells per 500 reports, made for
    the few failing ones). A report's printed cells are all loaded at once, so a cell it does
    not print is absent, as it was from the whole chunk's dict."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con, self.loaded, self.where = con, set(), {}

    def load(self, report_ids: set[str]) -> None:
        new = sorted(report_ids - self.loaded)
        if not new:
            return
        self.loaded.update(new)
        for table in TABLE_COLUMNS:
            for report_id, row_code, col_code, where, page in self.con.execute(
                "SELECT report_id, row_code, col_code, source_where, source_page "
                f"FROM stg_{table} WHERE report_id IN (SELECT unnest(?::VARCHAR[]))",
                [new],
            ).fetchall():
                self.where[(report_id, table, row_code, col_code)] = where if page is None else f"page {page}, {where}"
