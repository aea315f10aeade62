"""The document model on what real files carry (issue 12): normalisation, parts in every real variant,
is-it-a-report, truncated input, numbering, subtopic heading forms, duplicates that are not copy-paste.

Fixtures: ``tests/fixtures/real_style`` and ``tests/fixtures/not_reports`` (with manifests, written in the
styles of the development corpus), ``tests/fixtures/negatives`` (more documents that are not reports),
the seeds, and variants of the good report made here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from support import FIXTURES, check_text, findings_of, good_report, seed_text

from textcheck.document import BlockKind
from textcheck.engine import check_path
from textcheck.finding import Severity
from textcheck.parse import parse_text
from textcheck.resources import tomllib

toml_loads = tomllib.loads

REAL = FIXTURES / "real_style"
NOT = FIXTURES / "not_reports"
NEG = FIXTURES / "negatives"
REPORTS = toml_loads((REAL / "manifest.toml").read_text(encoding="utf-8"))["report"]
NEGATIVES = toml_loads((NEG / "manifest.toml").read_text(encoding="utf-8"))["document"]
NOT_REPORTS = toml_loads((NOT / "manifest.toml").read_text(encoding="utf-8"))["document"]
SUBTOPIC_OF = {"active": "主动公开", "requests": "依申请公开", "management": "政府信息管理", "platform": "平台建设", "supervision": "监督保障"}


def _real(name: str):
    return check_path(str(REAL / name))


def _report(name: str) -> dict:
    return next(r for r in REPORTS if r["file"] == name)


# ---------------------------------------------------------------- normalisation


def test_traditional_characters_are_converted_and_the_lines_kept():
    res = _real("r05_township_traditional_mirror.txt")
    doc = res.document
    assert res.is_report
    assert [s.key for s in doc.sections] == ["overview", "active", "requests", "review", "problems", "other"]
    assert doc.norm_lines[3] == "一、总体情况" and doc.lines[3] == "一、總體情況"  # shown as written, read simplified
    assert any("繁体" in n for n in doc.notes)
    assert "????" not in " ".join(doc.norm_lines)


def test_opencc_is_loaded_only_for_traditional_text():
    code = (
        "import sys; from textcheck.parse import parse_text; "
        f"parse_text(open({str(FIXTURES / 'reports' / 'good_county_office.txt')!r}, encoding='utf-8').read()); "
        "print('opencc' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"


def test_page_chrome_and_metadata_are_not_report_text():
    doc = _real("r01_township_webchrome_split_title.txt").document
    assert {1, 2, 3, 4, 5, 6, 7, 8, 9} - {1} <= set(doc.chrome_lines)
    assert ("发布机构", "大埔县茶阳镇人民政府", 5) in doc.meta
    first = next(b for b in doc.blocks if b.text.strip())
    assert "当前位置" not in first.text and "字号" not in first.text


def test_crawler_text_metadata_kept_and_its_one_line_body_split_at_the_headings():
    doc = _real("r04_county_crawler_oneline.txt").document
    assert ("发布机构", "将乐县人民政府办公室", 4) in doc.meta
    assert [s.key for s in doc.sections] == ["overview", "active", "requests", "review", "problems", "other"]
    body_line = doc.sections[0].line
    assert all(s.line == body_line for s in doc.sections)  # one input line, six parts: line numbers unchanged
    heads = [b.text for b in doc.blocks if b.kind is BlockKind.HEADING and b.heading_level == 1]
    assert heads[0] == "一、总体情况"
    assert all("当前位置" not in b.text for b in doc.blocks)


def test_one_line_body_and_fused_headings_are_split():
    for name in ("r08_township_oneline_body.txt", "r11_township_fused_headings_fangmian.txt", "r03_county_title_pipe_junk.txt"):
        rep = _report(name)
        doc = _real(name).document
        assert {s.key for s in doc.sections} == set(rep["sections"]), name
        assert all(b.text != h for b in doc.blocks if b.kind is BlockKind.PARAGRAPH for h in ("一、总体情况",))


def test_title_fused_with_preamble_and_pipe_junk_title_are_titles():
    doc = _real("r02_street_title_fused_preamble.txt").document
    assert doc.blocks[0].text.endswith("年度报告")
    doc = _real("r03_county_title_pipe_junk.txt").document
    assert doc.blocks[0].text == "宁乡市人民政府2022年政府信息公开工作年度报告"


def test_a_heading_led_by_a_tab_in_pdf_text_is_a_heading():
    text = good_report().replace("四、政府信息公开行政复议、行政诉讼情况", "\t四、政府信息公开行政复议、行政诉讼情况")
    doc = parse_text(text)
    assert "review" in {s.key for s in doc.sections}
    assert findings_of(check_text(text), "section-missing") == []


def test_statutory_table_labels_are_not_part_headings():
    doc = parse_text(good_report())
    assert all("本年新收" not in h.text for h in doc.outline)
    assert [h.key for h in doc.outline if h.role == "part"] == ["overview", "active", "requests", "review", "problems", "other"]


# ---------------------------------------------------------------- parts in every real variant


@pytest.mark.parametrize("rep", REPORTS, ids=[r["file"] for r in REPORTS])
def test_real_style_parts_are_found(rep):
    doc = _real(rep["file"]).document
    assert {s.key for s in doc.sections} == set(rep["sections"])
    extra = set(rep.get("extra_sections", {}))
    assert extra <= {h.key for h in doc.outline if h.role == "part"}


def test_overview_items_numbered_like_parts_are_subheadings():
    doc = _real("r12_county_office_overview_numbered.txt").document
    items = [h for h in doc.outline if h.role == "overview-item"]
    assert [h.text for h in items][2] == "三、主动公开工作情况"
    assert doc.section("active").heading == "二、主动公开政府信息情况"
    res = _real("r12_county_office_overview_numbered.txt")
    assert not [f for f in res.findings if f.rule in ("section-duplicate", "section-order", "section-missing")]


def test_overview_implied_by_subtopic_headings_before_part_two():
    text = good_report().replace("一、总体情况\n\n", "")
    doc = parse_text(text)
    ov = doc.section("overview")
    assert ov is not None and ov.implied and ov.line == 5
    found = findings_of(check_text(text), "section-missing")
    assert len(found) == 1 and found[0].severity is Severity.WARNING and "标题" in found[0].message
    assert findings_of(check_text(text), "subtopic-missing") == []


# ---------------------------------------------------------------- is it a report?


@pytest.mark.parametrize("entry", NOT_REPORTS, ids=[d["file"] for d in NOT_REPORTS])
def test_not_a_report_fires_on_documents_of_other_kinds(entry):
    res = check_path(str(NOT / entry["file"]))
    assert not res.is_report
    (f,) = res.findings
    assert f.rule == "not-a-report" and f.severity is Severity.ERROR


@pytest.mark.parametrize("entry", NEGATIVES, ids=[d["file"] for d in NEGATIVES])
def test_not_a_report_fires_on_own_negatives_and_names_the_reason(entry):
    res = check_path(str(NEG / entry["file"]))
    assert not res.is_report
    (f,) = res.findings
    assert f.rule == "not-a-report" and entry["reason"] in f.message


@pytest.mark.parametrize("num", ["000", "002"])
def test_not_a_report_fires_on_seed_notices(num):
    res = check_text(seed_text(num))
    assert not res.is_report and [f.rule for f in res.findings] == ["not-a-report"]
    assert "通知" in res.findings[0].message


@pytest.mark.parametrize("rep", REPORTS, ids=[r["file"] for r in REPORTS])
def test_not_a_report_silent_on_real_style_reports(rep):
    res = _real(rep["file"])
    assert res.is_report and findings_of(res, "not-a-report") == []


def test_not_a_report_silent_on_an_excerpt_with_title_and_preamble_only():
    text = "\n".join(good_report().splitlines()[:7])  # title, preamble, 一、总体情况, (一): nothing else
    res = check_text(text)
    assert res.is_report and findings_of(res, "not-a-report") == []


def test_not_a_report_fires_as_info_and_checks_when_unsure():
    # no title, no preamble: only 一、总体情况 and its text — checked as a report, said so
    text = "\n".join(good_report().splitlines()[4:16])
    res = check_text(text)
    assert res.is_report
    (f,) = findings_of(res, "not-a-report")
    assert f.severity is Severity.INFO and "仍按年度报告检查" in f.message
    assert len(res.findings) > 1


def test_not_a_report_silent_on_a_report_that_quotes_a_notice():
    text = good_report().replace("本年度本机关未收取", "按照上级“特此通知”的要求，本年度本机关未收取")
    res = check_text(text)
    assert res.is_report
    assert all(f.severity is not Severity.ERROR for f in findings_of(res, "not-a-report"))


# ---------------------------------------------------------------- truncated input


def test_truncated_input_fires_mid_sentence_and_sections_after_the_cut_are_warnings():
    res = _real("r25_township_truncated_mid_sentence.txt")
    (cut,) = findings_of(res, "truncated-input")
    assert cut.severity is Severity.INFO and cut.line == 12 and "做到线上" in cut.message
    missing = findings_of(res, "section-missing")
    assert len(missing) == 5 and all(f.severity is Severity.WARNING and "中断" in f.message for f in missing)
    sub = findings_of(res, "subtopic-missing")
    assert [dict(f.evidence)["subtopic"] for f in sub] == ["监督保障"] and sub[0].severity is Severity.WARNING


def test_truncated_input_fires_mid_table():
    res = _real("r26_street_truncated_mid_table.txt")
    (cut,) = findings_of(res, "truncated-input")
    assert dict(cut.evidence)["kind"] == "mid-table"
    assert {dict(f.evidence)["section"] for f in findings_of(res, "section-missing")} == {
        "政府信息公开行政复议、行政诉讼情况", "存在的主要问题及改进情况", "其他需要报告的事项"}
    assert all(f.severity is Severity.WARNING for f in findings_of(res, "section-missing"))


def test_truncated_input_fires_when_every_part_after_one_is_missing():
    text = "\n".join(good_report().splitlines()[:16])  # ends after （五）, with a full stop
    (cut,) = findings_of(check_text(text), "truncated-input")
    assert dict(cut.evidence)["kind"] == "structure"


@pytest.mark.parametrize("rep", [r for r in REPORTS if not r["truncated"]], ids=lambda r: r["file"])
def test_truncated_input_silent_on_complete_reports(rep):
    assert findings_of(_real(rep["file"]), "truncated-input") == []


def test_truncated_input_silent_on_seeds_and_a_missing_last_part():
    for num in ("001", "003", "004"):
        assert findings_of(check_text(seed_text(num)), "truncated-input") == []
    text = good_report().split("六、其他需要报告的事项")[0]
    res = check_text(text)
    assert findings_of(res, "truncated-input") == []
    (miss,) = findings_of(res, "section-missing")
    assert miss.severity is Severity.ERROR


# ---------------------------------------------------------------- numbering


def test_section_numbering_fires_on_restart_after_a_table():
    res = _real("r14_township_numbering_restart_after_table.txt")
    (f,) = findings_of(res, "section-numbering")
    assert f.line == 27 and f.severity is Severity.WARNING and "三、收到和处理政府信息公开申请情况" in f.suggestion
    assert findings_of(res, "section-duplicate") == []


def test_section_numbering_fires_on_a_number_used_twice():
    res = _real("r13_department_markdown_numbering_repeat.md")
    (f,) = findings_of(res, "section-numbering")
    assert f.line == 49 and "同一个编号" in f.message
    assert findings_of(res, "section-duplicate") == [] and findings_of(res, "section-missing") == []


def test_section_numbering_fires_when_overview_items_take_the_numbers():
    body = good_report().split("二、主动公开政府信息情况")
    head = body[0].replace("（二）依申请公开", "二、依申请公开工作情况").replace("（三）政府信息管理", "三、政府信息管理")
    rest = "二、主动公开政府信息情况" + body[1]
    for a, b in (("二、主动公开", "一、主动公开"), ("三、收到", "二、收到"), ("四、政府信息公开行政", "三、政府信息公开行政"),
                 ("五、存在", "四、存在"), ("六、其他", "五、其他")):
        rest = rest.replace(a, b)
    res = check_text(head + rest)
    (f,) = findings_of(res, "section-numbering")
    assert f.message.startswith("部分标题的编号不连续") and "一、主动公开政府信息情况" in f.message
    assert findings_of(res, "section-duplicate") == [] and findings_of(res, "section-missing") == []


def test_section_numbering_silent_on_continuous_numbering_and_pasted_duplicates():
    for name in ("r12_county_office_overview_numbered.txt", "r30_county_department_section_missing.txt",
                 "r29_township_section_duplicate_pasted_twice.txt", "r15_county_template2017_gaishu.txt"):
        assert [f for f in findings_of(_real(name), "section-numbering") if f.severity is not Severity.INFO] == [], name
    assert findings_of(check_text(seed_text("003")), "section-numbering") == []
    assert findings_of(check_text(good_report()), "section-numbering") == []


def test_section_numbering_fires_as_info_when_parts_and_items_share_1_numbering():
    (f,) = findings_of(_real("r09_street_numbering_arabic_dun.txt"), "section-numbering")
    assert f.severity is Severity.INFO and "1、" in f.message


def test_section_duplicate_silent_on_subtopic_headings_named_like_sections():
    assert findings_of(_real("r17_county_department_template2019.txt"), "section-duplicate") == []


def test_section_missing_fires_as_warning_on_old_format_reports():
    text = _real("r15_county_template2017_gaishu.txt").document.source.text
    text = text.replace("五、因政府信息公开申请行政复议、提起行政诉讼的情况", "五、其他情况")
    (f,) = findings_of(check_text(text), "section-missing")
    assert f.severity is Severity.WARNING and "2019年以前" in f.message


def test_section_missing_silent_on_old_format_without_overview_and_other():
    res = _real("r16_township_template2018_jibengaishu.txt")
    assert findings_of(res, "section-missing") == [] and findings_of(res, "subtopic-missing") == []


# ---------------------------------------------------------------- subtopics


@pytest.mark.parametrize("rep", [r for r in REPORTS if r.get("subtopics")], ids=lambda r: r["file"])
def test_subtopic_headings_in_real_forms_are_recognised(rep):
    res = _real(rep["file"])
    by_key = {s.key: s for s in res.subtopics}
    for key in rep["subtopics"]:
        st = by_key[key]
        assert st.covered and any(e.get("heading") and any(t in e["heading"] for t in e["terms"]) for e in st.evidence), key


def _without_supervision() -> str:
    line = next(ln for ln in good_report().splitlines() if ln.startswith("（五）监督保障"))
    return good_report().replace(line, "（五）其他。本年度无其他情况。")


def test_subtopic_missing_silent_on_reports_before_the_2021_format():
    assert findings_of(_real("r15_county_template2017_gaishu.txt"), "subtopic-missing") == []
    text = _without_supervision().replace("2022年政府信息公开", "2020年政府信息公开")
    assert findings_of(check_text(text), "subtopic-missing") == []


def test_subtopic_missing_fires_as_error_in_a_complete_2022_report():
    found = findings_of(check_text(_without_supervision()), "subtopic-missing")
    assert [dict(f.evidence)["subtopic"] for f in found] == ["监督保障"] and found[0].severity is Severity.ERROR


# ---------------------------------------------------------------- duplicates that are not copy-paste


def test_duplicate_paragraph_silent_on_title_shown_twice_and_repeated_table_header():
    assert findings_of(_real("r27_township_web_title_twice.txt"), "duplicate-paragraph") == []
    assert findings_of(_real("r28_township_pdf_table_header_pagebreak.txt"), "duplicate-paragraph") == []


def test_duplicate_paragraph_fires_on_pasted_subtopics_still():
    found = findings_of(_real("r29_township_section_duplicate_pasted_twice.txt"), "duplicate-paragraph")
    # the three pasted paragraphs are one block finding that still lists every pair
    assert [(f.line, f.end_line, f.related[0].line) for f in found] == [(17, 21, 9)]
    assert [p["line"] for p in dict(found[0].evidence)["pairs"]] == [17, 19, 21]


def test_every_negative_fixture_is_listed():
    assert sorted(d["file"] for d in NEGATIVES) == sorted(p.name for p in NEG.glob("*.txt"))
    assert len(NEGATIVES) >= 8


def test_corpus_readme_names_the_new_data_files():
    readme = (Path(__file__).resolve().parent.parent / "corpora" / "README.md").read_text(encoding="utf-8")
    for name in ("sections.toml", "page_chrome.toml", "traditional_chars.txt", "report_signals.toml"):
        assert name in readme


def test_json_says_what_normalisation_did():
    d = _real("r04_county_crawler_oneline.txt").to_dict()
    assert d["schema"] == "2.0"
    norm = d["normalisation"]
    assert any("一行" in n for n in norm["notes"])
    assert {"key": "发布机构", "value": "将乐县人民政府办公室", "line": 4} in norm["meta"]
    assert check_text(good_report()).to_dict()["normalisation"] == {"notes": [], "chrome_lines": [], "meta": []}


def test_a_preamble_listing_the_parts_is_not_split_into_parts():
    listing = ("本报告包括：一、总体情况 二、主动公开政府信息情况 三、收到和处理政府信息公开申请情况 "
               "四、政府信息公开行政复议、行政诉讼情况 五、存在的主要问题及改进情况 六、其他需要报告的事项。")
    text = good_report().replace("\n\n一、总体情况", listing + "\n\n一、总体情况", 1)
    got = [(s.key, s.line) for s in parse_text(text).sections]
    assert got == [(s.key, s.line) for s in parse_text(good_report()).sections]  # the preamble (line 3) holds no part
    assert findings_of(check_text(text), "section-duplicate") == []
