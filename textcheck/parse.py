"""Parse decoded text into a ``Document``: normalised lines, blocks, the six sections, identity.

Normalisation is per line, so line numbers always refer to the input. Steps:
NFKC (full-width ASCII -> half-width, ideographic/no-break spaces -> space), zero-width characters
removed, Markdown emphasis (``**bold**``) and heading marks removed, spaces next to CJK characters
removed (PDF artefacts such as ``2021 年``). Tabs are kept: they separate table cells.
"""

from __future__ import annotations

import re

from textcheck.document import Block, BlockKind, Document, Identity, Section, Source
from textcheck.text import normalize_line

# ---------------------------------------------------------------------------------------------
# canonical sections

SECTIONS: tuple[tuple[str, str], ...] = (
    ("overview", "总体情况"),
    ("active", "主动公开政府信息情况"),
    ("requests", "收到和处理政府信息公开申请情况"),
    ("review", "政府信息公开行政复议、行政诉讼情况"),
    ("problems", "存在的主要问题及改进情况"),
    ("other", "其他需要报告的事项"),
)
SECTION_TITLE = dict(SECTIONS)
SECTION_INDEX = {k: i + 1 for i, (k, _) in enumerate(SECTIONS)}

_CN_NUM = "一二三四五六七八九十"
_L1 = re.compile(rf"^(?:第([{_CN_NUM}]{{1,3}})部分|([{_CN_NUM}]{{1,3}}))\s*[、.,．:：]?\s*(.+)$")
_L1_STRICT = re.compile(rf"^([{_CN_NUM}]{{1,3}})\s*[、.．]\s*(.+)$")
_L2 = re.compile(rf"^[(（]\s*([{_CN_NUM}]{{1,3}})\s*[)）]\s*(.*)$")
_L3 = re.compile(r"^(\d{1,2})\s*[.、．]\s*(\D.*)$")
_TERMINAL = re.compile(r"[。！？!?；;：:…][\"”’」』)）]*$")
_NUMBERISH = re.compile(r"^[\d.,%％\s\-—/|]+$")

MAX_HEADING_CHARS = 40


_SECTION_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("overview", re.compile(r"^(?:政府信息公开|政务公开)?(?:工作)?(?:总体情况|总体概况|基本情况|工作概况|概况|概述)$")),
    ("active", re.compile(r"^主动公开(?:政府)?信息(?:的)?(?:工作)?(?:情况|数据)?$|^主动公开.{0,8}情况$")),
    ("requests", re.compile(r"^(?:收到|受理)(?:和|及|与|、)?(?:处理|办理)?.{0,10}申请.{0,4}情况$|^依申请公开.{0,10}情况$")),
    ("review", re.compile(r"^(?:(?:政府)?信息公开)?.{0,6}(?:行政复议|行政诉讼).{0,10}情况$")),
    ("problems", re.compile(r"^.{0,16}问题.{0,4}(?:及|和|与|、)?.{0,4}(?:改进|整改).{0,6}(?:情况|措施|方向|计划|举措)?$")),
    ("other", re.compile(r"^其他.{0,6}(?:报告|说明).{0,2}事项$|^其他事项$")),
)


def section_key(heading_body: str) -> str | None:
    """Which of the six sections a heading names (body without its numeral), or None."""
    t = re.sub(r"\s+", "", heading_body).rstrip("。.:：;；")
    if not t or len(t) > MAX_HEADING_CHARS:
        return None
    for key, pat in _SECTION_PATTERNS:
        if pat.search(t):
            return key
    return None


_TABLE_TITLE = re.compile(r"^第[一二三四五六七八九十]+条第[(（]?[一二三四五六七八九十]+[)）]?项")


def _is_table_line(norm: str, raw: str = "") -> bool:
    if "\t" in norm or ("\t" in raw and norm.strip()):
        return True
    if _TABLE_TITLE.match(norm):
        return True
    if norm.endswith("|") or set(norm) <= {"|", " "}:
        return True
    return bool(_NUMBERISH.match(norm))


def _table_rows(norm_lines: list[str]) -> tuple[tuple[str, ...], ...]:
    rows = []
    for s in norm_lines:
        if not s.strip() or set(s) <= {"|", " "}:
            continue
        if "\t" in s:
            rows.append(tuple(c.strip() for c in s.split("\t")))
        else:
            rows.append((s.rstrip("|").strip(),))
    return tuple(rows)


def _heading_level(norm: str) -> tuple[int, str]:
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
            return 3, body
    if section_key(norm) and len(norm) <= 24 and not _TERMINAL.search(norm.rstrip("。")):
        return 1, norm  # an un-numbered section heading: "总体情况"
    return 0, ""


def _inline_heading(text: str) -> str:
    """'(一)主动公开方面' of '(一)主动公开方面。一是...' (a paragraph that opens with its heading)."""
    m = _L2.match(text)
    if not m:
        return ""
    head = re.split(r"[。:：]", text, maxsplit=1)[0]
    return head if len(head) <= 60 else head[:60]


def _is_title(norm: str) -> bool:
    return "年度报告" in norm and len(norm) <= 60 and not _TERMINAL.search(norm)


def _build_blocks(lines: list[str], norm: list[str]) -> list[tuple[BlockKind, int, int, int, str]]:
    """Group lines into (kind, first_idx, last_idx, heading_level, heading_body), 0-based indices."""
    n = len(norm)
    out: list[tuple[BlockKind, int, int, int, str]] = []
    i = 0
    while i < n:
        s = norm[i]
        if not s.strip():
            i += 1
            continue
        if _is_table_line(s, lines[i]):
            j = i
            k = i + 1
            while k < n:
                if not norm[k].strip():
                    k += 1
                    continue
                if _is_table_line(norm[k], lines[k]):
                    j = k
                    k += 1
                    continue
                break
            out.append((BlockKind.TABLE, i, j, 0, ""))
            i = j + 1
            continue
        level, body = _heading_level(s)
        if level:
            out.append((BlockKind.HEADING, i, i, level, body))
            i += 1
            continue
        # a paragraph, re-joining lines broken in mid-sentence (PDF copy-paste: "工\n\n业强市")
        j = i
        while True:
            cur = norm[j]
            if _TERMINAL.search(cur) or len(cur) < 20 or _is_title(cur):
                break
            k = j + 1
            while k < n and not norm[k].strip():
                k += 1
            if k >= n:
                break
            nxt = norm[k]
            if _is_table_line(nxt, lines[k]) or _heading_level(nxt)[0] or _L2.match(nxt) or _is_title(nxt):
                break
            j = k
        out.append((BlockKind.PARAGRAPH, i, j, 0, ""))
        i = j + 1
    return out


def _join(parts: list[str]) -> str:
    text = ""
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if text and re.match(r"[A-Za-z0-9]", text[-1]) and re.match(r"[A-Za-z0-9]", p[0]):
            text += " "
        text += p
    return text


_ORG_TAIL = re.compile(r"(人民政府|政府|办公室|办公厅|局|委员会|委|办事处|管委会|管理委员会|中心|院|厅|部|署|所|镇|乡|街道|公司|队|站|馆)$")
_TITLE_A = re.compile(r"^(?P<issuer>.+?)(?P<year>(?:19|20)\d{2})\s*年度?\s*(?:度)?(?:的)?(?:政府)?(?:信息公开|政务公开)")
_TITLE_B = re.compile(r"(?P<year>(?:19|20)\d{2})\s*年度?\s*(?P<issuer>[^\s,，。、《》“”]*?)(?:政府)?(?:信息公开|政务公开)\S{0,6}年度?报告")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*日?")
_PERIOD = re.compile(r"((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日\s*(?:至|到|—|-|~)+\s*((?:19|20)\d{2})\s*年\s*12\s*月\s*31\s*日")


def _clean_issuer(s: str) -> str:
    s = s.strip(" ：:,，。、")
    s = re.sub(r"^(关于|现公布|公布)", "", s)
    return s


def _identity(norm: list[str], blocks: list[tuple[BlockKind, int, int, int, str]], texts: list[str]) -> Identity:
    kw: dict = {}
    nonempty = [i for i, s in enumerate(norm) if s.strip()]
    # title: the first short line naming the annual report, within the first lines
    for i in nonempty[:8]:
        s = norm[i]
        if _is_title(s) and "\t" not in s:
            kw.update(title=s, title_line=i + 1)
            m = _TITLE_A.match(s)
            if m and _clean_issuer(m.group("issuer")):
                kw.update(issuer=_clean_issuer(m.group("issuer")), issuer_source="title", issuer_line=i + 1)
                kw.update(year=int(m.group("year")), year_source="title", year_line=i + 1)
            else:
                m = _TITLE_B.search(s)
                if m:
                    kw.update(year=int(m.group("year")), year_source="title", year_line=i + 1)
                    iss = _clean_issuer(m.group("issuer"))
                    if iss and _ORG_TAIL.search(iss):
                        kw.update(issuer=iss, issuer_source="title", issuer_line=i + 1)
                    else:  # issuer on the line above the title ("攀枝花市人民政府办公室" / "2021 年...年度报告")
                        prev = [p for p in nonempty if p < i]
                        if prev and _ORG_TAIL.search(norm[prev[-1]]) and len(norm[prev[-1]]) <= 30:
                            kw.update(issuer=norm[prev[-1]].strip(), issuer_source="title", issuer_line=prev[-1] + 1)
            break
    # opening paragraph: "现公布2020年资阳市人民政府办公室信息公开工作年度报告"
    if "issuer" not in kw or "year" not in kw:
        for (kind, a, b, _, _), text in zip(blocks[:6], texts[:6]):
            if kind is not BlockKind.PARAGRAPH:
                continue
            m = _TITLE_B.search(text)
            if m:
                iss = _clean_issuer(m.group("issuer"))
                if "issuer" not in kw and iss and _ORG_TAIL.search(iss):
                    kw.update(issuer=iss, issuer_source="opening", issuer_line=a + 1)
                if "year" not in kw:
                    kw.update(year=int(m.group("year")), year_source="opening", year_line=a + 1)
                break
    # data period: "统计期限为2020年1月1日至2020年12月31日"
    if "year" not in kw:
        for i in nonempty:
            m = _PERIOD.search(norm[i])
            if m and m.group(1) == m.group(2):
                kw.update(year=int(m.group(1)), year_source="period", year_line=i + 1)
                break
    # signature: a date in the last lines, the issuing body just above it
    tail = nonempty[-4:]
    for pos, i in enumerate(reversed(tail)):
        s = norm[i]
        m = _DATE.fullmatch(s.strip())
        if m:
            y, mo, d = (int(g) for g in m.groups())
            if 1 <= mo <= 12 and 1 <= d <= 31:
                kw.update(signature_date=f"{y:04d}-{mo:02d}-{d:02d}", signature_line=i + 1)
                above = [p for p in tail if p < i]
                if above and "issuer" not in kw:
                    cand = norm[above[-1]].strip()
                    if _ORG_TAIL.search(cand) and len(cand) <= 30 and "\t" not in cand:
                        kw.update(issuer=cand, issuer_source="signature", issuer_line=above[-1] + 1)
            break
    return Identity(**kw)


def parse(source: Source) -> Document:
    """Parse a decoded ``Source`` into a ``Document``."""
    text = source.text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    norm = [normalize_line(x) for x in lines]
    raw_blocks = _build_blocks(lines, norm)

    texts: list[str] = []
    for kind, a, b, _lvl, _body in raw_blocks:
        if kind is BlockKind.TABLE:
            texts.append("\n".join(x for x in norm[a : b + 1] if x.strip()))
        else:
            texts.append(_join(norm[a : b + 1]))

    # sections: level-1 headings that name one of the six
    headings: list[tuple[str, int, str]] = []
    for (kind, a, _b, lvl, body), t in zip(raw_blocks, texts):
        if kind is BlockKind.HEADING and lvl == 1:
            key = section_key(body)
            if key:
                headings.append((key, a + 1, t))
    first: dict[str, tuple[int, str]] = {}
    for key, line, t in headings:
        first.setdefault(key, (line, t))
    ordered_starts = sorted(line for _, line, _ in headings)
    sections = []
    for key, (line, t) in first.items():
        later = [x for x in ordered_starts if x > line and not any(h[1] == x and h[0] == key for h in headings)]
        end = (later[0] - 1) if later else len(lines)
        sections.append(Section(key=key, title=SECTION_TITLE[key], heading=t, line=line, end_line=end, index=SECTION_INDEX[key]))
    sections.sort(key=lambda s: s.line)

    def section_at(line: int) -> str | None:
        cur = None
        for key, start, _ in headings:
            if start <= line:
                cur = key
        return cur

    blocks: list[Block] = []
    sub = ""
    cur_section = None
    for (kind, a, b, lvl, body), t in zip(raw_blocks, texts):
        sec = section_at(a + 1)
        if sec != cur_section:
            cur_section, sub = sec, ""
        inline = _inline_heading(t) if kind is BlockKind.PARAGRAPH else ""
        if kind is BlockKind.HEADING and lvl >= 2:
            sub = t
        elif inline:
            sub = inline
        raw = "\n".join(x for x in lines[a : b + 1] if x.strip())
        blocks.append(
            Block(
                kind=kind,
                text=t,
                raw=raw,
                line=a + 1,
                end_line=b + 1,
                section=sec,
                heading_level=lvl if kind is BlockKind.HEADING else 0,
                inline_heading=inline,
                subheading=sub if kind is not BlockKind.HEADING or lvl >= 2 else "",
                rows=_table_rows(norm[a : b + 1]) if kind is BlockKind.TABLE else (),
            )
        )

    identity = _identity(norm, raw_blocks, texts)
    return Document(
        source=source,
        lines=tuple(lines),
        norm_lines=tuple(norm),
        blocks=tuple(blocks),
        sections=tuple(sections),
        identity=identity,
        section_headings=tuple(headings),
    )


def parse_text(text: str, path: str = "<text>") -> Document:
    return parse(Source(text=text, path=path, format="txt", encoding="utf-8"))
