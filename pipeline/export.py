"""`gongkai export`: the warehouse for analysts who use other engines, or a spreadsheet.

Three formats, two audiences:

- **Parquet** (for engines: Spark, Polars, pandas, R arrow, DuckDB elsewhere): every table
  as stored, codes and types unchanged (DECIMAL stays DECIMAL(38, 10); a view's HUGEINT sum,
  which Parquet cannot hold, becomes DECIMAL(38, 0), never a DOUBLE), partitioned by
  ``year`` Hive style (``DIR/fact_applications/year=2021/data_0.parquet``) so a reader of one
  year opens only that year's files; a table without a year is one file. A report whose year
  could not be read lands in ``year=__HIVE_DEFAULT_PARTITION__`` (read back as NULL).
- **CSV** and **XLSX** (for people who live in spreadsheets): Chinese column headers, and
  beside every code a person reads (row and column codes, statuses, check names) its label
  from ``pipeline/form.py`` (the code column is kept too, so the sheets still join). CSV
  files start with a UTF-8 BOM: without it Excel opens Chinese text as mojibake.

Numbers are never rounded. CSV writes a DECIMAL as its exact digits (trailing zeros of the
stored scale dropped: 0.123456, not 0.1234560000). XLSX writes a number as a number cell
when a spreadsheet's binary double holds it exactly, and otherwise as a text cell with its
exact digits (99999999999999.9999999999 has more digits than a double keeps). Timestamps
are ISO text in both (a spreadsheet date keeps milliseconds at best).

What is exported: the facts, the quarantine tables (what was read from tables that failed,
with the reason: an analyst judging coverage needs them), ``reports``, ``dq_results``,
``narrative_claims`` (what the narrative warnings compare), the dimensions, and the two
analyst views (``v_agency_year``, ``v_applications_wide``: their logic, e.g. a total the
agency did not print stays NULL, is not for each engine to redo). Not exported:
``pipeline_state``, the pipeline's own bookkeeping.

The warehouse is opened read-only (analysts may have it open; a run may be publishing: the
connection keeps the snapshot it opened, so every file of one export is of one version). The
export is written beside ``DIR`` and swapped in, so ``DIR`` always holds one whole export;
``DIR`` is replaced only when it is empty or an earlier export (it has ``manifest.json``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from pathlib import Path

import duckdb
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from pipeline import form

FORMATS = ("parquet", "csv", "xlsx")
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"  # Hive's folder for rows whose year is NULL
MANIFEST = "manifest.json"
WORKBOOK = "gongkai.xlsx"

# In the order a spreadsheet user reads them: headline figures first, dimensions last.
TABLES: tuple[str, ...] = (
    "v_agency_year",
    "v_applications_wide",
    "reports",
    *(f"fact_{t}" for t in form.TABLES),
    *(f"quarantine_{t}" for t in form.TABLES),
    "dq_results",
    "narrative_claims",
    "dim_agency",
    "dim_applicant_type",
    "dim_outcome",
    "dim_proactive_item",
    "dim_measure",
    "dim_proceeding",
    "dim_result",
)
_TITLES_ZH = {
    "v_agency_year": "机关年度主要指标（视图 v_agency_year）",
    "v_applications_wide": "申请情况表，按印制格式（视图 v_applications_wide）",
    "reports": "报告：每个文件一行，状态与原因",
    "dq_results": "数据质量检查结果：每项检查、每份报告一行",
    "narrative_claims": "正文中陈述的数字",
    "dim_agency": "机关",
    "dim_applicant_type": "申请人类型",
    "dim_outcome": "申请办理情况（行）",
    "dim_proactive_item": "主动公开事项",
    "dim_measure": "主动公开指标（列）",
    "dim_proceeding": "复议、诉讼类别",
    "dim_result": "复议、诉讼结果",
}

# Chinese headers of the warehouse's columns. Columns named by a code of the form (the view
# columns natural_person … total) take the form's label instead; a column not named here
# (added to the warehouse later) keeps its name, so the export never fails on it.
COLUMN_ZH = {
    "report_id": "报告编号",
    "source_file": "来源文件",
    "file_type": "文件类型",
    "agency_id": "机关编号",
    "agency": "机关",
    "name": "名称",
    "province": "省",
    "city": "市",
    "county": "县",
    "level": "层级",
    "kind": "机关类型",
    "source_name": "原文名称",
    "resolved_by": "认定依据",
    "year": "年度",
    "template": "格式版本",
    "title": "标题",
    "status": "状态",
    "reason": "原因",
    "parser_version": "解析器版本",
    "ingested_at": "入库时间",
    "first_ingested_at": "首次入库时间",
    "run_id": "运行编号",
    "tables_loaded": "已入库的表",
    "tables_quarantined": "已隔离的表",
    "duplicate_of": "重复于",
    "encoding": "编码",
    "file_size": "文件大小（字节）",
    "file_mtime": "文件修改时间",
    "numbers_hash": "数字指纹",
    "agency_note": "机关名称说明",
    "published": "发布日期",
    "present": "文件仍在原始文件夹中",
    "last_seen": "最后发现时间",
    "missing_since": "发现缺失时间",
    "applicant_type": "申请人类型",
    "outcome": "申请办理情况",
    "outcome_zh": "申请办理情况",
    "item": "事项",
    "measure": "指标",
    "proceeding": "复议诉讼类别",
    "result": "结果",
    "count": "件数",
    "value": "数值",
    "raw": "原文",
    "source_page": "页码",
    "source_where": "原文位置",
    "validated_at": "检查时间",
    "suite": "检查组",
    "expectation": "检查项",
    "success": "通过",
    "details": "详情",
    "table_name": "表",
    "severity": "级别",
    "failed_cells": "涉及的单元格",
    "claim": "陈述",
    "quote": "原话",
    "label_zh": "中文名称",
    "label_en": "英文名称",
    "group_zh": "分组",
    "parent": "上级",
    "sort_order": "排序",
    "is_total": "是否合计",
    "templates": "印制该行的格式版本",
    "has_values_in": "该行有数值的格式版本",
    "unit": "单位",
    "applications_received": "本年新收申请数",
    "carried_over": "上年结转申请数",
    "handled_total": "办理结果总计",
    "granted": "予以公开",
    "partially_granted": "部分公开",
    "carried_forward": "结转下年度继续办理",
    "disclosure_rate": "公开率",
    "reviews": "行政复议数",
    "reviews_corrected": "复议结果纠正数",
    "reviews_pending": "复议尚未审结数",
    "review_correction_rate": "复议纠错率",
    "lawsuits": "行政诉讼数",
    "lawsuits_corrected": "诉讼结果纠正数",
    "lawsuits_pending": "诉讼尚未审结数",
    "litigation_correction_rate": "诉讼纠错率",
}
SEVERITY_ZH = {"critical": "阻断入库", "warning": "警告（不阻断）"}
CODE_SUFFIX_ZH = "代码"  # the header of a code column kept beside its label: 申请人类型代码
RULE_HEADER_ZH = "检查说明"
XLSX_MAX_ROWS = 1_048_576  # a worksheet's rows, header included
_DOUBLE_INT_MAX = 2**53  # integers a spreadsheet's double holds exactly


class ExportError(RuntimeError):
    """The export cannot be written (no warehouse, or DIR holds something else)."""


@dataclass(frozen=True)
class Export:
    """What one export wrote: the folder, its format, and rows and path per table."""

    directory: Path
    format: str
    rows: dict[str, int]
    paths: dict[str, str]  # table -> path relative to directory (a folder for a partitioned table)


# --- labels, derived from the form ------------------------------------------------------------


def _grouped(member: form.Member, groups: dict[str, str]) -> str:
    """'法人或其他组织：其他' for a member under a printed group, else its label: a spreadsheet
    column of 其他 alone would not say whose."""
    group = groups.get(member.parent or "")
    return f"{group}：{member.label_zh}" if group else member.label_zh


def label_rows() -> list[tuple[str, str | None, str, str, int]]:
    """(dimension, template or None, code, Chinese label, sort order) for every code a person
    reads in the export. Proactive items are named per template, as each template prints them
    (2019: 规范性文件, 2021: 行政规范性文件)."""
    rows: list[tuple[str, str | None, str, str, int]] = []
    for i, m in enumerate(form.APPLICANT_TYPES):
        rows.append(("applicant_type", None, m.code, _grouped(m, form.APPLICANT_GROUP_ZH), i))
    rows += [("outcome", None, m.code, m.label_zh, i) for i, m in enumerate(form.OUTCOMES)]
    for template in form.TEMPLATES:
        rows += [
            ("item", template, m.code, form.label_zh("item", m.code, template), i)
            for i, m in enumerate(form.proactive_items())
        ]
    rows += [("measure", None, m.code, m.label_zh, i) for i, m in enumerate(form.MEASURES)]
    for i, m in enumerate(form.PROCEEDINGS):
        rows.append(("proceeding", None, m.code, _grouped(m, form.PROCEEDING_GROUP_ZH), i))
    rows += [("result", None, m.code, m.label_zh, i) for i, m in enumerate(form.RESULTS)]
    rows += [("table_name", None, t, form.TABLE_LABELS_ZH[t], i) for i, t in enumerate(form.TABLES)]
    rows += [("status", None, s, zh, i) for i, (s, zh) in enumerate(_status_zh().items())]
    rows += [("severity", None, s, zh, i) for i, (s, zh) in enumerate(SEVERITY_ZH.items())]
    rows += [("rule", None, f"{suite}.{rule}", zh, 0) for (suite, rule), (zh, _) in _rule_words().items()]
    return rows


def _status_zh() -> dict[str, str]:
    """The statuses in the dashboard's words, so a sheet and the dashboard name them alike."""
    from pipeline.dashboard.pages import STATUS_ZH

    return dict(STATUS_ZH)


def _rule_words() -> dict[tuple[str, str], tuple[str, str]]:
    """What each check's failure means: the suites' own words (as the dashboard shows them)."""
    from pipeline.load import rule_explanations

    return rule_explanations()


LABELLED = ("applicant_type", "outcome", "item", "measure", "proceeding", "result", "table_name", "status", "severity")


def column_header(name: str) -> str:
    """The Chinese header of a warehouse column (the column's name when it has none)."""
    if name in COLUMN_ZH:
        return COLUMN_ZH[name]
    applicants = {m.code: _grouped(m, form.APPLICANT_GROUP_ZH) for m in form.APPLICANT_TYPES}
    if name in applicants:
        return applicants[name]
    return form.OUTCOMES_BY_CODE[name].label_zh if name in form.OUTCOMES_BY_CODE else name


def table_title(table: str) -> str:
    """What a table holds, in Chinese (the contents sheet of the workbook, the manifest)."""
    for prefix, state in (("fact_", "（已入库）"), ("quarantine_", "（已隔离：未通过检查或无法读取）")):
        if table.startswith(prefix):
            return form.TABLE_LABELS_ZH[table.removeprefix(prefix)] + state
    return _TITLES_ZH.get(table, table)


# --- the labelled query (CSV, XLSX) ------------------------------------------------------------


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    return [(name, kind) for name, kind, *_ in con.execute(f"DESCRIBE {_q(table)}").fetchall()]


def _exact_text(expr: str) -> str:
    """A DECIMAL's exact digits without the stored scale's trailing zeros (10027.0000000000 →
    10027); zeros before the point are digits (a scale-0 DECIMAL 100 stays 100)."""
    text = f"CAST({expr} AS VARCHAR)"
    return f"CASE WHEN contains({text}, '.') THEN rtrim(rtrim({text}, '0'), '.') ELSE {text} END"


def _tables_list(expr: str) -> str:
    """A list of table codes as their Chinese titles, one text: '二、主动公开…；三、收到和处理…'."""
    cases = " ".join(f"WHEN {_lit(t)} THEN {_lit(form.TABLE_LABELS_ZH[t])}" for t in form.TABLES)
    return f"array_to_string(list_transform({expr}, lambda v: CASE v {cases} ELSE v END), '；')"


# Rows in the order a person reads them: by file, then the form's order (its rows, then its
# columns: row-major, as printed); lower sorts first, other columns after.
_ORDER_PRIORITY = {"source_file": 0, "report_id": 1, "sort_order": 2, "outcome": 3, "item": 3, "proceeding": 3}
_ORDER_PRIORITY |= dict.fromkeys(("applicant_type", "measure", "result"), 4)


@dataclass
class _Query:
    """The parts of one labelled SELECT, gathered column by column."""

    select: list[str]
    joins: list[str]
    order: list[tuple[int, str]]

    def sql(self, table: str) -> str:
        order = [expr for _, expr in sorted(self.order, key=lambda pair: pair[0])]
        return f"SELECT {', '.join(self.select)} FROM {_q(table)} t {' '.join(self.joins)} ORDER BY {', '.join(order)}"


def labelled_query(con: duckdb.DuckDBPyConnection, table: str, numbers_as_text: bool) -> str:
    """SELECT of ``table`` for people: Chinese headers, a label beside each code, lists as text,
    timestamps as ISO text; DECIMALs as exact text (CSV) or kept as DECIMAL (XLSX decides per
    value). Rows in the form's order within a report. Reads the ``_labels`` relation."""
    columns = _columns(con, table)
    names = {name for name, _ in columns}
    query = _Query([], [], [])
    for name, kind in columns:
        col = f"t.{_q(name)}"
        header = column_header(name)
        keys = [col]  # what this column sorts by
        if name == "agency_id" and "agency" not in names and table != "dim_agency":
            query.joins.append("LEFT JOIN dim_agency _a ON _a.agency_id = t.agency_id")
            query.select += [f"_a.name AS {_q(COLUMN_ZH['agency'])}", f"{col} AS {_q(header)}"]
        elif name in LABELLED and (table.startswith("dim_") or f"{name}_zh" in names):
            query.select.append(f"{col} AS {_q(header + CODE_SUFFIX_ZH)}")  # its label is a column already
        elif name in LABELLED:
            _add_label(query, name, col, header)
            keys = [f"_l_{name}.sort_order", col]
        elif name == "expectation" and "suite" in names:
            query.joins.append(
                "LEFT JOIN _labels _l_rule ON _l_rule.dimension = 'rule' "
                "AND _l_rule.code = t.suite || '.' || t.expectation"
            )
            query.select += [f"{col} AS {_q(header)}", f"_l_rule.label AS {_q(RULE_HEADER_ZH)}"]
        else:
            query.select.append(f"{_value_expr(name, kind, col, numbers_as_text)} AS {_q(header)}")
        query.order += [(_ORDER_PRIORITY.get(name, 5), key) for key in keys]
    return query.sql(table)


def _add_label(query: _Query, name: str, col: str, header: str) -> None:
    """The label of a code (from ``_labels``), then the code itself."""
    alias = f"_l_{name}"
    on = f"{alias}.dimension = {_lit(name)} AND {alias}.code = {col}"
    if name == "item":  # named as the report's template prints it (one template per content)
        query.joins.append(
            "LEFT JOIN (SELECT report_id, any_value(template) AS template FROM reports GROUP BY report_id) _r "
            "ON _r.report_id = t.report_id"
        )
        on += f" AND {alias}.template = coalesce(_r.template, '2021')"
    query.joins.append(f"LEFT JOIN _labels {alias} ON {on}")
    query.select += [f"coalesce({alias}.label, {col}) AS {_q(header)}", f"{col} AS {_q(header + CODE_SUFFIX_ZH)}"]


def _value_expr(name: str, kind: str, col: str, numbers_as_text: bool) -> str:
    """How one plain column is shown to a person."""
    if name in ("tables_loaded", "tables_quarantined"):
        return _tables_list(col)
    if kind.endswith("[]"):
        return f"array_to_string({col}, ', ')"
    if kind.startswith("DECIMAL") and numbers_as_text:
        return _exact_text(col)
    if kind.startswith("TIMESTAMP"):
        return f"CAST({col} AS VARCHAR)"
    return col


def _register_labels(con: duckdb.DuckDBPyConnection) -> None:
    frame = pd.DataFrame(label_rows(), columns=["dimension", "template", "code", "label", "sort_order"])
    con.register("_labels", frame)


# --- writers ------------------------------------------------------------------------------------


def _sql_path(path: Path) -> str:
    return _lit(str(path))


def parquet_select(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """The table as stored, but a HUGEINT (a view's sum of counts) as DECIMAL(38, 0): Parquet has
    no 128-bit integer, and DuckDB would otherwise write it as a DOUBLE, which rounds."""
    columns = [
        f"CAST({_q(name)} AS DECIMAL(38, 0)) AS {_q(name)}" if kind in ("HUGEINT", "UHUGEINT") else _q(name)
        for name, kind in _columns(con, table)
    ]
    return f"SELECT {', '.join(columns)} FROM {_q(table)}"


def write_parquet(con: duckdb.DuckDBPyConnection, out: Path, counts: dict[str, int]) -> dict[str, str]:
    """Every table as stored; by year, Hive style, where it has a year column."""
    paths = {}
    for table, n in counts.items():
        select = parquet_select(con, table)
        if "year" in {name for name, _ in _columns(con, table)}:
            target = out / table
            if n:
                con.execute(f"COPY ({select}) TO {_sql_path(target)} (FORMAT PARQUET, PARTITION_BY (year))")
            else:  # an empty dataset: one empty file laid out like the others, so readers find the table
                empty = target / f"year={NULL_PARTITION}"
                empty.mkdir(parents=True)
                rows = f"SELECT * EXCLUDE (year) FROM ({select})"
                con.execute(f"COPY ({rows}) TO {_sql_path(empty / 'data_0.parquet')} (FORMAT PARQUET)")
            paths[table] = table
        else:
            con.execute(f"COPY ({select}) TO {_sql_path(out / f'{table}.parquet')} (FORMAT PARQUET)")
            paths[table] = f"{table}.parquet"
    return paths


def write_csv(con: duckdb.DuckDBPyConnection, out: Path, counts: dict[str, int]) -> dict[str, str]:
    """One UTF-8 CSV with a BOM per table, Chinese headers and labels."""
    _register_labels(con)
    paths = {}
    for table in counts:
        body = out / f".{table}.csv.body"
        con.execute(f"COPY ({labelled_query(con, table, numbers_as_text=True)}) TO {_sql_path(body)} (HEADER)")
        with (out / f"{table}.csv").open("wb") as target, body.open("rb") as source:
            target.write("\ufeff".encode())  # DuckDB writes no BOM; Excel needs it for Chinese
            shutil.copyfileobj(source, target, 1 << 20)
        body.unlink()
        paths[table] = f"{table}.csv"
    return paths


def xlsx_value(value: object) -> object:
    """A value as a spreadsheet cell holds it without loss: a number a double holds exactly as a
    number, any other number as its exact digits (text)."""
    if isinstance(value, Decimal):
        as_float = float(value)
        return as_float if Decimal(repr(as_float)) == value else _digits(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _DOUBLE_INT_MAX:
        return str(value)
    return value


def _digits(value: Decimal) -> str:
    """A Decimal's digits in plain notation, without trailing zeros of its scale."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _sheet_names(table: str, n_rows: int) -> list[str]:
    """The worksheet(s) of a table: its name, then name~2, name~3 … past a sheet's row limit
    (and within Excel's 31 characters)."""
    parts = max(1, -(-n_rows // (XLSX_MAX_ROWS - 1)))
    return [table[:31] if i == 1 else f"{table[: 31 - len(f'~{i}')]}~{i}" for i in range(1, parts + 1)]


def write_xlsx(con: duckdb.DuckDBPyConnection, out: Path, counts: dict[str, int]) -> dict[str, str]:
    """One workbook: a contents sheet (目录), then a sheet per table with Chinese headers."""
    _register_labels(con)
    workbook = Workbook(write_only=True)
    contents = workbook.create_sheet("目录")
    contents.append(["工作表", "表", "内容", "行数"])
    for table in counts:
        contents.append([", ".join(_sheet_names(table, counts[table])), table, table_title(table), counts[table]])
    for table in counts:
        cursor = con.execute(labelled_query(con, table, numbers_as_text=False))
        headers = [d[0] for d in cursor.description]
        rows = _rows(cursor)
        for name in _sheet_names(table, counts[table]):
            sheet = workbook.create_sheet(name)
            sheet.freeze_panes = "A2"
            sheet.append(headers)
            for row in islice(rows, XLSX_MAX_ROWS - 1):
                sheet.append([_cell(sheet, xlsx_value(v)) for v in row])
        assert next(rows, None) is None  # every row written; the result is finished
    workbook.save(out / WORKBOOK)
    return dict.fromkeys(counts, WORKBOOK)


def _rows(cursor: duckdb.DuckDBPyConnection) -> Iterator[tuple]:
    """The rows of a query, fetched in batches (a table never has to fit in memory at once)."""
    while batch := cursor.fetchmany(10_000):
        yield from batch


def _cell(sheet, value: object) -> object:
    """Text stays text: a string that begins with '=' is written as a string cell, never as a
    formula (a title from the open web must not run in a spreadsheet); the control characters
    XML cannot hold become U+FFFD. Other values go as they are (the cheap path: millions of cells)."""
    if not isinstance(value, str):
        return value
    if ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    if not value.startswith("="):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


WRITERS: dict[str, Callable[[duckdb.DuckDBPyConnection, Path, dict[str, int]], dict[str, str]]] = {
    "parquet": write_parquet,
    "csv": write_csv,
    "xlsx": write_xlsx,
}


# --- the export ---------------------------------------------------------------------------------


def _check_target(directory: Path) -> None:
    """Replace only an empty folder or an earlier export, never someone's other files."""
    if directory.exists() and not directory.is_dir():
        raise ExportError(f"{directory} is a file, not a folder")
    if directory.is_dir() and any(directory.iterdir()) and not (directory / MANIFEST).exists():
        raise ExportError(f"{directory} holds other files and is not an earlier export (no {MANIFEST}): choose another")


def export(warehouse_path: Path, directory: Path, fmt: str = "parquet") -> Export:
    """Write the analyst tables of the published warehouse into ``directory`` in ``fmt``."""
    if fmt not in WRITERS:
        raise ExportError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
    if not warehouse_path.exists():
        raise ExportError(f"no warehouse at {warehouse_path}: run `gongkai ingest` first")
    _check_target(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    tmp = directory.with_name(f".{directory.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        con = duckdb.connect(str(warehouse_path), read_only=True)
        try:
            present = {name for (name,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
            tables = [t for t in TABLES if t in present]
            rows = {t: con.execute(f"SELECT count(*) FROM {_q(t)}").fetchall()[0][0] for t in tables}
            paths = WRITERS[fmt](con, tmp, rows)
        finally:
            con.close()
        _write_manifest(tmp, warehouse_path, fmt, rows, paths)
        _swap_in(tmp, directory)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Export(directory, fmt, rows, paths)


def _write_manifest(out: Path, warehouse_path: Path, fmt: str, rows: dict[str, int], paths: dict[str, str]) -> None:
    """manifest.json: what each file holds, so a reader (and the next export) knows the folder."""
    manifest = {
        "format": fmt,
        "warehouse": str(warehouse_path.resolve()),
        "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "tables": {
            t: {
                "path": paths[t],
                "rows": rows[t],
                "title_zh": table_title(t),
                "partitioned_by": "year" if fmt == "parquet" and not paths[t].endswith(".parquet") else None,
            }
            for t in rows
        },
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _swap_in(tmp: Path, directory: Path) -> None:
    """Replace ``directory`` by the finished export in two renames (never half an export)."""
    old = directory.with_name(f".{directory.name}.old-{os.getpid()}")
    if directory.exists():
        os.replace(directory, old)
    os.replace(tmp, directory)
    shutil.rmtree(old, ignore_errors=True)
