"""``textcheck compare OLD NEW``: what this year's report carried over from last year's.

Pipeline: both reports are parsed; their narrative paragraphs are aligned section by section
(TF-IDF cosine on jieba words and character n-grams proposes candidates, rapidfuzz scores them,
``linear_sum_assignment`` makes the alignment one-to-one); copied characters are counted from
rapidfuzz matching blocks of at least ``MIN_RUN`` characters between each new paragraph and the
concatenation of its candidate old paragraphs (so split, merged and reordered paragraphs are still
counted); the fixed wording of the official format (``corpora/template.txt``) is masked out for the
"template excluded" ratio. Tables are compared cell-wise, separately. The compare rules
(``textcheck.rules.compare``) turn the comparison into findings.

Everything here is deterministic: every collection is built in document order or sorted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from textcheck.document import Block, Document, shorten
from textcheck.finding import Finding, Related, Severity
from textcheck.parse import SECTION_TITLE, SECTIONS
from textcheck.text import comparable, merge_spans, nonspace_count, template_spans

MIN_RUN = 8  # a copied stretch must be at least this many characters
MIN_PARA_COPY = 16  # below this many copied characters in one paragraph, count nothing (shared phrases)
ALIGN_MIN = 50.0  # fuzz.ratio needed to align two paragraphs
CAND_COSINE = 0.12  # TF-IDF cosine needed to consider an old paragraph a candidate
CAND_TOP = 4  # candidates per new paragraph and pool
FALLBACK_BELOW = 60.0  # look outside the section when the best in-section candidate scores below this
SEP = "\uffff"  # never in a report: copied runs cannot cross paragraph boundaries
NO_SECTION = "_"  # key for paragraphs before the first section heading
NO_SECTION_TITLE = "开头及其他位置"

_DIGITS = re.compile(r"\d+(?:\.\d+)?")


def mask_digits(text: str) -> str:
    return _DIGITS.sub("#", text)


# ---------------------------------------------------------------------------------------------
# data


@dataclass(frozen=True)
class Para:
    """One narrative paragraph of either report."""

    index: int
    block: Block
    text: str
    section: str  # section key or NO_SECTION
    template: tuple[tuple[int, int], ...]

    @property
    def line(self) -> int:
        return self.block.line

    @property
    def end_line(self) -> int:
        return self.block.end_line


@dataclass(frozen=True)
class Pair:
    """Two aligned paragraphs (one-to-one)."""

    new: int
    old: int
    similarity: float  # fuzz.ratio of the texts, 0-100
    masked_similarity: float  # the same with every number replaced by one placeholder
    new_spans: tuple[tuple[int, int], ...]  # identical stretches (>= MIN_RUN) in the new text
    old_spans: tuple[tuple[int, int], ...]  # the same stretches in the old text
    moved: bool  # order changed relative to the other aligned paragraphs
    cross_section: bool  # aligned across section keys


@dataclass(frozen=True)
class Copy:
    """What of one new paragraph is copied from the old report (against all its candidates)."""

    spans: tuple[tuple[int, int], ...]  # copied stretches in the new text
    sources: tuple[tuple[int, int, int, int, int], ...]  # (new_a, new_b, old_index, old_a, old_b)


@dataclass
class Comparison:
    """Everything the compare rules look at."""

    old: Document
    new: Document
    old_paras: list[Para]
    new_paras: list[Para]
    pairs: dict[int, Pair]  # by new index
    copies: dict[int, Copy]  # by new index
    old_year: int | None
    new_year: int | None
    same_issuer: bool | None


@dataclass
class CompareResult:
    old: Document
    new: Document
    comparison: Comparison
    sections: list[dict[str, Any]]  # per-section ratio rows, in canonical order, then the total
    total: dict[str, Any]
    tables: list[dict[str, Any]]
    findings: list[Finding]
    notices: list[str]
    same_issuer: bool | None

    @property
    def path(self) -> str:
        return self.new.path

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    def to_dict(self) -> dict[str, Any]:
        cmp = self.comparison
        pairs = []
        for i in sorted(cmp.pairs):
            p = cmp.pairs[i]
            n, o = cmp.new_paras[p.new], cmp.old_paras[p.old]
            pairs.append({
                "section": SECTION_TITLE.get(n.section, NO_SECTION_TITLE),
                "new": {"line": n.line, "end_line": n.end_line},
                "old": {"line": o.line, "end_line": o.end_line, "section": SECTION_TITLE.get(o.section, NO_SECTION_TITLE)},
                "similarity": p.similarity,
                "similarity_ignoring_numbers": p.masked_similarity,
                "copied_chars": nonspace_count(n.text, cmp.copies[i].spans) if i in cmp.copies else 0,
                "chars": nonspace_count(n.text),
                "moved": p.moved,
            })
        return {
            "schema": "1.0",
            "command": "compare",
            "old": {"path": self.old.path, "identity": self.old.identity.to_dict()},
            "new": {"path": self.new.path, "identity": self.new.identity.to_dict()},
            "same_issuer": self.same_issuer,
            "notices": list(self.notices),
            "carryover": {
                "template_excluded": {"ratio": self.total["ratio"], "copied_chars": self.total["copied"], "chars": self.total["chars"]},
                "template_included": {"ratio": self.total["ratio_incl"], "copied_chars": self.total["copied_incl"], "chars": self.total["chars_incl"]},
                "sections": [
                    {
                        "key": s["key"], "title": s["title"], "present": s["present"],
                        "template_excluded": {"ratio": s["ratio"], "copied_chars": s["copied"], "chars": s["chars"]},
                        "template_included": {"ratio": s["ratio_incl"], "copied_chars": s["copied_incl"], "chars": s["chars_incl"]},
                    }
                    for s in self.sections
                ],
            },
            "alignment": pairs,
            "tables": self.tables,
            "findings": [f.to_dict() for f in self.findings],
            "summary": {sev.value: self.count(sev) for sev in (Severity.ERROR, Severity.WARNING, Severity.INFO)},
        }


# ---------------------------------------------------------------------------------------------
# alignment


def _paras(doc: Document) -> list[Para]:
    out = []
    for b in doc.narrative():
        out.append(Para(index=len(out), block=b, text=b.text, section=b.section or NO_SECTION, template=template_spans(b.text)))
    return out


def _cosines(new_texts: list[str], old_texts: list[str]):
    """Dense new x old cosine matrix: mean of jieba-word and character-2/3-gram TF-IDF cosines."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from textcheck.resources import cut

    if not new_texts or not old_texts:
        return np.zeros((len(new_texts), len(old_texts)))
    texts = new_texts + old_texts
    total = np.zeros((len(new_texts), len(old_texts)))
    for vec in (
        TfidfVectorizer(tokenizer=cut, token_pattern=None, lowercase=False, sublinear_tf=True),
        TfidfVectorizer(analyzer="char", ngram_range=(2, 3), lowercase=False, sublinear_tf=True),
    ):
        try:
            m = vec.fit_transform(texts)
        except ValueError:  # empty vocabulary
            continue
        total += (m[: len(new_texts)] @ m[len(new_texts):].T).toarray()
    return total / 2.0


def _runs(a: str, b: str, min_run: int = MIN_RUN) -> list[tuple[int, int, int, int]]:
    from rapidfuzz.distance import Indel

    return [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in Indel.opcodes(a, b) if tag == "equal" and i2 - i1 >= min_run]


def _candidates(new_paras, old_paras, cos) -> dict[int, list[int]]:
    from rapidfuzz import fuzz

    by_section: dict[str, list[int]] = {}
    for o in old_paras:
        by_section.setdefault(o.section, []).append(o.index)
    everything = [o.index for o in old_paras]

    def top(i: int, pool: list[int]) -> list[int]:
        ranked = sorted(pool, key=lambda j: (-round(float(cos[i, j]), 9), j))
        return [j for j in ranked[:CAND_TOP] if cos[i, j] >= CAND_COSINE]

    out: dict[int, list[int]] = {}
    for n in new_paras:
        if len(n.text.strip()) < MIN_RUN:
            continue
        pool = by_section.get(n.section) if n.section != NO_SECTION else None
        cands = top(n.index, pool) if pool else []
        best = max((fuzz.ratio(n.text, old_paras[j].text) for j in cands), default=0.0)
        if not pool or best < FALLBACK_BELOW:
            cands = sorted(set(cands) | set(top(n.index, everything)))
        if cands:
            out[n.index] = sorted(cands)
    return out


def _lis_members(seq: list[int]) -> set[int]:
    """Positions of one longest strictly increasing subsequence of ``seq`` (deterministic)."""
    import bisect

    tails: list[int] = []
    tails_pos: list[int] = []
    prev = [-1] * len(seq)
    for pos, v in enumerate(seq):
        k = bisect.bisect_left(tails, v)
        if k == len(tails):
            tails.append(v)
            tails_pos.append(pos)
        else:
            tails[k] = v
            tails_pos[k] = pos
        prev[pos] = tails_pos[k - 1] if k else -1
    members = set()
    pos = tails_pos[-1] if tails_pos else -1
    while pos >= 0:
        members.add(pos)
        pos = prev[pos]
    return members


def align(old: Document, new: Document) -> Comparison:
    import numpy as np
    from rapidfuzz import fuzz
    from scipy.optimize import linear_sum_assignment

    old_paras, new_paras = _paras(old), _paras(new)
    cos = _cosines([p.text for p in new_paras], [p.text for p in old_paras])
    cands = _candidates(new_paras, old_paras, cos)

    score = np.zeros((len(new_paras), len(old_paras)))
    for i in sorted(cands):
        for j in cands[i]:
            score[i, j] = fuzz.ratio(new_paras[i].text, old_paras[j].text)
    assigned: list[tuple[int, int]] = []
    if cands:
        rows, cols = linear_sum_assignment(score, maximize=True)
        assigned = sorted((int(i), int(j)) for i, j in zip(rows, cols) if score[i, j] >= ALIGN_MIN)
    in_order = _lis_members([j for _, j in assigned])

    pairs: dict[int, Pair] = {}
    for pos, (i, j) in enumerate(assigned):
        n, o = new_paras[i], old_paras[j]
        runs = _runs(n.text, o.text)
        pairs[i] = Pair(
            new=i,
            old=j,
            similarity=round(float(score[i, j]), 1),
            masked_similarity=round(float(fuzz.ratio(mask_digits(n.text), mask_digits(o.text))), 1),
            new_spans=tuple((a, b) for a, b, _, _ in runs),
            old_spans=tuple((c, d) for _, _, c, d in runs),
            moved=pos not in in_order,
            cross_section=n.section != o.section,
        )

    copies: dict[int, Copy] = {}
    for i in sorted(cands):
        targets = sorted(set(cands[i]) | ({pairs[i].old} if i in pairs else set()))
        text, offsets = "", []
        for j in targets:
            if text:
                text += SEP
            offsets.append((len(text), j))
            text += old_paras[j].text
        sources = []
        for a, b, c, d in _runs(new_paras[i].text, text):
            start, j = max((x for x in offsets if x[0] <= c), key=lambda x: x[0])
            sources.append((a, b, j, c - start, d - start))
        copied = sum(b - a for a, b, *_ in sources)
        if copied >= MIN_PARA_COPY or (i in pairs and pairs[i].similarity >= 90):
            copies[i] = Copy(spans=merge_spans((a, b) for a, b, *_ in sources), sources=tuple(sources))

    same = None
    oi, ni = _issuer_key(old.identity.issuer), _issuer_key(new.identity.issuer)
    if oi and ni:
        same = oi == ni or oi in ni or ni in oi
    return Comparison(
        old=old, new=new, old_paras=old_paras, new_paras=new_paras, pairs=pairs, copies=copies,
        old_year=old.identity.year, new_year=new.identity.year, same_issuer=same,
    )


def _issuer_key(name: str | None) -> str:
    return comparable(name or "")


# ---------------------------------------------------------------------------------------------
# ratios and tables


def section_ratios(cmp: Comparison) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    acc: dict[str, dict[str, int]] = {}
    for n in cmp.new_paras:
        row = acc.setdefault(n.section, {"chars_incl": 0, "copied_incl": 0, "chars": 0, "copied": 0})
        copied = cmp.copies[n.index].spans if n.index in cmp.copies else ()
        total, tmpl = nonspace_count(n.text), nonspace_count(n.text, n.template)
        c_incl = nonspace_count(n.text, copied)
        c_tmpl = nonspace_count(n.text, copied, within=n.template)
        row["chars_incl"] += total
        row["copied_incl"] += c_incl
        row["chars"] += total - tmpl
        row["copied"] += c_incl - c_tmpl

    def ratio(c: int, t: int) -> float | None:
        return round(c / t, 4) if t else None

    present = {s.key for s in cmp.new.sections}
    rows = []
    for key, title in [*SECTIONS, (NO_SECTION, NO_SECTION_TITLE)]:
        r = acc.get(key, {"chars_incl": 0, "copied_incl": 0, "chars": 0, "copied": 0})
        if key == NO_SECTION and not r["chars_incl"]:
            continue
        rows.append({
            "key": key if key != NO_SECTION else None, "title": title, "present": key in present or key == NO_SECTION,
            **r, "ratio": ratio(r["copied"], r["chars"]), "ratio_incl": ratio(r["copied_incl"], r["chars_incl"]),
        })
    tot = {k: sum(r[k] for r in rows) for k in ("chars_incl", "copied_incl", "chars", "copied")}
    tot["ratio"] = ratio(tot["copied"], tot["chars"])
    tot["ratio_incl"] = ratio(tot["copied_incl"], tot["chars_incl"])
    return rows, tot


_NUMERIC_CELL = re.compile(r"^-?\d+(?:\.\d+)?%?$")


def _cells(doc: Document, section: str) -> dict[tuple[str, int, int], str]:
    """Numeric table cells keyed by (last label, occurrence of that label, position after it)."""
    out: dict[tuple[str, int, int], str] = {}
    label, occ, pos = "", 0, 0
    seen: dict[str, int] = {}
    for b in doc.blocks:
        if b.kind.value != "table" or b.section != section:
            continue
        for row in b.rows:
            for cell in row:
                c = re.sub(r"\s+", "", cell).strip("|")
                if not c:
                    continue
                if _NUMERIC_CELL.match(c):
                    pos += 1
                    out[(label, occ, pos)] = c
                else:
                    label = c
                    seen[c] = seen.get(c, 0) + 1
                    occ, pos = seen[c], 0
    return out


def compare_tables(old: Document, new: Document) -> list[dict[str, Any]]:
    out = []
    for key in ("active", "requests", "review"):
        a, b = _cells(old, key), _cells(new, key)
        common = sorted(set(a) & set(b))
        if not b:
            continue
        same = [k for k in common if a[k] == b[k]]
        nonzero_same = [k for k in same if b[k] not in ("0", "0.0", "0%")]
        changed = [k for k in common if a[k] != b[k]]
        out.append({
            "section": SECTION_TITLE[key],
            "cells": len(b),
            "compared": len(common),
            "identical": len(same),
            "identical_nonzero": len(nonzero_same),
            "changed": len(changed),
            "changes": [{"label": k[0], "position": k[2], "old": a[k], "new": b[k]} for k in changed[:50]],
        })
    return out


# ---------------------------------------------------------------------------------------------
# entry points


def compare_documents(old: Document, new: Document, config=None) -> CompareResult:
    from textcheck.config import Config
    from textcheck.engine import make_finding
    from textcheck.rules import Context, all_rules

    config = config or Config()
    cmp = align(old, new)
    rows, total = section_ratios(cmp)
    findings: list[Finding] = []
    memo: dict[str, Any] = {}
    for spec in all_rules():
        if spec.scope != "compare" or spec.id in config.disabled:
            continue
        ctx = Context(options=config.rule_options(spec.id, spec.options), config=config, memo=memo)
        for hit in spec.func(cmp, ctx):
            findings.append(make_finding(spec, hit, new, config))
    findings.sort(key=lambda f: f.sort_key)

    notices = []
    oi, ni = old.identity.issuer or "未识别", new.identity.issuer or "未识别"
    if cmp.same_issuer is False:
        notices.append(f"两份报告的发布机关不同（旧：{oi}；新：{ni}）。相同的文字属于机关之间相互抄袭，不是本机关沿用上年内容；"
                       "下面的比例和对照仍照常计算。")
    elif cmp.same_issuer is None:
        notices.append(f"未能从两份报告中都识别出发布机关（旧：{oi}；新：{ni}），无法确认是同一机关的两个年度。")
    if cmp.old_year and cmp.new_year and cmp.new_year <= cmp.old_year:
        notices.append(f"新报告的年度（{cmp.new_year}）不晚于旧报告（{cmp.old_year}）；请确认参数顺序是“旧报告 新报告”。")
    return CompareResult(
        old=old, new=new, comparison=cmp, sections=rows, total=total, tables=compare_tables(old, new),
        findings=findings, notices=notices, same_issuer=cmp.same_issuer,
    )


def compare_paths(old_path: str, new_path: str, config=None, *, max_bytes: int | None = None) -> CompareResult:
    """Read, parse and compare two reports. Raises ``InputError`` for unreadable input."""
    from textcheck.parse import parse
    from textcheck.readers import DEFAULT_MAX_BYTES, read_path

    old = parse(read_path(old_path, max_bytes=max_bytes or DEFAULT_MAX_BYTES))
    new = parse(read_path(new_path, max_bytes=max_bytes or DEFAULT_MAX_BYTES))
    return compare_documents(old, new, config)


def related_for(cmp: Comparison, old_index: int, limit: int = 120) -> Related:
    o = cmp.old_paras[old_index]
    return Related(line=o.line, end_line=o.end_line, text=shorten(o.block.raw, limit), path=cmp.old.path,
                   section=SECTION_TITLE.get(o.section))
