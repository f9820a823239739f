"""The statutory annual-report form (政府信息公开工作年度报告格式), defined once, as data.

Everything else derives from this module: the table recognizers in ``pipeline.parse``
match printed rows against ``keys``, the dimension tables are loaded from these tuples,
and the Great Expectations suites in ``expectations/`` are generated from ``EQUATIONS``
and ``MEASURE_KINDS`` (``tests/test_suites.py`` proves the committed JSON agrees).

Source: 国办公开办函〔2019〕60号 (template '2019', reports for 2019-2020) and
国办公开办函〔2021〕30号 (template '2021', reports for 2021 onward); see ../shared/FORM.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TABLES = ("proactive_disclosure", "applications", "review_litigation")
TABLE_LABELS_ZH = {
    "proactive_disclosure": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "review_litigation": "四、政府信息公开行政复议、行政诉讼情况",
}


@dataclass(frozen=True)
class Member:
    """One member of a dimension: a row or a column of a statutory table.

    ``keys`` are fragments of the official label that identify the printed row; a
    printed label matches when it contains one of them (after normalization). Whether a
    row carries numbers depends on the template: a row with sub-rows is a heading.
    """

    code: str
    label_zh: str
    label_en: str
    parent: str | None = None
    keys: tuple[str, ...] = ()
    is_total: bool = False


# --- Table 三: applicant columns (same in both templates) -------------------------------

APPLICANT_TYPES: tuple[Member, ...] = (
    Member("natural_person", "自然人", "Natural person"),
    Member("commercial_enterprise", "商业企业", "Commercial enterprise", "legal_person_or_other_org"),
    Member("research_institution", "科研机构", "Research institution", "legal_person_or_other_org"),
    Member("social_welfare_org", "社会公益组织", "Social welfare organization", "legal_person_or_other_org"),
    Member("legal_service_org", "法律服务机构", "Legal service organization", "legal_person_or_other_org"),
    Member("other_org", "其他", "Other organization", "legal_person_or_other_org"),
    Member("total", "总计", "Total", is_total=True),
)
APPLICANT_GROUP_ZH = {"legal_person_or_other_org": "法人或其他组织"}

# --- Table 三: outcome rows --------------------------------------------------------------
# The union of both templates; ``TEMPLATES`` below says which rows each template prints.

_OUTCOMES: tuple[Member, ...] = (
    Member(
        "new_received", "一、本年新收政府信息公开申请数量", "New applications received this year", keys=("本年新收",)
    ),
    Member("carried_over", "二、上年结转政府信息公开申请数量", "Carried over from last year", keys=("上年结转",)),
    Member("handled", "三、本年度办理结果", "Handling results this year"),
    Member("granted", "（一）予以公开", "Disclosed", "handled", ("予以公开",)),
    Member(
        "partially_granted",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "Partially disclosed",
        "handled",
        ("部分公开",),
    ),
    Member("withheld", "（三）不予公开", "Not disclosed", "handled"),
    Member("withheld_state_secret", "1.属于国家秘密", "State secret", "withheld", ("国家秘密",)),
    Member(
        "withheld_prohibited_by_law",
        "2.其他法律行政法规禁止公开",
        "Prohibited by other laws and regulations",
        "withheld",
        ("禁止公开",),
    ),
    Member(
        "withheld_three_securities_one_stability",
        "3.危及“三安全一稳定”",
        "Endangers the three securities and stability",
        "withheld",
        ("三安全一稳定", "三安全"),
    ),
    Member(
        "withheld_third_party_rights",
        "4.保护第三方合法权益",
        "Protects third-party rights",
        "withheld",
        ("第三方合法权益", "第三方"),
    ),
    Member(
        "withheld_internal_affairs", "5.属于三类内部事务信息", "Internal affairs information", "withheld", ("内部事务",)
    ),
    Member(
        "withheld_process_information",
        "6.属于四类过程性信息",
        "Process information",
        "withheld",
        ("过程性信息", "过程性"),
    ),
    Member(
        "withheld_enforcement_files",
        "7.属于行政执法案卷",
        "Administrative enforcement files",
        "withheld",
        ("行政执法案卷", "执法案卷"),
    ),
    Member(
        "withheld_administrative_query",
        "8.属于行政查询事项",
        "Administrative query matters",
        "withheld",
        ("行政查询事项", "行政查询"),
    ),
    Member("unable_to_provide", "（四）无法提供", "Unable to provide", "handled"),
    Member(
        "unable_not_held",
        "1.本机关不掌握相关政府信息",
        "Information not held by this agency",
        "unable_to_provide",
        ("不掌握",),
    ),
    Member(
        "unable_needs_creation",
        "2.没有现成信息需要另行制作",
        "No existing information; would need to be created",
        "unable_to_provide",
        ("另行制作",),
    ),
    Member(
        "unable_still_unclear",
        "3.补正后申请内容仍不明确",
        "Request still unclear after correction",
        "unable_to_provide",
        ("仍不明确",),
    ),
    Member("not_processed", "（五）不予处理", "Not processed", "handled"),
    Member(
        "not_processed_complaint",
        "1.信访举报投诉类申请",
        "Petition, report or complaint",
        "not_processed",
        ("信访举报投诉", "信访"),
    ),
    Member("not_processed_repeated", "2.重复申请", "Repeated application", "not_processed", ("重复申请",)),
    Member(
        "not_processed_publication",
        "3.要求提供公开出版物",
        "Request for published material",
        "not_processed",
        ("公开出版物",),
    ),
    Member(
        "not_processed_excessive",
        "4.无正当理由大量反复申请",
        "Large numbers of repeated applications without good reason",
        "not_processed",
        ("大量反复", "大量"),
    ),
    Member(
        "not_processed_confirmation",
        "5.要求行政机关确认或重新出具已获取信息",
        "Request to confirm or re-issue information already obtained",
        "not_processed",
        ("重新出具", "确认"),
    ),
    Member("other_handling", "（六）其他处理", "Other handling", "handled", ("其他处理",)),
    Member(
        "other_no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "Applicant did not supply corrections in time",
        "other_handling",
        ("逾期不补正", "不补正"),
    ),
    Member(
        "other_fee_unpaid",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "Applicant did not pay the fee in time",
        "other_handling",
        ("缴纳费用", "收费通知"),
    ),
    Member("other_other", "3.其他", "Other", "other_handling", ("其他",)),
    Member("handled_total", "（七）总计", "Total handled", "handled", ("总计",), is_total=True),
    Member(
        "carried_forward", "四、结转下年度继续办理", "Carried forward to next year", keys=("结转下年度", "结转下年")
    ),
)
OUTCOMES_BY_CODE = {m.code: m for m in _OUTCOMES}
OUTCOMES = _OUTCOMES

# --- Table 二: proactive disclosure ---------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """A column of the proactive-disclosure table. ``kind`` decides the value checks."""

    code: str
    label_zh: str
    label_en: str
    kind: str  # 'count' (non-negative integer), 'signed_count' (integer), 'amount' (non-negative number)
    unit: str = "件"


@dataclass(frozen=True)
class ProactiveBlock:
    """One 第二十条第（X）项 block: its items (rows) and measures (columns)."""

    article: str  # the printed clause number, e.g. '一'
    items: tuple[Member, ...]
    measures: tuple[str, ...]


MEASURES: tuple[Measure, ...] = (
    Measure("issued", "本年制发件数", "Issued this year", "count"),
    Measure("repealed", "本年废止件数", "Repealed this year", "count"),
    Measure("in_force", "现行有效件数", "In force", "count"),
    Measure("decisions", "本年处理决定数量", "Decisions this year", "count"),
    Measure("fee_amount", "本年收费金额（单位：万元）", "Fees collected this year (10,000 yuan)", "amount", "万元"),
    # 2019 template
    Measure("made", "本年新制作数量", "Newly made this year", "count"),
    Measure("published", "本年新公开数量", "Newly published this year", "count"),
    Measure("published_total", "对外公开总数量", "Total published", "count"),
    Measure("items_last_year", "上一年项目数量", "Items last year", "count", "项"),
    Measure("items_change", "本年增/减", "Change this year", "signed_count", "项"),
    Measure("decisions_2019", "处理决定数量", "Decisions", "count"),
    Measure("procurement_items", "采购项目数量", "Procurement items", "count", "项"),
    Measure("procurement_amount", "采购总金额", "Procurement amount", "amount", "元"),
)
MEASURES_BY_CODE = {m.code: m for m in MEASURES}

_REGULATION = Member("regulation", "规章", "Regulations", keys=("规章",))
_LICENSE = Member("administrative_license", "行政许可", "Administrative licensing", keys=("行政许可",))
_PENALTY = Member("administrative_penalty", "行政处罚", "Administrative penalties", keys=("行政处罚",))
_COERCION = Member("administrative_coercion", "行政强制", "Administrative coercion", keys=("行政强制",))
_FEE = Member("administrative_fee", "行政事业性收费", "Administrative fees", keys=("行政事业性收费", "收费"))

PROACTIVE_2021: tuple[ProactiveBlock, ...] = (
    ProactiveBlock(
        "一",
        (_REGULATION, Member("normative_document", "行政规范性文件", "Normative documents", keys=("规范性文件",))),
        ("issued", "repealed", "in_force"),
    ),
    ProactiveBlock("五", (_LICENSE,), ("decisions",)),
    ProactiveBlock("六", (_PENALTY, _COERCION), ("decisions",)),
    ProactiveBlock("八", (_FEE,), ("fee_amount",)),
)
PROACTIVE_2019: tuple[ProactiveBlock, ...] = (
    ProactiveBlock(
        "一",
        (_REGULATION, Member("normative_document", "规范性文件", "Normative documents", keys=("规范性文件",))),
        ("made", "published", "published_total"),
    ),
    ProactiveBlock(
        "五",
        (
            _LICENSE,
            Member(
                "other_external_service",
                "其他对外管理服务事项",
                "Other external management services",
                keys=("其他对外管理服务",),
            ),
        ),
        ("items_last_year", "items_change", "decisions_2019"),
    ),
    ProactiveBlock("六", (_PENALTY, _COERCION), ("items_last_year", "items_change", "decisions_2019")),
    ProactiveBlock("八", (_FEE,), ("items_last_year", "items_change")),
    ProactiveBlock(
        "九",
        (
            Member(
                "government_procurement",
                "政府集中采购",
                "Government centralized procurement",
                keys=("政府集中采购", "集中采购"),
            ),
        ),
        ("procurement_items", "procurement_amount"),
    ),
)

# --- Table 四: administrative review and litigation ----------------------------------------

PROCEEDINGS: tuple[Member, ...] = (
    Member("administrative_review", "行政复议", "Administrative review"),
    Member("litigation_direct", "未经复议直接起诉", "Litigation without prior review", "litigation"),
    Member("litigation_after_review", "复议后起诉", "Litigation after review", "litigation"),
)
PROCEEDING_GROUP_ZH = {"litigation": "行政诉讼"}
RESULTS: tuple[Member, ...] = (
    Member("upheld", "结果维持", "Upheld"),
    Member("corrected", "结果纠正", "Corrected"),
    Member("other", "其他结果", "Other result"),
    Member("pending", "尚未审结", "Pending"),
    Member("total", "总计", "Total", is_total=True),
)

# --- Templates -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    """Which rows and blocks a template prints, in printed order."""

    code: str
    outcome_rows: tuple[str, ...]
    proactive: tuple[ProactiveBlock, ...]
    document: str

    @property
    def value_rows(self) -> tuple[Member, ...]:
        """The application rows that carry numbers (all but headings), in printed order."""
        parents = {OUTCOMES_BY_CODE[c].parent for c in self.outcome_rows}
        return tuple(OUTCOMES_BY_CODE[c] for c in self.outcome_rows if c not in parents)

    @property
    def leaf_rows(self) -> tuple[str, ...]:
        """Rows under 三、本年度办理结果 that are summed into （七）总计."""
        return tuple(m.code for m in self.value_rows if m.code != "handled_total" and _is_under(m.code, "handled"))


def _is_under(code: str, ancestor: str) -> bool:
    parent = OUTCOMES_BY_CODE[code].parent
    while parent is not None:
        if parent == ancestor:
            return True
        parent = OUTCOMES_BY_CODE[parent].parent
    return False


_ALL_2021 = tuple(m.code for m in _OUTCOMES)
_SUBROWS_OF_OTHER = ("other_no_correction", "other_fee_unpaid", "other_other")
TEMPLATES: dict[str, Template] = {
    "2021": Template("2021", _ALL_2021, PROACTIVE_2021, "国办公开办函〔2021〕30号"),
    "2019": Template(
        "2019", tuple(c for c in _ALL_2021 if c not in _SUBROWS_OF_OTHER), PROACTIVE_2019, "国办公开办函〔2019〕60号"
    ),
}

# --- Arithmetic (勾稽关系) ------------------------------------------------------------------


# Groups of sub-rows under 三、本年度办理结果 (（三）–（六）): group row -> its sub-rows, as the
# 2021 template prints them. The official layouts print a group row as a heading without
# numbers, except （六）其他处理 in 2019, which is one row. Local templates add subtotal rows
# (a group row with numbers above its printed sub-rows), and real 2021 reports print （六）
# as one 2019-style row (../shared/realworld/hzq2023_working.pdf). The recognizer emits the
# cells it read under these codes; ``layout`` tells the variants apart per report.
GROUPS: dict[str, tuple[str, ...]] = {
    g.code: tuple(m.code for m in _OUTCOMES if m.parent == g.code)
    for g in _OUTCOMES
    if g.parent == "handled" and any(m.parent == g.code for m in _OUTCOMES)
}
# Groups a template's table may print as one row instead of its sub-rows (a leaf in that
# report): （六）其他处理 in 2021-format tables. In 2019 it is always one row.
ONE_ROW_GROUPS: dict[str, tuple[str, ...]] = {"2021": ("other_handling",)}


def subtotal_flag(group: str) -> str:
    """Layout flag: the report prints ``group`` with cells *and* (some of) its sub-rows."""
    return f"subtotal_{group}"


def one_row_flag(group: str) -> str:
    """Layout flag: the report prints ``group`` with cells and none of its sub-rows."""
    return f"one_row_{group}"


def layout(outcomes_with_cells: set[str] | frozenset[str]) -> dict[str, bool]:
    """How one report printed each group, from the outcome rows that have cells in it.

    A group row with cells and printed sub-rows is a subtotal (verified, never summed into
    （七）总计); a group row with cells and no sub-rows is a leaf printed as one row."""
    flags: dict[str, bool] = {}
    for group, subs in GROUPS.items():
        has_subs = any(s in outcomes_with_cells for s in subs)
        flags[subtotal_flag(group)] = group in outcomes_with_cells and has_subs
        flags[one_row_flag(group)] = group in outcomes_with_cells and not has_subs
    return flags


@dataclass(frozen=True)
class Equation:
    """``sum(lhs) == sum(rhs)`` for every row of a frame; blank cells count as 0.

    ``frame`` names the wide frame the equation is evaluated on (see
    ``pipeline.quality.frames``): 'applications_by_applicant' has one row per report and
    applicant column with a column per outcome; 'applications_by_outcome' one row per
    report and outcome with a column per applicant type; 'review_litigation_by_proceeding'
    one row per report and proceeding with a column per result.

    ``sums_parts``: ``lhs`` is one printed total and ``rhs`` its parts. Such a total left
    blank (or a placeholder) while its parts do not sum to 0 is a total the agency did not
    print (FORM.md, "Cell values"): it stays NULL, and no equation that uses that cell is
    evaluated for that frame row; a ``total_not_printed`` warning records the parts' sum.

    ``when``: layout flags (see ``layout``) a report must have for the equation to apply,
    e.g. the 2021 （七）总计 sums （六）'s sub-rows unless （六） is printed as one row.
    """

    name: str
    table: str
    frame: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    description_zh: str
    template: str | None = None  # None: the equation holds in every template
    blocking: bool = True
    terms_zh: dict[str, str] = field(default_factory=dict, compare=False)
    sums_parts: bool = True
    when: tuple[tuple[str, bool], ...] = ()

    @property
    def terms(self) -> tuple[str, ...]:
        return (*self.lhs, *self.rhs)

    def applies(self, flags: Any) -> Any:
        """Whether the equation applies to a report with these layout flags (a dict; a flag not
        given is False). Given a frame of flag columns, a row per report, the same test for
        every report at once: a bool Series (validation's frames ask it of a chunk's reports)."""
        ok: Any = True
        for flag, value in self.when:
            ok = ok & (flags.get(flag, False) == value)
        return ok


def _outcome_totals(code: str, template: Template) -> list[Equation]:
    """（七）总计 = Σ the leaves: one equation per way the template's table may print （六）.

    Subtotal rows are never among the leaves, so a table printing them is not double counted."""
    one_row = ONE_ROW_GROUPS.get(code, ())
    eqs = [
        Equation(
            "outcome_total",
            "applications",
            "applications_by_applicant",
            ("handled_total",),
            template.leaf_rows,
            "（七）总计 = （一）+（二）+（三）1-8 +（四）1-3 +（五）1-5 +（六）",
            code,
            when=tuple((one_row_flag(g), False) for g in one_row),
        )
    ]
    for group in one_row:
        leaves = tuple(dict.fromkeys(group if c in GROUPS[group] else c for c in template.leaf_rows))
        label = OUTCOMES_BY_CODE[group].label_zh
        eqs.append(
            Equation(
                f"outcome_total_{group}_one_row",
                "applications",
                "applications_by_applicant",
                ("handled_total",),
                leaves,
                f"（七）总计 = （一）+（二）+（三）1-8 +（四）1-3 +（五）1-5 + {label}（印为一行）",
                code,
                when=((one_row_flag(group), True),),
            )
        )
    return eqs


def equations() -> tuple[Equation, ...]:
    """All arithmetic relations of FORM.md, derived from the member lists above."""
    eqs: list[Equation] = []
    for code, template in TEMPLATES.items():
        eqs.append(
            Equation(
                "column_balance",
                "applications",
                "applications_by_applicant",
                ("new_received", "carried_over"),
                ("handled_total", "carried_forward"),
                "一 + 二 = 三（七）总计 + 四（本列数据的勾稽关系）",
                code,
                sums_parts=False,
            )
        )
        eqs.extend(_outcome_totals(code, template))
    for group, subs in GROUPS.items():
        label = OUTCOMES_BY_CODE[group].label_zh
        eqs.append(
            Equation(
                f"subtotal_{group}",
                "applications",
                "applications_by_applicant",
                (group,),
                subs,
                f"{label}（小计行）= 1-{len(subs)} 之和",
                when=((subtotal_flag(group), True),),
            )
        )
    eqs.append(
        Equation(
            "applicant_total",
            "applications",
            "applications_by_outcome",
            ("total",),
            tuple(m.code for m in APPLICANT_TYPES if not m.is_total),
            "总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他",
        )
    )
    eqs.append(
        Equation(
            "review_litigation_total",
            "review_litigation",
            "review_litigation_by_proceeding",
            ("total",),
            tuple(m.code for m in RESULTS if not m.is_total),
            "总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
        )
    )
    return tuple(eqs)


EQUATIONS: tuple[Equation, ...] = equations()

# Value rules per cell kind (FORM.md rule 5 and the 万元 warning).
MEASURE_KINDS = ("count", "signed_count", "amount")
AMOUNT_MAX_DECIMALS = 4


def label_zh(dimension: str, code: str, template: str | None = None) -> str:
    """Official Chinese label of a member, for messages a person reads. With ``template``, a
    proactive item is named as that template prints it (2019: 规范性文件, 2021: 行政规范性文件)."""
    if dimension == "item" and template in TEMPLATES:
        printed = {i.code: i.label_zh for block in TEMPLATES[template].proactive for i in block.items}
        if code in printed:
            return printed[code]
    members = {
        "outcome": _OUTCOMES,
        "applicant_type": APPLICANT_TYPES,
        "proceeding": PROCEEDINGS,
        "result": RESULTS,
        "measure": MEASURES,
        "item": proactive_items(),
    }[dimension]
    return next((m.label_zh for m in members if m.code == code), code)


def proactive_items() -> tuple[Member, ...]:
    """Every proactive-disclosure item of every template, once, in printed order."""
    seen: dict[str, Member] = {}
    for template in (TEMPLATES["2021"], TEMPLATES["2019"]):
        for block in template.proactive:
            for item in block.items:
                seen.setdefault(item.code, item)
    return tuple(seen.values())
