"""The whole batch: check every file (``worker``), match reports against each other (``match``), make
the cross-report-copy findings (the rule loop), score every report (``score``): ``run_batch``."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

from textcheck.batch.match import CrossMatch, cross_match, issuer_name
from textcheck.batch.options import batch_options
from textcheck.batch.score import score, score_weights
from textcheck.batch.store import ReportRow
from textcheck.batch.worker import run_checks
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
) -> BatchResult:
    """Check ``files``, match them against each other, score them. ``progress(n)`` after each checked
    file; ``stage(name)`` when a later stage starts ("match", then "score")."""
    opts = batch_options(config)
    weights = score_weights(config)
    records = run_checks(files, config, jobs=jobs, cache_dir=cache_dir, use_cache=use_cache,
                         max_bytes=max_bytes, progress=progress)
    specs = all_rules()
    categories = {s.id: s.category for s in specs}
    rule_ids = [s.id for s in sorted(specs, key=lambda s: s.scope != "report")
                if s.scope in ("report", "batch") and s.id not in config.disabled]
    copy_enabled = "cross-report-copy" in rule_ids
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

    @functools.lru_cache(maxsize=8)  # a page reads its report's findings several times
    def report_findings(i: int) -> list[Finding]:
        rec = records[i]
        res = rec.get("result") or {}
        findings = [Finding.from_dict(d) for d in res.get("findings", [])]
        if rec.get("status") == "ok" and copy_enabled:
            shared = shared_paragraphs(rec, cm.matches.get(i, {}), records, int(opts["max_related"]))
            findings = sorted(findings + run_rules("batch", shared, config), key=lambda f: f.sort_key)
        return findings

    for i, rec in enumerate(records):
        res = rec.get("result") or {}
        findings = report_findings(i)
        counts = {rid: 0 for rid in rule_ids}
        for f in findings:
            counts[f.rule] = counts.get(f.rule, 0) + 1
        total = parts = None
        ratio = cm.copy_ratio.get(i) if rec.get("status") == "ok" else None
        if rec.get("status") == "ok":
            total, parts = score(res, findings, rec.get("narrative_chars", 0), ratio or 0.0, weights, categories)
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
        }, {"findings": functools.partial(report_findings, i),
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
    }
    return BatchResult(reports=reports, groups=cm.groups, rule_ids=rule_ids, stats=stats)


def _lines(records, i: int) -> list[str]:
    return records[i].get("lines") or []


def shared_paragraphs(rec: dict[str, Any], para_matches: dict[int, list[tuple[int, int, float]]],
                      records: list[dict[str, Any]], max_related: int) -> SharedParagraphs:
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
                            "similarity": sim})
        matches.append({"line": para["line"], "end_line": para["end_line"], "section": para["section"],
                        "raw": para["raw"], "related": related, "shared_with": len(ranked)})
    return SharedParagraphs(path=rec["path"], matches=tuple(matches))
