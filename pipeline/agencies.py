"""Agency names and their place in China's administrative divisions.

Place names come from the division table shipped by the ``cpca`` package (国家统计局 codes:
province / city / county), not from a hand-typed list. A report title often drops the
place ("高新技术产业开发区管委会2023年..."); the body then names the agency with its place
("南阳高新区"), and ``complete_from_body`` restores it. ``complete_name`` completes the other
short forms (市财政局, 区教育局, 城关镇政府) from the places the body names, and says so when it
cannot without guessing.

A word inside a name is never a place: 公安 is the short name of 公安县, but 公安局 is a bureau;
城关 is the short name of two 城关区, but 城关镇 is neither. A short place name counts only at a
word boundary (``place_prefix``), and a place several divisions share (鼓楼区) is no place at all
until something names its parent (``resolve_place``).
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import re
from collections import Counter
from collections.abc import Callable, Sequence
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


# After a *short* place name (公安 for 公安县), these start a word the short name belongs to:
# 公安局, 公安厅 (bureaus), 城关镇, 新华街道, 新华路 (a place of another kind), 市中心.
_NOT_AFTER_SHORT = re.compile(r"^(?:[局厅委办署处所站队院部会庭科室心]|[省市区县州旗盟镇乡村里路街巷道]|社区)")


@lru_cache(maxsize=16384)  # a function of the name and the division table alone; asked for again and again
def place_prefix(name: str) -> str | None:
    """The longest division name (full or short) that ``name`` starts with at a word boundary.

    A full name (安阳县, 公安县) is always a place. A short name (安阳, 公安) is one only when
    what follows does not make it part of another word: 公安局 is a bureau, not 公安县; 城关镇
    is a town, not 城关区 (see ``_NOT_AFTER_SHORT``).
    """
    index = _by_name()
    for length in range(min(len(name), 12), 1, -1):
        prefix = name[:length]
        if prefix not in index:
            continue
        full = any(d.name == prefix for d in index[prefix])
        if full or not _NOT_AFTER_SHORT.match(name[length:]):
            return prefix
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


# Abbreviations agencies print for themselves, expanded wherever they appear in a name.
# Unambiguous ones only: 文旅局 is 文化和旅游局 in one place and 文化广电和旅游局 in another, so
# it stays as printed.
SHORT_WORDS = {
    "管委会": "管理委员会",
    "科委": "科学技术委员会",
    "发改委": "发展和改革委员会",
    "卫健委": "卫生健康委员会",
    "经信委": "经济和信息化委员会",
    "人社局": "人力资源和社会保障局",
    "住建局": "住房和城乡建设局",
    "市场监管局": "市场监督管理局",
    "应急局": "应急管理局",
    "医保局": "医疗保障局",
    "退役军人局": "退役军人事务局",
}
_ABBREVIATIONS = (
    (re.compile(r"(?<!人民)政府办(?:公室)?(?!事)"), "人民政府办公室"),
    (re.compile(r"(?<!人民)政府$"), "人民政府"),
    (re.compile(r"街道办(?!事)"), "街道办事处"),
    # 教科委 is an education-and-science commission, not a 科学技术委员会
    *((re.compile(("(?<!教)" if short == "科委" else "") + short), full) for short, full in SHORT_WORDS.items()),
)
# How a name ends when it names an agency (not only a place): 人民政府, 管理委员会, 财政局 ...
AGENCY_HEAD = re.compile(
    r"(?:人民政府|政府|委员会|管委会|办公室|办公厅|办事处|管理局|管理处|局|厅|署|中心|院|所|站|队|处|部|委|办|会|室)$"
)
# A name that starts with the level of its place but not the place: 市财政局, 区教育局, 县人民政府.
_LEVEL_WORD = re.compile(r"^(?:省|自治区|自治州|自治县|市|州|区|县|旗)(?=[\u4e00-\u9fff])")
# A township's own name (not a division of cpca's table): 城关镇, 白璧镇, 朝阳街道.
_TOWN = re.compile(r"^[\u4e00-\u9fff]{1,8}?(?:镇|乡|街道|苏木)(?=人民政府|政府|办事处|$)")
# Central agencies name no place: 教育部, 国家税务总局, 海关总署.
_NATIONAL = re.compile(r"^(?:国务院|国家|中华人民共和国|中国|全国)|^[\u4e00-\u9fff]{1,8}(?:部|总局|总署|署)$")
# The office that compiles a government's or a zone's report on its behalf (本报告由…人民政府办公室编制).
_OFFICE_OF = re.compile(r"(人民政府|管理委员会)(?:办公室|办公厅|党政办公室|党政办)$")
_DIVISION_SUFFIX = "省市区县州旗盟"


@dataclass(frozen=True)
class Completion:
    """An agency name as completed from the document, or as printed with ``note`` saying why it
    could not be completed without guessing (a non-blocking warning for the report)."""

    name: str
    note: str | None = None


@lru_cache(maxsize=4096)  # a function of the name alone (fourteen substitutions a call)
def expand_abbreviations(name: str) -> str:
    """市科委 -> 市科学技术委员会, 县政府 -> 县人民政府, 街道办 -> 街道办事处 (see ``_ABBREVIATIONS``)."""
    name = normalize_name(name)
    for pattern, full in _ABBREVIATIONS:
        name = pattern.sub(full, name)
    return name


def government_of_office(name: str) -> str:
    """XX县人民政府办公室 -> XX县人民政府: the office compiles and publishes its government's
    (or zone's) report; the report is the government's own. Other names are returned unchanged."""
    name = expand_abbreviations(name)
    return _OFFICE_OF.sub(r"\1", name)


def has_place(name: str) -> bool:
    """Whether the name starts with a division that resolves to one place (a reviewed override
    counts as one: its row says where the agency is)."""
    return bool(resolve_place(name)[0]) or normalize_name(name) in overrides()


def _places_before(text: str, index: int) -> str | None:
    """The longest run of full division names ending right before ``text[index]``
    (淮安市洪泽区 before 人民政府办公室): a place the text itself attaches to a name."""
    start = index
    while start > 0 and index - start < 12 and "\u4e00" <= text[start - 1] <= "\u9fff":
        start -= 1
    run = text[start:index]
    for begin in range(len(run) - 1):
        candidate = run[begin:]
        chain, rest = resolve_place(candidate)
        if chain and not rest and candidate[-1] in _DIVISION_SUFFIX and place_prefix(candidate) in _full_names():
            return candidate
    return None


@lru_cache(maxsize=1)
def _full_names() -> frozenset[str]:
    return frozenset(d.name for d in divisions().values())


def _votes(body: str, words: set[str], level_char: str = "") -> Counter[str]:
    """Places the body prints right before one of ``words`` (上海市|科委, 许昌市|财政局); with
    ``level_char``, the word starts with it and the place must end with it (上海市 before 市科委)."""
    votes: Counter[str] = Counter()
    for word in words:
        for match in re.finditer(re.escape(word), body):
            index = match.start() + len(level_char)
            place = _places_before(body, index)
            if place and place.endswith(level_char):
                votes[place] += 1
    return votes


def _level_test(level_char: str) -> Callable[[Division], bool]:
    """Which divisions a leading level word can stand for (市 -> a city or a county-level city)."""
    if level_char in ("省", "自治区"):
        return lambda d: d.level == "province"
    if level_char in ("州", "自治州"):
        return lambda d: d.level == "city" and d.name.endswith("州")
    if level_char == "市":
        return lambda d: d.name.endswith("市") and not _PSEUDO_CITY.search(d.name)
    return lambda d: d.level == "county" and d.name.endswith(level_char[-1])


def places_named(text: str, test: Callable[[Division], bool]) -> list[str]:
    """Full division names the text prints that pass ``test``, most mentioned first. Names of
    two characters (城区, 矿区, 郊区) are common words, not evidence of a place."""
    counts = Counter(
        {d.name: text.count(d.name) for d in divisions().values() if len(d.name) > 2 and test(d) and d.name in text}
    )
    # a name inside a longer one it is part of (安阳县 holds no 阳县, but 淮安市区 holds 淮安市) counts once
    return [name for name, _ in counts.most_common()]


def _unique_place(texts: Sequence[str], test: Callable[[Division], bool]) -> tuple[str | None, list[str]]:
    """The one place of the kind ``test`` accepts that the first text naming any names (the
    identity sentences first, then the whole body); several there means ambiguous."""
    for text in texts:
        named = places_named(text, test)
        if named:
            return (named[0], named) if len(named) == 1 else (None, named)
    return None, []


def _with_city(name: str, body: str) -> str:
    """A district's name carries its city (洪泽区人民政府 -> 淮安市洪泽区人民政府): district
    names repeat across cities (鼓楼区 in four). The body's own form wins (南京市鼓楼区); a
    district unique in the division table gets its city; an ambiguous one stays as printed."""
    prefix = place_prefix(name)
    if prefix is None or prefix not in _full_names() or not prefix.endswith("区"):
        return name
    candidates = [d for d in first_place_candidates(prefix) if d.level == "county"]
    if not candidates:
        return name
    votes = _votes(body, {prefix})
    parents = [p for p, _ in votes.most_common() if len(resolve_place(p + prefix)[0]) > len(resolve_place(p)[0])]
    if parents:
        return parents[0] + name
    if len(candidates) == 1:
        _, city, _ = region_of(candidates[0])
        if city and city != prefix:
            return city + name
    return name


def complete_name(printed: str, body: str, hints: Sequence[str] = (), identity_text: str = "") -> Completion:
    """The full official name of the agency a report prints as ``printed``.

    ``hints`` are the names the document gives itself elsewhere, most trusted first (本报告由…编制,
    the signature, the contact line, the publisher field, the file's metadata title);
    ``identity_text`` holds those sentences (and the address), where a place counts more than in
    the narrative. In order: a hint that extends the printed name with places (洪泽区人民政府 ->
    淮安市洪泽区人民政府) or a place with an agency (平潭综合实验区 -> 平潭综合实验区管理委员会);
    the place the body prints before the name (上海市科委 for 市科委); the one place of the right
    level the identity sentences, else the body, name (许昌市 for 市财政局); a district gets its
    city. What cannot be completed that way is returned as printed, with a note: a report is
    never placed by a guess.
    """
    name = expand_abbreviations(printed)
    if not name:
        raise ValueError("empty agency name")
    expanded = [government_of_office(h) for h in hints if h]
    for hint in expanded:
        extra = len(hint) - len(name)
        if extra > 0 and hint.endswith(name) and _place_length(hint) >= extra:
            name = hint
            break
        if extra > 0 and hint.startswith(name) and not AGENCY_HEAD.search(name) and AGENCY_HEAD.search(hint):
            name = hint
            break
    if not AGENCY_HEAD.search(name) and name in _full_names():
        name += "人民政府"  # a county's report titled by its place alone (安阳县2023年…)
    name = _with_city(expand_short_forms(complete_from_body(name, body), body), body)
    note = None
    level = _LEVEL_WORD.match(name)
    town = _TOWN.match(name) if not has_place(name) else None
    if level:
        name, note = _complete_level(name, level.group(0), body, identity_text)
    elif town:
        name, note = _complete_town(name, town.group(0), body, identity_text)
    elif not has_place(name) and not _NATIONAL.search(name):
        name, note = _complete_bare(name, body)
    name = _with_city(name, body)
    if note is None and not AGENCY_HEAD.search(name):
        note = f"the printed name {name} names a place, not an agency, and the document names no agency for it"
    if note is None and not has_place(name) and not _NATIONAL.search(name):
        note = f"the printed name {name} names no place the division table knows"
    return Completion(name, note)


def _place_length(name: str) -> int:
    """How many leading characters of ``name`` are places (淮安市洪泽区人民政府 -> 6)."""
    chain, rest = resolve_place(name)
    return len(name) - len(rest) if chain else 0


def _complete_level(name: str, level_char: str, body: str, identity_text: str) -> tuple[str, str | None]:
    """市财政局 -> 许昌市财政局: the place the body prints before the name, else the one place of
    that level the identity sentences or the body name."""
    words = {name, _abbreviate(name)}
    votes = _votes(body, words, level_char)
    if votes:
        return votes.most_common(1)[0][0] + name[len(level_char) :], None
    place, named = _unique_place([identity_text, body], _level_test(level_char))
    if place:
        return place + name[len(level_char) :], None
    what = f"several ({'、'.join(named[:5])})" if named else "none"
    return name, f"the printed name {name} lacks its place, and the document names {what} of its level ({level_char})"


def _complete_town(name: str, town: str, body: str, identity_text: str) -> tuple[str, str | None]:
    """城关镇人民政府 -> 某县城关镇人民政府: the county the body prints before the town's name,
    else the one county-level place the identity sentences or the body name."""
    votes = _votes(body, {town})
    if votes:
        return votes.most_common(1)[0][0] + name, None
    place, named = _unique_place([identity_text, body], lambda d: d.level == "county")
    if place:
        return place + name, None
    what = f"several counties ({'、'.join(named[:5])})" if named else "no county"
    return name, f"the printed name {name} lacks its county, and the document names {what}"


def _complete_bare(name: str, body: str) -> tuple[str, str | None]:
    """公安局 -> 许昌市公安局 only where the body prints the place before the name itself: a
    department without even a level word could be any level's, so no other place is taken."""
    votes = _votes(body, {name, _abbreviate(name)})
    ranked = votes.most_common()
    if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0] + name, None
    prefix = place_prefix(name)
    shared = first_place_candidates(prefix) if prefix else []
    if len(shared) > 1:
        where = "、".join(f"{region_of(d)[1] or ''}{d.name}" for d in shared[:5])
        return name, f"the printed name {name} starts with {prefix}, a name {len(shared)} divisions share ({where})"
    what = f"several places before it ({'、'.join(p for p, _ in ranked[:5])})" if ranked else "no place before it"
    return name, f"the printed name {name} lacks its place, and the body prints {what}"


def _abbreviate(name: str) -> str:
    """The short form the body may print for a name (市科学技术委员会 -> 市科委), for matching."""
    for short, full in SHORT_WORDS.items():
        name = name.replace(full, short)
    return name


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
    chain, rest = _resolve_place(name)
    return list(chain), rest  # a list of the caller's own


@lru_cache(maxsize=8192)  # a function of the name and the division table alone; a report asks several times
def _resolve_place(name: str) -> tuple[tuple[Division, ...], str]:
    prefix = place_prefix(name)
    if prefix is None:
        return (), name
    candidates = first_place_candidates(prefix)
    if len(candidates) != 1:
        return (), name  # 鼓楼区 alone: four districts of that name; never guess one
    chain, rest = [candidates[0]], name[len(prefix) :]
    while True:
        nested = [
            d
            for parent in _expand(chain[-1])
            for d in _children(parent)
            if rest.startswith(d.name) and d.name not in _MUNICIPALITY_GROUPS
        ]
        if not nested:
            return tuple(chain), rest
        best = max(nested, key=lambda d: len(d.name))
        chain.append(best)
        rest = rest[len(best.name) :]


def first_place_candidates(prefix: str) -> list[Division]:
    """The divisions a leading place name can mean, at the highest level it names (安阳 -> the
    city, not 安阳县). More than one means the name alone cannot tell which (鼓楼区, 通州)."""
    order = ("province", "city", "county")
    found = _by_name().get(prefix, [])
    if not found:
        return []
    top = min(order.index(d.level) for d in found)
    # cpca lists a municipality's groupings (北京市 / 市辖区) and some renamed divisions twice
    return sorted({d.adcode: d for d in found if order.index(d.level) == top}.values(), key=lambda d: d.adcode)


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
        # a municipality (上海市) is its own city, as its districts' rows say (北京市海淀区: city 北京市)
        municipality = any(d.name in _MUNICIPALITY_GROUPS for d in _children(division))
        return division.name, division.name if municipality else None, None
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
