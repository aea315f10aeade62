"""What each command loads (issue 19): heavy libraries only in the command that needs them.

Behaviour, not timing: each case runs in a fresh interpreter and reports which modules it imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from support import ROOT, seed_path

HEAVY = ("jieba", "rjieba", "numpy", "scipy", "sklearn", "pydantic", "pkg_resources", "ahocorasick", "rapidfuzz")

_RUN = """
import contextlib, io, json, sys
argv = json.loads(sys.argv[1])
if argv is None:
    import textcheck.cli
else:
    from textcheck.cli import main
    sys.argv = ["textcheck", *argv]
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            main()
        except SystemExit:
            pass
print(json.dumps(sorted(m for m in {heavy} if m in sys.modules)))
""".replace("{heavy}", repr(HEAVY))


def loaded(argv: list[str] | None, **env: str) -> set[str]:
    proc = subprocess.run([sys.executable, "-c", _RUN, json.dumps(argv)], capture_output=True, text=True,
                          cwd=ROOT, check=True, env={**os.environ, **env})
    return set(json.loads(proc.stdout.strip().splitlines()[-1]))


def test_importing_the_cli_loads_no_heavy_library():
    assert loaded(None) == set()


def test_help_loads_no_heavy_library():
    assert loaded(["--help"]) == set()


@pytest.mark.parametrize("argv", [["check", "--help"], ["compare", "--help"], ["batch", "--help"], ["rules"]])
def test_a_commands_help_loads_nothing_of_its_work(argv):
    assert loaded(argv) == set()


@pytest.mark.parametrize("worker", ["1", "0"])
def test_check_loads_only_what_it_uses(worker):
    from textcheck.segment_worker import WORKER_ENV, _usable_cores

    got = loaded(["check", str(seed_path("003")), "--fail-on", "never"], **{WORKER_ENV: worker})
    # the segmenter (one of the two, unless the segment worker has it), the gazetteer's automaton,
    # the similarity scorer
    assert got <= {"jieba", "rjieba", "ahocorasick", "rapidfuzz"}, got
    assert {"ahocorasick", "rapidfuzz"} <= got
    assert not got & {"numpy", "scipy", "sklearn", "pkg_resources"}, got
    try:
        import rjieba  # noqa: F401
    except ImportError:  # pragma: no cover
        assert "jieba" in got
        return
    assert "jieba" not in got  # the reference is not loaded when the port is there
    if worker == "1" and _usable_cores() >= 2:
        assert "rjieba" not in got  # it segments in the worker process
    else:
        assert "rjieba" in got


def test_compare_loads_scipy_but_not_scikit_learn():
    p = str(seed_path("003"))
    got = loaded(["compare", p, p, "--fail-on", "never"])
    assert {"numpy", "scipy"} <= got  # the one-to-one assignment
    assert "sklearn" not in got and "pkg_resources" not in got, got
