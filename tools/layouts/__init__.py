"""A layout generator for round-trip tests of the readers (see ``tools/layouts/README.md``).

Random valid reports (``model``) are laid out as tables (``tables``) with label variants
(``labels``) and rendered to text, Markdown, HTML, DOCX and PDF (``render_*``); ``families``
names the layout families the product must read, ``harness`` reads each rendering back with
the project's reader and compares every cell with what was rendered.
"""
