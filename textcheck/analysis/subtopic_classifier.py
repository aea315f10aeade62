"""Paragraph → subtopic of 一、总体情况 (主动公开, 依申请公开, 政府信息管理, 平台建设, 监督保障, or other).

A linear model over character n-grams, trained by ``scripts/train_subtopic_classifier.py`` on paragraphs
labelled by their own sub-headings in well-formed reports (see ``models/README.md``). The trained weights
ship as ``models/subtopic_classifier.json``; scoring here is plain Python (no scikit-learn import, which
costs about a second), and the model is loaded on first use only.

    >>> classify(["全年共收到政府信息公开申请12件，均在法定期限内答复。"])
    [('requests', 0.9...)]
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import operator
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any

LABELS = ("active", "requests", "management", "platform", "supervision", "other")
NAMES = {
    "active": "主动公开",
    "requests": "依申请公开",
    "management": "政府信息管理",
    "platform": "政府信息公开平台建设",
    "supervision": "监督保障",
    "other": "其他",
}
MODEL_FILE = "subtopic_classifier.json"

_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaffA-Za-z0-9]+")
_DIGITS = re.compile(r"\d+")
_LOG_TF = [0.0] + [1.0 + math.log(c) for c in range(1, 256)]  # sublinear term frequency by count


def normalise(text: str) -> str:
    """NFKC, digit runs folded to one 0 (a count is a count), latin lower-cased."""
    return _DIGITS.sub("0", unicodedata.normalize("NFKC", text)).lower()


def features(text: str, max_n: int = 2, lexicon: dict[str, list[list]] | None = None) -> list[str]:
    """Character 1..max_n-grams inside runs of letters and digits (never across punctuation), plus, for
    each subtopic term of ``lexicon`` found in the text, ``LEX:<subtopic>`` repeated by the term's weight
    (prior knowledge from corpora/subtopics.toml, frozen into the model file when it was trained)."""
    norm = normalise(text)
    out: list[str] = []
    for run in _RUN.findall(norm):
        out.extend(run)  # 1-grams
        if max_n >= 2:
            out.extend(map(operator.add, run, run[1:]))  # 2-grams, built in C
        for n in range(3, max_n + 1):
            out.extend(run[i : i + n] for i in range(len(run) - n + 1))
    if lexicon:
        for term, owners in lexicon.items():
            if term in norm:
                for key, weight in owners:
                    out.extend([f"LEX:{key}"] * int(weight))
    return out


def lexicon_terms() -> dict[str, list[list]]:
    """Subtopic terms of corpora/subtopics.toml as {term: [[subtopic, weight], ...]} (sorted)."""
    from textcheck.resources import corpus_toml

    data = corpus_toml("subtopics.toml")
    table: dict[str, list[list]] = {}
    for key, sub in sorted(data.items()):
        for term, weight in sorted(sub.get("terms", {}).items()):
            table.setdefault(normalise(term), []).append([key, int(weight)])
    return dict(sorted(table.items()))


@dataclass(frozen=True)
class Model:
    labels: tuple[str, ...]
    max_n: int
    lexicon: dict[str, list[list]]
    index: dict[str, int]  # feature -> column
    idf: tuple[float, ...]  # (n_features,)
    weights: tuple[tuple[float, ...], ...]  # one row of n_labels weights per feature
    intercept: tuple[float, ...]  # (n_labels,)
    meta: dict
    columns: tuple[tuple[float, ...], ...] = ()  # ``weights`` by label: one weight per feature

    def __post_init__(self):
        if not self.columns:
            object.__setattr__(self, "columns", tuple(zip(*self.weights)) if self.weights else ((),) * len(self.intercept))
        # one regex over every n-gram feature joined: each of them is made of run characters only
        grams = "".join(f for f in self.index if not f.startswith("LEX:"))
        object.__setattr__(self, "_fast", self.max_n == 2 and (not grams or _RUN.fullmatch(grams) is not None))
        lex = {}
        for term, owners in self.lexicon.items():
            counts: dict[str, int] = {}
            for key, weight in owners:
                if int(weight) > 0:
                    counts[f"LEX:{key}"] = counts.get(f"LEX:{key}", 0) + int(weight)
            if counts:
                lex[term] = counts
        # (column of the term's first two characters or None, term, LEX counts by column): a term that
        # occurs in a text starts with one of its bigrams, which ``scores`` has counted (when a feature)
        # before it looks for terms
        object.__setattr__(self, "_lex", tuple(
            (self.index.get(term[:2]), term, {self.index[f]: n for f, n in counts.items() if f in self.index})
            for term, counts in lex.items()))

    def scores(self, text: str) -> list[float]:
        """Class probabilities (multinomial logistic regression on sublinear, l2-normalised TF-IDF).

        Plain Python over the paragraph's few dozen features, sums with ``math.fsum`` (exactly rounded:
        the same digits on every machine, which a BLAS dot product does not promise); numpy was a
        tenth of a check's start-up for this. The numbers are those of ``scores_reference`` (the same
        formula written out feature by feature) to the last bit; this is the same computation with fewer
        Python-level steps, ~1.6x faster (a check may score every paragraph of 总体情况):

        - every 1- and 2-gram of the whole normalised text is looked up in the index and counted by
          column, across punctuation too: when every model feature is made of run characters (checked
          once, ``_fast``), an n-gram holding any other character is no feature, so the counts of the
          features that matter are exactly those of ``features``;
        - no sorting: ``fsum`` is exactly rounded, so its result does not depend on the order of its terms.
        """
        if not self._fast:
            return self.scores_reference(text)
        norm = normalise(text)
        # column -> count, over the text's 1- and 2-grams that are model features (None: not one)
        found = Counter(map(self.index.get, itertools.chain(norm, map(operator.add, norm, norm[1:]))))
        found.pop(None, None)
        for head, term, counts in self._lex:
            if (head in found if head is not None else True) and term in norm:
                found.update(counts)
        z = list(self.intercept)
        if found:
            js = list(found)
            cs = list(found.values())
            tf = _LOG_TF if max(cs) < len(_LOG_TF) else [1.0 + math.log(c) if c else 0.0 for c in range(max(cs) + 1)]
            x = list(map(operator.mul, map(tf.__getitem__, cs), map(self.idf.__getitem__, js)))
            norm2 = math.sqrt(math.fsum(map(operator.mul, x, x))) or 1.0
            vs = list(map(operator.truediv, x, itertools.repeat(norm2)))
            if len(js) > 1:
                pick = operator.itemgetter(*js)
            else:
                j0 = js[0]
                pick = lambda col: (col[j0],)  # noqa: E731 - itemgetter of one index returns no tuple
            z = [b + math.fsum(map(operator.mul, pick(col), vs)) for col, b in zip(self.columns, z)]
        top = max(z)
        exp = [math.exp(v - top) for v in z]
        total = math.fsum(exp)
        return [v / total for v in exp]

    def scores_reference(self, text: str) -> list[float]:
        """``scores`` written out feature by feature from ``features`` (the definition; tests check that
        ``scores`` gives these numbers bit for bit)."""
        index = self.index
        found = Counter(features(text, self.max_n, self.lexicon))
        counts = sorted([(index[f], found[f]) for f in found.keys() & index.keys()])
        z = list(self.intercept)
        if counts:
            idf = self.idf
            x = [(1.0 + math.log(c)) * idf[j] for j, c in counts]
            norm = math.sqrt(math.fsum(v * v for v in x)) or 1.0
            js = [j for j, _c in counts]
            vs = [v / norm for v in x]
            z = [b + math.fsum(map(operator.mul, map(col.__getitem__, js), vs)) for col, b in zip(self.columns, z)]
        top = max(z)
        exp = [math.exp(v - top) for v in z]
        total = math.fsum(exp)
        return [v / total for v in exp]


def model_from_dict(data: dict) -> Model:
    feats = data["features"]
    n_labels = len(data["labels"])
    w = data["weights"]  # one row per feature (or the same numbers flat)
    flat = [float(v) for row in w for v in row] if w and isinstance(w[0], list) else [float(v) for v in w]
    if len(flat) != len(feats) * n_labels:
        raise ValueError("subtopic classifier: weights do not match features x labels")
    return Model(
        labels=tuple(data["labels"]),
        max_n=int(data["max_n"]),
        lexicon={t: [list(o) for o in owners] for t, owners in data.get("lexicon", {}).items()},
        index={f: i for i, f in enumerate(feats)},
        idf=tuple(float(v) for v in data["idf"]),
        weights=tuple(tuple(flat[i : i + n_labels]) for i in range(0, len(flat), n_labels)),
        intercept=tuple(float(v) for v in data["intercept"]),
        meta=dict(data.get("meta", {})),
    )


@functools.lru_cache(maxsize=1)
def model() -> Model:
    from textcheck.resources import data_dir

    with open(data_dir("models") / MODEL_FILE, encoding="utf-8") as fh:
        return model_from_dict(json.load(fh))


def classify(paragraphs: list[str]) -> list[tuple[str, float]]:
    """(label, confidence) for each paragraph: the most probable subtopic and its probability."""
    m = model()
    out = []
    for text in paragraphs:
        probs = m.scores(text)
        k = max(range(len(probs)), key=lambda i: (probs[i], -i))
        out.append((m.labels[k], round(probs[k], 4)))
    return out


def probabilities(text: str) -> dict[str, float]:
    """Every label's probability for one paragraph."""
    m = model()
    return dict(zip(m.labels, m.scores(text)))
