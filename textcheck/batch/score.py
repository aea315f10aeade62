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
    "carryover": 10,  # 与上年重复率 at most carryover_threshold, last year's years and numbers updated
    "narrative": 10,  # the writing: no empty part, no stock phrases for the problems, no doubled words
    "carryover_threshold": 0.5,  # not a weight: 与上年度重复率大于 50% 扣分
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
    "carryover": "未照搬上年报告",
    "narrative": "文字质量",
    "other": "其他问题扣分",
}
_COVERED_RULES = {
    "section-missing", "section-duplicate", "section-order", "subtopic-missing", "duplicate-paragraph",
    "fee-statement-missing", "overview-too-long", "not-a-report", "cross-report-copy",
    "problems-carryover", "stale-year", "stale-number", "duplicate-submission",
    "empty-section", "generic-problems", "repeated-word", "subtopic-heading-mismatch", "overview-focus",
}
# narrative rules: points off the "narrative" fraction per finding
NARRATIVE_PENALTY = {"empty-section": 0.25, "generic-problems": 0.25, "repeated-word": 0.1,
                     "subtopic-heading-mismatch": 0.1, "overview-focus": 0.1}
# last year's leftovers: points off the "carryover" fraction per finding
CARRYOVER_PENALTY = {"problems-carryover": 0.5, "stale-year": 0.25, "stale-number": 0.1}
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
        if k == "carryover_threshold" and value > 1:
            raise ConfigError(f"[score] {key} 是比例，应在 0 到 1 之间（如 0.5 表示 50%）", path=config.source)
        weights[k] = float(value)
    return weights


def score(result: dict[str, Any], findings: list[Finding], narrative_chars: int, copy_ratio: float,
          weights: dict[str, float], categories: dict[str, str], *,
          prior_ratio: float | None = None) -> tuple[float, dict[str, float]]:
    """(score 0-100, points per component) of one report: ``result`` is its check result
    (``CheckResult.to_dict``), ``findings`` all its findings that count (batch and year-pair ones
    included, those the reviewer dismissed left out). Each component is a fraction 0..1 times its
    weight; ``categories`` maps rule ids to their categories; ``prior_ratio`` is 与上年重复率 (None
    when the batch has no report of the year before)."""
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
        "carryover": (0.0 if prior_ratio is not None and prior_ratio > weights["carryover_threshold"] else 1.0)
        - sum(w * n(r) for r, w in CARRYOVER_PENALTY.items()),
        "narrative": 1 - sum(w * n(r) for r, w in NARRATIVE_PENALTY.items()),
    }
    total_w = sum(weights[k] for k in frac) or 1.0
    parts = {k: round(100.0 * weights[k] * max(0.0, min(1.0, v)) / total_w, 1) for k, v in frac.items()}
    other = [f for f in findings if f.rule not in _COVERED_RULES and categories.get(f.rule) not in _IDENTITY_CATEGORIES]
    per = {Severity.ERROR: weights["other_error"], Severity.WARNING: weights["other_warning"]}
    penalty = sum(per.get(f.severity, 0) for f in other)
    parts["other"] = -round(float(min(penalty, weights["other_max"])), 1)
    total = max(0.0, min(100.0, sum(parts.values())))
    return round(total, 1), parts


# score bands: (lowest score, label, colour) from the best down; the xlsx and index.html colour by them
SCORE_BANDS = ((90.0, "优", "c6efce"), (75.0, "良", "e2f0d9"), (60.0, "中", "ffeb9c"), (0.0, "差", "ffc7ce"))


def score_band(value: float | None) -> tuple[str, str] | None:
    """(label, colour hex) of a score's band, None for no score."""
    if value is None:
        return None
    for low, label, colour in SCORE_BANDS:
        if value >= low:
            return label, colour
    return SCORE_BANDS[-1][1], SCORE_BANDS[-1][2]
