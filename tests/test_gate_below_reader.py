"""The gate cases of tests/test_gate_rules.py below the Dagster job, fast enough to run once per
mutant (``make mutate``): the reports are read once per process, then staged, validated and
gated as one batch (tests/staged_reports.run_parsed, the ingest job's own steps).

And the form module's derived arithmetic, called at test time, compared with the hand-typed
statement (tests/form_by_hand.py): ``pipeline.form.equations()`` must state exactly FORM.md's
rules for every row and column of both templates.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from pipeline import form
from pipeline.parse import ParsedReport, parse_document
from pipeline.readers import read_document
from tests import form_by_hand as F
from tests.staged_reports import run_parsed
from tests.test_gate_rules import CASES, Case, _file, _snapshot, base_tables, check_broken, check_loaded, render

# One case of every kind of break, in every layout (the full set runs through Dagster in
# test_gate_rules): every rule, total and part columns, leaf and non-leaf rows, each table's
# negative counts and amounts, the signed 本年增/减, a pair of negatives, totals not printed.
_KINDS = (
    "-balance-商业企业", "-balance-总计", "-outcome-total-其他", "-outcome-total-总计",
    f"-row-total-{F.NEW}", f"-row-total-{F.HANDLED_TOTAL}", "-row-total-3.其他", f"-row-total-{F.OTHER_HANDLING}",
    "-row-total-（一）予以公开", f"-row-total-{F.CARRIED_FORWARD}",
    "-review-行政复议-总计", "-review-复议后起诉-尚未审结",
    "-negative-规章-本年制发件数", "-negative-规范性文件-对外公开总数量",
    "-negative-行政事业性收费-本年收费金额（单位：万元）",
    "-negative-政府集中采购-采购总金额", "-negative-政府集中采购-采购项目数量", "-signed-行政许可-本年增/减",
    "-negative-未经复议直接起诉-其他结果", "-negative-行政复议-总计",
    "-negative-6.属于四类过程性信息-科研机构", "-negative-4.保护第三方合法权益-总计",
    "-placeholder-1.属于国家秘密-科研机构", f"-placeholder-{F.NEW}-社会公益组织",
    "-not-printed-（一）予以公开", "-not-printed-（七）总计", "-not-printed-行政复议",
    "-not-printed-复议后起诉-parts-1", "-not-printed-（一）予以公开-outcome-total-自然人",
)  # fmt: skip
FAST = [c for c in CASES if any(c.name == c.layout + k for k in _KINDS)]
_BASE = {
    layout: Case(f"base-{layout}", layout, {}, agency=agency, year=year)
    for layout, agency, year in zip(
        F.LAYOUTS,
        ("鹤壁市淇滨区人民政府", "鹤壁市山城区人民政府", "鹤壁市鹤山区人民政府"),
        (2020, 2021, 2022),
        strict=True,
    )
}
_PARSED: dict[str, ParsedReport] = {}


def _read(cases: list[Case]) -> dict[str, ParsedReport]:
    """Each report rendered and read by the project's text reader, once per process (a forked
    mutant run reuses them: the reader is not what is mutated here)."""
    if not _PARSED:
        with tempfile.TemporaryDirectory() as tmp:
            for case in cases:
                path = Path(tmp) / (_file(case) if case in CASES else f"{case.name}.txt")
                path.write_text(render(case.layout, case.agency, case.year, case.tables())[0], encoding="utf-8")
                _PARSED[path.name] = parse_document(read_document(path))
    return _PARSED


def test_every_case_below_the_reader(tmp_path):
    """One batch, every case checked in this one test (not one test per case over a fixture):
    mutmut runs only the tests that called the mutated function, and a fixture is called by
    the first test alone."""
    reports = _read([*FAST, *_BASE.values()])
    run = _snapshot(run_parsed(tmp_path, reports))
    errors = []
    checks = [(_file(c), c, check_broken) for c in FAST] + [(f"{c.name}.txt", c, check_loaded) for c in _BASE.values()]
    for name, case, check in checks:
        try:
            check(run, name, case)
        except AssertionError as e:
            errors.append(f"{case.name}: {e}")
    assert not errors, "\n".join(errors)


def test_the_selection_covers_every_kind():
    assert [sum(c.layout == x for c in FAST) for x in F.LAYOUTS] == [26, 24, 9]
    assert len(_BASE) == 3


# --- the form module's own arithmetic, against the hand-typed one ---------------------------


def _label(dimension: str, code: str) -> str:
    return form.label_zh(dimension, code)


def _pipeline_instances(layout: str, subtotals: bool = False) -> list[tuple]:
    """Every equation instance ``form.equations()`` applies to a table of ``layout`` (with
    subtotal rows above every group of sub-rows, if ``subtotals``), in labels, as (rule, table,
    whether its first term is a printed total, row or column, lhs cells, rhs cells); a list, so
    that an equation applying twice (e.g. to both templates) shows."""
    template = F.TEMPLATE_OF[layout]
    # the layout flags of a table printing exactly these rows, as the frames compute them
    printed = {m.code for m in form.OUTCOMES if m.label_zh in F.outcome_rows(layout)}
    flags = form.layout(
        printed | ({g for g in form.GROUPS if g != "other_handling" or template == "2021"} if subtotals else set())
    )
    out = []

    def add(eq: form.Equation, member: str, lhs: list[tuple[str, str]], rhs: list[tuple[str, str]]) -> None:
        out.append((eq.name, eq.table, eq.sums_parts, member, tuple(sorted(lhs)), tuple(sorted(rhs))))

    for eq in form.equations():
        if eq.template not in (None, template) or not eq.applies(flags):
            continue
        assert eq.blocking, eq.name
        if eq.frame == "applications_by_applicant":
            for c in form.APPLICANT_TYPES:
                add(eq, c.label_zh, [(_label("outcome", r), c.label_zh) for r in eq.lhs], [
                    (_label("outcome", r), c.label_zh) for r in eq.rhs
                ])  # fmt: skip
        elif eq.frame == "applications_by_outcome":
            for r in F.outcome_rows(layout):
                add(eq, r, [(r, _label("applicant_type", c)) for c in eq.lhs], [
                    (r, _label("applicant_type", c)) for c in eq.rhs
                ])  # fmt: skip
        else:
            assert eq.frame == "review_litigation_by_proceeding", eq.frame
            for p in form.PROCEEDINGS:
                add(eq, p.label_zh, [(p.label_zh, _label("result", c)) for c in eq.lhs], [
                    (p.label_zh, _label("result", c)) for c in eq.rhs
                ])  # fmt: skip
    return sorted(out)


def _hand(i: F.Instance) -> tuple:
    return (
        F.RULES[i.rule], F.TABLE_NAMES[i.table], i.rule != "column_balance", i.member,
        tuple(sorted(i.lhs)), tuple(sorted(i.rhs)),
    )  # fmt: skip


@pytest.mark.parametrize("layout", F.LAYOUTS)
def test_form_equations_are_the_hand_typed_ones(layout):
    assert _pipeline_instances(layout) == sorted(_hand(i) for i in F.instances(layout))
    wording = {F.RULES[r]: w for r, w in F.WORDING.items()}
    for eq in form.equations():
        if eq.name in wording:
            assert eq.description_zh.startswith(wording[eq.name]), eq.name
    (one_row,) = [eq for eq in form.equations() if eq.name == F.RULES["outcome_total_six_as_one_row"]]
    assert F.OTHER_HANDLING in one_row.description_zh  # names the row printed as one


def test_form_subtotal_equations_are_the_hand_typed_ones():
    """A 2021 table printing （三）–（六） with numbers above their sub-rows: each is verified
    against its sub-rows, column by column, and the outcome total still sums the leaves."""
    subtotal = [
        (F.SUBTOTAL_RULES[head], "applications", True, c, ((head, c),), tuple(sorted((r, c) for r in subs)))
        for head, subs in F.subtotals("2021").items()
        for c in F.COLUMNS
    ]
    hand = [_hand(i) for i in F.instances("2021")]
    assert _pipeline_instances("2021", subtotals=True) == sorted(hand + subtotal)
    heads = {rule: head for head, rule in F.SUBTOTAL_RULES.items()}
    descriptions = {eq.name: eq.description_zh for eq in form.equations() if eq.name in heads}
    assert descriptions == {
        rule: f"{head}（小计行）= 1-{len(F.subtotals('2021')[head])} 之和" for rule, head in heads.items()
    }


def test_layout_flags_of_the_printed_rows():
    """（三） printed with numbers and one of its sub-rows: a subtotal; （六） printed alone: one row."""
    flags = form.layout({"withheld", "withheld_state_secret", "other_handling", "granted"})
    assert flags == {
        "subtotal_withheld": True,
        "one_row_withheld": False,
        "subtotal_unable_to_provide": False,
        "one_row_unable_to_provide": False,
        "subtotal_not_processed": False,
        "one_row_not_processed": False,
        "subtotal_other_handling": False,
        "one_row_other_handling": True,
    }


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_form_rows_and_cells_are_the_hand_typed_ones(template):
    t = form.TEMPLATES[template]
    assert [_label("outcome", m.code) for m in t.value_rows] == list(F.outcome_rows(template))
    assert [_label("outcome", c) for c in t.leaf_rows] == list(F.leaves(template))
    assert [m.label_zh for m in form.APPLICANT_TYPES] == list(F.COLUMNS)
    assert [m.label_zh for m in form.RESULTS] == list(F.RESULTS)
    assert [m.label_zh for m in form.PROCEEDINGS] == list(F.PROCEEDINGS)
    cells = [
        (form.label_zh("item", i.code, template), _label("measure", m), form.MEASURES_BY_CODE[m].kind)
        for b in t.proactive
        for i in b.items
        for m in b.measures
    ]
    assert cells == list(F.proactive_cells(template))
    assert [b.article for b in t.proactive] == [b.article for b in F.PROACTIVE_BLOCKS[template]]
    # without a template, an item is named as the 2021 form prints it (the 2019-only items as 2019 does)
    named = [form.label_zh("item", i.code) for b in t.proactive for i in b.items]
    printed = [i for b in F.PROACTIVE_BLOCKS[template] for i in b.items]
    assert named == [{"规范性文件": "行政规范性文件"}.get(i, i) for i in printed]
    assert form.label_zh("outcome", "no_such_row") == "no_such_row"  # an unknown code is shown as is


def test_exception_messages_of_every_metric():
    """GX 1.x keys exception_info by metric; a flat {raised_exception, ...} is read too."""
    from pipeline.quality.validate import _raised

    def err(message: str) -> dict:
        return {"raised_exception": True, "exception_message": message, "exception_traceback": "..."}

    ok = {"raised_exception": False, "exception_message": None}
    assert _raised({"m1": err("column a missing"), "m2": ok, "m3": err("column b missing")}) == (
        "column a missing; column b missing"
    )
    assert _raised({"m1": err("same"), "m2": err("same")}) == "same"
    assert _raised(err("flat")) == "flat"
    assert (_raised({}), _raised(None), _raised({"m": ok}), _raised(ok)) == (None, None, None, None)


def test_no_suites_no_validation(tmp_path):
    from pipeline.quality.suites import load_suites

    with pytest.raises(RuntimeError) as raised:
        load_suites(tmp_path)
    assert str(raised.value) == f"no expectation suites in {tmp_path}"


def test_base_tables_are_those_rendered():
    """The fast run reads the same documents the Dagster run does."""
    for layout in F.LAYOUTS:
        assert base_tables(layout) == _BASE[layout].tables()


# --- validation itself: what a run records and renders ----------------------------------------


def _staged(tmp_path: Path, names: list[str]):
    """Two reports (a repaired 2021 one and one with a broken column balance) staged, as the
    ingest job stages them, for calling the validator directly."""
    import hashlib
    from datetime import UTC, datetime

    from pipeline import ingest, warehouse

    parsed = _read([*FAST, *_BASE.values()])
    now = datetime.now(UTC).replace(tzinfo=None)
    results = [
        ingest.FileResult(
            ingest.RawFile(n, str(tmp_path / n), hashlib.sha256(n.encode()).hexdigest(), 1, now), parsed[n]
        )
        for n in names
    ]
    build = warehouse.start_build(tmp_path / "gongkai.duckdb", "run-direct")
    ingest.stage(build, results, "run-direct")
    return build


def test_validation_counts_renders_docs_and_prints_no_progress_bars(tmp_path, capfd):
    """Two 2021 reports: the suites whose frame has rows run (not the 2019 one, not the narrative:
    these reports state no numbers in prose): 3 + 4 (subtotals) + 1 + 1 + 4 (cells) + 3
    (completeness) + 1 (identity) + 2 (plausibility) + 1 (reading) + 1 (totals) = 21 expectations.
    Results, one per expectation and report it applies to: column balance and outcome total 2 each,
    row total 2, review 2, cells 4 x 6 (report, table) pairs, completeness 3 x 2, identity 2,
    plausibility 0 (no development zone, no earlier years), reading 6, totals 4 = 50; one fails."""
    from pipeline import warehouse
    from pipeline.quality import validate

    broken = next(c for c in FAST if c.name == "2021-balance-商业企业")
    build = _staged(tmp_path, ["base-2021.txt", _file(broken)])
    docs = tmp_path / "docs"
    capfd.readouterr()
    with warehouse.connect(build.path) as con:
        outcome = validate.run(con, "run-direct", docs_dir=docs)
    assert "Calculating Metrics" not in capfd.readouterr().err  # GX's progress bars are off
    assert outcome.expectations_run == 21
    assert outcome.summary() == {"expectations_run": 21, "results": 50, "failed_results": 1, "reports_blocked": 1}
    assert (docs / "index.html").is_file()
    validated_at = outcome.dq_rows[0]["validated_at"]
    stamp = validated_at.strftime("%Y%m%dT%H%M%S.%fZ")
    # GX files each validation result under the run's name and time: this run's
    runs = {p.parent.parent.name + "/" + p.parent.name for p in (docs / "validations").rglob("*.html")}
    assert runs == {f"run-direct/{stamp}"}
    assert {r["run_id"] for r in outcome.dq_rows} == {"run-direct"}


def test_an_expectation_that_raises_stops_the_run(tmp_path, monkeypatch):
    """An expectation GX could not evaluate must never pass as 'no failing rows'."""
    from pipeline import warehouse
    from pipeline.quality import suites, validate

    committed = suites.load_suites()
    cells = committed["cells"]
    bad = {
        **cells,
        "expectations": [{**cells["expectations"][0], "kwargs": {"column": "no_such_column", "min_value": 0}}],
    }
    monkeypatch.setattr(validate, "load_suites", lambda: {"cells": bad})
    build = _staged(tmp_path, ["base-2021.txt"])
    with warehouse.connect(build.path) as con, pytest.raises(RuntimeError) as raised:
        validate.run(con, "run-direct")
    assert str(raised.value).startswith("suite cells, non_negative_count: ")
    assert "no_such_column" in str(raised.value)


def test_a_failure_that_names_no_failing_row_stops_the_run():
    """GX reporting an expectation failed without an unexpected row would otherwise pass every
    report: the verdicts are read from the failing rows."""
    from types import SimpleNamespace

    from pipeline.quality.validate import Validation, _record

    result = SimpleNamespace(exception_info={}, success=False, result={"unexpected_index_list": []})
    exp = {"severity": "critical", "meta": {"rule": "row_total"}, "kwargs": {}}
    with pytest.raises(RuntimeError, match="suite applications_by_applicant, row_total: failed without naming"):
        _record(Validation(), "applications_by_applicant", exp, result, None, {}, "run", None, {})
