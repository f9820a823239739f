"""One reader per file kind, each turning a file into a ``Document``.

``read_document`` picks the reader by file extension; a format we cannot read raises
``UnreadableFile`` with a reason a person can act on (never an empty document). Before a
reader sees a file, ``read_document`` checks what is cheap to know and costly to ignore: its
size (before reading it), that its bytes are what its extension says (``sniff``), and a PDF's
page count (before any page is read); the readers check the rest (``limits.Limits``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium

from pipeline.document import Document, UnreadableFile
from pipeline.limits import DEFAULT_LIMITS, MB, Limits
from pipeline.readers import docx, html, pdf, sniff, text


def _read_pdf(data: bytes, limits: Limits) -> Document:
    """The page limit is checked here, on pdfium's page count (it reads no page), so that the
    PDF reader itself stays free of limits."""
    check_pdf_pages(data, limits)
    return pdf.read(data)


def check_pdf_pages(data: bytes, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a PDF of more pages than the limit; an unopenable one is left to the reader."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return
    try:
        pages = len(document)
    finally:
        document.close()
    if pages > limits.pdf_pages:
        raise limits.too_many_pages(pages)


READERS: dict[str, Callable[[bytes, Limits], Document]] = {
    ".txt": lambda data, _: text.read(data),
    ".md": lambda data, _: text.read(data),
    ".htm": html.read,
    ".html": html.read,
    ".docx": docx.read,
    ".pdf": _read_pdf,
}

UNSUPPORTED = {
    ".doc": "legacy Word 97-2003 .doc format is not supported; save it as .docx or PDF",
    ".wps": "WPS Office .wps format is not supported; save it as .docx or PDF",
}


def supported_suffixes() -> tuple[str, ...]:
    """Extensions the ingest picks up from the raw folder (supported or known-unsupported)."""
    return tuple(sorted(set(READERS) | set(UNSUPPORTED)))


def read_document(path: Path, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read one raw file (read-only) into a ``Document``."""
    suffix = path.suffix.lower()
    if suffix in UNSUPPORTED:
        raise UnreadableFile(UNSUPPORTED[suffix])
    reader = READERS.get(suffix)
    if reader is None:
        raise UnreadableFile(f"unsupported file type '{suffix or path.name}'")
    size = path.stat().st_size
    limit_mb, kind = limits.size_limit(suffix)
    if size > limit_mb * MB:
        raise limits.file_too_large(size, limit_mb, kind)
    data = path.read_bytes()
    if not data.strip():
        raise UnreadableFile("empty file")
    reason = sniff.mismatch(suffix, data)
    if reason:
        raise UnreadableFile(reason)
    return reader(data, limits)
