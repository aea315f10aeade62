"""The whole batch: check every file (``worker``), match reports against each other (``match``), make
the cross-report-copy findings (the rule loop), score every report (``score``): ``run_batch``."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

from textcheck.batch.match import CrossMatch, cross_match, issuer_name
from textcheck.batch.options import batch_options
from textcheck.batch.score import score, score_weights
from textcheck.batch.decisions import DISMISSED
from textcheck.batch.duplicates import find_duplicates
from textcheck.batch.review import missing_units, own_copy_ratio, review_of, year_and_date
from textcheck.batch.store import Records, ReportRow, Spill
from textcheck.batch.units import expected_units
from textcheck.batch.worker import run_checks
from textcheck.batch.years import compare_pairs, find_pairs, pair_findings
from textcheck.config import Config
from textcheck.engine import run_rules
from textcheck.finding import Finding, count_by_severity
from textcheck.readers import DEFAULT_MAX_BYTES
from textcheck.rules import all_rules
from textcheck.rules.cross_report_copy import SharedParagraphs

STATUS_LABEL = {"ok": "已检查", "not-report": "不是年度报告", "unreadable": "无法读取"}


@dataclass
class BatchResult:
    reports: list[dict[str, Any]]  # one row per file, in path order; "findings" are Finding objects
    # (rows are ``store.ReportRow``: "findings" and "lines" are read from the cache on access)
    groups: list[dict[str, Any]]
    rule_ids: list[str]
    stats: dict[str, Any]
    expected: list[dict[str, Any]] = dataclasses.field(default_factory=list)  # --expect: regions and units without a report

    def findings(self) -> Iterable[Finding]:
        for r in self.reports:
            yield from r["findings"]

    @functools.cached_property
    def index_of(self) -> dict[str, int]:
        """Report path -> its position in ``reports`` (built once, for links between pages)."""
        return {r["path"]: k for k, r in enumerate(self.reports)}

    @functools.cached_property
    def group_position(self) -> dict[str, int]:
        """Copy group id -> its position in ``groups``."""
        return {g["id"]: k for k, g in enumerate(self.groups)}


def run_batch(
    files: Sequence[str],
    config: Config,
    *,
    jobs: int = 1,
    cache_dir: str | None = None,
    use_cache: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Callable[[int], None] | None = None,
    stage: Callable[[str], None] | None = None,
    history: Sequence[str] = (),
    decisions: dict[str, tuple[str, str]] | None = None,
    expect: Sequence[str] = (),
    pair_page: Callable[[Any], str] | None = None,
) -> BatchResult:
    """Check ``files``, match them against each other, score them. ``progress(n)`` after each checked
    file; ``stage(name)`` when a later stage starts ("years", "match", then "score").

    ``history``: earlier years' reports, checked and paired with the same unit's next year but not
    scored nor listed; ``decisions``: the reviewer's (``decisions.load_decisions``); ``expect``: regions
    whose units without a report are listed; ``pair_page``: renders a year pair's side-by-side page
    (``CompareResult`` -> HTML), called in the worker processes."""
    opts = batch_options(config)
    weights = score_weights(config)
    expected = [expected_units(r) for r in expect]  # ValueError for an unknown region, before any work
    all_records = run_checks(list(files) + list(history), config, jobs=jobs, cache_dir=cache_dir,
                             use_cache=use_cache, max_bytes=max_bytes, progress=progress)
    # the scored reports: the first len(files) records, still read from the cache on access
    records = Records(all_records.store, all_records.summaries[: len(files)]) if history else all_records
    if stage:
        stage("years")
    pairs = find_pairs(all_records, range(len(files)))
    previous = dict(zip((n for _, n in pairs), compare_pairs(
        all_records, pairs, config, jobs=jobs, cache_dir=cache_dir, use_cache=use_cache, max_bytes=max_bytes,
        page=pair_page)))
    duplicates = find_duplicates(records, float(opts["threshold"]))
    specs = all_rules()
    categories = {s.id: s.category for s in specs}
    rule_ids = [s.id for s in sorted(specs, key=lambda s: s.scope != "report")
                if s.scope in ("report", "batch") and s.id not in config.disabled]
    copy_enabled = "cross-report-copy" in rule_ids
    batch_rules = any(s.scope == "batch" and s.id in rule_ids for s in specs)
    if stage:
        stage("match")
    cm = cross_match(records, opts) if copy_enabled else CrossMatch()
    if stage:
        stage("score")
    group_of: dict[int, list[str]] = {}
    for g in cm.groups:
        for r in g["records"]:
            group_of.setdefault(r, []).append(g["id"])
        del g["records"]
    reports = []
    spill = Spill()  # each report's findings, computed once here, read back by the pages one at a time

    def findings_and_ratio(i: int) -> tuple[list[Finding], float | None]:
        rec = records[i]
        res = rec.get("result") or {}
        findings = [Finding.from_dict(d) for d in res.get("findings", [])]
        ratio = cm.copy_ratio.get(i) if rec.get("status") == "ok" else None
        if rec.get("status") == "ok" and batch_rules:
            shared = shared_paragraphs(rec, cm.matches.get(i, {}) if copy_enabled else {}, records,
                                       int(opts["max_related"]), duplicates.get(i, ()))
            batch_found = run_rules("batch", shared, config)
            ratio = own_copy_ratio(rec, batch_found) if copy_enabled else ratio
            findings = findings + batch_found
        findings = sorted(findings + [f for f in pair_findings(previous.get(i)) if f.rule not in config.disabled],
                          key=lambda f: f.sort_key)
        return findings, ratio

    for i, rec in enumerate(records):
        res = rec.get("result") or {}
        findings, ratio = findings_and_ratio(i)
        prev = previous.get(i)
        review = review_of(rec, findings, decisions)
        verdicts = [d for d, _ in review["decisions"]]
        spill.append({"findings": [f.to_dict() for f in findings], "fingerprints": review.pop("fingerprints"),
                      "decisions": review["decisions"]})
        counts: dict[str, int] = {}  # only the rules with findings (a national batch keeps one per report)
        for f in findings:
            counts[f.rule] = counts.get(f.rule, 0) + 1
        total = parts = None
        if rec.get("status") == "ok":
            counted = [f for f, d in zip(findings, verdicts) if d != DISMISSED]
            total, parts = score(res, counted, rec.get("narrative_chars", 0), ratio or 0.0, weights, categories,
                                 prior_ratio=(prev or {}).get("ratio"))
        shared_with: dict[str, int] = {}
        for plist in cm.matches.get(i, {}).values():
            for other in {o for o, _, _ in plist}:
                shared_with[records[other]["path"]] = shared_with.get(records[other]["path"], 0) + 1
        resolved = res.get("resolved_issuer") or {}
        reports.append(ReportRow({  # findings and lines: read from the cache when a page needs them
            "path": rec["path"],
            "status": rec["status"],
            "status_label": STATUS_LABEL[rec["status"]],
            "error": rec.get("error"),
            "cached": bool(rec.get("cached")),
            "issuer": issuer_name(rec),
            "level": resolved.get("level"),
            "year": res.get("year"),
            "score": total,
            "breakdown": parts,
            "counts": counts,
            "copy_ratio": ratio,
            "shared_with": dict(sorted(shared_with.items())),
            "groups": group_of.get(i, []),
            "summary": count_by_severity(findings),
            "previous": prev,
            "prior_ratio": (prev or {}).get("ratio"),
            "pending": sum(1 for d in verdicts if d == "pending"),
            "dismissed": sum(1 for d in verdicts if d == DISMISSED),
            **{k: v for k, v in review.items() if k != "decisions"},
        }, {"findings": functools.partial(_spilled, spill, i),
            "fingerprints": functools.partial(_spilled_part, spill, i, "fingerprints"),
            "decisions": functools.partial(_spilled_part, spill, i, "decisions"),
            "lines": functools.partial(_lines, records, i)}))
    stats = {
        "files": len(records),
        "checked": sum(1 for r in records if not r.get("cached")),
        "cached": sum(1 for r in records if r.get("cached")),
        "reports": sum(1 for r in records if r.get("status") == "ok"),
        "not_reports": sum(1 for r in records if r.get("status") == "not-report"),
        "unreadable": sum(1 for r in records if r.get("status") == "unreadable"),
        "paragraphs": cm.paragraphs,
        "template_paragraphs": cm.template_paragraphs,
        "boilerplate_paragraphs": cm.boilerplate_paragraphs,
        "candidate_pairs": cm.candidates,
        "copy_groups": len(cm.groups),
        "history": len(history),
        "year_pairs": len(pairs),
        "duplicates": len(duplicates),
    }
    return BatchResult(reports=reports, groups=cm.groups, rule_ids=rule_ids, stats=stats,
                       expected=missing_units(expected, reports))


def _spilled(spill: Spill, i: int) -> list[Finding]:
    """A report's final findings (a new list each time; the findings are frozen, built once per report)."""
    return list(spill.derived(i, "findings", _findings_of))


def _findings_of(value: dict[str, Any]) -> tuple[Finding, ...]:
    return tuple(Finding.from_dict(d) for d in value["findings"])


def _spilled_part(spill: Spill, i: int, name: str) -> list:
    """A report's finding fingerprints, or its (decision, comment) per finding."""
    value = spill[i][name]
    return [tuple(v) for v in value] if name == "decisions" else list(value)


def _lines(records, i: int) -> list[str]:
    return records[i].get("lines") or []


def shared_paragraphs(rec: dict[str, Any], para_matches: dict[int, list[tuple[int, int, float]]],
                      records: list[dict[str, Any]], max_related: int,
                      duplicates: Sequence[dict[str, Any]] = ()) -> SharedParagraphs:
    """What cross-report-copy sees of one report: each matched paragraph with (at most
    ``max_related``) other reports sharing it, the most similar first, one entry per report."""
    matches = []
    for p in sorted(para_matches):
        para = rec["paragraphs"][p]
        best: dict[str, tuple[int, int, float]] = {}
        for other, op, sim in para_matches[p]:
            path = records[other]["path"]
            if path not in best or sim > best[path][2]:
                best[path] = (other, op, sim)
        ranked = sorted(best.values(), key=lambda t: (-t[2], records[t[0]]["path"], t[1]))
        related = []
        for other, op, sim in ranked[:max_related]:
            q = records[other]["paragraphs"][op]
            related.append({"path": records[other]["path"], "line": q["line"], "end_line": q["end_line"],
                            "text": q["raw"], "section": q["section"], "issuer": issuer_name(records[other]),
                            "similarity": sim, **year_and_date(records[other])})
        matches.append({"line": para["line"], "end_line": para["end_line"], "section": para["section"],
                        "raw": para["raw"], "related": related, "shared_with": len(ranked)})
    return SharedParagraphs(path=rec["path"], matches=tuple(matches), duplicates=tuple(duplicates),
                            **year_and_date(rec))
