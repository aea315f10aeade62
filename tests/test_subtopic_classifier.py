"""The paragraph → subtopic classifier (textcheck.analysis.subtopic_classifier) and its shipped model."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from support import ROOT, seed_text

from textcheck.analysis.subtopic_classifier import LABELS, classify, features, model, probabilities
from textcheck.parse import parse_text


def test_model_file_states_its_data_and_accuracy():
    meta = model().meta
    assert meta["cv_accuracy_standard_headings"] >= 0.9  # the target of issue 18, grouped by report
    assert meta["reports"] >= 50 and meta["paragraphs"] >= 300
    assert set(meta["per_label"]) == set(LABELS)
    assert (ROOT / "models" / "subtopic_classifier.json").stat().st_size < 600_000


def test_classify_returns_one_label_and_confidence_per_paragraph_deterministically():
    texts = ["全年共收到政府信息公开申请12件，均在法定期限内答复。", "", "完成门户网站改版。"]
    out = classify(texts)
    assert len(out) == 3 and out == classify(texts)
    for label, conf in out:
        assert label in LABELS and 0.0 <= conf <= 1.0
    assert abs(sum(probabilities(texts[0]).values()) - 1.0) < 1e-9


@pytest.mark.parametrize(
    "text, label",
    [
        # sentences written for this test, not in the training data
        ("本年度新收政府信息公开申请8件，上年结转1件，予以公开5件，本机关不掌握相关政府信息4件，均按期答复。", "requests"),
        ("全年在镇政府网站专栏公开惠民惠农补贴发放信息和防汛救灾资金使用情况共96条，发布政策图解3期。", "active"),
        ("对本机关现行有效的行政规范性文件进行清理，废止3件，并对拟公开的文件逐件开展保密审查和公开属性认定。", "management"),
        ("完成局网站政府信息公开专栏改版，优化检索和下载功能，关停长期不更新的政务新媒体账号2个。", "platform"),
        ("将政务公开纳入年度绩效考核，组织业务培训3次，对工作落实不到位的2个单位进行通报约谈。", "supervision"),
    ],
)
def test_classify_recognises_each_subtopic_in_unseen_text(text, label):
    (got, conf), = classify([text])
    assert got == label and conf >= 0.4


def test_seed_004_supervision_content_under_non_standard_heading():
    # 攀枝花市 （五）以狠抓《条例》落实为保障，压紧压实工作职责 — no subtopic word in the heading, so the
    # training labels never saw it; its text (业务指导、监督检查、工作培训、考核评估、责任追究) is 监督保障
    doc = parse_text(seed_text("004"))
    para = next(b for b in doc.blocks if b.section == "overview" and "压紧压实工作职责" in b.subheading and b.is_narrative)
    (label, conf), = classify([para.text])
    assert label == "supervision" and conf >= 0.6


def test_features_never_cross_punctuation_and_fold_digits():
    f = features("公开12条。答复", max_n=2)
    assert "开0" in f and "0条" in f and "条答" not in f


def test_classifier_is_not_loaded_on_the_help_path_and_never_imports_sklearn():
    code = (
        "import sys; from typer.testing import CliRunner; from textcheck.cli import app;"
        "r = CliRunner().invoke(app, ['--help']); assert r.exit_code == 0;"
        "print(int('textcheck.analysis.subtopic_classifier' in sys.modules), int('sklearn' in sys.modules));"
        "from textcheck.analysis.subtopic_classifier import classify; classify(['公开信息5条。']);"
        "print(int('sklearn' in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout.split()
    assert out == ["0", "0", "0"]


def test_model_json_is_sorted_and_rounded_for_byte_stable_rebuilds():
    raw = (ROOT / "models" / "subtopic_classifier.json").read_text(encoding="utf-8")
    data = json.loads(raw)
    assert raw == json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"
    assert data["labels"] == list(LABELS)


def test_overview_topics_reads_headings_strictly_and_classifies_the_text():
    from textcheck.analysis.overview_topics import heading_subtopic, overview_topics, strip_heading

    assert heading_subtopic("（一）主动公开方面") == "active"
    assert heading_subtopic("（二）依申请公开情况") == "requests"
    assert heading_subtopic("（五）以狠抓《条例》落实为保障，压紧压实工作职责") is None
    assert heading_subtopic("（一）主动公开和依申请公开") is None  # two subtopics: not a label
    assert strip_heading("1.主动公开。全年公开信息5条。") == ("1.主动公开。", "全年公开信息5条。")
    topics = overview_topics(parse_text(seed_text("001")))
    named = [(t.heading_subtopic, t.label) for t in topics if t.heading_subtopic]
    assert [h for h, _ in named] == ["active", "requests", "management", "platform", "supervision"]
    assert all(0.0 <= t.confidence <= 1.0 for t in topics)


def test_overview_topics_classify_each_paragraph_when_asked_as_the_model_does():
    # label, confidence and probabilities are computed on first use; they are the model's reading of
    # the paragraph's text, exactly as computed eagerly
    from textcheck.analysis.overview_topics import overview_topics

    m = model()
    seen = 0
    for num in ("001", "003", "004"):
        for t in overview_topics(parse_text(seed_text(num))):
            probs = m.scores(t.text)
            k = max(range(len(probs)), key=lambda i: (probs[i], -i))
            assert t.probabilities == tuple((lab, round(p, 4)) for lab, p in zip(m.labels, probs))
            assert (t.label, t.confidence) == (m.labels[k], round(probs[k], 4))
            seen += 1
    assert seen >= 20


def test_overview_topics_are_kept_for_one_document_only():
    from textcheck.analysis.overview_topics import overview_topics

    a, b = parse_text(seed_text("001")), parse_text(seed_text("004"))
    ta = overview_topics(a)
    assert overview_topics(a) is ta  # asked again during the same check: the same topics
    again = overview_topics(parse_text(seed_text("001")))  # a new parse of the same text: read anew
    assert again is not ta and [(t.line, t.text) for t in again] == [(t.line, t.text) for t in ta]
    tb = overview_topics(b)
    assert tb is not ta and [t.line for t in tb] != [t.line for t in ta]
    assert overview_topics(a, min_chars=200) is not ta


def _real_paragraphs() -> list[str]:
    """Every block's text of the seeds, the written training paragraphs, and the development corpus when present."""
    import tomllib

    from textcheck.readers import read_path

    paths = sorted((ROOT / "corpora" / "samples").glob("*.txt"))
    corpus = ROOT.parent / "shared" / "corpus"
    if corpus.is_dir():
        paths += sorted(p for p in corpus.rglob("*") if p.suffix in {".txt", ".html", ".pdf", ".docx"})
    texts = [b.text for p in paths for b in parse_text(read_path(str(p)).text).blocks]
    written = tomllib.loads((ROOT / "corpora" / "training" / "subtopic_paragraphs.toml").read_text(encoding="utf-8"))
    texts += [para["text"] for rep in written["report"] for para in rep["paragraph"]]
    return texts


def test_scores_equal_the_reference_computation_bit_for_bit_on_real_paragraphs():
    m = model()
    assert m._fast  # every feature of the shipped model is made of run characters
    texts = _real_paragraphs()
    texts += ["", "。", "ABC１２３公开", "公开" * 300, "专栏" + "平台建设，" * 5]  # empty, no feature, NFKC, counts > 255, lexicon
    assert len(texts) > 500
    diff = [t for t in texts if m.scores(t) != m.scores_reference(t)]
    assert diff == []


def test_reference_path_is_used_for_a_model_with_features_outside_runs():
    from dataclasses import replace

    m = model()
    odd = replace(m, index={**m.index, "公，": 0})
    assert not odd._fast and odd.scores("公，开") == odd.scores_reference("公，开")
