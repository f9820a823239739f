"""What the parser hands to normalization: a typed report with every cell as printed."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple


class Cell(NamedTuple):
    """One printed cell of a statutory table.

    ``row``/``col`` are form codes: (outcome, applicant_type) for applications,
    (item, measure) for proactive disclosure, (proceeding, result) for review/litigation.
    ``where`` and ``page`` say where it was printed, so a person can find it.

    Immutable, as a frozen dataclass was, but a NamedTuple: a report makes some 300 cells, and
    a frozen dataclass's ``__init__`` (``object.__setattr__`` per field) cost 5x a tuple's.
    """

    row: str
    col: str
    raw: str
    number: Decimal | None
    where: str
    page: int | None = None


@dataclass
class TableRead:
    """One statutory table as read. A non-empty ``problems`` list means the table could not
    be read with confidence; it is quarantined with these reasons, whatever its arithmetic."""

    name: str
    cells: list[Cell] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # Non-blocking findings of the reader (a stray number ignored, a wrapped label joined
    # approximately): recorded as warnings, never a reason to quarantine.
    warnings: list[str] = field(default_factory=list)


@dataclass
class ParsedReport:
    """A report's identity and its three tables."""

    title: str
    agency_name: str
    year: int
    template: str
    tables: dict[str, TableRead]
    notes: list[str] = field(default_factory=list)
    narrative: str = ""
    # Why the agency is the printed name and not a full official one (a short form such as
    # 市财政局 whose place the document does not name): a non-blocking warning. None: complete.
    agency_note: str | None = None
