"""An unruled PDF page whose two tables' row blocks interleave: a sparse row that
``_join_sparse_rows`` gave one block lies inside the line range of the other. The reader used
to give that row to both blocks and then fail on a KeyError (the whole file lost, as a crash);
now each row belongs to its own block and the table is read, or quarantined with its row named.

The case is the layout generator's report 0249 of seed 61 (family placeholders, PDF), found by
``python -m tools.layouts -n 300 --seed 61 --format pdf``.
"""

from tools.layouts.families import FAMILIES_BY_NAME
from tools.layouts.harness import compare, make_case, read_back, render


def test_interleaved_blocks_are_read_not_crashed(tmp_path):
    case = make_case(FAMILIES_BY_NAME["placeholders"], "pdf", 249, 61)
    path = tmp_path / f"{case.name}.pdf"
    path.write_bytes(render(case))
    parsed = read_back(path)
    for table in ("proactive_disclosure", "review_litigation"):
        read = parsed.tables[table]
        assert read.problems == []
        assert compare(case.report.tables[table], read.cells) == []
    # the row whose values the page's layout splits is named, not guessed
    assert parsed.tables["applications"].problems == [
        "page 2 table 1 row 1: row 1.信访举报投诉类申请 has 3 value cells for 7 columns"
    ]
