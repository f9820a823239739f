"""A row label cut by a page break, with the table's header repeated at the top of the next page.

Word and WPS let a row break across pages: the head of its label ends page 1, the header is
printed again, and the tail of the label ('信息', '情形）') with the row's numbers starts page
2. The header's lines are none of the label; the head waits for its tail across them. Cases
are the layout generator's (family wrapped_labels, PDF, seed 23) where this happens: unruled
(the header as text lines) and ruled (the header as grid rows); each must load exactly.
"""

import pytest

from tools.layouts.families import FAMILIES_BY_NAME
from tools.layouts.harness import judge, make_case, render


@pytest.mark.parametrize("index", [113, 229, 274, 375, 423])
def test_a_label_cut_by_a_page_break_is_read_whole(tmp_path, index):
    case = make_case(FAMILIES_BY_NAME["wrapped_labels"], "pdf", index, 23)
    path = tmp_path / f"{case.name}.pdf"
    path.write_bytes(render(case))
    outcome = judge(case, path)
    assert outcome.verdicts["applications"] == "exact", outcome.details
    assert outcome.verdict == "exact", outcome.details
