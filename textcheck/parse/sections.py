"""The parts of a report: which heading names which part (``section_key``), which headings start a part
and which are only numbered like one, and where each part begins and ends (``find_sections``).

The six sections of the 2019 and 2021 formats are ``SECTIONS``; reports under the 2008 《条例》 (for
2008-2018) also have ``fees`` (收费及减免情况) and ``stats`` (统计表), which are parts too (they end the part
before them, their numerals count) but not one of the six. Heading names: ``corpora/sections.toml``.

Numbering continuity decides what a top-level heading is. A drafter who numbers the items of 总体情况 like
parts (``一、总体情况`` / ``二、加强组织领导`` / ``三、主动公开工作情况`` … then ``二、主动公开政府信息情况``) has
written items of 总体情况, not section 二: every top-level heading after 总体情况 and before the first heading
that can only be a part is an item of 总体情况 (``overview-item``) when it names no part, or names
主动公开 / 依申请公开 while the same part is named again later. Without any 总体情况 heading, sub-headings
``（一）主动公开…`` before the first part imply it.
"""

from __future__ import annotations

import functools
import re

from textcheck.document import BlockKind, PartHeading, Section
from textcheck.resources import corpus_toml

SECTIONS: tuple[tuple[str, str], ...] = (
    ("overview", "总体情况"),
    ("active", "主动公开政府信息情况"),
    ("requests", "收到和处理政府信息公开申请情况"),
    ("review", "政府信息公开行政复议、行政诉讼情况"),
    ("problems", "存在的主要问题及改进情况"),
    ("other", "其他需要报告的事项"),
)
# parts of the format of the 2008 《条例》 that are not one of the six
EXTRA_PARTS: tuple[tuple[str, str], ...] = (
    ("fees", "政府信息公开的收费及减免情况"),
    ("stats", "政府信息公开情况统计表"),
)
SECTION_TITLE = dict(SECTIONS + EXTRA_PARTS)
SECTION_INDEX = {k: i + 1 for i, (k, _) in enumerate(SECTIONS)}
# where the extra parts stand among the six (the 2008 format: 主动 依申请 收费 复议诉讼 问题 其他 / 统计表)
PART_ORDER = {"overview": 1.0, "active": 2.0, "requests": 3.0, "fees": 3.5, "review": 4.0, "problems": 5.0, "other": 6.0, "stats": 6.5}

MAX_HEADING_CHARS = 40
_CN_NUM = "一二三四五六七八九十"

_SECTION_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("overview", re.compile(r"^(?:政府信息公开|政务公开)?(?:工作)?(?:年度报告)?(?:总体情况|总体概况|基本情况|工作概况|概况|概述|总体概述|基本概述)$")),
    ("active", re.compile(r"^主动公开(?:政府)?信息(?:的)?(?:工作)?(?:情况|数据)?$|^主动公开.{0,8}情况$|^(?:行政机关)?主动公开政府信息的情况$")),
    ("requests", re.compile(r"^(?:行政机关)?(?:收到|受理)(?:和|及|与|、)?(?:处理|办理)?.{0,10}申请.{0,4}情况$|^(?:政府信息)?依申请公开.{0,10}情况$")),
    ("fees", re.compile(r"^(?:政府信息公开)?(?:的)?收费(?:及|和)减免(?:的)?情况$")),
    ("review", re.compile(r"^(?:因)?(?:(?:政府)?信息公开)?.{0,10}(?:行政复议|行政诉讼).{0,12}情况$")),
    ("problems", re.compile(r"^.{0,16}问题.{0,4}(?:及|和|与|、)?.{0,4}(?:改进|整改|下一步).{0,6}(?:情况|措施|方向|计划|举措|打算)?$")),
    ("other", re.compile(r"^其他.{0,6}(?:报告|说明).{0,2}事项$|^其他事项$")),
    ("stats", re.compile(r"^政府信息公开.{0,6}统计表?$")),
)
# the parts no subtopic of 总体情况 is named like: a heading naming one of them is always a part
_FIRM = frozenset({"review", "problems", "other", "fees", "stats"})
_SUBTOPIC_WORDS = re.compile(r"主动公开|依申请公开|申请公开|政府信息管理|平台建设|公开平台|监督保障")


@functools.lru_cache(maxsize=1)
def _names() -> tuple[dict[str, str], frozenset[str], frozenset[str]]:
    """(heading name -> part key, strong names, table row labels) from ``corpora/sections.toml``."""
    data = corpus_toml("sections.toml")
    by_name: dict[str, str] = {}
    strong: set[str] = set()
    for key, v in data.items():
        if key == "table_labels":
            continue
        for name in v["names"]:
            by_name.setdefault(name, key)
        strong.update(v["names"] if v.get("strong") else v.get("strong_names", ()))
    return by_name, frozenset(strong), frozenset(data["table_labels"]["names"])


def _clean(body: str) -> str:
    return re.sub(r"\s+", "", body).rstrip("。.:：;；")


def section_key(heading_body: str) -> str | None:
    """Which part a heading names (body without its numeral): one of the six keys, ``fees``/``stats``
    (2008 format), or None."""
    t = _clean(heading_body)
    if not t or len(t) > MAX_HEADING_CHARS:
        return None
    by_name, _strong, labels = _names()
    if t in labels:
        return None
    if t in by_name:
        return by_name[t]
    for key, pat in _SECTION_PATTERNS:
        if pat.search(t):
            return key
    return None


def strong_part_name(heading_body: str) -> bool:
    """A name only a part uses (not also a subtopic of 总体情况, like 主动公开情况)."""
    t = _clean(heading_body)
    _by, strong, _labels = _names()
    if t in strong:
        return True
    key = section_key(t)
    return key in _FIRM or key == "overview"


def is_table_label(heading_body: str) -> bool:
    """A row label of table 三 numbered like a part (一、本年新收政府信息公开申请数量, its cells may follow)."""
    t = _clean(heading_body)
    return any(t.startswith(label) for label in _names()[2])


_NUMERAL = re.compile(rf"^\s*(?:第([{_CN_NUM}]{{1,3}})部分|([{_CN_NUM}]{{1,3}})|(\d{{1,2}}))")


def numeral_of(text: str) -> int | None:
    """3 for 三、… / 第三部分 / 3、…; None for an un-numbered heading."""
    m = _NUMERAL.match(text)
    if not m:
        return None
    if m.group(3):
        return int(m.group(3))
    cn = m.group(1) or m.group(2)
    if cn == "十":
        return 10
    if cn.startswith("十"):
        return 10 + _CN_NUM.index(cn[1]) + 1
    if cn.endswith("十"):
        return (_CN_NUM.index(cn[0]) + 1) * 10
    if "十" in cn:
        a, b = cn.split("十")
        return (_CN_NUM.index(a) + 1) * 10 + _CN_NUM.index(b) + 1
    return _CN_NUM.index(cn) + 1 if len(cn) == 1 else None


def find_sections(raw_blocks, texts: list[str], block_lines: list[tuple[int, int]], n_lines: int):
    """Parts of the document.

    ``raw_blocks`` (kind, a, b, level, body) and their ``texts``; ``block_lines`` the (first, last)
    1-based input line of each block. Returns (sections, section_headings, outline, part_of_block,
    overview_items): the six sections in document order; every heading that starts one of the six
    (key, line, text), duplicates included; the top-level headings (``PartHeading``); for each block the
    part key it belongs to (or None); the indices of blocks that are overview items numbered like parts.
    """
    heads: list[tuple[int, str | None, str, int | None]] = []  # (block index, key, text, numeral)
    for i, ((kind, _a, _b, lvl, body), t) in enumerate(zip(raw_blocks, texts)):
        if kind is BlockKind.HEADING and lvl == 1 and not is_table_label(body):
            heads.append((i, section_key(body), t, numeral_of(t)))

    role = {i: ("part" if key else "other") for i, key, _t, _n in heads}
    overview_items: set[int] = set()
    ov = next((p for p, h in enumerate(heads) if h[1] == "overview"), None)
    if ov is not None:
        firm = None
        for p in range(ov + 1, len(heads)):
            key = heads[p][1]
            if key in _FIRM:
                firm = p
                break
            if key in ("active", "requests") and not any(h[1] == key for h in heads[p + 1 :]):
                firm = p
                break
        end = firm if firm is not None else len(heads)
        for p in range(ov + 1, end):
            i, key, _t, _n = heads[p]
            if key in (None, "active", "requests"):
                role[i] = "overview-item"
                overview_items.add(i)

    part_heads = [(i, key, t, n) for i, key, t, n in heads if role[i] == "part"]
    implied_at = None
    if ov is None:
        first_part = part_heads[0][0] if part_heads else len(raw_blocks)
        for i in range(first_part):
            kind, _a, _b, lvl, body = raw_blocks[i]
            t = texts[i]
            is_sub = (kind is BlockKind.HEADING and lvl == 2) or (kind is BlockKind.PARAGRAPH and re.match(rf"^[(（][{_CN_NUM}][)）]", t))
            if is_sub and _SUBTOPIC_WORDS.search(re.split(r"[。：:]", t, maxsplit=1)[0]):
                implied_at = i
                break

    # which part each block belongs to (by position: one input line may hold several parts)
    starts = [(i, key) for i, key, _t, _n in part_heads]
    if implied_at is not None:
        starts = sorted(starts + [(implied_at, "overview")])
    part_of_block: list[str | None] = []
    cur = None
    sp = 0
    for i in range(len(raw_blocks)):
        while sp < len(starts) and starts[sp][0] <= i:
            cur = starts[sp][1]
            sp += 1
        part_of_block.append(cur)

    headings = [(key, block_lines[i][0], t) for i, key, t, _n in part_heads if key in SECTION_INDEX]
    sections: list[Section] = []
    seen: set[str] = set()
    for pos, (i, key) in enumerate(starts):
        if key not in SECTION_INDEX or key in seen:
            continue
        seen.add(key)
        nxt = next((j for j, k in starts[pos + 1 :] if k != key), None)
        end = (block_lines[nxt][0] - 1 if block_lines[nxt][0] > block_lines[i][0] else block_lines[nxt][0]) if nxt is not None else n_lines
        implied = i == implied_at
        sections.append(
            Section(
                key=key,
                title=SECTION_TITLE[key],
                heading=texts[i] if not implied else "",
                line=block_lines[i][0],
                end_line=max(end, block_lines[i][0]),
                index=SECTION_INDEX[key],
                implied=implied,
            )
        )
    outline = tuple(
        PartHeading(line=block_lines[i][0], text=t, numeral=n, key=key, role=role[i], block=i) for i, key, t, n in heads
    )
    return sections, headings, outline, part_of_block, overview_items
