"""Splitting a printed row into its label and its value cells."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.document import Row
from pipeline.parse.values import is_value, normalize


@dataclass(frozen=True)
class Split:
    """A row as the table readers see it.

    ``label`` is the normalized text of the label cells. ``values`` are the value cells
    with their locations. For grid rows every cell position counts (a blank is a blank
    cell); for text rows only the non-blank trailing values are known.
    """

    label: str
    values: tuple[tuple[str, str], ...]  # (printed text, where)
    grid: bool


def split(row: Row) -> Split:
    """Label + trailing values of a row, for text and grid rows alike."""
    if row.grid:
        return _split_grid(row)
    tokens: list[tuple[str, str]] = []
    for index, cell in enumerate(row.cells):
        where = row.where if len(row.cells) == 1 else f"{row.where} cell {index + 1}"
        if len(row.cells) == 1:
            tokens.extend((t, where) for t in cell.split())
        elif cell:
            tokens.append((cell, where))
    cut = len(tokens)
    while cut > 0 and is_value(tokens[cut - 1][0]):
        cut -= 1
    label = normalize("".join(t for t, _ in tokens[:cut]))
    return Split(label, tuple(tokens[cut:]), grid=False)


def _split_grid(row: Row) -> Split:
    cells = row.cells
    cut = len(cells)
    while cut > 0 and is_value(cells[cut - 1]):
        cut -= 1
    label = normalize("".join(cells[:cut]))
    values = tuple((cells[i], f"{row.where} col {i + 1}") for i in range(cut, len(cells)))
    if all(not text.strip() for text, _ in values):
        # A row whose value cells are all blank reads like a label line; the table reader
        # then records the row as blank (see tables._match_rows).
        return Split(normalize("".join(cells)), (), grid=True)
    return Split(label, values, grid=True)
