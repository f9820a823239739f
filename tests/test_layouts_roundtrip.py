"""Round trip: random valid reports rendered in every layout family and format
(tools/layouts), read back by the project's reader, every cell compared with what was rendered.

- Misread (a table loaded with a cell that differs from what was printed, or a number that
  its printed text does not say) must never happen, in any family or format.
- Families that must be read ('exact') must load every table exactly. Combinations the reader
  cannot read yet are listed in KNOWN_GAPS (xfail): delete an entry when it passes.
- Injected arithmetic defects must end quarantined by the warehouse gate.

Fixed seeds; run more with ``python -m tools.layouts -n 2000 --seed 7``.
"""

from __future__ import annotations

import random
from functools import lru_cache
from pathlib import Path

import duckdb
import pytest

from tools.layouts import harness, model
from tools.layouts.families import EXACT, FAMILIES, FORMATS

SEED = 1
PER_COMBO = 4  # cases per family and format: 12 families x 6 formats + 3 text-only families, x 4

# (family, format) pairs the reader does not yet read exactly (quarantined, never misread).
# The xfail is strict: a pair that starts passing fails the run until it is removed here.
KNOWN_GAPS: set[tuple[str, str]] = set()


@lru_cache(maxsize=1)
def outcomes() -> tuple[harness.Outcome, ...]:
    combos = [(f, fmt) for f in FAMILIES for fmt in f.formats]
    cases = [
        harness.make_case(family, fmt, i * len(combos) + k, SEED)
        for k, (family, fmt) in enumerate(combos)
        for i in range(PER_COMBO)
    ]
    return tuple(harness.run(cases))


def test_never_misread():
    bad = [
        f"{o.case.name}: {' | '.join(d for d in o.details if 'MISREAD' in d)}"
        for o in outcomes()
        if o.verdict == "misread"
    ]
    assert not bad, "\n".join(bad)


def test_no_reader_crash():
    bad = [f"{o.case.name}: {d[:300]}" for o in outcomes() for d in o.details if d.startswith("ERROR")]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize(
    ("family", "fmt"),
    [
        pytest.param(
            f.name,
            fmt,
            marks=[pytest.mark.xfail(reason="known reader gap", strict=True)] if (f.name, fmt) in KNOWN_GAPS else [],
        )
        for f in FAMILIES
        for fmt in f.formats
    ],
)
def test_exact_where_required(family, fmt):
    missed = [o for o in outcomes() if o.case.family.name == family and o.case.fmt == fmt and o.missed]
    assert not missed, "\n".join(f"{o.case.name}: {' | '.join(o.details)[:400]}" for o in missed)


def test_every_family_and_format_is_exercised():
    seen = {(o.case.family.name, o.case.fmt) for o in outcomes()}
    assert seen == {(f.name, fmt) for f in FAMILIES for fmt in f.formats}
    assert set(FORMATS) == {fmt for _, fmt in seen}


# --- the generator is a faithful statement of the form -----------------------------------------


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_generated_reports_satisfy_the_form(template):
    """Cross-check the generator (its own arithmetic) against pipeline.form's equations."""
    from pipeline import form

    rng = random.Random(template)
    for _ in range(30):
        report = model.random_report(rng, template)
        app = {k: v.number or 0 for k, v in report.tables["applications"].items()}
        rows = {r for r, _ in app}
        cols = [m.code for m in form.APPLICANT_TYPES]
        for eq in form.EQUATIONS:
            if eq.template not in (None, template):
                continue
            if eq.frame == "applications_by_applicant":
                if not set(eq.lhs) | set(eq.rhs) <= rows:  # optional subtotal rows of local templates
                    continue
                for col in cols:
                    lhs = sum(app[(r, col)] for r in eq.lhs if r in rows)
                    assert lhs == sum(app[(r, col)] for r in eq.rhs if r in rows), (eq.name, col)
            elif eq.frame == "applications_by_outcome":
                for row in rows:
                    assert sum(app[(row, c)] for c in eq.lhs) == sum(app[(row, c)] for c in eq.rhs), (eq.name, row)
            else:
                rl = {k: v.number or 0 for k, v in report.tables["review_litigation"].items()}
                for p in model.PROCEEDINGS:
                    assert sum(rl[(p, c)] for c in eq.lhs) == sum(rl[(p, c)] for c in eq.rhs), (eq.name, p)


def test_fused_readings_match_the_real_examples():
    """../shared/realworld/pingtan__2024_page.txt: rows with one reading and one with fifteen."""
    from tools.layouts import readings

    assert readings.fused_sum("21710000218", 6) == 1  # 217 1 0 0 0 0 218
    assert readings.fused_sum("320000032", 6) == 1  # 32 0 0 0 0 0 32
    assert readings.fused_free("6233440", ("count",) * 3) == readings.MANY  # 62 3 3440, 62 33 440, ...
    assert readings.fused_blocks("21317000001324019", 3, 4) == 1
    assert readings.vanished(["1", "", "", "", "", "", "1"], [([0, 1, 2, 3, 4, 5], 6)]) == readings.MANY
    assert readings.vanished(["1", "2", "3", "4", "5", "6", "21"], [([0, 1, 2, 3, 4, 5], 6)]) == 1


# --- injected arithmetic defects end quarantined by the gate -------------------------------------


def test_injected_defects_are_quarantined(tmp_path):
    from pipeline.cli import run_ingest
    from tools.layouts.families import FAMILIES_BY_NAME
    from tools.layouts.layout import Layout

    raw = tmp_path / "raw"
    raw.mkdir()
    expected: dict[str, str] = {}
    plain = FAMILIES_BY_NAME["plain"]
    for i, rule in enumerate(model.DEFECTS):
        rng = random.Random(f"defect:{rule}")
        agency = model.COUNTIES[i] + "人民政府"
        report = model.random_report(rng, "2021" if i % 2 else "2019", agency=agency)
        while not any(v.number for k, v in report.tables["applications"].items() if k[0] == "granted"):
            report = model.random_report(rng, report.template, agency=agency)
        table = model.inject_defect(report, rule, rng)
        case = harness.Case(plain, "txt", i, SEED, report, Layout(fmt="txt"), dict.fromkeys(harness.TABLES, EXACT))
        name = f"defect_{i}_{rule}.txt"
        (raw / name).write_bytes(harness.render(case))
        expected[name] = table
    run_ingest(raw, tmp_path / "w.duckdb", ephemeral=True)
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    statuses = {
        Path(f).name: (s, r or "") for f, s, r in con.sql("SELECT source_file, status, reason FROM reports").fetchall()
    }
    for name, table in expected.items():
        status, reason = statuses[name]
        assert status in ("partial", "quarantined"), (name, status, reason)
        assert table in reason or _zh(table) in reason, (name, reason)
        loaded = con.sql(
            f"SELECT count(*) FROM fact_{table} f JOIN reports r USING (report_id) WHERE r.source_file LIKE '%{name}'"
        ).fetchall()[0][0]
        assert loaded == 0, (name, table)


def _zh(table: str) -> str:
    from pipeline import form

    return form.TABLE_LABELS_ZH[table]
