"""The segment worker (textcheck/segment_worker.py): a second process gives exactly the words rjieba
gives in-process, anything wrong with it makes the parent segment the text itself, and the command
line's findings are the same with and without it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from support import ROOT, SEEDS, seed_path

from textcheck import resources, segment_worker
from textcheck.parse import parse
from textcheck.readers import read_path

try:
    import rjieba
except ImportError:  # pragma: no cover - the wheel exists for the usual platforms
    rjieba = None

pytestmark = pytest.mark.skipif(rjieba is None, reason="rjieba is not installed")
CORPUS = ROOT.parent / "shared" / "corpus"


def _texts() -> list[str]:
    """Every paragraph of the seeds and (when present) the development corpus, and some odd texts."""
    files = [seed_path(k) for k in sorted(SEEDS)]
    files += sorted(p for p in CORPUS.glob("*/*") if p.suffix in (".txt", ".html", ".md", ".pdf", ".docx"))
    texts = []
    for f in files:
        try:
            texts += [b.text for b in parse(read_path(str(f))).blocks]
        except Exception:  # noqa: BLE001 - unreadable corpus files are another test's business
            continue
    return texts + ["", "a", "制表\t分隔\r\n换行\x00零", "𠀀字㐀和C++", "长" * 70000]


@pytest.fixture
def worker():
    w = segment_worker.start()
    if w is None:
        pytest.skip("no segment worker here (one core, or TEXTCHECK_SEGMENT_WORKER=0)")
    yield w
    w.close()


def _words(text: str, lengths) -> list[str]:
    out, pos = [], 0
    for n in lengths:
        out.append(text[pos : pos + n])
        pos += n
    return out


def test_the_worker_gives_rjiebas_words_on_every_real_paragraph(worker):
    texts = list(dict.fromkeys(_texts()))
    assert len(texts) > 200
    worker.send(texts)  # all at once: several MB, more than a pipe holds
    for t in texts:
        lengths = worker.lengths(t)
        if t == "":
            assert lengths is None  # nothing to ask; the caller's rjieba gives [] itself
            continue
        assert lengths is not None, t[:40]
        assert _words(t, lengths) == rjieba.cut(t)
    assert worker.alive


def test_a_text_asked_without_sending_is_segmented_on_demand(worker):
    assert _words("政府信息公开工作年度报告", worker.lengths("政府信息公开工作年度报告")) == rjieba.cut("政府信息公开工作年度报告")
    worker.send(["主动公开", "依申请公开"])
    assert _words("依申请公开", worker.lengths("依申请公开")) == rjieba.cut("依申请公开")
    assert _words("主动公开", worker.lengths("主动公开")) == rjieba.cut("主动公开")


def test_answers_to_several_requests_are_matched_to_their_texts_in_any_order(worker):
    texts = [b.text for b in parse(read_path(str(seed_path("004")))).blocks if b.text]
    half = len(texts) // 2
    worker.send(texts[:half])
    worker.send(texts[half - 3 :])  # overlapping: the three asked twice are not sent again
    for t in reversed(texts):
        assert _words(t, worker.lengths(t)) == rjieba.cut(t)
    assert worker._pending == {} and worker._answers == {}  # nothing kept once taken


def test_answers_nobody_took_are_dropped_before_the_next_report(worker):
    worker.send(["主动公开", "依申请公开", "监督保障"])
    assert _words("主动公开", worker.lengths("主动公开")) == rjieba.cut("主动公开")
    worker.send(["政府信息管理"])
    _words("政府信息管理", worker.lengths("政府信息管理"))  # by now every earlier answer is in
    worker.forget_answered()
    assert worker._pending == {} and worker._answers == {}
    assert _words("监督保障", worker.lengths("监督保障")) == rjieba.cut("监督保障")  # asked again, answered again


def test_a_text_the_worker_cannot_segment_comes_back_as_none(worker):
    bad = "孤立代理\ud800字"  # rjieba takes no lone surrogate: the parent's own rjieba decides what happens
    assert worker.lengths(bad) is None
    assert worker.alive and _words("公开", worker.lengths("公开")) == ["公开"]


def test_a_dead_worker_hands_every_text_back_to_the_parent(worker):
    worker._proc.kill()
    worker._proc.wait()
    assert worker.lengths("政府信息公开") is None
    assert not worker.alive
    worker.send(["依申请公开"])  # nothing happens, no error
    assert worker.lengths("依申请公开") is None


def test_lengths_that_do_not_add_up_are_not_believed(worker, monkeypatch):
    worker.send(["政府信息公开"])
    # the answer is for another text: its lengths do not fit
    worker._pending["政府信息公开工作"] = worker._pending.pop("政府信息公开")
    assert worker.lengths("政府信息公开工作") is None
    assert not worker.alive


def test_a_hung_worker_is_ended_and_the_parent_goes_on():
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE)
    w = segment_worker.Worker(proc, timeout=0.5)
    w.send(["政府信息公开"])
    assert w.lengths("政府信息公开") is None  # waited its half second, then gave up
    assert not w.alive
    assert proc.wait(timeout=10) is not None  # and the child was ended


def test_a_child_that_is_not_the_worker_is_not_believed():
    # e.g. a frozen program started as if it were Python: it prints its own output
    proc = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdout.write('用法：textcheck ...' * 50)"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    w = segment_worker.Worker(proc)
    assert w.lengths("政府信息公开") is None and not w.alive


def test_no_worker_in_a_frozen_program(monkeypatch):
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert segment_worker.start() is None


def test_segmenter_falls_back_to_rjieba_here_when_the_worker_fails(monkeypatch):
    class Dead:
        def lengths(self, text):
            return None

    monkeypatch.setattr(resources, "_worker", Dead())
    text = "网址www.example.gov.cn，主动公开政府信息"
    assert resources._worker_cut(text) == rjieba.cut(text)


@pytest.mark.parametrize("env,expected", [({segment_worker.WORKER_ENV: "0"}, None),
                                          ({resources.TOKENIZER_ENV: "jieba"}, None)])
def test_no_worker_when_turned_off_or_jieba_is_forced(env, expected):
    code = ("from textcheck import resources\n"
            "resources.preload_segmenter()\n"
            "print(resources._worker, resources.segmenter()[0])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True,
                         env={**os.environ, **env}).stdout.split()
    assert out[0] == str(expected)


def test_no_worker_on_one_core_or_without_an_interpreter(monkeypatch):
    monkeypatch.setattr(segment_worker, "_usable_cores", lambda: 1)
    assert segment_worker.start() is None
    monkeypatch.setattr(segment_worker, "_usable_cores", lambda: 2)
    monkeypatch.setattr(sys, "executable", "")
    assert segment_worker.start() is None
    monkeypatch.setattr(sys, "executable", str(ROOT / "no-such-python"))
    assert segment_worker.start() is None  # cannot start: None, the caller segments itself


@pytest.mark.parametrize("command", [["check", str(seed_path("003")), "-f", "json"],
                                     ["check", str(seed_path("004")), str(seed_path("001")), "-f", "json"],
                                     ["compare", str(seed_path("004")), str(seed_path("003")), "-f", "json"]])
def test_the_command_line_says_the_same_with_and_without_the_worker(command):
    def run(flag: str) -> str:
        env = {**os.environ, segment_worker.WORKER_ENV: flag}
        return subprocess.run([sys.executable, "-m", "textcheck", *command], capture_output=True, text=True,
                              cwd=ROOT, env=env).stdout

    with_worker, without = run("1"), run("0")
    assert json.loads(with_worker)  # real output, not two empty strings
    assert with_worker == without


def test_the_worker_ends_with_the_command():
    code = ("import sys\n"
            "from textcheck import resources\n"
            "resources.preload_segmenter()\n"
            "w = resources._worker\n"
            "print(w._proc.pid if w else 0)\n"
            "print(resources.cut('政府信息公开'))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    pid_line, words = out.splitlines()
    assert words == "['政府', '信息', '公开']"
    pid = int(pid_line)
    if not pid:
        pytest.skip("no segment worker here")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                if fh.read().split(") ")[-1].startswith("Z"):
                    break  # exited, not reaped yet by whoever adopted it
        except FileNotFoundError:
            break
        except OSError:  # pragma: no cover - no /proc
            pytest.skip("no /proc here")
        time.sleep(0.05)
    else:
        pytest.fail(f"segment worker {pid} still running after its command ended")


@pytest.mark.parametrize("args,starts", [(["check", "r.txt"], True), (["-V"], False), (["check", "--help"], False),
                                         (["batch", "in/", "-o", "out/"], False), (["compare", "a", "b"], True),
                                         (["serve"], False), ([], False)])
def test_the_launcher_starts_the_worker_only_for_commands_that_segment(monkeypatch, args, starts):
    from textcheck import launch

    calls = []
    monkeypatch.setattr(resources, "preload_segmenter", lambda: calls.append(1))
    launch.start_segmenter(args)
    assert bool(calls) == starts
