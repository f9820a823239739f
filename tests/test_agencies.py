"""Agency resolution: full names (from the body when the title is truncated), the region
hierarchy from the division table, the reviewed override file, and one row per agency-year."""

import shutil

import duckdb
import pytest

from pipeline import agencies
from pipeline.cli import run_ingest
from pipeline.parse.metadata import agency_of
from tests.conftest import RAW, copy_seeds
from tests.expected_constructed import CONSTRUCTED


def _body(name):
    return (RAW / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("title", "seed", "expected"),
    [
        (
            "高新技术产业开发区管理办公室 2021 年政府信息公开工作年度报告",
            "001_3e089bbee027005d.txt",
            "济源虎岭高新技术产业开发区管理办公室",
        ),
        (
            "高新技术产业开发区管委会 2023 年政府信息公开 工作年度报告",
            "002_4506cd2fdf4d2994.txt",
            "南阳高新技术产业开发区管理委员会",
        ),
    ],
)
def test_truncated_title_completed_from_the_body(title, seed, expected):
    assert agency_of(title, _body(seed)) == expected


def test_short_forms_expanded_where_the_body_shows_the_full_form():
    body = "南阳高新技术产业开发区管理委员会负责本报告编制。"
    assert agency_of("南阳 高新区 管委会2023年政府信息公开工作年度报告", body) == "南阳高新技术产业开发区管理委员会"
    # the body never prints the full form: keep what the title says (only 管委会 is always expanded)
    assert agency_of("南阳高新区管委会2023年政府信息公开工作年度报告", "高新区共收到申请") == "南阳高新区管理委员会"


@pytest.mark.parametrize(
    ("name", "region"),
    [
        # the seeds
        ("安阳县人民政府", ("河南省", "安阳市", "安阳县", "county", "people_government")),
        ("安阳高新技术产业开发区人民政府", ("河南省", "安阳市", None, "city", "development_zone")),
        ("济源虎岭高新技术产业开发区管理办公室", ("河南省", "济源市", "济源市", "county", "development_zone")),
        ("南阳高新技术产业开发区管理委员会", ("河南省", "南阳市", None, "city", "development_zone")),
        ("新乡高新技术产业开发区管理委员会", ("河南省", "新乡市", None, "city", "development_zone")),
        # hierarchy below the first place
        ("郑州市金水区人民政府", ("河南省", "郑州市", "金水区", "county", "people_government")),
        ("河南省人民政府", ("河南省", None, None, "province", "people_government")),
        ("洛阳市教育局", ("河南省", "洛阳市", None, "city", "government_department")),
        ("安阳县白璧镇人民政府", ("河南省", "安阳市", "安阳县", "township", "people_government")),
        # a bureau is not a county: 公安局 after 荆州市 is not 公安县
        ("荆州市公安局", ("湖北省", "荆州市", None, "city", "government_department")),
        # special divisions: 省直辖县级市 and municipality districts
        ("济源市人民政府", ("河南省", "济源市", "济源市", "county", "people_government")),
        ("北京市海淀区人民政府", ("北京市", "北京市", "海淀区", "county", "people_government")),
        # a municipality is its own city, for its departments as for its districts
        ("上海市科学技术委员会", ("上海市", "上海市", None, "province", "government_department")),
        ("淮安市洪泽区人民政府", ("江苏省", "淮安市", "洪泽区", "county", "people_government")),
        # a word inside a name is never a place: 公安局 is no 公安县, 城关镇 no 城关区, 湖北省公安厅 stays provincial
        ("公安局", (None, None, None, None, "government_department")),
        ("湖北省公安厅", ("湖北省", None, None, "province", "government_department")),
        ("公安县公安局", ("湖北省", "荆州市", "公安县", "county", "government_department")),
        ("城关镇人民政府", (None, None, None, None, "people_government")),
        ("朝阳街道办事处", (None, None, None, None, "government_department")),
        # a district name four cities share is no place until its city is named
        ("鼓楼区人民政府", (None, None, None, None, "people_government")),
        ("南京市鼓楼区人民政府", ("江苏省", "南京市", "鼓楼区", "county", "people_government")),
    ],
)
def test_region_from_the_division_table(name, region):
    record = agencies.describe(name)
    assert (record.province, record.city, record.county, record.level, record.kind) == region
    assert record.name == name and record.agency_id == agencies.agency_id(name)


@pytest.mark.parametrize(
    ("name", "prefix"),
    [
        ("公安局", None),  # 公安 + 局 is a word: the bureau
        ("公安县人民政府", "公安县"),
        ("城关镇人民政府", None),  # 城关 + 镇: a town, not 城关区
        ("市中心医院", None),  # 市中 + 心
        ("南阳高新技术产业开发区管理委员会", "南阳"),  # a short name before a zone is a place
        ("安阳县白璧镇人民政府", "安阳县"),
    ],
)
def test_a_short_place_name_counts_only_at_a_word_boundary(name, prefix):
    assert agencies.place_prefix(name) == prefix


def test_no_pseudo_city_names_leak():
    for name in ("济源市人民政府", "北京市海淀区人民政府", "仙桃市人民政府", "石河子市人民政府"):
        record = agencies.describe(name)
        assert record.city and "直辖" not in record.city and record.city != "市辖区", name


def test_stray_spaces_removed():
    assert agencies.describe("安阳县 人民 政府").name == "安阳县人民政府"


# --- the reviewed override file ------------------------------------------------------------


def test_shipped_override_file_is_valid_and_wins():
    rows = agencies.overrides()
    assert "汤阴县政府" in rows
    record = agencies.describe("汤阴县政府")
    assert (record.name, record.county, record.level, record.kind, record.resolved_by) == (
        "汤阴县人民政府",
        "汤阴县",
        "county",
        "people_government",
        "override",
    )
    assert record.agency_id == agencies.describe("汤阴县人民政府").agency_id  # same agency, both years
    assert record.source_name == "汤阴县政府"
    # 中原 is also the short name of 郑州市中原区: the reviewed row clears the wrong county
    zone = agencies.describe("中原科技城管理委员会")
    assert (zone.province, zone.city, zone.county, zone.level) == ("河南省", "郑州市", None, "city")


def _write_overrides(path, *rows):
    header = "# reviewed\nmatch_name,name,province,city,county,level,kind\n"
    path.write_text(header + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8")


def test_override_entries_win_over_the_division_table(tmp_path, monkeypatch):
    path = tmp_path / "agencies.csv"
    _write_overrides(
        path,
        ("安阳县人民政府", "", "", "", "", "", "other"),
        ("济源市人民政府", "", "", "", "-", "city", ""),
        ("高新区管委会", "鹤壁经济技术开发区管理委员会", "", "", "", "", ""),
    )
    monkeypatch.setattr(agencies, "OVERRIDES", path)
    assert agencies.describe("安阳县人民政府").kind == "other"
    jiyuan = agencies.describe("济源市人民政府")
    assert (jiyuan.city, jiyuan.county, jiyuan.level) == ("济源市", None, "city")
    renamed = agencies.describe("高新区管委会")
    assert (renamed.name, renamed.city, renamed.kind) == ("鹤壁经济技术开发区管理委员会", "鹤壁市", "development_zone")
    assert agencies.describe("安阳市人民政府").resolved_by == "divisions"


def test_invalid_override_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "agencies.csv"
    _write_overrides(path, ("安阳县人民政府", "", "", "", "", "district", ""))
    monkeypatch.setattr(agencies, "OVERRIDES", path)
    with pytest.raises(ValueError, match="level 'district'"):
        agencies.describe("安阳县人民政府")


def test_override_added_later_reaches_reports_already_loaded(tmp_path, monkeypatch):
    raw = copy_seeds(tmp_path / "raw")
    warehouse = tmp_path / "g.duckdb"
    run_ingest(raw, warehouse, ephemeral=True)
    path = tmp_path / "agencies.csv"
    _write_overrides(path, ("安阳县人民政府", "安阳县人民政府(更正)", "", "", "", "", "people_government"))
    monkeypatch.setattr(agencies, "OVERRIDES", path)
    shutil.copy2(RAW / "006_constructed_2021_tangyin_county.txt", raw / "new.txt")  # the next night's file
    run_ingest(raw, warehouse, ephemeral=True)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "SELECT a.name, a.county, a.resolved_by, count(DISTINCT f.report_id) FROM reports r "
            "JOIN dim_agency a USING (agency_id) JOIN fact_applications f USING (agency_id) "
            "WHERE r.source_file = '003_6e817ece59bf6a07.txt' GROUP BY ALL"
        ).fetchall()
        orphans = con.execute(
            "SELECT count(*) FROM fact_applications WHERE agency_id NOT IN (SELECT agency_id FROM dim_agency)"
        ).fetchone()
    assert rows == [("安阳县人民政府(更正)", "安阳县", "override", 1)]
    assert orphans == (0,)


def test_editing_the_override_file_alone_takes_effect_at_the_next_run(tmp_path, monkeypatch):
    """No raw file changes: the run notices the edited override file, re-parses nothing,
    re-applies it to the agencies already loaded, and republishes."""
    raw = copy_seeds(tmp_path / "raw")
    warehouse = tmp_path / "g.duckdb"
    path = tmp_path / "agencies.csv"
    monkeypatch.setattr(agencies, "OVERRIDES", path)
    run_ingest(raw, warehouse, ephemeral=True)
    _, scan, _ = run_ingest(raw, warehouse, ephemeral=True)
    assert (len(scan.to_process), scan.overrides_changed) == (0, False)
    _write_overrides(path, ("安阳县人民政府", "安阳县人民政府(更正)", "", "", "", "", ""))
    _, scan, _ = run_ingest(raw, warehouse, ephemeral=True)
    assert (len(scan.to_process), len(scan.unchanged), scan.overrides_changed) == (0, 5, True)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = con.execute(
            "SELECT a.name, r.status FROM reports r JOIN dim_agency a USING (agency_id) "
            "WHERE r.source_file = '003_6e817ece59bf6a07.txt'"
        ).fetchall()
        facts = con.execute(
            "SELECT count(*) FROM fact_applications f JOIN dim_agency a USING (agency_id) "
            "WHERE a.name = '安阳县人民政府(更正)'"
        ).fetchone()
    assert names == [("安阳县人民政府(更正)", "partial")]
    assert facts == (175,)
    _, scan, _ = run_ingest(raw, warehouse, ephemeral=True)
    assert scan.overrides_changed is False


# --- one loaded report per agency and year ---------------------------------------------------


def test_v_agency_year_has_one_row_per_agency_and_year(tmp_path):
    raw = copy_seeds(tmp_path / "raw")
    for name in CONSTRUCTED:
        shutil.copy2(RAW / name, raw / name)
    text = (RAW / "000_4878a5074e723ab1.txt").read_text(encoding="utf-8")
    (raw / "000_copy.txt").write_text("转载\n" + text, encoding="utf-8")  # same numbers
    (raw / "000_reissue.txt").write_text(text.replace("行政处罚 70", "行政处罚 71"), encoding="utf-8")
    run_ingest(raw, tmp_path / "g.duckdb", ephemeral=True)
    with duckdb.connect(str(tmp_path / "g.duckdb"), read_only=True) as con:
        rows = con.execute("SELECT agency_id, year, count(*) FROM v_agency_year GROUP BY ALL").fetchall()
        tangyin = con.execute(
            "SELECT year, template, applications_received, carried_over, carried_forward FROM v_agency_year "
            "WHERE agency = '汤阴县人民政府' ORDER BY year"
        ).fetchall()
    assert len(rows) == 7 and all(n == 1 for _, _, n in rows)
    assert tangyin == [(2020, "2019", 25, 1, 1), (2021, "2021", 41, 1, 2)]


def test_a_copy_passing_every_check_beats_a_newer_partial_one(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy2(RAW / "006_constructed_2021_tangyin_county.txt", raw / "a_first.txt")
    warehouse = tmp_path / "g.duckdb"
    run_ingest(raw, warehouse, ephemeral=True)
    text = (RAW / "006_constructed_2021_tangyin_county.txt").read_text(encoding="utf-8")
    # a later copy whose review table breaks its total: partial, so it must not win
    (raw / "b_later.txt").write_text(text.replace("3 1 0 0 4 1 0 1 1 3", "3 1 0 0 5 1 0 1 1 3"), encoding="utf-8")
    run_ingest(raw, warehouse, ephemeral=True)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        statuses = dict(con.execute("SELECT source_file, status FROM reports").fetchall())
        reason = con.execute("SELECT reason FROM reports WHERE source_file = 'b_later.txt'").fetchone()[0]
    assert statuses == {"a_first.txt": "loaded", "b_later.txt": "duplicate"}
    assert reason == "duplicate of a_first.txt, a copy that passes every check"
