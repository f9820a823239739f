"""The data-quality dashboard built by the ingest job from the seed warehouse.

The browser test drives Debian's Chromium headless (installed by .ci/run when it can be):
the page must load without console errors, show seed 003 in the quarantine list with its
reason, and draw its charts. The screenshot is kept in test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.dashboard import build, docs_dir_for, site_dir_for
from tests.conftest import REPO

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts"
CHARTS = ("chart-runs", "chart-trend", "chart-expectations", "chart-year", "chart-province")


@pytest.fixture(scope="module")
def site(seed_warehouse) -> Path:
    """The dashboard the ingest job wrote beside the seed warehouse."""
    index = site_dir_for(seed_warehouse) / "index.html"
    assert index.exists(), "the ingest job did not build the dashboard"
    return index


def test_ingest_builds_dashboard_and_data_docs(site, seed_warehouse):
    docs = docs_dir_for(seed_warehouse)
    assert (docs / "index.html").exists()
    suites = {p.stem for p in (docs / "expectations").glob("*.html")}
    assert {"cells", "narrative", "plausibility", "completeness"} <= suites
    validation_pages = list((docs / "validations").rglob("*.html"))
    assert len(validation_pages) >= 7  # every suite with data (no 2019-template seed)
    narrative = next(p for p in validation_pages if "narrative" in p.parts)
    assert "d864ba0a10f9" in narrative.read_text(encoding="utf-8")  # the failing report is named
    assert (site.parent / "assets" / "plotly.min.js").stat().st_size > 1_000_000  # bundled, no CDN
    html = site.read_text(encoding="utf-8")
    assert "cdn" not in html.lower() and 'src="assets/plotly.min.js"' in html
    assert 'href="../dq_docs/index.html"' in html


def test_summary_content(site):
    html = site.read_text(encoding="utf-8")
    quarantine = html[html.index('id="quarantine-list"') : html.index('id="warnings"')]
    assert "003_6e817ece59bf6a07.txt" in quarantine and "件数为负 (a count is negative)" in quarantine
    assert "规章 / 本年废止件数 = -1" in quarantine
    assert quarantine.count("<tr>") == 2  # header + 003
    warnings = html[html.index('id="warning-list"') : html.index('id="pass-rates"')]
    assert warnings.count("003_6e817ece59bf6a07.txt") == 3 and "000_4878a5074e723ab1.txt" in warnings
    assert "10027" in warnings
    for chart in CHARTS:
        assert f'id="{chart}"' in html


def test_report_detail_page(site, query):
    (rid,) = query("SELECT report_id FROM reports WHERE source_file LIKE '003_%'")[0]
    page = (site.parent / "reports" / f"{rid}.html").read_text(encoding="utf-8")
    assert "003_6e817ece59bf6a07.txt" in page and "安阳县人民政府" in page
    # the failing cell is highlighted, with where it was printed
    assert re.search(r'<td class="num fail" title="[^"]*line 60[^"]*">-1</td>', page)
    assert "（31）" not in page and "(31) but 三、一、本年新收政府信息公开申请数量 / 总计 = 58" in page
    assert page.count('class="num fail"') == 1
    for label in (
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
    ):
        assert label in page


def test_equation_failure_highlights_both_sides(tmp_path, seed_warehouse):
    """A broken column balance marks the cells of both sides, and the page shows the equation."""
    import duckdb

    copy = tmp_path / "w.duckdb"
    shutil.copyfile(seed_warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        (rid,) = con.execute("SELECT report_id FROM reports WHERE source_file LIKE '001_%'").fetchone()
        con.execute(
            "UPDATE fact_applications SET count = 4, raw = '4' WHERE report_id = ? AND outcome = 'new_received' "
            "AND applicant_type = 'natural_person'",
            [rid],
        )
    out = build(copy, tmp_path / "site")
    page = (out.index.parent / "reports" / f"{rid}.html").read_text(encoding="utf-8")
    assert "column_balance: 4 ≠ 3" in page
    assert page.count('class="num fail"') >= 4  # 一, 二, （七）总计, 四 of 自然人 (and the row total)


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=10000",
    ]
    return subprocess.run([str(CHROMIUM), *flags, *args], capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="headless browser test skipped: /usr/bin/chromium is not installed (apt-get install chromium; "
    ".ci/run installs it when it runs as root with apt-get)",
)
def test_dashboard_in_headless_chromium(site, tmp_path):
    url = site.as_uri()
    dom = _chromium("--dump-dom", url, profile=tmp_path / "p1")
    assert dom.returncode == 0, dom.stderr[-2000:]
    console = [line for line in dom.stderr.splitlines() if "CONSOLE" in line]
    errors = [line for line in console if re.search(r"error|uncaught|failed", line, re.IGNORECASE)]
    assert errors == [], errors
    html = dom.stdout
    quarantine = html[html.index('id="quarantine-list"') : html.index('id="warnings"')]
    assert "003_6e817ece59bf6a07.txt" in quarantine and "件数为负" in quarantine
    for chart in CHARTS:  # Plotly replaced each empty div with its SVG
        block = html[html.index(f'id="{chart}"') :][:4000]
        assert "main-svg" in block, f"{chart} did not render"
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "dashboard.png"
    shot.unlink(missing_ok=True)
    result = _chromium("--window-size=1280,2400", f"--screenshot={shot}", url, profile=tmp_path / "p2")
    assert result.returncode == 0 and shot.stat().st_size > 50_000, result.stderr[-2000:]
