"""Title, agency and year of a report: its identity, read from the whole document.

The title is the first place to look, but real titles are split over lines (an agency line
above "2024年政府信息公开工作年度报告", a "年度报告" line below), put the year before or after the
agency, or print a short form (市科委, 区教育局, 城关镇政府). The document names itself elsewhere
too, and those words complete the title: the sentence 本报告由…编制, the contact line (请与…联系),
the closing signature above its date, a crawled copy's header (发布机构: …), and what the file
says about itself (``Document.meta``: a PDF's Title, an HTML page's <title> and meta fields).
``pipeline.agencies.complete_name`` turns the printed name into the full official name; when
that would need a guess, the printed name is kept and ``Identity.note`` says why (a warning).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pipeline import agencies
from pipeline.document import Document, Row, UnreadableFile
from pipeline.parse.values import nfkc, normalize

# Shared with the PDF reader.
TITLE = re.compile(r"政府信息公开(?:工作)?年度报告")
YEAR = re.compile(r"((?:19|20)\d{2})年")
TITLE_MAX_CHARS = 80
_CN_DIGITS = str.maketrans("〇零○一二三四五六七八九", "00012345678" + "9")
_CN_YEAR = re.compile(r"([〇零○一二三四五六七八九]{4})年")
_PERIOD = re.compile(r"统计期限.{0,20}?((?:19|20)\d{2})年1月1日")
_AS_OF = re.compile(r"截至((?:19|20)\d{2})年12月(?:31日|底|末)")
# A site's info block prints the title as a field: "名称：…年度报告", "标题:…" (normalized: ':').
_FIELD_LABEL = re.compile(r"^(?:名称|标题|题名|文章标题|信息名称|文件名称)[:]")
# A crawled copy's header or a page's info block naming who published it.
_PUBLISHER_FIELD = re.compile(r"^(?:发布机构|发布单位|发文机关|发文单位|来源|信息来源|文章来源|索引来源)[:](.{2,40})$")
# Every character NFKC turns into (or into something holding) ':': a line without one has no field.
COLONS = frozenset(":\u2a74\ufe13\ufe55\uff1a")
_ANY_COLON = re.compile(f"[{''.join(sorted(COLONS))}]")  # 5x faster than COLONS.isdisjoint(line)
# Where the title starts: 政府信息公开, or its line-wrapped beginning.
_TITLE_START = re.compile(r"政府信息(?:公开)?|政府信$|政府$")
_SENTENCE = re.compile(r"[。，,；;！？!?《》“”]")
_PAGE_NUMBER = re.compile(r"^[-—–－]*第?\d+页?[-—–－]*$")
_NAME_CHARS = re.compile(r"^[\u4e00-\u9fff（）()]{2,30}$")
_YEAR_WORDS = re.compile(r"(?:19|20)\d{2}年度?|[（(](?:19|20)\d{2}年?度?[）)]")
_DATE = r"(?:19|20)\d{2}年\d{1,2}月\d{1,2}日"
_NAME = r"[\u4e00-\u9fff（）()]{2,40}?"
# 本报告由淮安市人民政府办公室根据《条例》…编制; …的要求，市科委编制了2024年度…报告.
# (Matched on normalized text: NFKC turns ，；：（） into ,;:().)
_VERBS = ("编制", "编写", "制作")
# The verb of the second form and what must follow it: every match of that form ends with one.
_VERB_TAIL = rf"(?:{'|'.join(_VERBS)})(?:了|完成)?(?:本|此|该|(?:19|20)\d{{2}}年)"
_COMPILER = (
    re.compile(rf"本(?:年度)?报告(?:是)?由({_NAME})(?:根据|依据|按照|依照|结合|负责|组织|牵头|会同|编制|编写)"),
    re.compile(rf"(?:^|[,，。;；:])由?({_NAME}){_VERB_TAIL}"),
)
_VERB_AT = re.compile(_VERB_TAIL)
# A second-form match starts at most 1 (punctuation) + 1 (由) + 40 (the name) characters before
# its verb, and ends at most 2 + 2 + 5 (2024年) after the verb starts.
_VERB_BEFORE, _VERB_AFTER = 1 + 1 + 40, 2 + 2 + 5
# 如对本报告有疑问，请与淮安市人民政府办公室联系（地址：…）; 联系单位：…
_CONTACT = (
    re.compile(rf"请与({_NAME})联系"),
    re.compile(rf"联系(?:单位|机关|部门)[:]({_NAME})(?:[,，。;；(（]|地址|电话|$)"),
)
_ADDRESS = re.compile(r"(?:地址|通讯地址|办公地址)[:]([\u4e00-\u9fff0-9]{2,40})")
# The closing signature: the agency's name right before the date it signs (not a 印发 line).
_SIGNATURE = re.compile(rf"({_NAME})({_DATE})(?!印)")
_SIGNED = re.compile(rf"{_DATE}(?!印)")  # the date of a signature, alone
_NAME_MIN, _NAME_MAX = 2, 40  # _NAME's bounds


def _is_name_char(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or ch in "（）()"  # _NAME's character class


def last_signature(text: str) -> tuple[str, str] | None:
    """(name, name + date) of the last ``_SIGNATURE`` match in ``text``, as
    ``list(_SIGNATURE.finditer(text))[-1]`` gives them, without trying the lazy name at every
    position (that search was a third of identifying a report). A name's characters are never
    a date's first, so a match's name is all of the name characters before its date, at most
    40 of them, starting no earlier than the end of the match before: the matches are found
    from the dates alone, in ``finditer``'s order."""
    last = None
    pos = 0
    for date in _SIGNED.finditer(text):
        q = date.start()
        start = q
        while start > max(pos, q - _NAME_MAX) and _is_name_char(text[start - 1]):
            start -= 1
        if q - start >= _NAME_MIN:
            last = (text[start:q], text[start : date.end()])
            pos = date.end()
    return last


@dataclass(frozen=True)
class Identity:
    """Who published the report and for which year.

    ``printed`` is the name as the document prints it; ``agency`` the full official name it
    was completed to, or ``printed`` itself when completing it would need a guess, in which
    case ``note`` says why (recorded as a non-blocking warning for the report)."""

    title: str
    agency: str
    year: int
    printed: str
    note: str | None = None


def identify(doc: Document) -> Identity:
    """Title, agency and year of a document; raises UnreadableFile when it is not a report."""
    title = find_title(doc.rows, doc.meta)
    body = doc.text()
    year = year_of(title, body, doc.meta.get("title", ""))
    printed, completion = resolve_agency(title, body, doc.rows, doc.meta)
    return Identity(title=title, agency=completion.name, year=year, printed=printed, note=completion.note)


def find_title(rows: Sequence[Row], meta: Mapping[str, str] | None = None) -> str:
    """The report's title, joined when printed over several lines, within the first rows.

    A line naming the report kind (…政府信息公开工作年度报告) is the title; a line that only
    starts it ("…政府信息公开工作") is joined with the next; lines above it that only hold the
    agency or the year ("淮安市人民政府" / "2024年政府信息公开工作年度报告") are joined in
    front while the title names no agency yet. Without a title in the text, the file's own
    metadata title (PDF Title, HTML <title>) stands in."""
    lines = _Lines(rows[:60])
    for i in range(len(lines)):
        for text in lines[i]:
            title = _title_at(text, lines, i)
            if title:
                return title
    meta_title = _meta_title(meta or {})
    if meta_title:
        return meta_title
    raise UnreadableFile("not a report: no title line '…政府信息公开工作年度报告' near the top")


class _Lines(Sequence[list[str]]):
    """``_row_texts`` of the first rows, each normalized when first asked for: the title is
    nearly always in the first lines, and normalizing all sixty cost more than finding it."""

    def __init__(self, rows: Sequence[Row]) -> None:
        self._rows = rows
        self._texts: dict[int, list[str]] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index: int) -> list[str]:  # type: ignore[override]  # ints only
        texts = self._texts.get(index)
        if texts is None:
            texts = self._texts[index] = _row_texts(self._rows[index])
        return texts


def _row_texts(row: Row) -> list[str]:
    """A row's candidate title texts: each cell of a table row (a site's 名称/标题 info row), or
    the whole line; normalized, without a field label or Markdown heading marks."""
    texts = [normalize(c) for c in row.cells] if row.grid else [normalize(" ".join(row.cells))]
    return [_FIELD_LABEL.sub("", t.lstrip("#")) for t in texts]


def _title_at(text: str, lines: Sequence[list[str]], i: int) -> str | None:
    """The title starting on line ``i`` (whose text is ``text``), or None."""
    if _SENTENCE.search(text) or len(text) > TITLE_MAX_CHARS:
        return None
    title = text
    if not TITLE.search(title):
        if not _TITLE_START.search(title) or i + 1 >= len(lines) or len(lines[i + 1]) != 1:
            return None
        following = lines[i + 1][0]
        if _SENTENCE.search(following) or not TITLE.search(title + following):
            return None
        title += following
    if len(title) > TITLE_MAX_CHARS:
        return None
    back = i
    while not title_name(title) and back > 0 and i - back < 3:
        back -= 1
        above = lines[back][0] if len(lines[back]) == 1 else ""
        if _PAGE_NUMBER.match(above):
            continue
        if not _joins_above(above):
            break
        title = above + title
    return title


def _joins_above(line: str) -> bool:
    """Whether a line above a title without agency is the title's first part: only a year
    ("2023年"), or a name ("洪泽区人民政府", "平潭综合实验区"), never a sentence or site chrome."""
    rest = _YEAR_WORDS.sub("", line)
    if not rest:
        return bool(YEAR.search(line))
    return bool(_NAME_CHARS.match(rest)) and bool(agencies.AGENCY_HEAD.search(rest) or agencies.place_prefix(rest))


def title_name(title: str) -> str:
    """The agency words of a title, wherever the year stands: "2019年上海市人民政府办公厅政府信息
    公开…" and "上海市人民政府办公厅2019年政府信息公开…" both give 上海市人民政府办公厅.
    "XX县人民政府信息公开…" (the 政府 shared) gives XX县人民政府."""
    title = normalize(title)
    title = title.translate(_CN_DIGITS) if _CN_YEAR.search(title) else title
    title = _FIELD_LABEL.sub("", title)
    head = title.split("政府信息公开", 1)[0]
    if head.endswith("人民"):
        head += "政府"
    head = _YEAR_WORDS.sub("", head)
    head = re.sub(r"^(?:关于)|(?:关于|的|度)$", "", head)
    return agencies.normalize_name(re.sub(r"[【】\[\]「」:|]", "", head))


def _meta_title(meta: Mapping[str, str]) -> str | None:
    """The metadata title, cut at a site-name separator ("…年度报告_某某区人民政府网")."""
    for key in ("title", "articletitle"):
        text = normalize(meta.get(key, ""))
        match = TITLE.search(text)
        if match:
            start = max(text.rfind(sep, 0, match.start()) for sep in "_|—-")
            return text[start + 1 : match.end()]
    return None


def identity_sources(rows: Sequence[Row], body: str, meta: Mapping[str, str] | None = None) -> tuple[list[str], str]:
    """Names the document gives itself outside the title, most trusted first, and the text of
    the sentences they come from (with the address) for placing a short form.

    Order: 本报告由…编制, the closing signature, the contact line, the publisher field, the
    file's metadata (HTML ContentSource/author, the metadata title's agency words)."""
    text = normalize(body)
    found: list[tuple[str, str]] = []  # (name, sentence)
    found += [(m.group(1), m.group(0)) for m in _COMPILER[0].finditer(text)]
    found += [(m.group(1), m.group(0)) for m in _compiled_by(text)]
    tail = text[-1500:]
    signature = last_signature(tail)
    found += [signature] if signature else []
    for pattern in _CONTACT:
        found += [(m.group(1), m.group(0)) for m in pattern.finditer(text)]
    for row in rows[:40]:
        line = " ".join(row.cells)
        if not _ANY_COLON.search(line):  # no field: normalizing every table row cost more than the rest
            continue
        match = _PUBLISHER_FIELD.match(normalize(line))
        if match:
            found.append((match.group(1), match.group(0)))
    meta = meta or {}
    for key in ("contentsource", "publisher", "source", "author"):
        if meta.get(key):
            found.append((normalize(meta[key]), ""))
    meta_title = _meta_title(meta)
    if meta_title:
        found.append((title_name(meta_title), meta_title))
    names = [n for n in (_agency_words(name) for name, _ in found) if n]
    sentences = [s for _, s in found] + [m.group(1) for m in _ADDRESS.finditer(text)]
    return list(dict.fromkeys(names)), "。".join(sentences)


def _compiled_by(text: str) -> list[re.Match[str]]:
    """``list(_COMPILER[1].finditer(text))``, searched only where a match can be: near a verb
    that the form's tail follows. The pattern tried its lazy name after every comma of the body
    (a sixth of identifying a report), and most bodies print no such verb at all; every match
    lies in [first verb - 42, last verb + 9], and the pattern has no lookaround, so the search
    between those bounds (``^`` still only at the text's real start) finds the same matches."""
    verbs = []
    for verb in _VERBS:
        k = text.find(verb)
        while k >= 0:
            if _VERB_AT.match(text, k):
                verbs.append(k)
            k = text.find(verb, k + 1)
    if not verbs:
        return []
    return list(_COMPILER[1].finditer(text, max(0, min(verbs) - _VERB_BEFORE), max(verbs) + _VERB_AFTER))


def _agency_words(text: str) -> str | None:
    """The agency name at the end of a captured phrase ("坚持以上海市科委" -> 上海市科委): the
    longest tail that starts with a place or a level word and ends like an agency."""
    text = agencies.normalize_name(text)
    if not agencies.AGENCY_HEAD.search(agencies.expand_abbreviations(text)):
        return None
    for start in range(len(text) - 1):
        tail = text[start:]
        if agencies.place_prefix(tail) or re.match(r"^(?:省|市|区|县|州|旗)[\u4e00-\u9fff]", tail):
            return tail
    return text if len(text) <= 20 and not re.search(r"[我本该全]", text[:1]) else None


def resolve_agency(
    title: str, body: str, rows: Sequence[Row] = (), meta: Mapping[str, str] | None = None
) -> tuple[str, agencies.Completion]:
    """(the printed name, its completion): the title's agency words, else the first name the
    document gives itself (``identity_sources``), completed by ``agencies.complete_name``."""
    hints, identity_text = identity_sources(rows, body, meta)
    printed = title_name(title)
    name = printed
    if not printed and hints:
        # the report of the government whose office compiled it (本报告由…人民政府办公室编制)
        printed, name = hints[0], agencies.government_of_office(hints[0])
    if not printed:
        raise UnreadableFile(
            f"no agency name in the title '{normalize(title)}' nor in the body "
            "(本报告由…编制, the contact line, the signature, the file's metadata)"
        )
    return printed, agencies.complete_name(name, normalize(body), hints, identity_text)


def agency_of(title: str, body: str, rows: Sequence[Row] = (), meta: Mapping[str, str] | None = None) -> str:
    """Full official agency name (see ``resolve_agency``); the printed one when it cannot be completed."""
    return resolve_agency(title, body, rows, meta)[1].name


def year_of(title: str, body: str, meta_title: str = "") -> int:
    """Year from the title; else from the statistics period (统计期限 …年1月1日); else from the
    file's metadata title; else from the body. A narrative mention of another year never
    overrides the title or the period; a metadata title (often left from last year's file)
    never overrides the period."""
    year = _title_year(title)
    if year is not None:
        return year
    text = normalize(body)
    match = _PERIOD.search(text) or _AS_OF.search(text)
    if match:
        return int(match.group(1))
    year = _title_year(meta_title) if TITLE.search(normalize(meta_title)) else None
    if year is None:
        year = year_from_body(text)
    if year is not None:
        return year
    raise UnreadableFile("no report year: neither the title, a 统计期限 sentence nor the body names the year")


def _title_year(title: str) -> int | None:
    for text in (title, title.translate(_CN_DIGITS)):
        match = YEAR.search(text) or (_CN_YEAR.search(text) and YEAR.search(text.translate(_CN_DIGITS)))
        if match:
            return int(match.group(1))
    return None


def year_from_body(text: str) -> int | None:
    """The year the body talks about most (a report narrates its own year; the next year's
    plans and last year's comparisons are mentioned less). Ties go to the earlier year, the
    one a plan for "next year" is not; None when no year is mentioned."""
    counts = Counter(int(y) for y in YEAR.findall(text.translate(_CN_DIGITS)))
    if not counts:
        return None
    return max(counts.items(), key=lambda kv: (kv[1], -kv[0]))[0]


# --- publication date ----------------------------------------------------------------------
# A page's info field (发布日期：2020-01-31, 发布时间: 2025-03-10 15:35, normalized ':'), and the
# closing signature: a line holding only a date, or an agency name and its date, near the end.
_DATE_FIELD = re.compile(
    r"(?:发布日期|发布时间|成文日期|发文日期)\s*:\s*((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)"
)
_CN_NUMBER = "〇零○一二三四五六七八九十"
_SIGNED_DATE = re.compile(
    rf"^(?:[\u4e00-\u9fff（）()]{{2,40}}?)?((?:19|20)\d{{2}}|[{_CN_NUMBER}]{{4}})年"
    rf"(\d{{1,2}}|[{_CN_NUMBER}]{{1,3}})月(\d{{1,2}}|[{_CN_NUMBER}]{{1,3}})日$"
)
SIGNATURE_LINES = 8  # the signature block: among the last lines of the text


def published_date(body: str) -> dt.date | None:
    """When the report was published, as the document prints it: its 发布日期/发布时间/成文日期
    field, else the date of its closing signature (汤阴县人民政府办公室 / 2022年1月25日, also
    二〇二二年一月二十日). A date inside a sentence (…于2021年12月31日前完成) is narrative, never
    the publication date; None when the document prints neither."""
    field = _DATE_FIELD.search(nfkc(body))  # spaces kept: '2025-03-10 15:35'
    if field:
        return _date(*field.groups())
    last = [line for line in body.split("\n") if line.strip()][-SIGNATURE_LINES:]
    for line in reversed(last):
        signed = _SIGNED_DATE.match(normalize(line))
        if signed:
            return _date(*signed.groups())
    return None


def _date(year: str, month: str, day: str) -> dt.date | None:
    """A date from printed parts, Arabic or Chinese numerals; None if it is no calendar date."""
    try:
        return dt.date(_cn_int(year, digits=True), _cn_int(month), _cn_int(day))
    except ValueError:
        return None


def _cn_int(text: str, digits: bool = False) -> int:
    """'2022' or '二〇二二' (digit by digit), '12' or '十二', '二十', '三十一'."""
    if text.isdigit():
        return int(text)
    if digits:
        return int(text.translate(_CN_DIGITS))
    tens, _, units = text.partition("十")
    if "十" not in text:
        return int(text.translate(_CN_DIGITS))
    return int((tens or "一").translate(_CN_DIGITS)) * 10 + (int(units.translate(_CN_DIGITS)) if units else 0)
