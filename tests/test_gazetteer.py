"""The shipped gazetteer: contents, hierarchy, matching rules, speed."""

from __future__ import annotations


import pytest

from textcheck.gazetteer import gazetteer


@pytest.fixture(scope="module")
def g():
    return gazetteer()


def test_counts_and_codes(g):
    levels = {}
    for u in g.units.values():
        levels[u.level] = levels.get(u.level, 0) + 1
    assert levels["province"] == 31
    assert 300 <= levels["city"] <= 340
    assert 2800 <= levels["county"] <= 3100
    assert levels["township"] >= 38000
    assert all(len(code) == 12 and code.isdigit() for code in g.units)


def test_seed_townships(g):
    assert g.lookup("大章镇") == ("410325106000",)
    assert g.lookup("纸房镇") == ("410325108000",)
    assert g.path("410325106000") == ["河南省", "洛阳市", "嵩县", "大章镇"]
    assert g.relation("410325106000", "410325108000") == ("sibling", "410325000000")
    assert g.relation("410325106000", "410300000000") == ("ancestor", "410300000000")
    assert g.relation("510400000000", "510411000000") == ("descendant", "510400000000")  # 攀枝花市 / 仁和区
    rel, common = g.relation("410325106000", "410328000000")  # 大章镇 / 洛宁县
    assert rel == "cousin" and common == "410300000000"
    assert g.relation("410325106000", "510400000000")[0] == "unrelated"


def test_municipality_placeholders_are_transparent(g):
    code = g.lookup("东城区")
    assert "110101000000" in code
    assert g.ancestors("110101000000") == ["110000000000"]  # 市辖区 skipped
    assert g.scan("北京市市辖区") == [m for m in g.scan("北京市市辖区") if m.surface == "北京市"]
    # 重庆: districts (市辖区) and counties (县) are siblings under 重庆市
    yuzhong = g.lookup("渝中区")[0]
    county = next(c for c in g.children("500000000000") if g.units[c].name.endswith("县"))
    assert g.relation(yuzhong, county)[0] == "sibling"


def surfaces(g, text):
    return [m.surface for m in g.scan(text)]


def test_township_needs_suffix(g):
    assert surfaces(g, "社会太平，新华书店") == []
    assert surfaces(g, "太平镇人民政府") == ["太平镇"]
    assert len(g.lookup("太平镇")) >= 50
    assert len(g.lookup("城关镇")) >= 88


def test_short_forms(g):
    assert surfaces(g, "攀枝花的发展") == ["攀枝花"]
    assert g.lookup("攀枝花") == g.lookup("攀枝花市")
    assert surfaces(g, "嵩县人民政府") == ["嵩县"]
    assert all(len(name) >= 2 for name in g.names)  # no one-character names
    assert "黔南州" in g.names
    # longest match: the full name, not its short form
    assert surfaces(g, "攀枝花市人民政府办公室") == ["攀枝花市"]
    # a short form never cuts a word: 和政 (和政县) in 标准化和政务公开
    assert surfaces(g, "推进标准化和政务公开") == []


def test_non_overlapping_and_ordered(g):
    ms = g.scan("河南省洛阳市嵩县大章镇")
    assert [m.surface for m in ms] == ["河南省", "洛阳市", "嵩县", "大章镇"]
    assert all(a.end <= b.start for a, b in zip(ms, ms[1:]))
    assert all(list(m.codes) == sorted(m.codes) for m in ms)


def test_word_tails_rejected(g):
    # 振兴乡村: a 乡 name followed by 村 is part of a word
    assert all(not m.surface.endswith("乡") for m in g.scan("全面推进振兴乡村建设"))


def test_former_names(g):
    renamed = [u for u in g.units.values() if u.former and u.level == "township"]
    abolished = [u for u in g.units.values() if u.abolished]
    assert renamed and abolished
    u = renamed[0]
    name = next((n for n in u.former if n.endswith(("镇", "乡", "街道")) and len(n) >= 3), None)
    if name:
        assert u.code in g.lookup(name)


def test_loaded_once():
    assert gazetteer() is gazetteer()


def test_zones_match_the_division_they_are_or_lie_in(g):
    assert [m.surface for m in g.scan("西咸新区底张街道办事处")] == ["西咸新区", "底张街道"]
    assert g.lookup("西咸新区") == ("610000000000",)  # 陕西省: read as a superior of the units there
    assert g.lookup("平潭综合实验区") == ("350128000000",)  # the same area as 平潭县
    assert "西咸新区" in g.zones and all(g.get(g.lookup(z)[0]) for z in g.zones)


def test_near_misses_one_character_away(g):
    near = g.near_misses("雎宁县")
    assert "睢宁县" in near and "雎宁县" not in near
    assert all(len(n) == 3 and n.endswith("县") for n in near)
    assert g.near_misses("睢宁县") and "睢宁县" not in g.near_misses("睢宁县")
    assert g.near_misses("镇") == []
