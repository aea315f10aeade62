"""Issue-3 rules, as a spec: for each rule, texts that must fire and texts that must stay silent.

Test names follow ``test_<rule_id>_fires_*`` / ``test_<rule_id>_silent_*`` (checked by test_meta.py).
"""

import pytest
from support import check_text, findings_of, good_report, rules_of, seed_text

from textcheck.config import Config
from textcheck.finding import Severity

# ---------------------------------------------------------------- seeds, end to end


def test_seed_003_expected_findings():
    r = check_text(seed_text("003"))
    dup = findings_of(r, "duplicate-paragraph")
    # (一)-(四) pasted again (lines 33-55, from its repeated heading) is ONE finding pointing at the first
    # copy (lines 9-31); its evidence lists every repeated paragraph with its first copy
    assert [(f.line, f.end_line, f.related[0].line, f.related[0].end_line) for f in dup] == [(33, 55, 9, 31)]
    assert dup[0].message == "第 33–55 行整段重复了第 9–31 行（共 8 段）"
    assert [(p["line"], p["first_line"]) for p in dict(dup[0].evidence)["pairs"]] == [
        (35, 11), (37, 13), (39, 15), (43, 19), (45, 21), (47, 23), (51, 27), (55, 31)
    ]
    assert all(f.severity is Severity.ERROR for f in dup)
    assert [f.line for f in findings_of(r, "section-duplicate")] == [7]
    missing = findings_of(r, "subtopic-missing")
    assert sorted(dict(f.evidence)["subtopic"] for f in missing) == [
        "政府信息公开平台建设", "监督保障"
    ]
    status = {s.name: s.covered for s in r.subtopics}
    assert status == {"主动公开": True, "依申请公开": True, "政府信息管理": True, "政府信息公开平台建设": False, "监督保障": False}


@pytest.mark.parametrize("num", ["001", "004"])
def test_clean_seeds_have_no_errors(num):
    r = check_text(seed_text(num))
    assert rules_of(r, Severity.ERROR) == []
    assert all(s.covered for s in r.subtopics)
    assert "duplicate-paragraph" not in rules_of(r)


def test_seed_002_is_only_not_a_report():
    r = check_text(seed_text("002"))
    assert rules_of(r) == ["not-a-report"]
    assert not r.is_report


def test_every_finding_carries_the_contract_fields():
    r = check_text(seed_text("003"))
    for f in r.findings:
        assert f.rule and f.message and f.suggestion and f.line and f.section
        d = f.to_dict()
        assert set(d) >= {"rule", "severity", "message", "section", "line", "end_line", "text", "suggestion", "related"}


def test_good_fixture_is_silent():
    assert rules_of(check_text(good_report())) == []


# ---------------------------------------------------------------- not-a-report


def test_not_a_report_fires_on_work_plan_and_notice():
    for num in ("000", "002"):
        r = check_text(seed_text(num))
        assert rules_of(r) == ["not-a-report"], num
    assert "通知" in check_text(seed_text("000")).findings[0].message


def test_not_a_report_silent_on_reports():
    for text in (good_report(), seed_text("001"), seed_text("003")):
        assert "not-a-report" not in rules_of(check_text(text))


# ---------------------------------------------------------------- section-missing


def test_section_missing_fires_and_points_at_insertion_place():
    text = good_report().replace("六、其他需要报告的事项\n", "")
    text = text.replace("四、政府信息公开行政复议、行政诉讼情况\n", "")
    r = check_text(text)
    found = findings_of(r, "section-missing")
    assert [dict(f.evidence)["section"] for f in found] == ["政府信息公开行政复议、行政诉讼情况", "其他需要报告的事项"]
    assert "五、存在的主要问题及改进情况" in found[0].message


def test_section_missing_silent_when_all_six_present():
    assert findings_of(check_text(seed_text("004")), "section-missing") == []


# ---------------------------------------------------------------- section-duplicate


def test_section_duplicate_fires_on_repeated_heading():
    text = good_report().replace("五、存在的主要问题及改进情况\n", "五、存在的主要问题及改进情况\n\n五、存在的主要问题及改进情况\n")
    found = findings_of(check_text(text), "section-duplicate")
    assert len(found) == 1 and found[0].related[0].line == found[0].line - 2


def test_section_duplicate_silent_on_subheading_reuse():
    # "(二)主动公开情况" inside 总体情况 is a sub-heading, not a second 二、主动公开政府信息情况
    text = good_report().replace("（一）主动公开。", "（一）主动公开情况\n\n")
    assert findings_of(check_text(text), "section-duplicate") == []


# ---------------------------------------------------------------- section-order


def test_section_order_fires_when_sections_swapped():
    text = good_report()
    a = text.index("三、收到和处理政府信息公开申请情况")
    b = text.index("四、政府信息公开行政复议、行政诉讼情况")
    c = text.index("五、存在的主要问题及改进情况")
    swapped = text[:a] + text[b:c] + text[a:b] + text[c:]
    found = findings_of(check_text(swapped), "section-order")
    assert len(found) == 1 and "收到和处理政府信息公开申请情况" in found[0].message


def test_section_order_silent_in_order():
    assert findings_of(check_text(seed_text("003")), "section-order") == []


# ---------------------------------------------------------------- subtopic-missing


def test_subtopic_missing_fires_when_paragraph_removed():
    text = good_report()
    start = text.index("（五）监督保障")
    end = text.index("二、主动公开政府信息情况")
    r = check_text(text[:start] + text[end:])
    found = findings_of(r, "subtopic-missing")
    assert [dict(f.evidence)["subtopic"] for f in found] == ["监督保障"]
    assert found[0].severity is Severity.ERROR


def test_subtopic_missing_fires_as_warning_on_passing_mention():
    text = good_report()
    start = text.index("（五）监督保障")
    end = text.index("二、主动公开政府信息情况")
    weak = "（五）其他。年内组织干部参加培训，并开展考核。\n\n"
    found = findings_of(check_text(text[:start] + weak + text[end:]), "subtopic-missing")
    assert len(found) == 1 and found[0].severity is Severity.WARNING and found[0].confidence < 0.8


def test_subtopic_missing_silent_when_covered_without_standard_heading():
    # seed 004 covers 监督保障 under "压紧压实工作职责" and 平台建设 under its own wording
    r = check_text(seed_text("004"))
    assert findings_of(r, "subtopic-missing") == []
    sup = next(s for s in r.subtopics if s.name == "监督保障")
    assert any("监督检查" in e["terms"] for e in sup.evidence)


# ---------------------------------------------------------------- overview-too-long


def test_overview_too_long_fires_on_long_overview():
    found = findings_of(check_text(seed_text("004")), "overview-too-long")
    assert len(found) == 1 and found[0].severity is Severity.WARNING
    assert dict(found[0].evidence)["characters"] > 3000


def test_overview_too_long_silent_under_limit_and_threshold_configurable():
    assert findings_of(check_text(good_report()), "overview-too-long") == []
    cfg = Config(options={"overview-too-long": {"max_chars": 300}})
    assert len(findings_of(check_text(good_report(), config=cfg), "overview-too-long")) == 1


def test_overview_too_long_silent_before_the_2021_reports():
    # the 1000-character budget came with the 2021 reports' instructions: a 2019 report as long
    # as seed 004 is not reported; the year is the report's own (title), the option moves it
    old = seed_text("004").replace("2021", "2019")
    assert findings_of(check_text(old), "overview-too-long") == []
    cfg = Config(options={"overview-too-long": {"since_year": 2019}})
    assert len(findings_of(check_text(old, config=cfg), "overview-too-long")) == 1


# ---------------------------------------------------------------- fee-statement-missing


def test_fee_statement_missing_fires_on_bare_wu():
    found = findings_of(check_text(seed_text("003")), "fee-statement-missing")  # 2021: 其他需要报告的事项 “无”
    assert len(found) == 1 and "无" in found[0].message


def test_fee_statement_missing_silent_before_the_fee_rules_began():
    # seed 001 is a 2020 report: its 其他需要报告的事项 is “无” too, but reporting the fee came with the
    # 2021 format (the 信息处理费 measures took effect on 2021-01-01)
    assert findings_of(check_text(seed_text("001")), "fee-statement-missing") == []
    cfg = Config(options={"fee-statement-missing": {"since_year": 2020}})
    found = findings_of(check_text(seed_text("001"), config=cfg), "fee-statement-missing")
    assert len(found) == 1 and "无" in found[0].message
    # the year is the report's: the same 2021 text says so, a 2020 copy of it does not
    text_2020 = seed_text("003").replace("2021年", "2020年")
    assert findings_of(check_text(text_2020), "fee-statement-missing") == []


def test_fee_statement_missing_silent_when_stated():
    assert findings_of(check_text(seed_text("004")), "fee-statement-missing") == []
    assert findings_of(check_text(good_report()), "fee-statement-missing") == []


# ---------------------------------------------------------------- duplicate-paragraph


def test_duplicate_paragraph_fires_on_edited_copy():
    text = good_report()
    para = "（三）政府信息管理。落实公开属性源头认定和保密审查制度，对现行有效的规范性文件进行集中清理，清理后继续有效的规范性文件全部在政府信息公开专栏集中发布并动态更新。"
    edited = para.replace("集中清理", "全面清理").replace("（三）", "另外，")
    text = text.replace("五、存在的主要问题及改进情况\n\n", "五、存在的主要问题及改进情况\n\n" + edited + "\n\n")
    found = findings_of(check_text(text), "duplicate-paragraph")
    assert len(found) == 1
    assert found[0].severity is Severity.WARNING and 85 <= dict(found[0].evidence)["similarity"] < 100
    assert found[0].related[0].line == 11


def test_duplicate_paragraph_fires_on_reordered_sentences():
    a = "全年组织业务培训两次。对各乡镇开展监督检查四次。将政务公开纳入年度绩效考核并通报结果。"
    b = "对各乡镇开展监督检查四次。将政务公开纳入年度绩效考核并通报结果。全年组织业务培训两次。"
    text = good_report().replace("六、其他需要报告的事项", a + "\n\n" + b + "\n\n六、其他需要报告的事项")
    found = findings_of(check_text(text), "duplicate-paragraph")
    assert len(found) == 1


def test_duplicate_paragraph_silent_on_similar_but_different_paragraphs():
    a = "一是部分乡镇政务公开专区利用率不高，群众知晓度有限，需要进一步加强宣传引导工作。"
    b = "二是政策解读形式以文字为主，图解和视频较少，需要进一步丰富解读形式和传播渠道。"
    text = good_report().replace("六、其他需要报告的事项", a + "\n\n" + b + "\n\n六、其他需要报告的事项")
    assert findings_of(check_text(text), "duplicate-paragraph") == []
    # headings and table rows are never compared
    assert findings_of(check_text(seed_text("004")), "duplicate-paragraph") == []


# ---------------------------------------------------------------- subtopic-missing with the classifier (issue 18)

_SUPERVISION = (
    "（五）监督保障。组织开展全县政务公开业务培训2次，对各乡镇和县直部门开展监督检查4次，将政务公开纳入年度绩效考核，"
    "对工作滞后的单位进行通报并督促整改。"
)


def test_subtopic_missing_silent_when_classifier_reads_subtopic_under_non_standard_heading():
    # few lexicon words (约谈, 通报) under a heading that names no subtopic: the lexicon alone says "passing
    # mention"; the paragraph classifier reads 监督保障 in the text and the subtopic counts as covered
    text = good_report().replace(
        _SUPERVISION,
        "（五）压实工作责任。由分管副县长牵头，建立月调度、季通报工作机制，对工作滞后的乡镇和部门进行约谈，"
        "将落实情况纳入干部年度评价并通报结果。",
    )
    r = check_text(text)
    assert findings_of(r, "subtopic-missing") == []
    sup = next(s for s in r.subtopics if s.key == "supervision")
    (ev,) = [e for e in sup.evidence if e.get("kind") == "classifier"]
    assert ev["line"] == 15 and ev["confidence"] >= 0.6 and ev["terms"] == []
    off = Config(options={"subtopic-missing": {"classifier_covered": 0}})
    (f,) = findings_of(check_text(text, config=off), "subtopic-missing")
    assert f.severity is Severity.WARNING and "零星提及" in f.message


def test_subtopic_missing_fires_as_warning_naming_the_classifier_when_only_it_sees_the_subtopic():
    text = good_report().replace(
        _SUPERVISION,
        "（五）加强组织领导。成立由县长任组长的政务公开工作领导小组，县政府办公室具体负责日常工作，明确各乡镇和县直"
        "部门的分管领导和工作人员，定期研究解决工作中的问题。",
    )
    found = findings_of(check_text(text), "subtopic-missing")
    assert [dict(f.evidence)["subtopic"] for f in found] == ["监督保障"]
    (f,) = found
    assert f.severity is Severity.WARNING and "分类器" in f.message and "第 15 行" in f.message
    assert dict(f.evidence)["classifier"][0]["line"] == 15


def test_subtopic_missing_fires_as_error_when_classifier_sees_nothing_either():
    text = good_report().replace(_SUPERVISION, "")
    (f,) = findings_of(check_text(text), "subtopic-missing")
    assert f.severity is Severity.ERROR and "classifier" not in dict(f.evidence)
