"""The common document model every reader produces and the parser consumes.

A report, whatever its file format, becomes a sequence of rows of text cells. A line of
running text is a row with one cell; a table row is a row with one cell per column.
``grid`` tells the parser whether cell positions can be trusted: in a real table (Word,
HTML, ruled PDF) merged cells are expanded so that column *k* is always column *k*; in
text copies (tab- or space-separated lines) blank cells may have vanished, so only the
order of the non-blank cells is known.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, init=False)
class Row:
    """One printed row. ``where`` locates it for a person: 'line 57', 'table 2 row 5'."""

    cells: tuple[str, ...]
    where: str
    page: int | None = None
    grid: bool = False

    def __init__(self, cells: tuple[str, ...], where: str, page: int | None = None, grid: bool = False) -> None:
        """The generated ``__init__`` of a frozen dataclass, without its four calls of
        ``object.__setattr__``: the same attributes in the same instance dict, at half the cost
        of a row (a reader makes one per printed row, some 65 a report)."""
        self.__dict__.update(cells=cells, where=where, page=page, grid=grid)


@dataclass
class Document:
    """What a reader found in one file, in reading order."""

    rows: list[Row] = field(default_factory=list)
    file_type: str = "txt"
    encoding: str | None = None
    # What the file says about itself outside the body: a PDF's metadata Title, an HTML
    # page's <title> and meta fields (keys: 'title', 'author', 'publisher', ...). Identity
    # falls back to these when the printed title lacks the agency.
    meta: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        """All text, one row per line, its non-empty cells joined by a space (for title and
        narrative). A one-cell row (most text lines) is its cell; ``filter`` rather than a
        generator per row: a third of the time (0.06 -> 0.02 ms a report)."""
        return "\n".join(
            [cells[0] if len(cells := row.cells) == 1 else " ".join(filter(None, cells)) for row in self.rows]
        )


class UnreadableFile(Exception):
    """The file cannot be read as a report; the message is shown to a person as the reason."""
