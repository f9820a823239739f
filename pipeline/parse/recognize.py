"""One recognizer for every format: a table region's rows -> the form's cells.

Readers only produce rows (grids with positions, or text lines); this module maps them onto
the form by anchoring on labels, whatever the layout:

1. Rows become pieces (``pipeline.parse.pieces``): label text and the values after it.
2. Label text is matched approximately against the table's label set (``labels``): value
   rows, group headings and header words, in any numbering style, wrapped over lines or
   cells, with glyphs dropped or interleaved with a neighbouring column.
3. Each piece with values belongs to the last value row its label names (label text of
   the rows above without values counts: wrapped labels). Values printed on a line of their
   own go to the labels still waiting for values, first come first served, and a label
   printed after its detached values takes them (converters that split a table into
   fragments). Where that order admits two assignments, the table fails.
4. Values become cells by position in grids (columns taken from the header rows, or the
   value cells aligned to the row's end), by ``readings`` in text.

Every way a table can fail names the row and what was found; a cell is read exactly as
printed or the table is not read at all.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from pipeline import form
from pipeline.document import Row
from pipeline.parse import labels as lab
from pipeline.parse.memo import ByOwner
from pipeline.parse.model import Cell, TableRead
from pipeline.parse.pieces import WORD_PLACEHOLDERS, Piece, Token, make, to_pieces
from pipeline.parse.readings import (
    RowEquation,
    holds,
    number,
    resolve,
    row_readings,
    window,
    window_starts,
)
from pipeline.parse.values import normalize, read_value


@dataclass(frozen=True)
class Slot:
    """A printed row that carries values: its code, official label and columns in order."""

    code: str
    label_zh: str
    cols: tuple[str, ...]
    kind: str  # 'row' or 'group' (a heading that may print a subtotal, or a one-row group)
    order: int
    equations: tuple[RowEquation, ...] = ()


@dataclass(frozen=True)
class Spec:
    """What the recognizer needs to know of one table, all derived from ``pipeline.form``."""

    table: str
    template: str
    slots: tuple[Slot, ...]
    labels: tuple[lab.Label, ...]
    column_labels: dict[str, str]  # column code -> printed header label
    align: str  # value cells sit at the row's 'right' end (applications) or 'left' (proactive)
    alternatives: dict[str, tuple[str, ...]] = field(default_factory=dict)  # group -> its sub-rows

    def slot(self, code: str) -> Slot:
        return self.slots_by_code[code]

    @functools.cached_property
    def slots_by_code(self) -> dict[str, Slot]:
        """Slots by code, built on first use (``slot`` is asked for every label found)."""
        return {s.code: s for s in reversed(self.slots)}  # the first slot of a code wins, as in a search

    @functools.cached_property
    def header_chars(self) -> frozenset[str]:
        """Every character of the table's header labels (its column headers, 申请人情况, the
        勾稽关系 note): a line made only of these is a piece of a header, not of a row label."""
        return frozenset("".join(label.core for label in self.labels if label.kind == "header"))

    def header_only(self, core: str) -> bool:
        """Whether a text core is made only of the header's characters (and is not empty)."""
        return bool(core) and set(core) <= self.header_chars

    @functools.cached_property
    def short_rows_alone(self) -> frozenset[str]:
        """Short row labels (two characters or fewer) as a line printing nothing else gives them
        (``_numbered``): with the form's numbering ('3.其他', '(七)总计'), and bare only where no
        header prints them (规章; a bare 其他 or 总计 may be a header word)."""
        headers = {label.core for label in self.labels if label.kind == "header"}
        return frozenset(
            _numbered(label.printed)
            for label in self.labels
            if label.kind == "row"
            and len(label.core) <= lab.SHORT
            and (_numbered(label.printed) != label.core or label.core not in headers)
        )

    @functools.cached_property
    def widest(self) -> int:
        """The most columns any of the table's rows has."""
        return max(len(s.cols) for s in self.slots)


def _labels(member: form.Member, kind: str, order: int) -> list[lab.Label]:
    """A row's official label, and the form's distinctive fragments of it as other wordings
    agencies print (规范性文件 in a 2021 table). Fragments too short to be distinctive are left
    out: they would match inside other labels."""
    out = [lab.Label(member.code, member.label_zh, lab.core(member.label_zh), kind, order)]
    for key in member.keys:
        key_core = lab.core(key)
        if len(key_core) > lab.SHORT + 1 and key_core != out[0].core:
            out.append(lab.Label(member.code, member.label_zh, key_core, kind, order))
    return out


def _header(texts: Sequence[str]) -> tuple[lab.Label, ...]:
    return tuple(lab.Label(None, t, lab.core(t), "header", -1) for t in dict.fromkeys(texts) if lab.core(t))


def _row_equations(frame: str, cols: tuple[str, ...]) -> tuple[RowEquation, ...]:
    """The form's equations within one printed row, as indices into the row's cells."""
    out = []
    for eq in form.EQUATIONS:
        if eq.frame == frame and len(eq.lhs) == 1 and eq.lhs[0] in cols and all(c in cols for c in eq.rhs):
            out.append((cols.index(eq.lhs[0]), tuple(cols.index(c) for c in eq.rhs)))
    return tuple(out)


def _cached_spec(build: Callable[[form.Template], Spec]) -> Callable[[form.Template], Spec]:
    """One Spec per template of the form, built once per process: building one aligns every
    label with the form's fragments (milliseconds, more than reading a small report), and a
    Spec is immutable. A template that is not the form's own is built afresh."""
    built: dict[str, Spec] = {}

    @functools.wraps(build)
    def spec(template: form.Template) -> Spec:
        if form.TEMPLATES.get(template.code) is not template:
            return build(template)
        if template.code not in built:
            built[template.code] = build(template)
        return built[template.code]

    return spec


@_cached_spec
def applications_spec(template: form.Template) -> Spec:
    """Table 三: every outcome row of the template; group headings may print values (a
    subtotal, or （六）其他处理 as one row in a 2021 table, as real reports do)."""
    cols = tuple(m.code for m in form.APPLICANT_TYPES)
    equations = _row_equations("applications_by_outcome", cols)
    value_codes = {m.code for m in template.value_rows}
    groups = {m.parent for m in form.OUTCOMES if m.parent and m.parent != "handled"}
    slots, labels = [], []
    for order, code in enumerate(c for c in form.TEMPLATES["2021"].outcome_rows):
        member = form.OUTCOMES_BY_CODE[code]
        if code in value_codes or code in groups:
            kind = "row" if code in value_codes else "group"
            slots.append(Slot(code, member.label_zh, cols, kind, order, equations))
            labels.extend(_labels(member, kind, order))
        else:
            labels.append(lab.Label(None, member.label_zh, lab.core(member.label_zh), "header", order))
    header = [m.label_zh for m in form.APPLICANT_TYPES] + list(form.APPLICANT_GROUP_ZH.values())
    header += ["申请人情况", "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "小计"]
    alternatives = {
        "other_handling": tuple(c for c in form.TEMPLATES["2021"].outcome_rows if _parent(c) == "other_handling")
    }
    return Spec(
        "applications",
        template.code,
        tuple(slots),
        tuple(labels) + _header(header),
        {m.code: m.label_zh for m in form.APPLICANT_TYPES},
        "right",
        alternatives,
    )


def _parent(code: str) -> str | None:
    return form.OUTCOMES_BY_CODE[code].parent


@_cached_spec
def proactive_spec(template: form.Template) -> Spec:
    """Table 二 of a template: one row per item, the block's measures as columns."""
    slots, labels = [], []
    order = 0
    for block in template.proactive:
        for item in block.items:
            slots.append(Slot(item.code, item.label_zh, block.measures, "row", order))
            labels.extend(_labels(item, "row", order))
            order += 1
    measures = {code for block in template.proactive for code in block.measures}
    header = ["信息内容", "第二十条"] + [form.MEASURES_BY_CODE[m].label_zh for m in measures]
    header += [f"第二十条第（{b.article}）项" for b in template.proactive]
    return Spec(
        "proactive_disclosure",
        template.code,
        tuple(slots),
        tuple(labels) + _header(header),
        {m: form.MEASURES_BY_CODE[m].label_zh for m in measures},
        "left",
    )


# --- columns of grid rows ------------------------------------------------------------------


def _is_column_label(cell: str, label: str) -> bool:
    cell_core, label_core = lab.core(cell), lab.core(label)
    if not cell_core or not label_core:
        return False
    if len(label_core) <= lab.SHORT:
        return cell_core == label_core
    score, _, _, _ = lab.align(label_core, cell_core)
    return score >= 0.8 * len(label_core) and len(cell_core) <= len(label_core) + 8


def _header_positions(cells: Sequence[str], spec: Spec) -> dict[str, int]:
    """Column code -> grid position, for the column labels a header row prints. The first
    cell is a row's label, never a column's ('3.其他' is a row, not the column 其他).
    Cached per (spec, cells): every row without values is asked, and reports print the same
    rows."""
    key = tuple(cells)
    hit = _HEADERS.get(spec, key)
    if hit is not None:
        return dict(hit)
    found = _find_header_positions(cells, spec)
    _HEADERS.keep(spec, key, dict(found))
    return found


_HEADERS = ByOwner(20000)


def _find_header_positions(cells: Sequence[str], spec: Spec) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        if index == 0:
            continue
        hits = [code for code, label in spec.column_labels.items() if _is_column_label(cell, label)]
        # '处理决定数量' is inside '本年处理决定数量': the longest label printed in the cell wins
        hits.sort(key=lambda code: -len(lab.core(spec.column_labels[code])))
        if hits and hits[0] not in found:
            found[hits[0]] = index
    return found


def _ranges(positions: dict[str, int], width: int) -> dict[str, range]:
    """Each column owns the grid positions from its header cell to the next one's."""
    ordered = sorted(positions.items(), key=lambda kv: kv[1])
    out = {}
    for i, (code, start) in enumerate(ordered):
        end = ordered[i + 1][1] if i + 1 < len(ordered) else max(width, start + 1)
        out[code] = range(start, end)
    return out


# --- the recognizer ------------------------------------------------------------------------


@dataclass
class _Assigned:
    slot: Slot
    piece: Piece  # the row's values (printed with its label, or apart from it)
    label_where: str
    columns: dict[str, range] | None = None  # the header columns in force where it was printed
    width: int = 0
    starts: list[int] | None = None  # a tab row's placements (``_tab_starts``), once found


class _Failure(Exception):
    """A reason the table cannot be read with confidence."""


@dataclass
class _State:
    spec: Spec
    assigned: dict[str, _Assigned] = field(default_factory=dict)
    waiting_labels: list[tuple[Slot, str]] = field(default_factory=list)  # label seen, values not yet
    waiting_values: list[Piece] = field(default_factory=list)  # values seen, label not yet
    ambiguous_with: dict[str, set[str]] = field(default_factory=dict)  # detached choices made
    seen_blank: dict[str, str] = field(default_factory=dict)  # label seen without values: where
    bare_numbers: list[Piece] = field(default_factory=list)
    columns: dict[str, range] | None = None
    width: int = 0  # number of cells of the grid the header columns belong to
    header_cells: dict[str, int] = field(default_factory=dict)


def recognize(rows: Sequence[Row], spec: Spec) -> TableRead:
    """Read one table's rows against ``spec``; problems name the row and what was found."""
    result = TableRead(spec.table)
    state = _State(spec)
    try:
        _walk(to_pieces(rows), state)
    except _Failure as failure:
        result.problems.append(str(failure))
        return result
    result.cells, result.warnings, result.problems = _cells(state)
    return result


def _walk(pieces: list[Piece], state: _State) -> None:
    spec = state.spec
    buffer: list[Piece] = []
    previous_header = False
    for index, piece in enumerate(pieces):
        _label_area_is_text(piece, state)
        blank = not any(t.text for t in piece.values)
        if piece.grid and blank:
            header = _header_positions(piece.cells, spec)
            if header:  # a header row: columns for the rows below (two header rows add up)
                _set_header(state, header, len(piece.cells), previous_header)
                previous_header, buffer = True, _label_begun_before(buffer, piece, state)
                continue
            if buffer and _repeated_header_line(piece, buffer[-1].page, spec):
                continue  # the header's caption repeated after a page break that cut the label in the buffer
            if not piece.values or _printed_blank(buffer, piece, pieces, index, spec) is None:
                buffer.append(piece)  # a heading, or a label wrapped into a row of its own
                continue
        if piece.edges is not None and not piece.values and piece.cells:
            header = _header_positions(piece.cells, spec)
            if header:  # a tab-separated header row: the columns its fields name (trusted only if
                # the rows read without them agree, ``_tab_header_trusted``); its text stays label text
                _set_header(state, header, len(piece.cells), previous_header)
                previous_header = True
                buffer.append(piece)
                continue
        previous_header = False
        if piece.edges is not None and piece.text and not piece.values:
            slot = _printed_blank(buffer, piece, pieces, index, spec)
            if slot is not None and len(piece.edges[0]) >= len(slot.cols):  # a tab row printed blank
                piece.values, piece.edges = piece.edges[0], ([], [])
        if piece.bare_number and not piece.text:
            state.bare_numbers.append(piece)
            continue
        if not piece.values or _placeholder_words_in_label(piece, spec):
            buffer.append(piece)
            continue
        _take(piece, _without_repeated_header(buffer, piece, spec), _label_lines_after(pieces, index), state)
        buffer = []
    if buffer:
        _labels_only(buffer, state)


def _label_begun_before(buffer: list[Piece], header: Piece, state: _State) -> list[Piece]:
    """What a header row leaves of the label lines above it: nothing, unless the header is
    repeated at the top of a page of a table whose rows are already being read, and those
    lines are on the page before: the head of a label the page break cut (its tail and numbers
    follow the header)."""
    if header.page is None or not state.assigned:
        return []
    return [p for p in buffer if p.page is not None and p.page < header.page]


def _without_repeated_header(buffer: list[Piece], piece: Piece, spec: Spec) -> list[Piece]:
    """The label lines above a row, less a table header repeated at the top of its page when
    the row's label began on the page before ('1.本机关不掌握相关政府' at the foot of page 1,
    the header again, '信息 0 1 0 …' on page 2): the header's lines are none of the label. Only
    lines on the row's own page, after lines from an earlier page, made only of the header's
    characters, are left out."""
    if piece.page is None or not any(p.page is not None and p.page < piece.page for p in buffer):
        return buffer
    return [p for p in buffer if not (p.page == piece.page and spec.header_only(lab.text_core(p.text)))]


def _set_header(state: _State, header: dict[str, int], width: int, continued: bool) -> None:
    """The columns in force for the rows below a header row (one continuing the header row
    just above adds its columns to that one's)."""
    state.header_cells = {**state.header_cells, **header} if continued else header
    state.columns, state.width = _ranges(state.header_cells, width), width


def _printed_blank(buffer: list[Piece], piece: Piece, pieces: list[Piece], index: int, spec: Spec) -> Slot | None:
    """The row a row of blank cells is printed for: its label names a value row, and the next
    row's text does not complete a label begun here (a label wrapped into a row of its own)."""
    occurrences = _row_occurrences(spec, "".join(p.text for p in buffer) + piece.text, _own_from(buffer))
    if not occurrences or occurrences[-1].label.kind != "row":
        return None
    if _continues(buffer, piece, _next_label(pieces, index, spec), occurrences[-1], spec):
        return None
    return spec.slot(occurrences[-1].label.code)


def _row_occurrences(
    spec: Spec, text: str, own_from: int = 0, alone: frozenset[int] = frozenset()
) -> list[lab.Occurrence]:
    """Rows (and groups) named in ``text``. A label of one or two characters (规章, 3.其他)
    counts only in the row's own text (from ``own_from`` in the text's core): in the label
    lines above it is a header word or part of a wrapped label, never a row of its own, unless
    it is printed whole with its numbering on a line of its own (starting at one of ``alone``)."""
    core = lab.text_core(text)
    found = [o for o in lab.find(spec.labels, core) if o.label.kind != "header"] if core else []
    return [o for o in found if len(o.label.core) > lab.SHORT or o.start >= own_from or o.start in alone]


def _own_from(buffer: list[Piece]) -> int:
    return _core_length(tuple(p.text for p in buffer))


def _core_length(texts: Sequence[str]) -> int:
    """Where a row's own text starts in the core of its label lines joined: their core's length."""
    return len(lab.text_core("".join(texts)))


def _waiting_in(buffer: list[Piece], state: _State) -> list[Slot]:
    """Rows named by label lines without values, that have no values yet, in printed order."""
    found = _row_occurrences(state.spec, "".join(p.text for p in buffer))
    return _fresh_rows(found, state, alone=_numbered_short_lines(buffer, state.spec))


def _fresh_rows(
    occurrences: list[lab.Occurrence], state: _State, but: Slot | None = None, alone: frozenset[int] = frozenset()
) -> list[Slot]:
    """The value rows these labels name that have no values yet, once each, in printed order;
    labels of one or two characters never make a row wait (they are too often a fragment),
    except one printed whole with its numbering on a line of its own (``alone``: where such
    lines start in the text's core, see ``_numbered_short_lines``)."""
    out: list[Slot] = []
    for occ in occurrences:
        slot = state.spec.slot(occ.label.code)
        fresh = slot.kind == "row" and slot.code not in state.assigned and slot != but and slot not in out
        if fresh and (len(occ.label.core) > lab.SHORT or occ.start in alone):
            out.append(slot)
    return out


def _numbered(text: str) -> str:
    """A label as matched with its numbering: normalized (NFKC makes '．' a '.'), '、' as '.'."""
    return normalize(text).replace("、", ".")


def _numbered_short_lines(buffer: list[Piece], spec: Spec) -> frozenset[int]:
    """Where, in the core of the buffer's joined text, a line starts that is nothing but a short
    row label printed whole (a blank row '3.其他', '（七）总计' or '规章' printed alone; which
    count: ``Spec.short_rows_alone``)."""
    return _numbered_short_lines_of(tuple(p.text for p in buffer), spec)


def _numbered_short_lines_of(texts: Sequence[str], spec: Spec) -> frozenset[int]:
    out, text = set(), ""
    for line in texts:
        if line and _numbered(line) in spec.short_rows_alone:
            out.add(len(lab.text_core(text)))
        text += line
    return frozenset(out)


def _labels_only(buffer: list[Piece], state: _State) -> None:
    """Label lines with no values after them: the rows wait for detached values (a label
    printed after its values takes them), or were printed blank."""
    _wait(_waiting_in(buffer, state), buffer[0].where, state)


def _wait(slots: list[Slot], where: str, state: _State) -> None:
    """Rows named without values: each takes the oldest values still waiting for a label,
    or waits for values itself."""
    for slot in slots:
        if state.waiting_values:
            _bind(slot, state.waiting_values.pop(0), where, state)
        elif all(s.code != slot.code for s, _ in state.waiting_labels):
            state.waiting_labels.append((slot, where))


def _placeholder_words_in_label(piece: Piece, spec: Spec) -> bool:
    """A text line like '本 无' beside a group label printed one character per line: '无' (of
    无法提供) reads like a placeholder, but a line whose text names no row and whose only values
    are such words is label text. (The values are looked at first: most rows print numbers,
    and the label's rows need not be looked for.)"""
    if piece.grid or not all(t.text in WORD_PLACEHOLDERS for t in piece.values):
        return False
    if not lab.text_core(piece.text) or _row_occurrences(spec, piece.text):
        return False
    piece.text += "".join(t.text for t in piece.values)
    piece.values = []
    return True


def _label_area_is_text(piece: Piece, state: _State) -> None:
    """In a grid whose header columns are known, cells left of the value columns are label
    text even when they read like a value: '无' is the first line of '4.无正当理由大量反复申请'
    as often as a placeholder."""
    if not piece.grid or piece.text or state.columns is None or len(piece.cells) != state.width:
        return
    first = min(r.start for r in state.columns.values())
    if any(c.strip() for c in piece.cells[:first]) and not any(c.strip() for c in piece.cells[first:]):
        piece.text, piece.values = "".join(piece.cells[:first]), []


def _next_label(pieces: list[Piece], index: int, spec: Spec, most: int = 3) -> str:
    """The label text of the next rows, through the first one with values (a wrapped label may
    leave a row holding only '，'). A table header repeated at the top of the next page is
    passed over: a label cut by the page break goes on below it ('（二）部分公开（区分处理的，
    只计这一情' / the header again / '形，不计其他情形） 0 0 …')."""
    out: list[str] = []
    page = pieces[index].page
    for piece in pieces[index + 1 :]:
        if _repeated_header_line(piece, page, spec):
            continue
        out.append(piece.text)
        if len(out) == most or any(t.text for t in piece.values):
            break
    return "".join(out)


def _repeated_header_line(piece: Piece, page: int | None, spec: Spec) -> bool:
    """A line of a page after ``page`` made only of the table header's characters, no values."""
    if page is None or piece.page is None or piece.page <= page or any(t.text for t in piece.values):
        return False
    core = lab.text_core(piece.text)
    return not core or spec.header_only(core)


def _continues(buffer: list[Piece], piece: Piece, following: str, occ: lab.Occurrence, spec: Spec) -> bool:
    """Whether a grid row of blank cells holds the first lines of a label that the next row
    completes (a label wrapped over grid rows) rather than a row printed blank: a row label runs
    on from this row's text into the next row's."""
    if not lab.text_core(following):
        return False
    text = "".join(p.text for p in buffer) + piece.text
    end = len(lab.text_core(text))
    longer = _row_occurrences(spec, text + following, _own_from(buffer))
    # a longer row runs on ('2.其他法律行政' + '法规禁止公开' is not '3.其他' printed blank)
    if any(o.start < end < o.end and o.label.code != occ.label.code for o in longer):
        return True
    # the same row's official label matches better with the next row's text
    official = lab.core(spec.slot(occ.label.code).label_zh)
    before, after = lab.text_core(text), lab.text_core(text + following)
    return lab.align(official, after)[0] > lab.align(official, before)[0]


def _label_lines_after(pieces: list[Piece], index: int) -> str:
    """The label text lines printed after a row, up to the next row: the tail of a label wrapped
    around its numbers ('3.补正后申请内容' / '仍 1 0 0 …' / '不明确'), or a label a PDF's
    position reader left below the row's numbering ('2. | 0 0 …' / '没有现成信息需要另行制作')."""
    out = []
    for piece in pieces[index + 1 :]:
        if piece.values or piece.grid:
            break
        out.append(piece.text)
    return "".join(out)


def _take(piece: Piece, buffer: list[Piece], after: str, state: _State) -> None:
    """A piece with values: find the row its label (with the label lines above) names.

    Values on a line of their own belong to the first row named by the label lines just
    above them (a label wrapped over lines, values below); with no label lines above, to the
    first row still waiting for values (a converter that detached a table's labels). When
    that choice was between several rows, it is remembered: should one of the others end
    without values, the order could not tell them apart and the table fails."""
    spec = state.spec
    text, own, alone, found = _labels_of_row(spec, tuple(p.text for p in buffer), piece.text, after)
    _check_one_label(piece, found, own, state)
    # labels up to the row's own text; a row printing only its numbering ('1.') also the one below it
    reach = own[1] + (1 if own[0] == own[1] else 0)
    occurrences = [o for o in found if o.start < reach and o.label.code not in state.assigned]
    if not occurrences:
        above = _waiting_in(buffer, state)
        if above:
            target, where, others = above[0], buffer[0].where, {s.code for s in above[1:]}
            state.waiting_labels.extend((s, where) for s in above[1:] if s not in [w for w, _ in state.waiting_labels])
        elif state.waiting_labels:
            target, where = state.waiting_labels[0]
            others = {s.code for s, _ in state.waiting_labels[1:]}
        elif all(not t.text for t in piece.values):
            return  # a row of blank cells with no label: spacing
        elif piece.bare_number:
            state.bare_numbers.append(piece)
            return
        else:
            state.waiting_values.append(piece)
            return
        if others:
            state.ambiguous_with[target.code] = others
        _bind(target, piece, where, state)
        return
    occ = _owner(occurrences, own)
    if occ is not None and occ.label.kind == "group" and _TRAILING_NUMBER.search(normalize(piece.text)):
        # '（四）无法提供1. | 0 …' with '本机关不掌握相关政府信息' below: sub-row 1's numbers
        below = [o for o in found if o.start >= own[1] and o.label.code not in state.assigned]
        occ = below[0] if below and below[0].label.kind == "row" else None
    if occ is None:
        raise _Failure(f"{piece.where}: the label '{piece.text}' of values {_printed(piece)} names no row of the form")
    target = spec.slot(occ.label.code)
    _check_numbering(piece, target)
    if not occ.exact:  # a label printed exactly has no rivals (``labels.rivals``)
        _check_rivals(spec, occ, lab.text_core(text), piece)
    waiting = _fresh_rows(occurrences[:-1], state, but=target, alone=alone)
    _wait(waiting, buffer[0].where if buffer else piece.where, state)
    _bind(target, piece, piece.where, state)


def _labels_of_row(
    spec: Spec, above: tuple[str, ...], own_text: str, after: str
) -> tuple[str, tuple[int, int], frozenset[int], tuple[lab.Occurrence, ...]]:
    """For a row with values: its label text with the label lines above it, where the row's own
    text lies in that text's core, where short labels printed alone start (``_numbered_short_lines``)
    and the rows named (``_with_and_without``). A function of the texts alone, so cached: reports
    print the same label lines, and finding the rows is most of what taking a row costs."""
    key = (above, own_text, after)
    hit = _ROW_LABELS.get(spec, key)
    if hit is not None:
        return hit
    text = "".join(above) + own_text
    # no label lines above (most rows): the row's own text starts the core, no line is alone
    own = (_core_length(above) if above else 0, len(lab.text_core(text)))
    alone = _numbered_short_lines_of(above, spec) if above else frozenset()
    found = tuple(_with_and_without(spec, text, after, own[0], alone)) if own_text else ()
    return _ROW_LABELS.keep(spec, key, (text, own, alone, found))


_ROW_LABELS = ByOwner(20000)


def _with_and_without(
    spec: Spec, text: str, after: str, own_from: int, alone: frozenset[int] = frozenset()
) -> list[lab.Occurrence]:
    """Rows named with the label lines after the row (a label's wrapped tail), and without them:
    a row found in the text itself is kept even where a longer label forms with the lines after
    it (a vertical group's '处理' after '3.其他' makes '其他处理')."""
    found = _row_occurrences(spec, text + after, own_from, alone)
    if after:
        codes = {o.label.code for o in found}
        found += [o for o in _row_occurrences(spec, text, own_from, alone) if o.label.code not in codes]
        found.sort(key=lambda o: o.start)
    return found


def _check_one_label(piece: Piece, found: list[lab.Occurrence], own: tuple[int, int], state: _State) -> None:
    """A row's own label text must name one row. Two rows in a grid cell are a merge artifact
    (the first row's numbers are lost, not blank); a text line holding the tail of one label and
    the head of the next cannot tell whose numbers it prints; a label whose row already has
    numbers cannot take more."""
    rows = [o for o in found if o.end > own[0] and o.start < own[1] and o.label.kind == "row"]
    if len({o.label.code for o in rows}) > 1:  # '其他' beside a longer label: a heading's fragment
        rows = [o for o in rows if len(o.label.core) > lab.SHORT] or rows
    rows = list({o.label.code: o for o in rows}.values())
    if len(rows) > 1 and (piece.grid or any(o.start < own[0] for o in rows[:-1])):
        names = ", ".join(o.label.printed for o in rows)
        raise _Failure(
            f"{piece.where}: the label '{piece.text}' of values {_printed(piece)} names several rows: {names}"
        )
    if rows and all(o.label.code in state.assigned for o in rows):
        names = ", ".join(o.label.printed for o in rows)
        first = state.assigned[rows[-1].label.code].label_where
        raise _Failure(
            f"{piece.where}: values {_printed(piece)} are printed under the label of {names}, "
            f"which has its values at {first}"
        )


def _owner(occurrences: list[lab.Occurrence], own: tuple[int, int]) -> lab.Occurrence | None:
    """The label a row's values belong to: the one printed across the row's own text (a row
    before a group heading wins). A row printing only a numbering ('2.') takes the label right
    below it, else the last one above it. A row whose own text names no row takes none: that
    text is another label, and giving the values to a neighbour would be a guess."""
    overlapping = [o for o in occurrences if o.end > own[0] and o.start < own[1]]
    if overlapping:
        rows = [o for o in overlapping if o.label.kind == "row"] or overlapping
        rows = [o for o in rows if len(o.label.core) > lab.SHORT] or rows  # '其他' inside '2.其他法律行'
        return rows[-1]
    if own[1] > own[0]:
        return None
    below = [o for o in occurrences if o.start == own[1]]
    above = [o for o in occurrences if o.end <= own[0]]
    return below[0] if below else (above[-1] if above else None)


_NUMBERING = re.compile(r"^\s*(\d)\s*[.．、]")
_TRAILING_NUMBER = re.compile(r"\d\s*[.．、]\s*$")


def _check_numbering(piece: Piece, slot: Slot) -> None:
    """A sub-row's printed numbering ('3.') must be the form's for the row chosen ('3.补正后…')."""
    printed, official = _numbering(normalize(piece.text)), _numbering(slot.label_zh)
    if printed and official and printed != official:
        raise _Failure(
            f"{piece.where}: the row numbered '{printed}.' with values {_printed(piece)} was matched to "
            f"{slot.label_zh}; the numbering disagrees"
        )


@functools.lru_cache(maxsize=16384)
def _numbering(text: str) -> str | None:
    """The digit a label is numbered with ('3.补正后…' -> '3'), None if it is not. Cached: every
    row's label is asked, and reports print the same labels."""
    match = _NUMBERING.match(text)
    return match.group(1) if match else None


def _printed(piece: Piece) -> str:
    return " ".join(t.text or "(blank)" for t in piece.values)


def _check_rivals(spec: Spec, occ: lab.Occurrence, text: str, piece: Piece) -> None:
    rivals = lab.rivals(spec.labels, occ, text)
    if rivals:
        names = "; ".join([occ.label.printed, *(r.printed for r in rivals)])
        raise _Failure(f"{piece.where}: the label '{piece.text}' matches several rows equally well: {names}")


def _bind(slot: Slot, piece: Piece, label_where: str, state: _State) -> None:
    if slot.code in state.assigned:
        raise _Failure(
            f"{piece.where}: the row {slot.label_zh} is printed twice "
            f"(first at {state.assigned[slot.code].label_where})"
        )
    state.waiting_labels = [(s, w) for s, w in state.waiting_labels if s.code != slot.code]
    state.assigned[slot.code] = _Assigned(slot, piece, label_where, state.columns, state.width)


# --- values -> cells -----------------------------------------------------------------------


def _cells(state: _State) -> tuple[list[Cell], list[str], list[str]]:
    """Cells, warnings and problems. A row that cannot be read is a problem and its cells are
    left out; the rows that were read are kept, so a quarantined table shows a person what
    was read (and never a guess for the row that was not)."""
    spec = state.spec
    warnings: list[str] = []
    problems: list[str] = []
    for slot, where in state.waiting_labels:
        state.seen_blank[slot.code] = where
    for code, others in state.ambiguous_with.items():
        blank_rivals = others & set(state.seen_blank)
        if blank_rivals:
            rival = spec.slot(sorted(blank_rivals)[0])
            problems.append(
                f"{state.assigned[code].label_where}: values printed apart from their labels could belong to "
                f"{spec.slot(code).label_zh} or to {rival.label_zh}; the order does not tell"
            )
    problems.extend(
        f"{piece.where}: values {_printed(piece)} belong to no row (no label names a row still waiting for values)"
        for piece in state.waiting_values
    )
    problems.extend(_missing(state))
    if state.bare_numbers and state.seen_blank:
        first = state.bare_numbers[0]
        row = spec.slot(next(iter(state.seen_blank))).label_zh
        problems.append(
            f"{first.where}: '{first.values[0].text}' on a line of its own may be a page number or the value "
            f"of the row {row}, printed without values"
        )
    warnings.extend(
        f"{piece.where}: '{piece.values[0].text}' on a line of its own was not taken as any cell "
        "(a page number, or a number printed away from its row)"
        for piece in state.bare_numbers
    )

    readings: dict[str, list[tuple[str, ...]]] = {}
    sources: dict[str, list[Token]] = {}
    trusted = _tab_header_trusted(state)
    for code, assigned in state.assigned.items():
        try:
            readings[code], sources[code] = _row_cells(assigned, state, trusted)
        except _Failure as failure:
            problems.append(str(failure))
    fixed = {code: r[0] for code, r in readings.items() if len(r) == 1}
    open_rows = {code: r for code, r in readings.items() if len(r) > 1}
    if open_rows:
        try:
            fixed.update(_resolve(spec, fixed, open_rows, state))
        except _Failure as failure:
            problems.append(str(failure))

    out: list[Cell] = []
    for slot in spec.slots:
        if slot.code in fixed:
            texts, tokens = fixed[slot.code], sources[slot.code]
            where_of = _where_of(texts, tokens, state.assigned[slot.code].piece.where)
            row = []
            for col, text, (where, page) in zip(slot.cols, texts, where_of, strict=True):
                value = read_value(text)
                if value is None:
                    problems.append(f"{where}: row {slot.label_zh}, column {col}: '{text}' is not a number")
                    break
                row.append(make(Cell, (slot.code, col, value.raw, value.number, where, page)))
            else:
                out.extend(row)
        elif slot.code in state.seen_blank:
            where = state.seen_blank[slot.code]
            out.extend(Cell(slot.code, col, "", None, f"{where} (row printed without values)") for col in slot.cols)
    return out, warnings, problems


def _missing(state: _State) -> list[str]:
    """Rows of the form the table does not print (a group printed as one row, 2019 style,
    stands for its sub-rows)."""
    spec = state.spec
    present = set(state.assigned) | set(state.seen_blank)
    out = []
    for slot in spec.slots:
        if slot.kind != "row" or slot.code in present:
            continue
        parent = _group_of(spec, slot.code)
        if parent and parent in state.assigned and not any(c in present for c in spec.alternatives[parent]):
            continue
        out.append(f"the row {slot.label_zh} was not found")
    return out


def _group_of(spec: Spec, code: str) -> str | None:
    return next((g for g, subs in spec.alternatives.items() if code in subs), None)


def _row_cells(assigned: _Assigned, state: _State, trusted: bool) -> tuple[list[tuple[str, ...]], list[Token]]:
    """Candidate readings of one row's cells and the tokens they come from."""
    slot = assigned.slot
    piece = assigned.piece
    n = len(slot.cols)
    if piece.grid:
        values = _grid_values(piece, slot, assigned, state.spec.align, _spanned(slot, state.spec))
        return [values], list(piece.values)[:n]
    tokens = list(piece.values)
    texts = [t.text for t in tokens]
    if piece.edges is None and len(texts) == n + 1 and texts[0] in WORD_PLACEHOLDERS:
        tokens, texts = tokens[1:], texts[1:]  # '无 0 2 …': 无 of '4.无正当理由…'
    if piece.edges is not None and (len(texts) <= n or not any(texts)):
        return _tab_readings(assigned, trusted)
    if len(texts) > n:
        kept = _without_copies(texts, n, slot.equations) if _spanned(slot, state.spec) else None
        if kept is None:
            raise _Failure(
                f"{piece.where}: row {slot.label_zh} has {len(texts)} values for {n} columns: {' '.join(texts)}"
            )
        return [tuple(texts[i] for i in kept)], [tokens[i] for i in kept]
    found = row_readings(texts, n, slot.equations)
    if found is None:
        raise _Failure(f"{piece.where}: row {slot.label_zh}: '{' '.join(texts)}' has too many readings to try")
    if not found:
        raise _Failure(
            f"{piece.where}: row {slot.label_zh}: '{' '.join(texts)}' cannot be read as {n} cells "
            "whose total is right (digits run together or blank cells lost)"
        )
    return found, tokens


def _tab_starts(assigned: _Assigned) -> list[int]:
    """Where a tab row's cells may start among its fields. Kept on the row: the header test
    (``_tab_header_trusted``) and the reading (``_tab_readings``) both ask, and the row's fields
    do not change once the table's rows are taken."""
    if assigned.starts is None:
        texts = [t.text for t in assigned.piece.tab_fields()]
        assigned.starts = window_starts(texts, len(assigned.slot.cols), assigned.slot.equations, last=True)
    return assigned.starts


def _under_header(assigned: _Assigned, start: int) -> bool | None:
    """Whether the row's cells from ``start`` stand in the fields of the header row's columns;
    None where no header row of the row's width names its columns."""
    columns, slot, fields = assigned.columns, assigned.slot, assigned.piece.tab_fields()
    if not columns or len(assigned.piece.cells) != assigned.width or any(c not in columns for c in slot.cols):
        return None
    return all(fields[start + j].col in columns[col] for j, col in enumerate(slot.cols))


def _tab_header_trusted(state: _State) -> bool:
    """A tab-separated table's header positions are trusted only if every row read without them
    (one placement) stands under them: text copies of Word tables often shift a row's fields
    (seeds 001, 002, 004 print three label fields on some rows, two on others)."""
    seen = False
    for assigned in state.assigned.values():
        if assigned.piece.edges is None:
            continue
        starts = _tab_starts(assigned)
        if len(starts) == 1:
            under = _under_header(assigned, starts[0])
            if under is False:
                return False
            seen = seen or under is True
    return seen


def _tab_readings(assigned: _Assigned, trusted: bool) -> tuple[list[tuple[str, ...]], list[Token]]:
    """A tab-separated row: its cells from the first value to the last are in order, blanks
    included; the cells it does not print are among the empty fields at its ends. Of several
    placements the row's equations allow, the one under a trusted header's columns is read;
    otherwise they are left to the table's column arithmetic."""
    piece, slot, n = assigned.piece, assigned.slot, len(assigned.slot.cols)
    fields = piece.tab_fields()
    texts = [t.text for t in fields]
    starts = _tab_starts(assigned)
    if not starts:
        raise _Failure(
            f"{piece.where}: row {slot.label_zh} prints {len(piece.values)} cells ({_printed(piece)}) for {n} columns"
        )
    if len(starts) > 1 and trusted:
        starts = [k for k in starts if _under_header(assigned, k)] or starts
    # with one placement every cell has its own field; with several, the fields at the ends
    # are named as blank cells of the copy, whichever placement the table's arithmetic picks
    tokens = fields[starts[0] : starts[0] + n] if len(starts) == 1 else list(piece.values)
    return [tuple(texts[k : k + n]) for k in starts], tokens


def _where_of(texts: Sequence[str], tokens: list[Token], row_where: str) -> list[tuple[str, int | None]]:
    """Where each cell of a reading was printed: its token, noting cells cut out of glued
    digits and blank cells the text copy lost."""
    if len(tokens) == len(texts):
        return [(t.where, t.page) for t in tokens]
    out: list[tuple[str, int | None]] = []
    j, rest = 0, ""
    page = tokens[0].page if tokens else None
    for text in texts:
        if not rest and (text == "" and (j >= len(tokens) or tokens[j].text != "")):
            out.append((f"{row_where} (blank cell, not in the text copy)", page))
            continue
        if not rest:
            rest = tokens[j].text
            j += 1
        whole = text == rest
        out.append((tokens[j - 1].where if whole else f"{tokens[j - 1].where} (cut from '{tokens[j - 1].text}')", page))
        rest = rest[len(text) :]
    return out


def _grid_values(piece: Piece, slot: Slot, assigned: _Assigned, align: str, spanned: bool) -> tuple[str, ...]:
    """A grid row's cells for the slot's columns: by the header's column positions when the
    header names every column and the row is of the header's grid (a table continued on the
    next page is another grid), else the row's value cells aligned to its end."""
    cells = piece.cells
    columns = assigned.columns
    usable = columns and len(cells) == assigned.width and all(c in columns for c in slot.cols)
    under = _under_columns(cells, columns, slot.cols) if usable else None
    if under is not None:
        out = []
        for col, texts in zip(slot.cols, under, strict=True):
            if len(set(texts)) > 1:
                raise _Failure(
                    f"{piece.where}: row {slot.label_zh}, column {col}: several values under one header: "
                    f"{' '.join(texts)}"
                )
            out.append(texts[0] if texts else "")
        first = min(columns[c].start for c in slot.cols)
        stray = [c for c in cells[:first] if c.strip() and read_value(c) is not None and read_value(c).number]
        if stray:
            raise _Failure(f"{piece.where}: row {slot.label_zh}: a number ({stray[0]}) where the label is printed")
        where, page = piece.where, piece.page
        piece.values = [
            make(Token, (out[i], f"{where} col {columns[col].start + 1}", page, columns[col].start))
            for i, col in enumerate(slot.cols)
        ]
        return tuple(out)
    return _aligned(piece, slot, align, spanned)


def _under_columns(cells: Sequence[str], columns: dict[str, range], cols: Sequence[str]) -> list[list[str]] | None:
    """The non-blank (stripped) cells under each column's header, or None when a cell under
    the header columns does not read as a value (one pass for both)."""
    n = len(cells)
    out = []
    for col in cols:
        texts = []
        for i in columns[col]:
            if i >= n:
                continue
            cell = cells[i]
            if read_value(cell) is None:
                return None
            text = cell.strip()
            if text:
                texts.append(text)
        out.append(texts)
    return out


def _aligned(piece: Piece, slot: Slot, spec_align: str, spanned: bool) -> tuple[str, ...]:
    """Without a usable header: the n value cells must be a window of the row's value cells
    with only blanks outside it; a single such window, or one that the row's equations pick."""
    values = piece.values
    n = len(slot.cols)
    texts = [t.text for t in values]
    if len(texts) < n:
        raise _Failure(f"{piece.where}: row {slot.label_zh} has {len(texts)} value cells for {n} columns")
    filled = [i for i, t in enumerate(texts) if t]
    merged = len(filled) > n and spanned and filled == list(range(filled[0], filled[-1] + 1))
    if merged:  # a merged cell copied into every spanned cell: 12 | 12 | 12
        kept = _without_copies([texts[i] for i in filled], n, slot.equations)
        if kept is not None:
            piece.values = [values[filled[i]] for i in kept]
            return tuple(t.text for t in piece.values)
    start = window(texts, n, slot.equations, last=spec_align == "right")
    if start is None:
        raise _Failure(
            f"{piece.where}: row {slot.label_zh}: cannot tell which of the cells {' | '.join(texts)} "
            f"are its {n} columns"
        )
    piece.values = values[start : start + n]
    return tuple(texts[start : start + n])


def _spanned(slot: Slot, spec: Spec) -> bool:
    """Whether the row's cells may span several printed columns: its block has fewer columns
    than the table's widest (a 2019 fee row of two measures under a three-measure header)."""
    return len(slot.cols) < spec.widest


def _without_copies(texts: Sequence[str], n: int, equations: Sequence[RowEquation]) -> list[int] | None:
    """Indices of ``n`` cells left when adjacent copies are removed (a converter copies a merged
    cell's value into each cell it spans: '4 0 0' for two columns is 4 | 0), or None unless
    that leaves exactly one reading that satisfies the row's equations."""
    extra = len(texts) - n
    copies = [i for i in range(1, len(texts)) if texts[i] == texts[i - 1]]
    readings = {}
    for drop in itertools.combinations(copies, extra):
        kept = [i for i in range(len(texts)) if i not in drop]
        reading = tuple(texts[i] for i in kept)
        if holds(reading, equations):
            readings.setdefault(reading, kept)
    return next(iter(readings.values())) if len(readings) == 1 else None


def _resolve(spec: Spec, fixed: dict, open_rows: dict, state: _State) -> dict[str, tuple[str, ...]]:
    """Ambiguous text rows: the combination the table's column equations admit, if unique."""
    equations = [eq for eq in form.EQUATIONS if eq.table == spec.table and eq.frame == "applications_by_applicant"]
    cols = spec.slots[0].cols

    def check(rows: dict[str, Sequence[str]]) -> bool:
        for eq in equations:
            if eq.template is not None and eq.template != spec.template:
                continue
            for k in range(len(cols)):
                lhs = sum((_num(rows, c, k) for c in eq.lhs), 0)
                rhs = sum((_num(rows, c, k) for c in eq.rhs), 0)
                if lhs != rhs:
                    return False
        return True

    found = resolve(fixed, open_rows, check) if equations else []
    if found is not None and len(found) == 1:
        return found[0]
    rows = "; ".join(
        f"{state.assigned[c].piece.where}: row {spec.slot(c).label_zh} prints "
        f"'{' '.join(t.text for t in state.assigned[c].piece.values)}' for {len(spec.slot(c).cols)} columns "
        f"({len(r)} readings)"
        for c, r in open_rows.items()
    )
    if not equations:
        raise _Failure(f"{rows}; no arithmetic tells which reading is printed")
    count = "too many combinations" if found is None else ("no combination" if not found else "several combinations")
    raise _Failure(f"{rows}; {count} of these readings satisfy the table's column arithmetic")


def _num(rows: dict[str, Sequence[str]], code: str, k: int) -> Decimal:
    return number(rows[code][k]) if code in rows else Decimal(0)
