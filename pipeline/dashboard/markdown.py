"""Text from the files (names, titles, quotes, reasons) made safe inside Markdown.

Dagster renders ``MetadataValue.md`` as Markdown, and Markdown passes HTML through: a file
named ``<img src=x onerror=alert(1)>.txt`` listed as is would be an image tag in the Dagster
UI. So every such text is HTML-escaped (``&lt;img``, shown as text) and its Markdown
punctuation is backslash-escaped (a title with ``**`` or ``[..](..)`` stays what it says),
and it is kept on one line (a newline could start a heading or a list).
"""

from __future__ import annotations

import re
from html import escape

_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def markdown_text(value: object) -> str:
    """``value`` as literal text inside a Markdown document: no HTML, no formatting, one line."""
    text = " ".join(str(value).split())
    return _PUNCTUATION.sub(r"\\\1", escape(text, quote=False))
