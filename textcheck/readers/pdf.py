"""PDF: the text layer (pypdfium2), rebuilt into lines, paragraphs and tab-separated table rows.

What is done, per page, from character boxes:

1. Characters are grouped into lines by vertical position (not by content-stream order, which
   for tables is often cell by cell); each line is sorted left to right.
2. Inside a line, a horizontal gap of at least one character height splits *segments*; a line
   with two or more segments is a table row candidate. Smaller gaps between Latin letters or
   digits become a space; spaces next to Chinese characters are dropped.
3. Running headers/footers are removed: lines in the top/bottom 12 % of the page whose text
   (digits ignored) repeats on several pages, and page numbers (``- 3 -``, ``—3—``, ``第3页``,
   ``第3页 共9页``, ``3/9``, a lone number) in those margins.
4. Consecutive table row candidates become a table: segment left edges are clustered into
   columns, so an empty cell in a left-aligned grid becomes an empty field ("\\t\\t").
5. Remaining lines are re-joined into paragraphs: a line that reaches the right margin and
   does not end with 。；！？：(or a closing quote after one) continues on the next line, also
   across a page break. Every output line records the page its first physical line is on
   (``Source.line_page``).

What is not done: cells whose text wraps onto several lines stay several rows; centred or
right-aligned cells may be placed in the wrong column; multi-column page layouts, rotated
text, text in images (no OCR) and annotations are not handled.

One file for one format, over 300 lines on purpose: every step works on the same character
boxes, in this order.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from textcheck.document import Source
from textcheck.errors import InputError

MAX_PAGES = 500

MSG_SCANNED = (
    "PDF 中没有可提取的文字（可能是扫描件或图片）；本工具不做文字识别（OCR），"
    "请提供原始 Word 文件、带文字层的 PDF，或先用 OCR 软件转换为文字"
)
MSG_CORRUPT = "PDF 文件已损坏或不完整，无法打开；请重新导出或重新下载该文件"
MSG_PASSWORD = "PDF 文件已加密（需要密码才能打开）；请提供未加密的文件"
MSG_GARBLED = "PDF 的文字层无法正确提取（字体缺少编码信息，提取出的是乱码）；请提供原始 Word 文件或 .txt"

_TERMINAL = re.compile(r"[。；！？：;!?:][\"”’」』)）]*$")
_PAGE_NO = re.compile(
    r"^(?:[-—–－~～\s]*\d{1,4}[-—–－~～\s]*|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|"
    r"\d{1,4}\s*/\s*\d{1,4}|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?|共\s*\d{1,4}\s*页\s*第\s*\d{1,4}\s*页)$"
)
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef，。、；：“”‘’《》（）]")


@dataclass
class _Char:
    ch: str
    left: float
    bottom: float
    right: float
    top: float

    @property
    def cy(self) -> float:
        return (self.bottom + self.top) / 2

    @property
    def h(self) -> float:
        return max(self.top - self.bottom, 0.1)


@dataclass
class _Line:
    chars: list[_Char]
    segments: list[tuple[float, float, str]] = field(default_factory=list)  # (left, right, text)
    page: int = 0
    top: float = 0.0
    bottom: float = 0.0

    @property
    def left(self) -> float:
        return self.segments[0][0]

    @property
    def right(self) -> float:
        return self.segments[-1][1]

    @property
    def text(self) -> str:
        return " ".join(s[2] for s in self.segments)

    @property
    def em(self) -> float:
        return statistics.median(c.h for c in self.chars)


def _page_chars(textpage) -> list[_Char]:
    import pypdfium2.raw as pdfium_c

    n = textpage.count_chars()
    out: list[_Char] = []
    raw = textpage.raw
    for i in range(n):
        code = pdfium_c.FPDFText_GetUnicode(raw, i)
        if code == 0 or code in (0xFFFE, 0xFFFF) or 0xD800 <= code <= 0xDFFF:
            continue
        ch = chr(code)
        if ch.isspace() or ch == "\u00ad":
            continue  # spacing is rebuilt from geometry
        if pdfium_c.FPDFText_IsGenerated(raw, i) == 1:
            continue
        try:
            left, bottom, right, top = textpage.get_charbox(i, loose=True)
        except Exception:  # noqa: BLE001 - a char without a box is skipped
            continue
        if right < left:
            left, right = right, left
        if top < bottom:
            bottom, top = top, bottom
        out.append(_Char(ch, left, bottom, right, top))
    return out


def _group_lines(chars: list[_Char]) -> list[list[_Char]]:
    lines: list[list[_Char]] = []
    centres: list[float] = []
    for c in sorted(chars, key=lambda c: (-c.cy, c.left)):
        if lines and abs(centres[-1] - c.cy) <= 0.45 * c.h:
            lines[-1].append(c)
            k = len(lines[-1])
            centres[-1] += (c.cy - centres[-1]) / k
        else:
            lines.append([c])
            centres.append(c.cy)
    return [sorted(ln, key=lambda c: c.left) for ln in lines]


def _segments(chars: list[_Char]) -> list[tuple[float, float, str]]:
    em = statistics.median(c.h for c in chars)
    segs: list[tuple[float, float, str]] = []
    cur = [chars[0]]
    text = chars[0].ch
    for prev, c in zip(chars, chars[1:]):
        gap = c.left - prev.right
        if gap >= 1.0 * em:
            segs.append((cur[0].left, cur[-1].right, text))
            cur, text = [c], c.ch
            continue
        if gap >= 0.2 * em and not (_CJK.match(prev.ch) or _CJK.match(c.ch)):
            text += " "
        cur.append(c)
        text += c.ch
    segs.append((cur[0].left, cur[-1].right, text))
    return segs


def _page_lines(textpage, page_no: int) -> list[_Line]:
    out = []
    for chars in _group_lines(_page_chars(textpage)):
        ln = _Line(chars=chars, page=page_no, top=max(c.top for c in chars), bottom=min(c.bottom for c in chars))
        ln.segments = _segments(chars)
        out.append(ln)
    return out


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _remove_furniture(pages: list[list[_Line]], heights: list[float]) -> tuple[list[list[_Line]], int]:
    margin_lines: list[tuple[int, int]] = []  # (page, index)
    for p, lines in enumerate(pages):
        h = heights[p]
        for idx in list(range(min(2, len(lines)))) + list(range(max(len(lines) - 2, 0), len(lines))):
            ln = lines[idx]
            if ln.top >= h * 0.88 or ln.bottom <= h * 0.12:
                margin_lines.append((p, idx))
    def key(ln: _Line) -> str:
        # digits are ignored in one-piece lines ("报告 第3页"); a multi-cell line (table row or a
        # left/right header) must repeat exactly, so "第1项 0 0" and "第6项 0 0" stay distinct rows
        return _key(ln.text) if len(ln.segments) == 1 else "\t".join(s[2] for s in ln.segments)

    counts: dict[str, set[int]] = {}
    for p, idx in margin_lines:
        counts.setdefault(key(pages[p][idx]), set()).add(p)
    n_pages = len(pages)
    need = 2 if n_pages <= 3 else max(2, int(0.4 * n_pages))
    drop = set()
    for p, idx in set(margin_lines):
        ln = pages[p][idx]
        t = ln.text.strip()
        single = len(ln.segments) == 1
        # a row of numbers in a table ("0 0 0") is neither a page number nor a running footer
        wordy = bool(re.search(r"[^\d\s.,%/\-—–－]", t))
        if (single and _PAGE_NO.match(t.replace(" ", ""))) or (wordy and n_pages >= 2 and len(counts[key(ln)]) >= need):
            drop.add((p, idx))
    out = [[ln for i, ln in enumerate(lines) if (p, i) not in drop] for p, lines in enumerate(pages)]
    return out, len(drop)


def _cluster_columns(lefts: list[float], tol: float) -> list[float]:
    cols: list[float] = []
    for x in sorted(lefts):
        if cols and x - cols[-1] <= tol:
            continue
        cols.append(x)
    return cols


def _place(ln: _Line, cols: list[float], em: float) -> str:
    cells = [""] * len(cols)
    for left, _right, text in ln.segments:
        k = 0
        for i, c in enumerate(cols):
            if c <= left + 0.6 * em:
                k = i
        cells[k] = (cells[k] + " " + text).strip() if cells[k] else text
    while cells and not cells[-1]:
        cells.pop()
    return "\t".join(cells)


def _table_text(rows: list[_Line]) -> list[str]:
    """Tab rows for a run of table lines. Columns are clustered per group of consecutive
    multi-segment rows (a one-segment line such as a table title separates groups); a
    one-segment line that starts in a later column of the group above stays in that grid."""
    out: list[str] = []
    cols: list[float] = []
    em = 0.0
    i = 0
    while i < len(rows):
        ln = rows[i]
        if len(ln.segments) >= 2:
            j = i
            while j + 1 < len(rows) and len(rows[j + 1].segments) >= 2:
                j += 1
            group = rows[i : j + 1]
            em = statistics.median(r.em for r in group)
            cols = _cluster_columns([s[0] for r in group for s in r.segments], tol=0.6 * em)
            out.extend(_place(r, cols, em) for r in group)
            i = j + 1
            continue
        if cols and ln.left > cols[0] + 0.6 * em and any(abs(ln.left - c) <= 0.6 * em for c in cols):
            out.append(_place(ln, cols, em))
        else:
            out.append(ln.text)
            cols = []
        i += 1
    return out


def _join(a: str, b: str) -> str:
    if a and b and re.match(r"[A-Za-z0-9]", a[-1]) and re.match(r"[A-Za-z0-9]", b[0]):
        return a + " " + b
    return a + b


def _assemble(pages: list[list[_Line]], widths: list[float]) -> tuple[list[str], list[int]]:
    """Output lines and, for each, the 1-based page its first physical line is on."""
    # right margin of the body text: the typical right edge of long single-segment lines
    flat = [ln for lines in pages for ln in lines]
    rights = sorted(ln.right for ln in flat if len(ln.segments) == 1 and len(ln.text) >= 10)
    body_right = rights[int(0.9 * (len(rights) - 1))] if rights else max((ln.right for ln in flat), default=0)
    out: list[str] = []
    out_pages: list[int] = []
    i = 0
    pending: str | None = None  # an open paragraph waiting for its continuation
    pending_page = 0
    while i < len(flat):
        ln = flat[i]
        if len(ln.segments) >= 2:
            j = i
            while j + 1 < len(flat) and (len(flat[j + 1].segments) >= 2 or (
                j + 2 < len(flat) and len(flat[j + 2].segments) >= 2 and len(flat[j + 1].text) <= 30 and not _TERMINAL.search(flat[j + 1].text)
            )):
                j += 1
            if pending is not None:
                out.append(pending)
                out_pages.append(pending_page)
                pending = None
            out.extend(_table_text(flat[i : j + 1]))  # one output line per physical row
            out_pages.extend(r.page + 1 for r in flat[i : j + 1])
            i = j + 1
            continue
        text = ln.text
        if pending is None:
            pending, pending_page = text, ln.page + 1
        else:
            pending = _join(pending, text)
        full = ln.right >= body_right - 1.5 * ln.em
        if not full or _TERMINAL.search(text) or i + 1 >= len(flat) or len(flat[i + 1].segments) >= 2:
            out.append(pending)
            out_pages.append(pending_page)
            pending = None
        i += 1
    if pending is not None:
        out.append(pending)
        out_pages.append(pending_page)
    return out, out_pages


def read_pdf(data: bytes, *, path: str) -> Source:
    import pypdfium2 as pdfium  # lazy: only PDF input needs pdfium

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc).lower()
        if "password" in msg:
            raise InputError(MSG_PASSWORD, path=path) from exc
        raise InputError(MSG_CORRUPT, path=path) from exc
    try:
        n = len(doc)
        if n == 0:
            raise InputError(MSG_CORRUPT, path=path)
        if n > MAX_PAGES:
            raise InputError(f"PDF 共 {n} 页，超过上限 {MAX_PAGES} 页；年度报告通常不超过 30 页，请确认文件是否正确", path=path)
        pages: list[list[_Line]] = []
        heights: list[float] = []
        widths: list[float] = []
        for k in range(n):
            page = doc[k]
            try:
                w, h = page.get_size()
                tp = page.get_textpage()
                try:
                    pages.append(_page_lines(tp, k))
                finally:
                    tp.close()
            finally:
                page.close()
            heights.append(h)
            widths.append(w)
    except pdfium.PdfiumError as exc:
        raise InputError(MSG_CORRUPT, path=path) from exc
    finally:
        doc.close()
    total_chars = sum(len(ln.chars) for lines in pages for ln in lines)
    if total_chars == 0:
        raise InputError(MSG_SCANNED, path=path)
    all_text = "".join(ln.text for lines in pages for ln in lines)
    bad = sum(1 for ch in all_text if 0xE000 <= ord(ch) <= 0xF8FF or ch == "\ufffd" or ord(ch) < 32)
    if bad > 0.3 * len(all_text):
        raise InputError(MSG_GARBLED, path=path)
    pages, removed = _remove_furniture(pages, heights)
    lines, line_pages = _assemble(pages, widths)
    notes = [f"PDF 共 {n} 页"]
    if removed:
        notes.append(f"已删除页眉、页脚和页码 {removed} 行")
    text = "\n".join(lines)
    if not text.strip():
        raise InputError(MSG_SCANNED, path=path)
    return Source(text=text + "\n", path=path, format="pdf", encoding=None, notes=tuple(notes), line_page=tuple(line_pages))
