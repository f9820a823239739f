"""淮安市人民政府 2024年政府信息公开工作年度报告 (``szfgs2024.pdf``): every printed cell, typed by hand.

Read off the page images (``pdftoppm -r 110``, tables again at ``-r 200``), not off the parser.
A WPS-made PDF of 6 pages. The title's first line is 淮安市人民政府 and its second 2024年政府信息公开工作
年度报告; the body says 本报告由淮安市人民政府办公室…编制 (the office compiles it for the government).
All three tables hold: all load.
"""

from tests.realworld.cells import ZEROS_7, applications_row, review_block

FILE = "szfgs2024.pdf"
AGENCY = "淮安市人民政府"
YEAR = 2024
TEMPLATE = "2021"

# Table 二. Page 3: 第（一）项 (规章, 行政规范性文件), 第（五）项 (行政许可) and the caption row of 第（六）项;
# page 4: 第（六）项's header and rows (行政处罚, 行政强制), then 第（八）项.
PROACTIVE = {
    ("regulation", "issued"): "1",
    ("regulation", "repealed"): "0",
    ("regulation", "in_force"): "11",
    ("normative_document", "issued"): "8",
    ("normative_document", "repealed"): "26",
    ("normative_document", "in_force"): "66",
    ("administrative_license", "decisions"): "447228",
    ("administrative_penalty", "decisions"): "3985758",
    ("administrative_coercion", "decisions"): "88283",
    ("administrative_fee", "fee_amount"): "96171.6",
}

# Table 三, 2021 layout (25 rows, （六）其他处理 with its three sub-rows). Page 4: the header through
# （四）1.本机关不掌握相关政府信息; page 5: （四）2.没有现成信息需要另行制作 through 四、结转下年度继续办理
# (no repeated header). Columns: 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计.
APPLICATIONS = {
    **applications_row("new_received", "3001", "53", "0", "0", "61", "4", "3119"),
    **applications_row("carried_over", "34", "0", "0", "0", "0", "0", "34"),
    **applications_row("granted", "1288", "21", "0", "0", "50", "3", "1362"),
    **applications_row("partially_granted", "447", "7", "0", "0", "0", "0", "454"),
    **applications_row("withheld_state_secret", "2", "0", "0", "0", "0", "0", "2"),
    **applications_row("withheld_prohibited_by_law", "30", "1", "0", "0", "0", "0", "31"),
    **applications_row("withheld_three_securities_one_stability", "5", "0", "0", "0", "0", "0", "5"),
    **applications_row("withheld_third_party_rights", "6", "0", "0", "0", "0", "0", "6"),
    **applications_row("withheld_internal_affairs", "7", "1", "0", "0", "0", "0", "8"),
    **applications_row("withheld_process_information", "12", "0", "0", "0", "0", "0", "12"),
    **applications_row("withheld_enforcement_files", "9", "0", "0", "0", "0", "0", "9"),
    **applications_row("withheld_administrative_query", "105", "0", "0", "0", "0", "0", "105"),
    **applications_row("unable_not_held", "746", "12", "0", "0", "10", "1", "769"),
    # page 5
    **applications_row("unable_needs_creation", "11", "0", "0", "0", "0", "0", "11"),
    **applications_row("unable_still_unclear", "1", "0", "0", "0", "0", "0", "1"),
    **applications_row("not_processed_complaint", "56", "6", "0", "0", "0", "0", "62"),
    **applications_row("not_processed_repeated", "25", "0", "0", "0", "0", "0", "25"),
    **applications_row("not_processed_publication", *ZEROS_7),
    **applications_row("not_processed_excessive", *ZEROS_7),
    **applications_row("not_processed_confirmation", "1", "0", "0", "0", "0", "0", "1"),
    **applications_row("other_no_correction", "67", "3", "0", "0", "1", "0", "71"),
    **applications_row("other_fee_unpaid", "6", "0", "0", "0", "0", "0", "6"),
    **applications_row("other_other", "108", "2", "0", "0", "0", "0", "110"),
    **applications_row("handled_total", "2932", "53", "0", "0", "61", "4", "3050"),
    **applications_row("carried_forward", "103", "0", "0", "0", "0", "0", "103"),
}

# Table 四, page 5: one data row of 15 cells under 行政复议 | 行政诉讼 (未经复议直接起诉, 复议后起诉).
REVIEW = {
    **review_block("administrative_review", "72", "64", "178", "37", "351"),
    **review_block("litigation_direct", "13", "4", "8", "1", "26"),
    **review_block("litigation_after_review", "12", "1", "1", "6", "20"),
}

# Expected outcome: every equation of FORM.md holds, so the report loads whole.
STATUS = "loaded"
TABLES_LOADED = ("applications", "proactive_disclosure", "review_litigation")
TABLES_QUARANTINED: dict[str, tuple[str, ...]] = {}
