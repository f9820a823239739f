"""平潭综合实验区2024年度政府信息公开工作年度报告 (``pingtan__2024_page.txt``): every printed cell,
typed by hand from a site crawler's text copy.

A metadata header (标题, 发布机构: 平潭综合实验区管委会办公室, …), then the whole body on one line; the
agency is 平潭综合实验区管理委员会 (the 管委会). Each table row's digits run together with no separator,
and a row's run is followed directly by the next label's number. Every run is split by hand; the
readings below are the only ones with no leading zeros that keep 总计 = the sum of the parts:
- 一、本年新收…数量21710000218: 217 | 1 | 0 | 0 | 0 | 0 | 218 (also （七）总计);
- （一）予以公开710000071: 71 | 0 | 0 | 0 | 0 | 0 | 71; （二）部分公开…290000029: 29 | 0 … | 29;
- 1.属于国家秘密40000042.其他…: 4000004 then 2.; 4.保护第三方合法权益30000035.属于…: 3000003 then 5.;
- 5.属于三类内部事务信息3200000326.属于四类…: 320000032 then 6. (32 | 0 | 0 | 0 | 0 | 0 | 32);
- 1.本机关不掌握相关政府信息7500000752.没有…: 750000075 then 2. (75 | … | 75);
- 2.重复申请10000013.要求…: 1000001 then 3.; （六）1.… 10000012.申请人逾期…: 1000001 then 2.;
- 3.其他1100002（七）总计: 1 | 1 | 0 | 0 | 0 | 0 | 2;
- table 四, 21317000001324019: 2 | 1 | 3 | 1 | 7, 0 | 0 | 0 | 0 | 0, 13 | 2 | 4 | 0 | 19.

Table 二 cannot be read: 行政规范性文件6233440 is three cells (本年制发, 本年废止, 现行有效) with fifteen
readings (6 | 2 | 33440, 62 | 3 | 3440, 62 | 33 | 440, …) and no equation to choose among them; the
narrative's 制发行政规范性文件62件 still leaves three. The reader must refuse the table, naming that
row; the other rows of table 二 read unambiguously and are typed below.
"""

from tests.realworld.cells import ZEROS_5, ZEROS_7, applications_row, review_block

FILE = "pingtan__2024_page.txt"
AGENCY = "平潭综合实验区管理委员会"
YEAR = 2024
TEMPLATE = "2021"

# Table 二 without 行政规范性文件, whose run cannot be split.
PROACTIVE = {
    ("regulation", "issued"): "0",  # 规章000
    ("regulation", "repealed"): "0",
    ("regulation", "in_force"): "0",
    ("administrative_license", "decisions"): "4529",
    ("administrative_penalty", "decisions"): "1100",
    ("administrative_coercion", "decisions"): "65",
    ("administrative_fee", "fee_amount"): "18651.06",
}
AMBIGUOUS_ROW = ("normative_document", "行政规范性文件", "6233440")

APPLICATIONS = {
    **applications_row("new_received", "217", "1", "0", "0", "0", "0", "218"),
    **applications_row("carried_over", *ZEROS_7),
    **applications_row("granted", "71", "0", "0", "0", "0", "0", "71"),
    **applications_row("partially_granted", "29", "0", "0", "0", "0", "0", "29"),
    **applications_row("withheld_state_secret", "4", "0", "0", "0", "0", "0", "4"),
    **applications_row("withheld_prohibited_by_law", *ZEROS_7),
    **applications_row("withheld_three_securities_one_stability", *ZEROS_7),
    **applications_row("withheld_third_party_rights", "3", "0", "0", "0", "0", "0", "3"),
    **applications_row("withheld_internal_affairs", "32", "0", "0", "0", "0", "0", "32"),
    **applications_row("withheld_process_information", *ZEROS_7),
    **applications_row("withheld_enforcement_files", *ZEROS_7),
    **applications_row("withheld_administrative_query", *ZEROS_7),
    **applications_row("unable_not_held", "75", "0", "0", "0", "0", "0", "75"),
    **applications_row("unable_needs_creation", *ZEROS_7),
    **applications_row("unable_still_unclear", *ZEROS_7),
    **applications_row("not_processed_complaint", *ZEROS_7),
    **applications_row("not_processed_repeated", "1", "0", "0", "0", "0", "0", "1"),
    **applications_row("not_processed_publication", *ZEROS_7),
    **applications_row("not_processed_excessive", *ZEROS_7),
    **applications_row("not_processed_confirmation", *ZEROS_7),
    **applications_row("other_no_correction", "1", "0", "0", "0", "0", "0", "1"),
    **applications_row("other_fee_unpaid", *ZEROS_7),
    **applications_row("other_other", "1", "1", "0", "0", "0", "0", "2"),
    **applications_row("handled_total", "217", "1", "0", "0", "0", "0", "218"),
    **applications_row("carried_forward", *ZEROS_7),
}

REVIEW = {
    **review_block("administrative_review", "2", "1", "3", "1", "7"),
    **review_block("litigation_direct", *ZEROS_5),
    **review_block("litigation_after_review", "13", "2", "4", "0", "19"),
}

# Expected outcome: table 二 quarantined because the reader cannot split 行政规范性文件's run (the reason
# names the row); tables 三 and 四 load.
STATUS = "partial"
TABLES_LOADED = ("applications", "review_litigation")
TABLES_QUARANTINED = {"proactive_disclosure": ("二、主动公开政府信息情况", "行政规范性文件")}
