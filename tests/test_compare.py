"""textcheck compare: alignment, carry-over ratios, the four compare rules, renderers and CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from textcheck.cli import app
from textcheck.compare import compare_documents, compare_paths
from textcheck.parse import parse_text
from textcheck.render.compare_html import render as render_html
from textcheck.render.compare_text import render as render_text
from textcheck.resources import corpus_path
from textcheck.text import template_phrases, template_share, template_spans

FIX = Path(__file__).parent / "fixtures" / "compare"
OLD = FIX / "ziyang_2020.txt"
NEW = FIX / "ziyang_2021.txt"
S001 = str(corpus_path("samples", "001_8442b5afd2c71afd.txt"))
S003 = str(corpus_path("samples", "003_c09c82378b8e7991.txt"))
S004 = str(corpus_path("samples", "004_b4d69b5948b33890.txt"))

runner = CliRunner()


@pytest.fixture(scope="module")
def fixture_result():
    return compare_paths(str(OLD), str(NEW))


def _by_rule(result, rule):
    return sorted(f.line for f in result.findings if f.rule == rule)


def _docs(old_text: str, new_text: str):
    return parse_text(old_text, "old.txt"), parse_text(new_text, "new.txt")


def _edit(lines: dict[int, str]) -> str:
    """The 2021 fixture with some lines replaced."""
    text = NEW.read_text(encoding="utf-8").split("\n")
    for n, s in lines.items():
        text[n - 1] = s
    return "\n".join(text)


# --------------------------------------------------------------------------- the known edits


def test_stale_number_fires_on_unchanged_figure(fixture_result):
    f = next(f for f in fixture_result.findings if f.rule == "stale-number")
    assert f.line == 6 and "2.8万" in f.message + f.text + str(dict(f.evidence))
    assert f.related and f.related[0].path


def test_problems_carryover_fires_when_problems_kept(fixture_result):
    f = next(f for f in fixture_result.findings if f.rule == "problems-carryover")
    assert f.severity.value == "error" and (f.line, f.end_line) == (344, 345)


def test_fixture_reports_exactly_the_known_edits(fixture_result):
    r = fixture_result
    got = sorted((f.rule, f.line) for f in r.findings)
    assert got == sorted([
        ("carried-over-mismatch", 110),  # 上年结转 1 although the 2020 report carried 0 over
        ("carryover-paragraph", 4),  # (一): only 2万→3万 and 2020→2021
        ("carryover-paragraph", 5),  # (二): only numbers, year left
        ("carryover-paragraph", 7),  # (三): moved after (四), unchanged
        ("carryover-paragraph", 344),
        ("carryover-paragraph", 345),
        ("stale-year", 5),  # "2020年,市政府办公室共收到..."
        ("stale-number", 6),  # 免费赠阅纸质版2.8万余册 kept
        ("problems-carryover", 344),
    ])
    assert r.same_issuer is True
    assert not r.notices


def test_carryover_paragraph_fires_and_shows_what_changed(fixture_result):
    f = next(f for f in fixture_result.findings if f.rule == "carryover-paragraph" and f.line == 5)
    ev = dict(f.evidence)
    assert "19件→6件" in ev["changes"]
    assert "2020年→2021年" in ev["changes"]
    assert "19件→6件" in f.message
    assert f.related[0].path == str(OLD) and f.related[0].line == 5
    assert f.section == "总体情况"
    same = next(f for f in fixture_result.findings if f.rule == "carryover-paragraph" and f.line == 7)
    assert same.related[0].line == 6 and "完全相同" in same.message


def test_moved_paragraph_is_aligned(fixture_result):
    d = fixture_result.to_dict()
    pairs = {(p["new"]["line"], p["old"]["line"]) for p in d["alignment"]}
    assert (7, 6) in pairs  # (三) moved after (四) is still found
    assert (6, 7) not in pairs  # the rewritten (四) is not paired with last year's (四)


def test_reordered_paragraphs_are_marked_moved():
    old_text = OLD.read_text(encoding="utf-8")
    lines = old_text.split("\n")
    lines[3], lines[4] = lines[4], lines[3]  # swap (一) and (二)
    r = compare_documents(*_docs(old_text, "\n".join(lines)))
    moved = [p for p in r.to_dict()["alignment"] if p["moved"]]
    assert len(moved) == 1 and {moved[0]["new"]["line"], moved[0]["old"]["line"]} == {4, 5}


def test_carryover_paragraph_silent_for_rewritten_and_opening(fixture_result):
    lines = _by_rule(fixture_result, "carryover-paragraph")
    for rewritten in (1, 3, 6, 8):  # opening (boilerplate), intro, (四), (五)
        assert rewritten not in lines


def test_stale_year_fires_and_names_the_year(fixture_result):
    f = next(f for f in fixture_result.findings if f.rule == "stale-year")
    assert f.severity.value == "error"
    assert "2020年,市政府办公室共收到和办理依申请公开6件" in f.message
    assert "改为“2021年”" in f.suggestion


def test_stale_year_silent_for_legitimate_references(fixture_result):
    # line 4 keeps "于2020年9月30日前" (a past date); line 8 says "较2020年增加"
    assert _by_rule(fixture_result, "stale-year") == [5]


def test_stale_year_silent_in_fresh_text():
    old, _ = _docs(OLD.read_text(encoding="utf-8"), "")
    new = parse_text(_edit({5: "(二)依申请公开方面。2020年,本机关制定了依申请公开工作规范,今年继续严格执行,全年共收到申请6件,全部按期答复。"}), "new.txt")
    r = compare_documents(old, new)
    assert "stale-year" not in {f.rule for f in r.findings}


def test_stale_year_fires_for_unchanged_statistics_period():
    old_text = OLD.read_text(encoding="utf-8")
    new_text = _edit({1: old_text.split("\n")[0].replace("现公布2020年", "现公布2021年")})
    r = compare_documents(*_docs(old_text, new_text))
    assert 1 in _by_rule(r, "stale-year")


def test_stale_number_silent_for_comparisons_and_small_figures(fixture_result):
    # line 3: "较上年累计公开信息2万余条" (a comparison); line 8: "占比为4%" (small), "较2020年"
    assert _by_rule(fixture_result, "stale-number") == [6]
    f = next(f for f in fixture_result.findings if f.rule == "stale-number")
    assert dict(f.evidence)["figure"].endswith("2.8万余册")


def test_stale_number_silent_when_figure_updated():
    r = compare_documents(*_docs(OLD.read_text(encoding="utf-8"), _edit({6: NEW.read_text(encoding="utf-8").split("\n")[5].replace("2.8万余册", "3.5万余册")})))
    assert _by_rule(r, "stale-number") == []


def test_problems_carryover_silent_when_rewritten():
    r = compare_documents(*_docs(OLD.read_text(encoding="utf-8"), _edit({
        344: "(一)存在的主要问题。一是基层政务公开专区建设进度不均衡,部分乡镇专区设备闲置。二是依申请公开答复文书格式还不统一。",
        345: "(二)下步改进措施:一是年内完成全部乡镇政务公开专区验收。二是制定统一的答复文书模板并组织专题培训。",
    })))
    assert "problems-carryover" not in {f.rule for f in r.findings}
    assert _by_rule(r, "carryover-paragraph") == [4, 5, 7]
    row = next(s for s in r.sections if s["key"] == "problems")
    assert row["ratio"] < 0.2


# --------------------------------------------------------------------------- seeds


def test_seed_003_against_itself_is_all_carried_over():
    r = compare_paths(S003, S003)
    assert r.total["ratio"] >= 0.99 and r.total["ratio_incl"] >= 0.99
    assert "problems-carryover" in {f.rule for f in r.findings}
    assert not any(f.rule == "stale-year" for f in r.findings)  # same year


def test_different_issuers_low_ratio_and_notice():
    r = compare_paths(S001, S004)
    assert r.same_issuer is False
    assert r.total["ratio"] < 0.1
    assert any("发布机关不同" in n and "资阳市人民政府办公室" in n and "攀枝花市人民政府办公室" in n for n in r.notices)
    assert not any(f.rule == "problems-carryover" for f in r.findings)
    text = render_text(r)
    assert "发布机关不同" in text


def test_template_wording_is_masked():
    assert any("统计期限" in p for p in template_phrases())
    text = "根据《中华人民共和国政府信息公开条例》(以下简称《条例》)规定编制本报告。本报告中所列数据的统计期限自2022年1月1日起至2022年12月31日止。今年我们新建了专栏。"
    spans = template_spans(text)
    covered = "".join(text[a:b] for a, b in spans)
    assert "统计期限自2022年1月1日起至2022年12月31日止" in covered
    assert "新建了专栏" not in covered


def test_template_gap_stands_for_a_short_text():
    # "本报告在…公布": whatever the report names between the two parts (here a site and its address)
    text = "本报告在“某某县人民政府门户网站”(http://www.example.gov.cn/)公布。今年新建了专栏。"
    covered = "".join(text[a:b] for a, b in template_spans(text))
    assert covered.startswith("本报告在") and "公布" in covered and "新建了专栏" not in covered
    # the same matcher decides how much of a paragraph is template wording (batch)
    assert template_share(text[: text.index("。")]) == 1.0
    # short phrases (主动公开) are ordinary words in running text, but count towards a paragraph's share
    assert template_spans("本机关主动公开文件五件。") == ()


# --------------------------------------------------------------------------- renderers and CLI


def test_html_escapes_report_text(tmp_path):
    evil = "(一)主动公开方面。<script>alert('x')</script>本机关全年主动公开政府信息1234条,建立了专栏并持续更新,做到应公开尽公开。"
    base = OLD.read_text(encoding="utf-8").split("\n")
    base[3] = evil
    old = parse_text("\n".join(base), "old<b>.txt")
    new = parse_text("\n".join(base), "new.txt")
    page = render_html(compare_documents(old, new))
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "old&lt;b&gt;.txt" in page
    assert '<html lang="zh-CN">' in page and '<meta charset="utf-8">' in page
    assert "http://" not in page.split("<body>")[0] and "<link" not in page  # nothing external


def test_cli_exit_codes_and_formats(tmp_path):
    res = runner.invoke(app, ["compare", str(OLD), str(NEW)])
    assert res.exit_code == 1, res.output
    assert "存在的主要问题及改进情况" in res.output and "沿用比例" in res.output
    assert runner.invoke(app, ["compare", str(OLD), str(NEW), "--fail-on", "never"]).exit_code == 0
    assert runner.invoke(app, ["compare", S001, S004]).exit_code == 0
    missing = runner.invoke(app, ["compare", str(OLD), str(tmp_path / "nope.txt")])
    assert missing.exit_code == 2 and "文件不存在" in missing.output
    res = runner.invoke(app, ["compare", str(OLD), str(NEW), "-f", "json"])
    data = json.loads(res.stdout)
    assert data["carryover"]["sections"][4]["title"] == "存在的主要问题及改进情况"
    assert data["carryover"]["template_excluded"]["ratio"] <= data["carryover"]["template_included"]["ratio"] + 0.05
    assert {"new", "old", "similarity"} <= set(data["alignment"][0])
    assert data["old"]["identity"]["year"] == 2020 and data["new"]["identity"]["year"] == 2021
    out = tmp_path / "compare.html"
    res = runner.invoke(app, ["compare", str(OLD), str(NEW), "-f", "html", "-o", str(out)])
    assert res.exit_code == 1 and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_rules_listed_with_compare_scope():
    res = runner.invoke(app, ["rules", "-f", "json"])
    specs = {r["id"]: r for r in json.loads(res.stdout)}
    for rid in ("carryover-paragraph", "problems-carryover", "stale-number", "stale-year"):
        assert specs[rid]["scope"] == "compare"


def test_output_is_deterministic():
    a = runner.invoke(app, ["compare", str(OLD), str(NEW), "-f", "json"]).stdout
    b = runner.invoke(app, ["compare", str(OLD), str(NEW), "-f", "json"]).stdout
    assert a == b
    r1, r2 = compare_paths(str(OLD), str(NEW)), compare_paths(str(OLD), str(NEW))
    assert render_html(r1) == render_html(r2)
    assert render_text(r1) == render_text(r2)
