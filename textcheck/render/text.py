"""Plain-language text for drafters: findings grouped by section, with line numbers and fixes.

Produces rich markup; the CLI prints it with colour on a TTY and plain otherwise.
"""

from __future__ import annotations

from rich.markup import escape

from textcheck.finding import Finding, Severity
from textcheck.parse import SECTIONS
from textcheck.render.locations import line_label, location_label

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_ORDER = [title for _k, title in SECTIONS]


def _section_rank(name: str | None) -> int:
    if name is None:
        return -1
    return _ORDER.index(name) if name in _ORDER else len(_ORDER)


def _finding_lines(f: Finding) -> list[str]:
    where = location_label(f)
    sev = f"[{_STYLE[f.severity]}]{f.severity.label}[/]"
    conf = f"（把握 {f.confidence:.0%}）" if f.confidence < 0.8 else ""
    out = [f"  {where}  {sev}  {escape(f.message)}{conf}  [dim]{f.rule}[/]"]
    if f.text:
        out.append(f"      原文：{escape(f.text)}")
    for r in f.related:
        place = f"{r.path} " if r.path and r.path != f.path else ""
        span = location_label(r)
        out.append(f"      对照：{escape(place)}{span}" + (f"：{escape(r.text)}" if r.text else ""))
    out.append(f"      建议：{escape(f.suggestion)}")
    return out


def findings_by_section(findings: list[Finding], *, gap: bool) -> list[str]:
    """Findings grouped under their section's name, in report order, then the totals line."""
    lines: list[str] = []
    groups: dict[str | None, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.section, []).append(f)
    for name in sorted(groups, key=_section_rank):
        if gap:
            lines.append("")
        lines.append(f" [bold]{escape(name) if name else '全文'}[/]")
        for f in sorted(groups[name], key=lambda f: (f.line or 0, -f.severity.rank, f.rule)):
            lines.extend(_finding_lines(f))
    counts = [sum(1 for f in findings if f.severity is s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)]
    lines.append("")
    lines.append(f"  共 {len(findings)} 条：错误 {counts[0]}，警告 {counts[1]}，提示 {counts[2]}")
    return lines


def _subtopic_evidence(status, doc) -> str:
    if not status.evidence:
        return "[dim]未找到相关小标题或用词[/]"
    parts = []
    for e in status.evidence[:2]:
        where = line_label(doc, e["line"], e["end_line"])
        terms = "、".join(e["terms"][:4])
        parts.append(f"{where}（{escape(terms)}）")
    return "[dim]" + "；".join(parts) + "[/]"


def render_result(result) -> str:
    doc = result.document
    ident = doc.identity
    lines = [f"[bold]{escape(doc.path)}[/]"]
    meta = []
    if result.issuer and result.issuer.get("path"):
        conf = result.issuer.get("confidence")
        meta.append(f"发布机关：{escape(ident.issuer or result.issuer.get('name', ''))}（{escape(result.issuer['path'])}"
                    + (f"，把握 {conf:.0%}" if isinstance(conf, (int, float)) and conf < 0.8 else "") + "）")
    elif ident.issuer:
        meta.append(f"发布机关：{escape(ident.issuer)}")
    if ident.year:
        meta.append(f"报告年度：{ident.year}")
    if doc.source.encoding and doc.source.encoding not in ("utf-8", "ascii"):
        meta.append(f"编码：{doc.source.encoding}")
    if meta:
        lines.append("  " + "；".join(meta))
    if result.is_report and result.subtopics:
        lines.append("  总体情况五个方面：")
        width = max(len(s.name) for s in result.subtopics)
        for s in result.subtopics:
            lines.append(f"    {'[green]✓[/]' if s.covered else '[red]✗[/]'} {s.name}{'　' * (width - len(s.name))}  "
                         + _subtopic_evidence(s, doc))
    if not result.findings:
        lines.append("  [green]未发现问题。[/]")
        return "\n".join(lines)
    lines.extend(findings_by_section(result.findings, gap=True))
    return "\n".join(lines)


def render(results: list) -> str:
    return "\n\n".join(render_result(r) for r in results) + "\n"
