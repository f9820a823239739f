"""淮安市洪泽区人民政府 2023年政府信息公开工作年度报告 (``hzq2023_working.pdf``): every printed cell,
typed by hand.

Read off the page images (``pdftoppm -r 110``, tables again at ``-r 200``/``-r 220``), not off the
parser. A WPS-made PDF of 5 pages; the title is 洪泽区人民政府 / 2023 年政府信息公开工作年度报告 (no city),
the body names 淮安市洪泽区人民政府办公室. Its fonts have no ToUnicode map: the text layer, and even the
rendered page, read 2.其他法律行政止公开 for 2.其他法律行政法规禁止公开; the numbers are intact.

Table 三 is the 2021 layout except that （六）其他处理 is printed as one row with no sub-rows (the 2019
row): it is typed under the code of the printed label, ``other_handling``.

Table 四 prints 总计 as 0 where its parts do not add up to 0 (行政复议: 10 + 1 + 0 + 0, 复议后起诉:
5 + 0 + 0 + 0). A printed 0 is a printed total, not a blank (FORM.md): the review/litigation table
breaks review_litigation_total and is quarantined; the other two tables load. The README does not
list this error; it is what the page prints (checked on the 220 dpi image).
"""

from tests.realworld.cells import ZEROS_5, ZEROS_7, applications_row, review_block

FILE = "hzq2023_working.pdf"
AGENCY = "淮安市洪泽区人民政府"
YEAR = 2023
TEMPLATE = "2021"

# Table 二. Page 2: 第（一）项, 第（五）项 and the caption row of 第（六）项; page 3: 第（六）项's header and
# rows, then 第（八）项.
PROACTIVE = {
    ("regulation", "issued"): "0",
    ("regulation", "repealed"): "0",
    ("regulation", "in_force"): "0",
    ("normative_document", "issued"): "0",
    ("normative_document", "repealed"): "5",
    ("normative_document", "in_force"): "5",
    ("administrative_license", "decisions"): "550",
    ("administrative_penalty", "decisions"): "4119",
    ("administrative_coercion", "decisions"): "195",
    ("administrative_fee", "fee_amount"): "7730.28",
}

# Table 三, 24 printed rows. Page 3: the header through （四）2.没有现成信息需要另行制作; page 4: （四）3.补正后
# 申请内容仍不明确 through 四、结转下年度继续办理 (no repeated header).
APPLICATIONS = {
    **applications_row("new_received", "21", "0", "0", "0", "0", "0", "21"),
    **applications_row("carried_over", *ZEROS_7),
    **applications_row("granted", *ZEROS_7),
    **applications_row("partially_granted", "4", "0", "0", "0", "0", "0", "4"),
    **applications_row("withheld_state_secret", "1", "0", "0", "0", "0", "0", "1"),
    **applications_row("withheld_prohibited_by_law", *ZEROS_7),  # printed label: 2.其他法律行政止公开
    **applications_row("withheld_three_securities_one_stability", *ZEROS_7),
    **applications_row("withheld_third_party_rights", *ZEROS_7),
    **applications_row("withheld_internal_affairs", *ZEROS_7),
    **applications_row("withheld_process_information", "1", "0", "0", "0", "0", "0", "1"),
    **applications_row("withheld_enforcement_files", "1", "0", "0", "0", "0", "0", "1"),
    **applications_row("withheld_administrative_query", *ZEROS_7),
    **applications_row("unable_not_held", "10", "0", "0", "0", "0", "0", "10"),
    **applications_row("unable_needs_creation", "3", "0", "0", "0", "0", "0", "3"),
    # page 4
    **applications_row("unable_still_unclear", *ZEROS_7),
    **applications_row("not_processed_complaint", "1", "0", "0", "0", "0", "0", "1"),
    **applications_row("not_processed_repeated", *ZEROS_7),
    **applications_row("not_processed_publication", *ZEROS_7),
    **applications_row("not_processed_excessive", *ZEROS_7),  # label wrapped: 4.无正当理由大量反复 申请
    **applications_row("not_processed_confirmation", *ZEROS_7),  # 5.要求行政机关确认或重 新出具 / 已获取信息
    **applications_row("other_handling", *ZEROS_7),  # （六）其他处理, one row
    **applications_row("handled_total", "21", "0", "0", "0", "0", "0", "21"),
    **applications_row("carried_forward", *ZEROS_7),
}

# Table 四, page 4: one data row of 15 cells.
REVIEW = {
    **review_block("administrative_review", "10", "1", "0", "0", "0"),
    **review_block("litigation_direct", *ZEROS_5),
    **review_block("litigation_after_review", "5", "0", "0", "0", "0"),
}

# Expected outcome: proactive and applications load; review/litigation is quarantined by
# review_litigation_total in two of its three blocks (the reason names them; 未经复议直接起诉 holds).
STATUS = "partial"
TABLES_LOADED = ("applications", "proactive_disclosure")
TABLES_QUARANTINED = {"review_litigation": ("review_litigation_total", "复议后起诉")}
NOT_IN_REASON = ("未经复议直接起诉",)
