#!/usr/bin/env python3
"""Mutation test of table-balance on the real tables: change one cell, see whether it is found.

    python scripts/mutate_tables.py [CORPUS]          # every cell of the seeds and ../shared/corpus/full
    python scripts/mutate_tables.py --per-file 30     # at most 30 cells per file (what the test runs)
    python scripts/mutate_tables.py --delta 7         # add 7 instead of 1 (-1: subtract one from non-zero cells)
    python scripts/mutate_tables.py -v                # and list the mutations not found

For each real report (seeds 001/003/004 and the corpus' full reports), on a copy made in memory: its
normalised text is parsed and its tables read; every cell that takes part in an equality the format states
(总计 = sum, 新收 + 结转 = 办理 + 结转下年, a relation that holds as published) is changed in turn (its number
+ 1, or ``--delta``) and the report checked again with table-balance alone. A mutation is *found* when a new table-balance
finding names that cell (its row and column are among the finding's cells, or it is the row whose
run-together digits can no longer add up) that was not there before (a relation already failing counts when
its sums change). The published tables' own findings are printed too: they must be
exactly the defects the manifests record (tests/corpus/tables_expected.toml).

Prints the figure per file and in total; nothing is written. The corpus is read, never copied.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textcheck.analysis.tables import checks, tables_of  # noqa: E402
from textcheck.config import Config  # noqa: E402
from textcheck.document import Document, Source  # noqa: E402
from textcheck.engine import run_rules  # noqa: E402
from textcheck.parse import parse  # noqa: E402
from textcheck.readers import read_path  # noqa: E402
from textcheck.rules import all_rules  # noqa: E402

SEEDS = ("001_8442b5afd2c71afd.txt", "003_c09c82378b8e7991.txt", "004_b4d69b5948b33890.txt")
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"


@dataclass
class FileResult:
    name: str
    published: list[str] = field(default_factory=list)  # "<table>.<scope>" of table-balance on the published text
    tried: int = 0
    found: int = 0
    missed: list[str] = field(default_factory=list)


def only(rule_id: str) -> Config:
    return Config(disabled={spec.id for spec in all_rules() if spec.id != rule_id})


def normalised_copy(path: Path) -> Document:
    """The report as parsed text made of its normalised lines (so cell offsets can be edited in place)."""
    doc = parse(read_path(path))
    return parse(Source(text="\n".join(doc.norm_lines) + "\n", path=path.name, format="txt", encoding="utf-8"))


def balance_findings(doc: Document, config: Config):
    return [f for f in run_rules("report", doc, config) if f.rule == "table-balance"]


def _key(f) -> tuple:
    """A finding with its figures: the same relation failing with other sums is a new finding."""
    ev = dict(f.evidence)
    return (ev.get("table"), ev.get("relation"), ev.get("scope"), ev.get("row"), ev.get("left"), ev.get("right"))


def _names(f) -> set[tuple[str, str, str]]:
    ev = dict(f.evidence)
    out = {(ev.get("table", ""), c["row"], c["column"]) for c in ev.get("cells", ())}
    if "row" in ev:  # digits that can no longer add up: the whole row
        out.add((ev.get("table", ""), ev["row"], "*"))
    return out


def mutate_file(path: Path, per_file: int | None = None, delta: int = 1) -> FileResult:
    config = only("table-balance")
    doc = normalised_copy(path)
    res = FileResult(path.name)
    base = balance_findings(doc, config)
    res.published = sorted(f"{dict(f.evidence)['table']}.{dict(f.evidence).get('scope') or dict(f.evidence).get('row')}"
                           for f in base)
    base_keys = {_key(f) for f in base}
    cells = []
    for t in tables_of(doc).tables:
        for c in checks(t):
            if c.holds and c.relation.kind != "le":
                cells += [(t.key, x) for x in c.left + c.right]
    seen, todo = set(), []
    for key, cell in cells:
        ident = (key, cell.row, cell.column)
        if (ident not in seen and cell.start is not None and cell.value is not None and cell.value == int(cell.value)
                and int(cell.value) + delta >= 0):
            seen.add(ident)
            todo.append((key, cell))
    todo.sort(key=lambda kc: (kc[0], kc[1].line or 0, kc[1].start or 0))
    if per_file and len(todo) > per_file:
        step = len(todo) / per_file
        todo = [todo[int(i * step)] for i in range(per_file)]
    for key, cell in todo:
        lines = list(doc.norm_lines)
        s = lines[cell.line - 1]
        lines[cell.line - 1] = s[: cell.start] + str(int(cell.value) + delta) + s[cell.end :]
        mutated = parse(Source(text="\n".join(lines) + "\n", path=path.name, format="txt", encoding="utf-8"))
        new = [f for f in balance_findings(mutated, config) if _key(f) not in base_keys]
        got = set().union(*(_names(f) for f in new)) if new else set()
        hit = (key, cell.row, cell.column) in got or (key, cell.row, "*") in got
        res.tried += 1
        res.found += hit
        if not hit:
            res.missed.append(f"{key}.{cell.row}.{cell.column} line {cell.line}: {cell.text} -> {int(cell.value) + delta}")
    return res


def real_reports(corpus: Path) -> list[Path]:
    files = [ROOT / "corpora" / "samples" / s for s in SEEDS]
    full = corpus / "full"
    if full.is_dir():
        files += sorted(p for p in full.iterdir() if p.name != "manifest.json")
    return files


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--per-file", type=int, default=None)
    ap.add_argument("--delta", type=int, default=1, help="what is added to the cell (default 1; -1 skips zeros)")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    tried = found = 0
    for path in real_reports(args.corpus):
        r = mutate_file(path, args.per_file, args.delta)
        tried, found = tried + r.tried, found + r.found
        print(f"{r.name:34s} found {r.found}/{r.tried}  published findings: {', '.join(r.published) or 'none'}")
        if args.verbose:
            for m in r.missed:
                print(f"    missed {m}")
    rate = found / tried if tried else 1.0
    print(f"mutations found: {found}/{tried} ({rate:.1%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
