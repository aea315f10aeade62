"""compare's TF-IDF cosines are scikit-learn's TfidfVectorizer's, to the last bit, without importing it."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from support import ROOT, seed_text

from textcheck.analysis import alignment as al
from textcheck.parse import parse_text
from textcheck.resources import cut

sklearn_text = pytest.importorskip("sklearn.feature_extraction.text")


def _sklearn_cosines(new_texts, old_texts):
    texts = new_texts + old_texts
    total = np.zeros((len(new_texts), len(old_texts)))
    for vec in (
        sklearn_text.TfidfVectorizer(tokenizer=cut, token_pattern=None, lowercase=False, sublinear_tf=True),
        sklearn_text.TfidfVectorizer(analyzer="char", ngram_range=(2, 3), lowercase=False, sublinear_tf=True),
    ):
        try:
            m = vec.fit_transform(texts)
        except ValueError:  # empty vocabulary
            continue
        total += (m[: len(new_texts)] @ m[len(new_texts):].T).toarray()
    return total / 2.0


def _texts(num: str) -> list[str]:
    return [p.text for p in al._paras(parse_text(seed_text(num), f"{num}.txt"))]


@pytest.mark.parametrize("old,new", [("001", "003"), ("003", "004"), ("000", "002"), ("004", "004")])
def test_cosines_are_scikit_learns_on_the_seeds(old, new):
    n, o = _texts(new), _texts(old)
    assert np.array_equal(al._cosines(n, o), _sklearn_cosines(n, o))


@pytest.mark.parametrize("new,old", [
    (["一", "  "], ["二"]),  # no character 2-gram at all: that vectorizer is skipped
    (["公开  公开\t政府信息", "政府信息公开"], ["政府 信息", "公开公开公开"]),  # white-space runs, repeats
    (["abc abc", "A B"], ["ABC", "a  b"]),  # case kept
])
def test_cosines_are_scikit_learns_on_edge_cases(new, old):
    assert np.array_equal(al._cosines(new, old), _sklearn_cosines(new, old))


def test_compare_does_not_import_scikit_learn():
    code = (
        "import sys\n"
        "from textcheck.compare import compare_documents\n"
        "from textcheck.parse import parse_text\n"
        "from support import seed_text\n"
        "r = compare_documents(parse_text(seed_text('003'), 'a.txt'), parse_text(seed_text('003'), 'b.txt'))\n"
        "print(len(r.comparison.pairs) > 0, 'sklearn' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT / "tests", check=True).stdout
    assert out.strip() == "True False"
