"""Findings: what the checker reports, as plain data (schema in docs/schema.md).

The one place for severities (their Chinese labels and ranks), the order findings are listed in
(``Finding.sort_key``) and the exit status they give (``exit_code``). Everything else — the rule
loop, the renderers, the CLI, the batch — uses these, never its own copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Iterable

# value -> Chinese label, in rank order (info < warning < error)
SEVERITY_LABELS = {"info": "提示", "warning": "警告", "error": "错误"}
_RANK = {value: rank for rank, value in enumerate(SEVERITY_LABELS)}


class Severity(str, Enum):
    """Ordered severities. ``str`` so that JSON output is the plain name."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self.value]

    @property
    def label(self) -> str:
        return SEVERITY_LABELS[self.value]

    @classmethod
    def parse(cls, value: str | "Severity") -> "Severity":
        if isinstance(value, Severity):
            return value
        try:
            return cls(str(value).strip().lower())
        except ValueError as exc:  # pragma: no cover - message tested via CLI
            raise ValueError(f"未知的严重程度：{value}（可选 error / warning / info）") from exc


# most severe first: the order of summaries ("错误 N，警告 N，提示 N")
SEVERITIES_DESC = (Severity.ERROR, Severity.WARNING, Severity.INFO)


# Where a finding (or a related place) sits, besides its lines: character offsets in the normalised
# text (``Document.text``) and the places the input format has (docx paragraphs and table rows, PDF
# pages). Filled by the engine from the document (``Document.locate``); None where n/a. docs/schema.md.
LOCATION_FIELDS = ("start", "end", "paragraph", "end_paragraph", "table", "table_row", "end_table_row", "page", "end_page")


@dataclass(frozen=True)
class Related:
    """The other place a finding points at (the first copy, last year's paragraph...)."""

    line: int
    end_line: int
    text: str = ""
    path: str | None = None
    section: str | None = None
    start: int | None = None
    end: int | None = None
    paragraph: int | None = None
    end_paragraph: int | None = None
    table: int | None = None
    table_row: int | None = None
    end_table_row: int | None = None
    page: int | None = None
    end_page: int | None = None


@dataclass(frozen=True)
class Edit:
    """Replace ``start``..``end`` (offsets in the normalised text, ``Document.text``; end exclusive)
    with ``replacement`` ("" deletes, ``start == end`` inserts)."""

    start: int
    end: int
    replacement: str = ""


@dataclass(frozen=True)
class Fix:
    """A mechanical fix of a finding (``textcheck fix``): its edits, what it does (Chinese, for the
    user), and whether it is certain (``safe``: applied by default; otherwise only when its rule is
    chosen with ``--select``, because it states something the checker cannot know)."""

    edits: tuple[Edit, ...]
    description: str
    safe: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {"description": self.description, "safe": self.safe,
                "edits": [{"start": e.start, "end": e.end, "replacement": e.replacement} for e in self.edits]}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> "Fix | None":
        if not d:
            return None
        return cls(edits=tuple(Edit(**e) for e in d.get("edits") or ()), description=d.get("description", ""),
                   safe=bool(d.get("safe", True)))


# below this confidence a finding says how sure it is (text, concise and HTML output)
SHOW_CONFIDENCE_BELOW = 0.8


@dataclass(frozen=True)
class Finding:
    """One problem found in one report. Serialised as-is to JSON (schema in docs/)."""

    rule: str
    severity: Severity
    message: str
    suggestion: str
    line: int | None = None
    end_line: int | None = None
    section: str | None = None
    text: str = ""
    path: str | None = None
    related: tuple[Related, ...] = ()
    confidence: float = 1.0
    evidence: tuple[tuple[str, Any], ...] = ()
    start: int | None = None  # offsets in the normalised text (Document.text), end exclusive
    end: int | None = None
    paragraph: int | None = None  # docx: body paragraph of ``line`` / ``end_line`` (docs/schema.md)
    end_paragraph: int | None = None
    table: int | None = None  # docx: table of ``line`` (1-based) and its row; end row when in the same table
    table_row: int | None = None
    end_table_row: int | None = None
    page: int | None = None  # pdf: page of ``line`` / ``end_line``
    end_page: int | None = None
    fix: Fix | None = None  # a mechanical fix, when the rule is sure of it (``textcheck fix``)

    @property
    def confidence_note(self) -> str:
        """``（把握 75%）`` when the rule is not sure enough to go without saying so, else ""."""
        return f"（把握 {self.confidence:.0%}）" if self.confidence < SHOW_CONFIDENCE_BELOW else ""

    def to_dict(self) -> dict[str, Any]:
        # the fields read directly, not with dataclasses.asdict: every field but the four replaced
        # below is a str, int, float or None, which asdict's recursive deep copy returns unchanged
        # (same keys, same order, same values), at a fifth of the cost -- a national batch
        # serialises every finding of every report at least twice
        d = {name: getattr(self, name) for name in _FINDING_FIELDS}
        d["severity"] = self.severity.value
        d["related"] = [{name: getattr(r, name) for name in _RELATED_FIELDS} for r in self.related]
        d["evidence"] = {k: v for k, v in self.evidence}
        d["fix"] = self.fix.to_dict() if self.fix is not None else None
        order = ("rule", "severity", "message", "suggestion", "section", "line", "end_line", *LOCATION_FIELDS)
        return {**{k: d[k] for k in order}, **{k: v for k, v in d.items() if k not in order}}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Finding":
        """The inverse of ``to_dict`` (a cached or JSON result read back)."""
        return cls(
            rule=d["rule"],
            severity=Severity.parse(d["severity"]),
            message=d["message"],
            suggestion=d["suggestion"],
            line=d.get("line"),
            end_line=d.get("end_line"),
            section=d.get("section"),
            text=d.get("text", ""),
            path=d.get("path"),
            related=tuple(Related(**{k: v for k, v in r.items() if k in _RELATED_KEYS}) for r in d.get("related") or ()),
            confidence=d.get("confidence", 1.0),
            evidence=tuple((d.get("evidence") or {}).items()),
            **{k: d.get(k) for k in LOCATION_FIELDS},
            fix=Fix.from_dict(d.get("fix")),
        )

    @property
    def sort_key(self) -> tuple:
        """The order findings are listed in: by file, line, most severe first, rule, message."""
        return (self.path or "", self.line or 0, -self.severity.rank, self.rule, self.message)


_RELATED_KEYS = frozenset(Related.__dataclass_fields__)
_RELATED_FIELDS = tuple(Related.__dataclass_fields__)  # in declaration order, as asdict gives them
_FINDING_FIELDS = tuple(Finding.__dataclass_fields__)


# ------------------------------------------------------------------------------ location labels
# (here, in the base layer, so that rules can write them into messages; render/locations.py is the
# renderers' entry point)


def _range(a: int, b: int | None, unit: str) -> str:
    return f"第 {a} {unit}" if b is None or b == a else f"第 {a}–{b} {unit}"


def location_label(place: Any, *, whole: str = "全文") -> str:
    """``第 N 段`` / ``第 T 个表格第 R 行`` (docx), ``第 P 页`` (pdf), ``第 L 行`` (others) of a ``Finding``,
    a ``Related`` or their JSON dict; ``whole`` when it has no line (a finding about the whole report)."""
    get = place.get if isinstance(place, dict) else (lambda k: getattr(place, k, None))
    line = get("line")
    if not line:
        return whole
    paragraph, table, page = get("paragraph"), get("table"), get("page")
    if paragraph is not None:
        end = get("end_paragraph")
        label = _range(paragraph, end, "段")
        if end is None and get("end_line") not in (None, line):
            label += "起"  # runs on into a table
        return label
    if table is not None:
        row, end_row = get("table_row"), get("end_table_row")
        return f"第 {table} 个表格" + (_range(row, end_row, "行") if row else "")
    if page is not None:
        return _range(page, get("end_page"), "页")
    return _range(line, get("end_line"), "行")


def places_label(places: list) -> str:
    """Several places of one kind in one label: ``第 13、31、37、55 行`` (or 段 / 页), in order, each once."""
    labels = list(dict.fromkeys(location_label(p) for p in places))
    if not labels:
        return ""
    simple = all(lab.startswith("第 ") and "–" not in lab and "个表格" not in lab and lab[-1] in "段页行" for lab in labels)
    if simple and len({lab[-1] for lab in labels}) == 1:
        return f"第 {'、'.join(lab[2:-2] for lab in labels)} {labels[0][-1]}"
    return "、".join(labels)


def count_by_severity(findings: Iterable[Finding]) -> dict[str, int]:
    """{"error": n, "warning": n, "info": n}: the ``summary`` of JSON outputs."""
    items = list(findings)
    return {sev.value: sum(1 for f in items if f.severity is sev) for sev in SEVERITIES_DESC}


def exit_code(findings: Iterable[Finding], fail_on: str | Severity | None) -> int:
    """1 when some finding is at least as severe as ``fail_on``, else 0 (``None``/"never": always 0)."""
    if fail_on is None or fail_on == "never":
        return 0
    threshold = Severity.parse(fail_on).rank
    return 1 if any(f.severity.rank >= threshold for f in findings) else 0
