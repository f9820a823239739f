"""MANIFEST.md: what each generated sample is and how it was made (layout choices, the pages
where the PDF tables landed, encodings, the bad inputs and variants), so a test that reads a
sample can say which variety it exercises, and a reviewer can check the samples against the
seeds' known quirks."""

from __future__ import annotations

from pathlib import Path

from tools.samples.looks import LOOKS, SampleLook
from tools.samples.seed_model import APPLICANT_COLS, Seed

T2_SHAPES = {
    "single": "table 二 as ONE table with caption rows (第二十条… merged over 4 columns; "
    "single-value cells gridSpan 3)",
    "blocks_para": "table 二 as FOUR tables (one per block), captions as centred paragraphs above each table",
    "blocks_caprow": "table 二 as FOUR tables (one per block), caption as a merged first row of each table",
}


def arith(seed: Seed) -> str:
    """Which blocking equations of FORM.md fail on the seed's printed numbers ('' if none)."""
    v = [[int(x) for x in r.values] for r in seed.t3]
    bad = []
    for c in range(7):
        col = [row[c] for row in v]
        if col[0] + col[1] != col[23] + col[24]:
            bad.append(f"rule 1 column {APPLICANT_COLS[c]}")
        if sum(col[2:23]) != col[23]:
            bad.append(f"rule 2 column {APPLICANT_COLS[c]}")
    for i, row in enumerate(v):
        if sum(row[:6]) != row[6]:
            bad.append(f"rule 3 row {i + 1}")
    t4 = [int(x) for x in seed.t4]
    for k in range(3):
        if sum(t4[5 * k : 5 * k + 4]) != t4[5 * k + 4]:
            bad.append(f"rule 4 block {k + 1}")
    return ", ".join(bad)


def _docx_entry(s: Seed, o: SampleLook) -> str:
    t3h = (
        "official header (申请人情况 spans all 7 columns incl. 总计)"
        if o.t3_header == "official"
        else "header with 总计 beside 申请人情况, vMerged over the 3 header rows (申请人情况 spans 6)"
    )
    brk = "two paragraphs" if o.br == "para" else "soft line breaks (w:br) inside one paragraph"
    return (
        f"- `{s.stem}.docx` — Word 2007+ (OOXML). Title: `{s.title}`. {T2_SHAPES[o.t2]}; table 三 {t3h}, "
        f"vMerge for 三、本年度办理结果 and （三）–（六）, gridSpan for 一/二/四 rows and （一）（二）（七）; "
        f"header labels broken with {brk} (商业/企业, 结果/维持 …); table 四 4 rows × 15 columns. "
        f"Body {o.body_pt} pt, tables {o.table_pt} pt."
        + (" Tables 三 and 四 are BORDERLESS (tblBorders nil)." if o.borderless else "")
        + (" Table 三 header rows marked repeat-as-header (w:tblHeader)." if o.repeat_header else "")
        + " Rows of tables 三 and 四 marked cantSplit (a page break falls between rows, never inside one);"
        " table 四 kept with its data row."
        + (
            " Headings use Word Heading 1–4 styles (from the seed's Markdown levels ##–#####, as uneven as in the"
            " seed)."
            if o.heading == "styles"
            else " Headings are plain bold/黑体 paragraphs."
        )
        + (f" Footer page number ({'— N —' if o.footer == 'dash' else '第 N 页 共 M 页'})." if o.footer else "")
        + (" Running header repeats the title on every page." if o.running_header else "")
    )


def _pages(t: tuple[int, int] | None) -> str:
    return "?" if t is None else (f"p.{t[0]}" if t[0] == t[1] else f"pp.{t[0]}–{t[1]}")


def _pdf_entry(s: Seed, o: SampleLook, pi: dict, soffice: str) -> str:
    desc = (
        f"- `{s.stem}.pdf` — LibreOffice {soffice} export of the DOCX, {pi['pages']} pages, text layer on every page "
        f"(min {min(pi['chars_per_page'])} chars/page); fonts substituted by LibreOffice for "
        f"仿宋_GB2312/宋体/Times New Roman: {', '.join(pi['fonts'])}. "
        f"Table 二 on {_pages(pi['t2'])}; table 三 on {_pages(pi['t3'])}; table 四 on {_pages(pi['t4'])}."
    )
    if pi["t3"] and pi["t3"][0] != pi["t3"][1]:
        byp = pi["t3_rows_by_page"]
        ps = sorted(byp)
        desc += (
            " **Table 三 breaks across pages**: "
            + "; ".join(f"p.{p}: rows {byp[p][0]} … {byp[p][-1]} ({len(byp[p])} rows)" for p in ps)
            + (
                f"; header rows REPEATED at the top of p.{ps[-1]}"
                if pi["t3_header_repeated"]
                else "; header NOT repeated"
            )
            + (
                "; footer page number and running header between the rows"
                if o.running_header
                else ("; footer page number between the rows" if o.footer else "")
            )
            + "."
        )
    if pi["t2"] and pi["t2"][0] != pi["t2"][1]:
        desc += (
            " Table 二 continues over two pages: "
            + ", ".join(f"{c} p.{a}" + (f"–{b}" if b != a else "") for c, a, b in pi.get("t2_blocks", []))
            + "."
        )
    if pi["t4"] and pi["t4"][0] != pi["t4"][1]:
        desc += " Table 四 breaks across pages."
    if o.borderless:
        desc += " Tables 三 and 四 drawn WITHOUT ruling lines (pdfplumber line strategy finds no table there)."
    return desc


def _html_entry(s: Seed, o: SampleLook, empties: int) -> str:
    decl = (
        f'`<meta charset="{o.html_meta}">`'
        if o.html_meta
        else "NO charset declaration at all (no meta, no BOM, no XML prolog); charset-normalizer guesses gb18030"
    )
    return (
        f"- `{s.stem}.html` — government-site page, encoding {o.html_encoding.upper()}, {decl}. Nav bar, breadcrumb, "
        f'索引号/主题分类/发布机构/发文日期/名称/文号 info block in a layout `<table class="xxgk_table">`, '
        f"footer. Tables with rowspan/colspan; "
        + (
            "table 二 single-value rows written as value + two `&nbsp;` cells (no colspan); "
            if o.html_t2_empty
            else "table 二 single-value cells with colspan=3; "
        )
        + (
            "Word-paste markup (`MsoNormalTable`, `<p class=MsoNormal><span>` in cells); "
            if o.html_style == "word"
            else ""
        )
        + f"`<br/>` inside header cells; {empties} cells of the report tables hold only `&nbsp;` "
        "(the info block's empty 文号 cell is `&nbsp;` too). 发布机构 gives the agency with its place, taken from "
        "the body text; `<title>`, `<h1>` and the 名称 row keep the seed's title."
    )


def _bad_inputs(scanned: dict | None) -> list[str]:
    lines = []
    if scanned:
        lines += [
            f"- `bad/scanned.pdf` — page {scanned['page']} of `{scanned['source']}` (the page where table 三 starts) "
            "rasterized at 150 dpi greyscale with pdftoppm and wrapped into a 1-page A4 PDF with img2pdf: an image "
            "only, NO text layer.",
            "- `bad/legacy.doc` — `001_*.docx` converted by LibreOffice to MS Word 97 binary "
            "(.doc, OLE2 compound file).",
            "- `bad/legacy.wps` — a byte copy of `bad/legacy.doc` under a .wps name (OLE2 Word 97 binary; modern "
            "Kingsoft WPS .wps files are the same Word-binary format family, but this one was NOT written by WPS "
            "Office).",
        ]
    lines += [
        "- `bad/empty.txt` — 0 bytes.",
        "- `bad/not_a_report.txt` — UTF-8 Chinese text unrelated to the form (an agricultural weather notice; "
        "contains numbers and a small weather table but none of the statutory sections).",
        "- `bad/garbage.pdf` — 8192 pseudo-random bytes (seeded), no PDF header.",
    ]
    return lines


def _variants(s003: Seed, s000: Seed) -> list[str]:
    return [
        f"- `variants/{s003.stem}_traditional.txt` — seed 003 converted with OpenCC `s2t` (characters only, no "
        "word substitution: 規範性文件, not 規範性檔案), encoded GB18030, no BOM; layout and numbers unchanged.",
        f"- `variants/{s000.stem}_fullwidth.txt` — seed 000 with every ASCII digit inside the three table sections "
        "(from 二、主动公开政府信息情况 to before 五、…) replaced by its full-width form (０-９), "
        "including ordinals like "
        "`１.属于国家秘密` and `保留４位小数`; the narrative keeps ASCII digits. Encoded UTF-16 LE with BOM. "
        "Mapping ０-９ back to 0-9 gives the seed byte for byte.",
    ]


def _notes(seeds: list[Seed]) -> list[str]:
    return [
        "- Seed 003 prints `规章 0 -1 0` (a negative 本年废止件数, which FORM.md rule 5 does not allow for the 2021 "
        "template); kept as printed: the samples reproduce the seed, not a corrected form.",
        "- Blocking arithmetic of FORM.md (rules 1–4) on the seed values: "
        + "; ".join(f"{s.key}: {arith(s) or 'all hold'}" for s in seeds)
        + ".",
        "- Seed 000 prints the fee as `10027` under the header 本年收费金额（单位：万元，保留4位小数）; "
        "kept as printed.",
        "- Titles of 001 and 002 have no place prefix and keep the seed's spaces "
        "(`… 2023 年政府信息公开 工作年度报告`).",
        "- Seed 003 starts with a stray `一、总体情况` line before the title and repeats it after the intro paragraph; "
        "both kept.",
        "- Row labels in table 三 use each seed's own wording and punctuation (（一） vs (一) , `1.` vs `1. `).",
    ]


def write_manifest(out: Path, seeds: list[Seed], facts: dict) -> None:
    """``facts``: per output file what the checks found (PDF pages, HTML empty cells), the seeds'
    directory, the LibreOffice version, the scanned page."""
    lines = [
        "# Sample files generated from the seeds",
        "",
        f"Generated by `make_samples.py` (tools/make_samples.py) from `{facts.get('seeds_dir')}/NNN_*.txt`. "
        "Every table cell carries the seed's printed value; narrative paragraphs and titles are the seed's "
        "text (hard-wrapped PDF-extract lines of seeds 000 and 003 re-flowed into paragraphs; the title moved "
        "to the top where the seed extract had it after `一、总体情况`). Site chrome in the HTML (索引号, 发布机构, "
        "发文日期, navigation, footer) is invented. Pages are 1-based.",
        "",
        "## Per seed",
        "",
    ]
    for s in seeds:
        o = LOOKS[s.key]
        lines.append(_docx_entry(s, o))
        pi = facts.get(f"{s.stem}.pdf")
        if pi:
            lines.append(_pdf_entry(s, o, pi, facts.get("soffice", "?")))
        lines.append(_html_entry(s, o, facts.get(f"{s.stem}.html", {}).get("empties", 0)))
    s003 = next(s for s in seeds if s.key == "003")
    s000 = next(s for s in seeds if s.key == "000")
    lines += ["", "## Bad inputs (`bad/`)", "", *_bad_inputs(facts.get("scanned"))]
    lines += ["", "## Text variants (`variants/`)", "", *_variants(s003, s000)]
    lines += ["", "## Notes", "", *_notes(seeds), ""]
    (out / "MANIFEST.md").write_text("\n".join(lines), encoding="utf-8")
