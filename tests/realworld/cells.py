"""Spelling a printed row of a statutory table as form-coded cells, for the typed expectations.

Only the zipping is done here: every printed text passed in was typed by hand from the document.
"""

from __future__ import annotations

from decimal import Decimal

# Table 三's seven columns in printed order: 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计.
APPLICANTS = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
    "total",
)
# Table 四's five columns per block in printed order: 结果维持, 结果纠正, 其他结果, 尚未审结, 总计.
RESULTS = ("upheld", "corrected", "other", "pending", "total")

Cells = dict[tuple[str, str], str]


def applications_row(outcome: str, *printed: str) -> Cells:
    """One printed row of table 三: its seven cells, 自然人 … 总计."""
    assert len(printed) == len(APPLICANTS), (outcome, printed)
    return {(outcome, col): text for col, text in zip(APPLICANTS, printed, strict=True)}


def review_block(proceeding: str, *printed: str) -> Cells:
    """One block of table 四's data row: 结果维持, 结果纠正, 其他结果, 尚未审结, 总计."""
    assert len(printed) == len(RESULTS), (proceeding, printed)
    return {(proceeding, col): text for col, text in zip(RESULTS, printed, strict=True)}


ZEROS_7 = ("0",) * 7
ZEROS_5 = ("0",) * 5

# What FORM.md says a printed cell holds: a blank or a placeholder holds no number (NULL);
# a number may carry a unit (251000元). Only the forms printed in these six documents.
_NO_NUMBER = {"", "—", "-", "/", "无"}
_UNITS = ("万元", "元", "件")


def number_of(printed: str) -> Decimal | None:
    """The number a printed cell holds, or None for a blank or placeholder."""
    text = printed.strip()
    if text in _NO_NUMBER:
        return None
    for unit in _UNITS:
        text = text.removesuffix(unit)
    return Decimal(text)


def with_numbers(cells: Cells) -> dict[tuple[str, str], tuple[str, Decimal | None]]:
    """{(row, col): printed} -> {(row, col): (printed, number)}, the shape tests compare."""
    return {key: (printed, number_of(printed)) for key, printed in cells.items()}
