"""Segments -> blocks: tables, headings (with their level) and paragraphs re-joined across broken lines.

Blocks are built from the segments of ``parse.normalize`` (usually one per input line; a body flattened
onto one line gives several); a raw block's indices are segment indices."""

from __future__ import annotations

import re

from textcheck.document import BlockKind
from textcheck.parse.sections import MAX_HEADING_CHARS, section_key, strong_part_name

# (kind, first segment index, last segment index, heading level, heading body), 0-based indices
RawBlock = tuple[BlockKind, int, int, int, str]

_CN_NUM = "一二三四五六七八九十"
_L1 = re.compile(rf"^(?:第([{_CN_NUM}]{{1,3}})部分|([{_CN_NUM}]{{1,3}}))\s*[、.,．:：]?\s*(.+)$")
_L1_STRICT = re.compile(rf"^([{_CN_NUM}]{{1,3}})\s*[、.．]\s*(.+)$")
_L2 = re.compile(rf"^[(（]\s*([{_CN_NUM}]{{1,3}})\s*[)）]\s*(.*)$")
_L3 = re.compile(r"^(\d{1,2})\s*[.、．]\s*(\D.*)$")
_TERMINAL = re.compile(r"[。！？!?；;：:…][\"”’」』)）]*$")
_NUMBERISH = re.compile(r"^[\d.,%％\s\-—/|]+$")


_TABLE_TITLE = re.compile(r"^第[一二三四五六七八九十]+条第[(（]?[一二三四五六七八九十]+[)）]?项")


def is_table_line(norm: str, raw: str = "") -> bool:
    if "\t" in norm or ("\t" in raw and norm.strip()):
        return True
    if _TABLE_TITLE.match(norm):
        return True
    if norm.endswith("|") or not norm.strip("| "):
        return True
    return bool(_NUMBERISH.match(norm))


def table_rows(norm_lines: list[str]) -> tuple[tuple[str, ...], ...]:
    rows = []
    for s in norm_lines:
        if not s.strip() or not s.strip("| "):
            continue
        if "\t" in s:
            rows.append(tuple(c.strip() for c in s.split("\t")))
        else:
            rows.append((s.rstrip("|").strip(),))
    return tuple(rows)


def heading_level(norm: str) -> tuple[int, str]:
    """(level, body) if ``norm`` is a heading line by itself, else (0, '')."""
    if len(norm) > MAX_HEADING_CHARS + 6:
        return 0, ""
    m = _L1.match(norm)
    if m and (m.group(1) or _L1_STRICT.match(norm)):
        body = m.group(3).strip()
        if "。" not in body.rstrip("。") and not body.startswith(("是", "要")):
            return 1, body
    m = _L2.match(norm)
    if m:
        body = m.group(2).strip()
        if "。" not in body.rstrip("。") and len(body) <= 30:
            return 2, body
    m = _L3.match(norm)
    if m:
        body = m.group(2).strip()
        if "。" not in body and len(body) <= 20:
            return (1 if strong_part_name(body) else 3), body  # "1、 总体情况": a part numbered 1、
    if section_key(norm) and len(norm) <= 24 and not _TERMINAL.search(norm.rstrip("。")):
        return 1, norm  # an un-numbered section heading: "总体情况"
    return 0, ""


_INLINE_FORMS = (
    _L2,  # （一）主动公开方面。…
    re.compile(r"^\d{1,2}\s*[.、．]\s*(?=\D)"),  # 1.主动公开。… / 1、 主动公开。…
    re.compile(rf"^第[{_CN_NUM}]{{1,3}}\s*[，,、]"),  # 第一，主动公开方面。…
)
# a subtopic named right after its numeral, its text following without punctuation ("（一）主动公开 全年…"
# whose space normalisation removed)
SUBTOPIC_HEAD = re.compile(r"^(?:主动公开|依申请公开|政府信息管理|政府信息公开平台建设|政府信息公开平台|平台建设|监督保障)(?:方面|情况|工作)?")
_FANGMIAN = re.compile(r"^[^。，,；;：:]{2,16}方面(?=[。:：，,；;])")  # 主动公开方面。…


def inline_level(text: str) -> int:
    """Level of the heading a paragraph opens with (see ``inline_heading``): 2, 3 for 1. / 1、, or 0."""
    if not inline_heading(text):
        return 0
    return 3 if _INLINE_FORMS[1].match(text) and not _FANGMIAN.match(text) else 2


def inline_heading(text: str) -> str:
    """The heading a paragraph opens with: '(一)主动公开方面' of '(一)主动公开方面。一是...', and the other
    real forms: '1.主动公开。…', '第一，主动公开方面。…', '主动公开方面。…'. (一是…/二是… open items of a
    paragraph, not headings.)"""
    m = _FANGMIAN.match(text)
    if m:
        return m.group(0)
    for i, form in enumerate(_INLINE_FORMS):
        if not form.match(text):
            continue
        stops = r"[。:：]" if i == 0 else r"[。:：；;]"
        rest = text[form.match(text).end():] if i == 2 else text
        head = re.split(stops, rest, maxsplit=1)[0]
        if i == 2:
            head = text[: form.match(text).end()] + head
        if i == 0:
            if len(head) > 30:
                num = _L2.match(text)
                named = SUBTOPIC_HEAD.match(text[num.start(2):]) if num else None
                if named:
                    return text[: num.start(2) + named.end()]
            return head if len(head) <= 60 else head[:60]
        return head if len(head) <= 30 else ""
    return ""


def is_title(norm: str) -> bool:
    return "年度报告" in norm and len(norm) <= 60 and not _TERMINAL.search(norm)


_DOC_TITLE_END = re.compile(
    r"(?:报告|通知|通报|意见|方案|要点|安排|总结|指南|办法|规定|细则|决定|批复|纪要|公告|计划|讲话|解读|分工表|任务表)$"
)


def is_title_like(norm: str) -> bool:
    """A line that reads as a document's title (…年度报告, 关于……的通知, ……工作方案): never re-joined with
    the paragraph after it."""
    return is_title(norm) or (len(norm) <= 70 and bool(_DOC_TITLE_END.search(norm)) and not re.search(r"[，,。；;：:]", norm))


def _piece_is_paragraph(norm: str) -> bool:
    """A piece split off a longer line ("（三）政府信息管理：落实三级审核。") that carries text after its
    heading is a paragraph opening with its heading, not a heading line."""
    return bool(_L2.match(norm)) and (norm.endswith("。") or bool(re.search(r"[:：]\S", norm)))


def build_blocks(segments: list[str], raws: list[str], pieces: list[bool] | None = None) -> list[RawBlock]:
    """Group segments into (kind, first_idx, last_idx, heading_level, heading_body), 0-based indices.

    ``segments`` are the normalised texts, ``raws`` the raw line of each segment that is a whole line
    ('' for a piece of a line), ``pieces`` whether each segment is a piece of a longer line."""
    norm, lines = segments, raws
    pieces = pieces or [False] * len(norm)
    n = len(norm)
    out: list[RawBlock] = []
    i = 0
    while i < n:
        s = norm[i]
        if not s.strip():
            i += 1
            continue
        if is_table_line(s, lines[i]):
            j = i
            k = i + 1
            while k < n:
                if not norm[k].strip():
                    k += 1
                    continue
                if is_table_line(norm[k], lines[k]):
                    j = k
                    k += 1
                    continue
                break
            out.append((BlockKind.TABLE, i, j, 0, ""))
            i = j + 1
            continue
        level, body = heading_level(s)
        if level and not (pieces[i] and level >= 2 and _piece_is_paragraph(s)):
            out.append((BlockKind.HEADING, i, i, level, body))
            i += 1
            continue
        # a paragraph, re-joining lines broken in mid-sentence (PDF copy-paste: "工\n\n业强市")
        j = i
        while True:
            cur = norm[j]
            if _TERMINAL.search(cur) or len(cur) < 20 or is_title_like(cur):
                break
            k = j + 1
            while k < n and not norm[k].strip():
                k += 1
            if k >= n:
                break
            nxt = norm[k]
            if is_table_line(nxt, lines[k]) or heading_level(nxt)[0] or _L2.match(nxt) or is_title_like(nxt):
                break
            j = k
        out.append((BlockKind.PARAGRAPH, i, j, 0, ""))
        i = j + 1
    return out


def join_lines(parts: list[str]) -> str:
    """Broken lines of one paragraph joined (a space only between two Latin letters or digits)."""
    text = ""
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if text and re.match(r"[A-Za-z0-9]", text[-1]) and re.match(r"[A-Za-z0-9]", p[0]):
            text += " "
        text += p
    return text


