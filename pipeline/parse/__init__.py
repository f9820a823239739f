"""Document -> ParsedReport: where the rows of any file become statutory table cells.

Steps: find the title (agency, year); find where the tables are; read the applications
table with each template and keep the one whose rows match (the template is recognized from
the table itself, not from the year); read the proactive table of that template and the
review/litigation row.
"""

from __future__ import annotations

from pipeline import form
from pipeline.document import Document, UnreadableFile
from pipeline.parse.metadata import agency_of, find_title, year_of
from pipeline.parse.model import Cell, ParsedReport, TableRead
from pipeline.parse.tables import (
    application_slots,
    find_regions,
    match_rows,
    proactive_slots,
    read_review,
    review_region_end,
)

__all__ = ["Cell", "ParsedReport", "TableRead", "parse_document"]


def parse_document(doc: Document) -> ParsedReport:
    """Read identity and tables. Raises UnreadableFile when this is not a readable report."""
    title = find_title(doc.rows)
    body = doc.text()
    year = year_of(title, body)
    if year < 2019:
        raise UnreadableFile("pre-2019 format not supported")
    agency = agency_of(title, body)

    regions = find_regions(doc.rows)
    if regions.proactive is None and regions.applications_start is None:
        raise UnreadableFile("not a report: none of the three statutory tables was found")

    tables: dict[str, TableRead] = {}
    template, applications, app_end = _read_applications(doc, regions.applications_start, year)
    tables["applications"] = applications

    if regions.proactive is None:
        tables["proactive_disclosure"] = TableRead("proactive_disclosure", problems=["table 二 not found"])
    else:
        start, end = regions.proactive
        tables["proactive_disclosure"], _ = match_rows(
            doc.rows[start:end], proactive_slots(form.TEMPLATES[template]), "proactive_disclosure"
        )
    review_start = app_end if app_end is not None else (regions.proactive or (0, 0))[1]
    review_rows = doc.rows[review_start : review_region_end(doc.rows, review_start)]
    tables["review_litigation"] = read_review(review_rows)
    return ParsedReport(title=title, agency_name=agency, year=year, template=template, tables=tables, narrative=body)


def _read_applications(doc: Document, start: int | None, year: int) -> tuple[str, TableRead, int | None]:
    """Try each template on the applications table; the first that reads cleanly wins.
    When none does, report the problems of the template the year suggests."""
    if start is None:
        default = "2021" if year >= 2021 else "2019"
        return default, TableRead("applications", problems=["table 三 not found"]), None
    attempts = {}
    for code, template in form.TEMPLATES.items():
        table, end = match_rows(doc.rows[start:], application_slots(template), "applications")
        if not table.problems:
            return code, table, start + end
        attempts[code] = (table, start + end)
    default = "2021" if year >= 2021 else "2019"
    table, end = attempts[default]
    return default, table, end
