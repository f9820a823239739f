"""HTML of the dashboard pages: the summary (index) and one detail page per report.

Plain HTML and CSS with Plotly charts drawn from inline JSON; every text is escaped. The
pages speak to a person: each check is explained in plain words next to its technical name.

One judge: every verdict, failed check, highlighted cell and explanation shown here is the
gate's own (``reports``, ``dq_results`` with its ``failed_cells``, the suites' meta through
``pipeline.load.rule_explanations``); nothing is evaluated again here. What counts is the
gate's too: the results that stand (``load.standing_results``: once per report, never for a
byte-identical copy) and the warnings (``load.warning_results``, what the CLI counts).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from html import escape
from typing import Any

import duckdb
import pandas as pd

from pipeline import form
from pipeline import load as gate
from pipeline.dashboard import report_inputs as inputs
from pipeline.dashboard.report_inputs import STANDING, STANDING_ORDER, Cell, Chunk

STATUS_ZH = {
    "loaded": "已入库 loaded",
    "partial": "部分隔离 partial",
    "quarantined": "已隔离 quarantined",
    "failed": "无法读取 failed",
    "duplicate": "重复 duplicate",
    "superseded": "已替换 superseded",
}
STATUS_COLORS = {
    "loaded": "#2e7d32",
    "partial": "#f9a825",
    "quarantined": "#c62828",
    "failed": "#6a1b9a",
    "duplicate": "#90a4ae",
    "superseded": "#cfd8dc",
}
FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif'
CSS = f"""
body {{ font-family: {FONT}; margin: 0 auto; max-width: 1180px; padding: 16px 24px; color: #212121; }}
h1 {{ font-size: 24px; margin-bottom: 4px; }} h2 {{ font-size: 19px; margin-top: 28px;
  border-bottom: 1px solid #ddd; padding-bottom: 4px; }}
.meta {{ color: #616161; font-size: 13px; }}
table {{ border-collapse: collapse; font-size: 13px; margin: 8px 0; }}
th, td {{ border: 1px solid #ccc; padding: 3px 7px; text-align: left; vertical-align: top; }}
th {{ background: #f5f5f5; }} td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
td.fail {{ background: #ffcdd2; font-weight: bold; outline: 2px solid #c62828; }}
td.warn {{ background: #fff3c4; }}
.cards {{ display: flex; gap: 12px; flex-wrap: wrap; }}
.card {{ border: 1px solid #ddd; border-radius: 6px; padding: 8px 16px; min-width: 110px; }}
.card b {{ display: block; font-size: 26px; }}
.charts {{ display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }}
.chart {{ min-height: 320px; border: 1px solid #eee; }}
.status-loaded {{ color: #2e7d32; }} .status-partial {{ color: #e65100; }}
.status-quarantined, .status-failed {{ color: #c62828; }}
.reason {{ font-size: 12px; color: #555; }}
code {{ font-size: 12px; }}
"""


@dataclass
class Standing:
    """The results that stand (``load.standing_results``), as the pages count and list them:
    summed in DuckDB, never pulled whole into pandas (a warehouse of 10,000 reports holds a
    quarter of a million); the failing ones are rows, the others only counts."""

    total: int  # every standing result
    failed: pd.DataFrame  # the failing ones, in ``standing_results``' order, its columns
    counts: pd.DataFrame  # suite, expectation, severity, sum (passed), count: every standing result
    counted_total: int  # the results of reports that are not 'duplicate' (the summary's pass rates)
    counted: pd.DataFrame  # as ``counts``, of those
    by_year: pd.DataFrame  # year, severity, sum, count: of those, by the year of the row counting the report
    by_province: pd.DataFrame  # province, severity, sum, count: likewise ('未知 unknown' when none)
    runs: pd.DataFrame  # run_id, validated_at: each run's first standing result, in the order they come

    @cached_property
    def failed_of(self) -> dict[str, list[dict[str, Any]]]:
        """report_id -> its failing results, in order."""
        out: dict[str, list[dict[str, Any]]] = {}
        for row in self.failed.to_dict("records"):
            out.setdefault(row["report_id"], []).append(row)
        return out


@dataclass
class Data:
    """What the summary and checks pages show, read once from the warehouse; the report pages
    read theirs a chunk of reports at a time (``report_pages``)."""

    reports: pd.DataFrame  # one row per file (not the superseded contents); ``counted``: the row counting its content
    run_checks: pd.DataFrame  # run_id, severity, sum (passed), count: every dq_results row of each run
    dq_runs: int  # runs with dq_results
    standing: Standing
    warnings: pd.DataFrame  # the failed warnings of the reports that stay loaded (load.warning_results)
    words: dict[tuple[str, str], tuple[str, str]]  # (suite, expectation) -> what a failure means (zh, en)

    def explain(self, suite: str, rule: str) -> str:
        """'件数为负 (a count is negative)': the suite's own words for a failure of ``rule``."""
        zh, en = self.words.get((suite, rule), (rule, ""))
        return f"{zh} ({en})" if en else zh


_SEVERITIES = "severity IS NOT NULL AND suite IS NOT NULL AND expectation IS NOT NULL"  # as pandas groups them


def load(con: duckdb.DuckDBPyConnection) -> Data:
    """Read reports and the sums of the checks from the published warehouse (for the report
    pages' rows: ``report_pages``, on the same connection)."""
    reports = con.execute(
        "SELECT r.*, a.name AS agency, a.province, a.kind AS agency_kind, "
        "r.duplicate_of IS DISTINCT FROM r.report_id AS counted FROM reports r "
        "LEFT JOIN dim_agency a USING (agency_id) WHERE r.status <> 'superseded' ORDER BY r.source_file"
    ).df()
    run_checks = con.execute(
        "SELECT run_id, severity, sum(success::INTEGER)::BIGINT AS sum, count(success) AS count FROM dq_results "
        "WHERE run_id IS NOT NULL AND severity IS NOT NULL GROUP BY ALL ORDER BY run_id"
    ).df()
    (dq_runs,) = con.execute("SELECT count(DISTINCT run_id) FROM dq_results").fetchone()
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {STANDING} AS SELECT *, row_number() OVER "
        f"(ORDER BY {STANDING_ORDER}) AS standing_order FROM ({gate.standing_query()})",
        [None, None],
    )
    counted = _counted(reports)[["report_id", "year", "province"]]
    standing = _standing(con, counted)
    return Data(reports, run_checks, int(dq_runs), standing, gate.warning_results(con), gate.rule_explanations())


def _standing(con: duckdb.DuckDBPyConnection, counted: pd.DataFrame) -> Standing:
    def sums(keys: str, where: str = "true", source: str = STANDING) -> pd.DataFrame:
        return con.execute(
            f"SELECT {keys}, sum(success::INTEGER)::BIGINT AS sum, count(success) AS count FROM {source} "
            f"WHERE {where} GROUP BY ALL"
        ).df()

    not_copy = "report_status IS DISTINCT FROM 'duplicate'"
    con.register("dashboard_counted", counted)
    joined = (
        f"(SELECT s.severity, s.success, r.year, coalesce(r.province, '未知 unknown') AS province FROM {STANDING} s "
        f"LEFT JOIN dashboard_counted r USING (report_id) WHERE s.{not_copy})"
    )
    try:
        by_year = sums("year, severity", "year IS NOT NULL AND severity IS NOT NULL", joined)
        by_province = sums("province, severity", "severity IS NOT NULL", joined)
    finally:
        con.unregister("dashboard_counted")
    (total,) = con.execute(f"SELECT count(*) FROM {STANDING}").fetchone()
    (counted_total,) = con.execute(f"SELECT count(*) FROM {STANDING} WHERE {not_copy}").fetchone()
    return Standing(
        total=int(total),
        failed=con.execute(
            f"SELECT * EXCLUDE (standing_order) FROM {STANDING} WHERE NOT success ORDER BY standing_order"
        ).df(),
        counts=sums("suite, expectation, severity", _SEVERITIES),
        counted_total=int(counted_total),
        counted=sums("suite, expectation, severity", f"{_SEVERITIES} AND {not_copy}"),
        by_year=by_year.sort_values(["year", "severity"]).reset_index(drop=True),
        by_province=by_province.sort_values(["province", "severity"]).reset_index(drop=True),
        runs=con.execute(
            f"SELECT run_id, validated_at FROM {STANDING} QUALIFY row_number() OVER "
            "(PARTITION BY run_id ORDER BY standing_order) = 1 ORDER BY standing_order"
        ).df(),
    )


CHUNK_REPORTS = 500  # report pages built at a time: memory holds their rows, not the warehouse's


def report_pages(
    con: duckdb.DuckDBPyConnection,
    report_ids: list[str] | None = None,
    data: Data | None = None,
    chunk: int = CHUNK_REPORTS,
) -> Iterator[tuple[str, str]]:
    """(report_id, page) for the reports of ``report_ids`` (else every report counting its
    content), by source file, reading the rows of ``chunk`` reports at a time from ``con``
    (after ``load``, which gives ``data``)."""
    data = data or load(con)
    records = inputs.page_reports(con, report_ids)
    for start in range(0, len(records), chunk):
        part = records[start : start + chunk]
        rows = inputs.chunk(con, [r["report_id"] for r in part])
        for report in part:
            yield report["report_id"], report_page(data, rows, report)


# --- pieces -----------------------------------------------------------------------------------


def _page(title: str, body: str, script_src: str | None = None) -> str:
    script = f'<script src="{escape(script_src)}"></script>' if script_src else ""
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{escape(title)}</title>'
        f"<style>{CSS}</style>{script}</head><body>{body}</body></html>\n"
    )


def _table(headers: list[str], rows: list[list[str]], cls: str = "") -> str:
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(rows_cell for rows_cell in row) + "</tr>" for row in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


_SPECIAL = re.compile("[&<>\"']").search  # what ``html.escape`` replaces


def _esc(text: str) -> str:
    """``html.escape(text)``, without its five replacements for the text (most cells: digits,
    "page 3, line 41") that holds none of the characters it replaces: the same string."""
    return escape(text) if _SPECIAL(text) else text


def _td(text: Any, cls: str = "", title: str = "", escaped: bool = False) -> str:
    """A cell: ``text`` is HTML already; ``title`` is escaped here unless ``escaped``."""
    attrs = (f' class="{cls}"' if cls else "") + (f' title="{title if escaped else _esc(title)}"' if title else "")
    return f"<td{attrs}>{text}</td>"


def _chart(chart_id: str, traces: list[dict[str, Any]], layout: dict[str, Any]) -> str:
    layout = {
        "font": {"family": FONT, "size": 12},
        "margin": {"l": 60, "r": 20, "t": 40, "b": 60},
        "height": 320,
        **layout,
    }
    spec = json.dumps({"data": traces, "layout": layout}, ensure_ascii=False, default=str)
    # inside <script>, text is not HTML-escaped: a label holding "</script>" would end the script
    spec = spec.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return (
        f'<div class="chart" id="{chart_id}"></div><script>(function(){{var s={spec};'
        f'Plotly.newPlot("{chart_id}", s.data, s.layout, {{displayModeBar: false, responsive: true}});}})();</script>'
    )


def _pct(passed: int, total: int) -> str:
    return f"{100 * passed / total:.1f}%" if total else "–"


def _check_label(data: Data, row: Mapping[str, Any]) -> str:
    suite, rule = str(row["suite"]), str(row["expectation"])
    return f"{escape(data.explain(suite, rule))}<br><code>{escape(suite)}.{escape(rule)}</code>"


def _report_link(report_id: str, text: str, prefix: str = "reports/") -> str:
    return f'<a href="{prefix}{escape(report_id)}.html">{escape(text)}</a>'


# --- summary page -----------------------------------------------------------------------------


def index_page(data: Data, generated: str, docs_link: str | None) -> str:
    """The summary: counts per run, quarantine list, warnings, pass rates and trends."""
    present, removed = _present(data.reports), _removed(data.reports)
    gone = f", {len(removed)} removed since (their facts kept)" if len(removed) else ""
    parts = [
        "<h1>政府信息公开年报 数据质量 · Data quality</h1>",
        f'<p class="meta">generated {escape(generated)} from the warehouse tables <code>reports</code> and '
        f"<code>dq_results</code> · {len(present)} files in the raw folder{gone} · "
        + (
            f'<a id="docs-link" href="{escape(docs_link)}">Great Expectations Data Docs (every suite and result)</a>'
            if docs_link
            else "Great Expectations Data Docs: not built yet"
        )
        + "</p>",
        (
            '<p class="meta"><a id="quality-link" href="quality.html">每项检查与结果 · Every check and its results '
            "(suites, expectations, failing rows; works offline)</a></p>"
        ),
    ]
    counts = present["status"].value_counts().to_dict()
    cards = "".join(
        f'<div class="card status-{s}"><b>{counts.get(s, 0)}</b>{escape(STATUS_ZH[s])}</div>' for s in CARD_STATUSES
    )
    if len(removed):
        cards += f'<div class="card status-removed"><b>{len(removed)}</b>{escape(REMOVED_ZH)}</div>'
    parts.append(f'<div class="cards" id="status-cards">{cards}</div>')
    parts.append(_runs_section(data))
    parts.append(_quarantine_section(data))
    if len(removed):
        parts.append(_removed_section(removed))
    parts.append(_warnings_section(data))
    parts.append(_pass_rate_section(data))
    return _page("数据质量 · gongkai", "\n".join(parts), "assets/plotly.min.js")


CARD_STATUSES = ("loaded", "partial", "quarantined", "failed", "duplicate")  # files in the raw folder, by status
REMOVED_ZH = "已移除 removed"


def _present(reports: pd.DataFrame) -> pd.DataFrame:
    """The rows of files in the raw folder: what the status cards count, as the CLI does."""
    return reports[reports["present"].astype(bool)] if not reports.empty else reports


def _removed(reports: pd.DataFrame) -> pd.DataFrame:
    """The rows of files gone from the raw folder since they were ingested (facts kept)."""
    return reports[~reports["present"].astype(bool)] if not reports.empty else reports


def _counted(reports: pd.DataFrame) -> pd.DataFrame:
    """One row per content: the row that counts it (a byte-identical copy never does)."""
    return reports[reports["counted"].astype(bool)] if not reports.empty else reports


def _records(frame: pd.DataFrame, *columns: str) -> list[dict[str, Any]]:
    """The rows of a list section as dicts of the columns it prints (a row per report or result:
    ``iterrows`` or every column cost seconds at 10,000 reports)."""
    return frame[list(columns)].to_dict("records")


def _removed_section(removed: pd.DataFrame) -> str:
    rows = [
        [
            _td(_report_link(r["report_id"], r["source_file"]) if r["counted"] else escape(str(r["source_file"]))),
            _td(escape(STATUS_ZH.get(r["status"], r["status"])), f"status-{r['status']}"),
            _td(_printed_date(r["last_seen"])),
            _td(_printed_date(r["missing_since"])),
        ]
        for r in _records(removed, "report_id", "source_file", "counted", "status", "last_seen", "missing_since")
    ]
    table = _table(["file", "status", "last seen 最后所见", "missing since 发现移除"], rows, "removed")
    return (
        f'<h2 id="removed">已移除的文件 · Removed from the raw folder ({len(rows)})</h2>'
        '<p class="meta">Their rows and facts are kept; the status is the one they had.</p>'
        f'<div id="removed-list">{table}</div>'
    )


def _runs(data: Data) -> pd.DataFrame:
    """Per run: when, files by status (the run that last ingested each file), check pass rates."""
    reports, checks = data.reports, data.run_checks
    if reports.empty:
        return pd.DataFrame(columns=["run_id", "started"])
    per_run = reports.groupby("run_id").agg(started=("ingested_at", "min")).reset_index()
    statuses = reports.pivot_table(index="run_id", columns="status", values="report_id", aggfunc="count").fillna(0)
    per_run = per_run.merge(statuses.reset_index(), on="run_id", how="left")
    if data.dq_runs:
        for severity in ("critical", "warning"):
            sub = checks.loc[checks["severity"] == severity, ["run_id", "sum", "count"]].reset_index(drop=True)
            sub[f"{severity}_pass_rate"] = sub["sum"] / sub["count"]
            per_run = per_run.merge(sub[["run_id", f"{severity}_pass_rate"]], on="run_id", how="left")
    return per_run.sort_values("started").reset_index(drop=True)


def _runs_section(data: Data) -> str:
    runs = _runs(data)
    statuses = ["loaded", "partial", "quarantined", "failed", "duplicate"]
    rows = [
        [_td(escape(str(r["started"])[:19])), _td(f"<code>{escape(str(r['run_id'])[:8])}</code>")]
        + [_td(int(r.get(s, 0) or 0), "num") for s in statuses]
        for _, r in runs.iterrows()
    ]
    table = _table(["run started", "run", *[STATUS_ZH[s] for s in statuses]], rows)
    labels = [f"{str(r['started'])[:16]} · {str(r['run_id'])[:8]}" for _, r in runs.iterrows()]
    bars = [
        {
            "type": "bar",
            "name": STATUS_ZH[s],
            "x": labels,
            "y": [int(r.get(s, 0) or 0) for _, r in runs.iterrows()],
            "marker": {"color": STATUS_COLORS[s]},
        }
        for s in statuses
        if s in runs
    ]
    trend = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": name,
            "x": labels,
            "y": [None if pd.isna(v) else round(100 * float(v), 1) for v in runs.get(col, pd.Series(dtype=float))],
        }
        for col, name in (
            ("critical_pass_rate", "阻断性检查通过率 critical"),
            ("warning_pass_rate", "警告检查通过率 warning"),
        )
        if col in runs
    ]
    return (
        '<h2 id="runs">每次运行的文件 · Files per run</h2>'
        + table
        + '<div class="charts">'
        + _chart(
            "chart-runs", bars, {"barmode": "stack", "title": {"text": "文件状态（按运行）Files by status per run"}}
        )
        + _chart(
            "chart-trend",
            trend,
            {"title": {"text": "检查通过率趋势 Pass rate over runs (%)"}, "yaxis": {"range": [0, 105]}},
        )
        + "</div>"
    )


def _plain_reasons(data: Data, report_id: str, status: str, reason: str | None) -> list[str]:
    """The report's problems in plain words, one per failed check (or its stored reason)."""
    failed = [r for r in data.standing.failed_of.get(report_id, []) if r["severity"] == "critical"]
    plain = []
    for row in failed:
        table = form.TABLE_LABELS_ZH.get(str(row["table_name"]), "")
        plain.append(f"{escape(table)}：{escape(data.explain(str(row['suite']), str(row['expectation'])))}")
    if reason and gate.UNREADABLE in reason:
        plain.append(escape(data.explain(*gate.UNREADABLE_RULE)))
    if not plain and reason:
        plain.append(escape(reason))
    if status == "failed" and not reason:
        plain.append("无法读取 (the file could not be read)")
    return plain


def _quarantine_section(data: Data) -> str:
    counted = _counted(data.reports)
    bad = counted[counted["status"].isin(["partial", "quarantined", "failed"])]
    rows = []
    for r in _records(bad, "report_id", "source_file", "agency", "year", "status", "reason"):
        plain = _plain_reasons(data, r["report_id"], r["status"], r["reason"])
        rows.append(
            [
                _td(_report_link(r["report_id"], r["source_file"])),
                _td(escape(str(r["agency"] or "–"))),
                _td("" if pd.isna(r["year"]) else int(r["year"])),
                _td(escape(STATUS_ZH.get(r["status"], r["status"])), f"status-{r['status']}"),
                _td("<br>".join(plain) + f'<div class="reason">{escape(str(r["reason"] or ""))}</div>'),
            ]
        )
    table = _table(["file", "agency 机关", "year", "status", "reason 原因"], rows, "quarantine")
    empty = "<p>Nothing quarantined.</p>" if not rows else ""
    return f'<h2 id="quarantine">隔离清单 · Quarantine ({len(rows)})</h2><div id="quarantine-list">{table}{empty}</div>'


def _warnings_section(data: Data) -> str:
    rows = [
        [
            _td(_report_link(w["report_id"], w["source_file"])),
            _td(_check_label(data, w)),
            _td(f'<span class="reason">{escape(str(w["details"] or ""))}</span>'),
        ]
        for w in _records(data.warnings, "report_id", "source_file", "suite", "expectation", "details")
    ]
    table = _table(["file", "warning 警告", "details"], rows, "warnings")
    return (
        f'<h2 id="warnings">警告（不阻断入库）· Warnings, not blocking ({len(rows)})</h2>'
        f'<div id="warning-list">{table}</div>'
    )


def _pass_rate_section(data: Data) -> str:
    # each report once: not the copies of an agency-year that another copy counts for (summed in DuckDB)
    if not data.standing.counted_total:
        return "<h2>通过率 · Pass rates</h2><p>No check results yet.</p>"
    per_exp = data.standing.counted.sort_values(["severity", "suite", "expectation"])
    rows = [
        [
            _td(f"<code>{escape(r['suite'])}</code>"),
            _td(f"<code>{escape(r['expectation'])}</code><br>{escape(data.explain(r['suite'], r['expectation']))}"),
            _td(escape(r["severity"])),
            _td(f"{int(r['sum'])} / {int(r['count'])}", "num"),
            _td(_pct(int(r["sum"]), int(r["count"])), "num"),
        ]
        for _, r in per_exp.iterrows()
    ]
    exp_chart = _chart(
        "chart-expectations",
        [
            {
                "type": "bar",
                "orientation": "h",
                "y": [f"{r['suite']}.{r['expectation']}" for _, r in per_exp.iterrows()],
                "x": [round(100 * r["sum"] / r["count"], 1) for _, r in per_exp.iterrows()],
                "marker": {
                    "color": ["#c62828" if s == "critical" else "#f9a825" for s in per_exp["severity"]],
                },
                "hovertext": [
                    data.explain(s, e) for s, e in zip(per_exp["suite"], per_exp["expectation"], strict=True)
                ],
            }
        ],
        {
            "title": {"text": "每项检查通过率 Pass rate per expectation (%)"},
            "height": 40 + 22 * len(per_exp),
            "margin": {"l": 330, "r": 20, "t": 40, "b": 40},
            "xaxis": {"range": [0, 100]},
        },
    )
    charts = []
    for key, title, chart_id in (
        ("year", "按年度 by year", "chart-year"),
        ("province", "按省份 by province", "chart-province"),
    ):
        grouped = data.standing.by_year if key == "year" else data.standing.by_province
        traces = []
        for severity, color in (("critical", "#1565c0"), ("warning", "#f9a825")):
            sub = grouped[grouped["severity"] == severity]
            traces.append(
                {
                    "type": "bar",
                    "name": severity,
                    "x": [str(int(v)) if key == "year" else str(v) for v in sub[key]],
                    "y": [round(100 * s / c, 1) for s, c in zip(sub["sum"], sub["count"], strict=True)],
                    "text": [f"{int(s)}/{int(c)}" for s, c in zip(sub["sum"], sub["count"], strict=True)],
                    "marker": {"color": color},
                }
            )
        charts.append(
            _chart(
                chart_id,
                traces,
                {
                    "title": {"text": f"检查通过率 Pass rate {title} (%)"},
                    "barmode": "group",
                    "yaxis": {"range": [0, 105]},
                    "xaxis": {"type": "category"},
                },
            )
        )
    table = _table(["suite", "expectation", "severity", "passed", "pass rate"], rows, "pass-rates")
    return (
        '<h2 id="pass-rates">通过率 · Pass rates (latest result of each report)</h2>'
        + exp_chart
        + '<div class="charts">'
        + "".join(charts)
        + "</div>"
        + table
    )


# --- detail page ------------------------------------------------------------------------------


def _marks(latest: list[dict[str, Any]]) -> dict[tuple[str, str, str], tuple[str, str]]:
    """(table, row, col) -> (css class, why): the cells the report's failed results name in
    ``dq_results.failed_cells``, as the gate recorded them; blocking failures first."""
    marks: dict[tuple[str, str, str], tuple[str, str]] = {}
    failed = [r for r in latest if not r["success"] and pd.notna(r.get("failed_cells"))]
    for severity, cls in (("critical", "fail"), ("warning", "warn")):
        for cells in (r["failed_cells"] for r in failed if r["severity"] == severity):
            for c in json.loads(cells):
                marks.setdefault((c["table"], c["row"], c["col"]), (cls, c["why"]))
    return marks


def _grid(table: str, cells: list[Cell], rows: list[tuple[str, str]], cols: list[tuple[str, str]], marks: dict) -> str:
    """The table as printed: a row (column) of the layout is shown when any cell of it was
    read in a column (row) of the layout. The inner loop of every report page: a cell's text
    and place come escaped from the warehouse (``report_inputs.Cell``), the labels' cells are
    cached (``_label_td``); a cell a failed check names carries its class and the check's words."""
    by = {(c.row_code, c.col_code): c for c in cells}
    row_codes, col_codes = {code for code, _ in rows}, {code for code, _ in cols}
    rows_read = {r for r, c in by if c in col_codes}
    cols_read = {c for r, c in by if r in row_codes}
    present_rows = [r for r in rows if r[0] in rows_read]
    present_cols = [c for c in cols if c[0] in cols_read]
    if not present_rows:
        return "<p>No cell of this table was read.</p>"
    body = []
    for code, label in present_rows:
        line = [_label_td(label)]
        for col, _ in present_cols:
            cell = by.get((code, col))
            if cell is None:
                line.append("<td></td>")
            elif marks and (table, code, col) in marks:
                cls, why = marks[table, code, col]
                title = cell.where + (_esc(f" · {why}") if why else "")
                line.append(_td(cell.number, f"num {cls}" if cls else "num", title, escaped=True))
            elif cell.where:
                line.append(f'<td class="num" title="{cell.where}">{cell.number}</td>')
            else:
                line.append(f'<td class="num">{cell.number}</td>')
        body.append(line)
    return _table(["", *[escape(label) for _, label in present_cols]], body, f"grid grid-{table}")


@functools.cache
def _label_td(label: str) -> str:
    """A row label's cell: the form's labels, a few hundred, drawn on every page."""
    return _td(escape(label))


def _printed_date(value: Any) -> str:
    """A date as YYYY-MM-DD (the publication date the document prints, which of conflicting
    copies wins; when a file was last seen), or '–'."""
    return "–" if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _copies_rows(report: dict[str, Any]) -> list[list[str]]:
    """The identity rows for the other files holding this content (byte-identical copies) and
    for a file gone from the raw folder: every file of the report is named on its page."""
    rows = []
    if not bool(report.get("present", True)):
        seen = _printed_date(report.get("last_seen"))
        rows.append([_td("removed 已移除"), _td(f"gone from the raw folder; last seen {seen}")])
    copies = report["copies"]
    if copies:
        names = "<br>".join(f"<code>{escape(str(f))}</code>" for f in copies)
        rows.append([_td(f"byte-identical copies 相同副本 ({len(copies)})"), _td(names)])
    return rows


# A report page prints no time: it is carried over, byte for byte, by every build that finds
# what it shows unchanged (``report_inputs``), and a from-scratch build draws the same bytes.
# The time the dashboard was built is on the summary and checks pages, drawn every build.
FOOTER = (
    '<p class="meta">This page is drawn again whenever what it shows changes; when the dashboard was '
    'last built: <a href="../index.html">the summary</a>.</p>'
)


@functools.cache
def _layouts(template: str | None) -> dict[str, tuple[list[tuple[str, str]], list[tuple[str, str]]]]:
    """Per table, the (code, label) of its rows and of its columns in ``template``'s form (the
    2021 form when the template is not known): the same for every report of a template."""
    tpl = form.TEMPLATES.get(template or "2021", form.TEMPLATES["2021"])
    return {
        "proactive_disclosure": (
            [(m.code, m.label_zh) for b in tpl.proactive for m in b.items],
            [
                (m, form.MEASURES_BY_CODE[m].label_zh)
                for m in dict.fromkeys(x for b in tpl.proactive for x in b.measures)
            ],
        ),
        "applications": (
            [(m.code, m.label_zh) for m in tpl.value_rows],
            [(m.code, m.label_zh) for m in form.APPLICANT_TYPES],
        ),
        "review_litigation": (
            [
                (m.code, (form.PROCEEDING_GROUP_ZH.get(m.parent or "", "") + " " + m.label_zh).strip())
                for m in form.PROCEEDINGS
            ],
            [(m.code, m.label_zh) for m in form.RESULTS],
        ),
    }


def report_page(data: Data, chunk: Chunk, report: dict[str, Any]) -> str:
    """One report: identity and source, its checks, and the three tables as printed (its row
    from ``report_inputs.page_reports``, its rows from ``chunk``, the checks' words from
    ``data``: nothing else, which is what its digest covers; plain Python: a pandas filter per
    report and table cost the most)."""
    rid = report["report_id"]
    cells = chunk.cells.get(rid, {})
    template = report.get("template") if isinstance(report.get("template"), str) else None
    latest = chunk.latest.get(rid, [])
    marks = _marks(latest)
    status = str(report["status"])
    head = [
        '<p><a href="../index.html">← 数据质量总览 · dashboard</a></p>',
        f"<h1>{escape(str(report.get('title') or report['source_file']))}</h1>",
        _table(
            ["", ""],
            [
                [_td("source file 来源文件"), _td(f"<code>{escape(str(report['source_file']))}</code>")],
                [_td("agency 机关"), _td(escape(str(report.get("agency") or "–")))],
                [_td("year 年度"), _td("" if pd.isna(report.get("year")) else int(report["year"]))],
                [_td("published 发布日期"), _td(_printed_date(report.get("published")))],
                [_td("template 格式"), _td(escape(str(template or "–")))],
                [_td("status 状态"), _td(escape(STATUS_ZH.get(status, status)), f"status-{status}")],
                [_td("report_id"), _td(f"<code>{escape(rid)}</code>")],
                *_copies_rows(report),
            ],
            "identity",
        ),
    ]
    if report.get("reason"):
        head.append(f'<p class="reason" id="reason">{escape(str(report["reason"]))}</p>')
    checks = [c for c in latest if not c["success"]]
    rows = [
        [
            _td(escape(str(c["severity"]))),
            _td(_check_label(data, c)),
            _td(escape(str(c["details"] or ""))),
        ]
        for c in checks
    ]
    passed = sum(bool(c["success"]) for c in latest)
    head.append(f'<h2 id="checks">未通过的检查 · Failed checks ({len(rows)}; {passed} passed)</h2>')
    head.append(
        _table(["severity", "check", "equation / value (both sides)"], rows, "checks")
        if rows
        else "<p>All checks passed.</p>"
    )
    claims = chunk.claims_of(rid)
    if not claims.empty:
        head.append("<h2>正文中的数字 · Numbers stated in the narrative</h2>")
        head.append(
            _table(
                ["claim", "value", "words"],
                [[_td(escape(c.claim)), _td(c.value, "num"), _td(escape(str(c.quote)))] for c in claims.itertuples()],
            )
        )
    tables = []
    layouts = _layouts(template)
    for table in form.TABLES:
        printed = cells.get(table, [])
        state = (
            "quarantined 已隔离"
            if printed and any(c.quarantined for c in printed)
            else ("loaded 已入库" if printed else "not read")
        )
        row_layout, col_layout = layouts[table]
        tables.append(f"<h2>{escape(form.TABLE_LABELS_ZH[table])} <small>({state})</small></h2>")
        tables.append(_grid(table, printed, row_layout, col_layout, marks))
    legend = (
        '<p class="meta">Highlighted cells are those the failed checks above name (red: blocking, yellow: '
        "warning); hover a cell for its page and line and the check.</p>"
    )
    body = "\n".join([*head, legend, *tables, FOOTER])
    return _page(f"{report['source_file']} · gongkai", body)
