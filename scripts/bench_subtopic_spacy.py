#!/usr/bin/env python3
"""Measure spaCy's text classifier on the subtopic data, for the library choice in docs/narrative.md.

    pip install spacy          # not a textcheck dependency: only this measurement needs it
    python scripts/bench_subtopic_spacy.py [--corpus DIR] [--arch bow|ensemble] [--epochs N]

Same examples and the same folds (GroupKFold by report) as scripts/train_subtopic_classifier.py; prints
held-out accuracy on paragraphs under standard headings, training time, the saved pipeline's size, and the
time to import spaCy and load the trained pipeline in a fresh process — next to the same figures for the
shipped model (models/subtopic_classifier.json, scored in pure Python).
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from train_subtopic_classifier import load_examples  # noqa: E402

from textcheck.analysis.subtopic_classifier import LABELS  # noqa: E402

BOW = """
[model]
@architectures = "spacy.TextCatBOW.v3"
exclusive_classes = true
ngram_size = {ngram}
no_output_layer = false
length = 262144
"""


def build(arch: str, ngram: int):
    import spacy

    nlp = spacy.blank("zh")  # spaCy's default Chinese segmenter: characters (no jieba, no pkuseg model)
    if arch == "bow":
        from thinc.api import Config

        cfg = Config().from_str(BOW.format(ngram=ngram))
        textcat = nlp.add_pipe("textcat", config={"model": cfg["model"]})
    else:
        textcat = nlp.add_pipe("textcat")  # default: TextCatEnsemble (bow + tok2vec with attention)
    for lab in LABELS:
        textcat.add_label(lab)
    return nlp


def train(nlp, texts, labels, epochs: int, seed: int = 0):
    import spacy
    from spacy.training import Example

    spacy.util.fix_random_seed(seed)
    examples = []
    for t, y in zip(texts, labels):
        doc = nlp.make_doc(t)
        examples.append(Example.from_dict(doc, {"cats": {lab: float(lab == y) for lab in LABELS}}))
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(examples)
        for i in range(0, len(examples), 16):
            nlp.update(examples[i : i + 16], sgd=optimizer, drop=0.2)
    return nlp


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--arch", choices=("bow", "ensemble"), default="bow")
    ap.add_argument("--ngram", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=20)
    args = ap.parse_args()
    try:
        import spacy  # noqa: F401
    except ImportError:
        print("spaCy is not installed: pip install spacy")
        return 2
    from sklearn.model_selection import GroupKFold

    ex = load_examples(Path(args.corpus))
    texts = [e.text for e in ex]
    labels = [e.label for e in ex]
    groups = [e.group for e in ex]
    pred: list[str | None] = [None] * len(ex)
    t0 = time.perf_counter()
    for tr, te in GroupKFold(n_splits=5).split(texts, labels, groups):
        nlp = train(build(args.arch, args.ngram), [texts[i] for i in tr], [labels[i] for i in tr], args.epochs)
        for i, doc in zip(te, nlp.pipe([texts[i] for i in te])):
            pred[i] = max(doc.cats, key=lambda k: doc.cats[k])
    cv_time = time.perf_counter() - t0
    std = [i for i, e in enumerate(ex) if e.kind == "paragraph" and e.label != "other"]
    real = [i for i in std if ex[i].source != "written"]
    acc = sum(pred[i] == labels[i] for i in std) / len(std)
    acc_real = sum(pred[i] == labels[i] for i in real) / len(real)
    print(f"spaCy textcat ({args.arch}, ngram {args.ngram}, {args.epochs} epochs): held-out accuracy {acc:.3f} on "
          f"{len(std)} paragraphs under standard headings, {acc_real:.3f} on {len(real)} from real reports  "
          f"[5-fold CV {cv_time:.0f} s]")

    nlp = train(build(args.arch, args.ngram), texts, labels, args.epochs)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "textcat"
        nlp.to_disk(out)
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        probe = "全年共收到政府信息公开申请12件，均在法定期限内答复。"
        code = (
            "import time;t=time.perf_counter();import spacy;t1=time.perf_counter();"
            f"nlp=spacy.load({str(out)!r});t2=time.perf_counter();d=nlp({probe!r});t3=time.perf_counter();"
            "print(f'{t1-t:.2f} {t2-t1:.2f} {t3-t2:.3f}')"
        )
        spacy_times = _median_run(code)
    ours = _median_run(
        "import time;t=time.perf_counter();from textcheck.analysis.subtopic_classifier import classify;"
        f"t1=time.perf_counter();classify([{probe!r}]);t2=time.perf_counter();r=classify([{probe!r}]);"
        "t3=time.perf_counter();print(f'{t1-t:.2f} {t2-t1:.2f} {t3-t2:.3f}')"
    )
    model = ROOT / "models" / "subtopic_classifier.json"
    print(f"spaCy: import {spacy_times[0]:.2f} s, load pipeline {spacy_times[1]:.2f} s, first text {spacy_times[2]*1000:.0f} ms; "
          f"pipeline on disk {size / 1024:.0f} KB")
    print(f"shipped model: import {ours[0]:.2f} s, load + first text {ours[1]:.2f} s, next text {ours[2]*1000:.1f} ms; "
          f"{model.stat().st_size / 1024:.0f} KB")
    return 0


def _median_run(code: str, runs: int = 3) -> list[float]:
    rows = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
        rows.append([float(x) for x in out.stdout.split()])
    return [sorted(col)[len(col) // 2] for col in zip(*rows)]


if __name__ == "__main__":
    sys.exit(main())
