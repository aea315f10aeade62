"""The command line as a user meets it: exit codes, formats, files, configuration."""

import json
import subprocess
import sys

from support import good_report, seed_path
from typer.testing import CliRunner

from textcheck.cli import app

runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args))


def test_check_text_output_has_lines_and_suggestions():
    res = run("check", str(seed_path("003")), "--no-color")
    assert res.exit_code == 1
    assert "第 33–55 行" in res.stdout and "建议：" in res.stdout and "duplicate-paragraph" in res.stdout
    assert "✗ 政府信息公开平台建设" in res.stdout and "未找到相关小标题或用词" in res.stdout


def test_check_exit_codes_follow_fail_on(tmp_path):
    clean = tmp_path / "clean.txt"
    clean.write_text(good_report(), encoding="utf-8")
    assert run("check", str(clean)).exit_code == 0
    # seed 004 has only warnings: 0 by default, 1 with --fail-on warning
    assert run("check", str(seed_path("004"))).exit_code == 0
    assert run("check", str(seed_path("004")), "--fail-on", "warning").exit_code == 1
    assert run("check", str(seed_path("003")), "--fail-on", "never").exit_code == 0


def test_check_json_single_and_many():
    res = run("check", str(seed_path("003")), "--format", "json")
    top = json.loads(res.stdout)
    assert top["schema"] == "2.0" and len(top["reports"]) == 1  # one shape for any number of inputs
    data = top["reports"][0]
    assert top["summary"] == data["summary"]
    assert data["issuer"] == "大章镇人民政府" and data["year"] == 2021
    assert {"path", "issuer", "year", "sections", "subtopics", "findings"} <= set(data)
    sub = {s["name"]: s for s in data["subtopics"]}
    assert sub["监督保障"]["covered"] is False and sub["主动公开"]["evidence"]
    res = run("check", str(seed_path("001")), str(seed_path("004")), "-f", "json")
    many = json.loads(res.stdout)
    assert set(many) == {"schema", "reports", "summary"} and [d["year"] for d in many["reports"]] == [2020, 2021]
    assert many["summary"] == {k: sum(d["summary"][k] for d in many["reports"]) for k in ("error", "warning", "info")}


def test_output_is_deterministic_and_written_to_file(tmp_path):
    out1, out2 = tmp_path / "a.json", tmp_path / "b.json"
    run("check", str(seed_path("003")), "-f", "json", "-o", str(out1))
    run("check", str(seed_path("003")), "-f", "json", "-o", str(out2))
    assert out1.read_bytes() == out2.read_bytes() and out1.stat().st_size > 1000
    txt = tmp_path / "r.txt"
    run("check", str(seed_path("003")), "-o", str(txt))
    body = txt.read_text(encoding="utf-8")
    assert "[bold" not in body and "第 7 行" in body
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_unreadable_input_exit_2_without_traceback(tmp_path):
    res = run("check", str(tmp_path / "nope.txt"))
    assert res.exit_code == 2
    assert "文件不存在" in res.output and "Traceback" not in res.output


def test_usage_error_exit_2():
    assert run("check", "--format", "yaml", "x.txt").exit_code == 2


def test_rules_lists_every_rule_with_severity():
    res = run("rules")
    for rid in ("not-a-report", "section-missing", "section-duplicate", "section-order", "subtopic-missing",
                "overview-too-long", "fee-statement-missing", "duplicate-paragraph"):
        assert rid in res.stdout
    data = json.loads(run("rules", "-f", "json").stdout)
    assert all({"id", "severity", "summary"} <= set(r) for r in data)


def test_explain_prints_rule_doc():
    res = run("explain", "duplicate-paragraph")
    assert res.exit_code == 0 and "rapidfuzz" in res.stdout and "near_threshold" in res.stdout
    assert run("explain", "no-such-rule").exit_code == 2


def test_config_file_disables_rules_and_changes_severity(tmp_path):
    cfg = tmp_path / "textcheck.toml"
    cfg.write_text(
        'disable = ["duplicate-paragraph"]\n[rules.subtopic-missing]\nseverity = "info"\n', encoding="utf-8"
    )
    data = json.loads(run("check", str(seed_path("003")), "-f", "json", "-c", str(cfg)).stdout)["reports"][0]
    rules = {f["rule"]: f["severity"] for f in data["findings"]}
    assert "duplicate-paragraph" not in rules and rules["subtopic-missing"] == "info"


def test_bad_config_is_a_clear_error(tmp_path):
    cfg = tmp_path / "bad.toml"
    cfg.write_text('disable = ["no-such-rule"]\n', encoding="utf-8")
    res = run("check", str(seed_path("003")), "-c", str(cfg))
    assert res.exit_code == 2 and "未知的规则" in res.output
    cfg.write_text('[rules.overview-too-long]\nmax_char = 3\n', encoding="utf-8")
    res = run("check", str(seed_path("003")), "-c", str(cfg))
    assert res.exit_code == 2 and "max_chars" in res.output


def test_pyproject_tool_table_is_read(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.textcheck]\ndisable = ["fee-statement-missing"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    data = json.loads(run("check", str(seed_path("003")), "-f", "json").stdout)["reports"][0]
    assert "fee-statement-missing" not in {f["rule"] for f in data["findings"]}


def test_demo_runs_on_the_packaged_sample():
    res = run("demo", "--format", "json")
    assert res.exit_code == 0
    data = json.loads(res.stdout)["reports"][0]
    assert data["issuer"] == "大章镇人民政府"
    assert "section-duplicate" in {f["rule"] for f in data["findings"]}


def test_module_entry_point_and_stdin():
    text = seed_path("003").read_text(encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "textcheck", "check", "-", "-f", "json"], input=text.encode("utf-8"),
                          capture_output=True, timeout=120)
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["reports"][0]["year"] == 2021
