#!/usr/bin/env python3
"""Measure textcheck on the development corpus of real reports (``../shared/corpus``).

    python scripts/eval_corpus.py [CORPUS]          # summary (last ~12 lines)
    python scripts/eval_corpus.py -v                # + one line per file, every unexplained finding, every miss
    python scripts/eval_corpus.py --json            # all figures and per-file rows, machine-readable, deterministic
    python scripts/eval_corpus.py --check           # compare with tests/corpus/thresholds.toml, exit 1 on regression
    python scripts/eval_corpus.py --jobs 2          # check the files in 2 processes
    python scripts/eval_corpus.py --disable not-a-report -v   # what the other rules say on the rejected files

The corpus (77 excerpts in ``pages/``, 11 full reports in ``full/``, a manifest in each) is NOT part of the
repository and its text never enters it: this script reads it at run time. What the repository holds is
``tests/corpus/labels.toml`` (per corpus file: which findings a rule should give there, which are legitimate
there, written by hand from the manifests' free-text ``defects``/``observations``; file ids, rule ids and
short hints only) and ``tests/corpus/thresholds.toml`` (the ratchet the figures must not fall behind).

Definitions (each figure printed is measured exactly so):

- **files read**: ``check_path`` returned a result; an exception names the file as unreadable.
- **not-a-report**: files whose result has ``is_report`` false. Every corpus file is a report (target 0).
- **issuer identified** (x/y): y = files that state their issuer (all but those labelled
  ``states_issuer = false``); x = those where the checker's ``issuer`` names the manifest's issuer (the text
  before `` (`` of the manifest ``issuer``) or one of the file's labelled ``issuer_aliases``. Names are
  compared after removing whitespace and the generic words 人民政府/政府/办事处; one name may carry more
  superiors than the other only if the extra prefix is made entirely of the manifest's province/city/county
  names (北杜街道办事处 = 西咸新区北杜街道办事处), nothing else (``标题:平潭综合实验区`` is not identified).
- **year identified** (x/y): the checker's ``year`` equals the manifest ``report_year``; y = files not
  labelled ``states_year = false``.
- **issuer resolved** (x/y, same y as issuer identified): ``resolved_issuer`` exists, its ``name`` occurs in
  the manifest's issuer name (or an alias) and its ``path`` starts with the manifest's province.
- **identity notice** (x/y): y = files whose issuer is not identified or not resolved or whose year is not
  identified (files that state no issuer included); x = those carrying a finding of a rule in
  ``IDENTITY_NOTICE_RULES`` (the info finding "issuer/year unknown, checks skipped"). Vacuously 1.0 if y = 0.
- **subtopic headings recognised** (x/y): y = the (file, subtopic) pairs the pages manifest lists in
  ``subtopic_headings_visible``; a pair is recognised *by heading* when the checker's ``subtopics`` entry
  for that subtopic is ``covered`` and at least one of its ``evidence`` entries has a non-empty ``heading``
  that contains one of that entry's ``terms`` (today these are the entries the checker adds when a heading
  or inline heading in 总体情况 names the subtopic; a paragraph entry whose own sub-heading contains one of
  its terms counts too, since that heading names it). Evidence entries carrying a ``kind`` other than
  ``"heading"`` (e.g. classifier evidence a later version may add) do not count as heading evidence.
  A file rejected as not-a-report recognises none of its pairs.
- **per rule**: every finding is classified, in this order:
  1. *manifest*: it matches an ``expect`` or ``allow`` label of its file (same rule; the label's ``severity``,
     if given, includes the finding's; the label's ``hint``, if given, occurs in the finding's message, text,
     section or related texts, whitespace removed); a finding of a rule in ``IDENTITY_NOTICE_RULES`` is also
     explained on a file whose identity is not fully identified (see identity notice), and a finding of a rule
     in ``FIGURE_RULES`` (a figure, not a claim) always is;
  2. *truncation* (excerpts in ``pages/`` only; they are the first 700-1,250 characters of a page):
     the checker's own section list (``to_dict()["sections"]``, statutory order 一…六) gives the cut: the
     last present section is the one with the highest statutory index among ``present`` sections. A
     ``section-missing`` finding is explained when its section (``evidence["section"]``, else the title in
     the message) comes *after the cut*: its index is higher than that last present section's (总体情况
     itself is never after the cut; with no section present, 二…六 are). A ``subtopic-missing`` finding is
     explained when the cut falls inside or at the end of 总体情况 (总体情况 present, no later section present)
     and the subtopic is not one the manifest lists as a visible heading. A finding of a rule in
     ``TRUNCATION_NOTICE_RULES`` on an excerpt is explained;
  3. otherwise *unexplained* (a false alarm until someone labels it). ``error-level unexplained`` is the key
     figure of issue 12 (target 0).
- **recall**: ``expect`` labels with at least one matching finding / all ``expect`` labels (labels of rules this
  version does not have yet count as missed; the part whose rule exists today is printed alongside).
- **tables read / present**: present = the statutory tables a file is labelled to hold (``tables_present``,
  full reports only); read = those the result's ``tables`` (docs/schema.md) holds with at least one number
  cell and not as prose (``table_keys_read``); a file rejected as not-a-report reads none. Without a
  ``tables`` key the figure is not measured and the summary says so.
- **table figures reproduced** (x/y): y = the figures labels.toml gives per file (``tables``: 三's ``new``,
  ``carried``, ``total``, ``carried_next``, from the manifests); x = those whose cell (requests ×
  new_received / carried_in / total / carried_over × total) in the result holds that number.

Elapsed time is printed (text output only, so that ``--json`` is byte-for-byte deterministic).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
DEFAULT_LABELS = ROOT / "tests" / "corpus" / "labels.toml"
DEFAULT_THRESHOLDS = ROOT / "tests" / "corpus" / "thresholds.toml"

# Rule ids announced by the issues of this round (12, 13, 14, 18) but not necessarily registered yet;
# labels may name them. Current ids come from the registry (textcheck.rules.all_rules) when it imports.
FUTURE_RULES = (
    "section-numbering",
    "identity-unknown",
    "truncated-input",
    "table-balance",
    "table-blank",
    "table-value",
    "table-template",
    "table-unreadable",
    "narrative-table-mismatch",
    "carried-over-mismatch",
    "repeated-word",
    "generic-problems",
    "empty-section",
    "overview-focus",
    "name-mismatch",
    "year-mismatch",
)
IDENTITY_NOTICE_RULES = ("identity-unknown",)  # info: issuer/year could not be identified or resolved
TRUNCATION_NOTICE_RULES = ("truncated-input",)  # info: the file ends mid-sentence / mid-table
FIGURE_RULES = ("overview-focus",)  # info findings that show a figure, not a claim
# The five subtopics of 总体情况 as the pages manifest names them -> the checker's subtopic keys.
SUBTOPICS = {
    "主动公开": "active",
    "依申请公开": "requests",
    "政府信息管理": "management",
    "平台建设": "platform",
    "监督保障": "supervision",
}
TABLE_KEYS = ("二", "三", "四", "统计表")  # 二 主动公开, 三 申请, 四 复议诉讼; 统计表 of the pre-2019 templates
SEVERITIES = ("error", "warning", "info")
_GENERIC_NAME_WORDS = ("人民政府", "政府", "办事处", "辦事處")
_WS = re.compile(r"\s+")


# --------------------------------------------------------------------------------------------- corpus


@dataclass(frozen=True)
class CorpusFile:
    id: str  # "pages/006.txt", "full/002_shanghai_stcsm_2024.md"
    kind: str  # "pages" (excerpt, truncated) | "full"
    path: Path
    manifest: dict

    @property
    def truncated(self) -> bool:
        return self.kind == "pages"

    @property
    def issuer(self) -> str:
        return str(self.manifest.get("issuer") or "").split(" (")[0].strip()

    @property
    def year(self) -> int | None:
        y = self.manifest.get("report_year")
        return int(y) if y is not None else None

    @property
    def visible_subtopics(self) -> list[str]:
        return list((self.manifest.get("observations") or {}).get("subtopic_headings_visible") or []) if self.kind == "pages" else []


def load_corpus(corpus: Path) -> list[CorpusFile]:
    """Every file both manifests list, sorted by id. A missing manifest is an error (not a skipped half)."""
    files = []
    for kind, key in (("pages", "reports"), ("full", "files")):
        manifest = corpus / kind / "manifest.json"
        if not manifest.is_file():
            raise FileNotFoundError(f"no manifest: {manifest}")
        for entry in json.loads(manifest.read_text(encoding="utf-8"))[key]:
            files.append(CorpusFile(id=f"{kind}/{entry['file']}", kind=kind, path=corpus / kind / entry["file"], manifest=entry))
    return sorted(files, key=lambda f: f.id)


# --------------------------------------------------------------------------------------------- labels


@dataclass(frozen=True)
class Label:
    rule: str
    note: str
    hint: str | None = None
    severity: tuple[str, ...] = ()  # empty: any severity

    def matches(self, finding: dict) -> bool:
        if finding.get("rule") != self.rule:
            return False
        if self.severity and finding.get("severity") not in self.severity:
            return False
        return not self.hint or _squash(self.hint) in _haystack(finding)


@dataclass(frozen=True)
class FileLabels:
    expect: tuple[Label, ...] = ()
    allow: tuple[Label, ...] = ()
    states_issuer: bool = True
    states_year: bool = True
    issuer_aliases: tuple[str, ...] = ()
    tables_present: tuple[str, ...] = ()
    tables: dict = field(default_factory=dict)  # figures the manifest gives per table (data for the tables hook)


_FILE_KEYS = {"expect", "allow", "states_issuer", "states_year", "issuer_aliases", "tables_present", "tables", "note"}
_LABEL_KEYS = {"rule", "note", "hint", "severity"}


def known_rule_ids() -> set[str]:
    """Rule ids a label may name: the registry's (if it imports) plus FUTURE_RULES."""
    ids = set(FUTURE_RULES)
    ids.update(current_rule_ids() or ())
    return ids


def current_rule_ids() -> set[str] | None:
    try:
        from textcheck.rules import all_rules

        return {spec.id for spec in all_rules()}
    except Exception:  # the registry moved: labels are then checked against FUTURE_RULES + what fired
        return None


def _label(raw: dict, where: str, rules: set[str] | None) -> Label:
    unknown = set(raw) - _LABEL_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown label keys {sorted(unknown)}")
    if "rule" not in raw or "note" not in raw:
        raise ValueError(f"{where}: a label needs rule and note")
    rule = str(raw["rule"])
    if rules is not None and rule not in rules:
        raise ValueError(f"{where}: unknown rule id {rule!r}")
    sev = raw.get("severity", ())
    sev = (sev,) if isinstance(sev, str) else tuple(sev)
    bad = [s for s in sev if s not in SEVERITIES]
    if bad:
        raise ValueError(f"{where}: unknown severity {bad}")
    return Label(rule=rule, note=str(raw["note"]), hint=raw.get("hint") or None, severity=sev)


def load_labels(path: Path, rules: set[str] | None = None) -> dict[str, FileLabels]:
    """Parse labels.toml (top-level tables keyed by corpus file id). Unknown keys and rule ids are errors,
    so that a typo never silently drops a label."""
    rules = known_rule_ids() if rules is None else rules
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out: dict[str, FileLabels] = {}
    for fid, raw in data.items():
        if not isinstance(raw, dict):
            raise ValueError(f"{fid}: expected a table")
        unknown = set(raw) - _FILE_KEYS
        if unknown:
            raise ValueError(f"{fid}: unknown keys {sorted(unknown)}")
        tables_present = tuple(raw.get("tables_present", ()))
        bad = [t for t in tables_present if t not in TABLE_KEYS]
        if bad:
            raise ValueError(f"{fid}: unknown table keys {bad} (use {TABLE_KEYS})")
        out[fid] = FileLabels(
            expect=tuple(_label(x, f"{fid} expect[{i}]", rules) for i, x in enumerate(raw.get("expect", ()))),
            allow=tuple(_label(x, f"{fid} allow[{i}]", rules) for i, x in enumerate(raw.get("allow", ()))),
            states_issuer=bool(raw.get("states_issuer", True)),
            states_year=bool(raw.get("states_year", True)),
            issuer_aliases=tuple(raw.get("issuer_aliases", ())),
            tables_present=tables_present,
            tables=dict(raw.get("tables", {})),
        )
    return out


# --------------------------------------------------------------------------------------------- matching


def _squash(s: str) -> str:
    return _WS.sub("", s or "")


def _haystack(finding: dict) -> str:
    parts = [finding.get("message") or "", finding.get("text") or "", finding.get("section") or ""]
    parts.extend((r or {}).get("text") or "" for r in finding.get("related") or ())
    return _squash("\n".join(parts))


def _evidence(finding: dict) -> dict:
    ev = finding.get("evidence") or {}
    return dict(ev) if not isinstance(ev, dict) else ev


def _name_core(name: str) -> str:
    s = _squash(name)
    for w in _GENERIC_NAME_WORDS:
        s = s.replace(w, "")
    return s


def _place_tokens(manifest: dict) -> list[str]:
    tokens = set()
    for key in ("province", "city", "county"):
        v = manifest.get(key)
        if not v:
            continue
        for part in re.split(r"[()（）]", str(v)):
            part = _squash(part)
            if len(part) >= 2:
                tokens.add(part)
                if part[-1] in "省市" and len(part) > 2:  # 上海市 -> 上海; never 府谷县 -> 府谷
                    tokens.add(part[:-1])
    return sorted(tokens, key=lambda t: (-len(t), t))


def _only_places(prefix: str, tokens: list[str]) -> bool:
    while prefix:
        tok = next((t for t in tokens if prefix.startswith(t)), None)
        if tok is None:
            return False
        prefix = prefix[len(tok) :]
    return True


def same_issuer(found: str | None, expected: list[str], manifest: dict) -> bool:
    """The checker's issuer names the expected unit (see the module docstring for the exact rule)."""
    if not found:
        return False
    f = _name_core(found)
    if len(f) < 2:
        return False
    tokens = _place_tokens(manifest)
    for name in expected:
        c = _name_core(name)
        if not c:
            continue
        if f == c:
            return True
        if f.endswith(c) and _only_places(f[: -len(c)], tokens):
            return True
        if c.endswith(f) and _only_places(c[: -len(f)], tokens):
            return True
    return False


def resolved_ok(resolved: dict | None, expected: list[str], manifest: dict) -> bool:
    if not resolved or not resolved.get("name"):
        return False
    name = _squash(str(resolved["name"]))
    if not any(name in _squash(e) for e in expected):
        return False
    province = manifest.get("province")
    path = str(resolved.get("path") or "")
    return not province or not path or path.split("/")[0] == province


def _heading_evidence(status: dict) -> bool:
    for e in status.get("evidence") or ():
        if e.get("kind") not in (None, "heading"):
            continue
        head = _squash(e.get("heading") or "")
        if head and any(t and _squash(t) in head for t in e.get("terms") or ()):
            return True
    return False


def _subtopic_short(name: str) -> str | None:
    """Manifest short name (平台建设) for a checker subtopic name (政府信息公开平台建设) or key."""
    for short, key in SUBTOPICS.items():
        if name == key or short in (name or ""):
            return short
    return None


def _finding_subtopic(finding: dict) -> str | None:
    name = _evidence(finding).get("subtopic")
    if name:
        return _subtopic_short(str(name))
    msg = finding.get("message") or ""
    hits = [s for s in SUBTOPICS if s in msg]
    return hits[0] if len(hits) == 1 else None


def _finding_section_index(finding: dict, sections: list[dict]) -> int | None:
    titles = [str(s.get("title") or "") for s in sections]
    name = _evidence(finding).get("section")
    if name and str(name) in titles:
        return titles.index(str(name))
    msg = finding.get("message") or ""
    hits = [i for i, t in enumerate(titles) if t and t in msg]
    return hits[0] if len(hits) == 1 else None


_TABLE_NUMBERS = {"active": "二", "requests": "三", "review": "四"}
# labels.toml `tables` figures -> (table key, row key, column key) of the result's `tables` (docs/schema.md)
_FIGURE_CELLS = {
    "三": {"new": ("requests", "new_received", "total"), "carried": ("requests", "carried_in", "total"),
          "total": ("requests", "total", "total"), "carried_next": ("requests", "carried_over", "total")},
}


def table_keys_read(result: dict) -> set[str] | None:
    """Which statutory tables (TABLE_KEYS) the result reports as read: a table of the result's ``tables``
    (docs/schema.md) with at least one number cell, not written as prose (``layout`` "narrative"); the
    pre-2019 statistical table (template "2017") counts as "统计表". None when the result has no ``tables``
    key at all (a version that reads no tables: not measured); a result whose ``tables`` is null (a file
    rejected as not-a-report) reads none.
    """
    if "tables" not in result:
        return None
    tables = result.get("tables") or {}
    read = set()
    for t in tables.get("tables", ()):
        if t.get("layout") == "narrative":
            continue
        if not any(c.get("status") == "number" for r in t.get("rows", ()) for c in r.get("cells", ())):
            continue
        read.add("统计表" if tables.get("template") == "2017" else _TABLE_NUMBERS.get(t.get("key"), ""))
    return read


def table_figures(result: dict, figures: dict) -> tuple[int, list[str]]:
    """(figures reproduced, descriptions of those not reproduced) of a file's labelled table figures:
    a figure is reproduced when the result's cell at its place holds that number."""
    tables = {t.get("key"): t for t in ((result.get("tables") or {}).get("tables") or ())}
    got, missed = 0, []
    for table, items in sorted(figures.items()):
        for name, want in sorted(items.items()):
            key, row, col = _FIGURE_CELLS.get(table, {}).get(name, (None, None, None))
            cell = None
            for r in tables.get(key, {}).get("rows", ()):
                if r.get("key") == row:
                    cell = next((c for c in r.get("cells", ()) if c.get("column") == col), None)
            if cell is not None and cell.get("status") == "number" and float(cell.get("value")) == float(want):
                got += 1
            else:
                missed.append(f"{table}.{name} = {want} (read {cell.get('text') if cell else None})")
    return got, missed


# --------------------------------------------------------------------------------------------- one file


def _short(s: str, n: int = 60) -> str:
    s = _WS.sub(" ", s or "").strip()
    return s if len(s) <= n else s[: n - 1] + "…"


def evaluate_file(cf: CorpusFile, result: dict | None, labels: FileLabels | None, error: str | None = None) -> dict:
    """One per-file row: identity, subtopic headings, every finding classified, labels found/missed."""
    labels = labels or FileLabels()
    row: dict[str, Any] = {"id": cf.id, "kind": cf.kind, "read": result is not None}
    if result is None:  # counts against every figure: nothing identified, no heading recognised, no label found
        row.update(
            error=error or "unreadable",
            is_report=True,
            issuer={"stated": labels.states_issuer, "expected": cf.issuer, "found": None, "ok": False},
            year={"stated": labels.states_year, "expected": cf.year, "found": None, "ok": False},
            resolved={"found": None, "ok": False},
            identity_notice={"needed": False, "present": False},
            subtopic_headings=[{"subtopic": name, "recognised": False} for name in cf.visible_subtopics],
            findings=[],
            expect=[{"rule": lb.rule, "note": lb.note, "found": False} for lb in labels.expect],
            tables=None,
        )
        return row
    expected_names = [cf.issuer, *labels.issuer_aliases]
    issuer_ok = labels.states_issuer and same_issuer(result.get("issuer"), expected_names, cf.manifest)
    year_ok = labels.states_year and cf.year is not None and result.get("year") == cf.year
    res_ok = labels.states_issuer and resolved_ok(result.get("resolved_issuer"), expected_names, cf.manifest)
    findings = list(result.get("findings") or [])
    notice = any(f.get("rule") in IDENTITY_NOTICE_RULES for f in findings)
    unidentified = not (issuer_ok and res_ok and (year_ok or not labels.states_year))
    resolved = result.get("resolved_issuer") or {}
    row.update(
        is_report=bool(result.get("is_report", True)),
        issuer={"stated": labels.states_issuer, "expected": cf.issuer, "found": result.get("issuer"), "ok": issuer_ok},
        year={"stated": labels.states_year, "expected": cf.year, "found": result.get("year"), "ok": year_ok},
        resolved={"found": resolved.get("path") or resolved.get("name"), "ok": res_ok},
        identity_notice={"needed": unidentified, "present": notice},
    )
    # subtopic headings
    status = {}
    for s in result.get("subtopics") or ():
        short = _subtopic_short(str(s.get("name") or "")) or _subtopic_short(str(s.get("key") or ""))
        if short:
            status[short] = s
    row["subtopic_headings"] = [
        {"subtopic": name, "recognised": bool(status.get(name) and status[name].get("covered") and _heading_evidence(status[name]))}
        for name in cf.visible_subtopics
    ]
    # the cut (excerpts): index of the last present section in the checker's statutory list
    sections = list(result.get("sections") or [])
    present = [i for i, s in enumerate(sections) if s.get("present")]
    last_present = max(present) if present else 0
    overview_present = bool(sections) and bool(sections[0].get("present"))
    cut_in_overview = cf.truncated and overview_present and last_present == 0
    visible = set(cf.visible_subtopics)
    found_expect = [False] * len(labels.expect)
    rows = []
    for f in findings:
        why, label = None, None
        for i, lb in enumerate(labels.expect):
            if lb.matches(f):
                why, label, found_expect[i] = "manifest", f"expect: {lb.note}", True
                break
        if why is None:
            for lb in labels.allow:
                if lb.matches(f):
                    why, label = "manifest", f"allow: {lb.note}"
                    break
        rule = f.get("rule")
        if why is None and rule in FIGURE_RULES:
            why, label = "manifest", "a figure, not a claim"
        if why is None and rule in IDENTITY_NOTICE_RULES and unidentified:
            why, label = "manifest", "identity not identified/resolved against the manifest"
        if why is None and cf.truncated:
            if rule == "section-missing":
                idx = _finding_section_index(f, sections)
                if idx is not None and idx > 0 and idx > last_present:
                    why, label = "truncation", "section after the cut"
            elif rule == "subtopic-missing":
                sub = _finding_subtopic(f)
                if cut_in_overview and sub is not None and sub not in visible:
                    why, label = "truncation", "cut inside 总体情况"
            elif rule in TRUNCATION_NOTICE_RULES:
                why, label = "truncation", "excerpt"
        rows.append(
            {
                "rule": rule,
                "severity": f.get("severity"),
                "line": f.get("line"),
                "section": f.get("section"),
                "message": f.get("message"),
                "text": _short(f.get("text") or "", 120),
                "explained": why or "unexplained",
                "label": label,
            }
        )
    row["findings"] = rows
    row["expect"] = [{"rule": lb.rule, "note": lb.note, "found": ok} for lb, ok in zip(labels.expect, found_expect)]
    keys = table_keys_read(result)
    row["tables"] = None if keys is None else {"present": list(labels.tables_present), "read": sorted(k for k in labels.tables_present if k in keys)}
    if keys is not None and labels.tables:
        got, missed = table_figures(result, labels.tables)
        row["table_figures"] = {"given": got + len(missed), "reproduced": got, "missed": missed}
    return row


# --------------------------------------------------------------------------------------------- the run


def _check_one(path: str, disabled: tuple[str, ...] = ()) -> tuple[dict | None, str | None]:
    from textcheck.engine import check_path

    config = None
    if disabled:  # imported outside the try: a moved Config must fail loudly, not mark every file unreadable
        from textcheck.config import Config

        config = Config(disabled=set(disabled))
    try:
        return (check_path(path, config) if config else check_path(path)).to_dict(), None
    except Exception as exc:  # a reader's Chinese error or a crash: the file is named as unreadable
        return None, f"{type(exc).__name__}: {exc}"


def run_checker(files: list[CorpusFile], jobs: int = 1, disabled: tuple[str, ...] = ()) -> list[tuple[dict | None, str | None]]:
    paths = [str(f.path) for f in files]
    if jobs <= 1:
        return [_check_one(p, disabled) for p in paths]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(_check_one, paths, [disabled] * len(paths), chunksize=4))


@dataclass
class Evaluation:
    rows: list[dict]
    figures: dict
    rules: dict
    elapsed: float = 0.0
    jobs: int = 1


def _rate(x: int, y: int) -> float | None:
    return round(x / y, 4) if y else None


def aggregate(rows: list[dict], current_rules: set[str] | None = None) -> tuple[dict, dict]:
    read = [r for r in rows if r["read"]]
    fig: dict[str, Any] = {
        "files_total": len(rows),
        "files_pages": sum(1 for r in rows if r["kind"] == "pages"),
        "files_full": sum(1 for r in rows if r["kind"] == "full"),
        "files_read": len(read),
        "files_unreadable": len(rows) - len(read),
        "not_a_report": sum(1 for r in read if not r["is_report"]),
    }
    stated = [r for r in rows if r["issuer"]["stated"]]
    ystated = [r for r in rows if r["year"]["stated"]]
    fig["issuer_stated"] = len(stated)
    fig["issuer_identified"] = sum(1 for r in stated if r["issuer"]["ok"])
    fig["year_stated"] = len(ystated)
    fig["year_identified"] = sum(1 for r in ystated if r["year"]["ok"])
    fig["issuer_resolved"] = sum(1 for r in stated if r["resolved"]["ok"])
    need = [r for r in read if r["identity_notice"]["needed"]]
    fig["identity_unidentified"] = len(need)
    fig["identity_notice"] = sum(1 for r in need if r["identity_notice"]["present"])
    fig["issuer_identified_rate"] = _rate(fig["issuer_identified"], fig["issuer_stated"])
    fig["year_identified_rate"] = _rate(fig["year_identified"], fig["year_stated"])
    fig["issuer_resolved_rate"] = _rate(fig["issuer_resolved"], fig["issuer_stated"])
    fig["identity_notice_rate"] = _rate(fig["identity_notice"], len(need)) if need else 1.0
    pairs = [p for r in rows for p in r["subtopic_headings"]]
    fig["subtopic_headings_listed"] = len(pairs)
    fig["subtopic_headings_recognised"] = sum(1 for p in pairs if p["recognised"])
    fig["subtopic_headings_rate"] = _rate(fig["subtopic_headings_recognised"], fig["subtopic_headings_listed"])
    rules: dict[str, dict] = {}

    def slot(rule: str) -> dict:
        return rules.setdefault(
            rule,
            {**{s: 0 for s in SEVERITIES}, "manifest": 0, "truncation": 0, "unexplained": 0, "expect_found": 0, "expect_labelled": 0},
        )

    for s in SEVERITIES:
        fig[f"findings_{s}"] = 0
        fig[f"unexplained_{s}"] = 0
    for r in rows:
        for f in r["findings"]:
            sev = f["severity"] if f["severity"] in SEVERITIES else "info"
            d = slot(f["rule"])
            d[sev] += 1
            d[f["explained"]] += 1
            fig[f"findings_{sev}"] += 1
            if f["explained"] == "unexplained":
                fig[f"unexplained_{sev}"] += 1
        for e in r["expect"]:
            d = slot(e["rule"])
            d["expect_labelled"] += 1
            d["expect_found"] += int(e["found"])
    expects = [e for r in rows for e in r["expect"]]
    fig["recall_labelled"] = len(expects)
    fig["recall_found"] = sum(1 for e in expects if e["found"])
    fig["recall_rate"] = _rate(fig["recall_found"], fig["recall_labelled"])
    if current_rules is not None:
        now = [e for e in expects if e["rule"] in current_rules]
        fig["recall_current_labelled"] = len(now)
        fig["recall_current_found"] = sum(1 for e in now if e["found"])
    tabled = [r for r in read if r.get("tables") is not None]
    if tabled:
        fig["tables_present"] = sum(len(r["tables"]["present"]) for r in tabled)
        fig["tables_read"] = sum(len(r["tables"]["read"]) for r in tabled)
        fig["table_figures_given"] = sum(r["table_figures"]["given"] for r in tabled if r.get("table_figures"))
        fig["table_figures_reproduced"] = sum(r["table_figures"]["reproduced"] for r in tabled if r.get("table_figures"))
    else:
        fig["tables_present"] = None
        fig["tables_read"] = None
        fig["table_figures_given"] = None
        fig["table_figures_reproduced"] = None
    for rule, d in rules.items():
        fig[f"unexplained.{rule}"] = d["unexplained"]
    return fig, dict(sorted(rules.items()))


def classifier_figures(corpus: Path | None = None) -> dict:
    """Held-out accuracy of the paragraph → subtopic classifier (issue 18), grouped by report.

    By default the figures the training script measured and stored in the shipped model's ``meta``
    (models/subtopic_classifier.json: 5-fold cross-validation by report over the seeds, this corpus and the
    written paragraphs). With ``corpus`` given, they are measured again now by the training script's own
    cross-validation (needs scikit-learn; about a minute) — use it after the corpus or the training data
    changed. Figures: accuracy on paragraphs under standard sub-headings, the same on the real reports only
    (seeds + corpus), and the number of paragraphs scored.
    """
    try:
        from textcheck.analysis.subtopic_classifier import model
    except ImportError:  # a version without the classifier: not measured
        return {}
    meta = model().meta
    fig = {
        "subtopic_classifier_accuracy": meta.get("cv_accuracy_standard_headings"),
        "subtopic_classifier_accuracy_real": meta.get("cv_accuracy_real_reports"),
        "subtopic_classifier_paragraphs": meta.get("cv_paragraphs"),
        "subtopic_classifier_measured": "stored",
    }
    if corpus is not None:
        sys.path.insert(0, str(ROOT / "scripts"))
        import train_subtopic_classifier as tsc

        ex = tsc.load_examples(corpus)
        d = tsc.DEFAULTS
        pred, _proba = tsc.cross_validate(ex, d["max_n"], d["c"], d["max_features"], tsc.lexicon_terms(), d["folds"])
        std = [i for i, e in enumerate(ex) if e.kind == "paragraph" and e.label != "other"]
        real = [i for i in std if ex[i].source != "written"]
        fig.update(
            subtopic_classifier_accuracy=_rate(sum(pred[i] == ex[i].label for i in std), len(std)),
            subtopic_classifier_accuracy_real=_rate(sum(pred[i] == ex[i].label for i in real), len(real)),
            subtopic_classifier_paragraphs=len(std),
            subtopic_classifier_measured="now",
        )
    return fig


def evaluate(corpus: Path = DEFAULT_CORPUS, labels_path: Path = DEFAULT_LABELS, jobs: int = 1, disabled: tuple[str, ...] = (), classifier_cv: bool = False) -> Evaluation:
    files = load_corpus(corpus)
    labels = load_labels(labels_path)
    ids = {f.id for f in files}
    stray = sorted(set(labels) - ids)
    if stray:
        raise ValueError(f"labels name files the manifests do not list: {', '.join(stray)}")
    t0 = time.perf_counter()
    results = run_checker(files, jobs, tuple(sorted(disabled)))
    elapsed = time.perf_counter() - t0
    rows = [evaluate_file(cf, res, labels.get(cf.id), err) for cf, (res, err) in zip(files, results)]
    figures, rules = aggregate(rows, current_rule_ids())
    figures.update(classifier_figures(corpus if classifier_cv else None))
    return Evaluation(rows=rows, figures=figures, rules=rules, elapsed=elapsed, jobs=jobs)


# --------------------------------------------------------------------------------------------- thresholds


def load_thresholds(path: Path) -> dict[str, dict[str, float]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    unknown = set(data) - {"min", "max"}
    if unknown:
        raise ValueError(f"{path}: unknown sections {sorted(unknown)} (use [min] and [max])")
    return {"min": dict(data.get("min", {})), "max": dict(data.get("max", {}))}


def check_thresholds(figures: dict, thresholds: dict[str, dict[str, float]]) -> tuple[list[str], list[str]]:
    """(regressions, improvements). [min]: the figure must not fall below; [max]: must not rise above.
    A per-rule figure (``unexplained.<rule>``) absent from the run counts as 0; any other absent or
    unmeasured figure with a threshold is a regression (a figure must not silently disappear)."""
    bad, better = [], []
    eps = 1e-9
    for kind in ("min", "max"):
        for name, limit in sorted(thresholds.get(kind, {}).items()):
            value = figures.get(name)
            if value is None and name.startswith("unexplained."):
                value = 0
            if value is None:
                bad.append(f"{name}: not measured by this run (threshold {kind} {limit})")
                continue
            if kind == "min" and value < limit - eps:
                bad.append(f"{name} fell to {value} (must stay ≥ {limit})")
            elif kind == "max" and value > limit + eps:
                bad.append(f"{name} rose to {value} (must stay ≤ {limit})")
            elif (kind == "min" and value > limit + eps) or (kind == "max" and value < limit - eps):
                better.append(f"{name}: {value} (threshold {limit}: ratchet it in tests/corpus/thresholds.toml)")
    return bad, better


# --------------------------------------------------------------------------------------------- output


def _frac(x: int | None, y: int | None) -> str:
    if x is None or not y:
        return "n/a"
    return f"{x}/{y} ({x / y:.0%})"


def render_verbose(ev: Evaluation) -> list[str]:
    out = []
    for r in ev.rows:
        if not r["read"]:
            out.append(f"{r['id']}  UNREADABLE  {r['error']}")
            continue
        iss, yr = r["issuer"], r["year"]
        ident = (
            f"issuer {'ok' if iss['ok'] else 'MISS'} ({iss['found']!s} | {iss['expected']}{'' if iss['stated'] else ', not stated'})"
            f" year {'ok' if yr['ok'] else 'MISS'} ({yr['found']!s} | {yr['expected']})"
            f" resolved {'ok' if r['resolved']['ok'] else 'MISS'} ({r['resolved']['found']!s})"
        )
        if r["identity_notice"]["needed"]:
            ident += " notice " + ("yes" if r["identity_notice"]["present"] else "NO")
        heads = r.get("subtopic_headings") or []
        missed_heads = [h["subtopic"] for h in heads if not h["recognised"]]
        fs = r["findings"]
        counts = {k: sum(1 for f in fs if f["explained"] == k) for k in ("manifest", "truncation", "unexplained")}
        exp = r["expect"]
        line = (
            f"{r['id']}  {'report' if r['is_report'] else 'NOT-A-REPORT'}  {ident}"
            f"  headings {sum(1 for h in heads if h['recognised'])}/{len(heads)}"
            + (f" (missed {'、'.join(missed_heads)})" if missed_heads else "")
            + f"  findings {len(fs)}: manifest {counts['manifest']}, truncation {counts['truncation']}, unexplained {counts['unexplained']}"
            + f"  expect {sum(1 for e in exp if e['found'])}/{len(exp)}"
        )
        if r.get("tables") is not None:
            line += f"  tables {len(r['tables']['read'])}/{len(r['tables']['present'])}"
        if r.get("table_figures"):
            line += f"  figures {r['table_figures']['reproduced']}/{r['table_figures']['given']}"
        out.append(line)
        for miss in (r.get("table_figures") or {}).get("missed", ()):
            out.append(f"    - figure not reproduced: {miss}")
        for f in fs:
            if f["explained"] == "unexplained":
                out.append(f"    ? {f['rule']} {f['severity']} line {f['line']} [{f['section'] or '-'}] {f['message']} «{_short(f['text'], 70)}»")
        for e in exp:
            if not e["found"]:
                out.append(f"    - missed {e['rule']}: {e['note']}")
    return out


def render_rules(ev: Evaluation) -> list[str]:
    out = [f"{'rule':26} {'error':>5} {'warn':>5} {'info':>5} | {'manifest':>8} {'trunc':>5} {'unexpl':>6} | expect found"]
    for rule, d in ev.rules.items():
        out.append(
            f"{rule:26} {d['error']:5} {d['warning']:5} {d['info']:5} | {d['manifest']:8} {d['truncation']:5} {d['unexplained']:6}"
            f" | {d['expect_found']}/{d['expect_labelled']}"
        )
    return out


def render_summary(ev: Evaluation) -> list[str]:
    f = ev.figures
    unread = [r["id"] for r in ev.rows if not r["read"]]
    lines = [
        f"files read: {f['files_read']}/{f['files_total']} (pages {f['files_pages']}, full {f['files_full']})"
        + (f"; unreadable: {', '.join(unread)}" if unread else "; unreadable: none"),
        f"not-a-report: {f['not_a_report']} of {f['files_read']} (target 0)",
        f"issuer identified {_frac(f['issuer_identified'], f['issuer_stated'])}, year identified "
        f"{_frac(f['year_identified'], f['year_stated'])}, issuer resolved in the gazetteer {_frac(f['issuer_resolved'], f['issuer_stated'])} (target ≥95%)",
        f"identity notice ({'/'.join(IDENTITY_NOTICE_RULES)}) on {f['identity_notice']}/{f['identity_unidentified']} files not fully identified (target all)",
        f"subtopic sub-headings recognised by heading: {_frac(f['subtopic_headings_recognised'], f['subtopic_headings_listed'])}"
        f" (rate {f['subtopic_headings_rate']}, target ≥0.97)",
        f"findings: {f['findings_error']} error, {f['findings_warning']} warning, {f['findings_info']} info; "
        f"unexplained: {f['unexplained_warning']} warning, {f['unexplained_info']} info",
    ]
    worst = sorted(((d["unexplained"], r) for r, d in ev.rules.items() if d["unexplained"]), key=lambda x: (-x[0], x[1]))
    if worst:
        lines.append("unexplained by rule: " + ", ".join(f"{r} {n}" for n, r in worst))
    lines.append(f"ERROR-LEVEL UNEXPLAINED: {f['unexplained_error']} (target 0; -v lists them)")
    rec = f"recall: {_frac(f['recall_found'], f['recall_labelled'])} manifest defects labelled for a rule found"
    if "recall_current_labelled" in f:
        rec += f" ({f['recall_current_found']}/{f['recall_current_labelled']} of those whose rule exists in this version)"
    lines.append(rec)
    if f["tables_read"] is None:
        lines.append("tables: not read by this version (no 'tables' in the results)")
    else:
        lines.append(f"tables read / tables present: {f['tables_read']}/{f['tables_present']}; "
                     f"table figures of the manifests reproduced: {f['table_figures_reproduced']}/{f['table_figures_given']}")
    if f.get("subtopic_classifier_accuracy") is not None:
        lines.append(
            f"subtopic classifier: held-out accuracy {f['subtopic_classifier_accuracy']:.3f} on "
            f"{f['subtopic_classifier_paragraphs']} paragraphs under standard headings, "
            f"{f['subtopic_classifier_accuracy_real']:.3f} on those from real reports "
            f"(5-fold by report; {'measured now' if f['subtopic_classifier_measured'] == 'now' else 'as trained, --classifier-cv re-measures'}; target ≥0.9)"
        )
    lines.append(f"time: {ev.elapsed:.1f} s to check {f['files_read']} files ({ev.jobs} process{'es' if ev.jobs > 1 else ''})")
    return lines


def to_json(ev: Evaluation) -> str:
    return json.dumps({"figures": ev.figures, "rules": ev.rules, "files": ev.rows}, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Measure textcheck on the development corpus of real reports.")
    ap.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS), help="corpus folder (default ../shared/corpus)")
    ap.add_argument("-v", "--verbose", action="store_true", help="one line per file, every unexplained finding and every missed label")
    ap.add_argument("--json", action="store_true", help="print all figures and per-file rows as JSON")
    ap.add_argument("--check", action="store_true", help="compare with the thresholds; exit 1 on any regression")
    ap.add_argument("--labels", default=str(DEFAULT_LABELS))
    ap.add_argument("--thresholds", default=str(DEFAULT_THRESHOLDS))
    ap.add_argument("--jobs", type=int, default=1, help="processes (the machine has 2 cores)")
    ap.add_argument(
        "--disable", action="append", default=[], metavar="RULE",
        help="run without a rule, e.g. --disable not-a-report to see what the other rules say on rejected files (not with --check)",
    )
    ap.add_argument(
        "--classifier-cv", action="store_true",
        help="re-measure the subtopic classifier's held-out accuracy now (scikit-learn, about a minute)",
    )
    args = ap.parse_args(argv)
    if args.disable and args.check:
        ap.error("--check measures the checker as shipped: drop --disable")
    corpus = Path(args.corpus)
    if not (corpus / "pages" / "manifest.json").is_file():
        print(f"no corpus at {corpus} (expected pages/manifest.json and full/manifest.json)", file=sys.stderr)
        return 2
    ev = evaluate(corpus, Path(args.labels), jobs=args.jobs, disabled=tuple(args.disable), classifier_cv=args.classifier_cv)
    if args.json:
        sys.stdout.write(to_json(ev))
    else:
        out = []
        if args.verbose:
            out += render_verbose(ev) + [""]
        out += render_rules(ev) + [""] + render_summary(ev)
        print("\n".join(out))
    if args.check:
        bad, better = check_thresholds(ev.figures, load_thresholds(Path(args.thresholds)))
        stream = sys.stderr if args.json else sys.stdout
        for msg in better:
            print(f"improved: {msg}", file=stream)
        for msg in bad:
            print(f"REGRESSION: {msg}", file=stream)
        print("check: " + (f"{len(bad)} figure(s) regressed" if bad else "no figure regressed"), file=stream)
        return 1 if bad else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
