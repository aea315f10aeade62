"""scripts/eval_corpus.py: its label loader, matcher and figures (always, on data made here), and the figures
on the real development corpus against tests/corpus/thresholds.toml (when ../shared/corpus exists)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
from support import ROOT, good_report


def _load_script():
    spec = importlib.util.spec_from_file_location("eval_corpus", ROOT / "scripts" / "eval_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["eval_corpus"] = mod  # dataclasses look their module up while the script is being executed
    spec.loader.exec_module(mod)
    return mod


ev = _load_script()
CORPUS = ROOT.parent / "shared" / "corpus"
RULES = {"section-missing", "subtopic-missing", "name-mismatch", "empty-section", "repeated-word", "identity-unknown"}


# ------------------------------------------------------------------------------------ labels and matching


def test_labels_file_parses_with_known_rule_ids_and_holds_no_report_text():
    labels = ev.load_labels(ev.DEFAULT_LABELS)
    assert labels, "tests/corpus/labels.toml is empty"
    known = ev.known_rule_ids()
    for fid, fl in labels.items():
        assert fid.startswith(("pages/", "full/")), fid
        for lb in fl.expect + fl.allow:
            assert lb.rule in known, (fid, lb.rule)
            # hints are short pointers (a section title, a row label, a doubled word), never copied passages
            assert lb.hint is None or len(lb.hint) <= 16, (fid, lb.hint)
            assert len(lb.note) <= 200, (fid, lb.note)


def test_label_loader_rejects_unknown_rules_keys_and_severities(tmp_path):
    bad_rule = tmp_path / "a.toml"
    bad_rule.write_text('["pages/1.txt"]\nexpect = [{ rule = "no-such-rule", note = "x" }]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="unknown rule id"):
        ev.load_labels(bad_rule, RULES)
    bad_key = tmp_path / "b.toml"
    bad_key.write_text('["pages/1.txt"]\nexpects = []\n', encoding="utf-8")
    with pytest.raises(ValueError, match="unknown keys"):
        ev.load_labels(bad_key, RULES)
    bad_sev = tmp_path / "c.toml"
    bad_sev.write_text('["pages/1.txt"]\nallow = [{ rule = "name-mismatch", note = "x", severity = "fatal" }]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="severity"):
        ev.load_labels(bad_sev, RULES)
    no_note = tmp_path / "d.toml"
    no_note.write_text('["pages/1.txt"]\nallow = [{ rule = "name-mismatch" }]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="needs rule and note"):
        ev.load_labels(no_note, RULES)


def test_label_matches_rule_severity_and_hint_ignoring_whitespace():
    lb = ev.Label(rule="repeated-word", note="doubled", hint="保障 保障", severity=("warning",))
    finding = {"rule": "repeated-word", "severity": "warning", "message": "词语重复", "text": "(五)完善监督保障保障机制"}
    assert lb.matches(finding)
    assert not lb.matches({**finding, "severity": "error"})
    assert not lb.matches({**finding, "rule": "duplicate-paragraph"})
    assert not lb.matches({**finding, "text": "(五)完善监督保障机制"})
    # the hint may sit in the section or a related excerpt too
    sec = ev.Label(rule="empty-section", note="bare heading", hint="收到和处理政府信息公开申请情况")
    assert sec.matches({"rule": "empty-section", "severity": "error", "message": "只有标题", "section": "收到和处理政府信息公开申请情况"})
    rel = ev.Label(rule="section-duplicate", note="x", hint="三、主动公开")
    assert rel.matches({"rule": "section-duplicate", "severity": "error", "related": [{"text": "三、主动公开工作情况"}]})


def test_same_issuer_allows_superiors_and_generic_words_but_not_junk():
    m = {"province": "陕西省", "city": "西咸新区", "county": None}
    assert ev.same_issuer("西咸新区北杜街道办事处", ["北杜街道办事处"], m)
    assert ev.same_issuer("北杜街道", ["西咸新区北杜街道办事处"], m)
    assert ev.same_issuer("上海市杨浦区政府", ["上海市杨浦区人民政府"], {"province": "上海市", "city": "上海市", "county": "杨浦区"})
    pt = {"province": "福建省", "city": "平潭综合实验区", "county": None}
    assert not ev.same_issuer("标题:平潭综合实验区", ["平潭综合实验区"], pt)
    assert not ev.same_issuer("|标题: |高青县常家镇人民政府", ["高青县常家镇人民政府"], {"province": "山东省", "city": "淄博市", "county": "高青县"})
    fg = {"province": "陕西省", "city": "榆林市", "county": "府谷县"}
    assert not ev.same_issuer("县政府办公室", ["府谷县人民政府办公室"], fg)  # no county: not the unit
    assert not ev.same_issuer("府谷县人民政府", ["府谷县人民政府办公室"], fg)  # the government is not its office
    assert not ev.same_issuer(None, ["府谷县人民政府办公室"], fg)


def test_resolved_issuer_must_name_the_unit_in_the_right_province():
    m = {"province": "陕西省"}
    assert ev.resolved_ok({"name": "太平镇", "path": "陕西省/西咸新区/太平镇"}, ["太平镇人民政府"], m)
    assert not ev.resolved_ok({"name": "太平镇", "path": "天津市/滨海新区/太平镇"}, ["太平镇人民政府"], m)
    assert not ev.resolved_ok({"name": "泰安市", "path": "山东省/泰安市"}, ["泰安高新区"], {"province": "山东省"})
    assert not ev.resolved_ok(None, ["太平镇人民政府"], m)


def _sections(present: set[str]) -> list[dict]:
    titles = [
        ("overview", "总体情况"),
        ("active", "主动公开政府信息情况"),
        ("requests", "收到和处理政府信息公开申请情况"),
        ("review", "政府信息公开行政复议、行政诉讼情况"),
        ("problems", "存在的主要问题及改进情况"),
        ("other", "其他需要报告的事项"),
    ]
    return [{"key": k, "title": t, "present": k in present} for k, t in titles]


def _missing(title: str) -> dict:
    return {"rule": "section-missing", "severity": "error", "message": f"缺少“{title}”部分", "evidence": {"section": title}}


def _sub_missing(name: str, severity: str = "error") -> dict:
    return {"rule": "subtopic-missing", "severity": severity, "message": f"没有写到“{name}”", "evidence": {"subtopic": name}}


def _excerpt(visible: list[str], **manifest) -> object:
    entry = {"file": "x.txt", "issuer": "北杜街道办事处", "province": "陕西省", "city": "西咸新区", "report_year": 2023}
    entry.update(manifest)
    entry["observations"] = {"subtopic_headings_visible": visible, "defects": []}
    return ev.CorpusFile(id="pages/x.txt", kind="pages", path=Path("x.txt"), manifest=entry)


def test_truncation_explains_sections_after_the_cut_only():
    cf = _excerpt([])
    result = {
        "is_report": True,
        "issuer": "北杜街道办事处",
        "year": 2023,
        "sections": _sections({"overview", "requests"}),
        "findings": [_missing("主动公开政府信息情况"), _missing("政府信息公开行政复议、行政诉讼情况"), _missing("其他需要报告的事项")],
    }
    row = ev.evaluate_file(cf, result, None)
    assert [f["explained"] for f in row["findings"]] == ["unexplained", "truncation", "truncation"]
    # the same findings on a full report are never truncation
    full = ev.CorpusFile(id="full/x.txt", kind="full", path=Path("x.txt"), manifest=cf.manifest)
    assert {f["explained"] for f in ev.evaluate_file(full, result, None)["findings"]} == {"unexplained"}
    # a missing 总体情况 is never after the cut, even when the checker found no section at all
    none = {**result, "sections": _sections(set()), "findings": [_missing("总体情况"), _missing("其他需要报告的事项")]}
    assert [f["explained"] for f in ev.evaluate_file(cf, none, None)["findings"]] == ["unexplained", "truncation"]


def test_truncation_explains_subtopics_only_when_cut_inside_overview_and_not_visible():
    cf = _excerpt(["主动公开", "依申请公开"])
    findings = [_sub_missing("依申请公开"), _sub_missing("政府信息公开平台建设", "warning")]
    in_overview = {"sections": _sections({"overview"}), "findings": findings}
    row = ev.evaluate_file(cf, in_overview, None)
    assert [f["explained"] for f in row["findings"]] == ["unexplained", "truncation"]  # 依申请公开 is a visible heading
    past_overview = {"sections": _sections({"overview", "active"}), "findings": findings}
    assert {f["explained"] for f in ev.evaluate_file(cf, past_overview, None)["findings"]} == {"unexplained"}


def test_labels_explain_findings_and_count_recall():
    cf = _excerpt([])
    labels = ev.FileLabels(
        expect=(
            ev.Label(rule="repeated-word", note="doubled", hint="保障保障"),
            ev.Label(rule="empty-section", note="bare 二", hint="主动公开政府信息情况"),
        ),
        allow=(ev.Label(rule="name-mismatch", note="address", hint="榆林路", severity=("warning",)),),
    )
    result = {
        "sections": _sections({"overview", "active"}),
        "findings": [
            {"rule": "repeated-word", "severity": "warning", "message": "重复", "text": "监督保障保障机制"},
            {"rule": "name-mismatch", "severity": "warning", "message": "其他单位名称", "text": "地址:榆林路707号"},
            {"rule": "name-mismatch", "severity": "error", "message": "其他单位名称", "text": "地址:榆林路707号"},
            {"rule": "overview-focus", "severity": "info", "message": "背景占 40%"},
        ],
    }
    row = ev.evaluate_file(cf, result, labels)
    assert [f["explained"] for f in row["findings"]] == ["manifest", "manifest", "unexplained", "manifest"]
    assert [e["found"] for e in row["expect"]] == [True, False]
    fig, rules = ev.aggregate([row], RULES | {"overview-focus"})
    assert fig["unexplained_error"] == 1 and fig["unexplained_warning"] == 0
    assert (fig["recall_found"], fig["recall_labelled"], fig["recall_rate"]) == (1, 2, 0.5)
    assert rules["name-mismatch"] == {
        "error": 1, "warning": 1, "info": 0, "manifest": 1, "truncation": 0, "unexplained": 1, "expect_found": 0, "expect_labelled": 0
    }
    assert fig["unexplained.name-mismatch"] == 1


def test_identity_figures_and_the_notice():
    cf = _excerpt(["主动公开"])
    ok = {
        "issuer": "西咸新区北杜街道办事处",
        "year": 2023,
        "resolved_issuer": {"name": "北杜街道", "path": "陕西省/西咸新区/北杜街道"},
        "sections": _sections({"overview"}),
        "subtopics": [{"key": "active", "name": "主动公开", "covered": True, "evidence": [{"heading": "(一)主动公开", "terms": ["主动公开"]}]}],
        "findings": [],
    }
    lost = {
        "issuer": None,
        "year": None,
        "sections": _sections({"overview"}),
        "subtopics": [{"key": "active", "name": "主动公开", "covered": True, "evidence": [{"heading": "", "terms": ["主动公开"]}]}],
        "findings": [{"rule": "identity-unknown", "severity": "info", "message": "未能识别发布单位"}],
    }
    rows = [ev.evaluate_file(cf, ok, None), ev.evaluate_file(cf, lost, None)]
    assert rows[1]["findings"][0]["explained"] == "manifest"  # the notice is right where identity is lost
    assert ev.evaluate_file(cf, {**ok, "findings": lost["findings"]}, None)["findings"][0]["explained"] == "unexplained"
    fig, _ = ev.aggregate(rows)
    assert (fig["issuer_identified"], fig["issuer_stated"], fig["year_identified"], fig["issuer_resolved"]) == (1, 2, 1, 1)
    assert (fig["identity_notice"], fig["identity_unidentified"], fig["identity_notice_rate"]) == (1, 1, 1.0)
    # covered by paragraph terms only is not "recognised by heading"
    assert (fig["subtopic_headings_recognised"], fig["subtopic_headings_listed"]) == (1, 2)
    assert fig["tables_read"] is None  # no "tables" key: not measured


def test_tables_hook_counts_only_labelled_tables_that_were_read():
    cf = ev.CorpusFile(id="full/x.txt", kind="full", path=Path("x.txt"), manifest={"file": "x.txt", "issuer": "x"})
    labels = ev.FileLabels(tables_present=("二", "三", "四"))
    labels = ev.FileLabels(tables_present=("二", "三", "四"), tables={"三": {"new": 1, "carried": 2}})
    cell = {"column": "total", "text": "1", "value": 1, "status": "number"}
    result = {"tables": {"template": "2021", "tables": [
        {"key": "requests", "layout": "rows", "rows": [{"key": "new_received", "cells": [cell]}]},
        {"key": "review", "layout": "narrative", "rows": []},
        {"key": "active", "layout": "rows", "rows": [{"key": "regulations", "cells": [dict(cell, status="blank")]}]}]}}
    row = ev.evaluate_file(cf, result, labels)
    assert row["tables"] == {"present": ["二", "三", "四"], "read": ["三"]}
    assert row["table_figures"] == {"given": 2, "reproduced": 1, "missed": ["三.carried = 2 (read None)"]}
    fig, _ = ev.aggregate([row])
    assert (fig["tables_read"], fig["tables_present"]) == (1, 3)
    assert (fig["table_figures_reproduced"], fig["table_figures_given"]) == (1, 2)
    # a file rejected as not-a-report has "tables": null: present but none read
    assert ev.evaluate_file(cf, {"tables": None}, labels)["tables"]["read"] == []


def test_thresholds_are_direction_aware():
    figures = {"not_a_report": 3, "issuer_identified_rate": 0.5, "unexplained_error": 0, "tables_read": None}
    th = {"min": {"issuer_identified_rate": 0.6, "tables_read": 2}, "max": {"not_a_report": 2, "unexplained_error": 1, "unexplained.name-mismatch": 0}}
    bad, better = ev.check_thresholds(figures, th)
    assert len(bad) == 3 and any("not_a_report rose" in b for b in bad) and any("issuer_identified_rate fell" in b for b in bad)
    assert any("tables_read: not measured" in b for b in bad)
    assert [b.split(":")[0] for b in better] == ["unexplained_error"]
    assert ev.check_thresholds({"x": 0.9}, {"min": {"x": 0.9}, "max": {}}) == ([], [])


def test_thresholds_file_names_only_figures_the_script_measures(tmp_path):
    th = ev.load_thresholds(ev.DEFAULT_THRESHOLDS)
    names = set(th["min"]) | set(th["max"])
    corpus = _synthetic_corpus(tmp_path)
    fig = ev.evaluate(corpus, corpus / "labels.toml").figures
    unknown = {n for n in names if n not in fig and not n.startswith("unexplained.")}
    assert not unknown, f"thresholds name figures the script does not produce: {sorted(unknown)}"


# ------------------------------------------------------------------------------------ a synthetic corpus


def _synthetic_corpus(tmp_path: Path) -> Path:
    """A two-report corpus made here: the clean test report in full, and its opening (up to 四) as an excerpt."""
    text = good_report()
    cut = text.index("四、政府信息公开行政复议")
    (tmp_path / "pages").mkdir()
    (tmp_path / "full").mkdir()
    (tmp_path / "pages" / "001.txt").write_text(text[:cut], encoding="utf-8")
    (tmp_path / "full" / "good.txt").write_text(text, encoding="utf-8")
    five = ["主动公开", "依申请公开", "政府信息管理", "平台建设", "监督保障"]
    common = {"issuer": "嵩县人民政府办公室", "issuer_level": "department", "province": "河南省", "city": "洛阳市", "county": "嵩县", "report_year": 2022}
    pages = {
        "reports": [
            {"file": "001.txt", **common, "observations": {"subtopic_headings_visible": five, "defects": []}},
            {"file": "002.txt", **common, "observations": {"subtopic_headings_visible": ["主动公开"], "defects": ["not saved"]}},
        ]
    }
    full = {"files": [{"file": "good.txt", **common, "observations": []}]}
    (tmp_path / "pages" / "manifest.json").write_text(json.dumps(pages, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "full" / "manifest.json").write_text(json.dumps(full, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "labels.toml").write_text(
        '["pages/002.txt"]\nexpect = [{ rule = "empty-section", note = "the file was never saved" }]\n', encoding="utf-8"
    )
    return tmp_path


def test_synthetic_corpus_end_to_end(tmp_path, capsys):
    corpus = _synthetic_corpus(tmp_path)
    result = ev.evaluate(corpus, corpus / "labels.toml")
    fig = result.figures
    assert (fig["files_total"], fig["files_pages"], fig["files_full"]) == (3, 2, 1)
    assert (fig["files_read"], fig["files_unreadable"]) == (2, 1)  # pages/002.txt is listed but absent
    assert fig["not_a_report"] == 0
    rows = {r["id"]: r for r in result.rows}
    assert rows["full/good.txt"]["findings"] == []  # the clean report stays clean
    excerpt = rows["pages/001.txt"]
    assert excerpt["issuer"]["ok"] and excerpt["year"]["ok"]
    assert all(f["explained"] == "truncation" for f in excerpt["findings"] if f["rule"] == "section-missing")
    assert {f["rule"] for f in excerpt["findings"] if f["explained"] == "unexplained"} == set()
    assert (fig["subtopic_headings_recognised"], fig["subtopic_headings_listed"]) == (5, 6)  # the absent file's pair counts
    assert (fig["recall_found"], fig["recall_labelled"]) == (0, 1)
    assert ev.to_json(result) == ev.to_json(ev.evaluate(corpus, corpus / "labels.toml"))  # deterministic
    # the command line: summary last, unreadable file named, exit 0 without --check
    assert ev.main([str(corpus), "--labels", str(corpus / "labels.toml"), "-v"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1].startswith("time: ")
    assert any("unreadable: pages/002.txt" in line for line in out[-15:])
    assert any(line.startswith("pages/002.txt  UNREADABLE") for line in out)


def test_disable_runs_without_a_rule_and_refuses_check(tmp_path):
    corpus = _synthetic_corpus(tmp_path)
    off = ev.evaluate(corpus, corpus / "labels.toml", disabled=("section-missing",))
    assert not any(f["rule"] == "section-missing" for r in off.rows for f in r["findings"])
    with pytest.raises(SystemExit):
        ev.main([str(corpus), "--labels", str(corpus / "labels.toml"), "--disable", "not-a-report", "--check"])


def test_labels_naming_files_outside_the_manifests_are_an_error(tmp_path):
    corpus = _synthetic_corpus(tmp_path)
    (corpus / "labels.toml").write_text('["pages/999.txt"]\nnote = "x"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="pages/999.txt"):
        ev.evaluate(corpus, corpus / "labels.toml")


# ------------------------------------------------------------------------------------ the real corpus


@pytest.fixture(scope="module")
def real_corpus():
    if not (CORPUS / "pages" / "manifest.json").is_file():
        pytest.skip("../shared/corpus is not here")
    return ev.evaluate(CORPUS, ev.DEFAULT_LABELS, jobs=1)


def test_real_corpus_every_listed_file_is_checked(real_corpus):
    assert real_corpus.figures["files_total"] == 88
    assert real_corpus.figures["files_pages"] == 77 and real_corpus.figures["files_full"] == 11


def test_real_corpus_figures_do_not_regress(real_corpus):
    bad, _better = ev.check_thresholds(real_corpus.figures, ev.load_thresholds(ev.DEFAULT_THRESHOLDS))
    assert not bad, "corpus figures regressed (python scripts/eval_corpus.py -v shows why):\n" + "\n".join(bad)
