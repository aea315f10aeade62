"""Compare's analysis: the paragraphs of two reports aligned, and what the new one carried over.

Both reports' narrative paragraphs are aligned section by section (TF-IDF cosine on jieba words and
character n-grams proposes candidates, rapidfuzz scores them, ``linear_sum_assignment`` makes the
alignment one-to-one); copied characters are counted from rapidfuzz matching blocks of at least
``MIN_RUN`` characters between each new paragraph and the concatenation of its candidate old
paragraphs (so split, merged and reordered paragraphs are still counted); the fixed wording of the
official format (``textcheck.text.template_spans``) is masked out for the "template excluded" ratio.
``section_ratios`` sums it per section, ``carried_paragraphs`` finds the paragraphs carried over whole.

Everything here is deterministic: every collection is built in document order or sorted.

Over 300 lines on purpose: the alignment and the counting of what it carried over share their
data structures (``Para``, ``Pair``, ``Copy``) and are read together.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from textcheck.document import Block, Document, shorten
from textcheck.finding import Related
from textcheck.parse import SECTION_TITLE, SECTIONS
from textcheck.text import Spans, comparable, merge_spans, nonspace_count, template_spans

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
    template: Spans  # template wording in ``text``
    chars: int  # non-space characters of ``text``

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
    old_spans: Spans  # the stretches (>= MIN_RUN) identical to the new text, in the old text
    moved: bool  # order changed relative to the other aligned paragraphs


@dataclass(frozen=True)
class Copy:
    """What of one new paragraph is copied from the old report (against all its candidates)."""

    spans: Spans  # copied stretches in the new text
    sources: tuple[tuple[int, int, int, int, int], ...]  # (new_a, new_b, old_index, old_a, old_b)
    copied_chars: int  # non-space characters inside ``spans``
    olds: tuple[int, ...]  # the old paragraphs copied from, sorted


@dataclass
class Comparison:
    """Everything the compare rules look at. Findings point into the new report (``document``)."""

    old: Document
    new: Document
    old_paras: list[Para]
    new_paras: list[Para]
    pairs: dict[int, Pair]  # by new index
    copies: dict[int, Copy]  # by new index
    old_year: int | None
    new_year: int | None
    same_issuer: bool | None
    carried: dict[int, dict[str, Any]] = field(default_factory=dict)  # see carried_paragraphs

    @property
    def document(self) -> Document:
        return self.new

    @property
    def path(self) -> str:
        return self.new.path

    @property
    def old_name(self) -> str:
        """How messages name the old report."""
        return "对照报告" if self.same_issuer is False else "上年报告"

    @property
    def paired_old(self) -> frozenset[int]:
        """Old paragraphs aligned with a new one."""
        return frozenset(p.old for p in self.pairs.values())

    def related(self, old_index: int, limit: int = 120) -> Related:
        """Old paragraph ``old_index`` as the other place of a finding."""
        o = self.old_paras[old_index]
        return Related(line=o.line, end_line=o.end_line, text=shorten(o.block.raw, limit), path=self.old.path,
                       section=SECTION_TITLE.get(o.section))


# ---------------------------------------------------------------------------------------------
# alignment


def _paras(doc: Document) -> list[Para]:
    out = []
    for b in doc.narrative():
        out.append(Para(index=len(out), block=b, text=b.text, section=b.section or NO_SECTION,
                        template=template_spans(b.text), chars=nonspace_count(b.text)))
    return out


_WHITE_SPACES = re.compile(r"\s\s+")


def _char_grams(text: str) -> list[str]:
    """Character 2- and 3-grams of ``text`` with runs of white space read as one space (what
    scikit-learn's ``analyzer="char", ngram_range=(2, 3)`` gives)."""
    text = _WHITE_SPACES.sub(" ", text)
    return [text[i : i + n] for n in (2, 3) for i in range(len(text) - n + 1)]


def _tfidf(docs: list[list[str]]):
    """Rows of sublinear, smoothed-idf, l2-normalised TF-IDF (``TfidfVectorizer(sublinear_tf=True)``'s
    definition: tf = 1 + ln(count), idf = ln((1 + n) / (1 + df)) + 1), a scipy CSR matrix; None when
    no document has a term.

    scikit-learn itself is not imported for this: it costs a compare ~1 s of start-up (it pulls in
    scipy.stats), and scipy.sparse is loaded anyway for the assignment. tests/test_alignment_cosines.py
    checks these cosines against scikit-learn's."""
    import numpy as np
    from scipy.sparse import csr_matrix

    vocab: dict[str, int] = {}
    indptr, indices, counts = [0], [], []
    for tokens in docs:
        for term, c in Counter(tokens).items():
            indices.append(vocab.setdefault(term, len(vocab)))
            counts.append(c)
        indptr.append(len(indices))
    if not vocab:
        return None
    cols = np.asarray(indices, dtype=np.int64)
    df = np.bincount(cols, minlength=len(vocab))
    idf = np.log((1.0 + len(docs)) / (1.0 + df)) + 1.0
    data = (np.log(np.asarray(counts, dtype=np.float64)) + 1.0) * idf[cols]
    m = csr_matrix((data, cols, np.asarray(indptr, dtype=np.int64)), shape=(len(docs), len(vocab)))
    m.sort_indices()  # each row's terms in order of first appearance in the corpus, as scikit-learn keeps them
    # row norms summed term by term in that order, as scikit-learn's normalize does: the same cosines
    # to the last bit, not merely to 1e-14
    values = m.data.tolist()
    bounds = m.indptr.tolist()
    norms = []
    for r in range(len(docs)):
        total = 0.0
        for v in values[bounds[r] : bounds[r + 1]]:
            total += v * v
        norms.append(math.sqrt(total) if total else 1.0)
    m.data /= np.repeat(np.asarray(norms), np.diff(m.indptr))
    return m


def _cosines(new_texts: list[str], old_texts: list[str]):
    """Dense new x old cosine matrix: mean of jieba-word and character-2/3-gram TF-IDF cosines."""
    import numpy as np

    from textcheck.resources import cut

    if not new_texts or not old_texts:
        return np.zeros((len(new_texts), len(old_texts)))
    texts = new_texts + old_texts
    total = np.zeros((len(new_texts), len(old_texts)))
    for analyse in (cut, _char_grams):
        m = _tfidf([analyse(t) for t in texts])
        if m is None:  # empty vocabulary
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
            old_spans=tuple((c, d) for _, _, c, d in runs),
            moved=pos not in in_order,
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
            spans = merge_spans((a, b) for a, b, *_ in sources)
            copies[i] = Copy(spans=spans, sources=tuple(sources), copied_chars=nonspace_count(new_paras[i].text, spans),
                             olds=tuple(sorted({s[2] for s in sources})))

    same = None
    oi, ni = comparable(old.identity.issuer or ""), comparable(new.identity.issuer or "")
    if oi and ni:
        same = oi == ni or oi in ni or ni in oi
    return Comparison(
        old=old, new=new, old_paras=old_paras, new_paras=new_paras, pairs=pairs, copies=copies,
        old_year=old.identity.year, new_year=new.identity.year, same_issuer=same,
    )


# ---------------------------------------------------------------------------------------------
# ratios


def section_ratios(cmp: Comparison) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    acc: dict[str, dict[str, int]] = {}
    for n in cmp.new_paras:
        row = acc.setdefault(n.section, {"chars_incl": 0, "copied_incl": 0, "chars": 0, "copied": 0})
        copied = cmp.copies[n.index].spans if n.index in cmp.copies else ()
        total, tmpl = n.chars, nonspace_count(n.text, n.template)
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


# ---------------------------------------------------------------------------------------------
# carried-over text


def coverage(cmp: Comparison, i: int) -> tuple[int, int]:
    """(copied non-template characters, non-template characters) of new paragraph ``i``."""
    n = cmp.new_paras[i]
    total = n.chars - nonspace_count(n.text, n.template)
    if i not in cmp.copies:
        return 0, total
    spans = cmp.copies[i].spans
    return nonspace_count(n.text, spans) - nonspace_count(n.text, spans, within=n.template), total


def carried_paragraphs(cmp: Comparison, *, min_chars: int, near: float, min_coverage: float) -> dict[int, dict]:
    """New paragraphs that are old ones unchanged or with only numbers/small edits: index -> details.

    Aligned with an old paragraph whose text, numbers masked, is at least ``near`` similar; or at
    least ``min_coverage`` of its non-template text copied (split or merged paragraphs). Paragraphs
    under ``min_chars`` non-template characters, and the opening before the first section, never."""
    out: dict[int, dict] = {}
    for n in cmp.new_paras:
        i = n.index
        copied, total = coverage(cmp, i)
        if total < min_chars or n.section == NO_SECTION:
            continue  # too short, (almost) all template wording, or the opening/title (boilerplate by nature)
        pair = cmp.pairs.get(i)
        if pair and pair.masked_similarity >= near:
            out[i] = {"olds": [pair.old], "similarity": pair.similarity, "masked": pair.masked_similarity,
                      "coverage": round(copied / total, 3), "pair": True}
        elif copied / total >= min_coverage:  # a part of an old paragraph (split) or old ones joined (merged)
            out[i] = {"olds": list(cmp.copies[i].olds), "similarity": pair.similarity if pair else None, "masked": None,
                      "coverage": round(copied / total, 3), "pair": False}
    return out
