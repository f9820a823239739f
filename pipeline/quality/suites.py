"""The Great Expectations suites, generated from the form definition.

Each suite validates one *frame* (see ``pipeline.quality.frames``). An equation of the form
becomes ``expect_column_pair_values_to_be_equal`` whose two columns are written as the sums
they stand for ("new_received + carried_over"), so the JSON in ``expectations/`` reads as the
statutory arithmetic itself; the validator computes those columns from the frame with
``DataFrame.eval`` of exactly that text. ``severity`` is GX's own field: 'critical' blocks
the table, 'warning' is only recorded. Every expectation's ``meta`` says in plain words, in
Chinese and English (``explain_zh``, ``explain_en``), what its failure means: the dashboard
shows exactly these words, so the page a person reads and the gate's verdict have one source.

``gongkai suites`` rewrites expectations/ from this module; tests/test_suites.py fails when
the committed files and the form disagree.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline import form

SUITES_DIR = Path(__file__).resolve().parents[2] / "expectations"

# frame -> columns identifying a row, reported for every failing row
FRAME_INDEX = {
    "applications_by_applicant": ["report_id", "applicant_type"],
    "applications_by_outcome": ["report_id", "outcome"],
    "review_litigation_by_proceeding": ["report_id", "proceeding"],
    "cells": ["report_id", "table_name", "row_code", "col_code"],
    "narrative": ["report_id", "claim"],
    "plausibility": ["report_id"],
    "completeness": ["report_id"],
    "identity": ["report_id"],
    "totals": ["report_id", "table_name", "rule", "member"],
    "reading": ["report_id", "table_name", "note_no"],
}
# The narrative claims' subjects, in English, for the plain-word explanations.
_CLAIMS_EN = {"applications_received": "applications", "reviews": "administrative reviews", "lawsuits": "lawsuits"}
# A development zone's administrative fees above this many 万元 a year are worth a look
# (seed 000 prints 10027 万元, i.e. 100 million yuan; its peers print 0 to a few hundred).
DEV_ZONE_FEE_MAX_WAN = 1000
# New applications this year vs the agency's earlier loaded years: (new + 5) / (mean + 5)
# outside [1/10, 10] is an order-of-magnitude jump (the +5 keeps tiny counts quiet).
HISTORY_RATIO_RANGE = (0.1, 10.0)


# What a failing equation means, in plain words (Chinese, English). Every equation of the form
# needs an entry: building the suites fails on one without (no check is shown unexplained).
EQUATION_PLAIN = {
    "column_balance": (
        "新收 + 上年结转 ≠ 办理结果总计 + 结转下年",
        "applications in ≠ applications out: new + carried over ≠ handled + carried forward",
    ),
    "outcome_total": ("办理结果各项之和 ≠ （七）总计", "the handling results do not add up to their total"),
    "outcome_total_other_handling_one_row": (
        "办理结果各项之和 ≠ （七）总计（（六）其他处理印为一行）",
        "the handling results do not add up to their total ((六) other handling printed as one row)",
    ),
    "subtotal_withheld": ("（三）不予公开小计 ≠ 1-8 项之和", "the subtotal (三) withheld ≠ the sum of its items 1-8"),
    "subtotal_unable_to_provide": (
        "（四）无法提供小计 ≠ 1-3 项之和",
        "the subtotal (四) unable to provide ≠ the sum of its items 1-3",
    ),
    "subtotal_not_processed": (
        "（五）不予处理小计 ≠ 1-5 项之和",
        "the subtotal (五) not processed ≠ the sum of its items 1-5",
    ),
    "subtotal_other_handling": (
        "（六）其他处理小计 ≠ 1-3 项之和",
        "the subtotal (六) other handling ≠ the sum of its items 1-3",
    ),
    "applicant_total": ("各类申请人之和 ≠ 总计", "the applicant columns do not add up to the total"),
    "review_litigation_total": ("复议/诉讼各结果之和 ≠ 总计", "review or litigation results do not add up"),
}


def _plain(plain: tuple[str, str]) -> dict[str, str]:
    """The ``meta`` keys holding what a failure means, in Chinese and English."""
    zh, en = plain
    return {"explain_zh": zh, "explain_en": en}


def not_printed_column(eq: form.Equation) -> str:
    """The frame column counting, per frame row, the terms of ``eq`` that are totals the agency
    did not print (``pipeline.quality.frames``); ``eq`` is evaluated only where it is 0."""
    return f"not_printed_{eq.name}"


def _equation(eq: form.Equation) -> dict[str, Any]:
    """The expectation of an equation, evaluated on the rows where it applies: the report's
    layout matches ``eq.when`` and none of its terms is a total not printed."""
    condition = [f"{flag}=={value}" for flag, value in eq.when] + [f"{not_printed_column(eq)}==0"]
    return {
        "type": "expect_column_pair_values_to_be_equal",
        "kwargs": {
            "column_A": " + ".join(eq.lhs),
            "column_B": " + ".join(eq.rhs),
            "row_condition": " and ".join(condition),
            "condition_parser": "pandas",
        },
        "meta": {
            "rule": eq.name,
            "table": eq.table,
            "equation_zh": eq.description_zh,
            **_plain(EQUATION_PLAIN[eq.name]),
        },
        "severity": "critical" if eq.blocking else "warning",
    }


def _cell_rule(
    rule: str,
    kind: str,
    expectation: str,
    kwargs: dict[str, Any],
    note: str,
    plain: tuple[str, str],
    severity: str,
) -> dict[str, Any]:
    kinds = " or ".join(f'kind=="{k}"' for k in kind.split("|"))
    return {
        "type": expectation,
        "kwargs": {**kwargs, "row_condition": kinds, "condition_parser": "pandas"},
        "meta": {"rule": rule, "table": "*", "note_zh": note, **_plain(plain)},
        "severity": severity,
    }


def build_suites() -> dict[str, dict[str, Any]]:
    """Suite name -> GX suite JSON, derived from ``pipeline.form``."""
    suites: dict[str, dict[str, Any]] = {}
    for eq in form.EQUATIONS:
        name = eq.frame if eq.template is None else f"{eq.frame}_{eq.template}"
        suite = suites.setdefault(
            name,
            {
                "name": name,
                "meta": {"frame": eq.frame, "template": eq.template, "table": eq.table, "index": FRAME_INDEX[eq.frame]},
                "expectations": [],
            },
        )
        suite["expectations"].append(_equation(eq))
    decimals = form.AMOUNT_MAX_DECIMALS
    suites["cells"] = {
        "name": "cells",
        "meta": {"frame": "cells", "template": None, "table": "*", "index": FRAME_INDEX["cells"]},
        "expectations": [
            _cell_rule(
                "non_negative_count",
                "count",
                "expect_column_values_to_be_between",
                {"column": "number", "min_value": 0},
                "件数不得为负",
                ("件数为负", "a count is negative"),
                "critical",
            ),
            _cell_rule(
                "integer_count",
                "count|signed_count",
                "expect_column_values_to_match_regex",
                {"column": "number_text", "regex": r"^-?[0-9]+(\.0+)?$"},
                "件数须为整数",
                ("件数不是整数", "a count is not a whole number"),
                "critical",
            ),
            _cell_rule(
                "non_negative_amount",
                "amount",
                "expect_column_values_to_be_between",
                {"column": "number", "min_value": 0},
                "金额不得为负",
                ("金额为负", "an amount is negative"),
                "critical",
            ),
            _cell_rule(
                "amount_decimals",
                "amount",
                "expect_column_values_to_match_regex",
                {"column": "number_text", "regex": rf"^-?[0-9]+(\.[0-9]{{1,{decimals}}})?$"},
                f"万元金额最多保留{decimals}位小数",
                (f"万元金额超过{decimals}位小数", f"an amount in 万元 has more than {decimals} decimals"),
                "warning",
            ),
        ],
    }
    suites.update(_beyond_one_table())
    return suites


def _warning(
    rule: str, expectation: str, kwargs: dict[str, Any], table: str | None, note: str, plain: tuple[str, str]
) -> dict[str, Any]:
    """A non-blocking expectation: recorded in dq_results, never quarantines anything."""
    return {
        "type": expectation,
        "kwargs": kwargs,
        "meta": {"rule": rule, "table": table, "note_zh": note, **_plain(plain)},
        "severity": "warning",
    }


def _suite(name: str, expectations: list[dict[str, Any]]) -> dict[str, Any]:
    meta = {"frame": name, "template": None, "table": "*", "index": FRAME_INDEX[name]}
    return {"name": name, "meta": meta, "expectations": expectations}


def _beyond_one_table() -> dict[str, dict[str, Any]]:
    """Warnings that compare a table with something outside it: the narrative, the agency's
    kind and history, the other tables of the report."""
    from pipeline.parse.narrative import CLAIM_LABELS_ZH, CLAIMS

    pandas = {"condition_parser": "pandas"}
    narrative = [
        _warning(
            f"narrative_{claim}",
            "expect_column_pair_values_to_be_equal",
            {"column_A": "narrative_value", "column_B": "table_value", "row_condition": f'claim=="{claim}"', **pandas},
            "applications" if claim == "applications_received" else "review_litigation",
            f"正文所述{label}件数与表格一致（{CLAIMS[claim]}）",
            (f"正文所述{label}件数与表格不符", f"the text states another number of {_CLAIMS_EN[claim]} than the table"),
        )
        for claim, label in CLAIM_LABELS_ZH.items()
    ]
    low, high = HISTORY_RATIO_RANGE
    plausibility = [
        _warning(
            "fee_development_zone",
            "expect_column_values_to_be_between",
            {
                "column": "fee_amount",
                "min_value": 0,
                "max_value": DEV_ZONE_FEE_MAX_WAN,
                "row_condition": 'agency_kind=="development_zone" and template=="2021" and fee_amount==fee_amount',
                **pandas,
            },
            "proactive_disclosure",
            f"开发区行政事业性收费一般不超过{DEV_ZONE_FEE_MAX_WAN}万元",
            ("开发区收费金额异常偏高", "implausibly high fees for a development zone"),
        ),
        _warning(
            "applications_vs_history",
            "expect_column_values_to_be_between",
            {
                "column": "history_ratio",
                "min_value": low,
                "max_value": high,
                "row_condition": "history_ratio==history_ratio",
                **pandas,
            },
            "applications",
            "本年新收申请数与本机关往年相差不超过一个数量级",
            ("申请数与往年相差一个数量级", "applications far from the agency's history"),
        ),
    ]
    completeness = [
        _warning(
            f"table_present_{table}",
            "expect_column_values_to_be_in_set",
            {"column": f"{table}_present", "value_set": [True]},
            table,
            f"报告应包含{form.TABLE_LABELS_ZH[table]}",
            (f"缺少表{form.TABLE_LABELS_ZH[table][:1]}", f"table {form.TABLE_LABELS_ZH[table][:1]} is missing"),
        )
        for table in form.TABLES
    ]
    totals = [
        _warning(
            "total_not_printed",
            "expect_column_values_to_be_in_set",
            {"column": "parts_sum", "value_set": [0], "row_condition": "total_printed==False", **pandas},
            "*",
            "总计空白或为占位符时，其各项之和应为0；否则为未填报的总计：保持为空，不计算相应勾稽关系",
            (
                "总计未填报（空白而各项之和不为0），相应勾稽关系未计算",
                "a total was not printed (blank while its parts are not 0): its equations were not evaluated",
            ),
        )
    ]
    reading = [
        _warning(
            "reader_note",
            "expect_column_values_to_be_null",
            {"column": "note"},
            "*",
            "读取表格时的提示（如未作为单元格读取的零散数字），不阻断入库",
            ("读取表格时有提示，请核对", "the reader noted something about the table: please check it"),
        )
    ]
    identity = [
        _warning(
            "agency_name_complete",
            "expect_column_values_to_be_null",
            {"column": "agency_note"},
            None,
            "机关名称应为含地名的完整正式名称；文中无法确定地名时按所印名称入库，不作猜测",
            ("机关名称缺地名，按所印名称入库", "the agency name as printed lacks its place"),
        )
    ]
    return {
        "identity": _suite("identity", identity),
        "narrative": _suite("narrative", narrative),
        "plausibility": _suite("plausibility", plausibility),
        "completeness": _suite("completeness", completeness),
        "totals": _suite("totals", totals),
        "reading": _suite("reading", reading),
    }


def write_suites(directory: Path = SUITES_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, suite in build_suites().items():
        path = directory / f"{name}.json"
        path.write_text(json.dumps(suite, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def load_suites(directory: Path = SUITES_DIR) -> dict[str, dict[str, Any]]:
    """The committed suites, as JSON. Raises when the folder holds none (never validate
    against nothing)."""
    suites = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(directory.glob("*.json"))}
    if not suites:
        raise RuntimeError(f"no expectation suites in {directory}")
    return suites
