"""The example analyst queries in warehouse/queries/ run and give the documents' numbers."""

from pathlib import Path

import pytest

QUERIES = sorted((Path(__file__).resolve().parents[1] / "warehouse" / "queries").glob("*.sql"))


# Rows each query returns on the five seeds: one per loaded or partial report (01, 04), per
# applicant type (02: the six columns summed into 总计), per refusal reason printed non-zero (03, see below), per
# problem report (05: 003 alone), per file (06).
ROW_COUNTS = {
    "01_applications_by_agency_year.sql": 5,
    "02_applicant_mix.sql": 6,
    "03_refusal_reasons.sql": 5,
    "04_review_litigation_outcomes.sql": 5,
    "05_quarantine_and_failures.sql": 1,
    "06_every_file.sql": 5,
}


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.name)
def test_query_runs(query, path):
    rows = query(path.read_text(encoding="utf-8"))
    assert len(rows) == ROW_COUNTS[path.name], f"{path.name} on the seed warehouse"


def test_applications_by_agency_year(query):
    """tests/expected_seeds.py, table 三: 一 总计, （七）总计, and (（一）+（二）) / （七） rounded to 4
    places; all five agencies are in 河南省, ordered by name (code points: 南 < 安 < 新 < 济, 县 < 高)."""
    assert _run(query, "01") == [
        ("南阳高新技术产业开发区管理委员会", "河南省", 2023, 8, 8, 0.625),  # 002: (5 + 0) / 8
        ("安阳县人民政府", "河南省", 2021, 58, 56, 0.9643),  # 003: (54 + 0) / 56 = 0.964285...
        ("安阳高新技术产业开发区人民政府", "河南省", 2021, 8, 8, 1.0),  # 000: 8 / 8
        ("新乡高新技术产业开发区管理委员会", "河南省", 2024, 4, 4, 1.0),  # 004: 4 / 4
        ("济源虎岭高新技术产业开发区管理办公室", "河南省", 2021, 3, 3, 0.3333),  # 001: 1 / 3
    ]


def test_review_litigation_outcomes(query):
    """tests/expected_seeds.py, table 四: reviews = 行政复议 总计, lawsuits = the two litigation 总计;
    correction rate = 纠正 / (总计 - 尚未审结), NULL when nothing was decided; ordered by
    reviews + lawsuits, then name."""
    assert _run(query, "04") == [
        ("安阳县人民政府", 2021, 9, 1, 0.1429, 12, 0, 0.0),  # 003: 6 1 0 2 9 -> 1 / 7; 1 0 3 8 12 -> 0 / 4
        ("南阳高新技术产业开发区管理委员会", 2023, 1, 0, 0.0, 1, 1, 1.0),  # 002: 1 0 0 0 1; 0 1 0 0 1
        ("安阳高新技术产业开发区人民政府", 2021, 1, 0, 0.0, 1, 0, 0.0),  # 000: 1 0 0 0 1; 1 0 0 0 1
        ("新乡高新技术产业开发区管理委员会", 2024, 1, 1, 1.0, 0, 0, None),  # 004: 0 1 0 0 1; no lawsuits
        ("济源虎岭高新技术产业开发区管理办公室", 2021, 0, 0, None, 0, 0, None),  # 001: all 0
    ]


def _run(query, name):
    return query(next(p for p in QUERIES if p.name.startswith(name)).read_text(encoding="utf-8"))


def test_applicant_mix(query):
    # new applications: 8 + 3 + 8 + 54 + 4 = 77 natural persons, 4 commercial enterprises (seed 003),
    # no other applicant; shares of 81, rounded to 4 places
    assert _run(query, "02") == [
        ("自然人", 77, 0.9506),
        ("商业企业", 4, 0.0494),
        ("科研机构", 0, 0.0),
        ("社会公益组织", 0, 0.0),
        ("法律服务机构", 0, 0.0),
        ("其他", 0, 0.0),
    ]


def test_refusal_reasons(query):
    rows = {(cat, reason): n for _, cat, reason, n in _run(query, "03")}
    # 不掌握: 001 (2) + 002 (1); 另行制作: 003 (1); 内部事务 and 过程性: 002 (1 each); 不补正: 003 (1)
    assert rows == {
        ("（四）无法提供", "1.本机关不掌握相关政府信息"): 3,
        ("（四）无法提供", "2.没有现成信息需要另行制作"): 1,
        ("（三）不予公开", "5.属于三类内部事务信息"): 1,
        ("（三）不予公开", "6.属于四类过程性信息"): 1,
        ("（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"): 1,
    }


def test_quarantine_query_names_003(query):
    rows = _run(query, "05")
    assert [(r[0], r[1]) for r in rows] == [("003_6e817ece59bf6a07.txt", "partial")]
