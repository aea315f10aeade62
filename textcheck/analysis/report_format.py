"""Which official format a report was written to, and so which parts it must have.

- ``2008``: reports for 2008-2018, under the 2008 《条例》 (its 第三十二条 listed the contents; reports began
  with 概述 and often ended with a 政府信息公开情况统计表). The parts checked: 主动公开, 依申请公开, 复议诉讼,
  存在的主要问题及改进情况. The five subtopics of 总体情况 were not prescribed.
- ``2019``: reports for 2019 and 2020 (国办公开办函〔2019〕60号, 试行): the six parts.
- ``2021``: reports for 2021 on (国办公开办函〔2021〕30号): the six parts; 总体情况 covers 主动公开、依申请公开、
  政府信息管理、政府信息公开平台建设、监督保障.
The year is the one the report states (``Identity.year``); without one, a 收费及减免 or 统计表 part marks the
2008 format, else the current one is assumed.
"""

from __future__ import annotations

from textcheck.document import Document
from textcheck.parse import SECTIONS

ALL_SIX = tuple(k for k, _ in SECTIONS)
REQUIRED = {
    "2008": ("active", "requests", "review", "problems"),
    "2019": ALL_SIX,
    "2021": ALL_SIX,
}


def report_format(doc: Document) -> str:
    year = doc.identity.year
    if year is not None:
        return "2008" if year <= 2018 else ("2019" if year <= 2020 else "2021")
    if any(h.key in ("fees", "stats") and h.role == "part" for h in doc.outline):
        return "2008"
    return "2021"


def required_sections(doc: Document) -> tuple[str, ...]:
    return REQUIRED[report_format(doc)]
