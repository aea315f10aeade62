"""The duplicate rule's all-pairs scoring (up to EXACT_PAIRS_LIMIT paragraphs) against its reference:
``_score_candidates`` sorts each paragraph's words once and scores them with ``ratio``; the reference
``_score_all_pairs`` calls ``token_sort_ratio`` on every pair, as the rule did before. Both must report
the same pairs with the same scores, on generated paragraph lists full of near-copies and on the seeds."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from textcheck.resources import cut
from textcheck.rules import duplicate_paragraph as dp
from textcheck.text import comparable

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "corpora" / "samples"

# sentences in the style of a report, so that the segmenter gives real words and copies share them
SENTENCES = [
    "全年主动公开政府信息一百二十条",
    "依申请公开办理件均在法定期限内答复",
    "政府信息公开平台建设进一步加强",
    "监督保障工作机制不断完善",
    "本机关未发生因政府信息公开被复议诉讼的情况",
    "线上线下同步推进政务公开",
    "做到件件有回应事事有着落",
    "镇信信信政务",
]


def _prepared(texts: list[str], min_score: float):
    chars = [comparable(t) for t in texts]
    reps, _exact = dp._exact_buckets(chars, min_score)
    words = {}
    for i in reps:
        words[i] = " ".join(w for w in cut(texts[i]) if comparable(w))
    return reps, chars, words


def _same(texts: list[str], min_score: float) -> dict:
    reps, chars, words = _prepared(texts, min_score)
    got = dp._score_candidates(reps, chars, words, min_score)
    want = dp._score_all_pairs(reps, chars, words, min_score)
    assert got == want
    return got


@st.composite
def paragraph_lists(draw):
    """A few paragraphs made of report sentences, then copies of some of them with sentences reordered,
    dropped or repeated and characters changed: near-duplicates on both sides of the threshold."""
    base = draw(st.lists(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=6), min_size=1, max_size=6))
    paras = ["，".join(s) + "。" for s in base]
    for s in draw(st.lists(st.sampled_from(base), max_size=6)):
        s = list(s)
        order = draw(st.permutations(range(len(s))))
        s = [s[k] for k in order]
        if len(s) > 1 and draw(st.booleans()):
            s.pop(draw(st.integers(0, len(s) - 1)))
        if draw(st.booleans()):
            s.append(draw(st.sampled_from(SENTENCES)))
        text = "，".join(s) + "。"
        for _ in range(draw(st.integers(0, 3))):
            k = draw(st.integers(0, len(text) - 1))
            text = text[:k] + draw(st.sampled_from("改的了和AB12 ")) + text[k + 1 :]
        paras.append(text)
    return paras


@settings(max_examples=150, deadline=None)
@given(paragraph_lists(), st.sampled_from([85.0, 60.0, 95.0, 30.0]))
def test_scoring_matches_all_pairs_token_sort_ratio(texts, min_score):
    _same(texts, min_score)


def test_generated_lists_do_have_near_copies():
    """The strategy's copies reach the rule's threshold without being identical (else the property
    above would compare empty results)."""
    texts = ["，".join(SENTENCES[:5]) + "。", "，".join([SENTENCES[k] for k in (4, 3, 2, 1, 0)]) + "，共计两条。"]
    pairs = _same(texts, 85.0)
    assert pairs and all(v < 100 for v in pairs.values())


def test_scoring_matches_on_the_seeds():
    """Every seed's narrative paragraphs, and all of them together (copies across reports included)."""
    from textcheck.parse import parse_text

    everything = []
    for path in sorted(SAMPLES.glob("*.txt")):
        doc = parse_text(path.read_text(encoding="utf-8"), path.name)
        texts = [b.text for b in doc.narrative() if len(comparable(b.text)) >= 20]
        everything += texts
        for min_score in (85.0, 60.0):
            _same(texts, min_score)
    assert len(everything) < dp.EXACT_PAIRS_LIMIT
    assert _same(everything, 85.0)  # the seeds share paragraphs: something to compare
