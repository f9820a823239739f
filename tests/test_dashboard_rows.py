"""The report pages' rows read faster hold the very values they held (issue 10.4, dashboard).

``report_inputs.records`` replaces ``DataFrame.to_dict("records")`` on the standing results of a
chunk: every value the same, of the same type, missing values included (NaN in a string column,
None in an all-null one or a nullable integer or boolean column), since a page prints them.
"""

from __future__ import annotations

import duckdb
import pytest

from pipeline.dashboard.report_inputs import records

QUERIES = {
    "every type, a null row": (
        "SELECT * FROM (VALUES ('a', 1.5::DOUBLE, 3::INTEGER, true, 'x', NULL::VARCHAR, 7::BIGINT),"
        " (NULL, NULL, NULL, NULL, NULL, NULL, NULL)) t(s, d, i, b, s2, n, g)"
    ),
    "no nulls": "SELECT 'a' AS s, true AS b, 1 AS i, 2.5 AS d, NULL::JSON AS j",
    "no rows": "SELECT 'a' AS s, true AS b WHERE false",
    "all null": "SELECT NULL::BOOLEAN AS b, NULL::INTEGER AS i, NULL::VARCHAR AS s FROM range(2)",
    "a standing result's columns": (
        "SELECT * FROM (VALUES ('r1', 'cells', 'integer_count', 'critical', true, NULL, NULL),"
        " ('r1', 'continuity', 'carried_over', 'warning', false, '3 != 4', '[{\"table\": \"applications\"}]'),"
        " ('r2', 'duplicates', 'consistent_copies', NULL, false, NULL, NULL))"
        " t(report_id, suite, expectation, severity, success, details, failed_cells)"
    ),
}


def _typed(rows: list[dict]) -> list[list[tuple[str, str, str]]]:
    return [[(k, type(v).__name__, repr(v)) for k, v in row.items()] for row in rows]


@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
def test_records_are_to_dict_records(query):
    frame = duckdb.connect().execute(query).df()
    assert _typed(records(frame)) == _typed(frame.to_dict("records"))


def _cell(raw: str, page: int | None, where: str, number: float | None):
    """A printed cell as ``report_inputs.chunk`` makes it: its text and place escaped in DuckDB."""
    from pipeline.dashboard.report_inputs import _HTML_NUMBER, _HTML_WHERE, Cell

    source = "SELECT ? AS raw, ?::INTEGER AS source_page, ? AS source_where, ?::DOUBLE AS number"
    text, place = (
        duckdb.connect()
        .execute(f"SELECT {_HTML_NUMBER}, {_HTML_WHERE} FROM ({source})", [raw, page, where, number])
        .fetchone()
    )
    return Cell("r1", "c1", text, place, False)


@pytest.mark.parametrize(
    ("raw", "page", "where", "mark", "td"),
    [
        ("12", 2, "line 3", None, '<td class="num" title="page 2, line 3">12</td>'),
        ("1<2", 2, "line 3", None, '<td class="num" title="page 2, line 3">1&lt;2</td>'),
        ("12", 2, 'cell "A&B"', None, '<td class="num" title="page 2, cell &quot;A&amp;B&quot;">12</td>'),
        ("12", 2, "line 3", ("fail", "3 ≠ 4"), '<td class="num fail" title="page 2, line 3 · 3 ≠ 4">12</td>'),
        ("12", 2, "line 3", ("warn", "a<b"), '<td class="num warn" title="page 2, line 3 · a&lt;b">12</td>'),
        ("", 2, "line 3", None, '<td class="num" title="page 2, line 3">12.5</td>'),
        ("it's", None, "line 3", None, '<td class="num" title="line 3">it&#x27;s</td>'),
        ("7", None, "", None, '<td class="num">7</td>'),
    ],
)
def test_a_grid_cell_is_escaped_and_marked_as_before(raw, page, where, mark, td):
    from pipeline.dashboard.pages import _grid

    marks = {("applications", "r1", "c1"): mark} if mark else {}
    html = _grid("applications", [_cell(raw, page, where, 12.5)], [("r1", "row one")], [("c1", "col one")], marks)
    assert f"<tr><td>row one</td>{td}</tr>" in html


@pytest.mark.parametrize("number", [12.5, 0.5, 12.0, 1e-05, 0.0001, 100000.0, 1234567.0, 123456789.0, 1e16, -3.25])
def test_a_blank_cells_number_is_written_as_python_writes_it(number):
    """A cell printed blank but holding a number (none the readers make; an older warehouse's)
    shows the number as ``format(number, "g")`` did: DuckDB's printf %g writes the same."""
    assert _cell("", None, "line 3", number).number == format(number, "g")
