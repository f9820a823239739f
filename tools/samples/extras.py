"""The bad inputs that need no converter (an empty file, a text that is not a report, random
bytes named .pdf) and the text variants: seeds 003 in Traditional characters (GB18030) and 000
with full-width digits in the tables (UTF-16). The variants are transforms of the seed's own
text, byte for byte, not renderings of a document model: what they test is the encoding and
the characters, on exactly the seed's layout."""

from __future__ import annotations

import random
import re
from pathlib import Path

from tools.samples.seed_model import SEC2, SEC5, Seed, find_heading

NOT_A_REPORT = """关于做好今冬明春农业生产工作的温馨提示

近期气温持续走低，请各位种植户注意以下事项：
一、及时做好小麦冬灌，灌水时间以日平均气温稳定在3℃左右为宜，做到夜冻昼消、适时冬灌。
二、加强温室大棚管理，连续阴雨雪天气时注意揭帘见光，防止棚内湿度过大引发病害。
三、做好畜禽圈舍保暖，储备充足饲草料，防止冻害和疫病发生。
四、关注天气预报，提前做好防寒防冻准备，雨雪过后及时清除棚面积雪。

附：本周天气预报
周一 晴 -3℃～8℃ 北风3级
周二 多云 -1℃～9℃ 微风
周三 小雪 -4℃～2℃ 北风4级
周四 阴 -5℃～3℃ 北风2级

农业技术推广站
"""
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
HALFWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def write_bad_inputs(bad: Path) -> None:
    (bad / "empty.txt").write_bytes(b"")
    (bad / "not_a_report.txt").write_text(NOT_A_REPORT, encoding="utf-8")
    (bad / "garbage.pdf").write_bytes(random.Random(20240601).randbytes(8192))


def fullwidth_tables(text: str) -> str:
    """Every ASCII digit from 二、主动公开政府信息情况 to before 五、… made full-width."""
    lines = text.split("\n")
    i2 = find_heading(lines, SEC2)
    i5 = find_heading(lines, SEC5, i2 + 1)
    return "\n".join(lines[:i2] + [line.translate(FULLWIDTH) for line in lines[i2:i5]] + lines[i5:])


def traditional_path(variants: Path, seed: Seed) -> Path:
    return variants / f"{seed.stem}_traditional.txt"


def fullwidth_path(variants: Path, seed: Seed) -> Path:
    return variants / f"{seed.stem}_fullwidth.txt"


def write_variants(variants: Path, s003: Seed, s000: Seed) -> list[str]:
    """Write both variants, then read them back: problems if either lost a number."""
    import opencc

    trad = opencc.OpenCC("s2t").convert(s003.path.read_text(encoding="utf-8"))
    traditional_path(variants, s003).write_bytes(trad.encode("gb18030"))
    fullwidth_path(variants, s000).write_bytes(fullwidth_tables(s000.path.read_text(encoding="utf-8")).encode("utf-16"))
    problems = []
    back = fullwidth_path(variants, s000).read_bytes().decode("utf-16")
    if back.translate(HALFWIDTH) != s000.path.read_text(encoding="utf-8"):
        problems.append("fullwidth variant does not map back to the seed")
    back = traditional_path(variants, s003).read_bytes().decode("gb18030")
    if NUMBER.findall(back) != NUMBER.findall(s003.path.read_text(encoding="utf-8")):
        problems.append("traditional variant numbers differ")
    return problems
