"""``-f concise``: one line per finding, ``路径:行: 级别 规则 说明``, for editors and grep.

The shape of ruff's and flake8's concise output (``path:line: ...``), so an editor's error list or a
``grep`` picks each finding up; a finding about the whole report (no line) is given line 1. The line
is the one of the extracted text (JSON's ``line``); for a Word document or a PDF the message starts
with the paragraph or page (``第 5 段：…``), the place a drafter finds in the file. Nothing
is wrapped; control characters in a message or a file name are shown as ``\\x1b`` (``wrap.visible``),
so one finding stays one line. The last line totals the findings (``共检查 N 份报告：…``), which no
``路径:行:`` pattern matches.
"""

from __future__ import annotations

from textcheck.finding import Finding
from textcheck.render.locations import location_label
from textcheck.render.wrap import visible


def finding_line(f: Finding, path: str) -> str:
    """``路径:行: 级别 规则 说明`` of one finding (``path`` when the finding names no file)."""
    where = f.path or path
    # the line is the extracted text's (as in JSON); a Word paragraph or a PDF page is named too
    label = location_label(f, whole="")
    place = f"{label}：" if label and not label.endswith("行") else ""
    return f"{visible(where)}:{f.line or 1}: {f.severity.label} {f.rule} {place}{visible(f.message)}{f.confidence_note}"


def lines_of(findings, path: str) -> list[str]:
    return [finding_line(f, path) for f in sorted(findings, key=lambda f: f.sort_key)]


def render(results: list, unreadable: int = 0) -> str:
    """The findings of every checked report, then the total line."""
    from textcheck.render.text import grand_total

    out: list[str] = []
    for r in results:
        out += lines_of(r.findings, r.document.path)
    out.append(grand_total(results, unreadable))
    return "\n".join(out) + "\n"


def render_compare(result) -> str:
    """``textcheck compare -f concise``: the comparison's findings, placed in the new report."""
    from textcheck.render.text import totals

    out = lines_of(result.findings, result.new.path)
    out.append(f"共 {len(result.findings)} 条：{totals(result.findings)}")
    return "\n".join(out) + "\n"
