"""Rules that need a whole batch of reports: run by ``textcheck batch``, not by the engine."""

from __future__ import annotations

from typing import Any, Iterable

from textcheck.document import Document, shorten
from textcheck.finding import Related
from textcheck.parse import SECTION_TITLE
from textcheck.rules import Context, Hit, get_rule, rule


@rule(
    "cross-report-copy",
    severity="warning",
    summary="段落与其他单位的报告基本相同（内容雷同、相互抄袭；仅 batch 批量检查）",
    category="duplication",
    scope="batch",
)
def cross_report_copy(doc: Document, ctx: Context):
    """What：在一批报告中，找出与其他发布机关的报告基本相同的正文段落（去掉空白和标点后，
    rapidfuzz 相似度不低于 [batch] threshold，默认 90%）。先用 MinHash 局部敏感哈希找候选段落，
    再逐对核实，不做全部两两比较。模板用语占大部分的段落、以及同一批中大量单位都有的通用段落不计。
    同一发布机关的不同报告（例如不同年度）之间的相同段落不算抄袭。

    Why：政务公开办审核下级报告时，要发现“内容雷同、相互抄袭”：一个单位照搬另一个单位的报告，
    往往连单位名称、数字都没改全。

    Example：甲镇报告“（二）依申请公开方面”一段与乙镇报告第 12 行的段落相似度 97% → 警告，
    并列出乙镇报告的文件和行号。
    """
    yield from hits_from_matches(ctx.memo.get("cross_report_matches", []))


def hits_from_matches(matches: Iterable[dict[str, Any]]) -> Iterable[Hit]:
    """``matches``: one dict per paragraph of this report shared with other issuers' reports:
    line, end_line, section, raw, related (list of dicts: path, line, end_line, text, issuer, similarity)."""
    for m in matches:
        rel = m["related"]
        best = rel[0]
        others = sorted({r["issuer"] or "（未识别）" for r in rel})
        more = f"等 {m['shared_with']} 份报告" if m["shared_with"] > 1 else ""
        who = best["issuer"] or "其他单位"
        yield Hit(
            message=(
                f"这一段与{who}的报告（{best['path']} 第 {best['line']} 行）"
                f"{'完全相同' if best['similarity'] >= 100 else '基本相同（相似度 %.0f%%）' % best['similarity']}"
                + (f"，还出现在{more}中" if more else "")
            ),
            suggestion="结合本单位本年度的实际工作重新撰写这一段，写出本单位的具体做法和数据，不要照搬其他单位的报告。",
            line=m["line"],
            end_line=m["end_line"],
            text=shorten(m["raw"], 120),
            section=m["section"],
            related=tuple(
                Related(line=r["line"], end_line=r["end_line"], text=shorten(r["text"], 120), path=r["path"],
                        section=SECTION_TITLE.get(r["section"], r["section"]) if r["section"] else None)
                for r in rel
            ),
            confidence=round(min(1.0, best["similarity"] / 100.0), 3),
            evidence={
                "similarity": best["similarity"],
                "other_issuer": best["issuer"],
                "other_issuers": others,
                "shared_with": m["shared_with"],
            },
        )


def copy_findings(rec: dict[str, Any], index: int, para_matches: dict[int, list[tuple[int, int, float]]],
                  records: list[dict[str, Any]], config: Any, max_related: int) -> list[dict[str, Any]]:
    """Finding dicts (same schema as ``check --format json``) for one report of a batch."""
    from textcheck.batch import issuer_name

    spec = get_rule("cross-report-copy")
    severity = (config.severities.get(spec.id) if config is not None else None) or spec.severity
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
    out = []
    for hit in hits_from_matches(matches):
        d = {
            "rule": spec.id,
            "severity": severity.value,
            "message": hit.message,
            "suggestion": hit.suggestion,
            "line": hit.line,
            "end_line": hit.end_line,
            "section": SECTION_TITLE.get(hit.section, hit.section) if hit.section else None,
            "text": hit.text,
            "path": rec["path"],
            "related": [
                {"line": r.line, "end_line": r.end_line, "text": r.text, "path": r.path, "section": r.section}
                for r in hit.related
            ],
            "confidence": hit.confidence,
            "evidence": dict(sorted(hit.evidence.items())),
        }
        out.append(d)
    return out
