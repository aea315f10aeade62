"""Issuer resolution and the identity rules (name-mismatch, year-mismatch) on seeds and written cases."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from textcheck.finding import Severity
from textcheck.analysis.issuer import resolve_issuer, resolve_name
from textcheck.parse import parse_text
from textcheck.rules import Context, get_rule

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "corpora" / "samples"
FIXTURES = REPO / "tests" / "fixtures" / "identity"
MANIFEST = json.loads((FIXTURES / "manifest.json").read_text(encoding="utf-8"))["cases"]


def seed(prefix: str) -> str:
    return next(SAMPLES.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def run(text: str, rule_id: str, issuer: str | None = None, **options):
    doc = parse_text(text)
    spec = get_rule(rule_id)
    ctx = Context(options={**spec.options, **options}, issuer_override=issuer)
    return list(spec.func(doc, ctx))


def issuer_of(text: str, issuer: str | None = None):
    return resolve_issuer(parse_text(text), issuer)


# --------------------------------------------------------------------------- issuer resolution


def test_resolve_seed_issuers():
    r = issuer_of(seed("003"))
    assert (r["name"], r["code"], r["level"], r["path"]) == ("大章镇", "410325106000", "township", "河南省/洛阳市/嵩县/大章镇")
    assert r["confidence"] >= 0.9 and r["candidates"] == 1 and r["source"] == "title"
    assert issuer_of(seed("001"))["path"] == "四川省/资阳市"  # a department resolves to its government's area
    assert issuer_of(seed("004"))["path"] == "四川省/攀枝花市"
    assert issuer_of(seed("002")) is None  # not a report: nobody to resolve


def test_issuer_override_by_code_and_name():
    r = issuer_of(seed("003"), issuer="410325108000")
    assert r["name"] == "纸房镇" and r["source"] == "config" and r["confidence"] == 1.0
    assert issuer_of(seed("003"), issuer="410325108")["code"] == "410325108000"
    assert issuer_of(seed("004"), issuer="仁和区")["path"] == "四川省/攀枝花市/仁和区"


def test_resolve_is_memoised():
    doc = parse_text(seed("003"))
    ctx = Context(options={})
    assert ctx.issuer(doc) is ctx.issuer(doc)
    assert "issuer" in ctx.memo


def test_ambiguous_name_lowers_confidence():
    alone = resolve_name("城关镇人民政府")
    assert alone["ambiguous"] and alone["candidates"] >= 88 and alone["confidence"] < 0.2
    text = "城关镇人民政府2021年政府信息公开工作年度报告\n\n2021年，城关镇按照洛阳市、嵩县的部署推进政务公开。\n"
    placed = issuer_of(text)
    assert placed["path"] == "河南省/洛阳市/嵩县/城关镇" and not placed["ambiguous"]
    assert placed["confidence"] > alone["confidence"]


def test_relative_department_name():
    text = "市教育局2021年政府信息公开工作年度报告\n\n2021年，汉中市教育局认真落实汉中市委、市政府的部署。\n"
    r = issuer_of(text)
    assert r["path"] == "陕西省/汉中市"


# --------------------------------------------------------------------------- name-mismatch


def test_name_mismatch_fires_on_seed_003_sibling_as_author():
    hits = run(seed("003"), "name-mismatch")
    assert len(hits) == 1
    h = hits[0]
    assert h.evidence["name"] == "纸房镇" and h.evidence["code"] == "410325108000"
    assert h.evidence["lines"] == [13, 31, 37, 55]
    assert (h.line, h.end_line) == (13, 13)
    assert "纸房镇" in h.text
    assert set(h.evidence["abbreviations"]) == {"纸政", "纸发"}
    assert h.evidence["relation"] == "sibling"
    assert h.evidence["relation_text"] == "纸房镇：河南省洛阳市嵩县下辖镇，与本报告发布机关大章镇同属嵩县"
    assert h.message == "报告中出现其他单位名称“纸房镇”，疑似从其他单位报告复制后未修改"
    assert "将“纸房镇”改为“大章镇”" in h.suggestion and "纸政" in h.suggestion
    assert h.severity is Severity.ERROR and h.confidence >= 0.9


@pytest.mark.parametrize("prefix", ["001", "004"])
def test_name_mismatch_silent_and_year_mismatch_silent_on_good_seeds(prefix):
    assert run(seed(prefix), "name-mismatch") == []
    assert run(seed(prefix), "year-mismatch") == []


def test_seed_004_child_and_groupings_are_found_but_legit():
    # 仁和区 (child), 四川 (ancestor), 川渝滇黔 / 成渝 (groupings) are all in the text
    text = seed("004")
    assert "仁和区" in text and "川渝滇黔" in text
    assert run(text, "name-mismatch") == []


TEMPLATE = "{issuer}人民政府2021年政府信息公开工作年度报告\n\n一、总体情况\n\n{body}\n\n{issuer}人民政府\n2022年1月20日\n"


@pytest.mark.parametrize(
    "issuer,body",
    [
        # ancestor in author-like positions
        ("大章镇", "2021年，大章镇依托嵩县人民政府门户网站开设专栏，落实《嵩县政务公开工作制度》。"),
        # documents of higher authorities
        ("大章镇", "认真贯彻《河南省人民政府办公厅关于印发2021年河南省政务公开工作要点的通知》。"),
        # descendant in author-like positions
        ("嵩县", "2021年，嵩县依托大章镇便民服务中心设立查阅点，组织落实《纸房镇政务公开工作制度》。"),
        # sibling named as a place visited, or as a model to learn from
        ("大章镇", "组织工作人员赴纸房镇学习交流，学习借鉴《纸房镇政务公开工作制度》。"),
        # regional groupings and the issuer's own address
        ("大章镇", "主动融入中原城市群建设。联系地址：河南省洛阳市嵩县大章镇政府院内。"),
    ],
)
def test_name_mismatch_silent_on_legitimate_mentions(issuer, body):
    assert run(TEMPLATE.format(issuer=issuer, body=body), "name-mismatch") == []


@pytest.mark.parametrize(
    "body,kind",
    [
        ("组织制定并落实《纸房镇政务公开工作制度》。", "rule-title"),
        ("依托纸房镇党政办公室建立统一的政府信息资源库。", "office"),
        ("2021年，纸房镇人民政府高度重视政务公开工作。", "subject"),
    ],
)
def test_name_mismatch_fires_in_author_positions(body, kind):
    hits = run(TEMPLATE.format(issuer="大章镇", body=body), "name-mismatch")
    assert [h.evidence["name"] for h in hits] == ["纸房镇"]
    assert hits[0].evidence["author_positions"][0][1] == kind


def test_child_in_parent_report_is_silent_but_sibling_fires():
    body = "依托仁和区政务服务中心开展试点。组织落实《米易县政务公开工作制度》。"
    assert run(TEMPLATE.format(issuer="攀枝花市", body=body), "name-mismatch") == []
    # for 盐边县 both are siblings, named as its own service centre and its own rules
    hits = run(TEMPLATE.format(issuer="盐边县", body=body), "name-mismatch")
    assert [h.evidence["name"] for h in hits] == ["仁和区", "米易县"]


def test_ambiguity_lowers_finding_confidence():
    body = "依托车村镇党政办公室建立政府信息资源库。"
    vague = run(TEMPLATE.format(issuer="白河镇", body=body), "name-mismatch")
    placed = run(TEMPLATE.format(issuer="白河镇", body="在嵩县县委、县政府领导下，" + body), "name-mismatch")
    assert len(vague) == len(placed) == 1
    assert vague[0].confidence < placed[0].confidence
    assert vague[0].severity is Severity.WARNING and placed[0].severity is Severity.ERROR


def test_min_confidence_option():
    body = "依托车村镇党政办公室建立政府信息资源库。"
    assert run(TEMPLATE.format(issuer="白河镇", body=body), "name-mismatch", min_confidence=0.99) == []


def test_no_issuer_no_finding():
    assert run("依托纸房镇党政办公室建立政府信息资源库。\n", "name-mismatch") == []


# --------------------------------------------------------------------------- year-mismatch


def test_year_mismatch_fires_on_late_signature_deadlines():
    base = "大章镇人民政府2021年政府信息公开工作年度报告\n\n2021年，大章镇推进政务公开。\n\n大章镇人民政府\n{date}\n"
    assert run(base.format(date="2022年1月24日"), "year-mismatch") == []
    late = run(base.format(date="2022年2月10日"), "year-mismatch")
    assert len(late) == 1 and late[0].severity is Severity.WARNING and late[0].line == 6
    early = run(base.format(date="2021年12月28日"), "year-mismatch")
    assert len(early) == 1 and early[0].severity is None  # the rule's default: error


def test_year_mismatch_silent_on_year_traps():
    text = (
        "大章镇人民政府2021年政府信息公开工作年度报告\n\n"
        "本报告统计期限为2021年1月1日至2021年12月31日。\n\n"
        "2021年，大章镇认真落实《嵩县2020年政务公开考核办法》。全年发布信息较上年增加10条，2020年同期为90条。"
        "自2019年12月以来坚持每月更新。2022年，我镇将进一步加强政策解读。\n"
    )
    assert run(text, "year-mismatch") == []


def test_year_mismatch_fires_on_last_year_in_current_year_sentence():
    text = "大章镇人民政府2021年政府信息公开工作年度报告\n\n2020年，大章镇认真推进政务公开工作。\n"
    hits = run(text, "year-mismatch")
    assert [(h.line, h.evidence["found_year"]) for h in hits] == [(3, 2020)]
    assert "2021年" in h_suggestion(hits)


def h_suggestion(hits):
    return " ".join(h.suggestion for h in hits)


# --------------------------------------------------------------------------- evaluation set


def test_manifest_size_and_cases_exist():
    assert len(MANIFEST) >= 30
    for case in MANIFEST:
        assert (FIXTURES / case["file"]).is_file()


@pytest.mark.parametrize("case", [c for c in MANIFEST if c["file"].startswith("clean_")], ids=lambda c: c["file"])
def test_clean_cases_are_silent(case):
    text = (FIXTURES / case["file"]).read_text(encoding="utf-8")
    assert run(text, "name-mismatch") == []
    assert run(text, "year-mismatch") == []


def test_eval_precision_recall_targets():
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import eval_identity
    finally:
        sys.path.pop(0)
    result = eval_identity.evaluate()
    assert result["cases"] >= 33
    assert result["precision"] >= 0.95, result["errors"]
    assert result["recall"] >= 0.9, result["errors"]
