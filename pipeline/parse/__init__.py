"""Document -> ParsedReport: where the rows of any file become statutory table cells.

Steps: find the title (agency, year); find where the tables are (``tables``); tell the
template from the tables themselves; map each table's rows onto the form's cells with the one
recognizer every format shares (``recognize``; table 四 in ``review``).
"""

from __future__ import annotations

from pipeline import form
from pipeline.document import Document, UnreadableFile
from pipeline.parse.metadata import find_title, resolve_agency, year_of
from pipeline.parse.model import Cell, ParsedReport, TableRead
from pipeline.parse.recognize import applications_spec, proactive_spec, recognize
from pipeline.parse.review import read_review
from pipeline.parse.tables import cut_long_lines, find_regions, template_of

__all__ = ["Cell", "ParsedReport", "TableRead", "parse_document"]


def parse_document(doc: Document) -> ParsedReport:
    """Read identity and tables. Raises UnreadableFile when this is not a readable report."""
    title = find_title(doc.rows, doc.meta)
    body = doc.text()
    year = year_of(title, body, doc.meta.get("title", ""))
    if year < 2019:
        raise UnreadableFile("pre-2019 format not supported")
    _, agency = resolve_agency(title, body, doc.rows, doc.meta)

    rows = cut_long_lines(doc.rows)
    regions = find_regions(rows)
    if regions.proactive is None and regions.applications is None:
        raise UnreadableFile("not a report: none of the three statutory tables was found")
    template = form.TEMPLATES[template_of(rows, regions, year)]

    def region(span: tuple[int, int] | None, name: str, spec_reader) -> TableRead:
        if span is None:
            return TableRead(name, problems=[f"table {form.TABLE_LABELS_ZH[name][:1]} not found"])
        return spec_reader(rows[span[0] : span[1]])

    tables = {
        "proactive_disclosure": region(
            regions.proactive, "proactive_disclosure", lambda r: recognize(r, proactive_spec(template))
        ),
        "applications": region(
            regions.applications, "applications", lambda r: recognize(r, applications_spec(template))
        ),
        "review_litigation": region(regions.review, "review_litigation", read_review),
    }
    return ParsedReport(
        title=title,
        agency_name=agency.name,
        agency_note=agency.note,
        year=year,
        template=template.code,
        tables=tables,
        narrative=body,
    )
