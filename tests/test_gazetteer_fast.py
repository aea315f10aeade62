"""The faster place-name matcher (Gazetteer.speed_up: ahocorasick_rs, for batch workers and serve)
finds exactly what pyahocorasick's iter_long finds: on every paragraph of the seeds, the fixtures and
the development corpus, on strings made of pieces of the names, and in the findings."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import FIXTURES, ROOT, SEEDS, check_text, seed_path, seed_text

from textcheck import gazetteer as gz
from textcheck.parse import parse
from textcheck.readers import read_path

pytest.importorskip("ahocorasick_rs")
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="module")
def pair():
    slow = gz.load()
    fast = gz.load()
    assert fast.speed_up() and fast._fast is not None and slow._fast is None
    return slow, fast


def _files() -> list:
    files = [seed_path(k) for k in sorted(SEEDS)]
    files += sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".txt", ".html", ".md", ".docx", ".pdf"))
    files += sorted(p for p in CORPUS.rglob("*") if p.suffix in (".txt", ".html", ".md", ".docx", ".pdf"))
    return files


def test_same_matches_on_every_real_paragraph(pair):
    slow, fast = pair
    blocks = 0
    for f in _files():
        try:
            doc = parse(read_path(str(f)))
        except Exception:  # noqa: BLE001 - unreadable fixtures are other tests' business
            continue
        for b in doc.blocks:
            blocks += 1
            assert fast.scan(b.text) == slow.scan(b.text), (f.name, b.line)
    assert blocks > 1000


_PIECES = ["大章镇", "嵩县", "洛阳市", "河南省", "攀枝花市", "攀枝花", "太平镇", "城关街道", "平潭", "平潭综合实验区",
           "人民政府", "办公室", "和", "、", "的", "镇", "县", "市", "区", "省", "投资", "阳光", "资阳", "东区", "西区",
           "新区", "高新区", "开发区", "经济技术", "街道", "乡", "村", "社区", "（", "）", " ", "2021年"]


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join), st.integers(0, 2))
def test_same_matches_on_pieces_of_names_run_together(pair, text, cut):
    slow, fast = pair
    text = text[cut:]  # also names cut at the front
    assert fast.scan(text) == slow.scan(text)


def test_same_findings_with_the_fast_matcher():
    texts = [seed_text(k) for k in sorted(SEEDS)]
    texts += [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "reports").glob("*.txt"))]
    g = gz.gazetteer()
    saved = g._fast

    def findings() -> list[str]:
        return [json.dumps([f.to_dict() for f in check_text(t).findings], ensure_ascii=False, sort_keys=True)
                for t in texts]

    try:
        g._fast = None
        before = findings()
        assert g.speed_up()
        after = findings()
    finally:
        g._fast = saved
    assert after == before and any(x != "[]" for x in before)
