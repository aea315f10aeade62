"""table-balance against mutations of the real tables (scripts/mutate_tables.py): on copies made in memory,
one cell changed at a time must be found in at least 95% of the cases, and the tables as published give no
table-balance finding except the defects the manifests record (tests/corpus/tables_expected.toml)."""

from __future__ import annotations

import importlib.util
import sys

import pytest
from support import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def _load_script():
    spec = importlib.util.spec_from_file_location("mutate_tables", ROOT / "scripts" / "mutate_tables.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["mutate_tables"] = mod
    spec.loader.exec_module(mod)
    return mod


mt = _load_script()
FULL = ROOT.parent / "shared" / "corpus" / "full"
EXPECTED = tomllib.loads((ROOT / "tests" / "corpus" / "tables_expected.toml").read_text(encoding="utf-8"))["files"]
PER_FILE = 25  # cells per report, spread over its tables (scripts/mutate_tables.py runs them all)


def _check(path, failing):
    r = mt.mutate_file(path, PER_FILE)
    assert r.published == sorted(failing), r.name
    return r


def test_table_balance_finds_mutated_cells_in_the_seeds():
    results = [_check(ROOT / "corpora" / "samples" / name, []) for name in mt.SEEDS]
    tried, found = sum(r.tried for r in results), sum(r.found for r in results)
    assert tried >= 50 and found / tried >= 0.95, [m for r in results for m in r.missed]


@pytest.mark.skipif(not FULL.is_dir(), reason="../shared/corpus is not present")
def test_table_balance_finds_mutated_cells_in_the_corpus_and_only_the_recorded_defects_as_published():
    results = [_check(FULL / name, want.get("failing", [])) for name, want in sorted(EXPECTED.items())]
    tried, found = sum(r.tried for r in results), sum(r.found for r in results)
    assert tried >= 150 and found / tried >= 0.95, [m for r in results for m in r.missed]
