"""One reader per file kind, each turning a file into a ``Document``.

``read_document`` picks the reader by file extension; a format we cannot read raises
``UnreadableFile`` with a reason a person can act on (never an empty document).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pipeline.document import Document, UnreadableFile
from pipeline.readers import docx, html, pdf, text

READERS: dict[str, Callable[[bytes], Document]] = {
    ".txt": text.read,
    ".md": text.read,
    ".htm": html.read,
    ".html": html.read,
    ".docx": docx.read,
    ".pdf": pdf.read,
}

UNSUPPORTED = {
    ".doc": "legacy Word 97-2003 .doc format is not supported; save it as .docx or PDF",
    ".wps": "WPS Office .wps format is not supported; save it as .docx or PDF",
}


def supported_suffixes() -> tuple[str, ...]:
    """Extensions the ingest picks up from the raw folder (supported or known-unsupported)."""
    return tuple(sorted(set(READERS) | set(UNSUPPORTED)))


def read_document(path: Path) -> Document:
    """Read one raw file (read-only) into a ``Document``."""
    suffix = path.suffix.lower()
    if suffix in UNSUPPORTED:
        raise UnreadableFile(UNSUPPORTED[suffix])
    reader = READERS.get(suffix)
    if reader is None:
        raise UnreadableFile(f"unsupported file type '{suffix or path.name}'")
    data = path.read_bytes()
    if not data.strip():
        raise UnreadableFile("empty file")
    return reader(data)
