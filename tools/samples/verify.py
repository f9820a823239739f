"""Every sample checked against its seed before it is written into data/raw: the numbers of the
three tables in order, table 三 row by row, table 四, every label and paragraph present and in
order. A sample that differs from its seed would make every test that reads it test the wrong
thing, so a difference stops ``make_samples`` with exit status 1."""

from __future__ import annotations

import re
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

from tools.samples.looks import LOOKS
from tools.samples.seed_model import NUM_RE, SEC5, Seed


def compact(s: str) -> str:
    return re.sub(r"\s+", "", s)


def docx_tables(path: Path) -> tuple[list[list[list[str]]], list[str]]:
    """Each table of the document body as rows of unique cell texts (a merged cell once, a
    cell's paragraphs joined by line breaks), and the body's paragraph texts."""
    d = Document(str(path))
    tables = []
    for tbl in d.element.body.iter(qn("w:tbl")):
        rows = []
        for tr in tbl.findall(qn("w:tr")):
            row = []
            for tc in tr.findall(qn("w:tc")):
                vm = tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None
                if vm is not None and vm.get(qn("w:val")) in (None, "continue"):
                    continue  # continuation of a vertical merge
                texts = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.findall(qn("w:p"))]
                row.append("\n".join(texts))
            rows.append(row)
        tables.append(rows)
    paras = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in d.element.body.findall(qn("w:p"))]
    return tables, paras


def _numbers(seed: Seed) -> list[str]:
    t2, t3, t4 = seed.numbers()
    return t2 + t3 + t4


def table_labels(seed: Seed, captions: bool = True) -> list[str]:
    """Printed label cells of the three tables in reading order (each merged label once)."""
    labs = []
    for b in seed.t2:
        if captions:
            labs.append(b.caption)
        labs += b.header
        labs += [lab for lab, _ in b.rows]
    labs.append(seed.t3_note)
    prev: tuple[str | None, ...] = (None, None, None)
    for r in seed.t3:
        cur = (r.l1, r.l2, r.l3)
        for x, p in zip(cur, prev, strict=True):
            if x and x != p:
                labs.append(x)
        prev = cur
    return labs


def first_missing(needles: list[str], hay: str) -> str | None:
    """The first needle not found in ``hay`` after the previous one (None: all in order)."""
    pos = 0
    for n in needles:
        i = hay.find(compact(n), pos)
        if i < 0:
            return n
        pos = i + len(compact(n))
    return None


def verify_docx(seed: Seed, path: Path) -> list[str]:
    problems = []
    tables, paras = docx_tables(path)
    nums = [c for t in tables for row in t for c in row if NUM_RE.match(c.strip())]
    if nums != _numbers(seed):
        problems.append(f"numbers differ: {nums} vs {_numbers(seed)}")
    t3 = [t for t in tables if any(seed.t3_note == c for row in t for c in row)]
    if len(t3) != 1:
        problems.append("table 三 not found")
    else:
        rows = [[c for c in row if NUM_RE.match(c)] for row in t3[0][3:]]
        if rows != [r.values for r in seed.t3]:
            problems.append("table 三 rows differ")
    t4 = [t for t in tables if t and t[0] and t[0][0] == "行政复议"]
    if len(t4) != 1 or t4[0][-1] != seed.t4:
        problems.append("table 四 differs")
    cell_text = compact("".join(c for t in tables for row in t for c in row))
    captions_in_cells = LOOKS[seed.key].t2 != "blocks_para"
    miss = first_missing(table_labels(seed, captions_in_cells), cell_text)
    if miss:
        problems.append(f"label missing/out of order in tables: {miss}")
    body = compact("".join(paras))
    caps = [b.caption for b in seed.t2] if not captions_in_cells else []
    miss = first_missing(
        [seed.title]
        + [p.text for p in seed.pre]
        + [seed.headings["二"].text]
        + caps
        + [seed.headings[k].text for k in "三四"]
        + [p.text for p in seed.post],
        body,
    )
    if miss:
        problems.append(f"paragraph missing/out of order: {miss[:30]}")
    return problems


def verify_html(seed: Seed, path: Path) -> tuple[list[str], int]:
    """Problems, and how many cells of the report tables hold only ``&nbsp;`` (for the MANIFEST)."""
    import lxml.html

    problems = []
    root = lxml.html.fromstring(path.read_bytes().decode(LOOKS[seed.key].html_encoding))
    leaf_cells = [td for td in root.iter("td", "th") if not td.xpath(".//table")]
    cell_texts = [td.text_content().replace("\xa0", " ").strip() for td in leaf_cells]
    nums = [c for c in cell_texts if NUM_RE.match(c)]
    if nums != _numbers(seed):
        problems.append(f"numbers differ: {nums}")
    empties = sum(
        1
        for td in leaf_cells
        if td.text_content() == "\xa0"
        and "xxgk_table" not in (td.getparent().getparent().getparent().get("class") or "")
    )
    tables = [t for t in root.iter("table") if not t.xpath(".//table")]
    t3 = [t for t in tables if seed.t3_note in t.text_content()]
    if len(t3) != 1:
        problems.append("table 三 not found")
    else:
        rows = []
        for tr in t3[0].iter("tr"):
            vals = [td.text_content().strip() for td in tr.iter("td", "th")]
            vals = [v for v in vals if NUM_RE.match(v)]
            if vals:
                rows.append(vals)
        if rows != [r.values for r in seed.t3]:
            problems.append("table 三 rows differ")
    miss = first_missing(table_labels(seed), compact("".join(cell_texts)))
    if miss:
        problems.append(f"label missing/out of order: {miss}")
    article = root.xpath('//div[@class="TRS_Editor"]')[0]
    paras = compact("".join(p.text_content() for p in article.iter("p") if not p.xpath("ancestor::table")))
    miss = first_missing(
        [p.text for p in seed.pre] + [seed.headings[k].text for k in "二三四"] + [p.text for p in seed.post], paras
    )
    if miss:
        problems.append(f"paragraph missing: {miss[:30]}")
    if seed.title not in root.xpath("string(//h1)"):
        problems.append("title")
    return problems, empties


def verify_pdf(seed: Seed, info: dict) -> list[str]:
    """``info`` is ``pdf.analyze``'s: the numbers between the section headings in reading order,
    and the narrative text."""
    problems = list(info["problems"])
    if min(info["chars_per_page"]) == 0:
        problems.append("a page without text layer")
    words = info["words"]

    def idx(pred, start: int = 0) -> int:
        return next(i for i in range(start, len(words)) if pred(words[i][1]))

    a = idx(lambda w: compact(seed.headings["二"].text) in w)
    b = idx(lambda w: compact(seed.headings["三"].text) in w, a)
    c = idx(lambda w: compact(seed.headings["四"].text) in w, b)
    d = idx(lambda w: SEC5 in w, c)
    got = [[w for _, w in words[s:e] if NUM_RE.match(w)] for s, e in ((a, b), (b, c), (c, d))]
    for name, g, want in zip(("二", "三", "四"), got, seed.numbers(), strict=True):
        if g != want:
            problems.append(f"PDF table {name} numbers differ: {g} vs {want}")
    miss = first_missing(
        [seed.title]
        + [p.text for p in seed.pre]
        + [seed.headings[k].text for k in "二三四"]
        + [p.text for p in seed.post],
        info["text"],
    )
    if miss:
        problems.append(f"PDF text missing: {miss[:30]}")
    return problems
