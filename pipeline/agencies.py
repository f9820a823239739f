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
    """A row of dim_agency."""

    agency_id: str
    name: str
    province: str | None
    city: str | None
    county: str | None
    level: str | None
    kind: str


def agency_id(name: str) -> str:
    """Stable key for an agency: a short hash of its normalized full name."""
    return "ag_" + hashlib.sha256(normalize_name(name).encode()).hexdigest()[:12]


def kind_of(name: str) -> str:
    if any(h in name for h in ("开发区", "高新区", "经开区", "产业集聚区", "示范区")):
        return "development_zone"
    if name.endswith("人民政府"):
        return "people_government"
    if re.search(r"(局|委员会|办公室|厅|署|中心)$", name):
        return "government_department"
    return "other"


def describe(name: str) -> AgencyRecord:
    """dim_agency row for a full agency name: region from the division table when the
    name starts with a division name (a short name like 安阳 resolves to the city)."""
    name = normalize_name(name)
    prefix = place_prefix(name)
    province = city = county = level = None
    if prefix:
        candidates = sorted(_by_name()[prefix], key=lambda d: ("province", "city", "county").index(d.level))
        division = candidates[0]
        chain = _ancestors(division)
        province, city, county = chain.get("province"), chain.get("city"), chain.get("county")
        level = division.level
    return AgencyRecord(agency_id(name), name, province, city, county, level, kind_of(name))


def _ancestors(division: Division) -> dict[str, str]:
    table = divisions()
    code = division.adcode
    chain = {division.level: division.name}
    province = table.get(code[:2] + "0000")
    if province:
        chain["province"] = province.name
    city = table.get(code[:4] + "00")
    if city and division.level == "county":
        chain["city"] = city.name
    return chain
