"""Agency names and their place in China's administrative divisions.

Place names come from the division table shipped by the ``cpca`` package (国家统计局 codes:
province / city / county), not from a hand-typed list. A report title often drops the
place ("高新技术产业开发区管委会2023年..."); the body then names the agency with its place
("南阳高新区"), and ``complete_from_body`` restores it.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# Short forms agencies use for themselves, mapped to the full official form.
SHORT_FORMS = {"管委会": "管理委员会", "高新区": "高新技术产业开发区", "经开区": "经济技术开发区"}
# Heads that name a kind of agency, never a place: a name starting with one lacks its place.
_GENERIC_HEADS = (
    "高新技术产业开发区",
    "经济技术开发区",
    "高新区",
    "经开区",
    "开发区",
    "产业集聚区",
    "管理委员会",
    "管委会",
    "管理办公室",
    "人民政府",
    "办公室",
)
_SUFFIXES = (
    "特别行政区",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "自治州",
    "自治县",
    "省",
    "市",
    "地区",
    "盟",
    "县",
    "区",
    "旗",
)
_CJK = re.compile(r"[\u4e00-\u9fff]+")


@dataclass(frozen=True)
class Division:
    """A division of the national code table: adcode's first 6 digits give its level."""

    adcode: str
    name: str

    @property
    def level(self) -> str:
        if self.adcode.endswith("0000"):
            return "province"
        if self.adcode.endswith("00"):
            return "city"
        return "county"


@lru_cache(maxsize=1)
def divisions() -> dict[str, Division]:
    """adcode (6 digits) -> Division, from cpca's bundled table."""
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the cpca package (administrative divisions) is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"
    with path.open(encoding="utf-8") as f:
        return {row["adcode"][:6]: Division(row["adcode"][:6], row["name"]) for row in csv.DictReader(f)}


def short_name(name: str) -> str:
    """安阳市 -> 安阳, 安阳县 -> 安阳 (kept whole when stripping would leave one character)."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@lru_cache(maxsize=1)
def _by_name() -> dict[str, list[Division]]:
    index: dict[str, list[Division]] = {}
    for d in divisions().values():
        for key in {d.name, short_name(d.name)}:
            index.setdefault(key, []).append(d)
    return index


def place_prefix(name: str) -> str | None:
    """The longest division name (full or short) that ``name`` starts with."""
    for length in range(min(len(name), 12), 1, -1):
        if name[:length] in _by_name():
            return name[:length]
    return None


def normalize_name(name: str) -> str:
    """Official spelling: no white space or markup, 管委会 -> 管理委员会."""
    name = re.sub(r"[\s#*“”\"'《》]", "", name)
    return name.replace("管委会", "管理委员会")


def expand_short_forms(name: str, body: str) -> str:
    """高新区 -> 高新技术产业开发区 (and 经开区 likewise) where the body prints the full form:
    the title's short form is then only an abbreviation of the agency's official name."""
    for short, full in SHORT_FORMS.items():
        if short in name and short != "管委会" and full in body:
            name = name.replace(short, full)
    return name


def lacks_place(name: str) -> bool:
    return name.startswith(_GENERIC_HEADS) or place_prefix(name) is None


def complete_from_body(name: str, body: str) -> str:
    """Restore the place a title dropped, from the way the body names the agency.

    The head of the title name (e.g. 高新技术产业开发区) or its short form (高新区) is
    looked up in the body; the characters before it that start with a division name are
    candidate places (济源虎岭, 洛阳). The candidate whose own tail the body repeats most
    (虎岭高新片区 ... ) is the agency's own place; a place mentioned once in passing
    (赴洛阳高新技术产业开发区学习) loses.
    """
    heads = [h for h in _GENERIC_HEADS[:6] if name.startswith(h)]
    if not heads:
        return name
    head = heads[0]
    forms = {head} | {short for short, full in SHORT_FORMS.items() if full == head}
    scores: Counter[str] = Counter()
    for form_ in forms:
        for match in re.finditer(re.escape(form_), body):
            context = _CJK.findall(body[max(0, match.start() - 8) : match.start()] + "|")
            tail = context[-1] if context and body[match.start() - 1 : match.start()] == context[-1][-1:] else ""
            for start in range(len(tail) - 1):
                candidate = tail[start:]
                if place_prefix(candidate):
                    scores[candidate] = max(body.count(candidate[i:]) for i in range(len(candidate) - 1))
                    break
    if not scores:
        return name
    best = max(scores.items(), key=lambda kv: (kv[1], len(kv[0])))[0]
    return best + name


@dataclass(frozen=True)
class AgencyRecord:
    """A row of dim_agency. ``source_name`` is the name as the parser read it (the key the
    override file matches); ``resolved_by`` says whether the division table or a reviewed
    override decided the row."""

    agency_id: str
    name: str
    province: str | None
    city: str | None
    county: str | None
    level: str | None
    kind: str
    source_name: str = ""
    resolved_by: str = "divisions"


LEVELS = ("province", "city", "county", "township")
KINDS = ("people_government", "government_department", "development_zone", "other")
OVERRIDES = Path(__file__).resolve().parents[1] / "data" / "agencies.csv"
OVERRIDE_COLUMNS = ("match_name", "name", "province", "city", "county", "level", "kind")
# cpca's pseudo-cities for county-level units directly under a province (济源市, 仙桃市, 石河子市)
# and the 市辖区 / 县 groupings of the four municipalities.
_PSEUDO_CITY = re.compile(r"直辖县级行政区划$")
_MUNICIPALITY_GROUPS = ("市辖区", "县")
# A township-level government or sub-district office named after the county-level place.
_TOWNSHIP = re.compile(r"^[\u4e00-\u9fff]{1,10}?(?:乡|镇|苏木|街道)(?:人民政府|政府|办事处|街道办事处)?$")


def agency_id(name: str) -> str:
    """Stable key for an agency: a short hash of its normalized full name."""
    return "ag_" + hashlib.sha256(normalize_name(name).encode()).hexdigest()[:12]


def kind_of(name: str) -> str:
    if any(h in name for h in ("开发区", "高新区", "经开区", "产业集聚区", "示范区")):
        return "development_zone"
    if name.endswith("人民政府"):
        return "people_government"
    if re.search(r"(局|委员会|办公室|办公厅|厅|署|中心|办事处)$", name):
        return "government_department"
    return "other"


@lru_cache(maxsize=512)
def _children(parent: Division) -> tuple[Division, ...]:
    """Divisions one level below ``parent``."""
    table = divisions().values()
    if parent.level == "province":
        return tuple(d for d in table if d.adcode[:2] == parent.adcode[:2] and d.level == "city")
    if parent.level == "city":
        return tuple(d for d in table if d.adcode[:4] == parent.adcode[:4] and d.level == "county")
    return ()


def resolve_place(name: str) -> tuple[list[Division], str]:
    """The chain of divisions a name starts with (安阳市文峰区… -> [安阳市, 文峰区]) and the rest.

    The first place may be a short name (安阳 for 安阳市); a place nested inside it must be
    spelled in full (公安局 after 荆州市 is a bureau, not 公安县). When the first place is
    ambiguous, the higher level wins (安阳 -> the city, not 安阳县).
    """
    prefix = place_prefix(name)
    if prefix is None:
        return [], name
    order = ("province", "city", "county")
    candidates = sorted(_by_name()[prefix], key=lambda d: (order.index(d.level), d.adcode))
    chain, rest = [candidates[0]], name[len(prefix) :]
    while True:
        nested = [
            d
            for parent in _expand(chain[-1])
            for d in _children(parent)
            if rest.startswith(d.name) and d.name not in _MUNICIPALITY_GROUPS
        ]
        if not nested:
            return chain, rest
        best = max(nested, key=lambda d: len(d.name))
        chain.append(best)
        rest = rest[len(best.name) :]


def _expand(division: Division) -> list[Division]:
    """A province's children include the counties of its pseudo-cities (北京市 -> 市辖区 -> 海淀区)."""
    if division.level != "province":
        return [division]
    groups = [d for d in _children(division) if d.name in _MUNICIPALITY_GROUPS or _PSEUDO_CITY.search(d.name)]
    return [division, *groups] if groups else [division]


def region_of(division: Division) -> tuple[str | None, str | None, str | None]:
    """(province, city, county) of a division, with cpca's pseudo-cities resolved.

    A county-level city directly under its province (济源市, cpca city 省直辖县级行政区划) is
    its own city as well as a county-level unit: city = county = 济源市, so that grouping by
    city keeps it (Henan counts 济源 among its 18 省辖市) while its rank stays county. A
    district of a municipality (北京市海淀区, cpca city 市辖区) has the municipality as city.
    """
    table = divisions()
    province_div = table.get(division.adcode[:2] + "0000")
    province = province_div.name if province_div else None
    if division.level == "province":
        return division.name, None, None
    city_div = table.get(division.adcode[:4] + "00")
    city_name = city_div.name if city_div else None
    if division.level == "city":
        if _PSEUDO_CITY.search(division.name) or division.name in _MUNICIPALITY_GROUPS:
            return province, province, None
        return province, division.name, None
    if city_name is None or _PSEUDO_CITY.search(city_name):
        return province, division.name, division.name
    if city_name in _MUNICIPALITY_GROUPS:
        return province, province, division.name
    return province, city_name, division.name


def describe(name: str) -> AgencyRecord:
    """dim_agency row for a full agency name, then the reviewed override for it, if any.

    Region from the division table: the chain of places the name starts with (a short
    name like 安阳 resolves to the city); level is that of the innermost place, or
    'township' when the rest of the name is a 乡/镇/街道 government.
    """
    record = _derive(name)
    override = overrides().get(record.source_name)
    return _apply(record, override) if override else record


def _derive(name: str) -> AgencyRecord:
    """describe() without the override file (a renamed agency is derived from its new name)."""
    source = normalize_name(name)
    chain, rest = resolve_place(source)
    province = city = county = level = None
    if chain:
        innermost = chain[-1]
        province, city, county = region_of(innermost)
        level = innermost.level
        if _TOWNSHIP.match(rest) and level == "county":
            level = "township"
    return AgencyRecord(agency_id(source), source, province, city, county, level, kind_of(source), source)


def _apply(record: AgencyRecord, row: dict[str, str]) -> AgencyRecord:
    """An override row wins: its non-empty fields replace the derived ones ('-' clears one);
    a new name is derived afresh (region, kind) before the row's other fields apply."""
    new_name = normalize_name((row.get("name") or "").strip())
    if new_name and new_name != record.name:
        record = AgencyRecord(**{**_derive(new_name).__dict__, "source_name": record.source_name})
    fields = dict(record.__dict__)
    for column in OVERRIDE_COLUMNS[2:]:
        value = (row.get(column) or "").strip()
        if value == "-":
            fields[column] = None
        elif value:
            fields[column] = value
    fields["agency_id"] = agency_id(fields["name"])
    fields["resolved_by"] = "override"
    return AgencyRecord(**fields)


def overrides_fingerprint(path: Path | None = None) -> str:
    """sha256 of the override file ('' when there is none): a change makes the next run
    re-apply it to every agency already in the warehouse."""
    path = path or OVERRIDES
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


def overrides(path: Path | None = None) -> dict[str, dict[str, str]]:
    """The reviewed override file: normalized match_name -> row. Lines starting with '#'
    are comments. Invalid levels or kinds raise, so a typo never reaches dim_agency."""
    path = path or OVERRIDES
    return _read_overrides(str(path), path.stat().st_mtime_ns if path.exists() else 0)


@lru_cache(maxsize=4)
def _read_overrides(path: str, _mtime: int) -> dict[str, dict[str, str]]:
    file = Path(path)
    if not file.exists():
        return {}
    with file.open(encoding="utf-8-sig", newline="") as f:
        lines = [line for line in f if line.strip() and not line.lstrip().startswith("#")]
    rows: dict[str, dict[str, str]] = {}
    for number, row in enumerate(csv.DictReader(lines), start=1):
        missing = [c for c in OVERRIDE_COLUMNS if c not in row]
        if missing:
            raise ValueError(f"{file}: missing columns {missing}")
        level, kind = (row.get("level") or "").strip(), (row.get("kind") or "").strip()
        if level not in ("", "-", *LEVELS):
            raise ValueError(f"{file} row {number}: level {level!r} is not one of {LEVELS}")
        if kind not in ("", "-", *KINDS):
            raise ValueError(f"{file} row {number}: kind {kind!r} is not one of {KINDS}")
        rows[normalize_name(row["match_name"])] = row
    return rows
