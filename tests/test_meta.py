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
