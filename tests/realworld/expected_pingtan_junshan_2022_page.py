"""平潭综合实验区君山片区管理局 2022年政府信息公开工作年度报告 (``pingtan_junshan_2022_page.txt``):
every printed cell, typed by hand from a crawler's text copy.

The body is one line and each row's digits run together with no separator; the runs are split by
hand, each with the only reading the arithmetic (and no leading zeros) allows:
- 行政规范性文件0011 (本年制发, 本年废止, 现行有效) can only be 0 | 0 | 11 (01 and 00 are not numbers);
- each 三 row is seven digits, ``0000000``, and a row's run stops where the next label's number starts
  (``…属于国家秘密00000002.其他法律…`` is 0000000 then 2.);
- 1.本机关不掌握相关政府信息 reads ``3000025`` (then ``2.没有现成信息…``): 3 | 0 | 0 | 0 | 0 | 2 | 5,
  which keeps 总计 = 3 + 2 = 5;
- table 四 is fifteen zeros.

A real arithmetic error: every other row is 0, （七）总计 included, so （七）总计 ≠ the sum of the
outcome rows in the 自然人 (0 ≠ 3), 其他 (0 ≠ 2) and 总计 (0 ≠ 5) columns. Table 三 is quarantined by
outcome_total naming those columns; tables 二 and 四 load.
"""

from tests.realworld.cells import ZEROS_5, ZEROS_7, applications_row, review_block

FILE = "pingtan_junshan_2022_page.txt"
AGENCY = "平潭综合实验区君山片区管理局"
YEAR = 2022
TEMPLATE = "2021"

# Table 二: after 二、主动公开政府信息情况 on the body line.
PROACTIVE = {
    ("regulation", "issued"): "0",  # 规章000
    ("regulation", "repealed"): "0",
    ("regulation", "in_force"): "0",
    ("normative_document", "issued"): "0",  # 行政规范性文件0011
    ("normative_document", "repealed"): "0",
    ("normative_document", "in_force"): "11",
    ("administrative_license", "decisions"): "0",
    ("administrative_penalty", "decisions"): "0",
    ("administrative_coercion", "decisions"): "0",
    ("administrative_fee", "fee_amount"): "0",
}

# Table 三, 2021 layout, 25 rows; every run is 0000000 but one.
APPLICATIONS = {
    **applications_row("new_received", *ZEROS_7),
    **applications_row("carried_over", *ZEROS_7),
    **applications_row("granted", *ZEROS_7),
    **applications_row("partially_granted", *ZEROS_7),
    **applications_row("withheld_state_secret", *ZEROS_7),
    **applications_row("withheld_prohibited_by_law", *ZEROS_7),
    **applications_row("withheld_three_securities_one_stability", *ZEROS_7),
    **applications_row("withheld_third_party_rights", *ZEROS_7),
    **applications_row("withheld_internal_affairs", *ZEROS_7),
    **applications_row("withheld_process_information", *ZEROS_7),
    **applications_row("withheld_enforcement_files", *ZEROS_7),
    **applications_row("withheld_administrative_query", *ZEROS_7),
    **applications_row("unable_not_held", "3", "0", "0", "0", "0", "2", "5"),  # 3000025
    **applications_row("unable_needs_creation", *ZEROS_7),
    **applications_row("unable_still_unclear", *ZEROS_7),
    **applications_row("not_processed_complaint", *ZEROS_7),
    **applications_row("not_processed_repeated", *ZEROS_7),
    **applications_row("not_processed_publication", *ZEROS_7),
    **applications_row("not_processed_excessive", *ZEROS_7),
    **applications_row("not_processed_confirmation", *ZEROS_7),
    **applications_row("other_no_correction", *ZEROS_7),
    **applications_row("other_fee_unpaid", *ZEROS_7),
    **applications_row("other_other", *ZEROS_7),
    **applications_row("handled_total", *ZEROS_7),
    **applications_row("carried_forward", *ZEROS_7),
}

# Table 四: 000000000000000.
REVIEW = {
    **review_block("administrative_review", *ZEROS_5),
    **review_block("litigation_direct", *ZEROS_5),
    **review_block("litigation_after_review", *ZEROS_5),
}

# Expected outcome: table 三 quarantined by outcome_total; the reason names the rule and the failing
# columns (自然人, 其他, 总计), not the columns that hold (商业企业 …).
STATUS = "partial"
TABLES_LOADED = ("proactive_disclosure", "review_litigation")
TABLES_QUARANTINED = {"applications": ("三、收到和处理政府信息公开申请情况", "outcome_total", "自然人")}
NOT_IN_REASON = ("商业企业", "科研机构", "社会公益组织", "法律服务机构")
