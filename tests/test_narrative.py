"""Narrative claims: what the prose of each seed states, and what it does not."""

import pytest

from pipeline.parse.narrative import extract_claims, narrative_text
from tests.conftest import RAW


def _claims(name: str) -> dict[str, int]:
    from pathlib import Path

    from pipeline.parse import parse_document
    from pipeline.readers import read_document

    parsed = parse_document(read_document(Path(RAW / name)))
    return {c.claim: c.value for c in extract_claims(parsed.narrative)}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("000_4878a5074e723ab1.txt", {"applications_received": 8, "reviews": 1, "lawsuits": 1}),
        ("001_3e089bbee027005d.txt", {"applications_received": 3}),
        ("002_4506cd2fdf4d2994.txt", {}),
        ("003_6e817ece59bf6a07.txt", {"applications_received": 31, "reviews": 1, "lawsuits": 2}),
        # "共接到网上申请 1 条，信件申请 3": per channel, no total stated
        ("004_f01d4dbb51cf7cd1.txt", {}),
    ],
)
def test_seed_claims(name, expected):
    assert _claims(name) == expected


def test_claims_wrapped_over_lines_and_table_cells_ignored():
    body = (
        "一、总体情况\n全年共受\n理政府信息公开申请 12 件。\n"
        "二、主动公开政府信息情况\n行政复议 0件\n五、存在的主要问题\n"
    )
    assert narrative_text(body).count("行政复议") == 0
    assert [(c.claim, c.value) for c in extract_claims(body)] == [("applications_received", 12)]


def test_traditional_script_and_full_width_digits():
    body = "我單位2021年度共受\n理政府信息公開申請３１件。信息公開行政複議1件，信\n息公開類行政訴訟2件。"
    assert {c.claim: c.value for c in extract_claims(body)} == {
        "applications_received": 31,
        "reviews": 1,
        "lawsuits": 2,
    }


def test_silence_is_no_claim():
    assert extract_claims("本机关认真做好依申请公开工作。") == []
