"""What a file is by its first bytes, whatever its name says.

Files from the web are often not what their extension claims: a download that failed saves the
site's HTML error page as ``report.pdf``, a ``.doc`` renamed to ``.docx`` stays a Word 97-2003
file, a PDF saved as ``.txt``. The reader the extension picks would fail with a confusing
reason (or read tags as text); ``mismatch`` names what the file really is instead, so a person
knows to re-download or re-save it.
"""

from __future__ import annotations

import re

# (what it is, for a person; the extension it would have; its magic bytes at offset 0)
_MAGIC: tuple[tuple[str, str, bytes], ...] = (
    ("a zip archive", ".docx", b"PK\x03\x04"),
    ("a legacy Word 97-2003 / WPS file", ".doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
    ("an RTF document", ".rtf", b"{\\rtf"),
    ("a PNG image", ".png", b"\x89PNG\r\n\x1a\n"),
    ("a JPEG image", ".jpg", b"\xff\xd8\xff"),
    ("a GIF image", ".gif", b"GIF8"),
    ("a gzip archive", ".gz", b"\x1f\x8b"),
    ("a RAR archive", ".rar", b"Rar!\x1a\x07"),
    ("a 7-Zip archive", ".7z", b"7z\xbc\xaf\x27\x1c"),
)
_PDF = ("a PDF", ".pdf")
_HTML = ("an HTML page", ".html")
# a BOM, blanks, an XML declaration and comments may come before the first tag
_HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
    re.IGNORECASE | re.DOTALL,
)

# what each extension's reader accepts; the text readers read a page's source as lines
_ACCEPTS: dict[str, set[str]] = {
    ".pdf": {".pdf"},
    ".docx": {".docx"},
    ".html": {".html"},
    ".htm": {".html"},
    ".txt": {".html"},
    ".md": {".html"},
}
_ADVICE = {
    ".html": "probably a web page saved in place of the report: download the report again",
    ".doc": "save it as .docx or PDF",
    ".pdf": "rename it to .pdf",
    ".docx": "if it is a Word document, rename it to .docx",
}


def kind(data: bytes) -> tuple[str, str] | None:
    """(description, usual extension) of what the bytes are, or None when nothing is recognised."""
    if b"%PDF-" in data[:1024]:  # readers accept a PDF header anywhere in the first KB
        return _PDF
    for description, extension, magic in _MAGIC:
        if data.startswith(magic):
            return description, extension
    if _HTML_START.match(data[:1024]):
        return _HTML
    return None


def mismatch(suffix: str, data: bytes) -> str | None:
    """The reason a file named ``*suffix`` cannot be read as one, when its bytes say it is
    something else; None when it may be what it says (its reader decides the rest)."""
    found = kind(data)
    if suffix not in _ACCEPTS or found is None or found[1] in _ACCEPTS[suffix]:
        return None
    description, extension = found
    advice = _ADVICE.get(extension, "not a report document")
    return f"the file is {description}, not a {suffix} file: {advice}"
