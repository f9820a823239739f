"""The example analyst queries in warehouse/queries/ run and give the documents' numbers."""

from pathlib import Path

import pytest

QUERIES = sorted((Path(__file__).resolve().parents[1] / "warehouse" / "queries").glob("*.sql"))


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.name)
def test_query_runs(query, path):
    rows = query(path.read_text(encoding="utf-8"))
    assert rows, f"{path.name} returned no rows on the seed warehouse"


def _run(query, name):
    return query(next(p for p in QUERIES if p.name.startswith(name)).read_text(encoding="utf-8"))


def test_applicant_mix(query):
    rows = _run(query, "02")
    # new applications: 8 + 3 + 8 + 54 + 4 = 77 natural persons, 4 commercial enterprises (seed 003)
    assert rows[0][:2] == ("自然人", 77)
    assert rows[1][:2] == ("商业企业", 4)


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
