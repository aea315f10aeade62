"""Findings as plain data: JSON round trip, the one sort order, the exit code."""

from __future__ import annotations

import json

from support import check_text, seed_text

from textcheck.finding import Finding, Related, Severity, count_by_severity, exit_code


def test_findings_survive_json_round_trip_on_a_real_report():
    result = check_text(seed_text("003"), path="003.txt")
    assert len(result.findings) >= 5
    for f in result.findings:
        back = Finding.from_dict(json.loads(json.dumps(f.to_dict(), ensure_ascii=False)))
        assert back.to_dict() == json.loads(json.dumps(f.to_dict(), ensure_ascii=False))
        assert (back.rule, back.severity, back.line, back.related) == (f.rule, f.severity, f.line, f.related)


def test_sort_key_orders_by_path_line_then_most_severe():
    a = Finding("b-rule", Severity.WARNING, "m", "s", line=3, path="x.txt")
    b = Finding("a-rule", Severity.ERROR, "m", "s", line=3, path="x.txt")
    c = Finding("a-rule", Severity.INFO, "m", "s", line=1, path="x.txt",
                related=(Related(line=9, end_line=9, text="t"),))
    assert sorted([a, b, c], key=lambda f: f.sort_key) == [c, b, a]
    assert count_by_severity([a, b, c]) == {"error": 1, "warning": 1, "info": 1}


def test_exit_code_by_fail_on():
    warn = [Finding("r", Severity.WARNING, "m", "s")]
    assert exit_code(warn, "error") == 0 and exit_code(warn, "warning") == 1 and exit_code(warn, "info") == 1
    assert exit_code(warn, "never") == 0 and exit_code(warn, None) == 0 and exit_code([], "info") == 0
    assert Severity.ERROR.label == "错误" and Severity.INFO.rank < Severity.WARNING.rank < Severity.ERROR.rank
