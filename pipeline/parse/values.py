"""Reading printed cells: text normalization and cell values.

FORM.md lists what agencies print in a numeric cell: digits, full-width digits, thousands
separators, blanks, placeholders (/ - — 无 不适用 N/A) and numbers with units (0件, 251000元).
A placeholder holds no number (NULL) and counts as 0 in the arithmetic. Anything else in a
value position is *unreadable* and makes its table fail: a number is never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import opencc

from pipeline.parse.memo import Bounded

PLACEHOLDERS = frozenset({"", "/", "-", "--", "—", "——", "–", "－", "无", "不适用", "n/a", "na", "×", "\\"})
_UNITS = "件|条|个|项|次|人|元|万元"
_NUMBER = re.compile(rf"^([+-]?)(\d{{1,3}}(?:,\d{{3}})+|\d+)(\.\d+)?(?:{_UNITS})?$")
# A cell the warehouse cannot hold exactly (pipeline.normalize.NUMBER_SQL, DECIMAL(38, 10)) is
# not a value: its table fails rather than store a rounded number. Longer digit runs are
# document or phone numbers; no amount is printed with more than 10 decimals.
MAX_INTEGER_DIGITS = 14
MAX_FRACTION_DIGITS = 10


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


# Traditional (Taiwan) mirrors also change words, not only characters; t2s converts characters
# only. OpenCC's tw2sp would map these back but also rewrites Simplified words (文件 -> 文档).
_MIRROR_WORDS = {"规范性档案": "规范性文件"}


def normalize(text: str) -> str:
    """Canonical form for matching labels: NFKC (full-width -> ASCII), Simplified script,
    no white space. Only used for matching; the printed text is kept as it was. Short texts
    (labels, cells, lines) are cached: the recognizer normalizes the same ones many times."""
    if len(text) <= _CACHED_TEXT:
        return _normalize_short(text)
    global _last_long
    last = _last_long  # one read: a (text, normalized) pair, never half of two
    if last[0] == text:  # a report's body is normalized by several steps in a row
        return last[1]
    result = _normalize(text)
    _last_long = (text, result)
    return result


_CACHED_TEXT = 400  # longer texts (a whole body) are kept one at a time, the last one asked for
_last_long: tuple[str, str] = ("", "")


@lru_cache(maxsize=32768)
def _normalize_short(text: str) -> str:
    return _normalize(text)


# Full-width punctuation, in every line of a Chinese report, makes NFKC normalize a whole text
# the slow way (a body: 0.16 ms); replaced by its compatibility decomposition first, the text
# passes NFKC's quick check (0.01 ms). The result is the same for any text: NFKC composes the full
# decomposition of each character, and a character's decomposition decomposes to itself.
_FULL_WIDTH = tuple((ch, unicodedata.normalize("NFKD", ch)) for ch in "，：（）；！？　％")


def nfkc(text: str) -> str:
    """``unicodedata.normalize('NFKC', text)``, faster on Chinese text."""
    for ch, plain in _FULL_WIDTH:
        text = text.replace(ch, plain)
    return unicodedata.normalize("NFKC", text)


def _normalize(text: str) -> str:
    text = nfkc(text)
    text = _t2s().convert(text)
    for word, simplified in _MIRROR_WORDS.items():
        text = text.replace(word, simplified)
    return "".join(text.split())  # as re.sub(r"\s+", "") would (both use Unicode's white space), 4x faster


@dataclass(frozen=True)
class Value:
    """A printed cell: its text, its number (None for a blank or placeholder)."""

    raw: str
    number: Decimal | None


def read_value(raw: str) -> Value | None:
    """Printed cell text -> Value, or None when the text is not a cell value at all. Cached
    for cell-sized texts (a Value is immutable): every cell is read several times, by several
    steps, and the search over a row's readings reads the same cuts over and over."""
    value = _VALUES.get(raw, _UNSEEN)  # a dict rather than lru_cache: a third less per call
    if value is _UNSEEN:
        value = _read_value(raw)
        if len(raw) <= _CACHED_CELL:
            _VALUES.keep(raw, value)
    return value


_CACHED_CELL = 64
_UNSEEN = object()
_VALUES: Bounded = Bounded(32768)  # printed cell -> Value or None


def _read_value(raw: str) -> Value | None:
    text = unicodedata.normalize("NFKC", raw).strip().replace(" ", "")
    if text.lower() in PLACEHOLDERS:
        return Value(raw.strip(), None)
    match = _NUMBER.match(text)
    if match is None:
        return None
    sign, digits, fraction = match.groups()
    try:
        number = Decimal(sign + digits.replace(",", "") + (fraction or ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        return None
    if number.adjusted() >= MAX_INTEGER_DIGITS:
        return None  # a document number or phone number, not a count or an amount
    if fraction and len(fraction) - 1 > MAX_FRACTION_DIGITS:
        return None  # would be rounded by the warehouse
    return Value(raw.strip(), number)


def is_value(raw: str) -> bool:
    """True when the text can stand in a numeric cell (a number, blank or placeholder). The
    cache is looked in first: every printed cell is asked, most of them already read."""
    value = _VALUES.get(raw, _UNSEEN)
    return (read_value(raw) if value is _UNSEEN else value) is not None
