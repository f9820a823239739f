"""``python -m tools.layouts -n 500 --seed 1``: render N cases, read them back, print the table."""

from __future__ import annotations

import argparse
from pathlib import Path

from tools.layouts.families import FAMILIES, FAMILIES_BY_NAME
from tools.layouts.harness import cases, format_summary, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.layouts", description=__doc__)
    parser.add_argument("-n", type=int, default=200, help="number of cases (spread over families x formats)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--family", action="append", choices=sorted(FAMILIES_BY_NAME), help="only these families")
    parser.add_argument(
        "--format", action="append", dest="formats", help="only these formats: txt tsv md html docx pdf"
    )
    parser.add_argument("--keep", type=Path, help="write the rendered files here and keep them")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each non-exact case's details")
    args = parser.parse_args(argv)
    families = tuple(FAMILIES_BY_NAME[f] for f in args.family) if args.family else FAMILIES
    outcomes = run(cases(args.n, args.seed, families, tuple(args.formats) if args.formats else None), args.keep)
    if args.verbose:
        for o in outcomes:
            if o.verdict != "exact":
                print(f"{o.case.name} [{o.verdict}] " + " | ".join(o.details)[:600])
    print(format_summary(outcomes))
    return 1 if any(o.verdict == "misread" for o in outcomes) else 0


if __name__ == "__main__":
    raise SystemExit(main())
