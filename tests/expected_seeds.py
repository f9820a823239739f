"""Every cell of the five seed reports, typed by hand from ../shared/seeds/*.txt.

Not produced by the parser: each row below was read off the printed tables. Application
rows list the seven columns in printed order: 自然人, 商业企业, 科研机构, 社会公益组织,
法律服务机构, 其他, 总计. Review rows list 结果维持, 结果纠正, 其他结果, 尚未审结, 总计.
"""

Z7 = "0 0 0 0 0 0 0"
Z5 = "0 0 0 0 0"

# Row codes in printed order of the 2021 template (25 rows).
APPLICATION_ROWS = (
    "new_received", "carried_over", "granted", "partially_granted",
    "withheld_state_secret", "withheld_prohibited_by_law", "withheld_three_securities_one_stability",
    "withheld_third_party_rights", "withheld_internal_affairs", "withheld_process_information",
    "withheld_enforcement_files", "withheld_administrative_query",
    "unable_not_held", "unable_needs_creation", "unable_still_unclear",
    "not_processed_complaint", "not_processed_repeated", "not_processed_publication",
    "not_processed_excessive", "not_processed_confirmation",
    "other_no_correction", "other_fee_unpaid", "other_other",
    "handled_total", "carried_forward",
)
APPLICANTS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
              "legal_service_org", "other_org", "total")
RESULTS = ("upheld", "corrected", "other", "pending", "total")
PROCEEDINGS = ("administrative_review", "litigation_direct", "litigation_after_review")

SEEDS = {
    "000_4878a5074e723ab1.txt": {
        "agency": "安阳高新技术产业开发区人民政府", "year": 2021,
        "proactive": {
            ("regulation", "issued"): "0", ("regulation", "repealed"): "0", ("regulation", "in_force"): "0",
            ("normative_document", "issued"): "0", ("normative_document", "repealed"): "0",
            ("normative_document", "in_force"): "0",
            ("administrative_license", "decisions"): "72", ("administrative_penalty", "decisions"): "70",
            ("administrative_coercion", "decisions"): "41", ("administrative_fee", "fee_amount"): "10027",
        },
        "applications": [
            "8 0 0 0 0 0 8", Z7, "8 0 0 0 0 0 8", Z7,
            Z7, Z7, Z7, Z7, Z7, Z7, Z7, Z7,
            Z7, Z7, Z7,
            Z7, Z7, Z7, Z7, Z7,
            Z7, Z7, Z7,
            "8 0 0 0 0 0 8", Z7,
        ],
        "review": ["1 0 0 0 1", "1 0 0 0 1", Z5],
    },
    "001_3e089bbee027005d.txt": {
        "agency": "济源虎岭高新技术产业开发区管理办公室", "year": 2021,
        "proactive": {
            ("regulation", "issued"): "0", ("regulation", "repealed"): "0", ("regulation", "in_force"): "0",
            ("normative_document", "issued"): "0", ("normative_document", "repealed"): "0",
            ("normative_document", "in_force"): "0",
            ("administrative_license", "decisions"): "0", ("administrative_penalty", "decisions"): "0",
            ("administrative_coercion", "decisions"): "0", ("administrative_fee", "fee_amount"): "0",
        },
        "applications": [
            "3 0 0 0 0 0 3", Z7, "1 0 0 0 0 0 1", Z7,
            Z7, Z7, Z7, Z7, Z7, Z7, Z7, Z7,
            "2 0 0 0 0 0 2", Z7, Z7,
            Z7, Z7, Z7, Z7, Z7,
            Z7, Z7, Z7,
            "3 0 0 0 0 0 3", Z7,
        ],
        "review": [Z5, Z5, Z5],
    },
    "002_4506cd2fdf4d2994.txt": {
        "agency": "南阳高新技术产业开发区管理委员会", "year": 2023,
        "proactive": {
            ("regulation", "issued"): "0", ("regulation", "repealed"): "0", ("regulation", "in_force"): "0",
            ("normative_document", "issued"): "0", ("normative_document", "repealed"): "0",
            ("normative_document", "in_force"): "0",
            ("administrative_license", "decisions"): "0", ("administrative_penalty", "decisions"): "0",
            ("administrative_coercion", "decisions"): "0", ("administrative_fee", "fee_amount"): "0",
        },
        "applications": [
            "8 0 0 0 0 0 8", Z7, "5 0 0 0 0 0 5", Z7,
            Z7, Z7, Z7, Z7, "1 0 0 0 0 0 1", "1 0 0 0 0 0 1", Z7, Z7,
            "1 0 0 0 0 0 1", Z7, Z7,
            Z7, Z7, Z7, Z7, Z7,
            Z7, Z7, Z7,
            "8 0 0 0 0 0 8", Z7,
        ],
        "review": ["1 0 0 0 1", "0 1 0 0 1", Z5],
    },
    "003_6e817ece59bf6a07.txt": {
        "agency": "安阳县人民政府", "year": 2021,
        "proactive": {
            ("regulation", "issued"): "0", ("regulation", "repealed"): "-1", ("regulation", "in_force"): "0",
            ("normative_document", "issued"): "9", ("normative_document", "repealed"): "25",
            ("normative_document", "in_force"): "9",
            ("administrative_license", "decisions"): "5060", ("administrative_penalty", "decisions"): "1238",
            ("administrative_coercion", "decisions"): "4", ("administrative_fee", "fee_amount"): "96.6252",
        },
        "applications": [
            "54 4 0 0 0 0 58", Z7, "50 4 0 0 0 0 54", Z7,
            Z7, Z7, Z7, Z7, Z7, Z7, Z7, Z7,
            Z7, "1 0 0 0 0 0 1", Z7,
            Z7, Z7, Z7, Z7, Z7,
            "1 0 0 0 0 0 1", Z7, Z7,
            "52 4 0 0 0 0 56", "2 0 0 0 0 0 2",
        ],
        "review": ["6 1 0 2 9", "1 0 3 8 12", Z5],
    },
    "004_f01d4dbb51cf7cd1.txt": {
        "agency": "新乡高新技术产业开发区管理委员会", "year": 2024,
        "proactive": {
            ("regulation", "issued"): "0", ("regulation", "repealed"): "0", ("regulation", "in_force"): "0",
            ("normative_document", "issued"): "0", ("normative_document", "repealed"): "0",
            ("normative_document", "in_force"): "2",
            ("administrative_license", "decisions"): "319", ("administrative_penalty", "decisions"): "32",
            ("administrative_coercion", "decisions"): "0", ("administrative_fee", "fee_amount"): "289",
        },
        "applications": [
            "4 0 0 0 0 0 4", Z7, "4 0 0 0 0 0 4", Z7,
            Z7, Z7, Z7, Z7, Z7, Z7, Z7, Z7,
            Z7, Z7, Z7,
            Z7, Z7, Z7, Z7, Z7,
            Z7, Z7, Z7,
            "4 0 0 0 0 0 4", Z7,
        ],
        "review": ["0 1 0 0 1", Z5, Z5],
    },
}


def application_cells(seed: str) -> dict[tuple[str, str], str]:
    """(outcome, applicant_type) -> printed text."""
    rows = SEEDS[seed]["applications"]
    assert len(rows) == len(APPLICATION_ROWS)
    return {(r, a): v for r, line in zip(APPLICATION_ROWS, rows, strict=True)
            for a, v in zip(APPLICANTS, line.split(), strict=True)}


def review_cells(seed: str) -> dict[tuple[str, str], str]:
    """(proceeding, result) -> printed text."""
    return {(p, r): v for p, line in zip(PROCEEDINGS, SEEDS[seed]["review"], strict=True)
            for r, v in zip(RESULTS, line.split(), strict=True)}
