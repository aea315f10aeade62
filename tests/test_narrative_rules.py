"""Issue-18 rules (narrative quality), as a spec: texts that must fire and texts that must stay silent.

Fixtures are written for the tests in the styles of real reports (tests/fixtures/narrative/); the seeds are
the real reports the repository holds. Test names follow ``test_<rule_id>_fires_*`` / ``..._silent_*``.
"""

from __future__ import annotations

import pytest
from support import FIXTURES, check_text, findings_of, good_report, seed_text

from textcheck.config import Config
from textcheck.finding import Severity
from textcheck.rules.generic_problems import specifics, stock_phrases
from textcheck.rules.repeated_word import find_doublings

NARRATIVE = FIXTURES / "narrative"


def fixture(name: str) -> str:
    return (NARRATIVE / f"{name}.txt").read_text(encoding="utf-8")


def with_section(text: str, number: str, body: str) -> str:
    """``text`` with the body of section ``number`` (一…六) replaced by ``body``."""
    lines = text.split("\n")
    start = next(i for i, x in enumerate(lines) if x.startswith(f"{number}、"))
    following = "一二三四五六"["一二三四五六".index(number) + 1 :]
    if following:
        end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith(f"{following[0]}、") and "\t" not in lines[i])
    else:  # 六: keep the signature
        end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("嵩县人民政府办公室"))
    return "\n".join(lines[: start + 1] + ([""] + body.split("\n") + [""] if body else [""]) + lines[end:])


# ---------------------------------------------------------------- repeated-word


def test_repeated_word_fires_on_doubled_words_in_report_text():
    text = good_report().replace("发布规划计划、财政预决算", "发布规划计划、财政预决算预决算").replace(
        "（五）监督保障。", "（五）监督保障保障。"
    ).replace("统一答复文书格式", "统一答复答复文书格式")
    found = findings_of(check_text(text), "repeated-word")
    assert [dict(f.evidence)["unit"] for f in found] == ["预决算", "答复", "保障"]
    assert all(f.severity is Severity.WARNING for f in found)
    first = found[0]
    assert first.line == 7 and first.section == "总体情况"
    assert "财政预决算预决算" in first.text
    assert "改为“" in first.suggestion and "财政预决算、乡村" in first.suggestion


@pytest.mark.parametrize(
    "sentence, unit",
    [
        ("全面梳理主动公开政府政府情况。", "政府"),  # both copies whole words
        ("二是完善监督保障保障机制。", "保障"),  # the second begins a longer word
        ("全年市科技计划资金资金分配结果均在专栏公开。", "资金"),
        ("二是规范审核审核发布机制。", "审核"),
        ("召开庆祝建党100周年专场新闻发布会庆祝建党100周年专场新闻发布会，回应关切。", "庆祝建党100周年专场新闻发布会"),
        ("及时公开的的信息。", "的"),  # a function word typed twice
    ],
)
def test_repeated_word_fires_on_slips(sentence, unit):
    assert [d.unit for d in find_doublings(sentence)] == [unit]


def test_repeated_word_fires_with_lower_confidence_when_second_copy_starts_a_longer_word():
    (whole,) = find_doublings("二是规范审核审核发布机制。")
    (prefix,) = find_doublings("二是完善监督保障保障机制。")
    assert prefix.confidence < whole.confidence


@pytest.mark.parametrize(
    "sentence",
    [
        "县人民政府政府信息公开工作领导小组办公室设在县政府办。",  # 人民政府 + 政府信息
        "做到件件有回应，层层压实责任，常常深入基层，人人参与。",  # single-character reduplication
        "遇到疑难申请，我们要研究研究再答复。",  # idiomatic verb doubling
        "2020年度数据与20202021年度对比。",  # numbers
        "结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计",  # table header run together
        "公开内容包括主动公开、主动公开目录和依申请公开。",  # a list, words apart
        "加强政务公开工作工作人员培训。",  # 公开工作 + 工作人员 (allowed in corpora/repeated_word.toml)
        "的的确确做到不了了之的事项为零。",
    ],
)
def test_repeated_word_silent_on_legitimate_repeats(sentence):
    assert find_doublings(sentence) == []


def test_repeated_word_silent_on_breadcrumb_and_tables():
    text = good_report().replace(
        "嵩县人民政府办公室2022年政府信息公开工作年度报告\n",
        "当前位置：首页政务公开政府信息公开政府信息公开年报\n嵩县人民政府办公室2022年政府信息公开工作年度报告\n",
    ).replace("规章\t0\t0\t0", "规章规章\t0\t0\t0")
    assert findings_of(check_text(text), "repeated-word") == []


@pytest.mark.parametrize("num", ["001", "003", "004"])
def test_repeated_word_silent_on_seeds(num):
    assert findings_of(check_text(seed_text(num)), "repeated-word") == []


# ---------------------------------------------------------------- empty-section


def test_empty_section_fires_on_heading_only_problems():
    text = with_section(good_report(), "五", "")
    (f,) = findings_of(check_text(text), "empty-section")
    assert f.severity is Severity.ERROR and f.section == "存在的主要问题及改进情况"
    assert "只有标题" in f.message and f.text.startswith("五、")


@pytest.mark.parametrize("body", ["无", "无。", "暂无。", "本年度无。"])
def test_empty_section_fires_on_problems_that_say_only_none(body):
    (f,) = findings_of(check_text(with_section(good_report(), "五", body)), "empty-section")
    assert f.severity is Severity.ERROR and f"只写了“{body}”" in f.message


def test_empty_section_fires_on_table_section_with_none_instead_of_table():
    (f,) = findings_of(check_text(with_section(good_report(), "三", "无")), "empty-section")
    assert f.section == "收到和处理政府信息公开申请情况" and "填 0" in f.suggestion


def test_empty_section_fires_on_overview_with_only_subheadings():
    body = "（一）主动公开\n\n（二）依申请公开\n\n（三）政府信息管理\n\n（四）政府信息公开平台建设\n\n（五）监督保障"
    found = findings_of(check_text(with_section(good_report(), "一", body)), "empty-section")
    assert len(found) == 1 and "只有小标题" in found[0].message and found[0].severity is Severity.ERROR


def test_empty_section_fires_warning_on_empty_subheading():
    text = good_report().replace(
        "（二）依申请公开。修订依申请公开工作流程，统一答复文书格式，全年共收到政府信息公开申请12件，"
        "全部在法定期限内答复，未发生因依申请公开引起的行政复议和行政诉讼。",
        "（二）依申请公开",
    )
    (f,) = findings_of(check_text(text), "empty-section")
    assert f.severity is Severity.WARNING and "（二）依申请公开" in f.message and "（三）政府信息管理" in f.message


def test_empty_section_silent_on_zero_tables_and_other_matters_none():
    # 四's table of zeros is content; 六 saying 无 is fee-statement-missing's business, not this rule's
    text = with_section(good_report(), "六", "无")
    r = check_text(text)
    assert findings_of(r, "empty-section") == []
    assert findings_of(r, "fee-statement-missing")


def test_empty_section_silent_on_one_sentence_review_section():
    text = with_section(good_report(), "四", "本年度未发生政府信息公开行政复议、行政诉讼案件。")
    assert findings_of(check_text(text), "empty-section") == []


def test_empty_section_silent_on_table_row_labels_that_look_like_subheadings():
    # a PDF table flattened to lines: （一）予以公开 / 3.其他 0 0 0 are row labels, not empty sub-headings
    rows = "（一）予以公开\n（二）部分公开（区分处理的，只计这一情形，不计其他情形）\n3.其他 0 0 0 0 0 0 0\n（七）总计 5 1 0 0 0 0 6"
    text = with_section(good_report(), "三", rows)
    assert findings_of(check_text(text), "empty-section") == []


def test_empty_section_silent_when_file_ends_at_heading():
    cut = good_report().split("五、存在的主要问题及改进情况")[0] + "五、存在的主要问题及改进情况\n"
    assert findings_of(check_text(cut), "empty-section") == []


@pytest.mark.parametrize("num", ["001", "003", "004"])
def test_empty_section_silent_on_seeds(num):
    assert findings_of(check_text(seed_text(num)), "empty-section") == []


# ---------------------------------------------------------------- generic-problems


def test_generic_problems_fires_on_seed_003():
    # 大章镇: 内容不够全面 / 公开的面不够广 / 通俗化解读有待进一步加强, then 加强领导 / 加强学习 / 加强监督
    (f,) = findings_of(check_text(seed_text("003")), "generic-problems")
    ev = dict(f.evidence)
    assert f.severity is Severity.WARNING and f.line == 115 and f.section == "存在的主要问题及改进情况"
    assert 0.5 <= f.confidence <= 0.9
    assert "内容不够全面" in ev["stock_phrases"] and "加强领导" in ev["stock_phrases"]
    assert ev["measure_specifics"] == [] and ev["stock_sentences"] >= 6
    assert "套话" in f.message and "具体的数字、时间、渠道、领域或措施" in f.message


def test_generic_problems_fires_on_generic_township_fixture():
    (f,) = findings_of(check_text(fixture("generic_township")), "generic-problems")
    ev = dict(f.evidence)
    assert ev["problem_sentences"] >= 3 and ev["measure_sentences"] >= 1
    assert ev["stock_share"] >= 0.8 and f.confidence >= 0.8
    assert any("业务水平有待" in p for p in ev["stock_phrases"])


def test_generic_problems_fires_when_measures_are_missing_too():
    body = "一是公开内容不够全面；二是政策解读有待进一步加强；三是工作人员业务水平有待提高。"
    (f,) = findings_of(check_text(with_section(good_report(), "五", body)), "generic-problems")
    assert "也没有写改进措施" in f.message


def test_generic_problems_silent_on_seeds_001_and_004():
    # 001 (资阳市) names 图片、视频, 专家学者, 微信、微博 in its problems and 新建成的“政府信息公开”专栏 in its
    # measures; 004 (攀枝花市) names 图表、动画, 农村和社区, 村（居）务公开, “两微一端”, “一网通办”, 集约化平台.
    for num in ("001", "004"):
        assert findings_of(check_text(seed_text(num)), "generic-problems") == [], num
    assert {"视频", "专家", "微信", "微博"} <= set(specifics("使用图片、视频等，邀请专家学者参与较少，微信、微博等各种新媒体"))
    assert {"图表", "动画", "农村", "社区"} <= set(specifics("采用图表、动画等方式较少；向农村和社区延伸"))


def test_generic_problems_silent_on_specific_department_fixture():
    assert findings_of(check_text(fixture("specific_department")), "generic-problems") == []


def test_generic_problems_silent_when_measures_are_specific():
    body = (
        "一是公开内容不够全面；二是政策解读有待进一步加强。下一步，将财政预决算、三公经费和乡村振兴项目资金"
        "纳入专栏按月公开，重要政策同步制作图解。"
    )
    assert findings_of(check_text(with_section(good_report(), "五", body)), "generic-problems") == []


def test_generic_problems_silent_when_problems_are_specific():
    body = "部分乡镇政务公开专区利用率不高，全年查阅仅12人次。下一步，将进一步加强宣传，拓宽公开渠道。"
    assert findings_of(check_text(with_section(good_report(), "五", body)), "generic-problems") == []


def test_generic_problems_silent_on_one_stock_sentence_and_options_tighten_it():
    body = "政务公开意识有待进一步提高。"
    assert findings_of(check_text(with_section(good_report(), "五", body)), "generic-problems") == []
    cfg = Config(options={"generic-problems": {"min_stock_sentences": 1}})
    assert findings_of(check_text(with_section(good_report(), "五", body), config=cfg), "generic-problems")


def test_generic_problems_stock_phrases_and_specifics_are_told_apart():
    assert stock_phrases("离上级要求还有差距") and stock_phrases("工作人员业务水平有待提高")
    assert specifics("依据《中华人民共和国政府信息公开条例》，坚持“以公开为常态、不公开为例外”") == []
    assert specifics("依据《青石镇政务公开工作制度》，每季度更新“惠民资金”栏目") == [
        "《青石镇政务公开工作制度》", "“惠民资金”", "季度"
    ]


# ---------------------------------------------------------------- overview-focus


def test_overview_focus_fires_on_declaration_heavy_overview():
    (f,) = findings_of(check_text(fixture("declarations_overview")), "overview-focus")
    ev = dict(f.evidence)
    assert f.severity is Severity.INFO and f.section == "总体情况" and f.line == 7
    assert ev["share"] >= 0.6 and ev["declaration_characters"] < ev["characters"]
    assert f"{round(ev['share'] * 100)}%" in f.message
    assert "高度重视" in ev["formulas"]
    # the clause with a figure is what was done, not a declaration
    assert not any("168条" in s for s in ev["sentences"])


def test_overview_focus_paragraph_prefilter_changes_nothing(monkeypatch):
    # a formula that finds nothing in a paragraph is not tried on its sentences; with every formula
    # tried on every sentence (the prefilter off) the figures and sentences are the same
    from textcheck.parse import parse_text
    from textcheck.rules import overview_focus as of

    assert all(of._local())  # the shipped formulas read no context
    docs = [parse_text(seed_text(n)) for n in ("000", "001", "002", "003", "004")]
    docs.append(parse_text(fixture("declarations_overview")))
    fast = [of.overview_focus(d) for d in docs]
    monkeypatch.setattr(of, "_local", lambda: (False,) * len(of.formulas()))
    monkeypatch.setattr(of, "_literals", lambda: (None,) * len(of.formulas()))
    assert [of.overview_focus(d) for d in docs] == fast
    assert sum(len(f.sentences) for f in fast) >= 5


def test_required_literals_are_in_every_match():
    import re

    from textcheck.parse import parse_text
    from textcheck.rules import overview_focus as of

    assert of.required_literals(re.compile(r"(?:全面|深入)?贯彻(?:落实)?[^。]{0,9}(?:精神|要求)")) == {"贯彻"}
    assert of.required_literals(re.compile(r"迈上新台阶|(?:推进|推动)[^。]{0,9}现代化")) == {"迈上新台阶", "现代化"}
    assert of.required_literals(re.compile(r"(?:甲乙|丙丁)|戊?")) is None  # an alternative that needs nothing
    assert of.required_literals(re.compile(r"abc", re.IGNORECASE)) is None
    lits = of._literals()
    assert all(x is not None for x in lits)  # every shipped formula has one
    texts = [b.text for n in ("000", "001", "002", "003", "004") for b in parse_text(seed_text(n)).blocks]
    texts.append(fixture("declarations_overview"))
    matched = 0
    for p, lit in zip(of.formulas(), lits):
        for t in texts:
            for m in p.finditer(t):
                matched += 1
                assert any(x in m.group(0) for x in lit), (p.pattern, m.group(0))
    assert matched >= 20


def test_overview_focus_silent_below_threshold_and_threshold_is_an_option():
    r = check_text(seed_text("001"))  # ≈10% of its 总体情况 is the opening declaration
    assert findings_of(r, "overview-focus") == []
    cfg = Config(options={"overview-focus": {"min_share": 0.05}})
    (f,) = findings_of(check_text(seed_text("001"), config=cfg), "overview-focus")
    assert 0.05 <= dict(f.evidence)["share"] < 0.3


@pytest.mark.parametrize("num", ["003", "004"])
def test_overview_focus_silent_on_seeds(num):
    assert findings_of(check_text(seed_text(num)), "overview-focus") == []


def test_overview_focus_silent_on_truncated_overview():
    cut = fixture("declarations_overview").split("二、主动公开政府信息情况")[0]
    assert findings_of(check_text(cut), "overview-focus") == []


# ---------------------------------------------------------------- subtopic-heading-mismatch


def test_subtopic_heading_mismatch_fires_on_disclosure_figures_under_management_heading():
    (f,) = findings_of(check_text(fixture("heading_mismatch")), "subtopic-heading-mismatch")
    ev = dict(f.evidence)
    assert f.severity is Severity.WARNING and f.line == 11 and f.section == "总体情况"
    assert ev["heading_subtopic"] == "政府信息管理" and ev["text_subtopic"] == "主动公开"
    assert f.confidence >= 0.8 and ev["probabilities"]["政府信息管理"] < 0.1
    assert "（三）政府信息管理" in f.message and "主动公开" in f.suggestion


def test_subtopic_heading_mismatch_fires_on_supervision_text_under_platform_heading():
    text = good_report().replace(
        "（四）政府信息公开平台建设。完成县政府门户网站政府信息公开专栏改版，更新政府信息公开指南，优化检索、查阅和"
        "下载功能，做好政务新媒体的日常管理，确保专栏数据与其他栏目同源发布。",
        "（四）政府信息公开平台建设。成立以县长为组长的政务公开工作领导小组，将政务公开纳入年度绩效考核，分值占比4%；"
        "组织全县业务培训3次，对考核排名靠后的2个单位进行约谈并通报。",
    )
    (f,) = findings_of(check_text(text), "subtopic-heading-mismatch")
    assert dict(f.evidence)["text_subtopic"] == "监督保障"


def test_subtopic_heading_mismatch_silent_when_heading_names_no_subtopic_or_text_matches():
    # seed 004: （五）以狠抓《条例》落实为保障，压紧压实工作职责 names no subtopic (HEADING_LABELS is strict)
    for text in (seed_text("001"), seed_text("004"), good_report(), fixture("specific_department")):
        assert findings_of(check_text(text), "subtopic-heading-mismatch") == []


def test_subtopic_heading_mismatch_silent_on_short_or_declaration_text():
    short = good_report().replace(
        "（三）政府信息管理。落实公开属性源头认定和保密审查制度，对现行有效的规范性文件进行集中清理，清理后继续有效的"
        "规范性文件全部在政府信息公开专栏集中发布并动态更新。",
        "（三）政府信息管理。全年公开信息3126条。",
    )
    assert findings_of(check_text(short), "subtopic-heading-mismatch") == []
    assert findings_of(check_text(fixture("declarations_overview")), "subtopic-heading-mismatch") == []
