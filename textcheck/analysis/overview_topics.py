"""What each paragraph of 一、总体情况 is about: the subtopic its own sub-heading names (if it names exactly one)
and the subtopic the classifier reads in its text, with the classifier's confidence.

Shared by the subtopic analysis (content under a non-standard heading counts as evidence) and by the rule
``subtopic-heading-mismatch`` (a heading that names one subtopic over text about another), and used by
``scripts/train_subtopic_classifier.py`` to label its training data, so that the headings that label the
data are exactly the headings the checker trusts.
"""

from __future__ import annotations

import functools
import re
import weakref
from dataclasses import dataclass

# Sub-headings that name exactly one subtopic. Stricter than corpora/subtopics.toml's heading words (which
# also accept 保障, 培训, 平台 alone): these label training data and ground the heading/text comparison.
HEADING_LABELS = (
    ("requests", re.compile(r"依申请公开|依申请|收到和处理政府信息公开申请|政府信息公开申请|申请公开")),
    ("active", re.compile(r"主动公开")),
    ("management", re.compile(r"政府信息管理|信息管理")),
    ("platform", re.compile(r"平台建设|公开平台|平台载体|载体建设|网站建设|渠道建设")),
    ("supervision", re.compile(r"监督保障|保障监督|监督考核|监督检查|教育培训|宣传培训|考核评议|督查考核")),
)
# a paragraph that opens with its own heading: （一）主动公开方面。… / 1.主动公开。… / 第一，主动公开。…
_INLINE_HEAD = re.compile(r"^[(（]\s*[一二三四五六七八九十]{1,3}\s*[)）]\s*[^。:：；]{0,40}[。:：；]?")
_OPENING_HEAD = re.compile(r"^(?:\d{1,2}\s*[.、．]|第[一二三四五六]\s*[，,、]?)\s*([^。:：；]{2,24})[。:：；]")


def heading_subtopic(head: str) -> str | None:
    """The one subtopic a sub-heading names, or None (no subtopic, or more than one)."""
    found = {lab for lab, rx in HEADING_LABELS if rx.search(head or "")}
    return found.pop() if len(found) == 1 else None


def strip_heading(text: str) -> tuple[str, str]:
    """(heading, body) of a paragraph that opens with its own heading; ("", text) otherwise."""
    m = _INLINE_HEAD.match(text) or _OPENING_HEAD.match(text)
    if not m:
        return "", text
    return m.group(0), text[m.end() :].strip()


@dataclass(frozen=True)
class ParagraphTopic:
    """One paragraph: what its heading names, and (computed when first asked for, since not every
    paragraph's reading is needed) what the classifier reads in its text."""

    line: int
    end_line: int
    heading: str  # the paragraph's own opening heading, else its enclosing sub-heading ("" if none)
    heading_line: int | None
    heading_subtopic: str | None  # what the heading names (HEADING_LABELS), None if nothing or several
    text: str  # the paragraph without its opening heading (normalised)
    raw: str  # the paragraph as written (for display)
    heading_raw: str  # the heading as written (for display)

    @functools.cached_property
    def _scores(self) -> list[float]:
        from textcheck.analysis.subtopic_classifier import model

        return model().scores(self.text)

    @functools.cached_property
    def label(self) -> str:
        """The classifier's subtopic (or "other")."""
        from textcheck.analysis.subtopic_classifier import model

        probs = self._scores
        return model().labels[max(range(len(probs)), key=lambda i: (probs[i], -i))]

    @functools.cached_property
    def confidence(self) -> float:
        """The classifier's probability of ``label``."""
        return dict(self.probabilities)[self.label]

    @functools.cached_property
    def probabilities(self) -> tuple[tuple[str, float], ...]:
        """Every label's probability, in LABELS order."""
        from textcheck.analysis.subtopic_classifier import model

        return tuple((lab, round(p, 4)) for lab, p in zip(model().labels, self._scores))

    def probability(self, label: str) -> float:
        return dict(self.probabilities).get(label, 0.0)


# The last document's topics (a weak reference to it, min_chars, the topics): the rule
# subtopic-heading-mismatch and the subtopic analysis both ask for them during one check, and each
# paragraph is classified once, when first needed. Another document (every check parses its own) misses.
_last: tuple[weakref.ref, int, list[ParagraphTopic]] | None = None


def overview_topics(doc, min_chars: int = 10) -> list[ParagraphTopic]:
    """Every narrative paragraph of 总体情况 (at least ``min_chars`` characters once its opening heading
    is removed), with its heading's subtopic and the classifier's reading of its text."""
    global _last
    last = _last
    if last is not None and last[0]() is doc and last[1] == min_chars:
        return last[2]
    topics = _overview_topics(doc, min_chars)
    try:
        _last = (weakref.ref(doc), min_chars, topics)
    except TypeError:  # pragma: no cover - an object that takes no weak reference: not kept
        pass
    return topics


def _overview_topics(doc, min_chars: int) -> list[ParagraphTopic]:
    heading_line: dict[str, int] = {}
    heading_raw: dict[str, str] = {}
    items = []
    for b in doc.blocks:
        if b.section != "overview":
            continue
        if b.kind.value == "heading" and b.heading_level >= 2:
            heading_line[b.text] = b.line
            heading_raw[b.text] = b.raw.strip()
            continue
        if not b.is_narrative:
            continue
        own, body = strip_heading(b.text)
        if len(body) < min_chars:
            continue
        head = own.rstrip("。:：；") if own else b.subheading
        shown = b.raw.strip()[: len(head)] if own else heading_raw.get(b.subheading, head)
        items.append((b, head, shown, b.line if own else heading_line.get(b.subheading), body))
    return [
        ParagraphTopic(
            line=b.line,
            end_line=b.end_line,
            heading=head,
            heading_line=hline,
            heading_subtopic=heading_subtopic(head) if head else None,
            text=body,
            raw=b.raw,
            heading_raw=shown,
        )
        for b, head, shown, hline, body in items
    ]
