"""Every registered rule has tests that make it fire and tests where it must stay silent."""

import re
from pathlib import Path

from textcheck.rules import all_rules

TESTS = Path(__file__).resolve().parent


def test_every_rule_has_fire_and_silent_tests():
    names = set()
    for f in TESTS.glob("test_*.py"):
        names.update(re.findall(r"def (test_\w+)\(", f.read_text(encoding="utf-8")))
    missing = []
    for spec in all_rules():
        stem = "test_" + spec.id.replace("-", "_")
        for kind in ("fires", "silent"):
            if not any(n.startswith(f"{stem}_{kind}") for n in names):
                missing.append(f"{stem}_{kind}*")
    assert not missing, "rules without spec tests: " + ", ".join(missing)


def test_rule_ids_are_stable_kebab_case_and_documented():
    for spec in all_rules():
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", spec.id)
        assert spec.summary and len(spec.doc) > len(spec.summary), f"{spec.id}: the docstring must explain the rule"


def test_every_rule_module_is_discovered_and_exclusive_rules_come_first():
    import pkgutil

    import textcheck.rules as registry

    specs = all_rules()
    by_module = {spec.func.__module__ for spec in specs}
    modules = {f"textcheck.rules.{m.name}" for m in pkgutil.iter_modules(registry.__path__)}
    assert modules == by_module, "every module of textcheck/rules/ defines at least one rule"
    exclusive = [spec.exclusive for spec in specs]
    assert exclusive == sorted(exclusive, reverse=True) and exclusive[0], "exclusive rules (not-a-report) run first"


def _script(name):
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, TESTS.parent / "scripts" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_rules_doc_is_generated_from_the_registry():
    doc = (TESTS.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    assert doc == _script("gen_rules_doc").render(), "run: python scripts/gen_rules_doc.py"


def test_findings_on_real_reports_match_reviewed_baseline():
    baseline = (TESTS / "fixtures" / "seed_findings.txt").read_text(encoding="utf-8")
    assert _script("seed_findings").current() == baseline, "review: python scripts/seed_findings.py"
