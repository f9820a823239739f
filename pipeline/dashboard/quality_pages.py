"""The checks page of the dashboard (``quality.html``): every suite, every expectation and
every validation result, readable offline.

The Great Expectations Data Docs show the same suites and results, but their page template
loads bootstrap, jquery, vega and font-awesome from CDNs: opened without internet, as on many
government intranets, they show two links and no result. This page is plain HTML with the
dashboard's inline CSS and no script at all, so it shows everything from disk; the Data Docs
stay linked as an extra.

What it shows, all of it read, nothing judged here (one judge: see ``pages``):
- the results: per expectation, how many reports it was evaluated on, passed and failed, from
  the results that stand in ``dq_results`` (``Data.latest``: the latest validation of each
  report; a report skipped as unchanged keeps the results of the run that last validated it,
  so the page covers the whole warehouse, as the summary page does);
- every failing result: the report (linked to its page), the table, the details as recorded,
  and the printed cells it names (``failed_cells``);
- every suite of ``expectations/*.json``: its frame and template, and each expectation with
  its rule, what it checks (the equation or note of its ``meta``), the GX expectation and its
  arguments, its severity and what a failure means; then the gate's own checks outside GX.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

import pandas as pd

from pipeline import form
from pipeline import load as gate
from pipeline.dashboard import pages
from pipeline.normalize import TABLE_COLUMNS

PAGE = "quality.html"
SEVERITY_ZH = {"critical": "阻断 critical", "warning": "警告 warning"}
_SEVERITY_ORDER = {"critical": 0, "warning": 1}
CSS = """
td.pass { color: #2e7d32; font-weight: bold; } td.failed { color: #c62828; font-weight: bold; }
.suite { margin-top: 18px; } .suite h3 { font-size: 16px; margin-bottom: 2px; }
ul.cells { margin: 0; padding-left: 16px; font-size: 12px; }
"""


def source_files(data: pages.Data) -> dict[str, str]:
    """report_id -> the file a person knows it by (a copy's name only when no other file has it)."""
    reports = data.reports.assign(is_copy=data.reports["status"].eq("duplicate"))
    first = reports.sort_values(["is_copy", "source_file"]).drop_duplicates("report_id")
    return dict(zip(first["report_id"], first["source_file"], strict=True))


def quality_page(data: pages.Data, suites: dict[str, dict[str, Any]], generated: str, docs_link: str | None) -> str:
    """The whole page: results per expectation, every failing result, every suite."""
    standing = data.standing  # the results that stand, as the summary page counts them
    runs = standing.runs.sort_values("validated_at")
    last = runs.iloc[-1] if len(runs) else None
    docs = (
        f'<a id="docs-link" href="{escape(docs_link)}">Great Expectations Data Docs</a> (needs internet for its styles)'
        if docs_link
        else "Great Expectations Data Docs: not built yet"
    )
    parts = [
        '<p><a href="index.html">← 数据质量总览 · dashboard</a></p>',
        "<h1>检查与结果 · Every check and its results</h1>",
        f'<p class="meta">generated {escape(generated)} from <code>expectations/*.json</code> and '
        f"<code>dq_results</code>: the latest validation of each report ({len(runs)} run(s)"
        + (
            f"; last <code>{escape(str(last['run_id'])[:8])}</code> at {escape(str(last['validated_at'])[:19])}"
            if last is not None
            else ""
        )
        + f"). Works offline. Also: {docs}</p>",
        _results_section(data, standing),
        _failures_section(data, standing),
        _suites_section(data, suites, standing),
    ]
    return pages._page("检查与结果 · gongkai", f"<style>{CSS}</style>" + "\n".join(parts))


# --- results ------------------------------------------------------------------------------------


def _counts(standing: pages.Standing) -> pd.DataFrame:
    """Per (suite, expectation, severity): results, passed, failed."""
    if not standing.total:
        return pd.DataFrame(columns=["suite", "expectation", "severity", "evaluated", "passed", "failed"])
    grouped = standing.counts[["suite", "expectation", "severity", "count", "sum"]]
    grouped = grouped.rename(columns={"count": "evaluated", "sum": "passed"})
    grouped["failed"] = grouped["evaluated"] - grouped["passed"]
    order = grouped["severity"].map(_SEVERITY_ORDER).fillna(9)
    return grouped.assign(_o=order).sort_values(["_o", "suite", "expectation"]).drop(columns="_o")


def _verdict(failed: int) -> str:
    return pages._td("✗ 未通过 failed", "failed") if failed else pages._td("✓ 通过 passed", "pass")


def _results_section(data: pages.Data, standing: pages.Standing) -> str:
    counts = _counts(standing)
    rows = [
        [
            pages._td(f'<a href="#suite-{escape(r.suite)}"><code>{escape(r.suite)}</code></a>'),
            pages._td(f"<code>{escape(r.expectation)}</code><br>{escape(data.explain(r.suite, r.expectation))}"),
            pages._td(escape(SEVERITY_ZH.get(r.severity, r.severity))),
            pages._td(int(r.evaluated), "num"),
            pages._td(int(r.passed), "num"),
            pages._td(int(r.failed), "num"),
            _verdict(int(r.failed)),
        ]
        for r in counts.itertuples(index=False)
    ]
    total, failed = standing.total, len(standing.failed)
    summary = (
        f'<p id="results-summary">{total} results of {len(rows)} expectations: '
        f"{total - failed} passed, {failed} failed.</p>"
    )
    table = pages._table(
        ["suite", "expectation: a failure means", "severity", "evaluated", "passed", "failed", "result"],
        rows,
        "results",
    )
    return f'<h2 id="results">验证结果 · Validation results</h2>{summary}<div id="results-table">{table}</div>'


def _cell_words(cells_json: Any) -> str:
    """The printed cells a failing result names, as a person reads them: table, row / column, why."""
    if cells_json is None or (isinstance(cells_json, float) and pd.isna(cells_json)):
        return ""
    items = []
    for cell in json.loads(cells_json):
        row_dim, col_dim, _ = TABLE_COLUMNS.get(cell["table"], ("", "", ""))
        row = form.label_zh(row_dim, cell["row"]) if row_dim else cell["row"]
        col = form.label_zh(col_dim, cell["col"]) if col_dim else cell["col"]
        table = form.TABLE_LABELS_ZH.get(cell["table"], cell["table"])
        items.append(f"<li>{escape(table)} {escape(row)} / {escape(col)}: {escape(str(cell.get('why', '')))}</li>")
    return f'<ul class="cells">{"".join(items)}</ul>'


def _check(data: pages.Data, suite: str, rule: str) -> str:
    return f"<code>{escape(suite)}.{escape(rule)}</code><br>{escape(data.explain(suite, rule))}"


def _failures_section(data: pages.Data, standing: pages.Standing) -> str:
    failing = standing.failed
    failing = failing.assign(_o=failing["severity"].map(_SEVERITY_ORDER).fillna(9)).sort_values(
        ["_o", "suite", "expectation", "report_id"]
    )
    names = source_files(data)
    rows = [
        [
            pages._td(_check(data, r.suite, r.expectation)),
            pages._td(escape(SEVERITY_ZH.get(r.severity, r.severity))),
            pages._td(pages._report_link(r.report_id, names.get(r.report_id, r.report_id))),
            pages._td(escape(form.TABLE_LABELS_ZH.get(str(r.table_name), str(r.table_name or "")))),
            pages._td(f'<span class="reason">{escape(str(r.details or ""))}</span>'),
            pages._td(_cell_words(r.failed_cells)),
        ]
        for r in failing.itertuples(index=False)
    ]
    table = pages._table(["check", "severity", "file", "table", "details", "cells"], rows, "failures")
    empty = "" if rows else ("<p>Every result passed.</p>" if standing.total else "<p>No validation results yet.</p>")
    return (
        f'<h2 id="failures">未通过的结果 · Failing results ({len(rows)})</h2>'
        f'<div id="failures-table">{table}{empty}</div>'
    )


# --- suites -------------------------------------------------------------------------------------


def expectation_text(expectation: dict[str, Any]) -> str:
    """An expectation's test in one line, from its GX type and arguments."""
    kw = expectation.get("kwargs", {})
    kind = expectation["type"]
    if kind == "expect_column_pair_values_to_be_equal":
        test = f"{kw['column_A']} = {kw['column_B']}"
    elif kind == "expect_column_values_to_be_between":
        low = f"{kw['min_value']} ≤ " if kw.get("min_value") is not None else ""
        high = f" ≤ {kw['max_value']}" if kw.get("max_value") is not None else ""
        test = f"{low}{kw['column']}{high}"
    elif kind == "expect_column_values_to_match_regex":
        test = f"{kw['column']} matches {kw['regex']}"
    elif kind == "expect_column_values_to_be_in_set":
        test = f"{kw['column']} in {json.dumps(kw['value_set'], ensure_ascii=False)}"
    elif kind == "expect_column_values_to_be_null":
        test = f"{kw['column']} is null"
    else:
        test = json.dumps({k: v for k, v in kw.items() if k != "condition_parser"}, ensure_ascii=False)
    condition = kw.get("row_condition")
    return f"{test} where {condition}" if condition else test


def _result_cell(counts: dict[tuple[str, str], tuple[int, int]], suite: str, rule: str) -> str:
    evaluated, passed = counts.get((suite, rule), (0, 0))
    if not evaluated:
        return pages._td("no data 无数据")
    cls = "pass" if evaluated == passed else "failed"
    return pages._td(f"{passed} / {evaluated}", f"num {cls}")


def _suites_section(data: pages.Data, suites: dict[str, dict[str, Any]], standing: pages.Standing) -> str:
    counts = {
        (r.suite, r.expectation): (int(r.evaluated), int(r.passed)) for r in _counts(standing).itertuples(index=False)
    }
    blocks = []
    for name, spec in sorted(suites.items()):
        meta = spec.get("meta", {})
        rows = [
            [
                pages._td(f"<code>{escape(e['meta']['rule'])}</code>"),
                pages._td(escape(e["meta"].get("equation_zh") or e["meta"].get("note_zh") or "")),
                pages._td(f"<code>{escape(e['type'])}</code><br><code>{escape(expectation_text(e))}</code>"),
                pages._td(escape(SEVERITY_ZH.get(e.get("severity", ""), str(e.get("severity", ""))))),
                pages._td(f"{escape(e['meta']['explain_zh'])} ({escape(e['meta']['explain_en'])})"),
                _result_cell(counts, name, e["meta"]["rule"]),
            ]
            for e in spec["expectations"]
        ]
        table = form.TABLE_LABELS_ZH.get(str(meta.get("table")), "every table 各表")
        blocks.append(
            f'<div class="suite" id="suite-{escape(name)}"><h3><code>{escape(name)}</code> '
            f"({len(rows)} expectations)</h3>"
            f'<p class="meta">frame <code>{escape(str(meta.get("frame")))}</code> · template '
            f"{escape(str(meta.get('template') or 'all 所有格式'))} · {escape(table)}</p>"
            + pages._table(
                ["rule", "checks 检查内容", "GX expectation", "severity", "a failure means", "passed / evaluated"],
                rows,
                "expectations",
            )
            + "</div>"
        )
    gate_rows = [
        [
            pages._td(f"<code>{escape(suite)}.{escape(rule)}</code>"),
            pages._td(f"{escape(zh)} ({escape(en)})"),
            _result_cell(counts, suite, rule),
        ]
        for (suite, rule), (zh, en) in gate.GATE_RULES.items()
    ]
    return (
        f'<h2 id="suites">检查组 · Suites ({len(suites)}, '
        f"{sum(len(s['expectations']) for s in suites.values())} expectations)</h2>"
        + "".join(blocks)
        + '<div class="suite" id="gate-checks"><h3>入库闸门自身的检查 · The gate\'s own checks (outside GX)</h3>'
        + pages._table(["check", "a failure means", "passed / evaluated"], gate_rows, "gate")
        + "</div>"
    )
