"""Identity (agency and year) from the whole document: titles split over lines or with the year
first, the body's own words (本报告由…编制, the contact line, the signature, a crawled header),
the file's metadata, short forms completed with the place the body names, and a warning, never
a guessed place, when a name cannot be completed.

Every expected value is typed by hand from the input text of its case."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from pipeline import agencies
from pipeline.cli import run_ingest
from pipeline.document import Document, Row, UnreadableFile
from pipeline.parse.metadata import find_title, identify, title_name
from pipeline.readers import html, read_document
from tests.conftest import RAW
from tests.realworld.conftest import source


def _doc(*lines: str, meta: dict[str, str] | None = None) -> Document:
    return Document([Row((line,), f"line {i}") for i, line in enumerate(lines, 1)], meta=meta or {})


# --- the title ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("2019年上海市人民政府办公厅政府信息公开工作年度报告", "上海市人民政府办公厅"),
        ("上海市人民政府办公厅2019年政府信息公开工作年度报告", "上海市人民政府办公厅"),
        ("上海市人民政府办公厅 2019 年度政府信息公开工作年度报告", "上海市人民政府办公厅"),
        ("汤阴县人民政府政府信息公开工作年度报告（2021年）", "汤阴县人民政府"),
        ("汤阴县人民政府信息公开工作年度报告", "汤阴县人民政府"),  # 政府 shared by the two words
        ("安阳县人民政府二〇二一年政府信息公开工作年度报告", "安阳县人民政府"),
        ("关于许昌市财政局2022年政府信息公开工作年度报告", "许昌市财政局"),
        ("2022年許昌市財政局政府信息公開工作年度報告", "许昌市财政局"),  # Traditional script
        ("2024年政府信息公开工作年度报告", ""),
        ("标题：平潭综合实验区2024年度政府信息公开工作年度报告", "平潭综合实验区"),
    ],
)
def test_agency_words_of_a_title_wherever_the_year_stands(title, name):
    assert title_name(title) == name


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        # a page number, then the agency on its own line above the title (hzq2023_working.pdf)
        (["- 1 -", "洪泽区人民政府", "2023 年政府信息公开工作年度报告", "本报告由…"],
         "洪泽区人民政府2023年政府信息公开工作年度报告"),
        # wrapped after 工作 (kiro_kewei2024.md)
        (["正文", "2024 年上海市科委政府信息公开工作", "年度报告", "根据《条例》，"],
         "2024年上海市科委政府信息公开工作年度报告"),
        # agency, year and report kind on three lines
        (["某某县人民政府", "2023年", "政府信息公开工作年度报告"], "某某县人民政府2023年政府信息公开工作年度报告"),
        # site chrome above a title without agency is not part of it
        (["首页 > 政务公开 > 年报", "2023年政府信息公开工作年度报告"], "2023年政府信息公开工作年度报告"),
        # a sentence that mentions the report is not a title
        (["根据要求，编制本机关2023年政府信息公开工作年度报告。", "許昌市財政局2023年政府信息公開工作年度報告"],
         "许昌市财政局2023年政府信息公开工作年度报告"),
    ],
)  # fmt: skip
def test_title_joined_over_lines(lines, title):
    assert find_title(_doc(*lines).rows) == title


def test_metadata_title_stands_in_when_the_text_has_none():
    doc = _doc("一、总体情况", meta={"title": "西工区教育局2022年政府信息公开工作年度报告_洛阳市西工区人民政府"})
    assert find_title(doc.rows, doc.meta) == "西工区教育局2022年政府信息公开工作年度报告"
    with pytest.raises(UnreadableFile, match="not a report"):
        find_title(_doc("一、总体情况").rows, {"title": "洛阳市西工区人民政府"})


# --- the agency from the whole document --------------------------------------------------------

YEAR_ONLY = "2024年政府信息公开工作年度报告"


@pytest.mark.parametrize(
    ("lines", "agency"),
    [
        # 本报告由…编制: the government's office compiles the government's report
        ([YEAR_ONLY, "本报告由淮安市人民政府办公室根据《中华人民共和国政府信息公开条例》规定编制。"], "淮安市人民政府"),
        ([YEAR_ONLY, "本报告由许昌市财政局依据《条例》编制。"], "许昌市财政局"),
        ([YEAR_ONLY, "根据《条例》的要求，市科委编制了2024年度政务公开工作报告。上海市科委坚持…"],
         "上海市科学技术委员会"),
        # the contact line
        ([YEAR_ONLY, "如对本报告有疑问，请与鹤壁市淇滨区人民政府办公室联系（地址：鹤壁市淇滨区…）。"],
         "鹤壁市淇滨区人民政府"),
        # the closing signature above its date (a 印发 line is not a signature)
        ([YEAR_ONLY, "六、其他需要报告的事项", "本机关未收取信息处理费。", "汤阴县城关镇人民政府", "2025年1月20日",
          "汤阴县城关镇党政办公室2025年1月20日印"], "汤阴县城关镇人民政府"),
        # a crawled copy's header names the publisher; the title names only the zone (pingtan__2024_page.txt)
        (["标题: 平潭综合实验区2024年度政府信息公开工作年度报告", "发布机构: 平潭综合实验区管委会办公室", "正文"],
         "平潭综合实验区管理委员会"),
        # the title names the agency without its place; the signature names it in full
        (["洪泽区人民政府", YEAR_ONLY, "……", "淮安市洪泽区人民政府", "2025年1月10日"], "淮安市洪泽区人民政府"),
        # a county's report titled by its place alone
        (["安阳县2023年政府信息公开工作年度报告", "全县……"], "安阳县人民政府"),
    ],
)  # fmt: skip
def test_agency_from_the_body_when_the_title_lacks_it(lines, agency):
    identity = identify(_doc(*lines))
    assert (identity.agency, identity.note) == (agency, None)


@pytest.mark.parametrize(
    ("title", "body", "agency"),
    [
        # the place printed right before the short form
        ("市财政局2023年政府信息公开工作年度报告", "许昌市财政局认真贯彻落实…", "许昌市财政局"),
        # the one city the document names (here only in the address)
        ("市财政局2023年政府信息公开工作年度报告", "地址：许昌市魏都区八一路1号。", "许昌市财政局"),
        # a district's department gets the district and its city
        ("区教育局2022年政府信息公开工作年度报告", "西工区教育局坚持以…", "洛阳市西工区教育局"),
        ("区教育局2022年政府信息公开工作年度报告", "本报告由区教育局编制。全区共有学校…西工区…", "洛阳市西工区教育局"),
        # a township: its county comes from the body; 政府 is the short form of 人民政府
        ("城关镇政府2023年政府信息公开工作年度报告", "汤阴县城关镇位于…", "汤阴县城关镇人民政府"),
        ("城关镇政府2023年政府信息公开工作年度报告", "本镇隶属汤阴县。", "汤阴县城关镇人民政府"),
        ("某某街道办2023年政府信息公开工作年度报告", "郑州市金水区某某街道办事处…", "郑州市金水区某某街道办事处"),
        # a bare department: only where the body prints the place before it
        ("公安局2023年政府信息公开工作年度报告", "许昌市公安局全面推进政务公开…", "许昌市公安局"),
        # abbreviations of departments
        ("市人社局2023年政府信息公开工作年度报告", "许昌市人社局…", "许昌市人力资源和社会保障局"),
        ("县住建局2023年政府信息公开工作年度报告", "汤阴县住房和城乡建设局…", "汤阴县住房和城乡建设局"),
        # a district named in several cities: the body says which
        ("鼓楼区人民政府2023年政府信息公开工作年度报告", "南京市鼓楼区坚持…", "南京市鼓楼区人民政府"),
        # Traditional script
        ("市財政局2022年政府信息公開工作年度報告", "許昌市財政局認真貫徹…", "许昌市财政局"),
        # already complete: nothing is added, the county keeps no city prefix
        ("安阳县人民政府2021年政府信息公开工作年度报告", "安阳市安阳县…", "安阳县人民政府"),
        ("教育部2023年政府信息公开工作年度报告", "教育部认真贯彻…", "教育部"),
    ],
)
def test_short_forms_completed_with_the_place_the_body_names(title, body, agency):
    identity = identify(_doc(title, *body.split("\n")))
    assert (identity.agency, identity.note) == (agency, None)


@pytest.mark.parametrize(
    ("title", "body", "printed", "note"),
    [
        (
            "市财政局2023年政府信息公开工作年度报告",
            "许昌市和郑州市…",
            "市财政局",
            "the printed name 市财政局 lacks its place, "
            "and the document names several (郑州市、许昌市) of its level (市)",
        ),
        (
            "城关镇政府2023年政府信息公开工作年度报告",
            "本镇……",
            "城关镇人民政府",
            "the printed name 城关镇人民政府 lacks its county, and the document names no county",
        ),
        (
            "公安局2023年政府信息公开工作年度报告",
            "本局……",
            "公安局",
            "the printed name 公安局 lacks its place, and the body prints no place before it",
        ),
        (
            "鼓楼区人民政府2023年政府信息公开工作年度报告",
            "本区……",
            "鼓楼区人民政府",
            "the printed name 鼓楼区人民政府 starts with 鼓楼区, a name 4 divisions share "
            "(南京市鼓楼区、徐州市鼓楼区、福州市鼓楼区、开封市鼓楼区)",
        ),
    ],
)
def test_a_name_that_needs_a_guess_is_kept_as_printed_with_a_note(title, body, printed, note):
    identity = identify(_doc(title, body))
    assert (identity.agency, identity.note) == (printed, note)
    record = agencies.describe(identity.agency)
    assert (record.province, record.city, record.county) == (None, None, None)  # never a guessed place


def test_no_agency_anywhere_fails_with_a_reason():
    with pytest.raises(UnreadableFile, match="no agency name in the title '2024年政府信息公开工作年度报告' nor in"):
        identify(_doc(YEAR_ONLY, "一、总体情况"))


def test_year_before_the_agency_and_from_the_period():
    assert identify(_doc("2019年上海市人民政府办公厅政府信息公开工作年度报告")).year == 2019
    doc = _doc("许昌市财政局政府信息公开工作年度报告", "本报告所列数据统计期限自2023年1月1日至2023年12月31日。")
    assert identify(doc).year == 2023
    # a metadata title left from last year's file never overrides the statistics period
    doc.meta["title"] = "许昌市财政局2022年政府信息公开工作年度报告"
    assert identify(doc).year == 2023


# --- readers fill Document.meta ------------------------------------------------------------------


def test_html_title_and_meta_fields():
    page = (
        "<html><head><title>2023年政府信息公开工作年度报告_洛阳市西工区人民政府</title>"
        '<meta name="ContentSource" content="洛阳市西工区教育局"><meta name="SiteName" content="西工区政府网">'
        "</head><body><p>2023年政府信息公开工作年度报告</p><p>一、总体情况</p></body></html>"
    )
    doc = html.read(page.encode("utf-8"))
    assert doc.meta == {
        "title": "2023年政府信息公开工作年度报告_洛阳市西工区人民政府",
        "contentsource": "洛阳市西工区教育局",
        "sitename": "西工区政府网",
    }
    identity = identify(doc)
    assert (identity.agency, identity.year) == ("洛阳市西工区教育局", 2023)


def test_pdf_metadata_title():
    doc = read_document(source("hzq2023_working.pdf"))
    assert doc.meta["title"] == "洪泽区人民政府2023年政府信息公开工作年度报告"


# --- the real reports ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "agency", "region", "year"),
    [
        ("szfgs2024.pdf", "淮安市人民政府", ("江苏省", "淮安市", None), 2024),
        ("hzq2023_working.pdf", "淮安市洪泽区人民政府", ("江苏省", "淮安市", "洪泽区"), 2023),
        ("shanghai_gov_office_2019.html", "上海市人民政府办公厅", ("上海市", "上海市", None), 2019),
        ("kiro_kewei2024.md", "上海市科学技术委员会", ("上海市", "上海市", None), 2024),
        ("pingtan__2024_page.txt", "平潭综合实验区管理委员会", ("福建省", "福州市", "平潭县"), 2024),
        ("pingtan_junshan_2022_page.txt", "平潭综合实验区君山片区管理局", ("福建省", "福州市", "平潭县"), 2022),
    ],
)
def test_real_reports(name, agency, region, year):
    identity = identify(read_document(source(name)))
    record = agencies.describe(identity.agency)
    assert (identity.agency, (record.province, record.city, record.county), identity.year, identity.note) == (
        agency,
        region,
        year,
        None,
    )


# --- the warning reaches dq_results --------------------------------------------------------------


def test_printed_name_not_completed_is_a_warning_and_the_report_still_loads(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    seed = "006_constructed_2021_tangyin_county.txt"
    shutil.copy2(RAW / seed, raw / "complete.txt")
    text = (RAW / seed).read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if "年度报告" in line)
    body = text.replace(title, "城关镇政府2021年政府信息公开工作年度报告").replace("汤阴", "某某")
    (raw / "short.txt").write_text(body, encoding="utf-8")
    warehouse = tmp_path / "g.duckdb"
    run_ingest(raw, warehouse, ephemeral=True)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        reports = con.execute(
            "SELECT r.source_file, r.status, a.name, a.province, r.agency_note FROM reports r "
            "JOIN dim_agency a USING (agency_id) ORDER BY 1"
        ).fetchall()
        results = con.execute(
            "SELECT r.source_file, d.success, d.severity, d.details FROM dq_results d JOIN reports r USING (report_id) "
            "WHERE d.suite = 'identity' ORDER BY 1"
        ).fetchall()
    note = "the printed name 城关镇人民政府 lacks its county, and the document names no county"
    assert [r[:4] for r in reports] == [
        ("complete.txt", reports[0][1], "汤阴县人民政府", "河南省"),
        ("short.txt", reports[0][1], "城关镇人民政府", None),
    ]
    assert reports[0][1] in ("loaded", "partial") and reports[0][4] is None and reports[1][4] == note
    assert results == [
        ("complete.txt", True, "warning", None),
        ("short.txt", False, "warning", f"agency name not completed (agency_name_complete): {note}; "
         "loaded under the printed name"),
    ]  # fmt: skip
