"""Printed labels and their real-world variants.

Variants that a reader must read (numbering styles, full- or half-width brackets, straight or
curly quotes, spaces inside words, a long label without its parenthetical note, Traditional
script) and damage that it must read or quarantine (glyphs dropped or substituted, as PDFs
without ToUnicode maps give).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline import form

_CN = "一二三四五六七八九十"
_PREFIX = re.compile(rf"^([{_CN}]+、|（[{_CN}]+）|\d+\.)(.*)$")
NUMBERING = ("{n}.", "{n}、", "（{n}）", "{n}．", "({n})", "{n}. ")
# look-alike or neighbouring glyphs a broken font map or OCR substitutes
_SUBSTITUTE = {
    "己": "已",
    "未": "末",
    "人": "入",
    "土": "士",
    "日": "曰",
    "处": "外",
    "理": "里",
    "开": "幵",
    "信": "言",
    "息": "自",
    "申": "中",
    "请": "清",
    "行": "彳",
    "政": "正",
    "法": "去",
    "规": "见",
}


@dataclass(frozen=True)
class LabelStyle:
    numbering: str = "{n}."  # sub-row numbering, '1.' as the form prints it
    halfwidth_brackets: bool = False  # (一) for （一）
    straight_quotes: bool = False  # "三安全一稳定"
    spaces: float = 0.0  # chance of a space inside a label
    short: bool = False  # （二）部分公开 without its parenthetical note
    traditional: bool = False
    drop: float = 0.0  # chance a label loses one to three glyphs
    substitute: float = 0.0  # chance a label has one glyph replaced


@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def official(code: str) -> str:
    return form.OUTCOMES_BY_CODE[code].label_zh


def vary(text: str, style: LabelStyle, rng: random.Random) -> str:
    """One printed label under ``style``; the numbering is kept apart from glyph damage."""
    match = _PREFIX.match(text)
    prefix, body = (match.group(1), match.group(2)) if match else ("", text)
    if prefix[:1].isdigit():
        prefix = style.numbering.format(n=prefix[:-1])
    if style.short and "（区分处理" in body:
        body = body[: body.index("（区分处理")]
    if style.straight_quotes:
        body = body.replace("“", '"').replace("”", '"')
    body = _damage(body, style, rng)
    if style.spaces and len(body) > 3 and rng.random() < style.spaces:
        at = rng.randrange(1, len(body) - 1)
        if _cjk(body[at - 1]) and _cjk(body[at]):
            body = body[:at] + " " + body[at:]
    if style.halfwidth_brackets:
        prefix = prefix.replace("（", "(").replace("）", ")")
        body = body.replace("（", "(").replace("）", ")")
    out = prefix + body
    return _s2t().convert(out) if style.traditional else out


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _damage(body: str, style: LabelStyle, rng: random.Random) -> str:
    if style.drop and len(body) > 5 and rng.random() < style.drop:
        n = rng.randint(1, 3)
        at = rng.randrange(1, len(body) - n)
        body = body[:at] + body[at + n :]
    if style.substitute and rng.random() < style.substitute:
        spots = [i for i, ch in enumerate(body) if ch in _SUBSTITUTE]
        if spots:
            i = rng.choice(spots)
            body = body[:i] + _SUBSTITUTE[body[i]] + body[i + 1 :]
    return body


def wrap(text: str, lines: int, rng: random.Random) -> str:
    """Break ``text`` into ``lines`` lines at random places (mid-word, as narrow cells do)."""
    if lines < 2 or len(text) < lines * 2:
        return text
    cuts = sorted(rng.sample(range(2, len(text) - 1), lines - 1))
    parts, last = [], 0
    for cut in cuts:
        if cut - last >= 1:
            parts.append(text[last:cut])
            last = cut
    parts.append(text[last:])
    return "\n".join(p for p in parts if p)


def vertical(text: str) -> str:
    """One character per line, as a narrow merged group cell prints it."""
    return "\n".join(ch for ch in text if not ch.isspace())
