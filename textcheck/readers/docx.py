"""Word .docx: paragraphs and tables in document order, automatic numbering rendered as text.

* Body children are walked in order (``w:p``, ``w:tbl``, content controls ``w:sdt``), so a
  table stays between the paragraphs around it.
* One output line per paragraph; one line per table row, cells joined by tabs. A horizontally
  merged cell (``gridSpan``) is followed by empty cells, a vertically merged continuation cell
  (``vMerge``) is empty: the same grid the tab-separated text export of Word gives. Paragraphs
  inside a cell are joined with a space; nested tables are flattened into their cell.
* Automatic numbering (``w:numPr`` on the paragraph or its style) is rendered from
  ``numbering.xml`` (decimal, Chinese counting, letters, Roman, circled numbers; bullets dropped),
  so "一、总体情况" typed with Word's list feature still reads "一、总体情况".
* Every output line records where it came from (``Source.line_paragraph`` / ``line_table``): the body
  paragraph number (non-empty body paragraphs, 1, 2, …; table cells not counted) or (table, row) —
  ``_Lines`` and docs/schema.md "位置".
* Not read: headers/footers, footnotes, comments, text boxes and shapes, tracked deletions.

One file for one format, over 300 lines on purpose: the numbering renderer and the table grid
are only used here, and splitting them would scatter the reading of one XML tree.

Before python-docx sees the file, the ZIP is checked (member count, total uncompressed size,
compression ratio, CRC) so a zip bomb or truncated file is an ``InputError``, not a hang.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from textcheck.document import Source
from textcheck.errors import InputError

MAX_MEMBERS = 2000
MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 200  # uncompressed/compressed for a single large member

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

MSG_CORRUPT = "Word 文档（.docx）已损坏或不完整，无法打开；请重新导出或重新下载该文件"
MSG_BOMB = "Word 文档解压后体积异常（{why}），疑似损坏或恶意构造的文件，已拒绝读取"


def check_zip(data: bytes, *, path: str) -> None:
    """Refuse zip bombs and corrupt archives before any parser decompresses them."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise InputError(MSG_CORRUPT, path=path) from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise InputError(MSG_BOMB.format(why=f"包含 {len(infos)} 个部件，上限 {MAX_MEMBERS}"), path=path)
        declared = sum(i.file_size for i in infos)
        if declared > MAX_UNCOMPRESSED:
            raise InputError(MSG_BOMB.format(why=f"解压后 {declared / 1048576:.0f} MB，上限 {MAX_UNCOMPRESSED // 1048576} MB"), path=path)
        for i in infos:
            if i.file_size > 10 * 1024 * 1024 and i.file_size > MAX_RATIO * max(i.compress_size, 1):
                raise InputError(MSG_BOMB.format(why=f"部件 {i.filename} 压缩比超过 {MAX_RATIO} 倍"), path=path)
        # Declared sizes can lie: decompress in a stream, counting real bytes (this also checks CRCs).
        total = 0
        for i in infos:
            if i.is_dir():
                continue
            try:
                with zf.open(i) as fh:
                    while True:
                        chunk = fh.read(1 << 16)
                        if not chunk:
                            break
                        total += len(chunk)
                        if total > MAX_UNCOMPRESSED:
                            raise InputError(MSG_BOMB.format(why=f"解压后超过 {MAX_UNCOMPRESSED // 1048576} MB"), path=path)
            except InputError:
                raise
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
                # zlib.error: damaged data; RuntimeError: encrypted member; NotImplementedError: unknown compression
                raise InputError(MSG_CORRUPT, path=path) from exc


# ---------------------------------------------------------------------------------------------
# numbering

_CN_DIGITS = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    if n <= 0:
        return str(n)
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n - 10] if n > 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = ""
    for v, s in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out += s
            n -= v
    return out


def _letter(n: int) -> str:
    s = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        s = chr(ord("a") + r) + s
    return s or str(n)


def _format_number(n: int, fmt: str) -> str | None:
    if fmt in ("decimal", "decimalZero", "arabicFullWidth", "decimalFullWidth", "decimalHalfWidth"):
        return f"{n:02d}" if fmt == "decimalZero" else str(n)
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting", "ideographTraditional", "chineseLegalSimplified", "ideographLegalTraditional"):
        if fmt == "ideographTraditional":
            return "甲乙丙丁戊己庚辛壬癸"[n - 1] if 1 <= n <= 10 else str(n)
        return _chinese(n)
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join(_CN_DIGITS[int(d)] for d in str(n))
    if fmt == "lowerLetter":
        return _letter(n)
    if fmt == "upperLetter":
        return _letter(n).upper()
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese"):
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt in ("decimalEnclosedParen",):
        return f"({n})"
    if fmt == "none":
        return ""
    return None  # bullet and anything unknown: no label


class _Numbering:
    """Renders list labels for paragraphs with ``w:numPr`` (own or inherited from their style)."""

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # numId -> ilvl -> (fmt, lvlText, start)
        self.abstract_of: dict[str, str] = {}
        self.counters: dict[str, dict[int, int]] = {}  # keyed by abstractNum id (lists continue)
        self.style_num: dict[str, tuple[str, int]] = {}
        try:
            part = document.part.numbering_part
            root = part.element
        except (NotImplementedError, KeyError, AttributeError):
            root = None
        if root is not None:
            abstracts: dict[str, dict[int, tuple[str, str, int]]] = {}
            for an in root.iterchildren(f"{_W}abstractNum"):
                aid = an.get(f"{_W}abstractNumId")
                abstracts[aid] = {lv_i: v for lv_i, v in self._lvls(an)}
            for num in root.iterchildren(f"{_W}num"):
                nid = num.get(f"{_W}numId")
                ref = num.find(f"{_W}abstractNumId")
                aid = ref.get(f"{_W}val") if ref is not None else None
                lv = dict(abstracts.get(aid, {}))
                for ov in num.iterchildren(f"{_W}lvlOverride"):
                    ilvl = _int(ov.get(f"{_W}ilvl"), 0)
                    lvl = ov.find(f"{_W}lvl")
                    if lvl is not None:
                        lv.update(dict(self._lvls_from([lvl], ilvl)))
                    so = ov.find(f"{_W}startOverride")
                    if so is not None and ilvl in lv:
                        fmt, txt, _ = lv[ilvl]
                        lv[ilvl] = (fmt, txt, _int(so.get(f"{_W}val"), 1))
                self.levels[nid] = lv
                self.abstract_of[nid] = aid or nid
        try:
            styles = document.styles.element
            for st in styles.iterchildren(f"{_W}style"):
                numpr = st.find(f"{_W}pPr/{_W}numPr")
                if numpr is not None:
                    nid, ilvl = _numpr(numpr)
                    if nid:
                        self.style_num[st.get(f"{_W}styleId")] = (nid, ilvl or 0)
        except (AttributeError, KeyError, NotImplementedError):
            pass

    @staticmethod
    def _lvls(an):
        return _Numbering._lvls_from(an.iterchildren(f"{_W}lvl"), None)

    @staticmethod
    def _lvls_from(lvls, force_ilvl):
        for lvl in lvls:
            ilvl = force_ilvl if force_ilvl is not None else _int(lvl.get(f"{_W}ilvl"), 0)
            fmt_el = lvl.find(f"{_W}numFmt")
            txt_el = lvl.find(f"{_W}lvlText")
            start_el = lvl.find(f"{_W}start")
            fmt = fmt_el.get(f"{_W}val") if fmt_el is not None else "decimal"
            txt = txt_el.get(f"{_W}val") if txt_el is not None else ""
            yield ilvl, (fmt or "decimal", txt or "", _int(start_el.get(f"{_W}val") if start_el is not None else None, 1))

    def label(self, p) -> str:
        ppr = p.find(f"{_W}pPr")
        nid = ilvl = None
        if ppr is not None:
            numpr = ppr.find(f"{_W}numPr")
            if numpr is not None:
                nid, ilvl = _numpr(numpr)
            if nid is None:
                ps = ppr.find(f"{_W}pStyle")
                if ps is not None and ps.get(f"{_W}val") in self.style_num:
                    nid, sl = self.style_num[ps.get(f"{_W}val")]
                    ilvl = sl if ilvl is None else ilvl
        if not nid or nid == "0" or nid not in self.levels:
            return ""
        ilvl = ilvl or 0
        lv = self.levels[nid]
        if ilvl not in lv:
            return ""
        key = self.abstract_of.get(nid, nid)
        counters = self.counters.setdefault(key, {})
        fmt, text, start = lv[ilvl]
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if fmt == "bullet":
            return ""

        def repl(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            f, _t, s = lv.get(k, ("decimal", "", 1))
            n = counters.get(k, s)
            out = _format_number(n, f)
            return "" if out is None else out

        label = re.sub(r"%([1-9])", repl, text)
        return label


def _int(v, default: int) -> int:
    try:
        return int(v)
    except (TypeError, ValueError):
        return default


def _numpr(numpr) -> tuple[str | None, int | None]:
    nid_el = numpr.find(f"{_W}numId")
    ilvl_el = numpr.find(f"{_W}ilvl")
    nid = nid_el.get(f"{_W}val") if nid_el is not None else None
    ilvl = _int(ilvl_el.get(f"{_W}val"), 0) if ilvl_el is not None else None
    return nid, ilvl


# ---------------------------------------------------------------------------------------------
# text extraction


def _visible(p) -> str:
    """Paragraph text skipping deleted runs (``w:del``) and text boxes (``w:txbxContent``)."""
    parts: list[str] = []
    for child in p.iterchildren():
        tag = child.tag
        if not isinstance(tag, str) or tag in (f"{_W}pPr", f"{_W}del", f"{_W}moveFrom"):
            continue
        if tag == f"{_W}r":
            parts.append(_run_text_no_textbox(child))
        elif tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                parts.append(_visible(content))
        else:  # hyperlink, ins, smartTag, fldSimple...
            parts.append(_visible(child))
    return "".join(parts)


def _run_text_no_textbox(r) -> str:
    out: list[str] = []
    for child in r.iterchildren():
        tag = child.tag
        if tag == f"{_W}t":
            out.append(child.text or "")
        elif tag == f"{_W}tab":
            out.append(" ")
        elif tag in (f"{_W}br", f"{_W}cr"):
            out.append("\n")
        elif tag == f"{_W}noBreakHyphen":
            out.append("-")
    return "".join(out)


def _para_line(p, numbering: _Numbering) -> str:
    text = _visible(p)
    label = numbering.label(p)
    return label + text if label else text


def fold_cell_text(text: str) -> str:
    """A table cell's paragraph as the reader gives it: tabs and runs of whitespace as one space, trimmed."""
    return " ".join(text.replace("\t", " ").split())


def _cell_text(tc, numbering: _Numbering) -> str:
    parts: list[str] = []
    for child in tc.iterchildren():
        if child.tag == f"{_W}p":
            t = _para_line(child, numbering)
        elif child.tag == f"{_W}tbl":
            t = " ".join(" ".join(r) for r in _table_rows(child, numbering))
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            t = _cell_text(content, numbering) if content is not None else ""
        else:
            continue
        t = fold_cell_text(t)
        if t:
            parts.append(t)
    return " ".join(parts)


def _table_rows(tbl, numbering: _Numbering) -> list[list[str]]:
    rows: list[list[str]] = []
    for tr in tbl.iterchildren(f"{_W}tr"):
        cells: list[str] = []
        for tc in _row_cells(tr):
            tcpr = tc.find(f"{_W}tcPr")
            span = grid_span(tc)
            cont = False
            if tcpr is not None:
                vm = tcpr.find(f"{_W}vMerge")
                if vm is not None and vm.get(f"{_W}val") in (None, "continue"):
                    cont = True
            cells.append("" if cont else _cell_text(tc, numbering))
            cells.extend([""] * (span - 1))
        rows.append(cells)
    return rows


def grid_span(tc) -> int:
    """How many grid columns cell ``tc`` spans (``w:gridSpan``, 1 to 64)."""
    tcpr = tc.find(f"{_W}tcPr")
    gs = tcpr.find(f"{_W}gridSpan") if tcpr is not None else None
    return 1 if gs is None else max(1, min(_int(gs.get(f"{_W}val"), 1), 64))


def _row_cells(tr):
    for child in tr.iterchildren():
        if child.tag == f"{_W}tc":
            yield child
        elif child.tag in (f"{_W}sdt", f"{_W}customXml"):
            content = child.find(f"{_W}sdtContent") if child.tag == f"{_W}sdt" else child
            if content is not None:
                yield from (c for c in content.iterchildren(f"{_W}tc"))


class _Lines:
    """Output lines and, per line, where it came from: the body paragraph number or (table, row).

    Numbering (docs/schema.md): paragraphs are the body's ``w:p`` in document order (also inside
    content controls), counting only those with visible text — empty paragraphs are skipped, as a reader
    counting the paragraphs on screen skips them; paragraphs inside table cells are not counted: a table
    row is ``(table, row)``, tables numbered 1, 2, … in body order (nested tables belong to their cell)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.paragraph: list[int | None] = []
        self.table: list[tuple[int, int] | None] = []
        self.n_paragraphs = 0
        self.n_tables = 0

    def add_paragraph(self, text: str) -> None:
        parts = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        number = None
        if text.strip():
            self.n_paragraphs += 1
            number = self.n_paragraphs
        for part in parts:
            self.lines.append(part)
            self.paragraph.append(number if part.strip() else None)
            self.table.append(None)

    def add_table(self, rows: list[list[str]]) -> None:
        self.n_tables += 1
        for r, row in enumerate(rows, start=1):
            line = "\t".join(c.replace("\r", " ").replace("\n", " ") for c in row)
            self.lines.append(line if line.strip() else "")
            self.paragraph.append(None)
            self.table.append((self.n_tables, r))

    def strip(self) -> None:
        """Drop leading and trailing empty lines (with their origins)."""
        a, b = 0, len(self.lines)
        while a < b and self.lines[a] == "":
            a += 1
        while b > a and self.lines[b - 1] == "":
            b -= 1
        self.lines, self.paragraph, self.table = self.lines[a:b], self.paragraph[a:b], self.table[a:b]


def body_blocks(container, top=None):
    """The body's paragraphs (``w:p``) and tables (``w:tbl``) in document order, looking inside content
    controls (``w:sdt``) and custom XML, each as ``(element, body-level element holding it)``. The one
    walk of the body: the reader makes its lines from it, ``render.docx_map`` finds those lines again."""
    for child in container.iterchildren():
        tag = child.tag
        holder = top if top is not None else child
        if tag in (f"{_W}p", f"{_W}tbl"):
            yield child, holder
        elif tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from body_blocks(content, holder)
        elif tag == f"{_W}customXml":
            yield from body_blocks(child, holder)


def _body_lines(container, numbering: _Numbering, out: _Lines) -> None:
    for child, _holder in body_blocks(container):
        if child.tag == f"{_W}p":
            out.add_paragraph(_para_line(child, numbering))
        else:
            out.add_table(_table_rows(child, numbering))


def read_docx(data: bytes, *, path: str) -> Source:
    check_zip(data, path=path)
    import docx  # lazy: python-docx is only needed for .docx input
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise InputError(MSG_CORRUPT, path=path) from exc
    except Exception as exc:  # lxml XMLSyntaxError and friends: a broken document part
        raise InputError(MSG_CORRUPT, path=path) from exc
    numbering = _Numbering(document)
    out = _Lines()
    _body_lines(document.element.body, numbering, out)
    out.strip()
    text = "\n".join(out.lines)
    if not text.strip():
        raise InputError("Word 文档里没有文字（可能只有图片或文本框）；如是扫描件请提供文字版", path=path)
    notes = []
    if not _has_paragraph_text(document.element.body) and text.strip():
        notes.append("文档正文仅有表格")
    return Source(text=text + "\n", path=path, format="docx", encoding=None, notes=tuple(notes),
                  line_paragraph=tuple(out.paragraph), line_table=tuple(out.table))


def _has_paragraph_text(body) -> bool:
    for p in body.iterchildren(f"{_W}p"):
        if _visible(p).strip():
            return True
    return False
