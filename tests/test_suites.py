"""The committed GX suites agree with the form definition, and GX loads every expectation."""

import great_expectations as gx

from pipeline import form
from pipeline.quality.suites import SUITES_DIR, build_suites, load_suites


def test_committed_suites_equal_the_generated_ones():
    assert load_suites() == build_suites(), "run `gongkai suites` and commit expectations/"
    assert sorted(p.stem for p in SUITES_DIR.glob("*.json")) == sorted(build_suites())


def test_every_equation_of_the_form_is_an_expectation():
    expectations = [
        (s["meta"].get("template"), e["meta"]["rule"], e["kwargs"]["column_A"], e["kwargs"]["column_B"])
        for s in load_suites().values()
        for e in s["expectations"]
        if "column_A" in e["kwargs"] and s["meta"]["frame"] in {eq.frame for eq in form.EQUATIONS}
    ]
    assert sorted(expectations, key=str) == sorted(
        ((eq.template, eq.name, " + ".join(eq.lhs), " + ".join(eq.rhs)) for eq in form.EQUATIONS), key=str
    )


def test_column_balance_is_the_printed_rule():
    exp = load_suites()["applications_by_applicant_2021"]["expectations"][0]
    assert exp["kwargs"] == {
        "column_A": "new_received + carried_over",
        "column_B": "handled_total + carried_forward",
        "row_condition": "not_printed_column_balance==0",  # a column whose total was not printed is skipped
        "condition_parser": "pandas",
    }
    assert exp["severity"] == "critical"


def test_outcome_total_sums_the_leaves_of_each_template():
    suites = load_suites()
    rhs_2021 = suites["applications_by_applicant_2021"]["expectations"][1]["kwargs"]["column_B"].split(" + ")
    rhs_2019 = suites["applications_by_applicant_2019"]["expectations"][1]["kwargs"]["column_B"].split(" + ")
    assert len(rhs_2021) == 21 and rhs_2021[-3:] == ["other_no_correction", "other_fee_unpaid", "other_other"]
    assert len(rhs_2019) == 19 and rhs_2019[-1] == "other_handling"


def test_gx_loads_every_expectation():
    for name, spec in load_suites().items():
        suite = gx.ExpectationSuite(**spec)
        assert len(suite.expectations) == len(spec["expectations"]) > 0, name


def test_checks_beyond_one_table_are_warnings():
    suites = load_suites()
    for name in ("narrative", "plausibility", "completeness"):
        assert {e["severity"] for e in suites[name]["expectations"]} == {"warning"}, name
    rules = [e["meta"]["rule"] for e in suites["narrative"]["expectations"]]
    assert rules == ["narrative_applications_received", "narrative_reviews", "narrative_lawsuits"]
    fee = suites["plausibility"]["expectations"][0]
    assert fee["type"] == "expect_column_values_to_be_between" and fee["kwargs"]["max_value"] == 1000


def test_warning_rules_do_not_block():
    severities = {e["meta"]["rule"]: e["severity"] for e in load_suites()["cells"]["expectations"]}
    assert severities == {
        "non_negative_count": "critical",
        "integer_count": "critical",
        "non_negative_amount": "critical",
        "amount_decimals": "warning",
    }


def test_every_expectation_explains_its_failure_in_chinese_and_english():
    """The dashboard shows these words (one judge): none may be missing, and GX keeps them."""
    for name, spec in load_suites().items():
        suite = gx.ExpectationSuite(**spec)
        for exp, loaded in zip(spec["expectations"], suite.expectations, strict=True):
            assert exp["meta"]["explain_zh"] and exp["meta"]["explain_en"], (name, exp["meta"]["rule"])
            assert loaded.meta["explain_zh"] == exp["meta"]["explain_zh"], (name, exp["meta"]["rule"])
    cells = {e["meta"]["rule"]: e["meta"] for e in load_suites()["cells"]["expectations"]}
    assert (cells["non_negative_count"]["explain_zh"], cells["non_negative_count"]["explain_en"]) == (
        "件数为负",
        "a count is negative",
    )
