"""End to end: the Dagster job loads the seeds into DuckDB; every fact equals the document."""

from decimal import Decimal

from tests.expected_seeds import SEEDS, application_cells, review_cells


def _report_ids(query):
    return {src: rid for rid, src in query("SELECT report_id, source_file FROM reports")}


def test_statuses(query):
    statuses = dict(query("SELECT source_file, status FROM reports"))
    assert statuses == {
        "000_4878a5074e723ab1.txt": "loaded",
        "001_3e089bbee027005d.txt": "loaded",
        "002_4506cd2fdf4d2994.txt": "loaded",
        "003_6e817ece59bf6a07.txt": "partial",
        "004_f01d4dbb51cf7cd1.txt": "loaded",
    }


def test_agencies_and_years(query):
    rows = query("SELECT r.source_file, a.name, r.year FROM reports r JOIN dim_agency a USING (agency_id)")
    assert {src: (name, year) for src, name, year in rows} == {
        src: (seed["agency"], seed["year"]) for src, seed in SEEDS.items()
    }


def test_applications_facts_equal_the_documents(query):
    ids = _report_ids(query)
    for src in SEEDS:
        rows = query(
            "SELECT outcome, applicant_type, count, raw FROM fact_applications WHERE report_id = ?", [ids[src]]
        )
        assert {(o, a): raw for o, a, _, raw in rows} == application_cells(src)
        assert all(count == int(raw) for _, _, count, raw in rows)


def test_review_facts_equal_the_documents(query):
    ids = _report_ids(query)
    for src in SEEDS:
        rows = query("SELECT proceeding, result, count FROM fact_review_litigation WHERE report_id = ?", [ids[src]])
        assert {(p, r): str(c) for p, r, c in rows} == review_cells(src)


def test_proactive_facts_loaded_except_003(query):
    ids = _report_ids(query)
    for src, seed in SEEDS.items():
        rows = query("SELECT item, measure, value FROM fact_proactive_disclosure WHERE report_id = ?", [ids[src]])
        if src.startswith("003"):
            assert rows == []
            continue
        assert {(i, m): v for i, m, v in rows} == {k: Decimal(v) for k, v in seed["proactive"].items()}


def test_003_proactive_table_quarantined_with_reason(query):
    ids = _report_ids(query)
    rid = ids["003_6e817ece59bf6a07.txt"]
    (reason,) = query("SELECT reason FROM reports WHERE report_id = ?", [rid])[0]
    assert "二、主动公开政府信息情况" in reason
    assert "non_negative_count" in reason
    assert "规章 / 本年废止件数 = -1" in reason
    assert "line 60" in reason
    quarantined = query(
        "SELECT item, measure, value, raw FROM quarantine_proactive_disclosure WHERE report_id = ?", [rid]
    )
    assert len(quarantined) == 10
    assert ("regulation", "repealed", Decimal("-1"), "-1") in quarantined
    assert query("SELECT count(*) FROM quarantine_applications")[0][0] == 0
    assert query("SELECT count(*) FROM quarantine_review_litigation")[0][0] == 0
    (loaded,) = query("SELECT tables_loaded FROM reports WHERE report_id = ?", [rid])[0:1][0]
    assert sorted(loaded) == ["applications", "review_litigation"]


def test_row_counts(query):
    counts = {
        t: query(f"SELECT count(*) FROM {t}")[0][0]
        for t in (
            "fact_applications",
            "fact_proactive_disclosure",
            "fact_review_litigation",
            "quarantine_proactive_disclosure",
        )
    }
    assert counts == {
        "fact_applications": 5 * 175,
        "fact_proactive_disclosure": 4 * 10,
        "fact_review_litigation": 5 * 15,
        "quarantine_proactive_disclosure": 10,
    }


def test_dq_results_record_every_check(query):
    rows = query("SELECT suite, expectation, success FROM dq_results")
    per_report = {}
    for suite, exp, ok in rows:
        per_report.setdefault((suite, exp), []).append(ok)
    assert per_report[("applications_by_applicant_2021", "column_balance")] == [True] * 5
    assert sorted(per_report[("cells", "non_negative_count")]) == [False] + [True] * 14
    failed = query("SELECT report_id, table_name, details FROM dq_results WHERE NOT success AND severity = 'critical'")
    assert len(failed) == 1 and failed[0][1] == "proactive_disclosure"
    # Warnings, checked by hand against the documents: 003's narrative says 31 applications, 1 review
    # and 2 lawsuits where its tables say 58, 9 and 12; 000 (a development zone) prints a fee of 10027 万元.
    warnings = query(
        "SELECT r.source_file, d.suite, d.expectation, d.table_name FROM dq_results d JOIN reports r USING (report_id) "
        "WHERE NOT d.success AND d.severity = 'warning' ORDER BY 1, 2, 3"
    )
    assert warnings == [
        ("000_4878a5074e723ab1.txt", "plausibility", "fee_development_zone", "proactive_disclosure"),
        ("003_6e817ece59bf6a07.txt", "narrative", "narrative_applications_received", "applications"),
        ("003_6e817ece59bf6a07.txt", "narrative", "narrative_lawsuits", "review_litigation"),
        ("003_6e817ece59bf6a07.txt", "narrative", "narrative_reviews", "review_litigation"),
    ]
    # a narrative that states nothing is not checked: 002 and 004 have no narrative rows, 001 only applications
    narrative = query(
        "SELECT r.source_file, count(*) FROM dq_results d JOIN reports r USING (report_id) "
        "WHERE d.suite = 'narrative' GROUP BY 1 ORDER BY 1"
    )
    assert narrative == [
        ("000_4878a5074e723ab1.txt", 3),
        ("001_3e089bbee027005d.txt", 1),
        ("003_6e817ece59bf6a07.txt", 3),
    ]


def test_dimensions_come_from_the_form(query):
    assert query("SELECT count(*) FROM dim_outcome")[0][0] == 30
    assert query("SELECT label_zh FROM dim_outcome WHERE outcome = 'handled_total'") == [("（七）总计",)]
    assert [r[0] for r in query("SELECT applicant_type FROM dim_applicant_type ORDER BY sort_order")] == [
        "natural_person",
        "commercial_enterprise",
        "research_institution",
        "social_welfare_org",
        "legal_service_org",
        "other_org",
        "total",
    ]
    assert query("SELECT province, city, county, level, kind FROM dim_agency WHERE name = '安阳县人民政府'") == [
        ("河南省", "安阳市", "安阳县", "county", "people_government")
    ]


def test_views(query):
    wide = query(
        "SELECT natural_person, commercial_enterprise, total FROM v_applications_wide "
        "WHERE agency = '安阳县人民政府' AND outcome = 'new_received'"
    )
    assert wide == [(54, 4, 58)]
    rows = query(
        "SELECT agency, year, applications_received, disclosure_rate, reviews, review_correction_rate "
        "FROM v_agency_year ORDER BY agency"
    )
    assert len(rows) == 5
    anyang = next(r for r in rows if r[0] == "安阳县人民政府")
    assert anyang[1:3] == (2021, 58)
    assert round(anyang[3], 4) == round(54 / 56, 4)
    assert anyang[4] == 9 and round(anyang[5], 4) == round(1 / 7, 4)
