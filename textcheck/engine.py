"""The rule loop: run the enabled rules of one scope over a target and stamp their hits into findings.

``run_rules(scope, target, config)`` is the one loop of the tool: ``check`` runs the ``report``
rules over a ``Document``, ``compare`` the ``compare`` rules over a ``Comparison``, ``batch`` the
``batch`` rules over each report's cross-report matches. Exclusive rules (not-a-report) run first;
when one fires, its findings are the only ones. Findings come back sorted (``Finding.sort_key``).

``check_document`` / ``check_source`` / ``check_path`` check one report and return a ``CheckResult``
(findings, the subtopic coverage and the resolved issuer of the report, its JSON form).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textcheck.analysis.year import report_year
from textcheck.config import Config
from textcheck.document import Document, Source
from textcheck.errors import ConfigError
from textcheck.finding import Finding, Related, count_by_severity
from textcheck.text import normalize_line
from textcheck.parse import SECTION_TITLE, SECTIONS, parse
from textcheck.rules import Context, Hit, RuleSpec, all_rules, get_rule

if TYPE_CHECKING:  # pragma: no cover
    from textcheck.analysis.subtopics import SubtopicStatus
    from textcheck.analysis.tables import Tables

# 1.1: "tables" (the statutory tables read into named cells); 1.2: "normalisation";
# 2.0: locations on findings and related places (start/end offsets, docx paragraph/table row, pdf page),
#      one output shape for any number of reports ({"schema", "reports": [...], "summary"}).
SCHEMA_VERSION = "2.0"


@dataclass
class CheckResult:
    document: Document
    findings: list[Finding]
    subtopics: list["SubtopicStatus"] = field(default_factory=list)
    issuer: dict[str, Any] | None = None
    is_report: bool = True
    stats: dict[str, Any] = field(default_factory=dict)
    tables: "Tables | None" = None

    @property
    def path(self) -> str:
        return self.document.path

    def to_dict(self) -> dict[str, Any]:
        doc = self.document
        ident = doc.identity
        found = {s.key: s for s in doc.sections}
        return {
            "schema": SCHEMA_VERSION,
            "path": doc.path,
            "format": doc.source.format,
            "encoding": doc.source.encoding,
            "is_report": self.is_report,
            "issuer": (self.issuer or {}).get("text") or ident.issuer,
            "year": report_year(ident)[0] if report_year(ident) else ident.year,
            "identity": ident.to_dict(),
            "resolved_issuer": self.issuer,
            "sections": [
                {
                    "key": key,
                    "title": title,
                    "present": key in found,
                    "heading": found[key].heading if key in found else None,
                    "line": found[key].line if key in found else None,
                    "end_line": found[key].end_line if key in found else None,
                }
                for key, title in SECTIONS
            ],
            "subtopics": [s.to_dict() for s in self.subtopics],
            "stats": self.stats,
            "normalisation": {
                "notes": list(doc.notes),
                "chrome_lines": list(doc.chrome_lines),
                "meta": [{"key": k, "value": v, "line": n} for k, v, n in doc.meta],
            },
            "tables": self.tables.to_dict() if self.tables is not None else None,
            "findings": [f.to_dict() for f in self.findings],
            "summary": count_by_severity(self.findings),
        }


# ---------------------------------------------------------------------------------------------
# configuration against the registry


def validate_config(config: Config) -> None:
    """Raise ``ConfigError`` for a rule id or a rule option the configuration names but no rule has."""
    known = {spec.id: spec for spec in all_rules()}
    for rid in config.named_rules:
        if rid not in known:
            raise ConfigError(f"未知的规则 {rid}（用 textcheck rules 查看全部规则）", path=config.source)
    for rid in config.options:
        if rid not in known:
            raise ConfigError(f"未知的规则 {rid}（用 textcheck rules 查看全部规则）", path=config.source)
        config.rule_options(rid, known[rid].options)


def rule_options(rule_id: str, config: Config | None = None) -> dict[str, Any]:
    """The options of rule ``rule_id`` as configured (its defaults, overridden by ``config``)."""
    spec = get_rule(rule_id)
    if spec is None:  # pragma: no cover - callers name registered rules
        raise KeyError(rule_id)
    return (config or Config()).rule_options(spec.id, spec.options)


# ---------------------------------------------------------------------------------------------
# the rule loop


def make_finding(spec: RuleSpec, hit: Hit, config: Config, *, path: str, doc: Document | None = None,
                 other: Document | None = None) -> Finding:
    """Stamp a rule's hit into a Finding: configured severity, path; excerpt, section and locations
    from ``doc`` (the related places in ``other``, a comparison's old report, located there)."""
    severity = config.severities.get(spec.id) or hit.severity or spec.severity
    text = hit.text or (doc.excerpt(hit.line, hit.end_line) if hit.line and doc is not None else "")
    section = hit.section
    if section is None and hit.line and doc is not None:
        block = doc.block_at(hit.line)
        section = block.section if block else None
    end_line = hit.end_line if hit.end_line is not None else hit.line
    where: dict[str, Any] = {}
    related = tuple(hit.related)
    if doc is not None and hit.line:
        start, end = (hit.start, hit.end) if hit.start is not None and hit.end is not None else _span(doc, hit.line, end_line, text)
        where = {"start": start, "end": end, **doc.locate(hit.line, end_line)}
    if doc is not None or other is not None:
        related = tuple(_locate_related(doc, path, r, other) for r in related)
    return Finding(
        rule=spec.id,
        severity=severity,
        message=hit.message,
        suggestion=hit.suggestion,
        line=hit.line,
        end_line=end_line,
        section=SECTION_TITLE.get(section, section) if section else None,
        text=text,
        path=path,
        related=related,
        confidence=round(float(hit.confidence), 3),
        evidence=tuple(sorted(hit.evidence.items())),
        fix=hit.fix,
        **where,
    )


def _span(doc: Document, line: int, end_line: int | None, text: str) -> tuple[int, int]:
    """(start, end) in ``doc.text`` of a finding on lines ``line``..``end_line``: where its excerpt
    ``text`` is found in those lines when it is a quote (not shortened with "…"), else the lines themselves
    (a rule that knows a narrower span gives it: ``Hit.start`` / ``Hit.end``)."""
    start, end = doc.line_span(line, end_line)
    if text and "…" not in text:
        piece = normalize_line(text)
        if len(piece) >= 2:
            pos = doc.text.find(piece, start, end)
            if pos >= 0:
                return pos, pos + len(piece)
    return start, end


def _locate_related(doc: Document | None, path: str, r: Related, other: Document | None = None) -> Related:
    """``r`` with its offsets and places filled in, when it points into ``doc`` (no path, or ``path``)
    or into ``other`` (its path)."""
    if r.path is not None and r.path != path:
        doc = other if other is not None and r.path == other.path else None
    if doc is None or not r.line or r.line > len(doc.norm_lines):
        return r
    if r.start is None or r.end is None:
        start, end = _span(doc, r.line, r.end_line, r.text)
    else:
        start, end = r.start, r.end
    places = {k: v for k, v in doc.locate(r.line, r.end_line).items() if getattr(r, k) is None}
    return dataclasses.replace(r, start=start, end=end, **places)


def _anchor(target: Any) -> tuple[Document | None, str, Document | None]:
    """The document findings on ``target`` point into (a report, or a comparison's new report), its
    path, and the other document their related places may point into (a comparison's old report)."""
    if isinstance(target, Document):
        return target, target.path, None
    doc = getattr(target, "document", None)
    other = getattr(target, "old", None)
    return doc, (doc.path if doc is not None else target.path), (other if isinstance(other, Document) else None)


_EXCLUSIVE = ("exclusive rule fired",)  # memo key: which exclusive rule's claim silenced the others


def run_rules(scope: str, target: Any, config: Config | None = None, *, memo: dict | None = None) -> list[Finding]:
    """Findings of every enabled rule of ``scope`` on ``target``, sorted.

    ``memo`` holds the analyses rules share (issuer, subtopics...); pass one to reuse them afterwards."""
    config = config or Config()
    memo = {} if memo is None else memo
    doc, path, other = _anchor(target)
    findings: list[Finding] = []
    for spec in all_rules():  # exclusive rules first
        if spec.scope != scope or spec.id in config.disabled:
            continue
        ctx = Context(options=config.rule_options(spec.id, spec.options), memo=memo, issuer_override=config.issuer)
        hits = list(spec.func(target, ctx))
        if spec.exclusive and any(h.severity is None for h in hits):  # the claim, not a notice
            findings = [make_finding(spec, h, config, path=path, doc=doc, other=other) for h in hits]
            memo[_EXCLUSIVE] = spec.id
            break
        findings.extend(make_finding(spec, h, config, path=path, doc=doc, other=other) for h in hits)
    findings.sort(key=lambda f: f.sort_key)
    return findings


# ---------------------------------------------------------------------------------------------
# checking one report


def check_document(doc: Document, config: Config | None = None) -> CheckResult:
    config = config or Config()
    memo: dict[Any, Any] = {}
    findings = run_rules("report", doc, config, memo=memo)
    is_report = _EXCLUSIVE not in memo
    subtopics: list["SubtopicStatus"] = []
    issuer = None
    tables = None
    if is_report:
        ctx = Context(options={}, memo=memo, issuer_override=config.issuer)
        opts = rule_options("subtopic-missing", config)
        subtopics = ctx.subtopics(doc, int(opts["covered_score"]), float(opts["classifier_covered"]) or None)
        issuer = ctx.issuer(doc)
        tables = ctx.tables(doc)
    stats = {
        "lines": len(doc.lines),
        "characters": sum(len(x) for x in doc.lines),
        "paragraphs": sum(1 for b in doc.blocks if b.is_narrative),
        "tables": sum(1 for b in doc.blocks if b.kind.value == "table"),
    }
    return CheckResult(document=doc, findings=findings, subtopics=subtopics, issuer=issuer, is_report=is_report,
                       stats=stats, tables=tables)


def check_source(source: Source, config: Config | None = None) -> CheckResult:
    return check_document(parse(source), config)


def check_path(path: str, config: Config | None = None, *, max_bytes: int | None = None) -> CheckResult:
    from textcheck.readers import DEFAULT_MAX_BYTES, read_path
    from textcheck.resources import prefetch

    doc = parse(read_path(path, max_bytes=max_bytes or DEFAULT_MAX_BYTES))
    prefetch(doc)  # a segment worker, if the command started one, starts on its paragraphs
    return check_document(doc, config)
