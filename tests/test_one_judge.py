"""One judge: `gongkai show` and the dashboard repeat the gate's verdicts, never their own.

`show` calls the gate's verdict function (``load.verdict``) on what the suites recorded; the
dashboard highlights the cells ``dq_results.failed_cells`` names and explains each check with
the words of the suite's meta.
"""

import json
import re

import pytest

from pipeline.cli import main
from tests.conftest import RAW, SEED_NAMES


@pytest.mark.parametrize("name", SEED_NAMES)
def test_show_verdict_is_the_ingest_verdict(name, query, capsys):
    assert main(["show", str(RAW / name)]) == 0
    shown = re.search(r"^verdict:  (\w+)", capsys.readouterr().out, re.MULTILINE).group(1)
    ((status,),) = query("SELECT status FROM reports WHERE source_file = ?", [name])
    assert shown == status == ("partial" if name.startswith("003_") else "loaded")


def test_validation_records_the_failing_cells(query):
    rows = query(
        "SELECT d.suite, d.expectation, d.failed_cells FROM dq_results d JOIN reports r USING (report_id) "
        "WHERE NOT d.success AND d.failed_cells IS NOT NULL ORDER BY r.source_file"
    )
    # the seeds' only failing cell: 003's 规章 / 本年废止件数, printed as -1
    assert [(s, e, json.loads(c)) for s, e, c in rows] == [
        (
            "cells",
            "non_negative_count",
            [
                {
                    "table": "proactive_disclosure",
                    "row": "regulation",
                    "col": "repealed",
                    "why": "non_negative_count: -1",
                }
            ],
        )
    ]
    (passed_with_cells,) = query("SELECT count(*) FROM dq_results WHERE success AND failed_cells IS NOT NULL")[0]
    assert passed_with_cells == 0
