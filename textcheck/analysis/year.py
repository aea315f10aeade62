"""The report year: what the report's statements of it agree on (title, preamble, the opening
``YYYY年，`` of 总体情况, the data period — ``doc.identity.year_candidates``); on a tie the most
authoritative statement decides (title, preamble, opening, period)."""

from __future__ import annotations

from collections import Counter

from textcheck.document import Identity

LABEL = {"title": "标题", "preamble": "开头段落", "opening": "总体情况开头", "period": "统计期限"}
PREFER = ("title", "preamble", "opening", "period")


def report_year(idt: Identity) -> tuple[int, list[str], list[tuple[str, int, tuple[int, ...]]], list[int]] | None:
    """(year, the statements agreeing with it, the others as (source, year, lines), their lines):
    the year most statements give; on a tie, the most authoritative (title, preamble, opening, period)."""
    st: dict[str, tuple[int, tuple[int, ...]]] = {}
    for y, source, line in idt.year_candidates:
        if source not in st:
            st[source] = (y, tuple(idt.title_lines) if source == "title" and idt.title_lines else (line,))
    if not st:
        return None
    ranked = Counter(y for y, _ in st.values()).most_common()
    year = ranked[0][0] if len(ranked) == 1 or ranked[0][1] > ranked[1][1] else next(st[s][0] for s in PREFER if s in st)
    agree = [s for s in PREFER if s in st and st[s][0] == year]
    wrong = [(s, st[s][0], st[s][1]) for s in PREFER if s in st and st[s][0] != year]
    return year, agree, wrong, sorted({x for s in agree for x in st[s][1]})
