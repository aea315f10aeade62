"""Paragraphs repeated inside one report (pasted twice, or pasted and lightly edited)."""

from __future__ import annotations

import bisect
import functools
import re
import struct

from textcheck.document import Block, BlockKind, Document, shorten
from textcheck.finding import Related, Severity
from textcheck.resources import cut
from textcheck.rules import Context, Fix, Hit, delete_lines, rule
from textcheck.text import comparable, template_share

_TITLE = re.compile(r"(?:政府信息公开|政务公开|信息公开)[^。]{0,20}(?:年度报告|工作报告|年报)")
TEMPLATE_SHARE = 0.8  # a paragraph this much template wording is the format's, not the drafter's


def _counts(b: Block) -> bool:
    """Whether a paragraph can be a copy-paste duplicate: not the report's title (a web page shows it
    twice: as the page title and above the text), not template wording of the format (a table header
    repeated at a page break, 本列数据的勾稽关系为……)."""
    t = b.text.strip()
    if len(t) <= 90 and "。" not in t[:-1] and _TITLE.search(t):
        return False
    return template_share(t) < TEMPLATE_SHARE


# Up to this many distinct paragraphs every pair is scored (exactly as before: a real report has at
# most a few hundred paragraphs, so the all-pairs matrix costs well under a second). Above it, pairs
# are first proposed by MinHash buckets and only the proposed pairs are scored (near-linear).
EXACT_PAIRS_LIMIT = 800
_BANDS, _ROWS = 16, 2  # MinHash LSH: 16 bands of 2 hashes (a Jaccard-0.5 pair is proposed with p > 0.99)
_WINDOW = 4  # in a bucket, a paragraph is paired with the bucket's first member and its 4 predecessors


def similar_pairs(texts: list[str], min_score: float, chars: list[str] | None = None) -> dict[tuple[int, int], float]:
    """Pairs (i < j) of ``texts`` whose similarity is at least ``min_score`` (0-100).

    Two rapidfuzz scorers: ``ratio`` on characters (edits in place) and ``token_sort_ratio`` on jieba
    words joined by spaces (the same sentences in another order). The pair's score is the higher of
    the two. Candidate generation comes first (``_candidates``); only candidate pairs are scored.
    ``chars``: ``comparable`` of each text, when the caller has them already.
    """
    if len(texts) < 2:
        return {}
    if chars is None:
        chars = [comparable(t) for t in texts]
    reps, out = _exact_buckets(chars, min_score)
    if len(reps) < 2:
        return out
    words = {}
    for i in reps:
        words[i] = " ".join(filter(_has_comparable, cut(texts[i])))
    for (i, j), v in _score_candidates(reps, chars, words, min_score).items():
        out[(i, j)] = v
    return out


@functools.lru_cache(maxsize=1 << 16)
def _has_comparable(word: str) -> bool:
    """Whether ``word`` keeps a character under ``comparable`` (words repeat across paragraphs and
    reports: 的, 政府, 公开 …, so the answer is kept for the process)."""
    return bool(comparable(word))


def _exact_buckets(chars: list[str], min_score: float) -> tuple[list[int], dict[tuple[int, int], float]]:
    """Identical texts (after ``comparable``) form one bucket: the first is its representative,
    every later copy is paired with it at 100. Only representatives are scored against each other:
    a later copy scores exactly what its representative scores, and the rule points to the earliest
    paragraph of the best score, which is the representative."""
    first: dict[str, int] = {}
    reps: list[int] = []
    out: dict[tuple[int, int], float] = {}
    for j, key in enumerate(chars):
        i = first.setdefault(key, j)
        if i == j:
            reps.append(j)
        elif 100.0 >= min_score:
            out[(i, j)] = 100.0
    return reps, out


def _score_candidates(reps: list[int], chars: list[str], words: dict[int, str],
                      min_score: float) -> dict[tuple[int, int], float]:
    from rapidfuzz import fuzz, process

    out: dict[tuple[int, int], float] = {}
    if len(reps) <= EXACT_PAIRS_LIMIT:  # every pair
        # row by row with extract_iter (scored in C, only pairs at or above the cutoff come back):
        # cdist gave the same scores but returns a numpy matrix, and numpy costs a check ~0.1 s to import.
        # token_sort_ratio is ratio on the words sorted and joined by spaces: sorting each paragraph's words
        # once here, instead of in every one of its pairs, gives the same scores at a third of the cost.
        for items in ([chars[i] for i in reps], [_sorted_words(words[i]) for i in reps]):
            for a in range(len(items) - 1):
                for _choice, v, k in process.extract_iter(items[a], items[a + 1 :], scorer=fuzz.ratio, score_cutoff=min_score):
                    v = _as_float32(v)
                    key = (reps[a], reps[a + 1 + k])
                    if v >= min_score and v > out.get(key, 0.0):
                        out[key] = v
        return out
    pairs = _candidates([chars[i] for i in reps], [words[i] for i in reps])
    if not pairs:
        return out
    left = [a for a, _ in pairs]
    right = [b for _, b in pairs]
    for scorer, items in ((fuzz.ratio, [chars[i] for i in reps]), (fuzz.token_sort_ratio, [words[i] for i in reps])):
        scores = process.cpdist([items[a] for a in left], [items[b] for b in right], scorer=scorer,
                                score_cutoff=min_score, workers=1)
        for a, b, v in zip(left, right, scores.tolist()):
            key = (reps[a], reps[b])
            if v >= min_score and v > out.get(key, 0.0):
                out[key] = float(v)
    return out


def _score_all_pairs(reps: list[int], chars: list[str], words: dict[int, str],
                     min_score: float) -> dict[tuple[int, int], float]:
    """Every pair of ``reps`` scored with ``ratio`` and ``token_sort_ratio`` themselves, row by row: the
    reference the tests hold ``_score_candidates`` to (same pairs, same scores)."""
    from rapidfuzz import fuzz, process

    out: dict[tuple[int, int], float] = {}
    for scorer, items in ((fuzz.ratio, [chars[i] for i in reps]), (fuzz.token_sort_ratio, [words[i] for i in reps])):
        for a in range(len(items) - 1):
            for _choice, v, k in process.extract_iter(items[a], items[a + 1 :], scorer=scorer, score_cutoff=min_score):
                v = _as_float32(v)
                key = (reps[a], reps[a + 1 + k])
                if v >= min_score and v > out.get(key, 0.0):
                    out[key] = v
    return out


def _sorted_words(words: str) -> str:
    """What ``token_sort_ratio`` compares: the words sorted and joined by single spaces."""
    return " ".join(sorted(words.split()))


def _as_float32(v: float) -> float:
    """``v`` as a float32 holds it: the scores used to be read from cdist's float32 matrix, and the
    reported similarity is rounded from them (an 85.45 stored in float32 is not the float64 85.45)."""
    return struct.unpack("f", struct.pack("f", v))[0]


def _candidates(chars: list[str], words: list[str]) -> list[tuple[int, int]]:
    """Pairs (a < b) worth scoring, at most ``len(chars) * _BANDS * (_WINDOW + 1)`` of them.

    MinHash over a paragraph's character 3-grams and its words (what two near-copies share even when
    their sentences are reordered), bucketed by bands of hashes (locality-sensitive hashing). In a
    bucket, each paragraph is paired with the bucket's first member and its ``_WINDOW`` predecessors,
    so a thousand near-identical paragraphs give a few thousand pairs, not half a million."""
    import zlib

    import numpy as np

    k = _BANDS * _ROWS
    prime = np.uint64((1 << 61) - 1)
    rng = np.random.default_rng(20)  # fixed seed: deterministic candidates
    mul = rng.integers(1, 1 << 30, size=k, dtype=np.uint64)
    add = rng.integers(0, 1 << 30, size=k, dtype=np.uint64)
    buckets: dict[tuple, list[int]] = {}
    for idx, (c, w) in enumerate(zip(chars, words)):
        feats = {c[p : p + 3] for p in range(max(1, len(c) - 2))} | {"\x00" + t for t in w.split()}
        h = np.fromiter((zlib.crc32(f.encode("utf-8")) for f in sorted(feats)), dtype=np.uint64)
        sig = ((mul[:, None] * h[None, :] + add[:, None]) % prime).min(axis=1)
        for band in range(_BANDS):
            key = (band, *sig[band * _ROWS : (band + 1) * _ROWS].tolist())
            buckets.setdefault(key, []).append(idx)
    pairs: set[tuple[int, int]] = set()
    for members in buckets.values():
        for pos in range(1, len(members)):
            b = members[pos]
            pairs.add((members[0], b))
            for a in members[max(0, pos - _WINDOW) : pos]:
                pairs.add((a, b))
    return sorted(pairs)


@rule(
    "duplicate-paragraph",
    name="重复段落",
    severity="error",
    summary="同一段文字在报告中出现两次（完全相同为错误，基本相同为警告）",
    category="duplication",
    options={"min_chars": 20, "near_threshold": 85},
)
def duplicate_paragraph(doc: Document, ctx: Context):
    """What：找出报告内重复的正文段落（不含标题和表格）。用 rapidfuzz 对所有段落两两打分：字符相似度
    （原地改了几个字）和结巴分词后的词序无关相似度（句子换了顺序），取高者。完全相同（忽略空白和标点）
    为错误，相似度不低于 near_threshold（默认 85%）为警告。后出现的段落指向第一次出现的位置。

    连续几段按原来的顺序重复了前面连续的几段（整块粘贴了两遍，中间的小标题不计）时报告为一条：“第 33–55 行整段重复了
    第 9–31 行（共 8 段）”，依据中列出每一对段落；单独重复的段落各报一条。

    Why：整段重复粘贴是“内容雷同”最直接的表现。

    Example：大章镇报告第 33–55 行把（一）至（四）的内容又粘贴了一遍。

    不报：报告标题出现两次（网页的标题和正文上方的标题）；规定格式的固定用语和表头（如“本列数据的勾稽关系为……”，
    表格跨页时表头重印一遍），即八成以上是 corpora/template.txt 中的模板用语的段落。
    """
    min_chars = int(ctx.options["min_chars"])
    near = float(ctx.options["near_threshold"])
    paras: list[Block] = []
    keys: list[str] = []
    for b in doc.narrative():
        key = comparable(b.text)
        if len(key) >= min_chars:
            paras.append(b)
            keys.append(key)
    first_copy: dict[int, tuple[int, float]] = {}  # later index -> (earlier index, similarity)
    seen: dict[str, int] = {}
    for idx, key in enumerate(keys):
        if key in seen:
            first_copy[idx] = (seen[key], 100.0)
        else:
            seen[key] = idx
    for (i, j), score in sorted(similar_pairs([b.text for b in paras], near, keys).items()):
        if j in first_copy and first_copy[j][1] >= 100.0:
            continue
        score = round(score, 1)
        if j not in first_copy or score > first_copy[j][1]:
            root = first_copy.get(i, (i, 100.0))[0] if i in first_copy and first_copy[i][1] >= 100.0 else i
            first_copy[j] = (root, round(score, 1))
    pairs = [(j, i, score) for j, (i, score) in sorted(first_copy.items()) if _counts(paras[i]) and _counts(paras[j])]
    starts = [b.line for b in doc.blocks]
    for run in _runs(pairs, paras):
        if len(run) >= MIN_BLOCK:
            yield _block_hit(doc, starts, paras, run)
            continue
        j, i, score = run[0]
        a, b = paras[i], paras[j]
        exact = score >= 100.0
        yield Hit(
            message=(
                f"这一段与{doc.label(a.line)}的段落完全相同"
                if exact
                else f"这一段与{doc.label(a.line)}的段落基本相同（相似度 {score:.0f}%）"
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
            fix=Fix(edits=(delete_lines(doc, b.line, b.end_line),),
                    description=f"删除{doc.label(b.line, b.end_line)}重复的段落（单独一段重复时也可能应改写而不是删除，"
                                "只在 --select duplicate-paragraph 时应用）" + ("" if exact else "（与前文不完全相同，删除前请核对改动的字句）"),
                    safe=False),
        )


MIN_BLOCK = 2  # this many consecutive duplicated paragraphs, copied in the same order, are one block


def _runs(pairs: list[tuple[int, int, float]], paras: list[Block]) -> list[list[tuple[int, int, float]]]:
    """``pairs`` (later index, earlier index, similarity), in order of the later paragraph, cut into runs:
    a pair continues the run before it when both of its paragraphs are the next counted paragraphs after
    the run's last pair (the same paragraphs pasted again in the same order; headings between them do
    not matter) and the copy starts after the whole original. Linear in the number of pairs."""
    runs: list[list[tuple[int, int, float]]] = []
    for p in pairs:
        if runs:
            j0, i0, _ = runs[-1][-1]
            if p[0] == j0 + 1 and p[1] == i0 + 1 and paras[p[1]].end_line < paras[runs[-1][0][0]].line:
                runs[-1].append(p)
                continue
        runs.append([p])
    return runs


def _heading_before(doc: Document, starts: list[int], block: Block) -> Block | None:
    """The heading right before ``block`` (nothing but blank lines between), or None. ``starts``: the
    first line of every block of ``doc``, in order."""
    k = bisect.bisect_left(starts, block.line) - 1
    if k >= 0 and doc.blocks[k].end_line < block.line and doc.blocks[k].kind is BlockKind.HEADING:
        return doc.blocks[k]
    return None


def _block_hit(doc: Document, starts: list[int], paras: list[Block], run: list[tuple[int, int, float]]) -> Hit:
    """One finding for a pasted block: the copy's span (from the repeated heading above it, when the
    original has the same heading), the original's span as the related place, every pair in evidence."""
    first_b, last_b = paras[run[0][0]], paras[run[-1][0]]
    first_a, last_a = paras[run[0][1]], paras[run[-1][1]]
    start_b, start_a = first_b.line, first_a.line
    hb, ha = _heading_before(doc, starts, first_b), _heading_before(doc, starts, first_a)
    if hb is not None and ha is not None and comparable(hb.text) == comparable(ha.text) and ha.end_line < hb.line:
        start_b, start_a = hb.line, ha.line
    exact = sum(1 for _j, _i, score in run if score >= 100.0)
    n = len(run)
    edited = "" if exact == n else f"，其中 {n - exact} 段略有改动"
    where_b, where_a = doc.label(start_b, last_b.end_line), doc.label(start_a, last_a.end_line)
    span_b, span_a = doc.line_span(start_b, last_b.end_line), doc.line_span(start_a, last_a.end_line)
    return Hit(
        message=f"{where_b}整段重复了{where_a}（共 {n} 段{edited}）",
        suggestion="删除重复粘贴的这一整段内容；如果两处确实都需要，请改写后一处，写出不同的具体内容。",
        line=start_b,
        end_line=last_b.end_line,
        text=shorten(first_b.raw, 60),
        section=first_b.section,
        related=(Related(line=start_a, end_line=last_a.end_line, text=shorten(first_a.raw, 60), start=span_a[0], end=span_a[1]),),
        severity=None if exact * 2 >= n else Severity.WARNING,
        start=span_b[0],
        end=span_b[1],
        fix=Fix(edits=(delete_lines(doc, start_b, last_b.end_line),),
                description=f"删除{where_b}重复粘贴的整段内容（共 {n} 段）" + (edited and "（其中有改动过的段落，删除前请核对）"),
                safe=exact == n),
        confidence=1.0 if exact == n else round(min(1.0, sum(score for _j, _i, score in run) / (100.0 * n)), 3),
        evidence={
            "similarity": round(sum(score for _j, _i, score in run) / n, 1),
            "exact": exact == n,
            "paragraphs": n,
            "pairs": [
                {"line": paras[j].line, "end_line": paras[j].end_line, "first_line": paras[i].line,
                 "first_end_line": paras[i].end_line, "similarity": score, "exact": score >= 100.0}
                for j, i, score in run
            ],
        },
    )
