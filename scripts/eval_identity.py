#!/usr/bin/env python3
"""Measure the identity rules (name-mismatch, year-mismatch, identity-unknown) honestly.

The cases are made at run time from the REAL reports of ``../shared/corpus`` by
``scripts/identity_cases.py`` (its docstring says how; seed fixed): a sibling unit's name put where the
report names its own unit in each author position, legitimate variants that must stay silent, the
report year shifted in the data period, the title, the opening and later sentences. Nothing is read
from text written for the tests. Printed: precision and recall per rule and per position, every miss
and every false alarm, the findings on the published reports themselves, the seeds (纸房镇 on every
line of 003, nothing on 001/004), and the gazetteer's load time and scan speed::

    python scripts/eval_identity.py [CORPUS]        # summary, per position
    python scripts/eval_identity.py -v              # + every miss and false alarm
    python scripts/eval_identity.py --json          # machine-readable (used by the tests)
    python scripts/eval_identity.py --check         # exit 1 when a figure is below tests/corpus/identity_thresholds.toml
    python scripts/eval_identity.py --timing        # the gazetteer figures only (scripts/bench.py)

Counting: a finding counts when its severity is warning or error (an info hint is not a claim). On a
positive name case, a finding that names the planted unit and lists the changed line is a hit; any
other new finding is a false alarm (findings the unchanged report already gives are judged once, on
the report itself). On a positive year case, a finding that lists the changed line is a hit.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from textcheck.parse import parse_text  # noqa: E402
from textcheck.resources import tomllib  # noqa: E402
from textcheck.rules import Context, get_rule  # noqa: E402

RULES = ("name-mismatch", "year-mismatch", "identity-unknown")
THRESHOLDS = REPO / "tests" / "corpus" / "identity_thresholds.toml"
SEEDS = {"003": ("003_c09c82378b8e7991.txt", {"纸房镇": [13, 31, 37, 55]}), "001": ("001_8442b5afd2c71afd.txt", {}), "004": ("004_b4d69b5948b33890.txt", {})}


def findings(text: str, path: str = "<case>") -> dict[str, list]:
    """The identity rules' hits on one text, sharing one memo (as the engine does)."""
    doc = parse_text(text, path)
    memo: dict = {}
    out = {}
    for rid in RULES:
        spec = get_rule(rid)
        out[rid] = list(spec.func(doc, Context(options=dict(spec.options), memo=memo)))
    return out


def _counted(hits) -> list:
    return [h for h in hits if (h.severity.value if h.severity else "error") in ("warning", "error")]


def _key(h) -> tuple:
    return (h.line, h.message)


def evaluate(corpus: Path, verbose: bool = False) -> dict:
    import identity_cases as ic

    bases = ic.load_bases(corpus)
    stats: dict[str, dict[str, int]] = defaultdict(lambda: {"cases": 0, "tp": 0, "fp": 0, "fn": 0})
    misses, alarms, real = [], [], []
    suggestion_ok = suggestion_total = lines_ok = 0
    for base in bases:
        found = findings(base.text, base.name)
        known = {_key(h) for rid in RULES for h in found[rid]}
        for rid in ("name-mismatch", "year-mismatch", "identity-unknown"):
            for h in found[rid]:
                real.append({"file": base.name, "rule": rid, "severity": h.severity.value if h.severity else get_rule(rid).severity.value, "line": h.line, "message": h.message})
        for case in ic.name_cases(base) + ic.legit_cases(base) + ic.year_cases(base):
            got = findings(case.text, case.id)
            hits = [h for h in _counted(got[case.rule]) if _key(h) not in known]
            key = f"{case.rule}:{case.position}" if case.positive else f"{case.rule}:legit:{case.position}"
            s = stats[key]
            s["cases"] += 1
            good = []
            if case.positive:
                if case.rule == "name-mismatch":
                    good = [h for h in hits if h.evidence.get("name") == case.foreign and case.line in h.evidence.get("lines", ())]
                    for h in good:
                        suggestion_total += 1
                        suggestion_ok += f"改为“{case.own}”" in h.suggestion
                        lines_ok += all(str(ln) in h.message for ln in h.evidence["lines"])
                else:
                    good = [h for h in hits if case.line in h.evidence.get("lines", ())]
                s["tp" if good else "fn"] += 1
                if not good:
                    misses.append({"case": case.id, "line": case.line, "text": case.text.split("\n")[case.line - 1][:100], "got": [h.message for h in hits]})
            extra = [h for h in hits if h not in good]
            s["fp"] += len(extra)
            alarms += [{"case": case.id, "line": h.line, "message": h.message} for h in extra]
    figures = {}
    for key, s in sorted(stats.items()):
        figures[key] = dict(s, precision=_ratio(s["tp"], s["tp"] + s["fp"]), recall=_ratio(s["tp"], s["tp"] + s["fn"]) if "legit" not in key else None)
    for rule in ("name-mismatch", "year-mismatch"):
        tot = {k: sum(v[k] for key, v in stats.items() if key.startswith(rule + ":")) for k in ("cases", "tp", "fp", "fn")}
        figures[rule] = dict(tot, precision=_ratio(tot["tp"], tot["tp"] + tot["fp"]), recall=_ratio(tot["tp"], tot["tp"] + tot["fn"]))
        positions = [v["recall"] for key, v in figures.items() if key.startswith(rule + ":") and v["recall"] is not None]
        figures[rule]["min_position_recall"] = min(positions) if positions else None
    return {
        "bases": len(bases),
        "figures": figures,
        "suggestion_names_own_unit": _ratio(suggestion_ok, suggestion_total),
        "message_lists_every_line": _ratio(lines_ok, suggestion_total),
        "real_findings": real,
        "misses": misses,
        "false_alarms": alarms,
    }


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 1.0


def seeds() -> dict:
    out = {}
    for num, (name, want) in SEEDS.items():
        text = (REPO / "corpora" / "samples" / name).read_text(encoding="utf-8")
        got = {h.evidence["name"]: h.evidence["lines"] for h in findings(text, name)["name-mismatch"]}
        years = [h.message for h in findings(text, name)["year-mismatch"]]
        out[num] = {"expected": want, "found": got, "year_findings": years, "ok": got == want and not years}
    return out


def gazetteer_timing(text_chars: int = 2_000_000, repeat: int = 5) -> dict[str, float]:
    """Median load time (s) of a fresh gazetteer over ``repeat`` loads, and its scan speed (chars/s)."""
    from textcheck.gazetteer import load

    loads = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        g = load()
        loads.append(time.perf_counter() - t0)
    sample = "依托纸房镇党政办公室，建立统一的政府信息资源库。督导仁和区加快推进先行区建设，深化川渝滇黔跨域通办。"
    text = (sample * (text_chars // len(sample) + 1))[:text_chars]
    t0 = time.perf_counter()
    g.scan(text)
    scan_s = time.perf_counter() - t0
    return {"load_seconds": statistics.median(loads), "chars_per_second": text_chars / scan_s if scan_s else float("inf")}


def check(result: dict) -> list[str]:
    """The figures that fall below tests/corpus/identity_thresholds.toml."""
    limits = tomllib.loads(THRESHOLDS.read_text(encoding="utf-8"))
    bad = []
    for rule, want in limits.get("rules", {}).items():
        got = result["figures"].get(rule, {})
        for name, floor in want.items():
            value = got.get(name)
            if value is None or value < floor:
                bad.append(f"{rule} {name} {value} < {floor}")
    for name, floor in limits.get("figures", {}).items():
        if result.get(name, 0) < floor:
            bad.append(f"{name} {result.get(name)} < {floor}")
    if not all(s["ok"] for s in result["seeds"].values()):
        bad.append("seeds changed: " + json.dumps(result["seeds"], ensure_ascii=False))
    return bad


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Evaluate the identity rules on cases made from the real corpus")
    ap.add_argument("corpus", nargs="?", default=str(REPO.parent / "shared" / "corpus"))
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--timing", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    gz = gazetteer_timing()
    if args.timing:
        print(f"gazetteer: load {gz['load_seconds']:.3f} s (median of 5), scan {gz['chars_per_second'] / 1e6:.2f} M chars/s")
        return 0
    corpus = Path(args.corpus)
    if not (corpus / "pages" / "manifest.json").is_file():
        print(f"corpus not found: {corpus} (nothing to evaluate)", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    result = evaluate(corpus, args.verbose)
    result["seeds"] = seeds()
    elapsed = time.perf_counter() - t0
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1, sort_keys=True))
    else:
        _print(result, args.verbose)
        print(f"gazetteer: load {gz['load_seconds']:.3f} s (median of 5), scan {gz['chars_per_second'] / 1e6:.2f} M chars/s; evaluation {elapsed:.1f} s")
    if args.check:
        bad = check(result)
        for b in bad:
            print("BELOW THRESHOLD:", b, file=sys.stderr)
        return 1 if bad else 0
    return 0


def _print(result: dict, verbose: bool) -> None:
    print(f"cases made from {result['bases']} real reports")
    print(f"{'rule:position':38s} {'cases':>5s} {'tp':>4s} {'fp':>4s} {'fn':>4s} {'precision':>9s} {'recall':>7s}")
    for key, f in result["figures"].items():
        recall = "-" if f["recall"] is None else f"{f['recall']:.3f}"
        print(f"{key:38s} {f['cases']:5d} {f['tp']:4d} {f['fp']:4d} {f['fn']:4d} {f['precision']:9.3f} {recall:>7s}")
    for rule in ("name-mismatch", "year-mismatch"):
        f = result["figures"][rule]
        print(f"{rule}: precision {f['precision']:.3f}, recall {f['recall']:.3f}, lowest recall of a position {f['min_position_recall']}")
    print(f"suggestion names the own unit: {result['suggestion_names_own_unit']:.3f}; message lists every line: {result['message_lists_every_line']:.3f}")
    print(f"on the published reports ({len(result['real_findings'])} findings of these rules):")
    for r in result["real_findings"]:
        print(f"  {r['file']}:{r['line']} {r['rule']} {r['severity']}: {r['message']}")
    for num, s in result["seeds"].items():
        print(f"seed {num}: {'ok' if s['ok'] else 'CHANGED'} name-mismatch {s['found']} year-mismatch {len(s['year_findings'])}")
    if verbose:
        for m in result["misses"]:
            print(f"  MISS {m['case']} line {m['line']}: {m['text']} | got {m['got']}")
        for a in result["false_alarms"]:
            print(f"  FALSE ALARM {a['case']} line {a['line']}: {a['message']}")
    else:
        print(f"misses {len(result['misses'])}, false alarms {len(result['false_alarms'])} (-v lists them)")


if __name__ == "__main__":
    sys.exit(main())
