"""Synthetic batches for tests and benchmarks, derived at run time from the shipped seed reports.

Each generated report keeps the layout of one seed (headings, tables) and replaces every narrative
paragraph with new sentences built from clauses of all seeds' paragraphs of the same section,
recombined and reordered, with numbers changed and the issuer's place name swapped: reports share
phrasing, as real ones do, but two reports rarely share a whole paragraph by chance. On purpose:

- planted copies: a paragraph of one report pasted into the reports of a small group of other
  issuers, with the copier's own place name put in;
- handed-down text (batches of 200 reports or more): a few paragraphs that a large share of the
  reports carry word for word, as when a superior hands down a standard wording; they must count as
  boilerplate, not as copying;
- year pairs (``prior``): for some issuers also the report of the year before
  (``gen_00001_prev.txt``): the same layout and issuer, years moved back one, numbers changed, a
  third of the paragraphs written anew and the rest carried over — what batch pairs by year.

``phrasing="sentences"`` instead draws whole seed sentences from the same small pool: a stress
test, where thousands of reports share paragraphs by chance and the matcher sees millions of
candidate pairs.

Nothing generated is committed to the repository.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path

SEEDS = ("001_8442b5afd2c71afd.txt", "003_c09c82378b8e7991.txt", "004_b4d69b5948b33890.txt")
# place names of the seeds, replaced by the generated issuer's place (longest first)
_SEED_PLACES = ("资阳市", "攀枝花市", "大章镇", "纸房镇", "资阳", "攀枝花")
_SENT = re.compile(r"[^。；;！？]+[。；;！？]?")
_CLAUSE = re.compile(r"[^，,。；;！？]+")
_NUM = re.compile(r"(?<![\d年])\d{1,4}(?![\d年月日])")

# invented-looking fallback names when the gazetteer is not available
_FALLBACK_STEMS = ("青禾", "石泉", "云岭", "白鹭", "清溪", "柳塘", "金沙", "红枫", "松林", "桐梓",
                   "平坝", "双河", "望江", "凤鸣", "龙潭", "梨园", "竹溪", "安宁", "兴隆", "临川")
_DEPARTMENTS = ("教育局", "民政局", "财政局", "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局",
                "农业农村局", "水利局", "卫生健康委员会", "市场监督管理局", "医疗保障局")


@dataclass
class Generated:
    paths: list[str] = field(default_factory=list)
    issuers: list[str] = field(default_factory=list)
    planted: list[list[str]] = field(default_factory=list)  # groups of paths sharing a planted paragraph
    prior: list[tuple[str, str]] = field(default_factory=list)  # (previous year's path, this year's path)


def _seed_docs():
    from textcheck.parse import parse
    from textcheck.readers import read_path
    from textcheck.resources import corpus_path

    return [parse(read_path(str(corpus_path("samples", s)))) for s in SEEDS]


def _names(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """n distinct (place, issuer) pairs: township governments, county offices and departments."""
    places: list[tuple[str, str]] = []
    try:
        from textcheck.gazetteer import gazetteer

        units = [u for u in gazetteer().units.values() if u.level in ("township", "county") and len(u.name) >= 3]
        units.sort(key=lambda u: u.code)
        rng.shuffle(units)
        for u in units[: n * 2]:
            places.append((u.name, u.level))
    except Exception:  # noqa: BLE001 - any gazetteer trouble: use invented names
        places = []
    k = 0
    while len(places) < n * 2:
        stem = _FALLBACK_STEMS[k % len(_FALLBACK_STEMS)] + ("" if k < len(_FALLBACK_STEMS) else str(k // len(_FALLBACK_STEMS)))
        places.append((stem + ("镇" if k % 2 else "县"), "township" if k % 2 else "county"))
        k += 1
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for place, level in places:
        r = rng.random()
        if level == "township":
            issuer = place + ("人民政府" if place.endswith(("镇", "乡")) else "办事处" if not place.endswith("办事处") else "")
        elif r < 0.4:
            issuer = place + "人民政府办公室"
        else:
            issuer = place + rng.choice(_DEPARTMENTS)
        if issuer in seen:
            continue
        seen.add(issuer)
        out.append((place, issuer))
        if len(out) == n:
            break
    return out


def _pools(docs, unit: re.Pattern[str], min_len: int) -> dict[str | None, list[str]]:
    """Per section: the distinct clauses or sentences (``unit``) of the seeds' paragraphs."""
    pools: dict[str | None, list[str]] = {}
    for d in docs:
        for b in d.narrative():
            if b.section is None:
                continue
            body = b.text[len(b.inline_heading):].lstrip("。.,， ") if b.inline_heading else b.text
            for c in unit.findall(body):
                c = c.strip()
                if len(c) >= min_len:
                    pools.setdefault(b.section, []).append(c)
    for k in pools:
        pools[k] = sorted(set(pools[k]))
    return pools


def _paragraph(pool: list[str], sentences: int, rng: random.Random, phrasing: str = "clauses") -> str:
    """``sentences`` sentences of 2-4 clauses each, drawn from ``pool`` (or whole sentences)."""
    if phrasing == "sentences":
        return "".join(rng.sample(pool, min(len(pool), sentences + 1)))
    out = []
    for _ in range(sentences):
        clauses = rng.sample(pool, min(len(pool), rng.randint(2, 4)))
        out.append("，".join(clauses) + "。")
    return "".join(out)


def _renumber(text: str, rng: random.Random) -> str:
    return _NUM.sub(lambda m: str(max(0, int(m.group()) + rng.randint(-3, 9))), text)


def _swap_places(text: str, place: str) -> str:
    for p in _SEED_PLACES:
        text = text.replace(p, place)
    return text


def generate(outdir: str | Path, n: int, *, seed: int = 1, groups: int | None = None,
             group_size: tuple[int, int] = (2, 4), handed_down: int | None = None,
             phrasing: str = "clauses", prior: int = 0) -> Generated:
    """Write ``n`` reports ``outdir/gen_00001.txt`` ...; plant ``groups`` copy groups (default n//20)
    and ``handed_down`` standard paragraphs, each in 1/8 of the reports (at least 25; default 3 when n >= 200);
    for ``prior`` of the issuers also the year before's report (``gen_00001_prev.txt``, not counted in n)."""
    rng = random.Random(seed)
    docs = _seed_docs()
    if phrasing not in ("clauses", "sentences"):
        raise ValueError(f"phrasing: {phrasing!r}")
    pools = _pools(docs, _CLAUSE, 6) if phrasing == "clauses" else _pools(docs, _SENT, 12)
    names = _names(rng, n)
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    gen = Generated()
    bodies: list[list[str]] = []
    para_slots: list[list[int]] = []  # per report: indices into its lines of generated paragraphs
    for k in range(n):
        place, issuer = names[k]
        doc = docs[k % len(docs)]
        lines = list(doc.lines)
        slots = []
        for b in doc.blocks:
            if b.kind.value == "table":  # kept as is: changed numbers would unbalance the tables
                continue
            if b.kind.value != "paragraph":
                lines[b.line - 1] = _swap_places(lines[b.line - 1], place)
                continue
            if b.section is None or b.section not in pools or len(b.text) < 40:
                lines[b.line - 1] = _swap_places(doc.lines[b.line - 1], place) if b.line == b.end_line else lines[b.line - 1]
                for ln in range(b.line, b.end_line + 1):
                    lines[ln - 1] = _swap_places(lines[ln - 1], place)
                continue
            count = max(2, min(5, len(_SENT.findall(b.text))))
            head = (b.inline_heading + "。") if b.inline_heading else ""
            text = _swap_places(_renumber(head + _paragraph(pools[b.section], count, rng, phrasing), rng), place)
            lines[b.line - 1] = text
            for ln in range(b.line + 1, b.end_line + 1):
                lines[ln - 1] = ""
            slots.append(b.line - 1)
        # the issuer on the first line, so identity is read from the title
        lines.insert(0, f"{issuer}{doc.identity.year or 2021}年政府信息公开工作年度报告")
        bodies.append(lines)
        para_slots.append([s + 1 for s in slots])
        gen.issuers.append(issuer)
    # handed-down text: the same paragraph, word for word, in 1/8 of the reports each (beyond any
    # boilerplate threshold: batch_options boilerplate_fraction 0.1, boilerplate_min 20)
    n_standard = (3 if n >= 200 else 0) if handed_down is None else handed_down
    for _ in range(n_standard):
        text = _paragraph(pools[rng.choice(sorted(k for k in pools if k))], 3, rng, phrasing)
        for k in rng.sample(range(n), min(n, max(25, n // 8))):
            if para_slots[k]:
                slot = rng.choice(para_slots[k])
                bodies[k][slot] = text
                para_slots[k].remove(slot)  # never the source of a planted copy
    # planted copies: a paragraph of one report pasted into 1-3 reports of other issuers
    n_groups = n // 20 if groups is None else groups
    order = list(range(n))
    rng.shuffle(order)
    pos = 0
    for _ in range(n_groups):
        size = rng.randint(*group_size)
        if pos + size > n:
            break
        members = order[pos : pos + size]
        pos += size
        src = members[0]
        slot = rng.choice(para_slots[src])
        text = bodies[src][slot]
        src_place = names[src][0]
        for m in members[1:]:
            target = rng.choice(para_slots[m])
            copied = text.replace(src_place, names[m][0])
            bodies[m][target] = copied
        gen.planted.append(sorted(f"gen_{i + 1:05d}.txt" for i in members))
    for k in range(n):
        p = out / f"gen_{k + 1:05d}.txt"
        p.write_text("\n".join(bodies[k]) + "\n", encoding="utf-8")
        gen.paths.append(str(p))
    gen.planted = [[str(out / name) for name in g] for g in gen.planted]
    for k in sorted(rng.sample(range(n), min(n, prior))):
        year = docs[k % len(docs)].identity.year or 2021
        lines = list(bodies[k])
        for slot in para_slots[k]:
            if rng.random() < 0.33:
                sec = next((b.section for b in docs[k % len(docs)].blocks if b.line == slot), None)
                if sec in pools:
                    lines[slot] = _swap_places(_paragraph(pools[sec], 3, rng, phrasing), names[k][0])
        text = "\n".join(lines).replace(str(year), "@@Y@@").replace(str(year + 1), str(year)).replace("@@Y@@", str(year - 1))
        p = out / f"gen_{k + 1:05d}_prev.txt"
        p.write_text(_renumber(text, rng) + "\n", encoding="utf-8")
        gen.prior.append((str(p), gen.paths[k]))
    return gen
