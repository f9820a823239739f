"""The data-quality dashboard built by the ingest job from the seed warehouse.

The browser test drives Debian's Chromium headless (installed by .ci/run when it can be):
the page must load without console errors, show seed 003 in the quarantine list with its
reason, and draw its charts. The screenshot is kept in test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from plotly.offline import get_plotlyjs

from pipeline.dashboard import docs_dir_for, site_dir_for
from pipeline.quality.suites import load_suites
from tests.conftest import RAW, REPO

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
    # every suite with data: all but the 2019 template's column equations (the seeds are 2021 reports)
    with_data = sorted(set(load_suites()) - {"applications_by_applicant_2019"})
    assert sorted(p.stem for p in (docs / "expectations").glob("*.html")) == with_data
    validation_pages = list((docs / "validations").rglob("*.html"))
    assert sorted(p.relative_to(docs / "validations").parts[0] for p in validation_pages) == with_data
    narrative = next(p for p in validation_pages if "narrative" in p.parts)
    assert "d864ba0a10f9" in narrative.read_text(encoding="utf-8")  # the failing report is named
    bundled = (site.parent / "assets" / "plotly.min.js").read_text(encoding="utf-8")
    assert bundled == get_plotlyjs()  # bundled, no CDN
    html = site.read_text(encoding="utf-8")
    assert "cdn" not in html.lower() and 'src="assets/plotly.min.js"' in html
    assert 'href="../dq_docs/index.html"' in html


def test_summary_content(site):
    html = site.read_text(encoding="utf-8")
    # the five seeds: 003 prints a negative count in table 二 (partial), the others load
    cards = html[html.index('id="status-cards"') : html.index('id="runs"')]
    assert re.findall(r'<div class="card status-(\w+)"><b>(\d+)</b>', cards) == [
        ("loaded", "4"),
        ("partial", "1"),
        ("quarantined", "0"),
        ("failed", "0"),
        ("duplicate", "0"),
    ]
    quarantine = html[html.index('id="quarantine-list"') : html.index('id="warnings"')]
    assert "003_6e817ece59bf6a07.txt" in quarantine
    assert "二、主动公开政府信息情况：件数为负 (a count is negative)" in quarantine  # the suite's meta words
    assert "规章 / 本年废止件数 = -1" in quarantine
    assert quarantine.count("<tr>") == 2  # header + 003
    # 003's narrative states 31 applications, 1 review, 2 lawsuits (its tables: 58, 9, 12); 000 a
    # development zone's fee of 10027 万元
    assert "Warnings, not blocking (4)" in html
    warnings = html[html.index('id="warning-list"') : html.index('id="pass-rates"')]
    assert warnings.count("003_6e817ece59bf6a07.txt") == 3 and warnings.count("000_4878a5074e723ab1.txt") == 1
    assert "10027" in warnings and "开发区收费金额异常偏高 (implausibly high fees for a development zone)" in warnings
    for chart in CHARTS:
        assert f'id="{chart}"' in html


def test_report_detail_page(site, query):
    (rid,) = query("SELECT report_id FROM reports WHERE source_file LIKE '003_%'")[0]
    page = (site.parent / "reports" / f"{rid}.html").read_text(encoding="utf-8")
    assert "003_6e817ece59bf6a07.txt" in page and "安阳县人民政府" in page
    # the failing cell is highlighted, with where it was printed
    assert re.search(r'<td class="num fail" title="[^"]*line 60[^"]*">-1</td>', page)
    assert "（31）" not in page and "(31) but 三、一、本年新收政府信息公开申请数量 / 总计 = 58" in page
    assert page.count('class="num fail"') == 1 and page.count('class="num warn"') == 0
    for label in (
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
    ):
        assert label in page


def test_equation_failure_highlights_the_cells_the_gate_names(tmp_path):
    """The dashboard highlights what the validation recorded, nothing it works out itself.

    Seed 001 with 自然人 of 一、本年新收 printed as 4 instead of 3 (its row prints 4 0 0 0 0 0 and
    总计 3) breaks two equations: column_balance of 自然人 (4 + 0 ≠ 3 + 0: cells 一, 二, 三（七）
    总计 and 四 of 自然人) and applicant_total of 一 (总计 3 ≠ 4 + 0 + 0 + 0 + 0 + 0: its 7 cells).
    Both share 一/自然人, so 10 cells are red; table 三 is quarantined, the report partial."""
    from pipeline.cli import run_ingest

    raw = tmp_path / "raw"
    raw.mkdir()
    text = (RAW / "001_3e089bbee027005d.txt").read_text(encoding="utf-8")
    printed = "一、本年新收政府信息公开申请数量\t\t3\t0\t0\t0\t0\t0\t3\t"
    assert text.count(printed) == 1
    (raw / "001_broken.txt").write_text(text.replace(printed, printed.replace("\t3\t0", "\t4\t0", 1)), "utf-8")
    warehouse = tmp_path / "w.duckdb"
    summary, _, _ = run_ingest(raw, warehouse, ephemeral=True)
    assert summary.statuses == {"partial": 1}
    (rid,) = {p.stem for p in (site_dir_for(warehouse) / "reports").glob("*.html")}
    page = (site_dir_for(warehouse) / "reports" / f"{rid}.html").read_text(encoding="utf-8")
    assert page.count('class="num fail"') == 10 and page.count('class="num warn"') == 0
    assert re.search(r'<td class="num fail" title="line 47 [^"]*· column_balance: 4 ≠ 3">4</td>', page)
    assert re.search(r'<td class="num fail" title="line 47 [^"]*· applicant_total: 3 ≠ 4">3</td>', page)
    assert re.search(r'<td class="num fail" title="line 71 [^"]*· column_balance: 4 ≠ 3">0</td>', page)
    assert "新收 + 上年结转 ≠ 办理结果总计 + 结转下年 (applications in ≠ applications out" in page
    assert "各类申请人之和 ≠ 总计 (the applicant columns do not add up to the total)" in page


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
    assert result.returncode == 0, result.stderr[-2000:]
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[16:24] == (1280).to_bytes(4, "big") + (2400).to_bytes(4, "big")
    assert len(png) > 50_000, "the screenshot is nearly blank"


# --- the checks page (quality.html): every suite and result, offline --------------------------


def _rows(html: str, start: str, end: str) -> list[str]:
    """The body rows of the table between two ids of a page."""
    block = html[html.index(f'id="{start}"') : html.index(f'id="{end}"')]
    return re.findall(r"<tr>(.*?)</tr>", block.split("<tbody>", 1)[1])


def test_quality_page_lists_every_suite_and_result(site):
    html = (site.parent / "quality.html").read_text(encoding="utf-8")
    assert 'href="quality.html"' in site.read_text(encoding="utf-8")  # linked from the summary
    # the five seeds: 136 results of the latest validation, the five failures of the summary page
    assert '<p id="results-summary">136 results of 18 expectations: 131 passed, 5 failed.</p>' in html
    results = _rows(html, "results-table", "failures")
    assert len(results) == 18 and sum("✗ 未通过 failed" in r for r in results) == 5
    failing = [
        (re.search(r"<code>([\w.]+)</code>", r)[1], re.search(r'\.html">([^<]+)</a>', r)[1])
        for r in _rows(html, "failures-table", "suites")
    ]
    assert failing == [
        ("cells.non_negative_count", "003_6e817ece59bf6a07.txt"),
        ("narrative.narrative_applications_received", "003_6e817ece59bf6a07.txt"),
        ("narrative.narrative_lawsuits", "003_6e817ece59bf6a07.txt"),
        ("narrative.narrative_reviews", "003_6e817ece59bf6a07.txt"),
        ("plausibility.fee_development_zone", "000_4878a5074e723ab1.txt"),
    ]
    assert "二、主动公开政府信息情况 规章 / 本年废止件数: non_negative_count: -1" in html  # the failing cell
    suites = load_suites()
    assert f"Suites ({len(suites)}, {sum(len(s['expectations']) for s in suites.values())} expectations)" in html
    for name, spec in suites.items():  # every expectation, with what its failure means
        block = html[html.index(f'id="suite-{name}"') :].split('<div class="suite"', 1)[0]
        for e in spec["expectations"]:
            assert f"<code>{e['meta']['rule']}</code>" in block and e["meta"]["explain_zh"] in block, (name, e)
    # offline by construction: no script, and every link a relative file
    assert "<script" not in html
    links = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert links and all(not re.match(r"[a-z]+:", link) for link in links), links


def test_quality_page_of_an_empty_warehouse():
    import duckdb

    from pipeline import warehouse
    from pipeline.dashboard import pages, quality_pages

    with duckdb.connect() as con:
        warehouse.apply_schema(con)
        data = pages.load(con)
    html = quality_pages.quality_page(data, load_suites(), "now", None)
    assert '<p id="results-summary">0 results of 0 expectations: 0 passed, 0 failed.</p>' in html
    assert "No validation results yet." in html and "Great Expectations Data Docs: not built yet" in html
    assert html.count('<div class="suite" id="suite-') == len(load_suites())  # the suites, all the same


def _can_unshare() -> list[str]:
    """A prefix that runs a command without network (a namespace of its own), if this machine allows it."""
    for prefix in (["unshare", "-n"], ["unshare", "-rn"]):
        try:
            if subprocess.run([*prefix, "true"], capture_output=True, timeout=10).returncode == 0:
                return prefix
        except (FileNotFoundError, subprocess.TimeoutExpired):
            continue
    return []


def _offline(url: str, tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Chromium with every way out closed: no network namespace (where it can be had), names that
    resolve to nothing, a proxy that refuses; returns the run and the requests the page made
    itself (the net log's URL requests from the file:// page, other than files)."""
    run_dir = Path(tempfile.mkdtemp(dir=tmp_path))
    netlog = run_dir / "net.json"
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        f"--user-data-dir={run_dir / 'profile'}",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost",
        "--proxy-server=http://127.0.0.1:9",
        f"--log-net-log={netlog}",
        "--virtual-time-budget=10000",
    ]
    run = subprocess.run(
        [*_can_unshare(), str(CHROMIUM), *flags, *args, url], capture_output=True, text=True, timeout=120, check=False
    )
    log = json.loads(netlog.read_text(encoding="utf-8"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    requested = [
        e["params"]["url"]
        for e in log["events"]
        if e["type"] == start and "file://" in e["params"].get("network_isolation_key", "")
    ]
    return run, [u for u in requested if not u.startswith(("file:", "data:", "blob:"))]


@pytest.mark.skipif(not CHROMIUM.exists(), reason="headless browser test skipped: /usr/bin/chromium is not installed")
def test_checks_and_dashboard_work_offline_in_headless_chromium(site, seed_warehouse, tmp_path):
    # the detector sees requests: GX's Data Docs ask CDNs for their styles and scripts
    docs, requested = _offline((docs_dir_for(seed_warehouse) / "index.html").as_uri(), tmp_path, "--dump-dom")
    assert docs.returncode == 0 and any("bootstrap" in u for u in requested), requested
    for page in (site, site.parent / "quality.html"):
        dom, requested = _offline(page.as_uri(), tmp_path, "--dump-dom")
        assert dom.returncode == 0, dom.stderr[-2000:]
        assert requested == [], f"{page.name} asked the network for {requested}"
    html = dom.stdout  # quality.html as the browser built it
    results = _rows(html, "results-table", "failures")
    assert len(results) == 18 and sum("✗ 未通过 failed" in r for r in results) == 5
    assert len(_rows(html, "failures-table", "suites")) == 5
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "quality.png"
    shot.unlink(missing_ok=True)
    run, requested = _offline(page.as_uri(), tmp_path, "--window-size=1280,1600", f"--screenshot={shot}")
    assert run.returncode == 0 and requested == []
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000  # the tables drawn
