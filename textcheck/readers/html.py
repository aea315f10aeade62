"""HTML: a report page saved from a government website -> the report text.

* Charset: byte-order mark, then the page's own declaration (``<meta charset>`` or
  ``http-equiv="Content-Type"``), then UTF-8, then detection (as for .txt).
* Page furniture is dropped: scripts, styles, navigation, header/footer, forms controls, share
  and print buttons, font-size switches, hidden elements.
* The content container is chosen by (1) well-known ids/classes of Chinese government CMSs
  (``zoom``, ``TRS_Editor``, ``content``, ``article``...) when such an element holds most of the
  page's text, else (2) text density: the innermost element that still holds most of the page's
  non-link text. The page title (``<h1>``/"title" element/``<title>``) is put back on top when it
  names the annual report and lies outside that container.
* ``<p>``, ``<div>``, headings and list items become lines, ``<br>`` a line break; data tables
  become tab rows (``colspan`` adds empty cells after the cell, ``rowspan`` leaves the cells below
  empty), layout tables (nested tables, one column, long prose in a cell) are read as blocks.

One file for one format, over 300 lines on purpose: choosing the container, dropping the page
furniture and laying out tables all walk the same parsed tree.
"""

from __future__ import annotations

import codecs
import re

from textcheck.document import Source
from textcheck.errors import InputError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)

_DROP_TAGS = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
    "button", "input", "select", "textarea", "option", "link", "meta", "map", "area",
)
_FURNITURE_TAGS = ("nav", "header", "footer", "aside", "menu")
_FURNITURE_ATTR = re.compile(
    r"share|bdshare|fenxiang|jiathis|print|dayin|close|guanbi|related|xgxx|xglj|pager|pagination|"
    r"breadcrumb|crumb|position|location|dqwz|nav|menu|footer|foot|header|toolbar|fontsize|font-size|"
    r"zihao|sidebar|qrcode|erweima|ewm|search|login|copyright|banner",
    re.I,
)
_CONTENT_ATTR = re.compile(
    r"^(?:zoom|trs_editor|trs_paper_default|custom_unionstyle|content|article|art_con|article[-_]?con(?:tent)?|"
    r"main[-_]?content|detail|details|pages_content|info[-_]?content|xxgk[-_]?content|zw|zhengwen|nr|"
    r"con|text|view|bt_content|newscontent|news_content|conTxt|contentText|article_body|articlebody)$",
    re.I,
)
_BLOCK_TAGS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article", "main",
    "blockquote", "pre", "dd", "dt", "dl", "center", "address", "figure", "figcaption", "hr", "form",
    "body", "html", "tbody", "thead", "tfoot", "caption", "font-block",
}
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _declared_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:8192])
    if not m:
        return None
    name = m.group(1).decode("ascii", "ignore").strip().lower()
    if name in ("gb2312", "gbk", "x-gbk", "cp936", "gb_2312-80"):
        name = "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(data: bytes, *, path: str) -> tuple[str, str]:
    from textcheck.readers.txt import check_text, decode

    for bom, codec, name in ((codecs.BOM_UTF8, "utf-8-sig", "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16", "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16", "utf-16-be")):
        if data.startswith(bom):
            return decode(data, path=path)
    declared = _declared_charset(data)
    if declared:
        try:
            return check_text(data.decode(declared), path=path), declared
        except UnicodeDecodeError:
            pass  # wrong declaration (common: says utf-8, is GBK): fall back to detection
    return decode(data, path=path)


def _attrs(el) -> str:
    ident = el.get("id") or ""
    cls = el.get("class") or []
    if isinstance(cls, str):
        cls = cls.split()
    return " ".join([ident, *cls])


def _own_text_len(el) -> tuple[int, int]:
    """(characters of non-link text, characters of link text) under ``el``, whitespace ignored."""
    from bs4 import NavigableString

    total = link = 0
    for s in el.find_all(string=True):
        if type(s) is not NavigableString:  # comments, CDATA, doctype
            continue
        n = len("".join(s.split()))
        if not n:
            continue
        total += n
        if s.find_parent("a") is not None:
            link += n
    return total - link, link


def _remove_furniture(root) -> None:
    from bs4 import Comment

    for c in root.find_all(string=lambda s: isinstance(s, Comment)):
        c.extract()
    for tag in root.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in list(root.find_all(True)):
        if tag.decomposed:
            continue
        style = tag.get("style") or ""
        if isinstance(style, str) and _HIDDEN.search(style):
            tag.decompose()


def _drop_small_furniture(root) -> None:
    for tag in list(root.find_all(True)):
        if tag.decomposed or tag.parent is None:
            continue
        attrs = _attrs(tag)
        is_furn = tag.name in _FURNITURE_TAGS or (attrs and _FURNITURE_ATTR.search(attrs) and not _CONTENT_ATTR.search(attrs.split()[0] if attrs.split() else ""))
        if not is_furn:
            continue
        text, _link = _own_text_len(tag)
        if text <= 300:
            tag.decompose()


_TABLE_PARTS = frozenset({"table", "thead", "tbody", "tfoot", "tr", "td", "th"})


def _choose_container(body):
    text_total, _ = _own_text_len(body)
    if text_total == 0:
        return body
    best = None
    best_len = 0
    for el in body.find_all(True):
        attrs = _attrs(el).split()
        if not attrs or not any(_CONTENT_ATTR.match(a) for a in attrs):
            continue
        n, _ = _own_text_len(el)
        if n >= 0.5 * text_total and n > best_len:
            best, best_len = el, n
    if best is not None:
        return best
    # text density: descend while one child still holds most of the non-link text
    cur = body
    while True:
        children = [c for c in cur.find_all(True, recursive=False) if c.name not in ("br",)]
        nxt = None
        for c in children:
            if c.name in _TABLE_PARTS:
                break  # a page that is mostly a table: the table is content, read it as rows
            n, _ = _own_text_len(c)
            if n >= 0.85 * text_total:
                nxt = c
                break
        if nxt is None:
            return cur
        cur = nxt


class _Lines:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.buf: list[str] = []

    def text(self, s: str) -> None:
        self.buf.append(s)

    def flush(self) -> None:
        if self.buf:
            line = " ".join("".join(self.buf).replace("\t", " ").split())
            self.buf = []
            if line:
                self.lines.append(line)

    def raw_line(self, line: str) -> None:
        self.flush()
        self.lines.append(line)


def _cell_text(cell) -> str:
    out = _Lines()
    _walk(cell, out, in_cell=True)
    out.flush()
    return " ".join(out.lines)


def _is_layout_table(tbl) -> bool:
    if tbl.find("table") is not None:
        return True
    rows = _rows(tbl)
    if not rows:
        return True
    ncols = max(len(r.find_all(["td", "th"], recursive=False)) for r in rows)
    if ncols <= 1:
        return True
    for cell in tbl.find_all(["td", "th"]):
        if len("".join(cell.get_text().split())) > 500:
            return True
    return False


def _rows(tbl):
    out = []
    for child in tbl.children:
        name = getattr(child, "name", None)
        if name == "tr":
            out.append(child)
        elif name in ("tbody", "thead", "tfoot"):
            out.extend(c for c in child.children if getattr(c, "name", None) == "tr")
    return out


def _span(cell, attr: str) -> int:
    try:
        return max(1, min(int(str(cell.get(attr, "1")).strip() or 1), 64))
    except ValueError:
        return 1


def _table_lines(tbl) -> list[str]:
    grid: list[list[str]] = []
    pending: dict[int, int] = {}  # column -> rows still covered by a rowspan from above
    for tr in _rows(tbl):
        row: list[str] = []
        col = 0

        def skip_covered() -> None:
            nonlocal col
            while pending.get(col, 0) > 0:
                row.append("")
                pending[col] -= 1
                col += 1

        for cell in tr.find_all(["td", "th"], recursive=False):
            skip_covered()
            cs, rs = _span(cell, "colspan"), _span(cell, "rowspan")
            row.append(_cell_text(cell))
            row.extend([""] * (cs - 1))
            for k in range(cs):
                if rs > 1:
                    pending[col + k] = rs - 1
            col += cs
        skip_covered()
        # columns covered beyond this row's cells
        for c in sorted(k for k, v in pending.items() if v > 0 and k >= col):
            while col < c:
                row.append("")
                col += 1
            row.append("")
            pending[c] -= 1
            col += 1
        grid.append(row)
    return ["\t".join(r) if any(x.strip() for x in r) else "" for r in grid]


def _walk(el, out: _Lines, in_cell: bool = False) -> None:
    from bs4 import NavigableString, Tag

    for child in el.children:
        if isinstance(child, Tag):
            name = child.name
            if name == "br":
                out.flush()
                continue
            if name == "table":
                if in_cell or _is_layout_table(child):
                    out.flush()
                    if in_cell:
                        out.text(" " + " ".join(child.get_text(" ").split()) + " ")
                        continue
                    for cell in child.find_all(["td", "th"]):
                        if cell.find_parent("table") is child:
                            _walk(cell, out)
                            out.flush()
                    continue
                out.flush()
                for line in _table_lines(child):
                    out.raw_line(line)
                continue
            if name in ("td", "th", "tr"):
                _walk(child, out, in_cell)
                out.flush()
                continue
            block = name in _BLOCK_TAGS
            if block:
                out.flush()
            _walk(child, out, in_cell)
            if block:
                out.flush()
        elif type(child) is NavigableString:
            out.text(str(child))


_TITLE_SPLIT = re.compile(r"\s*[_|｜—–-]{1,2}\s*")


def _page_title(soup, container) -> str | None:
    head_text = " ".join(container.get_text(" ").split())[:300]
    if "年度报告" in head_text[:150]:
        return None
    for el in soup.find_all(["h1", "h2", "h3", "div", "p", "td", "span"]):
        if el is container or container in el.parents or el in container.parents:
            continue
        if el.name not in ("h1", "h2", "h3") and not re.search(r"title|biaoti|bt", _attrs(el), re.I):
            continue
        t = " ".join(el.get_text(" ").split())
        if "年度报告" in t and len(t) <= 80:
            return t
    if soup.title is not None:
        t = " ".join(soup.title.get_text(" ").split())
        for part in _TITLE_SPLIT.split(t):
            if "年度报告" in part and len(part) <= 80:
                return part
    return None


# Elements nested deeper than this are refused: real report pages nest about 20 levels, and the
# container choice below costs (elements x depth), so a page of 3,000 nested <div>s took minutes.
MAX_DEPTH = 100
MSG_TOO_DEEP = (
    "网页的结构嵌套超过 {limit} 层，无法读取（正常的网页不超过几十层；文件可能已损坏或是恶意构造的）；"
    "请在浏览器中复制正文另存为 .txt 后再检查"
)


def max_depth(root, limit: int | None = None) -> int:
    """How deeply elements nest under ``root`` (an iterative walk: no recursion, linear time);
    stops early once ``limit`` is exceeded."""
    best = 0
    stack = [(root, 0)]
    while stack:
        el, depth = stack.pop()
        if depth > best:
            best = depth
            if limit is not None and best > limit:
                return best
        for child in el.children:
            if getattr(child, "name", None):
                stack.append((child, depth + 1))
    return best


def check_depth(soup, *, path: str, limit: int = MAX_DEPTH) -> None:
    """``InputError`` when the page nests elements more than ``limit`` levels deep."""
    if max_depth(soup, limit) > limit:
        raise InputError(MSG_TOO_DEEP.format(limit=limit), path=path)


def read_html(data: bytes, *, path: str) -> Source:
    text, enc = decode_html(data, path=path)
    from bs4 import BeautifulSoup  # lazy: only HTML input needs bs4/lxml

    soup = BeautifulSoup(text, "lxml")
    check_depth(soup, path=path)
    _remove_furniture(soup)
    body = soup.body or soup
    _drop_small_furniture(body)
    container = _choose_container(body)
    out = _Lines()
    _walk(container, out)
    out.flush()
    lines = out.lines
    notes: list[str] = []
    title = _page_title(soup, container)
    if title and (not lines or title not in lines[0]):
        lines.insert(0, title)
        notes.append("网页标题在正文区域之外，已补在首行")
    if container is not body:
        notes.append(f"已提取网页正文区域（{container.name}{'#' + container.get('id') if container.get('id') else ''}）")
    result = "\n".join(lines)
    if not result.strip():
        raise InputError("网页中没有找到正文文字（可能是空白页、需要登录的页面或由脚本动态加载的内容）；请在浏览器中复制正文另存为 .txt", path=path)
    return Source(text=result + "\n", path=path, format="html", encoding=enc, notes=tuple(notes))
