"""Rule registry.

A rule is one function decorated with ``@rule(...)`` in its own module of this package (found
automatically: see docs/adding-a-rule.md). It receives its target — the parsed ``Document`` for
``scope="report"`` — and a ``Context`` (its options, the --issuer override, the shared analyses of
the report) and yields ``Hit``s. The engine (``textcheck.engine.run_rules``) stamps rule id,
severity, path and section onto each hit to make a ``Finding``. Rules never print.

Rule ids are part of the JSON contract: once released, an id is never renamed or reused.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from textcheck.document import Document
from textcheck.finding import Edit, Fix, Related, Severity  # noqa: F401 - Edit, Fix: for the rules


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
    start: int | None = None  # exact span in ``Document.text`` when the rule knows it (else the engine's)
    end: int | None = None
    fix: Fix | None = None  # a mechanical fix the rule is sure of (edits in ``Document.text``)
    # An exclusive rule's hit with its own severity set is a notice, not the claim: it does not silence
    # the other rules (not-a-report's "unsure, checked as a report" info).


def delete_lines(doc: Document, line: int, end_line: int, *, blank_after: bool = True) -> Edit:
    """The edit removing lines ``line``..``end_line`` (1-based, whole lines with their line ends) and,
    with ``blank_after``, the blank lines after them."""
    n = len(doc.norm_lines)
    nxt = end_line + 1
    while blank_after and nxt <= n and not doc.norm_lines[nxt - 1].strip():
        nxt += 1
    start = doc.line_starts[line - 1]
    end = doc.line_starts[nxt - 1] if nxt <= n else len(doc.text)
    return Edit(start, end, "")


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

    def places(self, doc: Document) -> tuple:
        """Every place name of the report with the role it stands in (``analysis.places.find_places``)."""
        from textcheck.analysis.places import find_places

        return self.cached("places", lambda: find_places(doc))

    def issuer_analysis(self, doc: Document):
        """The statements of the issuer weighed and placed (``analysis.issuer.analyse_issuer``)."""
        from textcheck.analysis.issuer import analyse_issuer

        return self.cached("issuer-analysis", lambda: analyse_issuer(doc, self.issuer_override, self.places(doc)))

    def issuer(self, doc: Document) -> dict | None:
        """The report's issuer placed in the gazetteer (``analysis.issuer``), or None."""
        return self.cached("issuer", lambda: self.issuer_analysis(doc).resolved)

    def tables(self, doc: Document):
        """The report's statutory tables read into named cells (``analysis.tables.tables_of``)."""
        from textcheck.analysis.tables import tables_of

        return self.cached(("tables", id(doc)), lambda: tables_of(doc))

    def report_kind(self, doc: Document):
        """Is it a report at all (``analysis.report_kind.report_kind``)."""
        from textcheck.analysis.report_kind import report_kind

        return self.cached(("report_kind", id(doc)), lambda: report_kind(doc))

    def cut(self, doc: Document):
        """Where the text stops short of the report (``analysis.truncation.find_cut``), or None."""
        from textcheck.analysis.report_format import required_sections
        from textcheck.analysis.truncation import find_cut

        return self.cached(("cut", id(doc)), lambda: find_cut(doc, required_sections(doc)))

    def subtopics(self, doc: Document, covered_score: int, classifier_covered: float | None = None) -> list:
        """Coverage of 总体情况's five subtopics (``analysis.subtopics.subtopic_status``)."""
        from textcheck.analysis.subtopics import subtopic_status

        return self.cached(
            ("subtopics", covered_score, classifier_covered),
            lambda: subtopic_status(doc, covered_score, classifier_covered),
        )


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
    name: str = ""  # short Chinese name for column headers and lists (重复段落); unique

    @property
    def label(self) -> str:
        """The short Chinese name (the id for a rule declared without one)."""
        return self.name or self.id

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
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
    name: str = "",
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
            name=name,
        )
        return func

    return register


_loaded = False


def _discover() -> None:
    """Import every module of this package (sorted by name), so that each registers its rules.

    A new rule is a new module here: nothing else lists it."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        importlib.import_module(f"{__name__}.{info.name}")


def all_rules() -> list[RuleSpec]:
    """Every registered rule: exclusive rules first, then by module name and order of definition."""
    global _loaded
    if not _loaded:
        _discover()
        _loaded = True
    return sorted(_REGISTRY.values(), key=lambda spec: not spec.exclusive)


def get_rule(rule_id: str) -> RuleSpec | None:
    all_rules()
    return _REGISTRY.get(rule_id)
