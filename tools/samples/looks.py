"""How each seed's samples look: the variety of real reports the readers must survive, one
choice per seed (table 二 as one table or four, table 三's header shape, soft or hard line
breaks in cells, borderless tables, repeated headers, page furniture, HTML encodings, Word-paste
markup) and the invented site details of its HTML page."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SampleLook:
    t2: str  # single (one table, caption rows) | blocks_para (four tables, caption paragraphs) | blocks_caprow
    t3_header: str  # official (申请人情况 over all 7 columns) | total_top (总计 beside 申请人情况)
    br: str  # line breaks inside DOCX cells: para | br
    body_pt: float
    table_pt: float
    heading: str  # plain (bold paragraphs) | styles (Word Heading styles)
    footer: str | None  # dash | page | None
    running_header: bool
    repeat_header: bool
    borderless: tuple[str, ...]  # tables drawn without rules: t2, t3, t4
    html_encoding: str
    html_meta: str | None  # charset declared in the page, None: none at all
    html_t2_empty: bool  # table 二's one-value rows as value + two &nbsp; cells instead of colspan
    html_style: str  # plain | word (pasted from Word)
    publisher: str
    site: str
    date: str
    index_no: str


LOOKS: dict[str, SampleLook] = {
    "000": SampleLook(
        t2="single",
        t3_header="official",
        br="para",
        body_pt=16,
        table_pt=10.5,
        heading="plain",
        footer="dash",
        running_header=False,
        repeat_header=False,
        borderless=(),
        html_encoding="utf-8",
        html_meta="utf-8",
        html_t2_empty=False,
        html_style="plain",
        publisher="安阳高新技术产业开发区人民政府",
        site="安阳高新技术产业开发区",
        date="2022-01-20",
        index_no="410500-AYGX-2022-00003",
    ),
    "001": SampleLook(
        t2="blocks_para",
        t3_header="total_top",
        br="br",
        body_pt=12,
        table_pt=9,
        heading="plain",
        footer=None,
        running_header=False,
        repeat_header=False,
        borderless=(),
        html_encoding="utf-8",
        html_meta="utf-8",
        html_t2_empty=True,
        html_style="word",
        publisher="济源虎岭高新技术产业开发区管理办公室",
        site="济源虎岭高新技术产业开发区",
        date="2022-01-25",
        index_no="JYHL-0101-2022-0011",
    ),
    "002": SampleLook(
        t2="single",
        t3_header="total_top",
        br="para",
        body_pt=12,
        table_pt=9,
        heading="plain",
        footer="dash",
        running_header=False,
        repeat_header=False,
        borderless=(),
        html_encoding="gbk",
        html_meta="gbk",
        html_t2_empty=True,
        html_style="plain",
        publisher="南阳高新技术产业开发区管理委员会",
        site="南阳高新技术产业开发区",
        date="2024-01-22",
        index_no="NYGX-2024-000027",
    ),
    "003": SampleLook(
        t2="blocks_caprow",
        t3_header="official",
        br="para",
        body_pt=14,
        table_pt=10.5,
        heading="plain",
        footer="page",
        running_header=True,
        repeat_header=True,
        borderless=(),
        html_encoding="utf-8",
        html_meta="utf-8",
        html_t2_empty=False,
        html_style="word",
        publisher="安阳县人民政府",
        site="安阳县人民政府",
        date="2022-01-28",
        index_no="410522-AYX-2022-00105",
    ),
    "004": SampleLook(
        t2="single",
        t3_header="total_top",
        br="br",
        body_pt=12,
        table_pt=9,
        heading="styles",
        footer="dash",
        running_header=False,
        repeat_header=False,
        borderless=("t3", "t4"),
        html_encoding="gb18030",
        html_meta=None,
        html_t2_empty=True,
        html_style="plain",
        publisher="新乡高新技术产业开发区管理委员会",
        site="新乡高新技术产业开发区",
        date="2025-01-20",
        index_no="XXGX-2025-00008",
    ),
}
