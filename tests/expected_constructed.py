"""Every cell of the two constructed 汤阴县 reports, typed by hand from the files in data/raw/.

005_constructed_2020_tangyin_county.txt is a 2020 report in the 2019 national format
(国办公开办函〔2019〕60号: （六）其他处理 is one row, a different proactive table);
006_constructed_2021_tangyin_county.txt is the same agency's 2021 report in the 2021 format.
Their numbers are invented and hand-checked: every column balances (一 + 二 = （七） + 四), every
（七）总计 is the sum of its leaves, every row's 总计 is the sum of its six applicant columns,
every review/litigation block sums to its 总计, and 2021's 二、上年结转 equals 2020's
四、结转下年度继续办理 (1 0 0 0 0 0 1). Columns as in tests/expected_seeds.py.
"""

from tests.expected_seeds import APPLICANTS, APPLICATION_ROWS, PROCEEDINGS, RESULTS

Z7 = "0 0 0 0 0 0 0"

# The 2019 template prints 23 value rows: the 2021 rows without （六）'s three sub-rows.
APPLICATION_ROWS_2019 = (*APPLICATION_ROWS[:20], "other_handling", *APPLICATION_ROWS[23:])

CONSTRUCTED = {
    "005_constructed_2020_tangyin_county.txt": {
        "agency": "汤阴县人民政府",  # the title says 汤阴县政府; data/agencies.csv maps it
        "parsed_agency": "汤阴县人民政府",  # 县政府 is the short form of 县人民政府
        "year": 2020,
        "template": "2019",
        "proactive": {
            ("regulation", "made"): "0",
            ("regulation", "published"): "0",
            ("regulation", "published_total"): "0",
            ("normative_document", "made"): "6",
            ("normative_document", "published"): "6",
            ("normative_document", "published_total"): "41",
            ("administrative_license", "items_last_year"): "312",
            ("administrative_license", "items_change"): "-8",
            ("administrative_license", "decisions_2019"): "2846",
            ("other_external_service", "items_last_year"): "57",
            ("other_external_service", "items_change"): "3",
            ("other_external_service", "decisions_2019"): "1203",
            ("administrative_penalty", "items_last_year"): "1485",
            ("administrative_penalty", "items_change"): "12",
            ("administrative_penalty", "decisions_2019"): "967",
            ("administrative_coercion", "items_last_year"): "38",
            ("administrative_coercion", "items_change"): "0",
            ("administrative_coercion", "decisions_2019"): "21",
            ("administrative_fee", "items_last_year"): "23",
            ("administrative_fee", "items_change"): "-2",
            ("government_procurement", "procurement_items"): "46",
            ("government_procurement", "procurement_amount"): "38675200元",
        },
        "rows": APPLICATION_ROWS_2019,
        "applications": [
            "21 3 0 0 1 0 25",  # 一、本年新收
            "1 0 0 0 0 0 1",  # 二、上年结转
            "9 1 0 0 0 0 10",  # （一）予以公开
            "2 1 0 0 0 0 3",  # （二）部分公开
            Z7,
            Z7,
            Z7,
            "1 0 0 0 0 0 1",  # （三）4.保护第三方合法权益
            Z7,
            "1 0 0 0 0 0 1",  # （三）6.属于四类过程性信息
            Z7,
            Z7,
            "4 0 0 0 1 0 5",  # （四）1.本机关不掌握
            "1 0 0 0 0 0 1",  # （四）2.另行制作
            Z7,
            "2 0 0 0 0 0 2",  # （五）1.信访举报投诉
            "1 0 0 0 0 0 1",  # （五）2.重复申请
            Z7,
            Z7,
            Z7,
            "0 1 0 0 0 0 1",  # （六）其他处理 (one row in the 2019 format)
            "21 3 0 0 1 0 25",  # （七）总计
            "1 0 0 0 0 0 1",  # 四、结转下年度继续办理
        ],
        "review": ["2 0 0 1 3", "1 0 0 0 1", "0 0 0 1 1"],
    },
    "006_constructed_2021_tangyin_county.txt": {
        "agency": "汤阴县人民政府",
        "parsed_agency": "汤阴县人民政府",
        "year": 2021,
        "template": "2021",
        "proactive": {
            ("regulation", "issued"): "0",
            ("regulation", "repealed"): "0",
            ("regulation", "in_force"): "0",
            ("normative_document", "issued"): "5",
            ("normative_document", "repealed"): "2",
            ("normative_document", "in_force"): "44",
            ("administrative_license", "decisions"): "3105",
            ("administrative_penalty", "decisions"): "1012",
            ("administrative_coercion", "decisions"): "19",
            ("administrative_fee", "fee_amount"): "1486.2350",
        },
        "rows": None,  # the 25 rows of tests.expected_seeds.APPLICATION_ROWS
        "applications": [
            "34 4 0 1 2 0 41",
            "1 0 0 0 0 0 1",  # = 2020's 四、结转下年度继续办理
            "13 2 0 1 0 0 16",
            "3 1 0 0 0 0 4",
            Z7,
            Z7,
            Z7,
            "1 0 0 0 0 0 1",
            Z7,
            "2 0 0 0 0 0 2",
            Z7,
            "1 0 0 0 0 0 1",
            "6 1 0 0 1 0 8",
            "2 0 0 0 0 0 2",
            "1 0 0 0 0 0 1",
            "2 0 0 0 0 0 2",
            "1 0 0 0 0 0 1",
            Z7,
            Z7,
            Z7,
            "1 0 0 0 1 0 2",  # （六）1.逾期不补正
            Z7,
            Z7,
            "33 4 0 1 2 0 40",
            "2 0 0 0 0 0 2",
        ],
        "review": ["3 1 0 0 4", "1 0 1 1 3", "1 0 0 0 1"],
    },
}


def application_cells(src: str) -> dict[tuple[str, str], str]:
    from tests.expected_seeds import APPLICATION_ROWS

    seed = CONSTRUCTED[src]
    rows = seed["rows"] or APPLICATION_ROWS
    assert len(rows) == len(seed["applications"])
    return {
        (outcome, applicant): value
        for outcome, line in zip(rows, seed["applications"], strict=True)
        for applicant, value in zip(APPLICANTS, line.split(), strict=True)
    }


def review_cells(src: str) -> dict[tuple[str, str], str]:
    return {
        (proceeding, result): value
        for proceeding, line in zip(PROCEEDINGS, CONSTRUCTED[src]["review"], strict=True)
        for result, value in zip(RESULTS, line.split(), strict=True)
    }
