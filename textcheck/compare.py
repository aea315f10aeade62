"""``textcheck compare OLD NEW``: what this year's report carried over from last year's.

Orchestration: both reports are read and parsed, aligned (``textcheck.analysis.alignment``), the
carried-over paragraphs found with the thresholds of rule carryover-paragraph, the ``compare`` rules
run over the comparison (``textcheck.engine.run_rules``), table cells compared
(``textcheck.analysis.cells``). ``CompareResult.to_dict`` is the JSON of ``compare -f json``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textcheck.analysis.alignment import NO_SECTION_TITLE, Comparison, align, carried_paragraphs, section_ratios
from textcheck.analysis.cells import compare_tables
from textcheck.config import Config
from textcheck.document import Document
from textcheck.engine import rule_options, run_rules
from textcheck.finding import Finding, count_by_severity
from textcheck.parse import SECTION_TITLE


@dataclass
class CompareResult:
    """The comparison, its ratios per section and in total, the table cells compared, the findings."""

    old: Document
    new: Document
    comparison: Comparison
    sections: list[dict[str, Any]]  # per-section ratio rows, in canonical order, then the total
    total: dict[str, Any]
    tables: list[dict[str, Any]]
    findings: list[Finding]
    notices: list[str]
    same_issuer: bool | None

    @property
    def path(self) -> str:
        return self.new.path

    def to_dict(self) -> dict[str, Any]:
        cmp = self.comparison
        pairs = []
        for i in sorted(cmp.pairs):
            p = cmp.pairs[i]
            n, o = cmp.new_paras[p.new], cmp.old_paras[p.old]
            pairs.append({
                "section": SECTION_TITLE.get(n.section, NO_SECTION_TITLE),
                "new": {"line": n.line, "end_line": n.end_line},
                "old": {"line": o.line, "end_line": o.end_line, "section": SECTION_TITLE.get(o.section, NO_SECTION_TITLE)},
                "similarity": p.similarity,
                "similarity_ignoring_numbers": p.masked_similarity,
                "copied_chars": cmp.copies[i].copied_chars if i in cmp.copies else 0,
                "chars": n.chars,
                "moved": p.moved,
            })
        return {
            "schema": "2.0",
            "command": "compare",
            "old": {"path": self.old.path, "identity": self.old.identity.to_dict()},
            "new": {"path": self.new.path, "identity": self.new.identity.to_dict()},
            "same_issuer": self.same_issuer,
            "notices": list(self.notices),
            "carryover": {
                "template_excluded": {"ratio": self.total["ratio"], "copied_chars": self.total["copied"], "chars": self.total["chars"]},
                "template_included": {"ratio": self.total["ratio_incl"], "copied_chars": self.total["copied_incl"], "chars": self.total["chars_incl"]},
                "sections": [
                    {
                        "key": s["key"], "title": s["title"], "present": s["present"],
                        "template_excluded": {"ratio": s["ratio"], "copied_chars": s["copied"], "chars": s["chars"]},
                        "template_included": {"ratio": s["ratio_incl"], "copied_chars": s["copied_incl"], "chars": s["chars_incl"]},
                    }
                    for s in self.sections
                ],
            },
            "alignment": pairs,
            "tables": self.tables,
            "findings": [f.to_dict() for f in self.findings],
            "summary": count_by_severity(self.findings),
        }


def compare_documents(old: Document, new: Document, config: Config | None = None) -> CompareResult:
    config = config or Config()
    cmp = align(old, new)
    carry = rule_options("carryover-paragraph", config)
    cmp.carried = carried_paragraphs(cmp, min_chars=int(carry["min_chars"]), near=float(carry["near_threshold"]),
                                     min_coverage=float(carry["min_coverage"]))
    rows, total = section_ratios(cmp)
    findings = run_rules("compare", cmp, config)

    notices = []
    oi, ni = old.identity.issuer or "未识别", new.identity.issuer or "未识别"
    if cmp.same_issuer is False:
        notices.append(f"两份报告的发布机关不同（旧：{oi}；新：{ni}）。相同的文字属于机关之间相互抄袭，不是本机关沿用上年内容；"
                       "下面的比例和对照仍照常计算。")
    elif cmp.same_issuer is None:
        notices.append(f"未能从两份报告中都识别出发布机关（旧：{oi}；新：{ni}），无法确认是同一机关的两个年度。")
    if cmp.old_year and cmp.new_year and cmp.new_year <= cmp.old_year:
        notices.append(f"新报告的年度（{cmp.new_year}）不晚于旧报告（{cmp.old_year}）；请确认参数顺序是“旧报告 新报告”。")
    return CompareResult(
        old=old, new=new, comparison=cmp, sections=rows, total=total, tables=compare_tables(old, new),
        findings=findings, notices=notices, same_issuer=cmp.same_issuer,
    )


def compare_paths(old_path: str, new_path: str, config: Config | None = None, *,
                  max_bytes: int | None = None) -> CompareResult:
    """Read, parse and compare two reports. Raises ``InputError`` for unreadable input."""
    from textcheck.parse import parse
    from textcheck.readers import DEFAULT_MAX_BYTES, read_path
    from textcheck.resources import prefetch

    old = parse(read_path(old_path, max_bytes=max_bytes or DEFAULT_MAX_BYTES))
    new = parse(read_path(new_path, max_bytes=max_bytes or DEFAULT_MAX_BYTES))
    prefetch(old, new)  # see engine.check_path
    return compare_documents(old, new, config)
