"""Rerunning a batch: an unchanged rerun writes nothing and gives the same bytes as a full run; any
change (an input, the configuration, an output edited or deleted) makes it do the work again."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from batch_gen import generate
from textcheck.cli import app


def _outputs(out: Path) -> dict[str, tuple[str, int, int]]:
    """Every output file (not the cache) -> (sha256, mtime_ns, inode)."""
    got = {}
    for p in sorted(out.rglob("*")):
        rel = p.relative_to(out).as_posix()
        if p.is_file() and not rel.startswith(".cache/") and rel != ".textcheck.lock":
            st = p.stat()
            got[rel] = (hashlib.sha256(p.read_bytes()).hexdigest(), st.st_mtime_ns, st.st_ino)
    return got


def _bytes(files: dict[str, tuple[str, int, int]]) -> dict[str, str]:
    return {k: v[0] for k, v in files.items()}


def _run(*args: str) -> str:
    res = CliRunner().invoke(app, ["batch", *args, "-j", "1"])
    assert res.exit_code in (0, 1), res.output
    return res.output


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("rerun")
    src = root / "in"
    generate(src, 8, seed=21, groups=1, prior=2)
    out = root / "out"
    first = _run(str(src), "-o", str(out))
    return {"root": root, "src": src, "out": out, "first": first, "files": _outputs(out)}


def test_unchanged_rerun_writes_nothing_and_checks_nothing(batch):
    text = _run(str(batch["src"]), "-o", str(batch["out"]))
    assert "本次检查 0 个，使用缓存 10 个" in text
    assert re.sub(r"本次检查.*?；", "", text) == re.sub(r"本次检查.*?；", "", batch["first"])
    assert _outputs(batch["out"]) == batch["files"]  # same bytes, same files (mtime and inode untouched)


def test_full_run_cached_rerun_and_fresh_folder_give_the_same_bytes(batch, tmp_path):
    # without the snapshot (the record cache only) and in a new folder with no cache at all
    (snap,) = (batch["out"] / ".cache").glob("snapshot-*.json")
    os.unlink(snap)
    _run(str(batch["src"]), "-o", str(batch["out"]))
    assert _outputs(batch["out"]) == batch["files"]  # rebuilt from the cache, identical pages not rewritten
    fresh = tmp_path / "out"
    _run(str(batch["src"]), "-o", str(fresh))
    assert _bytes(_outputs(fresh)) == _bytes(batch["files"])


def test_an_edited_or_deleted_output_is_written_again(batch):
    out = batch["out"]
    page = next(iter(sorted((out / "reports").glob("*.html"))))
    original = page.read_bytes()
    page.write_bytes(b"edited by hand")
    (out / "review" / page.name).unlink()
    text = _run(str(batch["src"]), "-o", str(out))
    assert "本次检查 0 个" in text
    assert page.read_bytes() == original
    assert _bytes(_outputs(out)) == _bytes(batch["files"])


def test_a_changed_input_or_configuration_is_not_served_from_the_snapshot(batch, tmp_path):
    src = tmp_path / "in"
    shutil.copytree(batch["src"], src)
    out = tmp_path / "out"
    _run(str(src), "-o", str(out))
    before = _outputs(out)
    first = sorted(src.glob("gen_*.txt"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n补充说明：无。\n", encoding="utf-8")
    text = _run(str(src), "-o", str(out))
    assert "本次检查 1 个" in text
    after = _outputs(out)
    changed = {k for k in after if after[k] != before.get(k)}
    assert changed and all(k.startswith(("reports/", "review/", "compare/")) for k in changed), changed
    cfg = tmp_path / "weights.toml"  # not textcheck.toml: that name would be found by config discovery
    cfg.write_text("[score]\ncarryover_threshold = 0.2\n", encoding="utf-8")
    text = _run(str(src), "-o", str(out), "--config", str(cfg))
    assert "本次检查 0 个" in text  # the records are cached, but the batch ran: a new snapshot
    (path,) = (out / ".cache").glob("snapshot-*.json")
    snap = path.read_text(encoding="utf-8")
    text = _run(str(src), "-o", str(out))
    assert path.read_text(encoding="utf-8") != snap
