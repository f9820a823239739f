"""Text from the files is shown as text: in the dashboard and in the Dagster metadata.

Reports come from the open web: a file may be named ``<img src=x onerror=alert(1)>.txt`` and
a title may hold ``<script>``. One ingest (the real Dagster job) of such files: every page of
the dashboard and every string or Markdown metadata value of the run carries them escaped,
never as markup; headless Chromium (when installed) finds no element they would have made.
"""

from __future__ import annotations

import re
import subprocess
from html import escape
from pathlib import Path

import dagster as dg
import pytest

from assets.definitions import make_definitions
from assets.settings import GongkaiSettings
from pipeline.dashboard import pages, site_dir_for
from pipeline.dashboard.markdown import markdown_text
from tests.conftest import RAW

HOSTILE_NAME = "<img src=x onerror=alert(1)>.txt"
SCRIPT = "<script>alert(1)</script>"
TITLED = "titled.txt"  # seed 001 with SCRIPT printed at the start of its title line
CHROMIUM = Path("/usr/bin/chromium")
MARKUP = re.compile(r"<img|<script>alert|onerror=alert\(1\)>", re.IGNORECASE)  # what escaping must not leave


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Seed 003 (partial, with warnings: in every list) under the hostile name, seed 001 with
    the script in its title, ingested by the Dagster job; returns (result, warehouse)."""
    root = tmp_path_factory.mktemp("escaping")
    raw = root / "raw"
    raw.mkdir()
    (raw / HOSTILE_NAME).write_bytes((RAW / "003_6e817ece59bf6a07.txt").read_bytes())
    text = (RAW / "001_3e089bbee027005d.txt").read_text(encoding="utf-8")
    title = "高新技术产业开发区管理办公室 2021 年政府信息公开"
    assert text.count(title) >= 1
    (raw / TITLED).write_text(text.replace(title, SCRIPT + title, 1), encoding="utf-8")
    wh = root / "wh" / "gongkai.duckdb"
    settings = GongkaiSettings(raw_dir=str(raw), warehouse=str(wh))
    job = make_definitions(settings).resolve_job_def("ingest")
    quiet = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
    result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), run_config=quiet, raise_on_error=True)
    return result, wh


def _texts(metadata: dict) -> dict[str, str]:
    """The string and Markdown values of a metadata dict (what the UI renders as text or Markdown)."""
    out = {}
    for key, value in metadata.items():
        if isinstance(value, dg.MarkdownMetadataValue | dg.TextMetadataValue):
            out[key] = value.value
        elif isinstance(value, str):
            out[key] = value
    return out


def test_dashboard_pages_show_names_and_titles_as_text(run):
    _, wh = run
    site = site_dir_for(wh)
    index = (site / "index.html").read_text(encoding="utf-8")
    assert index.count(escape(HOSTILE_NAME)) == 4  # in the quarantine list, and for each of its 3 warnings
    quarantine = index[index.index('id="quarantine-list"') : index.index('id="warnings"')]
    assert f">{escape(HOSTILE_NAME)}</a>" in quarantine
    assert escape("&lt;") not in quarantine  # escaped once, not twice
    pages_html = {p.name: p.read_text(encoding="utf-8") for p in (site / "reports").glob("*.html")}
    assert len(pages_html) == 2
    titled = next(h for h in pages_html.values() if "titled.txt" in h)
    assert f"<h1>{escape(SCRIPT)}高新技术产业开发区管理办公室2021年政府信息公开工作年度报告</h1>" in titled
    assert f"<td>{escape(SCRIPT)}高新技术产业开发区管理办公室</td>" in titled  # the agency, as read
    hostile = next(h for h in pages_html.values() if "titled.txt" not in h)
    assert f"<title>{escape(HOSTILE_NAME)} · gongkai</title>" in hostile
    every_page = {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in site.rglob("*.html")}
    assert len(every_page) >= 3  # the summary, the two report pages, and any page beside them (checks)
    for name, html in every_page.items():
        assert not MARKUP.search(html), name


def test_chart_data_cannot_end_its_script():
    html = pages._chart("c", [{"type": "bar", "x": ["</script><script>alert(1)</script>"], "y": [1]}], {})
    assert html.count("</script>") == 1 and "<script>alert" not in html
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)" in html  # the label itself is kept, as JSON escapes


def test_dagster_metadata_carries_them_escaped(run):
    result, _ = run
    texts: dict[str, str] = {}
    for node in ("raw_report_files", "staged_reports", "warehouse", "dq_dashboard"):
        for materialization in result.asset_materializations_for_node(node):
            texts.update({f"{node}.{k}": v for k, v in _texts(materialization.metadata).items()})
    for evaluation in result.get_asset_check_evaluations():
        texts.update({f"check.{k}": v for k, v in _texts(evaluation.metadata).items()})
    assert {k: v for k, v in texts.items() if MARKUP.search(v)} == {}
    assert markdown_text(HOSTILE_NAME) == "&lt;img src=x onerror=alert\\(1\\)&gt;\\.txt"
    assert f"- {markdown_text(HOSTILE_NAME)}: partial: " in texts["warehouse.problems"]
    assert f"- **{markdown_text(HOSTILE_NAME)}** (applications, " in texts["check.warning_offenders"]
    assert f"- **{markdown_text(HOSTILE_NAME)}** (proactive_disclosure, 1): " in texts["check.blocking_failures"]


def test_markdown_text_keeps_every_character_and_no_formatting():
    assert markdown_text("a **b** [c](d)\n# e|f") == "a \\*\\*b\\*\\* \\[c\\]\\(d\\) \\# e\\|f"
    assert markdown_text("甲 & 乙 <b>") == "甲 &amp; 乙 &lt;b&gt;"


@pytest.mark.skipif(not CHROMIUM.exists(), reason="headless browser check skipped: /usr/bin/chromium is not installed")
def test_browser_builds_no_element_from_them(run, tmp_path):
    """Chromium parses the pages: the names and the title are text nodes, no <img> or <script> from them."""
    _, wh = run
    site = site_dir_for(wh)
    titled = next(p for p in (site / "reports").glob("*.html") if "titled.txt" in p.read_text(encoding="utf-8"))
    for page in (site / "index.html", titled):
        dom = subprocess.run(
            [
                str(CHROMIUM),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                f"--user-data-dir={tmp_path / page.stem}",
                "--virtual-time-budget=5000",
                "--dump-dom",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert dom.returncode == 0, dom.stderr[-2000:]
        assert "<img" not in dom.stdout and "<script>alert" not in dom.stdout, page
        assert escape(HOSTILE_NAME) in dom.stdout or escape(SCRIPT) in dom.stdout, page
