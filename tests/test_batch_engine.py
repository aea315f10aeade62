"""The batch engine: interruption, hostile entries, per-file budgets, cache key, output folder lock,
marker and atomic index, unchanged pages not rewritten. Hostile files are generated at test time."""

from __future__ import annotations

import csv
import shutil
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from batch_gen import generate
from textcheck.batch.discover import discover
from textcheck.batch.run import run_batch
from textcheck.cli import app
from textcheck.config import Config
from textcheck.render.batch_output import write_outputs

ROOT = Path(__file__).resolve().parent.parent


def _cli(*args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "textcheck", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


def _status(out: Path) -> dict[str, str]:
    rows = list(csv.reader((out / "summary.csv").read_text(encoding="utf-8-sig").splitlines()))
    return {Path(r[0]).name: r[5] for r in rows[1:]}


def _children(pid: int) -> set[int]:
    kids = set()
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                stat = Path("/proc", d, "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.add(int(d))
    return kids


def _alive(pid: int) -> bool:
    try:
        state = Path("/proc", str(pid), "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_stopping_a_batch_stops_its_workers_and_a_rerun_resumes(tmp_path, signum):
    src = tmp_path / "in"
    generate(src, 200, seed=11, groups=2)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "textcheck", "batch", str(src), "-o", str(out), "-j", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    db = out / ".cache" / "records.sqlite"
    workers: set[int] = set()
    deadline = time.monotonic() + 120
    rows = 0
    while time.monotonic() < deadline and proc.poll() is None:
        workers |= _children(proc.pid)
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=1) as con:
                    rows = con.execute("SELECT count(*) FROM records").fetchone()[0]
            except sqlite3.Error:
                rows = 0
            if rows >= 5 and workers:
                break
        time.sleep(0.2)
    assert proc.poll() is None and workers and rows >= 5, "the batch did not get going"
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "中断" in err and "Traceback" not in err, err
    time.sleep(0.5)
    assert not [p for p in workers if _alive(p)], "worker processes left running"
    res = _cli("batch", str(src), "-o", str(out), "-j", "2")
    assert res.returncode == 0, res.stderr
    cached = int(re.search(r"使用缓存 (\d+) 个", res.stderr).group(1))
    assert cached >= rows  # everything committed before the stop is reused
    assert len(_status(out)) == 200


def _hostile_folder(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    generate(src, 3, seed=2, groups=1)
    os.mkfifo(src / "管道.txt")
    os.symlink("loop.txt", src / "loop.txt")
    os.symlink("nowhere.txt", src / "dangling.txt")
    return src


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_and_symlink_loop_are_unreadable_not_waited_on(tmp_path):
    src = _hostile_folder(tmp_path)
    t0 = time.monotonic()
    res = _cli("batch", str(src), "-o", str(tmp_path / "out"), "-j", "2", "-q", timeout=180)
    assert res.returncode == 0, res.stderr
    assert time.monotonic() - t0 < 150
    st = _status(tmp_path / "out")
    assert st["管道.txt"] == st["loop.txt"] == st["dangling.txt"] == "无法读取"
    assert [v for k, v in st.items() if k.startswith("gen_")] == ["已检查"] * 3
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "命名管道" in index and "符号链接循环" in index


@pytest.mark.parametrize("knob, expect", [("file_timeout = 1", "秒仍未完成"), ("file_memory_mb = 40\nfile_timeout = 0", "内存超过上限")])
def test_a_file_over_its_budget_is_marked_and_the_batch_goes_on(tmp_path, knob, expect):
    # the memory case turns the time budget off: on a loaded machine the 120 s default could stop the
    # file first and the test would not say which budget failed
    src = tmp_path / "in"
    gen = generate(src, 3, seed=2, groups=0)
    text = Path(gen.paths[0]).read_text(encoding="utf-8")
    (src / "huge.txt").write_text(text * 300, encoding="utf-8")  # ~3 MB: minutes and gigabytes unbounded
    cfg = tmp_path / "c.toml"
    cfg.write_text(f"[batch]\n{knob}\n", encoding="utf-8")
    t0 = time.monotonic()
    # --max-size 200: the reader's own limits (characters, lines: docs/limits.md) scale with it, so this file
    # is read and it is the per-file budget that stops it
    res = _cli("batch", str(src), "-o", str(tmp_path / "out"), "-j", "2", "-q", "-c", str(cfg), "--max-size", "200",
               timeout=200)
    assert res.returncode == 0, res.stderr
    assert time.monotonic() - t0 < 150
    st = _status(tmp_path / "out")
    assert st["huge.txt"] == "无法读取" and [st[Path(p).name] for p in gen.paths] == ["已检查"] * 3
    summary = (tmp_path / "out" / "summary.csv").read_text(encoding="utf-8-sig")
    assert expect in (tmp_path / "out" / "index.html").read_text(encoding="utf-8"), summary


def test_cache_key_includes_the_format(tmp_path):
    from textcheck.batch.worker import cache_key

    src = tmp_path / "in"
    gen = generate(src, 2, seed=3, groups=0)
    data = Path(gen.paths[0]).read_bytes()
    (src / "a.pdf").write_bytes(data)
    (src / "b.txt").write_bytes(data)
    assert cache_key("x", "a.pdf", "f") != cache_key("x", "b.txt", "f")
    files = discover([str(src)])[0]
    alone = run_batch([str(src / "a.pdf")], Config()).reports[0]["status"]
    for jobs in (1, 2, 2):
        res = run_batch(files, Config(), jobs=jobs, cache_dir=str(tmp_path / "cache"))
        by = {Path(r["path"]).name: r["status"] for r in res.reports}
        assert by["b.txt"] == "ok" and by["a.pdf"] == alone


def test_cache_key_includes_the_configuration(tmp_path):
    src = tmp_path / "in"
    generate(src, 2, seed=3, groups=0)
    files = discover([str(src)])[0]
    cache = str(tmp_path / "cache")
    assert run_batch(files, Config(), cache_dir=cache).stats["checked"] == 2
    assert run_batch(files, Config(), cache_dir=cache).stats["cached"] == 2
    assert run_batch(files, Config(disabled={"fee-statement"}), cache_dir=cache).stats["checked"] == 2


def test_second_batch_into_a_locked_output_folder_refuses(tmp_path):
    from textcheck.batch.outdir import output_folder

    src = tmp_path / "in"
    generate(src, 2, seed=3, groups=0)
    out = tmp_path / "out"
    with output_folder(out):
        res = _cli("batch", str(src), "-o", str(out), "-q", "-j", "1")
        assert res.returncode == 2 and "另一个 textcheck batch" in res.stderr and "Traceback" not in res.stderr
        assert not (out / "index.html").exists()
        waiting = subprocess.Popen([sys.executable, "-m", "textcheck", "batch", str(src), "-o", str(out), "-q",
                                    "-j", "1", "--wait"], cwd=ROOT, stderr=subprocess.PIPE, text=True)
        time.sleep(2)
        assert waiting.poll() is None  # waiting for the lock
    assert waiting.wait(timeout=180) == 0
    assert (out / "index.html").is_file()


def test_index_is_written_last_so_a_crash_leaves_no_dangling_links(tmp_path, monkeypatch):
    from textcheck.render import batch_html

    src = tmp_path / "in"
    generate(src, 4, seed=3, groups=0)
    result = run_batch(discover([str(src)])[0], Config())
    real = batch_html.render_report

    def crash(res, k):
        if k == 2:
            raise KeyboardInterrupt
        return real(res, k)

    monkeypatch.setattr(batch_html, "render_report", crash)
    with pytest.raises(KeyboardInterrupt):
        write_outputs(result, tmp_path / "out")
    assert not (tmp_path / "out" / "index.html").exists()
    assert not list((tmp_path / "out" / "reports").glob(".*.tmp"))


def test_unchanged_pages_are_not_rewritten(tmp_path):
    src = tmp_path / "in"
    gen = generate(src, 4, seed=3, groups=0)
    files = discover([str(src)])[0]
    out = tmp_path / "out"
    write_outputs(run_batch(files, Config(), cache_dir=str(out / ".cache")), out)
    inodes = {p.name: p.stat().st_ino for p in (out / "reports").glob("*.html")}
    Path(gen.paths[1]).write_text(Path(gen.paths[1]).read_text(encoding="utf-8") + "\n补充说明：无。\n", encoding="utf-8")
    write_outputs(run_batch(files, Config(), cache_dir=str(out / ".cache")), out)
    after = {p.name: p.stat().st_ino for p in (out / "reports").glob("*.html")}
    changed = {k for k in inodes if inodes[k] != after[k]}
    assert changed == {"002.html"}


def test_output_folder_inside_the_input_is_never_read(tmp_path):
    src = tmp_path / "in"
    gen = generate(src, 3, seed=3, groups=0)
    out = src / "结果"
    runner = CliRunner()
    for _ in range(2):
        res = runner.invoke(app, ["batch", str(src), "-o", str(out), "-j", "1"])
        assert res.exit_code == 0, res.output
        assert "共 3 个文件" in res.output
    assert (out / ".textcheck-output").is_file()
    # even a report copied into the output folder, and -o pointing elsewhere: the marker keeps it out
    (out / "copy.txt").write_bytes(Path(gen.paths[0]).read_bytes())
    assert not [f for f in discover([str(src)])[0] if "结果" in f]


_MEASURE = """
import gc, sys, tracemalloc
from textcheck.batch.discover import discover
from textcheck.batch.run import run_batch
from textcheck.config import Config
files = discover([sys.argv[1]])[0]
run_batch(files[:2], Config())
def held(n):
    gc.collect(); tracemalloc.start(); base = tracemalloc.get_traced_memory()[0]
    result = run_batch(files[:n], Config(), jobs=2)
    gc.collect(); size = tracemalloc.get_traced_memory()[0] - base; tracemalloc.stop()
    assert result.reports[n - 1]["lines"]
    return size, result
small, r1 = held(20)
big, r2 = held(40)
print((big - small) / 20)
"""


def test_parent_keeps_compact_rows_not_texts(tmp_path):
    src = tmp_path / "in"
    generate(src, 40, seed=8, groups=2)
    res = subprocess.run([sys.executable, "-c", _MEASURE, str(src)], capture_output=True, text=True, timeout=300,
                         cwd=ROOT)  # a fresh interpreter: no caches from other tests in the measurement
    assert res.returncode == 0, res.stderr
    per_report = float(res.stdout.split()[-1])
    assert per_report < 30_000, per_report  # was ~85 KB per report with lines and findings in memory


def test_unreadable_entries_under_permissions(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("running as root: chmod 000 does not deny reading")
    src = tmp_path / "in"
    generate(src, 2, seed=3, groups=0)
    locked = src / "locked.txt"
    locked.write_text("x", encoding="utf-8")
    locked.chmod(0)
    folder = src / "sub"
    folder.mkdir()
    folder.chmod(0)
    try:
        res = run_batch(discover([str(src)])[0], Config())
        by = {Path(r["path"]).name: r["status"] for r in res.reports}
        assert by["locked.txt"] == by["sub"] == "unreadable"
    finally:
        folder.chmod(0o755)


_ENTRY_KINDS = ("report", "fifo", "loop", "dangling", "empty", "binary", "locked")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_property_hostile_batch_folders_never_hang_or_crash(tmp_path_factory):
    from hypothesis import HealthCheck, given, settings, strategies as st

    seed = tmp_path_factory.mktemp("seed")
    report = Path(generate(seed, 1, seed=4, groups=0).paths[0]).read_bytes()
    root_user = os.geteuid() == 0

    @settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(st.sampled_from(_ENTRY_KINDS), min_size=1, max_size=6))
    def check(kinds):
        src = tmp_path_factory.mktemp("hostile")
        for k, kind in enumerate(kinds):
            p = src / f"f{k}.txt"
            if kind == "report":
                p.write_bytes(report)
            elif kind == "fifo":
                os.mkfifo(p)
            elif kind == "loop":
                os.symlink(p.name, p)
            elif kind == "dangling":
                os.symlink(f"missing{k}.txt", p)  # distinct targets: discover merges entries with one target
            elif kind == "empty":
                p.write_bytes(b"")
            elif kind == "binary":
                p.write_bytes(bytes(range(256)) * 8)
            elif kind == "locked":
                p.write_bytes(report)
                p.chmod(0)  # as root this does not deny reading: then it is a readable report
        t0 = time.monotonic()
        res = run_batch(discover([str(src)])[0], Config(), jobs=2)
        assert time.monotonic() - t0 < 120
        by = {Path(r["path"]).name: r["status"] for r in res.reports}
        assert set(by) == {f"f{k}.txt" for k in range(len(kinds))}
        for k, kind in enumerate(kinds):
            if kind in ("fifo", "loop", "dangling", "empty", "binary") or (kind == "locked" and not root_user):
                assert by[f"f{k}.txt"] == "unreadable", (kind, by)
            elif kind == "report":
                assert by[f"f{k}.txt"] == "ok"
        for k, kind in enumerate(kinds):
            if kind == "locked":
                (src / f"f{k}.txt").chmod(0o644)

    check()


def _output_bytes(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".cache" not in p.relative_to(out).parts and p.name != ".textcheck.lock"}


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        kids = _children(todo.pop())
        todo.extend(kids - found)
        found |= kids
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.parametrize("when", ["checks", "year-pairs"])
def test_sigterm_in_any_stage_leaves_no_process_and_the_rerun_gives_the_uninterrupted_outputs(tmp_path, when):
    src = tmp_path / "in"
    generate(src, 150, seed=13, groups=3, prior=30)  # enough that the run is still going when the signal lands
    ref = tmp_path / "ref"
    res = _cli("batch", str(src), "-o", str(ref), "-j", "2", timeout=600)
    assert res.returncode == 0, res.stderr
    out = tmp_path / "out"
    if when == "year-pairs":  # the checks are cached: the batch goes straight to comparing the year pairs
        shutil.copytree(ref / ".cache", out / ".cache", ignore=shutil.ignore_patterns("pairs", "snapshot*.json"))
    proc = subprocess.Popen([sys.executable, "-m", "textcheck", "batch", str(src), "-o", str(out), "-j", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    seen: set[int] = set()
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        seen |= _descendants(proc.pid)
        if when == "checks":
            db = out / ".cache" / "records.sqlite"
            try:
                with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
                    started = con.execute("SELECT count(*) FROM records").fetchone()[0] >= 3
            except sqlite3.Error:
                started = False
        else:
            started = bool(list((out / ".cache" / "pairs").glob("*.json"))) if (out / ".cache" / "pairs").is_dir() else False
        if started and seen:
            break
        time.sleep(0.05)
    assert proc.poll() is None and seen, "the batch did not get going"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "中断" in err and "Traceback" not in err, (proc.returncode, err)
    time.sleep(0.5)
    assert not [p for p in seen if _alive(p)], "worker processes left running"
    assert not (out / "index.html").exists()
    res = _cli("batch", str(src), "-o", str(out), "-j", "2", timeout=600)
    assert res.returncode == 0, res.stderr
    assert _output_bytes(out) == _output_bytes(ref)
