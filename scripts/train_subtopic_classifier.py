#!/usr/bin/env python3
"""Train the paragraph → subtopic classifier of 一、总体情况 and write models/subtopic_classifier.json.

    python scripts/train_subtopic_classifier.py                 # train, cross-validate, write the model
    python scripts/train_subtopic_classifier.py --eval-only     # cross-validate only, write nothing
    python scripts/train_subtopic_classifier.py --corpus DIR    # corpus folder (default ../shared/corpus)

Data: paragraphs of 总体情况 labelled by their own sub-heading in well-formed reports (the headings of
textcheck.analysis.overview_topics.HEADING_LABELS, the ones the checker trusts) — a paragraph under
（一）主动公开 / 1.依申请公开。/ （五）监督保障方面 is an example of that subtopic; the paragraphs before the
first sub-heading of an overview that has at least two such headings are "other" (background, summary).
Sources, read in sorted order: the seeds (corpora/samples), the development corpus (../shared/corpus, when
present: its text is read here and never written to the repository; only the trained weights are), and the
paragraphs written for this project (corpora/training/subtopic_paragraphs.toml).

Method: character 1–3-gram TF-IDF (sublinear tf, l2) + multinomial logistic regression (scikit-learn), the
features computed by textcheck.analysis.subtopic_classifier.features so that training and scoring agree.
Held-out accuracy: GroupKFold by report (every paragraph of a report is in the same fold), scored on the
paragraphs under standard headings (not on the extra 一是/二是 items). Deterministic: sorted inputs, no
random state anywhere (GroupKFold without shuffling, lbfgs).

Prints the data size, per-class counts, cross-validated accuracy (overall and per source) and the
confusions, then writes the model and checks that the pure-Python scorer reproduces scikit-learn's
probabilities.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from textcheck.analysis.overview_topics import heading_subtopic, strip_heading  # noqa: E402
from textcheck.analysis.subtopic_classifier import (  # noqa: E402
    LABELS,
    MODEL_FILE,
    features,
    lexicon_terms,
    model_from_dict,
)

WRITTEN = ROOT / "corpora" / "training" / "subtopic_paragraphs.toml"
MIN_CHARS = 10
# the shipped model's settings (chosen by grouped cross-validation; see models/README.md)
DEFAULTS = {"max_n": 2, "c": 3.0, "max_features": 12000, "folds": 5}
CUT_MIN_CHARS = 40  # a paragraph cut by the end of an excerpt is kept when this much of it is left

_TERMINAL = re.compile(r"[。！？；.!?;][”’\"」』)）]*$")
_ITEM = re.compile(r"(?=(?:[一二三四五六七八九十]是|\(\d\)|（\d）))")


@dataclass(frozen=True)
class Example:
    label: str
    text: str
    group: str  # the report it comes from (the cross-validation group)
    source: str  # seed | corpus | written
    kind: str  # paragraph | item


def _items(text: str) -> list[str]:
    parts = [p.strip() for p in _ITEM.split(text) if p.strip()]
    return parts if len(parts) >= 2 else []


def from_document(doc, group: str, source: str) -> list[Example]:
    """Labelled paragraphs of one parsed report's 总体情况."""
    from textcheck.document import BlockKind

    blocks = [b for b in doc.blocks if b.section == "overview"]
    last = max((b for b in doc.blocks if b.text.strip()), key=lambda b: b.end_line, default=None)
    rows: list[tuple[str | None, str, bool]] = []  # (label, body, before-first-heading)
    seen_heading = False
    for b in blocks:
        if b.kind is BlockKind.HEADING:
            if b.heading_level >= 2:
                seen_heading = True
            continue
        if b.kind is not BlockKind.PARAGRAPH:
            continue
        own, body = strip_heading(b.text)
        if b is last and not _TERMINAL.search(b.text) and len(body) < CUT_MIN_CHARS:
            continue  # an excerpt cut early in a paragraph: too little of it is left to learn from
        head = own or b.subheading
        label = heading_subtopic(head) if head else None
        if own or b.subheading:
            seen_heading = True
        rows.append((label, body, not seen_heading))
    labelled = {lab for lab, _b, _lead in rows if lab}
    out: list[Example] = []
    seen: set[str] = set()
    for label, body, lead in rows:
        if label is None and lead and len(labelled) >= 2:
            label = "other"
        if label is None or len(body) < MIN_CHARS or body in seen:
            continue
        seen.add(body)  # a paragraph pasted twice (seed 003) counts once
        out.append(Example(label, body, group, source, "paragraph"))
        for item in _items(body):
            if len(item) >= 30 and item not in seen:
                seen.add(item)
                out.append(Example(label, item, group, source, "item"))
    return out


def load_examples(corpus: Path | None) -> list[Example]:
    from textcheck.parse import parse
    from textcheck.readers import read_path

    out: list[Example] = []
    for path in sorted((ROOT / "corpora" / "samples").glob("*.txt")):
        out += from_document(parse(read_path(str(path))), f"seed/{path.name}", "seed")
    if corpus and corpus.is_dir():
        files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix in {".txt", ".md", ".html", ".pdf", ".docx"})
        for path in files:
            if path.name.lower() == "readme.md":
                continue
            rel = path.relative_to(corpus).as_posix()
            out += from_document(parse(read_path(str(path))), f"corpus/{rel}", "corpus")
    data = tomllib.loads(WRITTEN.read_text(encoding="utf-8"))
    for rep in data["report"]:
        group = f"written/{rep['id']}"
        seen: set[str] = set()
        for para in rep["paragraph"]:
            text = para["text"].strip()
            if para["label"] not in LABELS:
                raise SystemExit(f"{WRITTEN}: report {rep['id']}: unknown label {para['label']}")
            if text in seen:
                continue
            seen.add(text)
            out.append(Example(para["label"], text, group, "written", "paragraph"))
            for item in _items(text):
                if len(item) >= 30:
                    out.append(Example(para["label"], item, group, "written", "item"))
    return out


def make_pipeline(max_n: int, c: float, max_features: int | None, lexicon: dict | None):
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline as mk

    return mk(
        TfidfVectorizer(
            analyzer=lambda t: features(t, max_n, lexicon),
            sublinear_tf=True,
            min_df=2,
            max_features=max_features,
            dtype=np.float64,
        ),
        LogisticRegression(C=c, max_iter=5000),
    )


def cross_validate(examples: list[Example], max_n: int, c: float, max_features: int | None, lexicon, folds: int = 5):
    """Grouped k-fold: predictions for every paragraph example, trained without its report."""
    from sklearn.model_selection import GroupKFold

    texts = [e.text for e in examples]
    labels = [e.label for e in examples]
    groups = [e.group for e in examples]
    pred: list[str | None] = [None] * len(examples)
    proba: list[dict | None] = [None] * len(examples)
    for train, test in GroupKFold(n_splits=folds).split(texts, labels, groups):
        pipe = make_pipeline(max_n, c, max_features, lexicon)
        pipe.fit([texts[i] for i in train], [labels[i] for i in train])
        classes = list(pipe.classes_)
        for i, row in zip(test, pipe.predict_proba([texts[i] for i in test])):
            k = int(row.argmax())
            pred[i] = classes[k]
            proba[i] = {c: float(p) for c, p in zip(classes, row)}
    return pred, proba


def accuracy(examples, pred, keep) -> tuple[float, int]:
    idx = [i for i, e in enumerate(examples) if keep(e)]
    if not idx:
        return 0.0, 0
    return sum(pred[i] == examples[i].label for i in idx) / len(idx), len(idx)


def export(pipe, max_n: int, lexicon: dict | None, meta: dict) -> dict:
    vec, clf = pipe.steps[0][1], pipe.steps[1][1]
    vocab = sorted(vec.vocabulary_.items(), key=lambda kv: kv[1])
    order = [LABELS.index(c) for c in clf.classes_]
    if sorted(order) != list(range(len(LABELS))):
        raise SystemExit(f"classes {list(clf.classes_)} differ from {LABELS}")
    coef = clf.coef_  # (n_classes, n_features) in clf.classes_ order
    rows = []
    for j in range(len(vocab)):
        row = [0.0] * len(LABELS)
        for k, lab_idx in enumerate(order):
            row[lab_idx] = round(float(coef[k, j]), 5)
        rows.append(row)
    intercept = [0.0] * len(LABELS)
    for k, lab_idx in enumerate(order):
        intercept[lab_idx] = round(float(clf.intercept_[k]), 5)
    return {
        "labels": list(LABELS),
        "max_n": max_n,
        "lexicon": lexicon or {},
        "features": [f for f, _ in vocab],
        "idf": [round(float(x), 5) for x in vec.idf_],
        "weights": rows,
        "intercept": intercept,
        "meta": meta,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--eval-only", action="store_true")
    ap.add_argument("--max-n", type=int, default=DEFAULTS["max_n"])
    ap.add_argument("--no-lexicon", action="store_true", help="character n-grams only")
    ap.add_argument("--c", type=float, default=DEFAULTS["c"])
    ap.add_argument("--max-features", type=int, default=DEFAULTS["max_features"])
    ap.add_argument("--folds", type=int, default=DEFAULTS["folds"])
    args = ap.parse_args()

    corpus = Path(args.corpus)
    examples = load_examples(corpus)
    paras = [e for e in examples if e.kind == "paragraph"]
    print(f"data: {len(examples)} examples ({len(paras)} paragraphs, {len(examples) - len(paras)} items) "
          f"from {len({e.group for e in examples})} reports")
    for src in ("seed", "corpus", "written"):
        sub = [e for e in paras if e.source == src]
        print(f"  {src:8s} {len(sub):4d} paragraphs, {len({e.group for e in sub}):3d} reports  "
              + "  ".join(f"{lab}={n}" for lab, n in sorted(Counter(e.label for e in sub).items())))
    if not corpus.is_dir():
        print(f"  (corpus {corpus} not found: trained without it)")

    lexicon = None if args.no_lexicon else lexicon_terms()
    t0 = time.perf_counter()
    pred, proba = cross_validate(examples, args.max_n, args.c, args.max_features, lexicon, args.folds)
    cv_time = time.perf_counter() - t0
    std = lambda e: e.kind == "paragraph" and e.label != "other"  # noqa: E731
    acc, n = accuracy(examples, pred, std)
    acc_all, n_all = accuracy(examples, pred, lambda e: e.kind == "paragraph")
    print(f"held-out accuracy ({args.folds}-fold, grouped by report): {acc:.3f} on {n} paragraphs under standard "
          f"headings; {acc_all:.3f} on {n_all} paragraphs including 'other'  [{cv_time:.1f} s]")
    real = lambda e: std(e) and e.source != "written"  # noqa: E731
    acc_real, n_real = accuracy(examples, pred, real)
    print(f"  on real reports only (seeds + corpus): {acc_real:.3f} on {n_real} paragraphs")
    conf = Counter((e.label, pred[i]) for i, e in enumerate(examples) if e.kind == "paragraph" and pred[i] != e.label)
    if conf:
        print("  confusions (true -> predicted: count): "
              + ", ".join(f"{a}->{b}: {k}" for (a, b), k in sorted(conf.items(), key=lambda kv: (-kv[1], kv[0]))))
    # how the confidence behaves on held-out paragraphs: what a rule that trusts it would get
    held = [i for i, e in enumerate(examples) if std(e)]
    for t in (0.5, 0.6, 0.7, 0.8):
        sure = [i for i in held if proba[i][pred[i]] >= t]
        right = sum(pred[i] == examples[i].label for i in sure)
        print(f"  confidence >= {t:.1f}: {len(sure) / len(held):.0%} of paragraphs, accuracy {right / max(1, len(sure)):.3f}")
    for t in (0.7, 0.8, 0.9):
        odd = [i for i in held if pred[i] != examples[i].label and proba[i][pred[i]] >= t
               and proba[i][examples[i].label] < 0.1]
        print(f"  heading/text disagreement at p >= {t:.1f} and p(heading) < 0.1: {len(odd)} of {len(held)} "
              f"paragraphs under standard headings")
    if args.eval_only:
        return 0

    pipe = make_pipeline(args.max_n, args.c, args.max_features, lexicon)
    pipe.fit([e.text for e in examples], [e.label for e in examples])
    meta = {
        "method": "char 1-%d-gram%s TF-IDF (sublinear, l2, min_df=2, max_features=%d) + multinomial logistic "
        "regression (C=%g)" % (args.max_n, "" if args.no_lexicon else " + subtopic-term", args.max_features, args.c),
        "examples": len(examples),
        "paragraphs": len(paras),
        "reports": len({e.group for e in examples}),
        "per_label": dict(sorted(Counter(e.label for e in examples).items())),
        "cv_accuracy_standard_headings": round(acc, 4),
        "cv_paragraphs": n,
        "cv_accuracy_real_reports": round(acc_real, 4),
        "cv_folds": args.folds,
        "corpus_used": corpus.is_dir(),
    }
    data = export(pipe, args.max_n, lexicon, meta)
    out = ROOT / "models" / MODEL_FILE
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"
    out.write_text(text, encoding="utf-8")
    # the shipped scorer must reproduce scikit-learn's probabilities
    m = model_from_dict(json.loads(text))
    probe = [e.text for e in examples[:: max(1, len(examples) // 200)]]
    skl = pipe.predict_proba(probe)
    worst = 0.0
    for row, t in zip(skl, probe):
        ours = m.scores(t)
        for k, cls in enumerate(pipe.steps[1][1].classes_):
            worst = max(worst, abs(ours[LABELS.index(cls)] - row[k]))
    print(f"model: {out.relative_to(ROOT)} ({out.stat().st_size / 1024:.0f} KB, {len(data['features'])} features); "
          f"max |p_python - p_sklearn| = {worst:.1e} on {len(probe)} texts")
    if worst > 1e-3:
        raise SystemExit("the exported model does not reproduce scikit-learn's probabilities")
    return 0


if __name__ == "__main__":
    sys.exit(main())
