"""The analysis stage: run every enabled rule over a parsed report and collect findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textcheck.config import Config
from textcheck.document import Document, Source
from textcheck.errors import ConfigError
from textcheck.finding import Finding, Severity
from textcheck.parse import SECTION_TITLE, SECTIONS, parse
from textcheck.rules import Context, Hit, RuleSpec, all_rules

if TYPE_CHECKING:  # pragma: no cover
    from textcheck.rules.subtopics import SubtopicStatus

SCHEMA_VERSION = "1.0"


@dataclass
class CheckResult:
    document: Document
    findings: list[Finding]
    subtopics: list["SubtopicStatus"] = field(default_factory=list)
    issuer: dict[str, Any] | None = None
    is_report: bool = True
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return self.document.path

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=None)

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
            "issuer": ident.issuer,
            "year": ident.year,
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
            "findings": [f.to_dict() for f in self.findings],
            "summary": {sev.value: self.count(sev) for sev in (Severity.ERROR, Severity.WARNING, Severity.INFO)},
        }


def make_finding(spec: RuleSpec, hit: Hit, doc: Document, config: Config) -> Finding:
    """Stamp a rule's hit into a Finding: configured severity, excerpt and section filled from ``doc``."""
    severity = config.severities.get(spec.id) or hit.severity or spec.severity
    text = hit.text or (doc.excerpt(hit.line, hit.end_line) if hit.line else "")
    section = hit.section
    if section is None and hit.line:
        block = doc.block_at(hit.line)
        section = block.section if block else None
    return Finding(
        rule=spec.id,
        severity=severity,
        message=hit.message,
        suggestion=hit.suggestion,
        line=hit.line,
        end_line=hit.end_line if hit.end_line is not None else hit.line,
        section=SECTION_TITLE.get(section, section) if section else None,
        text=text,
        path=doc.path,
        related=tuple(hit.related),
        confidence=round(float(hit.confidence), 3),
        evidence=tuple(sorted(hit.evidence.items())),
    )


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


def check_document(doc: Document, config: Config | None = None) -> CheckResult:
    config = config or Config()
    memo: dict[str, Any] = {}
    findings: list[Finding] = []
    is_report = True
    for spec in all_rules():
        if spec.scope != "report" or spec.id in config.disabled:
            continue
        ctx = Context(options=config.rule_options(spec.id, spec.options), config=config, memo=memo)
        hits = list(spec.func(doc, ctx))
        if spec.exclusive and hits:
            findings = [make_finding(spec, h, doc, config) for h in hits]
            is_report = False
            break
        findings.extend(make_finding(spec, h, doc, config) for h in hits)
    findings.sort(key=lambda f: f.sort_key)
    subtopics: list["SubtopicStatus"] = []
    issuer = None
    if is_report:
        from textcheck.rules.subtopics import subtopic_status

        ctx = Context(options={}, config=config, memo=memo)
        subtopics = subtopic_status(doc, ctx)
        from textcheck.identity import resolve_issuer

        issuer = resolve_issuer(doc, ctx)
    stats = {
        "lines": len(doc.lines),
        "characters": sum(len(x) for x in doc.lines),
        "paragraphs": sum(1 for b in doc.blocks if b.is_narrative),
        "tables": sum(1 for b in doc.blocks if b.kind.value == "table"),
    }
    return CheckResult(document=doc, findings=findings, subtopics=subtopics, issuer=issuer, is_report=is_report, stats=stats)


def check_source(source: Source, config: Config | None = None) -> CheckResult:
    return check_document(parse(source), config)


def check_path(path: str, config: Config | None = None, *, max_bytes: int | None = None) -> CheckResult:
    from textcheck.readers import DEFAULT_MAX_BYTES, read_path

    return check_source(read_path(path, max_bytes=max_bytes or DEFAULT_MAX_BYTES), config)
