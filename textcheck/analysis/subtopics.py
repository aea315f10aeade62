"""Subtopic coverage of 一、总体情况 (主动公开, 依申请公开, 政府信息管理, 平台建设, 监督保障), decided by
what the text says, not only by headings: the lexicon ``corpora/subtopics.toml`` weighs headings and
words; ``subtopic_status`` gives each subtopic's score, whether it is covered and the evidence."""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass, field
from typing import Any

from textcheck.document import Block, BlockKind, Document
from textcheck.resources import corpus_toml, word_bounds


@dataclass
class SubtopicStatus:
    key: str
    name: str
    covered: bool
    score: float
    evidence: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Subtopic:
    key: str
    name: str
    order: int
    headings: tuple[str, ...]
    terms: dict[str, int]
    requirement: str


@functools.lru_cache(maxsize=1)
def lexicon() -> tuple[Subtopic, ...]:
    data = corpus_toml("subtopics.toml")
    subs = [
        Subtopic(
            key=k,
            name=v["name"],
            order=int(v["order"]),
            headings=tuple(v.get("headings", ())),
            terms={str(t): int(w) for t, w in v.get("terms", {}).items()},
            requirement=v.get("requirement", ""),
        )
        for k, v in data.items()
    ]
    return tuple(sorted(subs, key=lambda s: s.order))


@functools.lru_cache(maxsize=1)
def _automaton():
    import ahocorasick

    auto = ahocorasick.Automaton()
    table: dict[str, list[tuple[str, int]]] = {}
    for sub in lexicon():
        for term, weight in sub.terms.items():
            table.setdefault(term, []).append((sub.key, weight))
    for term, owners in sorted(table.items()):
        auto.add_word(term, (term, tuple(owners)))
    auto.make_automaton()
    return auto


def match_terms(text: str) -> list[tuple[str, int, int, tuple[tuple[str, int], ...]]]:
    """Lexicon terms found in ``text`` on word boundaries: (term, start, end, owners).

    Boundaries come from jieba: a term counts only where it starts and ends at a word boundary,
    so 考核 matches in 绩效考核 (绩效/考核) but 网站 does not match inside a longer word that jieba keeps whole.
    """
    if not text:
        return []
    bounds = word_bounds(text)
    out = []
    for end_idx, (term, owners) in _automaton().iter(text):
        start = end_idx - len(term) + 1
        if start in bounds and end_idx + 1 in bounds:
            out.append((term, start, end_idx + 1, owners))
    return out


def subtopic_status(doc: Document, covered_score: int, classifier_covered: float | None = None) -> list[SubtopicStatus]:
    """Coverage of each subtopic with its evidence; a subtopic scoring ``covered_score`` is covered.

    With ``classifier_covered`` (a probability), where the lexicon is unsure — a subtopic it does not
    find covered — paragraphs whose heading names no subtopic count by what the paragraph classifier
    reads in them (``classifier_evidence``)."""
    blocks = doc.section_body("overview")
    heading_score: dict[str, int] = {}
    heading_evidence: dict[str, list[dict]] = {}
    term_weight: dict[str, dict[str, int]] = {s.key: {} for s in lexicon()}
    para_terms: dict[str, dict[int, tuple[Block, set[str]]]] = {s.key: {} for s in lexicon()}
    seen_headings = set()
    for b in blocks:
        head = b.text if b.kind is BlockKind.HEADING else b.inline_heading
        if head and head not in seen_headings:
            seen_headings.add(head)
            for sub in lexicon():
                hit = next((h for h in sub.headings if h in head), None)
                if hit:
                    heading_score[sub.key] = max(heading_score.get(sub.key, 0), covered_score)
                    heading_evidence.setdefault(sub.key, []).append(
                        {"line": b.line, "end_line": b.end_line, "heading": head, "terms": [hit]}
                    )
        if b.kind is not BlockKind.PARAGRAPH:
            continue
        for term, _s, _e, owners in match_terms(b.text):
            for key, weight in owners:
                term_weight[key][term] = weight
                para_terms[key].setdefault(b.line, (b, set()))[1].add(term)
    out = []
    for sub in lexicon():
        score = heading_score.get(sub.key, 0) + sum(term_weight[sub.key].values())
        evidence = list(heading_evidence.get(sub.key, []))
        ranked = sorted(
            para_terms[sub.key].values(),
            key=lambda bt: (-sum(sub.terms[t] for t in bt[1]), bt[0].line),
        )
        for b, terms in ranked[:3]:
            evidence.append({"line": b.line, "end_line": b.end_line, "heading": b.subheading, "terms": sorted(terms)})
        out.append(
            SubtopicStatus(
                key=sub.key,
                name=sub.name,
                covered=score >= covered_score,
                score=float(score),
                evidence=evidence,
            )
        )
    if classifier_covered and any(not st.covered for st in out):
        classifier_evidence(doc, out, covered_score, classifier_covered)
    return out


CLASSIFIER_FLOOR = 0.5  # below this probability a paragraph is no evidence at all (held-out accuracy 0.97 above it)
CLASSIFIER_MIN_CHARS = 40  # a shorter paragraph is a mention, not 成段说明: the lexicon alone judges it


def classifier_evidence(doc: Document, statuses: list[SubtopicStatus], covered_score: int, covered_p: float) -> None:
    """Add the classifier's reading of 总体情况 to the subtopics the lexicon left uncovered (in place).

    Only paragraphs of at least CLASSIFIER_MIN_CHARS characters whose own heading names no subtopic (seed 004's （五）…压紧压实工作职责) are read: text
    under （三）政府信息管理 is evidence for that heading's subtopic, not another's. The best such paragraph
    predicted for a subtopic with probability p ≥ CLASSIFIER_FLOOR adds ``covered_score × min(1, p /
    covered_p)`` to its score: at ``covered_p`` or above it alone covers the subtopic; between the floor
    and ``covered_p`` it makes a weak mention. Evidence entries carry ``kind = "classifier"`` and the
    probability as ``confidence``."""
    from textcheck.analysis.overview_topics import overview_topics

    topics = [
        t
        for t in overview_topics(doc)
        if t.heading_subtopic is None and len(t.text) >= CLASSIFIER_MIN_CHARS and t.confidence >= CLASSIFIER_FLOOR
    ]
    for st in statuses:
        if st.covered:
            continue
        mine = sorted((t for t in topics if t.label == st.key), key=lambda t: (-t.confidence, t.line))
        if not mine:
            continue
        st.score = round(st.score + covered_score * min(1.0, mine[0].confidence / covered_p), 2)
        st.covered = st.score >= covered_score
        for t in mine[:3]:
            st.evidence.append(
                {"line": t.line, "end_line": t.end_line, "heading": t.heading, "terms": [], "kind": "classifier", "confidence": t.confidence}
            )
