"""A random valid report: every statutory cell as printed text and as the number it means.

The arithmetic is written here from ../shared/FORM.md, not imported from ``pipeline.form``'s
equations, so the generator is an independent statement of the form: numbers are drawn
bottom-up (leaf rows per applicant column, then totals) and satisfy every blocking rule.
Only member codes and printed labels come from ``pipeline.form``.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from pipeline import form

APPLICANTS = tuple(m.code for m in form.APPLICANT_TYPES if not m.is_total)  # the six parts of 总计
RESULT_PARTS = ("upheld", "corrected", "other", "pending")
PROCEEDINGS = ("administrative_review", "litigation_direct", "litigation_after_review")

# Rows of table 三 per template, as FORM.md prints them (group headings carry no numbers).
GROUPS = {
    "handled": None,
    "withheld": "handled",
    "unable_to_provide": "handled",
    "not_processed": "handled",
    "other_handling": "handled",
}
_LEAVES_2021 = (
    "granted",
    "partially_granted",
    "withheld_state_secret",
    "withheld_prohibited_by_law",
    "withheld_three_securities_one_stability",
    "withheld_third_party_rights",
    "withheld_internal_affairs",
    "withheld_process_information",
    "withheld_enforcement_files",
    "withheld_administrative_query",
    "unable_not_held",
    "unable_needs_creation",
    "unable_still_unclear",
    "not_processed_complaint",
    "not_processed_repeated",
    "not_processed_publication",
    "not_processed_excessive",
    "not_processed_confirmation",
    "other_no_correction",
    "other_fee_unpaid",
    "other_other",
)
OTHER_SUBROWS = ("other_no_correction", "other_fee_unpaid", "other_other")
# 2019 prints （六）其他处理 as one leaf row after （五）.
LEAVES = {"2021": _LEAVES_2021, "2019": (*tuple(c for c in _LEAVES_2021 if c not in OTHER_SUBROWS), "other_handling")}

PLACEHOLDERS = ("", "—", "-", "/", "无", "——")
UNITS_RE = re.compile(r"(件|条|个|项|次|人|元|万元)$")


def printed_number(raw: str) -> Decimal | None:
    """The number a printed cell means (None for a blank or placeholder), stated here
    independently of the project's reader: NFKC, thousands separators, a trailing unit."""
    text = unicodedata.normalize("NFKC", raw).strip().replace(" ", "")
    text = UNITS_RE.sub("", text).replace(",", "")
    if re.fullmatch(r"[+-]?\d+(\.\d+)?", text):
        return Decimal(text)
    return None


@dataclass(frozen=True)
class Printed:
    """One cell: the text printed and the number it means."""

    raw: str
    number: Decimal | None


@dataclass
class Report:
    template: str  # '2021' or '2019'
    year: int
    agency: str
    # table -> {(row, col): Printed}; insertion order is printed order
    tables: dict[str, dict[tuple[str, str], Printed]] = field(default_factory=dict)
    # 2021 report whose table 三 prints （六）其他处理 as one row (2019 style)
    other_as_one_row: bool = False

    @property
    def title(self) -> str:
        return f"{self.agency}{self.year}年政府信息公开工作年度报告"

    def outcome_rows(self) -> tuple[str, ...]:
        """Value rows of table 三 in printed order."""
        leaves = LEAVES["2019" if self.template == "2019" or self.other_as_one_row else "2021"]
        return ("new_received", "carried_over", *leaves, "handled_total", "carried_forward")

    def proactive_blocks(self) -> tuple[form.ProactiveBlock, ...]:
        return form.PROACTIVE_2021 if self.template == "2021" else form.PROACTIVE_2019


COUNTIES = (
    "汤阴县",
    "林州市",
    "滑县",
    "内黄县",
    "安阳县",
    "淇县",
    "浚县",
    "南乐县",
    "清丰县",
    "范县",
    "台前县",
    "濮阳县",
    "长垣市",
    "封丘县",
    "原阳县",
    "延津县",
    "获嘉县",
    "辉县市",
    "卫辉市",
    "修武县",
    "博爱县",
    "武陟县",
    "温县",
    "孟州市",
    "沁阳市",
    "济源市",
    "宜阳县",
    "嵩县",
    "栾川县",
    "汝阳县",
    "伊川县",
    "新安县",
)
BODIES = (
    "人民政府",
    "教育局",
    "民政局",
    "财政局",
    "自然资源局",
    "生态环境分局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "卫生健康委员会",
    "市场监督管理局",
    "应急管理局",
    "城市管理局",
)


@dataclass
class Style:
    """How numbers are printed: placeholder choices and their density."""

    zero_as: tuple[str, ...] = ("0",)  # what a zero is printed as (one drawn per cell)
    empty_review: bool = False  # the whole review table printed with placeholders (no cases)
    empty_rows: float = 0.0  # share of all-zero application rows printed as placeholders only
    plus_sign: bool = False  # 2019 本年增/减 printed with '+' when positive
    amount_unit: bool = False  # 政府集中采购 amounts printed with 元


def _small(rng: random.Random, zero_share: float, scale: int) -> int:
    if rng.random() < zero_share:
        return 0
    return rng.choice((rng.randint(1, 9), rng.randint(1, scale), rng.randint(1, 3)))


def _zero(rng: random.Random, style: Style) -> str:
    return rng.choice(style.zero_as)


def _count(rng: random.Random, n: int, style: Style) -> Printed:
    if n == 0:
        raw = _zero(rng, style)
        return Printed(raw, printed_number(raw))
    return Printed(str(n), Decimal(n))


def random_report(rng: random.Random, template: str, style: Style | None = None, agency: str | None = None) -> Report:
    """A report whose numbers satisfy every blocking rule of FORM.md."""
    style = style or Style()
    year = rng.choice((2019, 2020)) if template == "2019" else rng.choice((2021, 2022, 2023, 2024))
    agency = agency or rng.choice(COUNTIES) + rng.choice(BODIES)
    report = Report(template, year, agency)
    report.tables["proactive_disclosure"] = _proactive(rng, template, style)
    report.tables["applications"] = _applications(rng, report, style)
    report.tables["review_litigation"] = _review(rng, style)
    return report


def _amount(rng: random.Random, decimals: int) -> str:
    if rng.random() < 0.15:
        return "0"
    whole = rng.choice((rng.randint(0, 9), rng.randint(10, 9999), rng.randint(10000, 999999)))
    if decimals == 0:
        return str(whole)
    return f"{whole}.{rng.randint(0, 10**decimals - 1):0{decimals}d}"


def _proactive(rng: random.Random, template: str, style: Style) -> dict[tuple[str, str], Printed]:
    cells: dict[tuple[str, str], Printed] = {}
    blocks = form.PROACTIVE_2021 if template == "2021" else form.PROACTIVE_2019
    for block in blocks:
        for item in block.items:
            for measure in block.measures:
                if measure == "fee_amount":  # 万元, up to 6 decimals
                    raw = _amount(rng, rng.choice((0, 1, 2, 4, 4, 6)))
                    cells[(item.code, measure)] = Printed(raw, Decimal(raw))
                elif measure == "procurement_amount":  # 元, often with its unit
                    raw = _amount(rng, rng.choice((0, 0, 2)))
                    number = Decimal(raw)
                    if style.amount_unit and number:
                        raw += "元"
                    cells[(item.code, measure)] = Printed(raw, number)
                elif measure == "items_change":  # signed
                    n = rng.choice((0, rng.randint(-30, 30), rng.randint(1, 200)))
                    raw = f"+{n}" if n > 0 and style.plus_sign else str(n)
                    cells[(item.code, measure)] = _count(rng, 0, style) if n == 0 else Printed(raw, Decimal(n))
                else:
                    cells[(item.code, measure)] = _count(rng, _small(rng, 0.3, 5000), style)
    return cells


def _applications(rng: random.Random, report: Report, style: Style) -> dict[tuple[str, str], Printed]:
    leaves = LEAVES["2019" if report.template == "2019" else "2021"]
    busy = rng.random() < 0.9  # an agency that received applications at all
    values: dict[str, dict[str, int]] = {}
    for col in APPLICANTS:
        share = 0.35 if col == "natural_person" else 0.8
        col_busy = busy and rng.random() > (0.0 if col == "natural_person" else 0.4)
        v = {leaf: (_small(rng, 0.6, 300) if col_busy and rng.random() > share * 0.7 else 0) for leaf in leaves}
        handled = sum(v.values())
        v["handled_total"] = handled
        v["carried_forward"] = rng.choice((0, 0, rng.randint(0, 20)))
        v["carried_over"] = rng.randint(0, handled + v["carried_forward"]) if rng.random() < 0.4 else 0
        v["new_received"] = handled + v["carried_forward"] - v["carried_over"]
        values[col] = v
    if report.template == "2021" and report.other_as_one_row:
        for v in values.values():
            v["other_handling"] = sum(v.pop(c) for c in OTHER_SUBROWS)
    cells: dict[tuple[str, str], Printed] = {}
    for row in report.outcome_rows():
        row_values = [values[c][row] for c in APPLICANTS]
        all_zero = not any(row_values)
        as_placeholder = all_zero and rng.random() < style.empty_rows
        placeholder = rng.choice((*style.zero_as, "—", "/")) if as_placeholder else None
        for col, n in zip((*APPLICANTS, "total"), (*row_values, sum(row_values)), strict=True):
            if placeholder is not None:
                cells[(row, col)] = Printed(placeholder, printed_number(placeholder))
            else:
                cells[(row, col)] = _count(rng, n, style)
    return cells


def _review(rng: random.Random, style: Style) -> dict[tuple[str, str], Printed]:
    cells: dict[tuple[str, str], Printed] = {}
    placeholder = rng.choice(("", "—", "-", "/", "无")) if style.empty_review else None
    for proceeding in PROCEEDINGS:
        parts = [_small(rng, 0.6, 40) if rng.random() < 0.6 else 0 for _ in RESULT_PARTS]
        for result, n in zip((*RESULT_PARTS, "total"), (*parts, sum(parts)), strict=True):
            if placeholder is not None:
                cells[(proceeding, result)] = Printed(placeholder, None)
            else:
                cells[(proceeding, result)] = _count(rng, n, style)
    return cells


# --- injected arithmetic defects ------------------------------------------------------------

DEFECTS = ("column_balance", "outcome_total", "applicant_total", "review_total", "negative_count")


def inject_defect(report: Report, rule: str, rng: random.Random) -> str:
    """Change printed numbers so that ``rule`` breaks (and no reader could repair it without
    guessing); returns the table that must be quarantined."""
    app = report.tables["applications"]
    col = rng.choice(APPLICANTS)

    def bump(table: dict, key: tuple[str, str], delta: int) -> None:
        old = table[key].number or Decimal(0)
        new = old + delta
        table[key] = Printed(str(new), new)

    if rule == "column_balance":  # 一 changes together with its row total: rule 1 breaks only
        bump(app, ("new_received", col), 1)
        bump(app, ("new_received", "total"), 1)
        return "applications"
    if rule == "outcome_total":  # a leaf and its row total change, (七) does not: rule 2 breaks
        leaf = rng.choice(LEAVES["2019" if report.template == "2019" else "2021"][:2])
        bump(app, (leaf, col), 1)
        bump(app, (leaf, "total"), 1)
        return "applications"
    if rule == "applicant_total":  # a row total off by one: rule 3 breaks (and the 总计 column's sums)
        bump(app, ("granted", "total"), 1)
        return "applications"
    if rule == "review_total":
        bump(report.tables["review_litigation"], ("administrative_review", "total"), 1)
        return "review_litigation"
    if rule == "negative_count":
        key = ("regulation", "issued" if report.template == "2021" else "made")
        report.tables["proactive_disclosure"][key] = Printed("-3", Decimal(-3))
        return "proactive_disclosure"
    raise ValueError(rule)
