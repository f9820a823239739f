"""`gongkai show FILE --pdf-debug DIR`: an image of each table page with what the reader saw.

Drawn on pdfplumber's page image (rendered by pypdfium2, offline): the cells of ruled tables
in red, and in blue the words outside them, which the position reader places into rows and
columns (tables drawn without lines). When a table is quarantined as unreadable, this shows
whether the ruling lines were found, and where each word stood.
"""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber

from pipeline.readers import pdf
from pipeline.readers.pdf_geometry import ruled_tables

RESOLUTION = 110


def draw(path: Path, out_dir: Path) -> list[Path]:
    """Write ``<name>.page<N>.png`` for each table page of the PDF; returns the files."""
    data = path.read_bytes()
    document = pdf._open(data)
    try:
        pages, edges = pdf.load(document, data)
    finally:
        document.close()
    found = {}
    for i, page_edges in edges.items():
        tables = ruled_tables(page_edges, pages[i].chars)
        outside = [w for w in pages[i].words if not any(t.holds((w.x0 + w.x1) / 2, w.mid) for t in tables)]
        found[i] = (tables, outside)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with pdfplumber.open(io.BytesIO(data)) as plumber:
        for i, (tables, outside) in found.items():
            image = plumber.pages[i].to_image(resolution=RESOLUTION)
            image.draw_rects([cell for t in tables for cell in t.cells], stroke="red", fill=(255, 0, 0, 20))
            image.draw_rects([(w.x0, w.top, w.x1, w.bottom) for w in outside], stroke="blue", fill=(0, 0, 255, 20))
            target = out_dir / f"{path.stem}.page{i + 1}.png"
            image.save(target)
            written.append(target)
    return written
