"""The reviewer's workbench (issue 17): rule names, year pairs, duplicate submissions, regions,
decisions that survive re-runs, spreadsheet cells that are never formulas."""

from __future__ import annotations

from textcheck.rules import all_rules


def test_every_rule_has_a_unique_short_chinese_name():
    specs = all_rules()
    names = [s.name for s in specs]
    assert all(names), [s.id for s in specs if not s.name]
    assert len(set(names)) == len(names), sorted(n for n in names if names.count(n) > 1)
    for s in specs:
        assert 2 <= len(s.name) <= 10 and all("\u4e00" <= ch <= "\u9fff" for ch in s.name), s.name
