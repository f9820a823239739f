"""Table 四, administrative review and litigation: 15 cells, 3 proceedings x 5 results.

Agencies print it as one row of 15 numbers under two or three header rows, or as three rows
of five (行政复议 / 未经复议直接起诉 / 复议后起诉), and text copies run the 15 numbers
together (``000000000000000``). Rows labelled with a proceeding are read by label; otherwise
the values of the region are read in printed order. The form's equations (each block's 总计
= 结果维持 + 结果纠正 + 其他结果 + 尚未审结) decide glued digits and lost blanks, as for
the applications table. A row of blank cells or placeholders is an agency with no cases.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from pipeline import form
from pipeline.document import Row
from pipeline.parse import labels as lab
from pipeline.parse.model import Cell, TableRead
from pipeline.parse.pieces import Piece, Token, make, to_pieces
from pipeline.parse.readings import RowEquation, row_readings, window
from pipeline.parse.values import read_value

RESULTS = tuple(r.code for r in form.RESULTS)
_WIDTH = len(RESULTS)  # a proceeding's block of cells
_BLOCK: tuple[RowEquation, ...] = tuple(
    (RESULTS.index(eq.lhs[0]), tuple(RESULTS.index(c) for c in eq.rhs))
    for eq in form.EQUATIONS
    if eq.frame == "review_litigation_by_proceeding"
)
_LABELS = tuple(lab.Label(p.code, p.label_zh, lab.core(p.label_zh), "row", i) for i, p in enumerate(form.PROCEEDINGS))
_HEADER = tuple(
    lab.Label(None, t, lab.core(t), "header", -1) for t in ["行政诉讼", *(r.label_zh for r in form.RESULTS)]
)

_PROCEEDING_LABELS = _LABELS + _HEADER  # one tuple: ``lab.find`` caches its answers per label set


@cache  # blocks is 1 or 3: the same tuples for every report
def _equations(blocks: int) -> tuple[RowEquation, ...]:
    return tuple((lhs + b * _WIDTH, tuple(i + b * _WIDTH for i in rhs)) for b in range(blocks) for lhs, rhs in _BLOCK)


def _proceeding(text: str) -> str | None:
    found = [o for o in lab.find(_PROCEEDING_LABELS, lab.text_core(text)) if o.label.code]
    return found[-1].label.code if len(found) == 1 else None


def read_review(rows: Sequence[Row]) -> TableRead:
    """Read the 15 cells from the rows of the table's region."""
    result = TableRead("review_litigation")
    pieces = [p for p in to_pieces(rows, keep_empty=True) if not (p.bare_number and not p.text)]
    valued = [p for p in pieces if p.values and any(t.text for t in p.values)]
    labelled = {code: p for p in valued if (code := _proceeding(p.text))}
    try:
        if len(labelled) == len(form.PROCEEDINGS) and len(labelled) == len(valued):
            for proceeding in form.PROCEEDINGS:
                piece = labelled[proceeding.code]
                tokens = _window([piece], piece.values, 1) if piece.grid else _tab_window(piece, 1)
                result.cells.extend(_cells(tokens, piece, [proceeding.code], 1))
            return result
        n = 3 * len(RESULTS)
        if not valued:
            blank = [p for p in pieces if not p.text and len(p.values if p.grid else _lead(p)) >= n]
            if not blank and _prints_header(pieces):
                where, page = f"{rows[0].where} (the table prints no numbers)", rows[0].page
                result.cells = [Cell(p.code, r, "", None, where, page) for p in form.PROCEEDINGS for r in RESULTS]
                result.warnings.append(f"{rows[0].where}: table 四 prints no numbers: {n} blank cells")
                return result
            if len(blank) != 1:
                raise ValueError(f"no numbers found for the {n} cells of the review/litigation table")
            valued = blank
        tokens = [t for p in valued for t in p.values]
        if all(p.grid for p in valued):
            tokens = _window(valued, tokens, len(form.PROCEEDINGS))
        elif len(valued) == 1 and valued[0].edges is not None:
            tokens = _tab_window(valued[0], len(form.PROCEEDINGS))
        result.cells.extend(_cells(tokens, valued[0], [p.code for p in form.PROCEEDINGS], len(form.PROCEEDINGS)))
    except ValueError as exc:
        where = rows[0].where if rows else "end of document"
        result.cells = []
        result.problems.append(f"from {where}: {exc}")
    return result


def _prints_header(pieces: list[Piece]) -> bool:
    """Whether the region prints the table's header: every proceeding named, and 总计 (a table
    drawn without lines and without numbers leaves nothing else: no cases). The results'
    labels are not required: a narrow header prints them a word per line (结果 / 维持)."""
    core = lab.text_core("".join(p.text for p in pieces))
    named = {o.label.printed for o in lab.find(_LABELS, core)}
    return all(p.label_zh in named for p in form.PROCEEDINGS) and "总计" in core


def _lead(piece: Piece) -> list[Token]:
    return piece.edges[0] if piece.edges is not None and not piece.values else []


def _tab_window(piece: Piece, blocks: int) -> list[Token]:
    """A tab-separated row: its cells from the first value to the last, with the empty fields
    around them (``_window`` places the row's cells among them)."""
    if piece.edges is None:
        return piece.values
    return _window([piece], piece.tab_fields(), blocks)


def _window(pieces: list[Piece], tokens: list[Token], blocks: int) -> list[Token]:
    """Grid rows: the value cells of ``blocks`` blocks of five, trimming blank cells outside
    them (an empty label column, a trailing empty cell)."""
    n = blocks * len(RESULTS)
    texts = [t.text for t in tokens]
    start = window(texts, n, _equations(blocks), last=False)
    if start is None:
        raise ValueError(
            f"{pieces[0].where}: found {len([t for t in texts if t])} numbers in {len(texts)} cells "
            f"for the {n} cells of the review/litigation table"
        )
    return tokens[start : start + n]


def _cells(tokens: list[Token], piece: Piece, proceedings: list[str], blocks: int) -> list[Cell]:
    n = blocks * len(RESULTS)
    texts = [t.text for t in tokens]
    if len(texts) > n:
        raise ValueError(f"{piece.where}: found {len(texts)} numbers for {n} cells: {' '.join(texts)}")
    exact = len(texts) == n and (piece.grid or piece.edges is not None)
    found = [tuple(texts)] if exact else row_readings(texts, n, _equations(blocks))
    if not found or len(found) != 1:
        count = "too many" if found is None else ("no" if not found else f"{len(found)}")
        raise ValueError(f"{piece.where}: '{' '.join(texts)}' has {count} readings as {n} cells whose 总计 are right")
    reading = found[0]
    exact = len(tokens) == n
    run_together = None if exact else f"{tokens[0].where} (cells run together or lost in the text copy)"
    page = tokens[0].page
    out = []
    for k, text in enumerate(reading):
        value = read_value(text)
        if value is None:
            raise ValueError(f"{piece.where}: '{text}' is not a number")
        where = tokens[k].where if exact else run_together
        # a Cell made as pieces.make makes them: the NamedTuple's own __new__ cost 3x that
        out.append(make(Cell, (proceedings[k // _WIDTH], RESULTS[k % _WIDTH], value.raw, value.number, where, page)))
    return out
