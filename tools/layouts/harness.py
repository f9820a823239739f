"""Render cases, read them back with the project's reader, compare every cell.

A table's verdict: 'exact' (no problems, every rendered cell read with its printed text and
number, no cell missing or extra), 'quarantined' (the reader reported problems, or the file
failed), or 'misread' (no problems, yet a cell differs from what was rendered, is missing or
extra, or holds a number its printed text does not say). Misread must never happen.
"""

from __future__ import annotations

import random
import tempfile
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

from tools.layouts import layout as layout_mod
from tools.layouts.families import EXACT, FAMILIES, Family, expectations, layout_for
from tools.layouts.grid import Doc, Grid
from tools.layouts.model import Printed, Report, printed_number, random_report
from tools.layouts.render_text import flatten

TABLES = ("proactive_disclosure", "applications", "review_litigation")
RENDERED = ("txt", "tsv", "md", "html", "docx", "pdf")
SUFFIX = {"txt": ".txt", "tsv": ".txt", "md": ".md", "html": ".html", "docx": ".docx", "pdf": ".pdf"}


@dataclass
class Case:
    family: Family
    fmt: str
    index: int
    seed: int
    report: Report
    layout: layout_mod.Layout
    expect: dict[str, str]

    @property
    def name(self) -> str:
        return f"{self.index:04d}_{self.family.name}_{self.fmt}"


@dataclass
class Outcome:
    case: Case
    verdicts: dict[str, str] = field(default_factory=dict)  # table -> exact | quarantined | misread
    details: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        v = set(self.verdicts.values())
        return "misread" if "misread" in v else "exact" if v == {"exact"} else "quarantined"

    @property
    def missed(self) -> list[str]:
        """Tables that had to load exactly and did not."""
        return [t for t in TABLES if self.case.expect[t] == EXACT and self.verdicts.get(t) != "exact"]


def make_case(family: Family, fmt: str, index: int, seed: int) -> Case:
    rng = random.Random(f"{seed}:{family.name}:{fmt}:{index}")
    style, lay, options = layout_for(family, fmt, rng)
    template = options.get("template") or rng.choice(("2021", "2019"))
    report = _report(rng, template, style, options)
    return Case(family, fmt, index, seed, report, lay, expectations(family, report, lay))


def _report(rng: random.Random, template: str, style, options: dict) -> Report:
    if options.get("other_as_one_row"):
        from tools.layouts import model

        report = model.Report(template, rng.choice((2021, 2022, 2023)), rng.choice(model.COUNTIES) + "人民政府")
        report.other_as_one_row = True
        report.tables["proactive_disclosure"] = model._proactive(rng, template, style)
        report.tables["applications"] = model._applications(rng, report, style)
        report.tables["review_litigation"] = model._review(rng, style)
        return report
    return random_report(rng, template, style)


def document(case: Case) -> Doc:
    rng = random.Random(f"doc:{case.seed}:{case.name}")
    doc = layout_mod.build(case.report, case.layout, rng)
    if case.layout.merged != "span":
        doc.blocks = [flatten(b, case.layout.merged) if isinstance(b, Grid) else b for b in doc.blocks]
    return doc


def render(case: Case) -> bytes:
    """The case's file content in its format."""
    doc = document(case)
    lay = case.layout
    if case.fmt in ("txt", "tsv", "md"):
        from tools.layouts import render_text

        if lay.fuse:
            text = render_text.render_fused(doc, one_line=lay.fuse == "one_line")
        elif case.fmt == "txt":
            text = render_text.render_txt(doc, lay.valign)
        elif case.fmt == "tsv":
            text = render_text.render_tsv(doc)
        else:
            text = render_text.render_md(doc)
        return text.encode("utf-8")
    if case.fmt == "html":
        from tools.layouts import render_html

        if lay.site is not None:
            return render_html.render_site(doc, lay.site)
        return render_html.render(doc, encoding=lay.encoding, chrome=lay.chrome)
    if case.fmt == "docx":
        from tools.layouts import render_docx

        return render_docx.render(doc, lay.word)
    from tools.layouts import render_pdf

    return render_pdf.render(
        doc,
        ruled=lay.ruled,
        valign=lay.valign,
        page_number=lay.page_number,
        running_header=layout_mod.running_header(case.report) if lay.running_header else "",
        repeat_header=lay.repeat_header,
    )


def read_back(path: Path):
    from pipeline.parse import parse_document
    from pipeline.readers import read_document

    return parse_document(read_document(path))


def judge(case: Case, path: Path) -> Outcome:
    from pipeline.document import UnreadableFile

    out = Outcome(case)
    try:
        parsed = read_back(path)
    except UnreadableFile as exc:
        out.verdicts = dict.fromkeys(TABLES, "quarantined")
        out.details.append(f"failed: {exc}")
        return out
    except Exception as exc:  # a reader crash is not a misread, but it is reported
        out.verdicts = dict.fromkeys(TABLES, "quarantined")
        out.details.append(f"ERROR {type(exc).__name__}: {exc} {traceback.format_exc(limit=-2)}")
        return out
    for table in TABLES:
        read = parsed.tables.get(table)
        if read is None or read.problems:
            out.verdicts[table] = "quarantined"
            out.details.append(f"{table}: quarantined: {'; '.join(read.problems)[:300] if read else 'missing'}")
            continue
        diffs = compare(case.report.tables[table], read.cells)
        out.verdicts[table] = "misread" if diffs else "exact"
        out.details.extend(f"{table}: MISREAD {d}" for d in diffs[:5])
    return out


def compare(expected: dict[tuple[str, str], Printed], cells) -> list[str]:
    """Differences between the rendered cells and the cells read (empty: exact)."""
    diffs: list[str] = []
    got: dict[tuple[str, str], object] = {}
    for cell in cells:
        key = (cell.row, cell.col)
        if key in got:
            diffs.append(f"{key} read twice")
        got[key] = cell
        if cell.number != printed_number(cell.raw):  # the property: a number is what its text says
            diffs.append(f"{key} number {cell.number} but printed '{cell.raw}'")
    for key, want in expected.items():
        cell = got.get(key)
        if cell is None:
            diffs.append(f"{key} missing (rendered '{want.raw}')")
        elif cell.raw.strip() != want.raw.strip() or cell.number != want.number:
            diffs.append(f"{key} read '{cell.raw}'={cell.number}, rendered '{want.raw}'={want.number}")
    diffs.extend(f"{key} extra" for key in got if key not in expected)
    return diffs


def cases(n: int, seed: int, families: tuple[Family, ...] = FAMILIES, formats: tuple[str, ...] | None = None):
    """``n`` cases spread round-robin over every family and format it applies to."""
    combos = [
        (f, fmt) for f in families for fmt in f.formats if fmt in RENDERED and (formats is None or fmt in formats)
    ]
    return [make_case(*combos[i % len(combos)], i, seed) for i in range(n)]


def run(case_list: list[Case], workdir: Path | None = None, keep: bool = False) -> list[Outcome]:
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="layouts-") as tmp:
        base = workdir or Path(tmp)
        base.mkdir(parents=True, exist_ok=True)
        for case in case_list:
            path = base / (case.name + SUFFIX[case.fmt])
            try:
                path.write_bytes(render(case))
            except Exception as exc:  # the generator's own bug: report it loudly
                raise RuntimeError(f"rendering {case.name} failed") from exc
            outcomes.append(judge(case, path))
            if not keep and workdir is None:
                path.unlink()
    return outcomes


def summary(outcomes: list[Outcome]) -> dict[tuple[str, str], Counter]:
    table: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for o in outcomes:
        c = table[(o.case.family.name, o.case.fmt)]
        c["n"] += 1
        c[o.verdict] += 1
        c["missed"] += bool(o.missed)
    return table


def format_summary(outcomes: list[Outcome]) -> str:
    stats = summary(outcomes)
    fmts = [f for f in ("txt", "tsv", "md", "html", "docx", "pdf") if any(k[1] == f for k in stats)]
    fams = [f.name for f in FAMILIES if any(k[0] == f.name for k in stats)]
    lines = [
        "cell: exact% / quarantined% / misread count   (* = a table that must load exactly did not)",
        f"{'family':<20}{'expect':<10}" + "".join(f"{f:>17}" for f in fmts),
    ]
    expect = {f.name: f.expect for f in FAMILIES}
    for fam in fams:
        row = f"{fam:<20}{expect[fam][:8]:<10}"
        for fmt in fmts:
            c = stats.get((fam, fmt))
            if not c:
                row += f"{'':>17}"
                continue
            cell = f"{100 * c['exact'] // c['n']}/{100 * c['quarantined'] // c['n']}/{c['misread']}"
            row += f"{cell + ('*' if c['missed'] else ' '):>17}"
        lines.append(row)
    total = Counter()
    for c in stats.values():
        total.update(c)
    lines.append(
        f"total {total['n']} cases: {total['exact']} exact, {total['quarantined']} quarantined, "
        f"{total['misread']} MISREAD, {total['missed']} missed an exact expectation"
    )
    return "\n".join(lines)


__all__ = ["Case", "Outcome", "cases", "compare", "format_summary", "judge", "make_case", "render", "replace", "run"]
