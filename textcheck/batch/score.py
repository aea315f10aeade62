"""The batch score of one report (0–100): the rubric of docs/scoring.md, weights from ``[score]``."""

from __future__ import annotations

from typing import Any

from textcheck.config import Config
from textcheck.errors import ConfigError
from textcheck.finding import Finding, Severity

SCORE_WEIGHTS: dict[str, float] = {
    "structure": 25,
    "subtopics": 20,
    "duplication": 15,
    "identity": 10,
    "fee": 10,
    "length": 10,
    "copying": 10,
    "other_error": 2,  # points off per error of a rule not covered above
    "other_warning": 1,  # points off per warning of a rule not covered above
    "other_max": 20,  # at most this many points off for those
}
SCORE_LABEL = {
    "structure": "结构完整",
    "subtopics": "总体情况五个方面",
    "duplication": "无重复段落",
    "identity": "发布机关和年度",
    "fee": "信息处理费说明",
    "length": "篇幅",
    "copying": "未抄袭其他单位",
    "other": "其他问题扣分",
}
_COVERED_RULES = {
    "section-missing", "section-duplicate", "section-order", "subtopic-missing", "duplicate-paragraph",
    "fee-statement-missing", "overview-too-long", "not-a-report", "cross-report-copy",
}
_IDENTITY_CATEGORIES = {"identity"}
MIN_NARRATIVE_CHARS = 800


def score_weights(config: Config) -> dict[str, float]:
    """The default weights overridden by ``[score]``; ``ConfigError`` for an unknown or bad weight."""
    weights = dict(SCORE_WEIGHTS)
    for key, value in (config.score or {}).items():
        k = key.replace("-", "_")
        if k not in weights:
            raise ConfigError(f"[score] 没有权重 {key}（可用：{'、'.join(SCORE_WEIGHTS)}）", path=config.source)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
            raise ConfigError(f"[score] {key} 应是不小于 0 的数字", path=config.source)
        weights[k] = float(value)
    return weights


def score(result: dict[str, Any], findings: list[Finding], narrative_chars: int, copy_ratio: float,
          weights: dict[str, float], categories: dict[str, str]) -> tuple[float, dict[str, float]]:
    """(score 0-100, points per component) of one report: ``result`` is its check result
    (``CheckResult.to_dict``), ``findings`` all its findings, batch ones included. Each component is a
    fraction 0..1 times its weight; ``categories`` maps rule ids to their categories."""
    count: dict[tuple[str, str], int] = {}
    for f in findings:
        count[(f.rule, f.severity.value)] = count.get((f.rule, f.severity.value), 0) + 1

    def n(rule: str, sev: str | None = None) -> int:
        return sum(v for (r, s), v in count.items() if r == rule and (sev is None or s == sev))

    present = sum(1 for s in result.get("sections", []) if s.get("present"))
    frac = {
        "structure": present / 6 - 0.25 * n("section-duplicate") - 0.15 * n("section-order"),
        "subtopics": (sum(1 for s in result.get("subtopics", []) if s.get("covered")) / 5) if result.get("subtopics") else 0.0,
        "duplication": 1 - 0.2 * n("duplicate-paragraph", "error") - 0.1 * n("duplicate-paragraph", "warning")
        - 0.1 * n("duplicate-paragraph", "info"),
        "identity": 0.5 * bool(result.get("issuer")) + 0.5 * bool(result.get("year"))
        - 0.25 * sum(1 for f in findings if categories.get(f.rule) in _IDENTITY_CATEGORIES),
        "fee": 0.0 if n("fee-statement-missing") else 1.0,
        "length": min(1.0, narrative_chars / MIN_NARRATIVE_CHARS) - 0.5 * bool(n("overview-too-long")),
        "copying": 1 - 2 * copy_ratio,
    }
    total_w = sum(weights[k] for k in frac) or 1.0
    parts = {k: round(100.0 * weights[k] * max(0.0, min(1.0, v)) / total_w, 1) for k, v in frac.items()}
    other = [f for f in findings if f.rule not in _COVERED_RULES and categories.get(f.rule) not in _IDENTITY_CATEGORIES]
    per = {Severity.ERROR: weights["other_error"], Severity.WARNING: weights["other_warning"]}
    penalty = sum(per.get(f.severity, 0) for f in other)
    parts["other"] = -round(float(min(penalty, weights["other_max"])), 1)
    total = max(0.0, min(100.0, sum(parts.values())))
    return round(total, 1), parts
