"""The six sections of the official format: their keys and titles, which heading names which
section (``section_key``), and where each section begins and ends in a document."""

from __future__ import annotations

import re

from textcheck.document import BlockKind, Section

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



def find_sections(raw_blocks, texts: list[str], n_lines: int) -> tuple[list[Section], list[tuple[str, int, str]]]:
    """(sections in document order, every section heading seen as (key, line, text), duplicates included):
    the level-1 headings that name one of the six; a section runs until the next such heading."""
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
        end = (later[0] - 1) if later else n_lines
        sections.append(Section(key=key, title=SECTION_TITLE[key], heading=t, line=line, end_line=end, index=SECTION_INDEX[key]))
    sections.sort(key=lambda s: s.line)
    return sections, headings


def section_at(headings: list[tuple[str, int, str]], line: int) -> str | None:
    """Key of the section ``line`` belongs to: the last section heading at or before it."""
    cur = None
    for key, start, _ in headings:
        if start <= line:
            cur = key
    return cur
