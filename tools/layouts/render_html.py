"""HTML as government sites serve it: rowspan/colspan tables, ``&nbsp;`` for blank cells,
``<br>`` inside cells, optionally inside a site's nested layout tables, UTF-8 or GBK.

Two looks of the same document model: the generator's bare page (``render``), and a site's
article page (``render_site``: navigation, the 索引号/发布机构 info block, footer, CSS; cells
optionally as pasted from Word, ``MsoNormal`` paragraphs in every cell), used by the bundled
samples.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from tools.layouts.grid import Doc, GCell, Grid, PageBreak, Para

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


# --- a government site's article page --------------------------------------------------------------

SITE_CSS = (
    'body{margin:0;font-family:"Microsoft YaHei","微软雅黑",SimSun,"宋体",sans-serif;'
    "font-size:14px;color:#333;background:#f2f2f2}"
    """
.top{background:#b60000;color:#fff;height:90px}
.top .logo{width:1200px;margin:0 auto;font-size:30px;line-height:90px;font-weight:bold;letter-spacing:2px}
.nav{background:#d51515;height:44px}
.nav ul{width:1200px;margin:0 auto;padding:0;list-style:none}
.nav li{float:left;width:150px;text-align:center;line-height:44px}
.nav a{color:#fff;text-decoration:none;font-size:16px}
.main{width:1200px;margin:10px auto;background:#fff;padding:20px 40px}
.position{color:#666;border-bottom:1px solid #ddd;padding-bottom:8px;margin-bottom:15px}
.xxgk_table{border-collapse:collapse;margin-bottom:20px;background:#f9f9f9}
.xxgk_table td{border:1px solid #ddd;padding:6px 10px;line-height:22px}
.xxgk_table td.t{font-weight:bold;width:90px;text-align:right}
h1.article_title{text-align:center;font-size:24px;color:#b60000;line-height:40px}
.article_info{text-align:center;color:#888;border-bottom:1px dashed #ccc;padding-bottom:10px}
.article_con{font-size:16px;line-height:32px;padding:10px 20px}
.article_con table{border-collapse:collapse;margin:0 auto}
.article_con table td{border:1px solid #000;padding:2px 4px;text-align:center;font-size:14px;line-height:20px}
.footer{background:#333;color:#ccc;text-align:center;padding:20px 0;line-height:26px;font-size:13px}
.footer a{color:#ccc}"""
)
WORD_TD = ' valign="center" style="border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt"'
WORD_TABLE = 'class="MsoNormalTable" '
WORD_TABLE_STYLE = ' style="border-collapse:collapse;border:none"'


@dataclass(frozen=True)
class SitePage:
    """The site around the report: who publishes it, when, under which index number."""

    site: str
    publisher: str
    date: str  # ISO date
    index_no: str
    encoding: str = "utf-8"  # the bytes written (strict: a character that does not encode is an error)
    meta_charset: str | None = "utf-8"  # the charset declared, or None for no declaration at all
    word: bool = False  # the article pasted from Word (MsoNormal markup)


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def _site_td(cell: GCell, word: bool) -> str:
    attrs = ""
    if cell.rowspan > 1:
        attrs += f' rowspan="{cell.rowspan}"'
    if cell.colspan > 1:
        attrs += f' colspan="{cell.colspan}"'
    if word:
        attrs += WORD_TD
    inner = "&nbsp;" if cell.text == "" else "<br/>".join(_e(x) for x in cell.text.split("\n"))
    if word:
        inner = (
            f'<p class="MsoNormal" align="center" style="text-align:center"><span style="font-size:10.5pt;'
            f'font-family:宋体">{inner}</span></p>'
        )
    return f"<td{attrs}>{inner}</td>"


def _site_table(grid: Grid, word: bool) -> str:
    width = grid.style.width_px if grid.style else 0
    attrs = f'{WORD_TABLE if word else ""}border="1" cellspacing="0" cellpadding="0"'
    attrs += f' width="{width}"' if width else ""
    attrs += WORD_TABLE_STYLE if word else ""
    out = [f"<table {attrs}><tbody>"]
    out += ["<tr>" + "".join(_site_td(c, word) for c in row) + "</tr>" for row in grid.rows]
    out.append("</tbody></table>")
    return "\n".join(out)


def _site_para(para: Para, word: bool) -> str:
    kind = para.kind or ("h1" if para.heading else "p")
    if kind in ("h1", "h2", "h3"):
        return f'<p style="text-indent:2em"><strong>{_e(para.text)}</strong></p>'
    if word:
        return (
            f'<p class="MsoNormal" style="text-indent:32.0pt;line-height:28.0pt"><span style="font-size:16.0pt;'
            f'font-family:仿宋_GB2312">{_e(para.text)}</span></p>'
        )
    return f'<p style="text-indent:2em;">{_e(para.text)}</p>'


def render_site(doc: Doc, page: SitePage) -> bytes:
    """The report as an article of a government site; ``doc.title`` heads it, so a title
    paragraph among the blocks is not repeated in the article; page breaks do not exist there."""
    meta = f'<meta charset="{page.meta_charset}">\n' if page.meta_charset else ""
    title = _e(doc.title)
    nav = ["首页", "政务公开", "政务服务", "互动交流", "新闻中心", "专题专栏", f"走进{page.site[:2]}"]
    lines = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        meta + '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
        f'<meta name="ArticleTitle" content="{title}">',
        f'<meta name="PubDate" content="{page.date} 16:05">',
        f"<title>{title}_{_e(page.site)}</title>",
        f"<style>\n{SITE_CSS}\n</style>",
        "</head>",
        "<body>",
        f'<div class="top"><div class="logo">{_e(page.site)}</div></div>',
        '<div class="nav"><ul>'
        + "".join(f'<li><a href="/{i}/">{_e(n)}</a></li>' for i, n in enumerate(nav))
        + "</ul></div>",
        '<div class="main">',
        '<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">政务公开</a> &gt; '
        '<a href="/xxgk/ndbg/">政府信息公开年报</a></div>',
        '<table class="xxgk_table" width="100%" border="0" cellspacing="0" cellpadding="0"><tbody>',
        f'<tr><td class="t">索引号：</td><td>{_e(page.index_no)}</td><td class="t">主题分类：</td>'
        "<td>政务公开</td></tr>",
        f'<tr><td class="t">发布机构：</td><td>{_e(page.publisher)}</td><td class="t">发文日期：</td>'
        f"<td>{page.date}</td></tr>",
        f'<tr><td class="t">名　　称：</td><td colspan="3">{title}</td></tr>',
        '<tr><td class="t">文　　号：</td><td>&nbsp;</td><td class="t">有 效 性：</td><td>有效</td></tr>',
        "</tbody></table>",
        f'<h1 class="article_title">{title}</h1>',
        f'<div class="article_info">发布时间：{page.date}　来源：{_e(page.publisher)}　'
        '字号：[ <a href="#">大</a> <a href="#">中</a> <a href="#">小</a> ]</div>',
        '<div class="article_con" id="zoom"><div class="TRS_Editor">',
    ]
    for block in doc.blocks:
        if isinstance(block, Para) and not (block.text == doc.title and block.kind in ("", "title")):
            lines.append(_site_para(block, page.word))
        elif isinstance(block, Grid):
            lines.append(_site_table(block, page.word))
    lines += [
        "</div></div>",
        '<div style="text-align:right;padding:20px"><a href="javascript:window.print()">【打印本页】</a>　'
        '<a href="javascript:window.close()">【关闭窗口】</a></div>',
        "</div>",
        '<div class="footer">',
        '<p><a href="/about/">关于我们</a> | <a href="/sitemap/">网站地图</a> | <a href="/contact/">联系我们</a> | '
        '<a href="/privacy/">隐私声明</a></p>',
        f"<p>主办单位：{_e(page.publisher)}　承办单位：{_e(page.site)}政务服务和大数据管理办公室</p>",
        "<p>建议使用1920×1080分辨率，IE10以上版本浏览器访问本网站</p>",
        "</div>",
        "</body>",
        "</html>",
    ]
    return ("\n".join(lines) + "\n").encode(page.encoding)
