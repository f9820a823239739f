"""The statutory form and its blocking arithmetic, typed by hand from ../shared/FORM.md.

Deliberately *not* derived from ``pipeline.form``: the gate tests (tests/test_gate_rules.py)
compare what the pipeline does with this second statement, so a rule dropped or changed in
``pipeline/form.py`` (and in the suites generated from it) is caught instead of being
compared with itself. Everything is keyed by the official Chinese labels as FORM.md prints
them; the only pipeline vocabulary here is the warehouse contract (table names) and the rule
names the pipeline records in ``dq_results.expectation`` (``RULES``).

A report is a ``Tables`` value: table label -> {(row label, column label): printed text}.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

APPS = "三、收到和处理政府信息公开申请情况"
PROACTIVE = "二、主动公开政府信息情况"
REVIEW = "四、政府信息公开行政复议、行政诉讼情况"
TABLE_NAMES = {PROACTIVE: "proactive_disclosure", APPS: "applications", REVIEW: "review_litigation"}

# --- Table 三 -----------------------------------------------------------------------------

PARTS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")  # the six applicant columns
TOTAL = "总计"
COLUMNS = (*PARTS, TOTAL)

NEW = "一、本年新收政府信息公开申请数量"
CARRIED_OVER = "二、上年结转政府信息公开申请数量"
HANDLED_TOTAL = "（七）总计"
CARRIED_FORWARD = "四、结转下年度继续办理"
OTHER_HANDLING = "（六）其他处理"

# Leaf outcomes under 三、本年度办理结果, with the heading each is printed under (None: none).
_LEAVES_BEFORE_SIX: tuple[tuple[str | None, str], ...] = (
    (None, "（一）予以公开"),
    (None, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("（三）不予公开", "1.属于国家秘密"),
    ("（三）不予公开", "2.其他法律行政法规禁止公开"),
    ("（三）不予公开", "3.危及“三安全一稳定”"),
    ("（三）不予公开", "4.保护第三方合法权益"),
    ("（三）不予公开", "5.属于三类内部事务信息"),
    ("（三）不予公开", "6.属于四类过程性信息"),
    ("（三）不予公开", "7.属于行政执法案卷"),
    ("（三）不予公开", "8.属于行政查询事项"),
    ("（四）无法提供", "1.本机关不掌握相关政府信息"),
    ("（四）无法提供", "2.没有现成信息需要另行制作"),
    ("（四）无法提供", "3.补正后申请内容仍不明确"),
    ("（五）不予处理", "1.信访举报投诉类申请"),
    ("（五）不予处理", "2.重复申请"),
    ("（五）不予处理", "3.要求提供公开出版物"),
    ("（五）不予处理", "4.无正当理由大量反复申请"),
    ("（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"),
)
_SIX_2021: tuple[tuple[str | None, str], ...] = (
    (OTHER_HANDLING, "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    (OTHER_HANDLING, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    (OTHER_HANDLING, "3.其他"),
)
_SIX_ONE_ROW: tuple[tuple[str | None, str], ...] = ((None, OTHER_HANDLING),)

# Layouts of table 三: the two templates, and a 2021 table printing （六） as one 2019-style row.
LAYOUTS = ("2019", "2021", "2021-six-as-one-row")
TEMPLATE_OF = {"2019": "2019", "2021": "2021", "2021-six-as-one-row": "2021"}
_LEAVES: dict[str, tuple[tuple[str | None, str], ...]] = {
    "2019": _LEAVES_BEFORE_SIX + _SIX_ONE_ROW,
    "2021": _LEAVES_BEFORE_SIX + _SIX_2021,
    "2021-six-as-one-row": _LEAVES_BEFORE_SIX + _SIX_ONE_ROW,
}


def leaves(layout: str) -> tuple[str, ...]:
    """The rows summed into （七）总计: 21 in 2021 (（六） as three sub-rows), 19 in 2019."""
    return tuple(label for _, label in _LEAVES[layout])


def headed_leaves(layout: str) -> tuple[tuple[str | None, str], ...]:
    return _LEAVES[layout]


def subtotals(layout: str) -> dict[str, tuple[str, ...]]:
    """Heading -> its sub-rows: the local templates' subtotal rows (FORM.md: a heading printed
    with numbers above its sub-rows) must equal the sum of those sub-rows, column by column."""
    out: dict[str, list[str]] = {}
    for head, leaf in _LEAVES[layout]:
        if head is not None:
            out.setdefault(head, []).append(leaf)
    return {head: tuple(subs) for head, subs in out.items()}


def outcome_rows(layout: str) -> tuple[str, ...]:
    """The value rows of table 三 in printed order: 25 in 2021, 23 in 2019."""
    return (NEW, CARRIED_OVER, *leaves(layout), HANDLED_TOTAL, CARRIED_FORWARD)


# --- Table 二 -----------------------------------------------------------------------------

COUNT, SIGNED, AMOUNT = "count", "signed_count", "amount"


@dataclass(frozen=True)
class Block:
    """One 第二十条第（X）项 block: its rows and its (column, kind) pairs."""

    article: str
    items: tuple[str, ...]
    measures: tuple[tuple[str, str], ...]


PROACTIVE_BLOCKS = {
    "2021": (
        Block(
            "一",
            ("规章", "行政规范性文件"),
            (("本年制发件数", COUNT), ("本年废止件数", COUNT), ("现行有效件数", COUNT)),
        ),
        Block("五", ("行政许可",), (("本年处理决定数量", COUNT),)),
        Block("六", ("行政处罚", "行政强制"), (("本年处理决定数量", COUNT),)),
        Block("八", ("行政事业性收费",), (("本年收费金额（单位：万元）", AMOUNT),)),
    ),
    "2019": (
        Block(
            "一",
            ("规章", "规范性文件"),
            (("本年新制作数量", COUNT), ("本年新公开数量", COUNT), ("对外公开总数量", COUNT)),
        ),
        Block(
            "五",
            ("行政许可", "其他对外管理服务事项"),
            (("上一年项目数量", COUNT), ("本年增/减", SIGNED), ("处理决定数量", COUNT)),
        ),
        Block(
            "六", ("行政处罚", "行政强制"), (("上一年项目数量", COUNT), ("本年增/减", SIGNED), ("处理决定数量", COUNT))
        ),
        Block("八", ("行政事业性收费",), (("上一年项目数量", COUNT), ("本年增/减", SIGNED))),
        Block("九", ("政府集中采购",), (("采购项目数量", COUNT), ("采购总金额", AMOUNT))),
    ),
}


def proactive_cells(template: str) -> tuple[tuple[str, str, str], ...]:
    """(item, measure, kind) of every cell of table 二, in printed order."""
    return tuple((i, m, k) for b in PROACTIVE_BLOCKS[template] for i in b.items for m, k in b.measures)


# --- Table 四 -----------------------------------------------------------------------------

PROCEEDINGS = ("行政复议", "未经复议直接起诉", "复议后起诉")
RESULT_PARTS = ("结果维持", "结果纠正", "其他结果", "尚未审结")
RESULTS = (*RESULT_PARTS, TOTAL)

# --- Arithmetic ---------------------------------------------------------------------------

# FORM.md rule -> the name the pipeline records in dq_results.expectation
RULES = {
    "column_balance": "column_balance",  # rule 1
    "outcome_total": "outcome_total",  # rule 2, （六） as printed by the template
    # rule 2, a 2021 table printing （六） as one row
    "outcome_total_six_as_one_row": "outcome_total_other_handling_one_row",
    "row_total": "applicant_total",  # rule 3
    "review_total": "review_litigation_total",  # rule 4
    "non_negative_count": "non_negative_count",  # rule 5
    "non_negative_amount": "non_negative_amount",  # rule 5
}

# How each rule reads (FORM.md, "Arithmetic"): what a reason quotes, at its start
WORDING = {
    "column_balance": "一 + 二 = 三（七）总计 + 四",
    "outcome_total": "（七）总计 = （一）+（二）+",
    "outcome_total_six_as_one_row": "（七）总计 = （一）+（二）+",
    "row_total": "总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他",
    "review_total": "总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
}

# the subtotal rule's name in dq_results, per heading
SUBTOTAL_RULES = {
    "（三）不予公开": "subtotal_withheld",
    "（四）无法提供": "subtotal_unable_to_provide",
    "（五）不予处理": "subtotal_not_processed",
    "（六）其他处理": "subtotal_other_handling",
}

Cells = dict[tuple[str, str], str]
Tables = dict[str, Cells]


@dataclass(frozen=True)
class Instance:
    """One equation of one row or column: sum(lhs cells) == sum(rhs cells).

    ``member`` is the row or column the equation is about (what a reason must name);
    ``lhs``/``rhs`` are (row, column) cells of ``table``."""

    rule: str
    table: str
    member: str
    lhs: tuple[tuple[str, str], ...]
    rhs: tuple[tuple[str, str], ...]

    @property
    def key(self) -> tuple[str, str]:
        return (self.rule, self.member)


def instances(layout: str) -> tuple[Instance, ...]:
    """Every equation instance of FORM.md's blocking rules 1-4 for a table 三 layout."""
    out: list[Instance] = []
    rule2 = "outcome_total_six_as_one_row" if layout == "2021-six-as-one-row" else "outcome_total"
    for c in COLUMNS:
        out.append(
            Instance(
                "column_balance", APPS, c, ((NEW, c), (CARRIED_OVER, c)), ((HANDLED_TOTAL, c), (CARRIED_FORWARD, c))
            )
        )
        out.append(Instance(rule2, APPS, c, ((HANDLED_TOTAL, c),), tuple((r, c) for r in leaves(layout))))
    for r in outcome_rows(layout):
        out.append(Instance("row_total", APPS, r, ((r, TOTAL),), tuple((r, p) for p in PARTS)))
    for p in PROCEEDINGS:
        out.append(Instance("review_total", REVIEW, p, ((p, TOTAL),), tuple((p, x) for x in RESULT_PARTS)))
    return tuple(out)


PLACEHOLDER = "—"  # FORM.md, "Cell values": a blank or placeholder holds no number and counts as 0


def number(printed: str) -> Decimal:
    """A printed cell's value in the arithmetic (digits and a sign, or a placeholder: 0)."""
    return Decimal(0) if printed.strip() in ("", PLACEHOLDER) else Decimal(printed)


def side(inst: Instance, cells: tuple[tuple[str, str], ...], tables: Tables) -> Decimal:
    return sum((number(tables[inst.table][cell]) for cell in cells), Decimal(0))


def not_printed(layout: str, tables: Tables) -> dict[tuple[str, str, str], Instance]:
    """Totals the agency did not print (FORM.md, "Cell values"): a total cell (the lhs of rules
    2-4) left as a placeholder while its parts do not sum to 0 -> the instance it totals."""
    return {
        (i.table, *i.lhs[0]): i
        for i in instances(layout)
        if i.rule != "column_balance"
        and tables[i.table][i.lhs[0]].strip() in ("", PLACEHOLDER)
        and side(i, i.rhs, tables) != 0
    }


def failing(layout: str, tables: Tables) -> set[tuple[str, str]]:
    """(rule, member) of every equation instance that does not hold; an instance with a total
    not printed among its cells is not evaluated."""
    skipped = set(not_printed(layout, tables))
    return {
        i.key
        for i in instances(layout)
        if not any((i.table, *cell) in skipped for cell in (*i.lhs, *i.rhs))
        and side(i, i.lhs, tables) != side(i, i.rhs, tables)
    }


def negative_cells(template: str, tables: Tables) -> set[tuple[str, str, str]]:
    """(table, row, column) of every negative number where FORM.md forbids one (all counts and
    amounts except 2019's signed 本年增/减)."""
    signed = {(i, m) for i, m, k in proactive_cells(template) if k == SIGNED}
    return {
        (table, r, c)
        for table, cells in tables.items()
        for (r, c), printed in cells.items()
        if number(printed) < 0 and not (table == PROACTIVE and (r, c) in signed)
    }


def kind_of(template: str, table: str, column: str) -> str:
    """Value kind of a cell: table 二 follows its column, tables 三 and 四 are counts."""
    if table != PROACTIVE:
        return COUNT
    return next(k for _, m, k in proactive_cells(template) if m == column)
