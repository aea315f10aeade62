"""Paragraphs repeated inside one report (pasted twice, or pasted and lightly edited)."""

from __future__ import annotations

import re

from textcheck.model import Block, Document, Related, Severity, shorten
from textcheck.resources import cut
from textcheck.rules import Context, Hit, rule

_STRIP = re.compile(r"[\s\W_]+", re.UNICODE)


def comparable(text: str) -> str:
    """Text with whitespace and punctuation removed: what two copies share even when re-punctuated."""
    return _STRIP.sub("", text)


def candidate_pairs(texts: list[str], min_cosine: float) -> list[tuple[int, int, float]]:
    """Pairs (i < j) whose TF-IDF cosine on jieba words is at least ``min_cosine``."""
    if len(texts) < 2:
        return []
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(tokenizer=cut, token_pattern=None, lowercase=False, norm="l2", sublinear_tf=True)
    try:
        matrix = vec.fit_transform(texts)
    except ValueError:  # no tokens at all
        return []
    sims = (matrix @ matrix.T).tocoo()
    out = [(int(i), int(j), float(v)) for i, j, v in zip(sims.row, sims.col, sims.data) if i < j and v >= min_cosine]
    return sorted(out)


@rule(
    "duplicate-paragraph",
    severity="error",
    summary="同一段文字在报告中出现两次（完全相同为错误，基本相同为警告）",
    category="duplication",
    options={"min_chars": 20, "near_threshold": 85, "candidate_cosine": 0.5},
)
def duplicate_paragraph(doc: Document, ctx: Context):
    """What：找出报告内重复的正文段落（不含标题和表格）。先用结巴分词加 TF-IDF 余弦相似度找候选段落对，
    再用 rapidfuzz 计算字符级相似度：完全相同（忽略空白和标点）为错误，相似度不低于 near_threshold
    （默认 85%）为警告。后出现的段落指向第一次出现的位置。

    Why：整段重复粘贴是“内容雷同”最直接的表现。

    Example：大章镇报告第 33–55 行把（一）至（四）的内容又粘贴了一遍。
    """
    from rapidfuzz import fuzz

    min_chars = int(ctx.options["min_chars"])
    near = float(ctx.options["near_threshold"])
    paras: list[Block] = [b for b in doc.narrative() if len(comparable(b.text)) >= min_chars]
    keys = [comparable(b.text) for b in paras]
    first_copy: dict[int, tuple[int, float]] = {}  # later index -> (earlier index, similarity)
    seen: dict[str, int] = {}
    for idx, key in enumerate(keys):
        if key in seen:
            first_copy[idx] = (seen[key], 100.0)
        else:
            seen[key] = idx
    for i, j, _cos in candidate_pairs([b.text for b in paras], float(ctx.options["candidate_cosine"])):
        if j in first_copy and first_copy[j][1] >= 100.0:
            continue
        score = fuzz.ratio(keys[i], keys[j])
        if score >= near and (j not in first_copy or score > first_copy[j][1]):
            root = first_copy.get(i, (i, 100.0))[0] if i in first_copy and first_copy[i][1] >= 100.0 else i
            first_copy[j] = (root, round(score, 1))
    for j in sorted(first_copy):
        i, score = first_copy[j]
        a, b = paras[i], paras[j]
        exact = score >= 100.0
        yield Hit(
            message=(
                f"这一段与第 {a.line} 行的段落完全相同"
                if exact
                else f"这一段与第 {a.line} 行的段落基本相同（相似度 {score:.0f}%）"
            ),
            suggestion="删除重复粘贴的段落；如果两处确实都需要，请改写后一处，写出不同的具体内容。",
            line=b.line,
            end_line=b.end_line,
            text=shorten(b.raw, 120),
            section=b.section,
            related=(Related(line=a.line, end_line=a.end_line, text=shorten(a.raw, 120)),),
            severity=None if exact else Severity.WARNING,
            confidence=1.0 if exact else round(min(1.0, score / 100.0), 3),
            evidence={"similarity": score, "exact": exact},
        )
