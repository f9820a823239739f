"""2019年上海市人民政府办公厅政府信息公开工作年度报告 (``shanghai_gov_office_2019.html``): every printed
cell, typed by hand from the HTML.

2019 template (国办公开办函〔2019〕60号): table 二 has five blocks with 2019 measures, table 三 has
（六）其他处理 as one row (23 rows). The title puts the year first. Cells written ``&nbsp;`` are
printed blank: typed as '' (no number; they count as 0 in the arithmetic).

The 总计 column of table 三 is blank on every row from （一）予以公开 to （六）其他处理 although the other
columns add up: totals the agency did not print (FORM.md). They stay NULL, each such row gets a
``total_not_printed`` warning with the sum of its parts, and the table loads.

Broken span alignment in table 二: in 第（五）项 and 第（六）项 the header gives 上一年项目数量 one column and
本年增/减 two, while each data row gives its first value two columns and the others one; the three
values are typed under the three headers in printed order (all are 0).
"""

from tests.realworld.cells import applications_row, review_block

FILE = "shanghai_gov_office_2019.html"
AGENCY = "上海市人民政府办公厅"
YEAR = 2019
TEMPLATE = "2019"

# Table 二: the first <table> (after 二、主动公开政府信息情况).
PROACTIVE = {
    ("regulation", "made"): "13",
    ("regulation", "published"): "13",
    ("regulation", "published_total"): "524",
    ("normative_document", "made"): "60",
    ("normative_document", "published"): "60",
    ("normative_document", "published_total"): "368",
    ("administrative_license", "items_last_year"): "0",
    ("administrative_license", "items_change"): "0",
    ("administrative_license", "decisions_2019"): "0",
    ("other_external_service", "items_last_year"): "0",
    ("other_external_service", "items_change"): "0",
    ("other_external_service", "decisions_2019"): "0",
    ("administrative_penalty", "items_last_year"): "0",
    ("administrative_penalty", "items_change"): "0",
    ("administrative_penalty", "decisions_2019"): "0",
    ("administrative_coercion", "items_last_year"): "0",
    ("administrative_coercion", "items_change"): "0",
    ("administrative_coercion", "decisions_2019"): "0",
    ("administrative_fee", "items_last_year"): "0",
    ("administrative_fee", "items_change"): "0",
    ("government_procurement", "procurement_items"): "6",
    ("government_procurement", "procurement_amount"): "251000元",
}

_ = ""  # a cell printed as &nbsp;
# Table 三: the second <table> (after 三、收到和处理政府信息公开申请情况). Columns: 自然人, 商业企业,
# 科研机构, 社会公益组织, 法律服务机构, 其他, 总计.
APPLICATIONS = {
    **applications_row("new_received", "821", "35", _, _, "2", "1", "859"),
    **applications_row("carried_over", "18", _, _, _, _, _, "18"),
    **applications_row("granted", "258", "12", _, _, "1", "1", _),
    **applications_row("partially_granted", "3", _, _, _, _, _, _),
    **applications_row("withheld_state_secret", "14", _, _, _, _, _, _),
    **applications_row("withheld_prohibited_by_law", _, _, _, _, _, _, _),
    **applications_row("withheld_three_securities_one_stability", _, _, _, _, _, _, _),
    **applications_row("withheld_third_party_rights", _, _, _, _, _, _, _),
    **applications_row("withheld_internal_affairs", "5", _, _, _, _, _, _),
    **applications_row("withheld_process_information", "3", "1", _, _, _, _, _),
    **applications_row("withheld_enforcement_files", _, _, _, _, _, _, _),
    **applications_row("withheld_administrative_query", "10", "2", _, _, _, _, _),
    **applications_row("unable_not_held", "252", "12", _, _, "1", _, _),
    **applications_row("unable_needs_creation", "44", "3", _, _, _, _, _),
    **applications_row("unable_still_unclear", "25", _, _, _, _, _, _),
    **applications_row("not_processed_complaint", "148", "1", _, _, _, _, _),
    **applications_row("not_processed_repeated", "5", "4", _, _, _, _, _),
    **applications_row("not_processed_publication", _, _, _, _, _, _, _),
    **applications_row("not_processed_excessive", _, _, _, _, _, _, _),
    **applications_row("not_processed_confirmation", _, _, _, _, _, _, _),
    **applications_row("other_handling", _, _, _, _, _, _, _),
    **applications_row("handled_total", "767", "35", _, _, "2", "1", "805"),
    **applications_row("carried_forward", "72", _, _, _, _, _, "72"),
}

# Table 四: the third <table>, one data row of 15 cells.
REVIEW = {
    **review_block("administrative_review", "5", _, _, "2", "7"),
    **review_block("litigation_direct", "8", _, _, "1", "9"),
    **review_block("litigation_after_review", _, _, _, _, _),
}

# The 总计 cells not printed, with the sum of the printed parts (added by hand from the rows above);
# rows whose parts are all blank sum to 0 and are no warning.
TOTALS_NOT_PRINTED = {
    "granted": 272,
    "partially_granted": 3,
    "withheld_state_secret": 14,
    "withheld_internal_affairs": 5,
    "withheld_process_information": 4,
    "withheld_administrative_query": 12,
    "unable_not_held": 265,
    "unable_needs_creation": 47,
    "unable_still_unclear": 25,
    "not_processed_complaint": 149,
    "not_processed_repeated": 9,
}

# Expected outcome: everything loads; the unprinted totals are warnings, never a reason to quarantine.
STATUS = "loaded"
TABLES_LOADED = ("applications", "proactive_disclosure", "review_litigation")
TABLES_QUARANTINED: dict[str, tuple[str, ...]] = {}
