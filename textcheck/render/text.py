"""Plain-language text for drafters: findings grouped by section, with places and fixes.

Produces rich markup; the CLI prints it with colour on a TTY and plain otherwise. Lines are wrapped
to ``width`` display columns (``textcheck.render.wrap``: CJK width aware, hanging indents, never
inside a number or a Latin word); report text is shown through ``wrap.visible`` (no control
character reaches the terminal).
"""

from __future__ import annotations

import re

from textcheck.finding import SHOW_CONFIDENCE_BELOW, Finding, Severity, count_by_severity
from textcheck.parse import SECTIONS
from textcheck.render.locations import location_label, places_label
from textcheck.render.wrap import cell_width, clip, ljust, measuring, screen, terminal_width, wrap

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_ORDER = [title for _k, title in SECTIONS]

# indents: a finding's first line, its continuation and detail lines, a detail's continuation
_HEAD, _DETAIL = 2, 6
_LABEL = 6  # display width of a detail label (原文：)


def _section_rank(name: str | None) -> int:
    if name is None:
        return -1
    return _ORDER.index(name) if name in _ORDER else len(_ORDER)


def where(f) -> str:
    """Where a finding (or a related place) is, in the unit of its format (``第 N 段`` for docx,
    ``第 P 页`` for pdf, ``第 L 行`` else: ``render.locations``)."""
    return location_label(f)


def totals(findings) -> str:
    """``错误 a，警告 b，提示 c``."""
    c = count_by_severity(findings)
    return f"错误 {c['error']}，警告 {c['warning']}，提示 {c['info']}"


def _excerpt(text: str, width: int, used: int = 0) -> str:
    """A report excerpt that fits the rest of a detail line (``used`` columns taken after the label)."""
    return clip(" ".join(text.split()), max(10, width - _DETAIL - _LABEL - used))


# a place named in a message (第 13、31、37、55 行, 第 9–31 段, 第 2 个表格第 3 行): kept on one line
_PLACE = re.compile(r"第 ?\d+(?:[–、]\d+)* ?(?:个表格(?:第 ?\d+(?:–\d+)? ?行)?|[行段页])")


def _with_places(text: str, style: str | None = None) -> list:
    """``text`` as pieces, the places it names kept whole (a line never breaks inside 第 13 行)."""
    pieces, pos = [], 0
    for m in _PLACE.finditer(text):
        if m.start() > pos:
            pieces.append((text[pos:m.start()], style))
        pieces.append((m.group(), style, True))
        pos = m.end()
    if pos < len(text):
        pieces.append((text[pos:], style))
    return pieces


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def _finding_lines(f: Finding, width: int, prev: Finding | None = None) -> list[str]:
    """A finding: the place, severity, message and rule; the report's text (原文) with the places it
    is compared with (对照), then the suggestion (建议), each wrapped with a hanging indent.

    Kept short so that a report's findings fit on a screen: a related place whose text is the
    finding's own (a duplicate) goes on the 原文 line without a second excerpt; several related places
    (every other place of a name) are one 对照 line of places; the 原文 of a finding at the same place
    with the same text as the one before it is not repeated."""
    head = [(where(f), None, True), ("  ", None), (f.severity.label, _STYLE[f.severity], True), ("  ", None),
            *_with_places(f.message + f.confidence_note), ("  ", None), (f.rule, "dim", True)]
    out = wrap(head, width, indent=_HEAD, hang=_DETAIL)

    def place_of(r) -> str:
        return (f"{r.path} " if r.path and r.path != f.path else "") + where(r)

    same = [r for r in f.related if f.text and r.text and _same_text(r.text, f.text)]
    others = [r for r in f.related if r not in same]
    repeated = (prev is not None and f.text and (prev.line, prev.end_line) == (f.line, f.end_line)
                and _same_text(prev.text, f.text) and not same)
    if f.text and not repeated:
        tail = [("  ", None), ("对照：", None), ("、".join(place_of(r) for r in same) + "（文字相同）", None, True)] if same else []
        room = sum(cell_width(t[0]) for t in tail)
        out += wrap([("原文：", None), (_excerpt(f.text, width, room), None), *tail], width,
                    indent=_DETAIL, hang=_DETAIL + _LABEL)
    if len(others) > 1 and all(not r.path or r.path == f.path for r in others):
        out += wrap([("对照：", None), (places_label(others), None)], width, indent=_DETAIL, hang=_DETAIL + _LABEL)
        others = []
    for r in others:
        place = place_of(r)
        pieces = [("对照：", None), (place, None, True)]
        if r.text:
            pieces.append(("：" + _excerpt(r.text, width, cell_width(place) + 2), None))
        out += wrap(pieces, width, indent=_DETAIL, hang=_DETAIL + _LABEL)
    out += wrap([("建议：", None), *_with_places(f.suggestion)], width, indent=_DETAIL, hang=_DETAIL + _LABEL)
    return out


def findings_by_section(findings: list[Finding], *, gap: bool, width: int | None = None,
                        total: bool = True) -> list[str]:
    """Findings grouped under their section's name (【总体情况】), in report order, then (``total``)
    the totals line; ``gap``: a blank line before the first group."""
    width = width or terminal_width()
    lines: list[str] = [""] if gap else []
    groups: dict[str | None, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.section, []).append(f)
    for name in sorted(groups, key=_section_rank):
        lines += wrap([(f"【{name or '全文'}】", "bold")], width, indent=1, hang=2)
        prev = None
        for f in sorted(groups[name], key=lambda f: (f.line or 0, -f.severity.rank, f.rule)):
            lines.extend(_finding_lines(f, width, prev))
            prev = f
    if total:
        lines.append("")
        lines.append(f"  共 {len(findings)} 条：{totals(findings)}")
    return lines


def _places(doc, evidence) -> str:
    """``第 17、19 行`` (or 段 / 页) for the places where a subtopic was found, in report order."""
    spans = sorted({(e["line"], e["end_line"]) for e in evidence})
    return places_label([{"line": a, "end_line": b, **doc.locate(a, b)} for a, b in spans])


def _subtopic_lines(subtopics, doc, width: int) -> list[str]:
    """``总体情况五个方面：✓ 主动公开（第 17、19 行）  ✗ 监督保障（只有“培训”：第 27、51 行）…``, wrapped
    between items: where each subtopic was found; the words found for one judged not covered."""
    pieces: list = [("总体情况五个方面：", None)]
    for i, s in enumerate(subtopics):
        if i:
            pieces.append(("  ", None))
        pieces.append(("✓" if s.covered else "✗", "green" if s.covered else "red", True))
        if not s.evidence:
            detail = "（未找到相关小标题或用词）"
        elif s.covered:
            detail = f"（{_places(doc, s.evidence[:1])}）"  # the strongest evidence
        else:
            terms = "、".join(dict.fromkeys(t for e in s.evidence[:2] for t in e["terms"][:4]))
            detail = f"（只有“{terms}”：{_places(doc, s.evidence[:2])}）"
        pieces.append((" " + s.name + detail, None if s.covered else "dim", True))
    return wrap(pieces, width, indent=2, hang=4)


def render_result(result, width: int | None = None, fix_hint: bool = True) -> str:
    """One report's text; ``width`` None: for standard output (``wrap.screen``)."""
    width, ambiguous = screen() if width is None else (width, 1)
    with measuring(ambiguous):
        return _render_result(result, width, fix_hint)


def _render_result(result, width: int, fix_hint: bool = True) -> str:
    doc = result.document
    ident = doc.identity
    head = [(doc.path, "bold", True)]
    if result.findings:
        head += [("  ", None), (f"共 {len(result.findings)} 条问题：{totals(result.findings)}", None, True)]
    lines = wrap(head, width, hang=2)
    meta = []
    if result.issuer and result.issuer.get("path"):
        conf = result.issuer.get("confidence")
        meta.append(f"发布机关：{ident.issuer or result.issuer.get('name', '')}（{result.issuer['path']}"
                    + (f"，把握 {conf:.0%}" if isinstance(conf, (int, float)) and conf < SHOW_CONFIDENCE_BELOW else "") + "）")
    elif ident.issuer:
        meta.append(f"发布机关：{ident.issuer}")
    if ident.year:
        meta.append(f"报告年度：{ident.year}")
    if doc.source.encoding and doc.source.encoding not in ("utf-8", "ascii"):
        meta.append(f"编码：{doc.source.encoding}")
    if meta:
        lines += wrap("；".join(meta), width, indent=2, hang=4)
    if result.is_report and result.subtopics:
        lines += _subtopic_lines(result.subtopics, doc, width)
    if not result.findings:
        lines.append("  [green]未发现问题。[/]")
        return "\n".join(lines)
    lines.extend(findings_by_section(result.findings, gap=False, width=width, total=False))
    if fix_hint:
        lines += _fix_hint(result, width)
    return "\n".join(lines)


# formats ``textcheck fix`` writes a corrected copy of (cli/fix.py)
_FIXABLE_FORMATS = ("txt", "docx")


def _fix_hint(result, width: int) -> list[str]:
    """``其中 3 条可以自动修改：textcheck fix 报告.docx -o 修改稿.docx`` when findings carry a safe fix
    and ``fix`` can write the format; nothing otherwise."""
    doc = result.document
    fixable = sum(1 for f in result.findings if f.fix is not None and f.fix.safe)
    if not fixable or doc.source.format not in _FIXABLE_FORMATS or doc.path in ("-", "<stdin>"):
        return []
    from pathlib import PurePath

    path = PurePath(doc.path)
    out = f"{path.stem}_修改稿{path.suffix}"  # in the current folder, next to nothing it could replace
    return wrap([(f"其中 {fixable} 条可以自动修改（先显示改动，原文件不变）：", None),
                 (f"textcheck fix {_shell_word(str(path))} -o {_shell_word(out)}", "bold", True)],
                width, indent=2, hang=4)


def _shell_word(word: str) -> str:
    """``word`` as typed in a shell: quoted (``shlex.quote``) only when it holds characters a shell
    treats specially, so a Chinese file name stays readable."""
    import re
    import shlex

    return shlex.quote(word) if not word or re.search(r"[\s'\"$`\\!*?&;|<>(){}\[\]#~]", word) else word


def grand_total(results, unreadable: int = 0) -> str:
    """``共检查 N 份报告：错误 a，警告 b，提示 c`` (and the files that could not be read)."""
    findings = [f for r in results for f in r.findings]
    tail = f"；另有 {unreadable} 份无法读取" if unreadable else ""
    return f"共检查 {len(results)} 份报告：{totals(findings)}{tail}"


def render(results: list, width: int | None = None, unreadable: int = 0, fix_hint: bool = True) -> str:
    """All results, one after the other; a total line when there are several files; ``fix_hint``: say
    how to apply the safe fixes (the demo says it once, in its own words)."""
    width, ambiguous = screen() if width is None else (width, 1)
    with measuring(ambiguous):
        text = "\n\n".join(_render_result(r, width, fix_hint) for r in results) + "\n"
        if len(results) + unreadable > 1:
            text += "\n" + "\n".join(wrap([(grand_total(results, unreadable), "bold")], width)) + "\n"
    return text

