"""HTML as government sites serve it: rowspan/colspan tables, ``&nbsp;`` for blank cells,
``<br>`` inside cells, optionally inside a site's nested layout tables, UTF-8 or GBK."""

from __future__ import annotations

import html

from tools.layouts.grid import Doc, Grid, PageBreak, Para

CHROME_TOP = (
    '<table width="100%" class="layout"><tr><td class="nav"><a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a>'
    ' &gt; 政府信息公开年报</td></tr><tr><td><table width="1000"><tr><td class="side">'
    '<ul><li><a href="/zwgk/xxgkzn/">信息公开指南</a></li><li><a href="/zwgk/xxgknb/">信息公开年报</a></li></ul>'
    '</td><td class="main">'
)
CHROME_BOTTOM = (
    '</td></tr></table></td></tr><tr><td class="foot">主办单位：人民政府办公室 '
    "网站标识码：4105230001 备案号：豫ICP备12345678号</td></tr></table>"
)


def _cell_text(text: str) -> str:
    if not text.strip():
        return "&nbsp;"
    return "<br>".join(html.escape(line) for line in text.split("\n"))


def table(grid: Grid) -> str:
    """One ``<table>``; spans as rowspan/colspan (a flattened grid has none)."""
    out = ['<table border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse">', "<tbody>"]
    for row in grid.rows:
        cells = []
        for cell in row:
            attrs = ""
            if cell.rowspan > 1:
                attrs += f' rowspan="{cell.rowspan}"'
            if cell.colspan > 1:
                attrs += f' colspan="{cell.colspan}"'
            style = ' style="text-align:center"' if cell.value or cell.header else ""
            cells.append(f"<td{attrs}{style}><p>{_cell_text(cell.text)}</p></td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def body(doc: Doc) -> str:
    parts = []
    for block in doc.blocks:
        if isinstance(block, Para):
            tag = "h1" if block.text == doc.title else "p"
            style = ' style="font-weight:bold"' if block.heading and tag == "p" else ""
            parts.append(f"<{tag}{style}>{html.escape(block.text)}</{tag}>")
        elif isinstance(block, PageBreak):
            parts.extend(
                f'<p style="text-align:center">{html.escape(t)}</p>' for t in (block.footer, block.header) if t
            )
        else:
            parts.append(table(block))
    return "\n".join(parts)


def render(doc: Doc, encoding: str = "utf-8", chrome: bool = False) -> bytes:
    content = body(doc)
    if chrome:
        content = CHROME_TOP + content + CHROME_BOTTOM
    charset = {"utf-8": "utf-8", "gbk": "gb2312", "gbk-undeclared": None}[encoding]
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if charset else ""
    page = (
        f"<!DOCTYPE html>\n<html><head>{meta}<title>{html.escape(doc.title)}</title></head>\n"
        f"<body>\n{content}\n</body></html>\n"
    )
    if encoding == "utf-8":
        return page.encode("utf-8")
    return page.encode("gb18030", errors="xmlcharrefreplace")
