"""The data-quality dashboard: a static folder built from ``reports`` and ``dq_results``.

No server: ``index.html`` opens from disk. Charts are Plotly, whose JavaScript ships inside
the ``plotly`` wheel and is copied next to the pages (``assets/plotly.min.js``), so nothing
is fetched at view time. Each report gets ``reports/<report_id>.html`` with its three
tables as printed, failing cells highlighted, the failed checks with both sides of the
equation, and the source file and page of every cell. ``quality.html`` lists every suite,
expectation and validation result (``quality_pages``): it needs no script, so it shows all of
it offline, where GX's Data Docs (styles and scripts from CDNs) show nothing.

The folder is built beside and then swapped in (``os.replace``), so a reader never sees
half a site. A build draws the report pages whose content changed and carries the others over
from the site it replaces, hard-linked (``manifest``, ``report_inputs``): a run that adds ten
reports to a warehouse of ten thousand draws ten pages, and the summary and checks pages.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.dashboard.pages import Data


@dataclass(frozen=True)
class Site:
    """Where the dashboard was written and what it holds."""

    index: Path
    reports: int  # report pages it holds
    runs: int
    drawn: int  # report pages this build drew (the others carried over unchanged from the site it replaced)


def site_dir_for(warehouse_path: Path) -> Path:
    """The dashboard folder that belongs to a warehouse file (gitignored beside it)."""
    return warehouse_path.parent / "dq_site"


def docs_dir_for(warehouse_path: Path) -> Path:
    """The GX Data Docs folder that belongs to a warehouse file (gitignored beside it)."""
    return warehouse_path.parent / "dq_docs"


def site_index_for(warehouse_path: Path) -> Path:
    """The dashboard's front page for a warehouse file (what `gongkai ingest` prints)."""
    return site_dir_for(warehouse_path) / "index.html"


def docs_index_for(warehouse_path: Path) -> Path:
    """The GX Data Docs front page for a warehouse file (built by the arithmetic check)."""
    return docs_dir_for(warehouse_path) / "index.html"


def build(warehouse_path: Path, site_dir: Path | None = None, docs_index: Path | None = None) -> Site:
    """Write the dashboard for the published warehouse; returns the index page. The summary and
    checks pages are drawn every time (sums over the warehouse); a report page only when what it
    shows changed since the site this one replaces (``manifest``), else it is carried over."""
    from pipeline.dashboard import manifest, pages  # pandas and the gate: only where pages are built, not for the paths
    from pipeline.dashboard import report_inputs as inputs
    from pipeline.limits import frozen_heap
    from pipeline.warehouse import open_connection

    site_dir = site_dir or site_dir_for(warehouse_path)
    docs_index = docs_index or docs_index_for(warehouse_path)
    with frozen_heap():  # the pages' strings churn; what the process held before lives on
        con = open_connection(warehouse_path, read_only=True)  # its buffer pool capped, as the run's others
        try:
            data = pages.load(con)
            tmp = site_dir.with_name(f".{site_dir.name}.tmp-{os.getpid()}")
            shutil.rmtree(tmp, ignore_errors=True)
            (tmp / "reports").mkdir(parents=True)
            (tmp / "assets").mkdir()
            (tmp / "assets" / "plotly.min.js").write_text(_plotly_js(), encoding="utf-8")
            generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
            docs_link = os.path.relpath(docs_index, site_dir) if docs_index.exists() else None
            (tmp / "index.html").write_text(pages.index_page(data, generated, docs_link), encoding="utf-8")
            _write_quality_page(tmp, data, generated, docs_link)
            wanted = inputs.digests(con, inputs.code_digest(data.words))
            draw = manifest.carry_over(site_dir / "reports", wanted, tmp / "reports")
            drawn = 0  # one page per content, not per copy; their rows read a chunk of reports at a time
            for report_id, page in pages.report_pages(con, draw, data):
                (tmp / "reports" / manifest.page_name(report_id)).write_text(page, encoding="utf-8")
                drawn += 1
            manifest.write(tmp / "reports", wanted)
        finally:
            con.close()
    old = site_dir.with_name(f".{site_dir.name}.old-{os.getpid()}")
    if site_dir.exists():
        os.replace(site_dir, old)
    os.replace(tmp, site_dir)
    shutil.rmtree(old, ignore_errors=True)
    return Site(site_dir / "index.html", len(wanted), data.dq_runs, drawn)


def _write_quality_page(site: Path, data: Data, generated: str, docs_link: str | None) -> None:
    """Every suite and result, offline (GX's Data Docs load their styles and scripts from CDNs)."""
    from pipeline.dashboard.quality_pages import PAGE, quality_page
    from pipeline.quality.suites import load_suites

    (site / PAGE).write_text(quality_page(data, load_suites(), generated, docs_link), encoding="utf-8")


def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


__all__ = ["Site", "build", "docs_dir_for", "docs_index_for", "site_dir_for", "site_index_for"]
