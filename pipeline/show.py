"""`gongkai show FILE`: what the parser read from one file and what the checks say about it.

Runs the same reader, parser, staging and GX suites as the ingest, on a throw-away DuckDB
file in a temporary folder, and the gate's own verdict function (``load.verdict`` over
``load.table_reasons``), so what it prints is what an ingest would decide (a single file has
no duplicates and no other years: those checks need the warehouse). The warehouse is never
touched.
"""

from __future__ import annotations

import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

from pipeline import form, ingest, load, warehouse
from pipeline.parse import ParsedReport, TableRead


def _grid(table: TableRead, rows: list[tuple[str, str]], cols: list[tuple[str, str]]) -> list[str]:
    cells = {(c.row, c.col): c.raw if c.raw else "·" for c in table.cells}
    width = max(len(label) for _, label in rows) + 2
    lines = ["  " + " " * width + " ".join(f"{label:>6}" for _, label in cols)]
    for code, label in rows:
        values = " ".join(f"{cells.get((code, col), '?'):>6}" for col, _ in cols)
        lines.append(f"  {label:<{width}}{values}")
    return lines


def render(parsed: ParsedReport) -> list[str]:
    """The three tables as read, in the printed layout (· blank cell, ? not read)."""
    template = form.TEMPLATES[parsed.template]
    out = [
        f"agency:   {parsed.agency_name}",
        f"year:     {parsed.year}",
        f"template: {parsed.template}",
        f"title:    {parsed.title}",
        "",
    ]
    pro = parsed.tables["proactive_disclosure"]
    out.append(form.TABLE_LABELS_ZH["proactive_disclosure"])
    for block in template.proactive:
        out.extend(
            _grid(
                pro,
                [(i.code, i.label_zh) for i in block.items],
                [(m, form.MEASURES_BY_CODE[m].label_zh[:6]) for m in block.measures],
            )
        )
    apps = parsed.tables["applications"]
    out += ["", form.TABLE_LABELS_ZH["applications"]]
    out.extend(
        _grid(
            apps,
            [(m.code, m.label_zh[:24]) for m in template.value_rows],
            [(m.code, m.label_zh[:6]) for m in form.APPLICANT_TYPES],
        )
    )
    rl = parsed.tables["review_litigation"]
    out += ["", form.TABLE_LABELS_ZH["review_litigation"]]
    out.extend(
        _grid(rl, [(m.code, m.label_zh) for m in form.PROCEEDINGS], [(m.code, m.label_zh) for m in form.RESULTS])
    )
    for name, table in parsed.tables.items():
        for problem in table.problems:
            out.append(f"PROBLEM {form.TABLE_LABELS_ZH[name]}: {problem}")
    return out


def show_file(path: Path) -> int:
    """Print the report read from ``path`` and every check result; exit code 1 if unreadable."""
    from pipeline.quality import validate

    st = path.stat()
    raw = ingest.RawFile(
        path.name,
        str(path),
        ingest.sha256_file(path),
        st.st_size,
        datetime.fromtimestamp(st.st_mtime, UTC).replace(tzinfo=None),
    )
    result = ingest.parse_files([raw], workers=1)[0]  # under the same limits as an ingest
    print(f"file:     {path}")
    if result.parsed is None:
        print(f"status:   failed: {result.error}")
        return 1
    print("\n".join(render(result.parsed)))
    print("\nchecks:")
    run_id = "show-" + uuid.uuid4().hex[:8]
    with tempfile.TemporaryDirectory() as tmp:
        build = warehouse.start_build(Path(tmp) / "show.duckdb", run_id)
        ingest.stage(build, [result], run_id)
        with warehouse.connect(build.path) as con:
            outcome = validate.run(con, run_id)
            warehouse.record_results(con, outcome.dq_rows)
            decided = load.verdict(raw.report_id, load.table_reasons(con, run_id))
    words = load.rule_explanations()
    for row in outcome.dq_rows:
        mark = "ok  " if row["success"] else ("FAIL" if row["severity"] == "critical" else "WARN")
        print(f"  {mark} {row['suite']:<34} {row['expectation']:<22} {row['table_name']}")
        if not row["success"]:
            zh, en = words[(row["suite"], row["expectation"])]
            print(f"       {zh} ({en})")
        if row["details"]:
            print(f"       {row['details']}")
    bad = decided.tables_quarantined
    print(f"\nverdict:  {decided.status}" + (f" (quarantined: {', '.join(bad)})" if bad else ""))
    return 0
