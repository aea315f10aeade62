#!/usr/bin/env python3
"""Evaluate the identity rules (name-mismatch, year-mismatch) on the labelled set.

Cases: ``tests/fixtures/identity/manifest.json`` (short report-like texts written for this set)
plus the seed reports 001, 003, 004. A prediction is a (case, rule, key) triple: the foreign unit's
name for name-mismatch, the line for year-mismatch. Prints precision and recall per rule and
overall, every disagreement, and the gazetteer's load time and scan speed::

    python scripts/eval_identity.py            # human-readable
    python scripts/eval_identity.py --json     # machine-readable (used by the tests)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from textcheck.parse import parse_text  # noqa: E402
from textcheck.rules import Context, get_rule  # noqa: E402

FIXTURES = REPO / "tests" / "fixtures" / "identity"
SEEDS = [
    {"path": "corpora/samples/003_c09c82378b8e7991.txt", "name_mismatch": ["纸房镇"], "year_mismatch": []},
    {"path": "corpora/samples/001_8442b5afd2c71afd.txt", "name_mismatch": [], "year_mismatch": []},
    {"path": "corpora/samples/004_b4d69b5948b33890.txt", "name_mismatch": [], "year_mismatch": []},
]
RULES = ("name-mismatch", "year-mismatch")


def load_cases() -> list[dict]:
    manifest = json.loads((FIXTURES / "manifest.json").read_text(encoding="utf-8"))
    cases = [dict(c, path=str(FIXTURES / c["file"])) for c in manifest["cases"]]
    for s in SEEDS:
        cases.append(dict(s, file=Path(s["path"]).name, path=str(REPO / s["path"])))
    return cases


def predict(path: str) -> dict[str, list]:
    doc = parse_text(Path(path).read_text(encoding="utf-8"), path)
    ctx_memo: dict = {}
    out: dict[str, list] = {}
    for rid in RULES:
        spec = get_rule(rid)
        ctx = Context(options=dict(spec.options), memo=ctx_memo)
        hits = list(spec.func(doc, ctx))
        if rid == "name-mismatch":
            out[rid] = sorted(h.evidence["name"] for h in hits)
        else:
            out[rid] = sorted(h.line for h in hits)
    return out


def gazetteer_timing(text_chars: int = 2_000_000) -> dict[str, float]:
    """Load time (s) and scan speed (chars/s) of a freshly loaded gazetteer."""
    from textcheck.gazetteer import load

    t0 = time.perf_counter()
    g = load()
    load_s = time.perf_counter() - t0
    sample = "依托纸房镇党政办公室，建立统一的政府信息资源库。督导仁和区加快推进先行区建设，深化川渝滇黔跨域通办。"
    text = (sample * (text_chars // len(sample) + 1))[:text_chars]
    t0 = time.perf_counter()
    g.scan(text)
    scan_s = time.perf_counter() - t0
    return {"load_seconds": load_s, "chars_per_second": text_chars / scan_s if scan_s else float("inf")}


def evaluate() -> dict:
    cases = load_cases()
    tp = {r: 0 for r in RULES}
    fp = {r: 0 for r in RULES}
    fn = {r: 0 for r in RULES}
    errors = []
    for case in cases:
        pred = predict(case["path"])
        for rid, key in (("name-mismatch", "name_mismatch"), ("year-mismatch", "year_mismatch")):
            want = set(case.get(key, []))
            got = set(pred[rid])
            tp[rid] += len(want & got)
            fp[rid] += len(got - want)
            fn[rid] += len(want - got)
            if want != got:
                errors.append({"case": case["file"], "rule": rid, "expected": sorted(want), "got": sorted(got)})

    def pr(t: int, f_p: int, f_n: int) -> tuple[float, float]:
        return (t / (t + f_p) if t + f_p else 1.0, t / (t + f_n) if t + f_n else 1.0)

    per_rule = {}
    for rid in RULES:
        p, r = pr(tp[rid], fp[rid], fn[rid])
        per_rule[rid] = {"precision": round(p, 4), "recall": round(r, 4), "tp": tp[rid], "fp": fp[rid], "fn": fn[rid]}
    p, r = pr(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return {"cases": len(cases), "precision": round(p, 4), "recall": round(r, 4), "rules": per_rule, "errors": errors}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Evaluate name-mismatch and year-mismatch")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    result = evaluate()
    result["gazetteer"] = {k: round(v, 3) for k, v in gazetteer_timing().items()}
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    print(f"cases: {result['cases']}")
    for rid, m in result["rules"].items():
        print(f"{rid:14s} precision {m['precision']:.3f}  recall {m['recall']:.3f}  (tp {m['tp']}, fp {m['fp']}, fn {m['fn']})")
    print(f"{'overall':14s} precision {result['precision']:.3f}  recall {result['recall']:.3f}")
    gz = result["gazetteer"]
    print(f"gazetteer: load {gz['load_seconds']:.3f} s, scan {gz['chars_per_second'] / 1e6:.2f} M chars/s")
    for e in result["errors"]:
        print(f"  MISMATCH {e['case']} {e['rule']}: expected {e['expected']} got {e['got']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
