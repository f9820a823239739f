"""A seed report (``NNN_<hash>.txt``) as a model: title, narrative paragraphs, the section headings
as printed, and the three statutory tables with every printed cell value.

The samples must carry exactly the seed's numbers and wording (each seed's own label punctuation,
its stray lines), so this parser asserts the structure it expects instead of guessing: a seed that
does not parse stops the run. Paragraphs are the layout generator's ``Para`` with ``kind`` set, so
the generator's renderers draw them directly.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from tools.layouts.grid import Para

NUM_RE = re.compile(r"^-?\d+(?:\.\d+)?$")
SEC2 = "二、主动公开政府信息情况"
SEC3 = "三、收到和处理政府信息公开申请情况"
SEC4 = "四、政府信息公开行政复议、行政诉讼情况"
SEC5 = "五、存在的主要问题及改进情况"
APPLICANT_COLS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
# Table 三 row structure of the 2021 template: (level-1 ordinal, level-2 ordinal, level-3 ordinal)
T3_STRUCT: list[tuple[str, str | None, int | None]] = (
    [("一", None, None), ("二", None, None), ("三", "一", None), ("三", "二", None)]
    + [("三", "三", k) for k in range(1, 9)]
    + [("三", "四", k) for k in range(1, 4)]
    + [("三", "五", k) for k in range(1, 6)]
    + [("三", "六", k) for k in range(1, 4)]
    + [("三", "七", None), ("四", None, None)]
)
T4_RESULTS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
CN_NUM = "一二三四五六七八九十"


@dataclass
class Block:
    """One 第二十条 block of table 二."""

    caption: str
    header: list[str]  # starts with 信息内容
    rows: list[tuple[str, list[str]]]


@dataclass
class T3Row:
    l1: str
    l2: str | None
    l3: str | None
    values: list[str]
    struct: tuple[str, str | None, int | None]


@dataclass
class Seed:
    path: Path
    stem: str
    key: str
    title: str
    year: str
    pre: list[Para]
    post: list[Para]
    headings: dict[str, Para]  # '二','三','四' -> the section heading as printed
    t2: list[Block]
    t3_note: str
    t3: list[T3Row]
    t4: list[str]
    wrapped: bool = False

    def numbers(self) -> tuple[list[str], list[str], list[str]]:
        """All printed numbers of the three tables, in reading order: (t2, t3, t4)."""
        t2 = [v for b in self.t2 for _, vals in b.rows for v in vals]
        t3 = [v for r in self.t3 for v in r.values]
        return t2, t3, list(self.t4)


def _width(s: str) -> float:
    return sum(1 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in s)


_HEADING_START = re.compile(rf"^(#+\s*)?([{CN_NUM}]+、|[（(][{CN_NUM}]+[）)]|\d+、|[{CN_NUM}]是)")


def _classify(text: str, md_level: int) -> str:
    t = text.strip()
    if md_level == 1:
        return "title"
    if re.match(rf"^[{CN_NUM}]+、", t) and len(t) <= 30:
        return "h1"
    if re.match(rf"^[（(][{CN_NUM}]+[）)]", t) and len(t) <= 20:
        return "h2"
    if re.match(r"^\d+、", t) and len(t) <= 20:
        return "h3"
    return "p"


def _para(text: str, md_level: int) -> Para:
    kind = _classify(text, md_level)
    return Para(text, heading=kind != "p", kind=kind, level=md_level)


def _paragraphs(lines: list[str], wrapped: bool, wrap_at: float) -> list[Para]:
    """Seed lines -> paragraphs. Hard-wrapped PDF extracts (seeds 000, 003) are re-flowed:
    a line as wide as the page text width continues on the next line unless that starts a heading."""
    raw = [line.rstrip("\n") for line in lines]
    out: list[Para] = []
    buf: str | None = None
    buf_md = 0
    for i, line in enumerate(raw):
        s = line.strip()
        if not s:
            continue
        m = re.match(r"^(#+)\s*", s)
        md = len(m.group(1)) if m else 0
        text = s[m.end() :] if m else s
        if buf is not None:
            buf += text
        else:
            buf = text
            buf_md = md
        cont = False
        if wrapped and _width(line) >= wrap_at:
            nxt = next((r.strip() for r in raw[i + 1 :] if r.strip()), "")
            if nxt and not _HEADING_START.match(nxt):
                cont = True
        if not cont:
            out.append(_para(buf, buf_md))
            buf = None
    if buf is not None:
        out.append(_para(buf, buf_md))
    return out


def find_heading(lines: list[str], heading: str, start: int = 0) -> int:
    for i in range(start, len(lines)):
        if re.sub(r"^#+\s*", "", lines[i].strip()) == heading:
            return i
    raise ValueError(f"heading {heading} not found")


def _cells(line: str) -> list[str]:
    if "\t" in line:
        return [c.strip() for c in line.split("\t") if c.strip()]
    return line.strip().split()


_LABEL_START = re.compile(rf"^([{CN_NUM}]、|[（(][{CN_NUM}][）)]|\d+\.)")
_RUN7 = re.compile(r"(?m)(?<![^\s])(-?\d+(?:\.\d+)?(?:[ \t]+-?\d+(?:\.\d+)?){6})[ \t]*$")


def _label_pieces(chunk: str) -> list[str]:
    pieces: list[str] = []
    for frag in re.split(r"[\n\t]", chunk):
        frag = frag.strip()
        if not frag:
            continue
        if pieces and not _LABEL_START.match(frag):
            pieces[-1] += frag  # a label wrapped over several lines
        else:
            pieces.append(frag)
    return pieces


def _ordinal(piece: str) -> tuple[int, str | int]:
    m = re.match(rf"^([{CN_NUM}])、", piece)
    if m:
        return 1, m.group(1)
    m = re.match(rf"^[（(]([{CN_NUM}])[）)]", piece)
    if m:
        return 2, m.group(1)
    m = re.match(r"^(\d+)\.", piece)
    if m:
        return 3, int(m.group(1))
    raise ValueError(f"not a row label: {piece!r}")


def _heading_para(line: str) -> Para:
    s = line.strip()
    m = re.match(r"^(#+)\s*", s)
    return Para(s[m.end() :] if m else s, heading=True, kind="h1", level=len(m.group(1)) if m else 0)


def _table2(path: Path, lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    for line in lines:
        if not line.strip():
            continue
        cells = _cells(line)
        if cells[0].startswith("第二十条"):
            blocks.append(Block(cells[0], [], []))
        elif cells[0] == "信息内容":
            blocks[-1].header = cells
        else:
            label, vals = cells[0], cells[1:]
            assert vals and all(NUM_RE.match(v) for v in vals), (path.name, line)
            assert len(vals) == len(blocks[-1].header) - 1, (path.name, line)
            blocks[-1].rows.append((label, vals))
    assert [len(b.rows) for b in blocks] == [2, 1, 2, 1], path.name
    return blocks


def _table3(path: Path, region: str) -> tuple[str, list[T3Row]]:
    note = re.search(r"[（(]本列数据的勾稽关系为：[^）)]*[）)]", region)
    assert note, path.name
    runs = list(_RUN7.finditer(region))
    assert len(runs) == 25, (path.name, len(runs))
    rows: list[T3Row] = []
    cur: dict[int, str | None] = {1: None, 2: None}
    prev_end = region.index("一、本年新收")
    for run, struct in zip(runs, T3_STRUCT, strict=True):
        pieces = _label_pieces(region[prev_end : run.start()])
        prev_end = run.end()
        l3 = None
        for piece in pieces:
            level, ordv = _ordinal(piece)
            assert ordv == struct[level - 1], (path.name, piece, struct)
            if level == 1:
                cur[1], cur[2] = piece, None
            elif level == 2:
                cur[2] = piece
            else:
                l3 = piece
        if struct[1] is None:
            assert cur[2] is None
        if struct[2] is not None:
            assert l3 is not None, (path.name, struct)
        l1 = cur[1]
        assert l1 is not None, (path.name, struct)
        rows.append(T3Row(l1, cur[2] if struct[1] else None, l3, run.group(1).split(), struct))
    return note.group(0), rows


def parse_seed(path: Path) -> Seed:
    lines = path.read_text(encoding="utf-8").split("\n")
    i2 = find_heading(lines, SEC2)
    i3 = find_heading(lines, SEC3, i2 + 1)
    i4 = find_heading(lines, SEC4, i3 + 1)
    i5 = find_heading(lines, SEC5, i4 + 1)

    # a hard-wrapped PDF extract has many lines as wide as the widest
    widths = [_width(line) for line in lines[:i2] + lines[i5:] if line.strip()]
    maxw = max(widths)
    wrapped = sum(1 for w in widths if w >= maxw - 2.5) >= 5
    pre = _paragraphs(lines[:i2], wrapped, maxw - 2.5)
    post = _paragraphs(lines[i5:], wrapped, maxw - 2.5)
    titles = [p for p in pre if re.search(r"政府信息公开\s*工作年度报告$", p.text)]
    if not titles:
        raise ValueError(f"{path.name}: no title")
    title_para = titles[0]
    pre.remove(title_para)
    year = re.search(r"(20\d\d)\s*年", title_para.text)
    assert year, path.name

    headings = {"二": _heading_para(lines[i2]), "三": _heading_para(lines[i3]), "四": _heading_para(lines[i4])}
    t2 = _table2(path, lines[i2 + 1 : i3])
    note, t3 = _table3(path, "\n".join(lines[i3 + 1 : i4]))
    t4 = None
    for line in lines[i4 + 1 : i5]:
        cells = _cells(line)
        if len(cells) == 15 and all(NUM_RE.match(c) for c in cells):
            t4 = cells
    assert t4, path.name
    stem = path.stem
    return Seed(path, stem, stem[:3], title_para.text, year.group(1), pre, post, headings, t2, note, t3, t4, wrapped)
