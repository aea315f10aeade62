"""Conventions of the ecosystem (issue 15) and option/config hardening (issue 20 item 7), through the CLI:
any console encoding, --version, Chinese help and usage errors, --select/--ignore, config discovery and
validation, --max-size. Subprocess runs where the real process matters (stream encodings, exit codes)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import seed_path
from typer.testing import CliRunner

from textcheck import __version__
from textcheck.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
COMMANDS = tuple(info.name for info in app.registered_commands)  # commands added later are checked too


def cli(*args: str, env: dict | None = None, cwd: Path | None = None, timeout: int = 180):
    """Run ``python -m textcheck ARGS`` as a user would; stdout/stderr as bytes."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "PYTHONUTF8")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "textcheck", *args], capture_output=True, env=full_env,
                          cwd=cwd or ROOT, timeout=timeout)


def run(*args: str):
    return runner.invoke(app, list(args))


def err_of(res) -> str:
    """Standard error of a CliRunner result (older click runners mix it into the output)."""
    try:
        return res.stderr
    except ValueError:
        return res.output


def findings(res) -> set[str]:
    return {f["rule"] for r in json.loads(res.stdout)["reports"] for f in r["findings"]}


# ---------------------------------------------------------------------------------------------
# every console: GBK / cp936 streams never raise


NOT_GBK = "本报告由𠀀县人民政府发布 — 完成率 ✓ 😀\n"


@pytest.fixture
def odd_report(tmp_path):
    """A report whose text has characters GBK cannot encode (a CJK Extension B ideograph, an emoji, ✓)."""
    text = seed_path("003").read_text(encoding="utf-8")
    p = tmp_path / "生僻字报告.txt"
    p.write_text(NOT_GBK + text, encoding="utf-8")
    return p


def _assert_clean(proc, enc: str, codes=(0, 1)):
    assert proc.returncode in codes, proc.stderr.decode(enc, "replace")
    assert b"Traceback" not in proc.stderr and b"UnicodeEncodeError" not in proc.stderr
    proc.stdout.decode(enc)  # strict: what reached the console is valid in its encoding
    proc.stderr.decode(enc)


@pytest.mark.parametrize("enc", ["gbk", "cp936", "ascii"])
def test_demo_on_a_gbk_console(enc):
    proc = cli("demo", env={"PYTHONIOENCODING": enc})
    _assert_clean(proc, enc)
    out = proc.stdout.decode(enc)
    assert "大章镇" in out if enc != "ascii" else "textcheck check" in out  # ASCII: even √ becomes ?


@pytest.mark.parametrize("enc", ["gbk", "cp936"])
def test_check_seed_and_non_gbk_text_on_a_gbk_console(enc, odd_report):
    proc = cli("check", str(seed_path("003")), str(odd_report), env={"PYTHONIOENCODING": enc})
    _assert_clean(proc, enc, codes=(1,))
    out = proc.stdout.decode(enc)
    assert "大章镇" in out or "纸房镇" in out
    proc = cli("check", str(odd_report), "-f", "json", env={"PYTHONIOENCODING": enc})
    _assert_clean(proc, enc, codes=(1,))
    json.loads(proc.stdout.decode(enc))  # still one valid JSON document


def test_json_and_html_on_a_gbk_console_are_lossless(tmp_path, odd_report):
    short = tmp_path / "short.txt"
    short.write_text(NOT_GBK, encoding="utf-8")  # not a report: its text is quoted in the finding
    proc = cli("check", str(short), "-f", "json", env={"PYTHONIOENCODING": "gbk"})
    _assert_clean(proc, "gbk")
    assert "𠀀" in proc.stdout.decode("gbk") or "\\ud840\\udc00" in proc.stdout.decode("gbk")
    assert "𠀀县人民政府" in json.dumps(json.loads(proc.stdout.decode("gbk")), ensure_ascii=False)
    proc = cli("compare", str(seed_path("003")), str(odd_report), "-f", "html", env={"PYTHONIOENCODING": "gbk"})
    _assert_clean(proc, "gbk")
    assert "&#131072;县人民政府" in proc.stdout.decode("gbk")


def test_compare_batch_and_usage_errors_on_a_gbk_console(tmp_path, odd_report):
    enc = "gbk"
    env = {"PYTHONIOENCODING": enc}
    _assert_clean(cli("compare", str(seed_path("003")), str(odd_report), env=env), enc)
    folder = tmp_path / "报告"
    folder.mkdir()
    shutil.copy(odd_report, folder / "a.txt")
    shutil.copy(seed_path("001"), folder / "b.txt")
    proc = cli("batch", str(folder), "-o", str(tmp_path / "out"), "-j", "1", env=env)
    _assert_clean(proc, enc, codes=(0,))
    assert "结果已写入" in proc.stderr.decode(enc)
    proc = cli("check", "--bogus", env=env)
    _assert_clean(proc, enc, codes=(2,))
    assert "没有选项 --bogus" in proc.stderr.decode(enc)


# ---------------------------------------------------------------------------------------------
# --version


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(flag):
    proc = cli(flag)
    assert proc.returncode == 0
    assert proc.stdout.decode() == f"textcheck {__version__}\n"
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)


# ---------------------------------------------------------------------------------------------
# help and usage errors in Chinese

# words allowed in help: option names are removed first; then file types, formats, the program's own
# name and the values a user types (choices, TOML table names)
ALLOWED = {"textcheck", "txt", "docx", "pdf", "html", "htm", "TOML", "toml", "README", "CSV", "Excel", "JSONL",
           "csv", "xlsx", "jsonl", "json", "text", "summary", "findings", "index", "decisions", "MB", "CPU",
           "error", "warning", "info", "never", "score", "batch", "compare", "check", "cache", "duplicate",
           "paragraph", "Ctrl", "pip", "install", "select", "ignore", "concise", *COMMANDS}


def _help_words(text: str) -> set[str]:
    text = re.sub(r"(?<![\w-])--?[A-Za-z][\w-]*", " ", text)  # option names
    return set(re.findall(r"[A-Za-z]{2,}", text))


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_is_chinese(command):
    args = ["--help"] if command is None else [command, "--help"]
    res = run(*args)
    assert res.exit_code == 0
    assert res.stdout.startswith("用法：textcheck")
    for english in ("Usage", "Options", "Arguments", "Commands", "Show this message", "default", "required",
                    "PATH", "TEXT", "INTEGER", "list[", "<str>", "<int>", "<float>", "<path>"):
        assert english not in res.stdout, english
    assert not _help_words(res.stdout) - ALLOWED, _help_words(res.stdout) - ALLOWED
    assert "选项：" in res.stdout and "-h, --help" in res.stdout


def test_help_metavars_read():
    out = run("check", "--help").stdout
    assert "报告文件..." in out and "--output 输出文件" in out and "--config 配置文件" in out
    assert "{text|json" in out  # choices shown as the values to type
    assert "文件或文件夹..." in run("batch", "--help").stdout
    assert "上年报告 本年报告" in run("compare", "--help").stdout


@pytest.mark.parametrize("args, message", [
    (["check"], "缺少参数 报告文件"),
    (["batch", "x"], "缺少选项 --output"),
    (["check", "--bogus", "a.txt"], "没有选项 --bogus"),
    (["check", "a.txt", "-f", "xml"], "选项 --format/-f 的值无效：应是 text"),
    (["check", "a.txt", "--max-size", "abc"], "选项 --max-size 的值无效：应是数字"),
    (["batch", "x", "-o", "out", "--jobs", "two"], "选项 --jobs/-j 的值无效：应是整数"),
    (["chek"], "没有命令 chek；是不是 check？"),
    (["compare", "a", "b", "c"], "多余的参数：c"),
    (["check", "a.txt", "-o"], "选项 -o 后面缺少值"),
])
def test_usage_errors_are_chinese_exit_2(args, message):
    res = run(*args)
    assert res.exit_code == 2
    assert message in err_of(res)
    assert "错误：" in err_of(res) and "Error" not in err_of(res) and "Usage" not in err_of(res)
    assert "Traceback" not in res.output


def test_usage_error_through_the_real_process():
    proc = cli("check", "--format", "yaml", "x.txt")
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert err.startswith("用法：") and "textcheck check [选项] 报告文件...\n" in err
    assert "查看帮助：" in err and "textcheck check --help" in err
    assert "错误：选项 --format/-f 的值无效" in err and "Traceback" not in err


# ---------------------------------------------------------------------------------------------
# --max-size (issue 20 item 7)


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0", "abc"])
@pytest.mark.parametrize("command", ["check", "compare", "batch", "serve"])
def test_max_size_bad_values(command, value, tmp_path):
    seed = str(seed_path("003"))
    args = {"check": ["check", seed], "compare": ["compare", seed, seed], "serve": ["serve"],
            "batch": ["batch", seed, "-o", str(tmp_path / "out")]}[command]
    res = run(*args, f"--max-size={value}")
    assert res.exit_code == 2, res.output
    assert "选项 --max-size 的值无效" in err_of(res) and "Traceback" not in res.output
    assert not (tmp_path / "out").exists()


def test_max_size_nan_through_the_real_process():
    proc = cli("check", str(seed_path("003")), "--max-size", "nan")
    assert proc.returncode == 2 and b"Traceback" not in proc.stderr
    assert "应是大于 0 的有限数字" in proc.stderr.decode()


# ---------------------------------------------------------------------------------------------
# configuration: shape and types (issue 20 item 7)


@pytest.mark.parametrize("body, named", [
    ('[rules.duplicate-paragraph]\nmin_chars = "abc"\n', "min_chars"),
    ("[rules.duplicate-paragraph]\nmin_chars = [1, 2]\n", "min_chars"),
    ("[rules.name-mismatch]\nmin_confidence = nan\n", "min_confidence"),
    ("[rules.overview-too-long]\nmax_chars = true\n", "max_chars"),
    ('[rules.year-mismatch]\ndeadline_month_day = 131\n', "deadline_month_day"),
    ("[rules.overview-too-long]\nseverity = 3\n", "severity"),
    ('[rules.overview-too-long]\nenabled = "no"\n', "enabled"),
    ('[batch]\nmin_chars = "abc"\n', "min_chars"),
    ('[score]\nfee = "high"\n', "fee"),
    ("score = 3\n", "score"),
    ("rules = 3\n", "rules"),
    ("issuer = 410322\n", "issuer"),
    ("fail-on = 1\n", "fail-on"),
    ('disable = "a,b"\nselect = 3\n', "select"),
    ("ignore = [1]\n", "ignore"),
    ("foo = 1\n", "foo"),
    ("[compar]\nx = 1\n", "compar"),
])
def test_bad_config_values_name_the_key_and_file(tmp_path, body, named):
    cfg = tmp_path / "textcheck.toml"
    cfg.write_text(body, encoding="utf-8")
    res = run("check", str(seed_path("003")), "-c", str(cfg))
    assert res.exit_code == 2, res.output
    assert named in err_of(res) and str(cfg) in err_of(res) and "Traceback" not in res.output


def test_unknown_key_in_a_discovered_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.textcheck]\nselcet = [\"structure\"]\n", encoding="utf-8")
    shutil.copy(seed_path("003"), tmp_path / "r.txt")
    proc = cli("check", str(tmp_path / "r.txt"))
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert "未知的配置项 selcet" in err and str(tmp_path / "pyproject.toml") in err


# ---------------------------------------------------------------------------------------------
# --select / --ignore


def _rules_of(category: str) -> set[str]:
    from textcheck.rules import all_rules

    return {r.id for r in all_rules() if r.category == category}


def test_select_category_and_ignore_id():
    seed = str(seed_path("003"))
    everything = findings(run("check", seed, "-f", "json"))
    assert {"duplicate-paragraph", "section-duplicate", "name-mismatch"} <= everything
    structure = findings(run("check", seed, "-f", "json", "--select", "structure"))
    assert structure and structure <= _rules_of("structure") and "section-duplicate" in structure
    both = findings(run("check", seed, "-f", "json", "--select", "structure,duplicate-paragraph"))
    assert both == structure | {"duplicate-paragraph"}
    ignored = findings(run("check", seed, "-f", "json", "--select", "structure", "--ignore", "section-duplicate"))
    assert ignored == structure - {"section-duplicate"}
    assert findings(run("check", seed, "-f", "json", "--ignore", "identity")) == everything - _rules_of("identity")


def test_config_select_ignore_and_the_command_line_overrides(tmp_path):
    seed = str(seed_path("003"))
    cfg = tmp_path / "textcheck.toml"
    cfg.write_text('select = ["identity", "duplication"]\nignore = ["name-mismatch"]\n', encoding="utf-8")
    got = findings(run("check", seed, "-f", "json", "-c", str(cfg)))
    assert "duplicate-paragraph" in got and "name-mismatch" not in got and "section-duplicate" not in got
    # the command line's --select replaces the configuration's selection (its ignore included), like ruff
    got = findings(run("check", seed, "-f", "json", "-c", str(cfg), "--select", "name-mismatch"))
    assert got == {"name-mismatch"}
    # the command line's --ignore is taken away from the configuration's selection
    got = findings(run("check", seed, "-f", "json", "-c", str(cfg), "--ignore", "duplication"))
    assert "duplicate-paragraph" not in got and got <= _rules_of("identity")


def test_select_applies_to_compare_and_batch(tmp_path):
    old, new = str(seed_path("003")), str(seed_path("004"))
    res = run("compare", old, new, "-f", "json", "--select", "stale-year")
    assert res.exit_code in (0, 1)
    assert {f["rule"] for f in json.loads(res.stdout)["findings"]} <= {"stale-year"}
    out = tmp_path / "out"
    res = run("batch", old, new, "-o", str(out), "-j", "1", "-q", "--ignore", "structure,tables")
    assert res.exit_code == 0
    rules = {json.loads(line)["rule"] for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()
             if line.strip() and "rule" in json.loads(line)}
    assert rules and not rules & (_rules_of("structure") | _rules_of("tables"))


@pytest.mark.parametrize("args", [["--select", "no-such-rule"], ["--ignore", "structur"]])
def test_unknown_selection_is_a_chinese_error(args):
    res = run("check", str(seed_path("003")), *args)
    assert res.exit_code == 2 and "未知的规则或类别" in err_of(res) and "structure" in err_of(res)


def test_unknown_selection_in_the_config(tmp_path):
    cfg = tmp_path / "textcheck.toml"
    cfg.write_text('select = ["structures"]\n', encoding="utf-8")
    res = run("check", str(seed_path("003")), "-c", str(cfg))
    assert res.exit_code == 2 and "structures" in err_of(res) and str(cfg) in err_of(res)


# ---------------------------------------------------------------------------------------------
# discovery and -v


def test_config_is_found_next_to_the_checked_file(tmp_path):
    project = tmp_path / "project"
    (project / "reports").mkdir(parents=True)
    shutil.copy(seed_path("003"), project / "reports" / "r.txt")
    (project / "textcheck.toml").write_text('ignore = ["duplication"]\n', encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    proc = cli("check", str(project / "reports" / "r.txt"), "-f", "json", "-v", cwd=elsewhere)
    assert proc.returncode == 1
    assert "duplicate-paragraph" not in {f["rule"] for f in json.loads(proc.stdout)["reports"][0]["findings"]}
    err = proc.stderr.decode()
    assert f"配置文件：{project / 'textcheck.toml'}" in err and "duplicate-paragraph" in err  # which rules are off


def test_nearest_config_wins_and_cwd_is_the_fallback(tmp_path):
    seed = seed_path("003")
    (tmp_path / "textcheck.toml").write_text('ignore = ["identity"]\n', encoding="utf-8")
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    shutil.copy(seed, sub / "r.txt")
    # a pyproject.toml without [tool.textcheck] is passed over; textcheck.toml further up is used
    (sub / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    proc = cli("check", str(sub / "r.txt"), "-v", "-f", "json", cwd=sub)
    assert f"配置文件：{tmp_path / 'textcheck.toml'}" in proc.stderr.decode()
    # a pyproject.toml with the table, nearer to the file, wins
    (sub / "pyproject.toml").write_text('[tool.textcheck]\nignore = ["duplication"]\n', encoding="utf-8")
    proc = cli("check", str(sub / "r.txt"), "-v", "-f", "json", cwd=tmp_path)
    got = {f["rule"] for f in json.loads(proc.stdout)["reports"][0]["findings"]}
    assert "duplicate-paragraph" not in got and "name-mismatch" in got
    assert f"配置文件：{sub / 'pyproject.toml'}" in proc.stderr.decode()
    # standard input: the current folder's configuration
    other = tmp_path / "other"
    other.mkdir()
    (other / "textcheck.toml").write_text('select = ["structure"]\n', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "textcheck", "check", "-", "-f", "json", "-v"], cwd=other,
                          input=seed.read_bytes(), capture_output=True, timeout=120)
    assert {f["rule"] for f in json.loads(proc.stdout)["reports"][0]["findings"]} <= _rules_of("structure")
    assert f"配置文件：{other / 'textcheck.toml'}" in proc.stderr.decode()


def test_verbose_without_a_config(tmp_path):
    shutil.copy(seed_path("003"), tmp_path / "r.txt")
    proc = cli("check", str(tmp_path / "r.txt"), "-v", "-f", "json", "--select", "structure", cwd=tmp_path)
    err = proc.stderr.decode()
    assert "配置文件：没有找到" in err and "使用默认设置" in err and "只运行" in err and "section-missing" in err
    assert "配置文件" not in cli("check", str(tmp_path / "r.txt"), "-f", "json", cwd=tmp_path).stderr.decode()


# ---------------------------------------------------------------------------------------------
# README and CI agree


def test_ci_runs_the_readme_commands():
    """.ci/run installs and runs the demo the way the README's first block says, in its own venv, then runs
    exactly the README's test command."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci_lines = [ln.strip() for ln in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    blocks = re.findall(r"```bash\n(.*?)```", readme, re.S)
    first = [part.strip() for ln in blocks[0].splitlines() if ln.strip() and not ln.strip().startswith("#")
             for part in ln.split("&&")]
    assert first[0].startswith("python3 -m venv") and first[1].startswith(". ")  # PEP 668: never a bare pip
    assert any(ln.startswith("python3 -m venv") for ln in ci_lines) and any(ln.startswith(". ") for ln in ci_lines)
    for command in first[2:]:
        assert command in ci_lines or f"{command} > /dev/null" in ci_lines, command
    test_cmd = next(ln.strip() for b in blocks for ln in b.splitlines() if "pytest" in ln)
    assert test_cmd in ci_lines


def test_readme_config_example_is_valid(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for i, block in enumerate(re.findall(r"```toml\n(.*?)```", readme, re.S)):
        cfg = tmp_path / f"example{i}.toml"
        cfg.write_text(block, encoding="utf-8")
        res = run("check", str(seed_path("003")), "-f", "json", "-c", str(cfg))
        assert res.exit_code in (0, 1), err_of(res)


def test_each_input_is_checked_under_its_own_config(tmp_path):
    for name, body in (("a", 'ignore = ["identity"]\n'), ("b", 'ignore = ["duplication"]\nfail_on = "warning"\n')):
        (tmp_path / name).mkdir()
        (tmp_path / name / "textcheck.toml").write_text(body, encoding="utf-8")
        shutil.copy(seed_path("003"), tmp_path / name / "r.txt")
    a, b = str(tmp_path / "a" / "r.txt"), str(tmp_path / "b" / "r.txt")
    res = run("check", a, b, "-f", "json")
    reports = {r["path"]: {f["rule"] for f in r["findings"]} for r in json.loads(res.stdout)["reports"]}
    # seed 003 has both a duplicated block and another unit's name: each folder keeps what its config keeps
    assert "duplicate-paragraph" in reports[a] and "name-mismatch" not in reports[a]
    assert "name-mismatch" in reports[b] and "duplicate-paragraph" not in reports[b]
    assert res.exit_code == 1
    # --config names one configuration for every file
    res = run("check", a, b, "-f", "json", "-c", str(tmp_path / "b" / "textcheck.toml"))
    assert all("duplicate-paragraph" not in {f["rule"] for f in r["findings"]} for r in json.loads(res.stdout)["reports"])
    # and each file's fail_on: seed 004's one warning fails under b's fail_on = "warning" only
    shutil.copy(seed_path("004"), tmp_path / "a" / "w.txt")
    shutil.copy(seed_path("004"), tmp_path / "b" / "w.txt")
    aw, bw = str(tmp_path / "a" / "w.txt"), str(tmp_path / "b" / "w.txt")
    assert run("check", aw, "-f", "json").exit_code == 0
    assert run("check", aw, bw, "-f", "json").exit_code == 1
    assert run("check", aw, bw, "-f", "json", "--fail-on", "error").exit_code == 0  # the command line decides for all
    # -v says which configuration was used, once per configuration
    err = err_of(run("check", a, b, a, "-f", "json", "-v"))
    assert err.count(str(tmp_path / "a" / "textcheck.toml")) == 1 and err.count(str(tmp_path / "b" / "textcheck.toml")) == 1


@pytest.mark.parametrize("args, quoted", [
    (["check", "a.txt", "--max-size", "abc"], "应是数字（写的是 abc）"),
    (["check", "a.txt", "-fxml"], "（写的是 xml）"),
    (["check", "a.txt", "--fail-on=fatal"], "应是 error、warning、info、never 之一（写的是 fatal）"),
])
def test_a_bad_value_is_quoted_back(args, quoted):
    res = run(*args)
    assert res.exit_code == 2 and quoted in err_of(res)
