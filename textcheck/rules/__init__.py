"""Rule registry.

A rule is one function decorated with ``@rule(...)``: it receives the parsed ``Document`` and a
``Context`` (options, shared resources, per-report memo) and yields ``Hit``s. The engine stamps
rule id, severity, path and section onto each hit to make a ``Finding``. Rules never print.

Rule ids are part of the JSON contract: once released, an id is never renamed or reused.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from textcheck.document import Document
from textcheck.finding import Related, Severity

# Modules that define rules, in the order their findings are produced. Add new modules here.
RULE_MODULES = (
    "textcheck.rules.report",
    "textcheck.rules.structure",
    "textcheck.rules.subtopics",
    "textcheck.rules.duplicates",
    "textcheck.rules.fee",
    "textcheck.rules.tables",
    "textcheck.rules.identity",
    "textcheck.rules.batch",
    "textcheck.rules.carryover",
    "textcheck.rules.stale",
)


@dataclass(frozen=True)
class Hit:
    """What a rule reports; the engine turns it into a ``Finding``."""

    message: str
    suggestion: str
    line: int | None = None
    end_line: int | None = None
    text: str = ""
    section: str | None = None
    related: tuple[Related, ...] = ()
    confidence: float = 1.0
    evidence: dict[str, Any] = field(default_factory=dict)
    severity: Severity | None = None  # overrides the rule's default for this hit (e.g. near vs exact)


@dataclass
class Context:
    """What a rule may use besides its target: its own options, the ``--issuer`` override, and the
    shared analyses of the report, computed once per report (``memo`` is shared by all rules of a run)."""

    options: dict[str, Any]
    memo: dict[Any, Any] = field(default_factory=dict)
    issuer_override: str | None = None  # --issuer NAME_OR_CODE

    def cached(self, key: Any, compute: Callable[[], Any]) -> Any:
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    def issuer(self, doc: Document) -> dict | None:
        """The report's issuer placed in the gazetteer (``analysis.issuer.resolve_issuer``)."""
        from textcheck.analysis.issuer import resolve_issuer

        return self.cached("issuer", lambda: resolve_issuer(doc, self.issuer_override))

    def subtopics(self, doc: Document, covered_score: int) -> list:
        """Coverage of 总体情况's five subtopics (``analysis.subtopics.subtopic_status``)."""
        from textcheck.analysis.subtopics import subtopic_status

        return self.cached(("subtopics", covered_score), lambda: subtopic_status(doc, covered_score))


RuleFunc = Callable[[Document, Context], Iterable[Hit]]


@dataclass(frozen=True)
class RuleSpec:
    id: str
    severity: Severity
    summary: str  # one line, Chinese
    doc: str  # What / Why / Example, Chinese (the function's docstring)
    category: str
    options: dict[str, Any]
    func: RuleFunc
    exclusive: bool = False  # when it fires, no other rule's findings are reported (not-a-report)
    scope: str = "report"  # report: run by the engine on one report; compare / batch: by those commands

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "severity": self.severity.value,
            "category": self.category,
            "scope": self.scope,
            "summary": self.summary,
            "options": dict(self.options),
        }


_REGISTRY: dict[str, RuleSpec] = {}


def rule(
    id: str,
    *,
    severity: str,
    summary: str,
    category: str,
    options: dict[str, Any] | None = None,
    exclusive: bool = False,
    scope: str = "report",
) -> Callable[[RuleFunc], RuleFunc]:
    def register(func: RuleFunc) -> RuleFunc:
        if id in _REGISTRY and _REGISTRY[id].func is not func:
            raise RuntimeError(f"duplicate rule id {id}")
        _REGISTRY[id] = RuleSpec(
            id=id,
            severity=Severity.parse(severity),
            summary=summary,
            doc=inspect.cleandoc(func.__doc__ or summary),
            category=category,
            options=dict(options or {}),
            func=func,
            exclusive=exclusive,
            scope=scope,
        )
        return func

    return register


_loaded = False


def all_rules() -> list[RuleSpec]:
    """Every registered rule: exclusive rules first, then in registry order."""
    global _loaded
    if not _loaded:
        for mod in RULE_MODULES:
            importlib.import_module(mod)
        _loaded = True
    return sorted(_REGISTRY.values(), key=lambda spec: not spec.exclusive)


def get_rule(rule_id: str) -> RuleSpec | None:
    all_rules()
    return _REGISTRY.get(rule_id)
