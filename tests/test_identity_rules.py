"""Issuer and year as stated, the issuer placed in the gazetteer, and the identity rules
(name-mismatch, year-mismatch, identity-unknown) on the seeds, the real-style fixtures and short
texts in the style of real reports."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from textcheck.analysis.issuer import analyse_issuer, resolve_issuer, resolve_name
from textcheck.finding import Severity
from textcheck.parse import parse_text
from textcheck.readers import read_path
from textcheck.resources import tomllib
from textcheck.rules import Context, get_rule

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "corpora" / "samples"
FIXTURES = REPO / "tests" / "fixtures" / "identity"
REAL = REPO / "tests" / "fixtures" / "real_style"
MANIFEST = json.loads((FIXTURES / "manifest.json").read_text(encoding="utf-8"))["cases"]
REAL_MANIFEST = tomllib.loads((REAL / "manifest.toml").read_text(encoding="utf-8"))["report"]
CORPUS = REPO.parent / "shared" / "corpus"


def seed(prefix: str) -> str:
    return next(SAMPLES.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def real(name: str) -> str:
    return read_path(REAL / name).text


def run(text: str, rule_id: str, issuer: str | None = None, **options):
    doc = parse_text(text)
    spec = get_rule(rule_id)
    return list(spec.func(doc, Context(options={**spec.options, **options}, issuer_override=issuer)))


def counted(hits):
    return [h for h in hits if h.severity is not Severity.INFO]


def issuer_of(text: str, issuer: str | None = None):
    return resolve_issuer(parse_text(text), issuer)


REPORT = "{title}\n\n{preamble}\n\n一、总体情况\n\n{body}\n\n{sign}\n{date}\n"


def report(issuer: str, body: str, *, title: str | None = None, preamble: str | None = None, year: int = 2022, sign: str | None = None) -> str:
    return REPORT.format(
        title=title if title is not None else f"{issuer}{year}年政府信息公开工作年度报告",
        preamble=preamble if preamble is not None else f"本报告由{issuer}编制，所列数据的统计期限为{year}年1月1日至{year}年12月31日。如对本报告有疑问，请与{issuer}党政办公室联系。",
        body=body,
        sign=sign if sign is not None else issuer,
        date=f"{year + 1}年1月20日",
    )


# --------------------------------------------------------------------------- identity as stated


def test_identity_statements_of_seeds():
    d3 = parse_text(seed("003")).identity
    assert (d3.issuer, d3.issuer_source, d3.year, d3.title_lines) == ("大章镇人民政府", "title", 2021, (3,))
    d1 = parse_text(seed("001")).identity
    assert (d1.issuer, d1.issuer_source, d1.year) == ("资阳市人民政府办公室", "preamble", 2020)


@pytest.mark.parametrize(
    "name,issuer,source,year",
    [
        ("r01_township_webchrome_split_title.txt", "茶阳镇人民政府", "title", 2022),  # title split below site chrome
        ("r02_street_title_fused_preamble.txt", "桐庐县桐君街道办事处", "title", 2021),  # title fused with the preamble
        ("r18_street_issuer_in_preamble_no_title.txt", None, "preamble", None),
        ("r21_township_issuer_contact_only.txt", None, "contact", None),
        ("r22_county_department_publisher_line_only.txt", "襄城县自然资源局", "publisher", 2023),
        ("r23_township_year_in_opening_only.txt", None, None, 2023),
    ],
)
def test_identity_statements_of_real_style_fixtures(name, issuer, source, year):
    idt = parse_text(real(name)).identity
    entry = next(r for r in REAL_MANIFEST if r["file"] == name)
    sources = {s for _, s, _ in idt.issuer_candidates}
    if source:
        assert source in sources
    if issuer:
        assert any(t == issuer for t, _, _ in idt.issuer_candidates)
    assert idt.year == (year or entry["report_year"])


def test_identity_reads_periods_in_every_written_form():
    cases = {
        "统计期限自2023年1月1日起至2023年12月31日止。": (2023, 2023),
        "统计时限为2023年1月1日至12月31日。": (2023, None),
        "统计期限从２０２３年１月１日到１２月３１日止。": (2023, None),  # full-width digits
        "统计周期为2024 年 1 月 1 日—2024 年 12 月 31 日。": (2024, 2024),
        "统计期限自20241月1日起至12月31日止。": (2024, None),  # 年 lost in OCR
        "统计期限自2023年1月1日始，至2023年12月31日止。": (2023, 2023),
    }
    for sentence, (start, end) in cases.items():
        idt = parse_text(f"某某镇人民政府政府信息公开工作年度报告\n\n{sentence}\n").identity
        assert idt.period is not None and idt.period[:2] == (start, end), sentence


# --------------------------------------------------------------------------- the issuer placed


def test_resolve_seed_issuers():
    r = issuer_of(seed("003"))
    assert (r["name"], r["code"], r["level"], r["path"]) == ("大章镇", "410325106000", "township", "河南省/洛阳市/嵩县/大章镇")
    assert r["confidence"] >= 0.9 and r["candidates"] == 1 and r["source"] == "title"
    assert issuer_of(seed("001"))["path"] == "四川省/资阳市"  # a department resolves to its government's area
    assert issuer_of(seed("004"))["path"] == "四川省/攀枝花市"


def test_issuer_override_by_code_and_name():
    r = issuer_of(seed("003"), issuer="410325108000")
    assert r["name"] == "纸房镇" and r["source"] == "config" and r["confidence"] == 1.0
    assert issuer_of(seed("003"), issuer="410325108")["code"] == "410325108000"
    assert issuer_of(seed("004"), issuer="仁和区")["path"] == "四川省/攀枝花市/仁和区"


def test_resolve_is_memoised():
    doc = parse_text(seed("003"))
    ctx = Context(options={})
    assert ctx.issuer(doc) is ctx.issuer(doc)
    assert "issuer" in ctx.memo and "places" in ctx.memo


def test_ambiguous_name_lowers_confidence():
    alone = resolve_name("城关镇人民政府")
    assert alone["ambiguous"] and alone["candidates"] >= 88 and alone["confidence"] < 0.2
    text = "城关镇人民政府2021年政府信息公开工作年度报告\n\n2021年，城关镇按照洛阳市、嵩县的部署推进政务公开。\n"
    placed = issuer_of(text)
    assert placed["path"] == "河南省/洛阳市/嵩县/城关镇" and not placed["ambiguous"]
    assert placed["confidence"] > alone["confidence"]


def test_relative_department_name():
    text = "市教育局2021年政府信息公开工作年度报告\n\n2021年，汉中市教育局认真落实汉中市委、市政府的部署。\n"
    assert issuer_of(text)["path"] == "陕西省/汉中市"


def test_issuer_is_what_the_statements_agree_on_not_the_title_alone():
    # the title kept a sibling's name; preamble, contact and subjects name the report's own unit
    body = "2022年，大章镇认真贯彻《中华人民共和国政府信息公开条例》。大章镇依托党政办公室做好日常工作。"
    text = report("大章镇人民政府", body, title="纸房镇人民政府2022年政府信息公开工作年度报告")
    r = issuer_of(text)
    assert r["name"] == "大章镇"
    hits = run(text, "name-mismatch")
    assert [h.evidence["name"] for h in hits] == ["纸房镇"] and hits[0].line == 1


def test_issuer_zone_township_missing_from_the_table_and_near_miss():
    zone = issuer_of("泰安高新区2025年政府信息公开工作年度报告\n\n2025年，泰安高新区坚持以公开为常态。\n")
    assert (zone["name"], zone["path"], zone.get("zone")) == ("泰安高新区", "山东省/泰安市", True)
    newer = issuer_of("本报告由无锡市锡山区人民政府厚桥街道党政办公室编制。统计期限为2023年1月1日至2023年12月31日。\n")
    assert (newer["name"], newer["path"], newer["level"]) == ("厚桥街道", "江苏省/无锡市/锡山区/厚桥街道", "township")
    ocr = analyse_issuer(parse_text("雎宁县人民政府2022年政府信息公开工作年度报告\n\n2022年，雎宁县按照徐州市的部署推进政务公开。\n"))
    assert ocr.resolved["path"] == "江苏省/徐州市/睢宁县"
    assert ocr.resolved["near_miss"] == {"written": "雎宁县", "likely": "睢宁县"}


# --------------------------------------------------------------------------- name-mismatch


def test_name_mismatch_fires_on_seed_003_sibling_as_author():
    hits = run(seed("003"), "name-mismatch")
    assert len(hits) == 1
    h = hits[0]
    assert h.evidence["name"] == "纸房镇" and h.evidence["code"] == "410325108000"
    assert h.evidence["lines"] == [13, 31, 37, 55] and (h.line, h.end_line) == (13, 13)
    assert "第 13、31、37、55 行" in h.message  # every occurrence, in the text output too
    assert set(h.evidence["abbreviations"]) == {"纸政", "纸发"}
    assert h.evidence["relation"] == "sibling"
    assert h.evidence["relation_text"] == "纸房镇：河南省洛阳市嵩县下辖镇，与本报告发布机关大章镇同属嵩县"
    assert "将“纸房镇”改为“大章镇”" in h.suggestion and "纸政" in h.suggestion
    assert h.severity is Severity.ERROR and h.confidence >= 0.9


NAME_FIXTURES = [r for r in REAL_MANIFEST if any(d["rule"] == "name-mismatch" for d in r.get("defects", []))]


@pytest.mark.parametrize("entry", NAME_FIXTURES, ids=lambda r: r["file"])
def test_name_mismatch_fires_on_real_style_leftovers_in_every_position(entry):
    hits = run(real(entry["file"]), "name-mismatch")
    found = {h.evidence["name"]: h for h in hits}
    planted = {}
    for d in entry["defects"]:
        if d["rule"] == "name-mismatch":
            planted.setdefault(d["unit_path"].split("/")[-1], set()).update(d["lines"])
    assert set(found) == set(planted)
    own = entry["issuer_path"].split("/")[-1]
    for name, lines in planted.items():
        assert lines <= set(found[name].evidence["lines"])
        assert f"改为“{own}”" in found[name].suggestion


SILENT = [(r["file"], s) for r in REAL_MANIFEST for s in r.get("silent", []) if s["rule"] == "name-mismatch"]


@pytest.mark.parametrize("name,mention", SILENT, ids=lambda x: x if isinstance(x, str) else x["reason"])
def test_name_mismatch_silent_on_real_style_traps(name, mention):
    hits = run(real(name), "name-mismatch")
    for h in hits:
        assert not (set(h.evidence["lines"]) & set(mention["lines"]) and h.evidence["name"][:2] in mention["text"]), (mention, h.message)


@pytest.mark.parametrize("prefix", ["001", "004"])
def test_name_mismatch_silent_and_year_mismatch_silent_on_good_seeds(prefix):
    assert run(seed(prefix), "name-mismatch") == []
    assert run(seed(prefix), "year-mismatch") == []


@pytest.mark.parametrize(
    "issuer,body,kind",
    [
        ("大章镇人民政府", "组织制定并落实《纸房镇政务公开工作制度》。", "rule-title"),
        ("大章镇人民政府", "依托纸房镇党政办公室建立统一的政府信息资源库。", "office"),
        ("大章镇人民政府", "2022年，纸房镇人民政府高度重视政务公开工作。", "subject"),
        ("大章镇人民政府", "2022年纸房镇严格按照《条例》公开政府信息。", "subject"),
        ("大章镇人民政府", "全年通过纸房镇人民政府门户网站发布信息120条。", "platform"),
        ("大章镇人民政府", "如对本报告有疑问，请与纸房镇人民政府联系。", "contact"),
        ("嵩县人民政府", "本报告由栾川县人民政府办公室编制。", "compiler"),
        ("嵩县人民政府", "现公布栾川县2022年政府信息公开工作年度报告。", "preamble"),
        ("嵩县人民政府", "相继出台《栾川县人民政府办公室关于进一步加强政务公开工作的通知》。", "own-document"),
    ],
)
def test_name_mismatch_fires_in_each_author_position(issuer, body, kind):
    hits = run(report(issuer, body), "name-mismatch")
    assert len(hits) == 1
    assert kind in {k for _, k in hits[0].evidence["author_positions"]}


def test_name_mismatch_fires_weakly_on_a_siblings_address():
    hits = run(report("大章镇人民政府", "联系地址：嵩县纸房镇政府院内。"), "name-mismatch")
    assert [h.evidence["name"] for h in hits] == ["纸房镇"] and hits[0].severity is Severity.WARNING


def test_name_mismatch_fires_on_the_same_department_of_a_sibling_region():
    body = "2022年，泗阳县发展和改革局认真贯彻《中华人民共和国政府信息公开条例》。"
    hits = run(report("沭阳县发展和改革局", body), "name-mismatch")
    assert [h.evidence["name"] for h in hits] == ["泗阳县"] and "改为“沭阳县”" in hits[0].suggestion


def test_name_mismatch_fires_on_another_province_in_a_province_report():
    body = "2022年，北京市人民政府办公厅坚持以人民为中心。"
    hits = run(report("上海市人民政府办公厅", body), "name-mismatch")
    assert [h.evidence["name"] for h in hits] == ["北京市"]


@pytest.mark.parametrize(
    "issuer,body",
    [
        ("大章镇人民政府", "2022年，大章镇依托嵩县人民政府门户网站开设专栏，落实《嵩县政务公开工作制度》。"),  # ancestor
        ("大章镇人民政府", "认真贯彻《河南省人民政府办公厅关于印发2022年河南省政务公开工作要点的通知》。"),  # superior's document
        ("嵩县人民政府", "2022年，嵩县依托大章镇便民服务中心设立查阅点，组织落实《纸房镇政务公开工作制度》。"),  # descendants
        ("大章镇人民政府", "组织工作人员赴纸房镇学习交流，学习借鉴《纸房镇政务公开工作制度》。"),  # visits, models
        ("大章镇人民政府", "与纸房镇联合开展政务公开日活动。"),  # cooperation
        ("大章镇人民政府", "转发《栾川县政府信息公开申请办理答复规范》，要求各站所认真学习。"),  # passed on
        ("杨浦区人民政府", "如对本年度报告有疑问，请与上海市杨浦区人民政府办公室联系（地址：榆林路707号）。"),  # street
        ("沭阳县发展和改革局", "请与沭阳县发展和改革局联系（地址：沭阳县沭城街道苏州东路42号）。"),  # street
        ("剑阁县张王镇人民政府", "请与张王镇党政办公室联系（地址：四川省广元市剑阁县青龙社区青龙街123号）。"),  # community, street
        ("剑阁县张王镇人民政府", "本报告根据《条例》和县政府办《关于做好2022年政府信息公开工作年度报告的通知》编制。"),  # 和县
        ("含山县运漕镇人民政府", "2022年，运漕镇在市委和县委、县政府的领导下推进政务公开。"),  # 和县, a sibling county
        ("大章镇人民政府", "主动融入中原城市群建设。联系地址：河南省洛阳市嵩县大章镇政府院内。"),  # own address
    ],
)
def test_name_mismatch_silent_on_legitimate_mentions(issuer, body):
    assert run(report(issuer, body), "name-mismatch") == []


def test_name_mismatch_silent_when_the_issuer_cannot_be_placed():
    assert run("依托纸房镇党政办公室建立政府信息资源库。\n", "name-mismatch") == []
    text = "太平镇人民政府2022年政府信息公开工作年度报告\n\n2022年，太平镇依托永乐镇党政办公室推进政务公开。\n"
    assert run(text, "name-mismatch") == []  # 50 太平镇: which one's sibling 永乐镇 would be, nobody knows


def test_name_mismatch_child_in_parent_report_silent_but_sibling_fires():
    body = "依托仁和区政务服务中心开展试点。组织落实《米易县政务公开工作制度》。"
    assert run(report("攀枝花市人民政府", body), "name-mismatch") == []
    hits = run(report("盐边县人民政府", body), "name-mismatch")
    assert [h.evidence["name"] for h in hits] == ["仁和区", "米易县"]


def test_name_mismatch_silent_below_min_confidence():
    text = report("白河镇人民政府", "依托车村镇党政办公室建立政府信息资源库。", preamble="")
    assert run(text, "name-mismatch", min_confidence=0.99) == []


# --------------------------------------------------------------------------- year-mismatch


def test_year_mismatch_fires_on_a_period_over_two_years():
    hits = run(real("r24_township_period_spans_two_years.txt"), "year-mismatch")
    assert [h.line for h in counted(hits)] == [3] and "跨两个年度" in hits[0].message


def test_year_mismatch_fires_on_a_period_without_year_after_ocr():
    text = "小昆山镇2025年政府信息公开工作年度报告\n\n统计期限自20241月1日起至12月31日止。\n\n一、总体情况\n\n2025年，小昆山镇推进政务公开。\n"
    hits = counted(run(text, "year-mismatch"))
    assert [(h.line, h.evidence["found_year"]) for h in hits] == [(3, 2024)]


def test_year_mismatch_fires_on_the_title_when_the_other_statements_agree():
    text = "大章镇人民政府2021年政府信息公开工作年度报告\n\n统计期限为2022年1月1日至2022年12月31日。\n\n一、总体情况\n\n2022年，大章镇推进政务公开。\n"
    hits = counted(run(text, "year-mismatch"))
    assert [h.line for h in hits] == [1] and hits[0].evidence["report_year"] == 2022


def test_year_mismatch_fires_on_an_improvement_plan_dated_with_the_report_year():
    text = (
        "大章镇人民政府2023年政府信息公开工作年度报告\n\n一、总体情况\n\n2023年，大章镇推进政务公开。\n\n"
        "五、存在的主要问题及改进情况\n\n（二）整改措施。为进一步规范政府信息公开工作，2023年我镇加大工作力度，完善工作机制。\n"
    )
    hits = counted(run(text, "year-mismatch"))
    assert [h.line for h in hits] == [9] and hits[0].severity is Severity.WARNING


def test_year_mismatch_fires_on_late_signature_deadlines():
    base = "大章镇人民政府2021年政府信息公开工作年度报告\n\n2021年，大章镇推进政务公开。\n\n大章镇人民政府\n{date}\n"
    assert run(base.format(date="2022年1月24日"), "year-mismatch") == []
    late = run(base.format(date="2022年2月10日"), "year-mismatch")
    assert len(late) == 1 and late[0].severity is Severity.WARNING and late[0].line == 6
    early = run(base.format(date="2021年12月28日"), "year-mismatch")
    assert len(early) == 1 and early[0].severity is None  # the rule's default: error


def test_year_mismatch_fires_on_last_year_in_current_year_sentence():
    text = "大章镇人民政府2021年政府信息公开工作年度报告\n\n2020年，大章镇认真推进政务公开工作。\n"
    hits = run(text, "year-mismatch")
    assert [(h.line, h.evidence["found_year"]) for h in hits] == [(3, 2020)]
    assert "2021年" in hits[0].suggestion


def test_year_mismatch_silent_on_year_traps():
    text = (
        "大章镇人民政府2021年政府信息公开工作年度报告\n\n"
        "本报告统计期限为2021年1月1日至2021年12月31日。\n\n"
        "2021年，大章镇认真落实《嵩县2020年政务公开考核办法》。全年发布信息较上年增加10条，2020年同期为90条。"
        "自2019年12月以来坚持每月更新。2022年，我镇将进一步加强政策解读。\n"
    )
    assert run(text, "year-mismatch") == []


def test_year_mismatch_silent_on_a_cited_notice_of_last_year_but_hints():
    text = (
        "大章镇人民政府2023年政府信息公开工作年度报告\n\n根据《嵩县人民政府办公室关于做好2022年政府信息公开工作年度报告编制发布工作的通知》"
        "编制本报告，统计期限为2023年1月1日至2023年12月31日。\n"
    )
    hits = run(text, "year-mismatch")
    assert counted(hits) == [] and [h.severity for h in hits] == [Severity.INFO]


def test_year_mismatch_silent_on_garbled_dates():
    text = "上海市杨浦区2022年政府信息公开工作年度报告\n\n本年度报告中所列数据统计期限从202211日到1231日止。\n"
    assert counted(run(text, "year-mismatch")) == []


# --------------------------------------------------------------------------- identity-unknown


def test_identity_unknown_fires_when_no_issuer_is_named():
    hits = run("一、总体情况\n\n2022年，我镇认真贯彻《条例》。统计期限为2022年1月1日至2022年12月31日。\n", "identity-unknown")
    assert len(hits) == 1 and "name-mismatch" in hits[0].message and "--issuer" in hits[0].suggestion


def test_identity_unknown_fires_when_the_issuer_is_not_a_place():
    hits = run("皇冠体育平台区人民政府办公室2019年度政府信息公开工作年度报告\n\n2019年，本办认真贯彻《条例》。\n", "identity-unknown")
    assert len(hits) == 1 and "定位不到" in hits[0].message


def test_identity_unknown_fires_on_a_shared_name_without_superiors():
    hits = run("太平镇人民政府2022年政府信息公开工作年度报告\n\n2022年，太平镇认真贯彻《条例》。\n", "identity-unknown")
    assert len(hits) == 1 and "50 个同名单位" in hits[0].message and hits[0].evidence["reason"] == "ambiguous"


def test_identity_unknown_fires_with_the_likely_unit_for_a_name_one_glyph_away():
    placed = run("雎宁县人民政府2022年政府信息公开工作年度报告\n\n2022年，雎宁县按照徐州市的部署推进政务公开。\n", "identity-unknown")
    assert len(placed) == 1 and "睢宁县" in placed[0].message and "睢宁县" in placed[0].suggestion
    vague = run("雎宁县人民政府2022年政府信息公开工作年度报告\n\n2022年，本县推进政务公开。\n", "identity-unknown")
    assert len(vague) == 1 and "睢宁县" in vague[0].message and "一字之差" in vague[0].message


def test_identity_unknown_fires_when_no_year_is_stated():
    hits = run("大章镇人民政府政府信息公开工作年度报告\n\n一、总体情况\n\n大章镇认真贯彻《条例》。\n", "identity-unknown")
    assert [h.evidence["reason"] for h in hits] == ["no-year"] and "year-mismatch" in hits[0].message


@pytest.mark.parametrize("prefix", ["001", "003", "004"])
def test_identity_unknown_silent_on_seeds(prefix):
    assert run(seed(prefix), "identity-unknown") == []


CLEAN_REAL = [r["file"] for r in REAL_MANIFEST if r.get("clean") and r.get("form") != "mirror-traditional"]


@pytest.mark.parametrize("name", CLEAN_REAL)
def test_identity_unknown_silent_and_name_mismatch_silent_on_clean_real_style_reports(name):
    text = real(name)
    assert run(text, "identity-unknown") == []
    assert run(text, "name-mismatch") == []
    assert counted(run(text, "year-mismatch")) == []


# --------------------------------------------------------------------------- the hand-written cases


@pytest.mark.parametrize("case", MANIFEST, ids=lambda c: c["file"])
def test_name_mismatch_fires_and_year_mismatch_fires_on_written_cases_silent_on_clean_ones(case):
    text = (FIXTURES / case["file"]).read_text(encoding="utf-8")
    assert sorted(h.evidence["name"] for h in counted(run(text, "name-mismatch"))) == sorted(case["name_mismatch"])
    assert sorted(h.line for h in counted(run(text, "year-mismatch"))) == sorted(case["year_mismatch"])
    if case.get("issuer_path"):
        assert issuer_of(text)["path"] == case["issuer_path"]


# --------------------------------------------------------------------------- measured on the real corpus


@pytest.mark.skipif(not (CORPUS / "pages" / "manifest.json").is_file(), reason="../shared/corpus is not here")
def test_eval_identity_meets_its_thresholds_on_the_corpus():
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import eval_identity
    finally:
        sys.path.pop(0)
    result = eval_identity.evaluate(CORPUS)
    result["seeds"] = eval_identity.seeds()
    assert eval_identity.check(result) == [], result["misses"] + result["false_alarms"]
