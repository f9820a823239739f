"""Prove the gate: every blocking rule of FORM.md, broken on purpose in every row and column,
quarantines exactly that table with that rule, row and column named; the same report repaired loads.

The arithmetic comes from tests/form_by_hand.py (typed from ../shared/FORM.md, not from
``pipeline.form``); the pipeline is only the system under test. Every report is a text
document in the layout of data/raw/006 (one row per line, cells separated by spaces, every
cell printed), with a distinct agency so duplicate handling never interferes. Two ingests in
all: every broken report in one batch, then every file rewritten repaired and ingested again
(a corrected re-issue replaces its broken copy: the broken one becomes 'superseded').

The base report prints a different non-zero number in every cell of table 三 and 四 (a
term dropped from an equation, such as 其他 from the row total, makes the base report fail,
so the repaired copies do not load), and 2019's 本年增/减 is negative everywhere (signed: never
flagged).

How each break is built (the form's equations are dependent, so most rules of table 三
cannot break alone; each case breaks the fewest instances the arithmetic allows, and the
test asserts exactly those):

- column balance 一+二 = （七）+四, part column c: 一[c] +1 and 一[总计] +1. The row total of
  一 still holds; column c and the 总计 column (which sums c) both break: the pair
  {balance c, balance 总计}. (The total column's balance is the sum of the part columns'
  balances when every row total holds, so no single part column can break alone.)
- column balance, 总计 column: 一[总计] +1 alone: {balance 总计, row total 一}.
- outcome total （七） = Σ leaves, part column c: one leaf ℓ (a different one per column)
  +1 in c and in 总计: {outcome total c, outcome total 总计}.
- outcome total, 总计 column: the last leaf's 总计 +1 alone: {outcome total 总计, row total ℓ}.
- row total 总计 = Σ six columns, leaf row r: r[c] +1 (c cycles over the six columns):
  {row total r, outcome total c}. Rows 一, 二, 四: r[c] +1: {row total r, balance c}.
  Row （七）总计: （七）[c] +1 breaks three, {row total （七）, outcome total c, balance c}: a
  cell of （七） is in both column rules, and no change confined to fewer instances exists
  (the dependencies above each need a partner).
- review/litigation 总计 = 维持+纠正+其他+尚未审结, every one of the 15 cells: that cell +1:
  only that block's total breaks.
- non-negative, table 二, every count and amount cell: printed negative; nothing else
  depends on it. 2019 本年增/减: another negative value, and the report loads.
- non-negative, table 三, part column c: leaf r[c] = -1, another leaf s[c] takes the
  difference, and both row totals follow: every equation still holds, only the cell is
  negative. Rows 一 (二 compensates) and 四 (一 compensates) likewise. 总计 column: a
  negative total needs a negative part: r[总计] = -1 and r[自然人] = -1 - (r's other parts),
  s compensating: the pair {r/总计, r/自然人}.
- non-negative, table 四, every part: -1, the next part takes the difference (the 总计 stays);
  a block's 总计 = -1 needs 结果维持 = -1 - (the other parts): the pair.
- a placeholder (—) in a part cell counts as 0 (FORM.md, "Cell values"): 1.属于国家秘密[科研机构]
  printed —, its row total, （七）总计 and 一 of that column and of 总计 lowered by its value: the
  report loads. 一[社会公益组织] printed — with 一[总计] lowered to match is no total left blank but a
  0: the balance of that column and of 总计 break.
- a total not printed is no break (FORM.md, "Cell values"): （一）予以公开's 总计, 自然人's （七）总计,
  行政复议's 总计 printed as — while their parts are not 0: the report loads with one
  total_not_printed warning naming the row or column and the parts' sum (复议后起诉 printed
  1 — — — —: its parts sum to 1). With （一）'s 总计 blank,
  its row total and the 总计 column's outcome total are not evaluated, but the other equations
  are: （一）[自然人] +1 then breaks only the outcome total of 自然人.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from pipeline.cli import run_ingest
from tests import form_by_hand as F

# --- the base report ----------------------------------------------------------------------


def _base_applications(layout: str) -> F.Cells:
    """Every part cell non-zero and varied; totals summed here, by this module's arithmetic."""
    cells: F.Cells = {}
    col: dict[str, dict[str, int]] = {p: {} for p in F.PARTS}
    for i, leaf in enumerate(F.leaves(layout)):
        for j, p in enumerate(F.PARTS):
            col[p][leaf] = 1 + (3 * i + 5 * j) % 11
    for j, p in enumerate(F.PARTS):
        v = col[p]
        v[F.HANDLED_TOTAL] = sum(v[leaf] for leaf in F.leaves(layout))
        v[F.CARRIED_FORWARD] = j + 2
        v[F.CARRIED_OVER] = 2 * j + 1
        v[F.NEW] = v[F.HANDLED_TOTAL] + v[F.CARRIED_FORWARD] - v[F.CARRIED_OVER]
    for row in F.outcome_rows(layout):
        for p in F.PARTS:
            cells[(row, p)] = str(col[p][row])
        cells[(row, F.TOTAL)] = str(sum(col[p][row] for p in F.PARTS))
    return cells


_PROACTIVE_VALUES = {
    "2021": ("2", "1", "13", "5", "2", "44", "3105", "1012", "19", "1486.2350"),
    # 本年增/减 (the 2nd, 5th, 8th and 11th values... see proactive_cells order) negative
    "2019": (
        "1", "3", "9", "6", "7", "41", "312", "-8", "2846", "57", "-3", "1203",
        "1485", "-12", "967", "38", "-1", "21", "23", "-2", "46", "38675200",
    ),
}  # fmt: skip
_REVIEW_VALUES = {"行政复议": (3, 1, 2, 4), "未经复议直接起诉": (1, 2, 1, 1), "复议后起诉": (2, 1, 3, 1)}


def base_tables(layout: str) -> F.Tables:
    template = F.TEMPLATE_OF[layout]
    cells = F.proactive_cells(template)
    values = _PROACTIVE_VALUES[template]
    assert len(cells) == len(values)
    review: F.Cells = {}
    for p, parts in _REVIEW_VALUES.items():
        for x, v in zip(F.RESULT_PARTS, parts, strict=True):
            review[(p, x)] = str(v)
        review[(p, F.TOTAL)] = str(sum(parts))
    return {
        F.PROACTIVE: {(i, m): v for (i, m, _), v in zip(cells, values, strict=True)},
        F.APPS: _base_applications(layout),
        F.REVIEW: review,
    }


def test_base_reports_hold_every_rule():
    for layout in F.LAYOUTS:
        tables = base_tables(layout)
        assert F.failing(layout, tables) == set(), layout
        assert F.negative_cells(F.TEMPLATE_OF[layout], tables) == set(), layout
        assert all(int(v) > 0 for v in tables[F.APPS].values()), layout  # every term of every equation counts


# --- rendering a report as text -----------------------------------------------------------


def render(layout: str, agency: str, year: int, tables: F.Tables) -> tuple[str, dict[tuple[str, str, str], int]]:
    """The report as text, and the line number of every cell (table, row, column)."""
    template = F.TEMPLATE_OF[layout]
    lines: list[str] = []
    where: dict[tuple[str, str, str], int] = {}

    def row(table: str, label: str, columns: tuple[str, ...]) -> None:
        lines.append(" ".join([label, *(tables[table][(label, c)] for c in columns)]))
        for c in columns:
            where[(table, label, c)] = len(lines)

    lines += [
        f"{agency}{year}年政府信息公开工作年度报告",
        "",
        f"本报告由{agency}办公室编制。本年度报告中所列数据的统计期限为{year}年1月1日至{year}年12月31日。",
        "",
        "一、总体情况",
        "",
        f"{year}年，{agency}持续推进政务公开，依法做好政府信息公开工作。",
        "",
        F.PROACTIVE,
        "",
    ]
    for block in F.PROACTIVE_BLOCKS[template]:
        measures = tuple(m for m, _ in block.measures)
        lines += [f"第二十条第（{block.article}）项", " ".join(("信息内容", *measures))]
        for item in block.items:
            row(F.PROACTIVE, item, measures)
    lines += [
        "",
        F.APPS,
        "",
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） 申请人情况",
        "自然人 法人或其他组织 总计",
        "商业企业 科研机构 社会公益组织 法律服务机构 其他",
    ]
    row(F.APPS, F.NEW, F.COLUMNS)
    row(F.APPS, F.CARRIED_OVER, F.COLUMNS)
    lines.append("三、本年度办理结果")
    heading = None
    for head, leaf in F.headed_leaves(layout):
        if head is not None and head != heading:
            lines.append(head)
        heading = head
        row(F.APPS, leaf, F.COLUMNS)
    row(F.APPS, F.HANDLED_TOTAL, F.COLUMNS)
    row(F.APPS, F.CARRIED_FORWARD, F.COLUMNS)
    results = " ".join(F.RESULTS)
    lines += [
        "",
        F.REVIEW,
        "",
        "行政复议 行政诉讼",
        f"{results} 未经复议直接起诉 复议后起诉",
        f"{results} {results}",
        " ".join(tables[F.REVIEW][(p, x)] for p in F.PROCEEDINGS for x in F.RESULTS),
    ]
    for p in F.PROCEEDINGS:
        for x in F.RESULTS:
            where[(F.REVIEW, p, x)] = len(lines)
    lines += ["", "五、存在的主要问题及改进情况", "", "无。", "", "六、其他需要报告的事项", "", "无。", ""]
    return "\n".join(lines), where


# --- the cases ----------------------------------------------------------------------------

Edit = Callable[[F.Tables], None]


@dataclass
class Case:
    """One report broken on purpose, and what must fail: equation instances (rule, member)
    and negative cells (table, row, column), as worked out on paper (the module docstring)."""

    name: str
    layout: str
    edits: dict[tuple[str, str, str], str]  # (table, row, column) -> new printed text
    equations: set[tuple[str, str]] = field(default_factory=set)
    negatives: set[tuple[str, str, str]] = field(default_factory=set)
    agency: str = ""
    year: int = 0

    @property
    def template(self) -> str:
        return F.TEMPLATE_OF[self.layout]

    def tables(self, broken: bool = True) -> F.Tables:
        tables = base_tables(self.layout)
        if broken:
            for (table, r, c), text in self.edits.items():
                assert (r, c) in tables[table], (self.name, r, c)
                tables[table][(r, c)] = text
        return tables

    @property
    def quarantined(self) -> set[str]:
        """Tables (warehouse names) that must be quarantined."""
        by_rule = {"column_balance": F.APPS, "outcome_total": F.APPS, "outcome_total_six_as_one_row": F.APPS}
        by_rule |= {"row_total": F.APPS, "review_total": F.REVIEW}
        return {F.TABLE_NAMES[by_rule[r]] for r, _ in self.equations} | {F.TABLE_NAMES[t] for t, _, _ in self.negatives}


def _plus(layout: str, *cells: tuple[str, str, str], by: int = 1) -> dict[tuple[str, str, str], str]:
    base = base_tables(layout)
    return {(t, r, c): str(int(base[t][(r, c)]) + by) for t, r, c in cells}


def _set(layout: str, table: str, deltas: dict[tuple[str, str], int | str]) -> dict[tuple[str, str, str], str]:
    """Cells of ``table`` changed by an int delta, or printed as the given text."""
    base = base_tables(layout)[table]
    return {(table, r, c): d if isinstance(d, str) else str(int(base[(r, c)]) + d) for (r, c), d in deltas.items()}


def _cases() -> list[Case]:
    cases: list[Case] = []
    A, T = F.APPS, F.TOTAL
    for layout in F.LAYOUTS:
        rows, leaves = F.outcome_rows(layout), F.leaves(layout)
        rule2 = "outcome_total_six_as_one_row" if layout == "2021-six-as-one-row" else "outcome_total"
        base = base_tables(layout)[A]
        for j, c in enumerate(F.PARTS):
            cases.append(
                Case(
                    f"{layout}-balance-{c}",
                    layout,
                    _plus(layout, (A, F.NEW, c), (A, F.NEW, T)),
                    {("column_balance", c), ("column_balance", T)},
                )
            )
            leaf = leaves[(4 * j) % len(leaves)]
            cases.append(
                Case(
                    f"{layout}-outcome-total-{c}",
                    layout,
                    _plus(layout, (A, leaf, c), (A, leaf, T)),
                    {(rule2, c), (rule2, T)},
                )
            )
        cases.append(
            Case(
                f"{layout}-balance-{T}",
                layout,
                _plus(layout, (A, F.NEW, T)),
                {("column_balance", T), ("row_total", F.NEW)},
            )
        )
        cases.append(
            Case(
                f"{layout}-outcome-total-{T}",
                layout,
                _plus(layout, (A, leaves[-1], T)),
                {(rule2, T), ("row_total", leaves[-1])},
            )
        )
        for i, r in enumerate(rows):
            c = F.PARTS[i % len(F.PARTS)]
            partner = {
                F.NEW: {("column_balance", c)},
                F.CARRIED_OVER: {("column_balance", c)},
                F.CARRIED_FORWARD: {("column_balance", c)},
                F.HANDLED_TOTAL: {("column_balance", c), (rule2, c)},
            }.get(r, {(rule2, c)})
            cases.append(
                Case(f"{layout}-row-total-{r}", layout, _plus(layout, (A, r, c)), {("row_total", r)} | partner)
            )
        if layout == "2021-six-as-one-row":
            continue  # tables 二 and 四 are those of 2021
        # table 四: every cell of every block
        for p in F.PROCEEDINGS:
            for x in F.RESULTS:
                cases.append(
                    Case(f"{layout}-review-{p}-{x}", layout, _plus(layout, (F.REVIEW, p, x)), {("review_total", p)})
                )
        # non-negative, table 二: every count and amount cell; 本年增/减 is signed
        for item, measure, kind in F.proactive_cells(layout):
            key = (F.PROACTIVE, item, measure)
            value = base_tables(layout)[F.PROACTIVE][(item, measure)]
            if kind == F.SIGNED:
                cases.append(Case(f"{layout}-signed-{item}-{measure}", layout, {key: str(-int(value) - 90)}))
            else:
                cases.append(Case(f"{layout}-negative-{item}-{measure}", layout, {key: f"-{value}"}, negatives={key}))
        # non-negative, table 三: one negative part per column, the arithmetic kept whole
        for j, c in enumerate(F.PARTS):
            r, s = leaves[(3 * j + 1) % len(leaves)], leaves[(3 * j + 2) % len(leaves)]
            d = int(base[(r, c)]) + 1
            edits = _set(layout, A, {(r, c): "-1", (s, c): d, (r, T): -d, (s, T): d})
            cases.append(Case(f"{layout}-negative-{r}-{c}", layout, edits, negatives={(A, r, c)}))
        c = F.PARTS[1]
        d = int(base[(F.NEW, c)]) + 1
        edits = _set(layout, A, {(F.NEW, c): "-1", (F.CARRIED_OVER, c): d, (F.NEW, T): -d, (F.CARRIED_OVER, T): d})
        cases.append(Case(f"{layout}-negative-{F.NEW}-{c}", layout, edits, negatives={(A, F.NEW, c)}))
        c = F.PARTS[4]
        d = int(base[(F.CARRIED_FORWARD, c)]) + 1
        edits = _set(
            layout, A, {(F.CARRIED_FORWARD, c): "-1", (F.NEW, c): -d, (F.CARRIED_FORWARD, T): -d, (F.NEW, T): -d}
        )
        cases.append(
            Case(f"{layout}-negative-{F.CARRIED_FORWARD}-{c}", layout, edits, negatives={(A, F.CARRIED_FORWARD, c)})
        )
        r, s, c0 = leaves[5], leaves[6], F.PARTS[0]
        d = int(base[(r, T)]) + 1  # r's 总计 from t to -1; its 自然人 by the same
        edits = _set(layout, A, {(r, T): "-1", (r, c0): str(int(base[(r, c0)]) - d), (s, c0): d, (s, T): d})
        cases.append(Case(f"{layout}-negative-{r}-{T}", layout, edits, negatives={(A, r, T), (A, r, c0)}))
        # non-negative, table 四: every part, and every block's 总计 (with the part it needs)
        review = base_tables(layout)[F.REVIEW]
        for p in F.PROCEEDINGS:
            for k, x in enumerate(F.RESULT_PARTS):
                y = F.RESULT_PARTS[(k + 1) % len(F.RESULT_PARTS)]
                edits = _set(layout, F.REVIEW, {(p, x): "-1", (p, y): int(review[(p, x)]) + 1})
                cases.append(Case(f"{layout}-negative-{p}-{x}", layout, edits, negatives={(F.REVIEW, p, x)}))
            d = int(review[(p, T)]) + 1
            edits = _set(layout, F.REVIEW, {(p, T): "-1", (p, F.RESULT_PARTS[0]): -d})
            cases.append(
                Case(
                    f"{layout}-negative-{p}-{T}",
                    layout,
                    edits,
                    negatives={(F.REVIEW, p, T), (F.REVIEW, p, F.RESULT_PARTS[0])},
                )
            )
    for layout in ("2019", "2021"):  # a placeholder in a part cell counts as 0: the report loads
        r, c = F.leaves(layout)[2], F.PARTS[2]
        v = -int(base_tables(layout)[A][(r, c)])
        edits = _set(layout, A, {(r, c): F.PLACEHOLDER, (r, T): v, (F.HANDLED_TOTAL, c): v, (F.HANDLED_TOTAL, T): v})
        edits |= _set(layout, A, {(F.NEW, c): v, (F.NEW, T): v})
        cases.append(Case(f"{layout}-placeholder-{r}-{c}", layout, edits))
        # 一 is no total: printed — it counts as 0 and the column balance breaks (its row total kept)
        c = F.PARTS[3]
        edits = _set(layout, A, {(F.NEW, c): F.PLACEHOLDER, (F.NEW, T): -int(base_tables(layout)[A][(F.NEW, c)])})
        cases.append(
            Case(f"{layout}-placeholder-{F.NEW}-{c}", layout, edits, {("column_balance", c), ("column_balance", T)})
        )
    for layout in ("2019", "2021"):
        granted = F.leaves(layout)[0]
        blank = {(A, granted, T): F.PLACEHOLDER}
        cases += [
            Case(f"{layout}-not-printed-{granted}", layout, blank),
            Case(f"{layout}-not-printed-{F.HANDLED_TOTAL}", layout, {(A, F.HANDLED_TOTAL, F.PARTS[0]): F.PLACEHOLDER}),
            Case(f"{layout}-not-printed-{F.PROCEEDINGS[0]}", layout, {(F.REVIEW, F.PROCEEDINGS[0], T): F.PLACEHOLDER}),
            Case(  # its parts: 1 and three placeholders (0): they sum to 1
                f"{layout}-not-printed-{F.PROCEEDINGS[2]}-parts-1",
                layout,
                {(F.REVIEW, F.PROCEEDINGS[2], x): F.PLACEHOLDER for x in F.RESULTS}
                | {(F.REVIEW, F.PROCEEDINGS[2], F.RESULT_PARTS[0]): "1"},
            ),
            Case(
                f"{layout}-not-printed-{granted}-outcome-total-{F.PARTS[0]}",
                layout,
                blank | _plus(layout, (A, granted, F.PARTS[0])),
                {("outcome_total", F.PARTS[0])},
            ),
        ]
    _COUNTIES = (
        "汤阴县", "林州市", "滑县", "内黄县", "安阳县", "淇县", "浚县", "南乐县", "清丰县", "范县", "台前县",
        "濮阳县", "长垣市", "封丘县", "原阳县", "延津县", "获嘉县", "辉县市", "卫辉市", "修武县", "博爱县",
        "武陟县", "温县", "孟州市", "沁阳市", "宜阳县", "嵩县", "栾川县", "汝阳县", "伊川县",
    )  # fmt: skip
    _BODIES = (
        "人民政府", "教育局", "民政局", "财政局", "自然资源局", "住房和城乡建设局", "交通运输局", "水利局",
        "农业农村局", "商务局", "卫生健康委员会", "市场监督管理局", "应急管理局", "城市管理局",
    )  # fmt: skip
    agencies = [county + body for body in _BODIES for county in _COUNTIES]
    assert len(cases) <= len(agencies)
    for n, case in enumerate(cases):
        case.agency = agencies[n]
        case.year = (2019, 2020)[n % 2] if case.template == "2019" else (2021, 2022, 2023, 2024)[n % 4]
    return cases


CASES = _cases()
BY_NAME = {c.name: c for c in CASES}


def _file(case: Case) -> str:
    return f"{CASES.index(case):03d}.txt"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_each_break_breaks_what_it_says(case):
    """The paper design (``Case.equations``/``negatives``) agrees with this module's own
    evaluation of the arithmetic on the broken numbers, and the repaired report holds."""
    broken = case.tables()
    assert F.failing(case.layout, broken) == case.equations
    assert F.negative_cells(case.template, broken) == case.negatives
    assert F.failing(case.layout, case.tables(broken=False)) == set()


def test_every_rule_instance_is_broken():
    """Every (rule, row or column) of every layout, every table 二 cell, every column of table
    三 and every cell of table 四 is the target of a case."""
    for layout in F.LAYOUTS:
        broken = {k for c in CASES if c.layout == layout for k in c.equations}
        assert broken == {i.key for i in F.instances(layout) if i.table == F.APPS or layout != "2021-six-as-one-row"}
    for template in ("2019", "2021"):
        negative = {k for c in CASES if c.layout == template for k in c.negatives}
        assert {(i, m) for t, i, m in negative if t == F.PROACTIVE} == {
            (i, m) for i, m, k in F.proactive_cells(template) if k != F.SIGNED
        }
        assert {c for t, _, c in negative if t == F.APPS} == set(F.COLUMNS)
        assert {(r, c) for t, r, c in negative if t == F.REVIEW} == {(p, x) for p in F.PROCEEDINGS for x in F.RESULTS}


# --- one ingest of the broken batch, one of the repaired batch --------------------------------


@dataclass(frozen=True)
class Run:
    reports: list[tuple[str, str, str, str | None]]  # (file, report_id, status, reason)
    failed: dict[str, list[tuple[str, str, str, str]]]  # report_id -> critical failures (exp, table, details)
    not_printed: dict[str, list[str]]  # report_id -> total_not_printed warning details
    equations: dict[str, list[tuple[str, bool]]]  # report_id -> (expectation, success) of the equation suites
    failed_cells: dict[tuple[str, str], int]  # (report_id, expectation) -> cells named in failed_cells
    facts: dict[tuple[str, str], int]  # (report_id, table) -> fact rows
    quarantine: dict[tuple[str, str], int]
    warehouse: Path

    def current(self, name: str) -> tuple[str, str, str | None]:
        """(report_id, status, reason) of the file's current content (not a superseded one)."""
        (row,) = [(rid, s, r) for f, rid, s, r in self.reports if f == name and s != "superseded"]
        return row


def _snapshot(path: Path) -> Run:
    with duckdb.connect(str(path), read_only=True) as con:
        reports = con.sql("SELECT source_file, report_id, status, reason FROM reports ORDER BY 1, 2").fetchall()
        failed: dict[str, list] = {}
        for rid, exp, table, severity, details in con.sql(
            "SELECT report_id, expectation, table_name, severity, details FROM dq_results "
            "WHERE NOT success AND severity = 'critical' ORDER BY suite, expectation"
        ).fetchall():
            failed.setdefault(rid, []).append((exp, table, severity, details))
        not_printed: dict[str, list[str]] = {}
        for rid, details in con.sql(
            "SELECT report_id, details FROM dq_results WHERE NOT success AND expectation = 'total_not_printed'"
        ).fetchall():
            not_printed.setdefault(rid, []).extend(details.split("; "))
        equations: dict[str, list[tuple[str, bool]]] = {}
        failed_cells: dict[tuple[str, str], int] = {}
        for rid, exp, success, cells in con.sql(
            "SELECT report_id, expectation, success, failed_cells FROM dq_results "
            "WHERE suite LIKE 'applications_by_%' OR suite LIKE 'review_%' OR suite = 'cells' ORDER BY expectation"
        ).fetchall():
            if not exp.startswith(("non_negative", "integer", "amount")):
                equations.setdefault(rid, []).append((exp, success))
            if cells is not None:
                failed_cells[(rid, exp)] = len(json.loads(cells))
        facts, quarantine = {}, {}
        for table in F.TABLE_NAMES.values():
            for rid, n in con.sql(f"SELECT report_id, count(*) FROM fact_{table} GROUP BY 1").fetchall():
                facts[(rid, table)] = n
            for rid, n in con.sql(f"SELECT report_id, count(*) FROM quarantine_{table} GROUP BY 1").fetchall():
                quarantine[(rid, table)] = n
    return Run(reports, failed, not_printed, equations, failed_cells, facts, quarantine, path)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Run, Run]:
    root = tmp_path_factory.mktemp("gate")
    raw = root / "raw"
    raw.mkdir()
    for case in CASES:
        text, _ = render(case.layout, case.agency, case.year, case.tables())
        (raw / _file(case)).write_text(text, encoding="utf-8")
    warehouse = root / "gongkai.duckdb"
    run_ingest(raw, warehouse, ephemeral=True)
    shutil.copy2(warehouse, root / "broken.duckdb")
    for case in CASES:  # the corrected re-issue, same file name
        (raw / _file(case)).write_text(
            render(case.layout, case.agency, case.year, case.tables(False))[0], encoding="utf-8"
        )
    run_ingest(raw, warehouse, ephemeral=True)
    return _snapshot(root / "broken.duckdb"), _snapshot(warehouse)


# --- what a reason must say ---------------------------------------------------------------


def _n(v: Decimal) -> str:
    return f"{v:f}"


def _sum_text(cells: tuple[tuple[str, str], ...], label: Callable[[tuple[str, str]], str], tables: F.Cells) -> str:
    terms = [f"{label(cell)} {_n(F.number(tables[cell]))}" for cell in cells]
    total = sum((F.number(tables[cell]) for cell in cells), Decimal(0))
    return " + ".join(terms) + (f" = {_n(total)}" if len(terms) > 1 else "")


def expected_details(case: Case, where: dict[tuple[str, str, str], int]) -> dict[str, list[re.Pattern[str]]]:
    """Per pipeline rule name: one pattern per failing instance, the exact text a person reads
    except the equation's wording in parentheses: the table, the rule, the row or column, both
    sides term by term with the printed numbers."""
    tables = case.tables()
    out: dict[str, list[re.Pattern[str]]] = {}
    by_key = {i.key: i for i in F.instances(case.layout)}
    for key in sorted(case.equations):
        inst = by_key[key]
        # columns rules name terms by row, row rules by column
        label = (lambda cell: cell[0]) if inst.rule.startswith(("column", "outcome")) else (lambda cell: cell[1])
        cells = tables[inst.table]
        text = f"{_sum_text(inst.lhs, label, cells)} ≠ {_sum_text(inst.rhs, label, cells)}"
        pattern = rf"{re.escape(inst.table)}: check {F.RULES[inst.rule]} \({re.escape(F.WORDING[inst.rule])}[^|;]*\) "
        pattern += rf"fails for {re.escape(inst.member)}: "
        out.setdefault(F.RULES[inst.rule], []).append(re.compile(pattern + re.escape(text)))
    for table, r, c in sorted(case.negatives):
        rule = F.RULES[
            "non_negative_amount" if F.kind_of(case.template, table, c) == F.AMOUNT else "non_negative_count"
        ]
        text = f"fails for {r} / {c} = {_n(F.number(tables[table][(r, c)]))} (printed at line {where[(table, r, c)]})"
        out.setdefault(rule, []).append(re.compile(rf"{re.escape(table)}: check {rule} \([^|;]+\) {re.escape(text)}"))
    return out


def expected_not_printed(case: Case, tables: F.Tables) -> list[re.Pattern[str]]:
    """One total_not_printed warning per total left blank: the row or column, the parts' sum,
    and the rule that is not evaluated for it."""
    out = []
    for (table, r, c), inst in sorted(F.not_printed(case.layout, tables).items()):
        where = "column" if inst.rule.startswith("outcome") else "row"
        lhs = r if where == "column" else c
        head = f"{table}: total not printed (total_not_printed): {where} {inst.member}: {lhs} is printed as "
        head += f"'{tables[table][(r, c)]}' while its parts sum to {_n(F.side(inst, inst.rhs, tables))} ("
        tail = f"), so it stays NULL and {F.RULES[inst.rule]} (and any other equation with this cell) is not "
        tail += f"evaluated for this {where}"
        out.append(re.compile(re.escape(head) + "[^|;]+" + re.escape(tail)))
    return out


def _matches(details: list[str], patterns: list[re.Pattern[str]]) -> bool:
    """Each detail matched by exactly one pattern and each pattern used once."""
    if len(details) != len(patterns):
        return False
    left = list(patterns)
    for d in details:
        hit = next((p for p in left if p.fullmatch(d)), None)
        if hit is None:
            return False
        left.remove(hit)
    return True


_COUNTS = {"proactive_disclosure": {"2019": 22, "2021": 10}, "applications": {"2019": 23 * 7, "2021": 25 * 7}}


def _cells_of(case: Case, table: str) -> int:
    if table == "review_litigation":
        return 15
    if table == "applications":
        return len(F.outcome_rows(case.layout)) * 7
    return _COUNTS[table][case.template]


def _equations_recorded(case: Case, broken: set[str]) -> list[tuple[str, bool]]:
    """The equation checks a report of ``case``'s layout is validated with (and recorded in
    dq_results), each once: the outcome total of its way of printing （六）, never the other's,
    never a subtotal rule (no subtotal rows are printed)."""
    rule2 = "outcome_total_six_as_one_row" if case.layout == "2021-six-as-one-row" else "outcome_total"
    names = sorted(F.RULES[r] for r in ("column_balance", rule2, "row_total", "review_total"))
    return [(n, n not in broken) for n in names]


def _cells_in(case: Case, rule: str) -> int:
    """How many printed cells the failing instances of ``rule`` are made of."""
    if rule.startswith("non_negative"):
        return len(case.negatives)
    by_key = {i.key: i for i in F.instances(case.layout)}
    return sum(len(by_key[k].lhs) + len(by_key[k].rhs) for k in case.equations if F.RULES[k[0]] == rule)


def check_broken(run: Run, name: str, case: Case) -> None:
    """The file ``name`` holding ``case`` broken: exactly the broken table quarantined, the
    rule, row and column named in dq_results and in the reason, the other tables loaded."""
    report_id, status, reason = run.current(name)
    _, where = render(case.layout, case.agency, case.year, case.tables())
    wanted = expected_details(case, where)
    failed = run.failed.get(report_id, [])
    assert _matches(run.not_printed.get(report_id, []), expected_not_printed(case, case.tables()))
    assert run.equations[report_id] == _equations_recorded(case, set(wanted))
    if not wanted:  # 本年增/减 printed negative, a total not printed: no break
        assert (status, reason, failed) == ("loaded", None, [])
        return
    assert status == "partial"
    assert {exp: run.failed_cells[(report_id, exp)] for exp in wanted} == {exp: _cells_in(case, exp) for exp in wanted}
    # one failing dq_results row per broken rule, naming this report, its table and every instance
    assert sorted(exp for exp, *_ in failed) == sorted(wanted)
    for exp, table, _, details in failed:
        assert table in case.quarantined
        assert _matches(details.split("; "), wanted[exp]), (exp, details)
    # the reason is those details, and nothing else
    assert _matches(reason.replace(" | ", "; ").split("; "), [p for ps in wanted.values() for p in ps]), reason
    for table in F.TABLE_NAMES.values():
        n = _cells_of(case, table)
        loaded = run.facts.get((report_id, table), 0)
        held = run.quarantine.get((report_id, table), 0)
        assert (loaded, held) == ((0, n) if table in case.quarantined else (n, 0)), table


def check_loaded(run: Run, name: str, case: Case) -> None:
    """The file ``name`` holding ``case`` repaired: loaded, no critical failure, every cell a fact."""
    report_id, status, reason = run.current(name)
    assert (status, reason, run.failed.get(report_id, [])) == ("loaded", None, [])
    assert run.not_printed.get(report_id, []) == []  # the repaired report prints every total
    assert run.equations[report_id] == _equations_recorded(case, set())
    for table in F.TABLE_NAMES.values():
        assert run.facts.get((report_id, table), 0) == _cells_of(case, table)
        assert run.quarantine.get((report_id, table), 0) == 0


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_broken_report_quarantines_exactly_that_table_naming_the_rule(runs, case):
    check_broken(runs[0], _file(case), case)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_repaired_report_loads(runs, case):
    broken, repaired = runs
    check_loaded(repaired, _file(case), case)
    old_id = broken.current(_file(case))[0]
    old = [(s, r) for f, rid, s, r in repaired.reports if rid == old_id]
    assert old == [("superseded", "the file changed; its new content replaces this")]
    assert all(repaired.facts.get((old_id, t), 0) == 0 for t in F.TABLE_NAMES.values())
