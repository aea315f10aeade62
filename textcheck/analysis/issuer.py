"""Who issued a report, placed in the gazetteer: 大章镇人民政府 -> 河南省/洛阳市/嵩县/大章镇 (410325106000).

``analyse_issuer(doc, override, places)`` weighs every statement of the issuer the text makes
(``doc.identity.issuer_candidates``: title, preamble, contact, 发布机构, opening subject, signature) and
every place name standing in one of those roles (``analysis.places``). Each statement is placed in the
gazetteer (``resolve_name``); a unit collects the weight of the statements naming it, of its clauses of
self-naming, a little of its plain mentions, and half of what its superiors collect. The title counts
most but not alone: a report whose title kept a sibling's name while the preamble, the contact sentence
and the subjects name its own unit is that unit's report (and the title is the leftover); seed 003,
whose title names 大章镇 while 纸房镇 stands only in rule titles and an office, stays 大章镇's.

A government resolves to its own area, a department (市教育局, 沭阳县发展和改革局) to the area of its
government, a zone (平潭综合实验区, 泰安高新区) to the division it is or lies in, a township missing from
the table (created after its edition) to a unit of its own under its county (``virtual``). A name
shared by several units (城关镇 ×88) is decided by the superiors the text names; when they do not decide
the result is ``ambiguous``. A name one character away from a unit (雎宁县) is read as that unit when
the text names the unit's superiors, and said so (``near_miss``).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field

from textcheck.analysis.places import Place, find_places
from textcheck.document import Document
from textcheck.gazetteer import LEVEL_RANK, Gazetteer, gazetteer, normalize_code
from textcheck.resources import corpus_path

SOURCE_CONFIDENCE = {"config": 1.0, "title": 0.95, "preamble": 0.95, "contact": 0.9, "publisher": 0.85, "signature": 0.85, "subject": 0.8, "text": 0.6}
# weight of a statement naming the unit (its clause also counts below, through the places)
STATEMENT_WEIGHT = {"title": 1.5, "preamble": 0.5, "contact": 0.5, "publisher": 1.0, "signature": 1.5, "subject": 0.5}
# weight of a place name standing in a clause of self-naming; platforms, offices and rule titles do
# not vote: that is where leftovers hide
ROLE_WEIGHT = {"title": 1.0, "signature": 1.0, "preamble": 1.5, "compiler": 1.5, "contact": 1.5, "subject": 1.0}
MENTION_WEIGHT, MENTION_CAP = 0.3, 5
SOURCE_RANK = {"title": 0, "preamble": 1, "contact": 2, "publisher": 3, "subject": 4, "signature": 5}
_CODE = re.compile(r"^\d{6}(?:\d{3})?(?:\d{3})?$")
# the level a place-less department name speaks of: 市教育局 -> a 市, 县人民政府 -> a 县
_RELATIVE = (("街道", "街道"), ("市", "市"), ("县", "县"), ("区", "区"), ("镇", "镇"), ("乡", "乡"), ("旗", "旗"), ("州", "州"))
_TOWNSHIP = re.compile(r"([\u4e00-\u9fff]{2,8}?(?:街道|镇|乡|苏木))(?:办事处|人民政府|政府|党政|党委|$)")
_ZONE_SUFFIX = re.compile(r"^(?:高新技术产业开发区|经济技术开发区|高新区|经开区|开发区|综合实验区|实验区|示范区|新区|产业园区|园区)")
_PLACE_TOKEN = re.compile(r"[\u4e00-\u9fff]{1,8}?(?:街道|苏木|自治县|自治州|省|市|区|县|州|盟|旗|镇|乡)")


@dataclass
class IssuerAnalysis:
    resolved: dict | None  # the unit (JSON keys English, values Chinese), or None
    tried: list[tuple[str, str, int]] = field(default_factory=list)  # the statements read
    unplaced: list[str] = field(default_factory=list)  # statements the gazetteer could not place
    near_misses: dict[str, list[str]] = field(default_factory=dict)  # written name -> units one character away


def resolve_issuer(doc: Document, override: str | None = None, places: tuple[Place, ...] | None = None) -> dict | None:
    """The issuer's unit as a dict, or None (see ``analyse_issuer``)."""
    return analyse_issuer(doc, override, places).resolved


def mentions_of(places: tuple[Place, ...], g: Gazetteer) -> Counter:
    """code -> weight of the places the report names (full names 1, short forms 0.5)."""
    counts: Counter = Counter()
    for p in places:
        if p.kind in ("street", "conjunction"):
            continue
        w = 0.5 if p.short else 1.0
        for c in p.codes:
            counts[c] += w / len(p.codes)
    return counts


def analyse_issuer(doc: Document, override: str | None = None, places: tuple[Place, ...] | None = None) -> IssuerAnalysis:
    g = gazetteer()
    places = find_places(doc) if places is None else places
    ment = mentions_of(places, g)
    if override:
        override = str(override).strip()
        if _CODE.match(override):
            unit = g.get(normalize_code(override))
            ok = unit is not None and unit.level != "placeholder"
            return IssuerAnalysis(_result(g, unit.code, text=override, source="config", confidence=1.0, candidates=1) if ok else None, unplaced=[] if ok else [override])
        r = resolve_name(override, ment, source="config", g=g)
        return IssuerAnalysis(r, unplaced=[] if r else [override])
    out = IssuerAnalysis(None, tried=list(doc.identity.issuer_candidates))
    score: Counter = Counter()
    first: dict[tuple, tuple[dict, str, int | None]] = {}
    placed: dict[tuple[str, str, int], tuple] = {}
    for text, source, line in doc.identity.issuer_candidates:
        r = resolve_name(text, ment, source=source, g=g)
        if r is not None:
            placed[(text, source, line)] = (r["code"], r.get("virtual"))
        if r is None:
            out.unplaced.append(text)
            near = _near_miss_token(text, ment, g)
            if near and near[1]:
                out.near_misses[near[0]] = near[1]
            continue
        if r.get("near_miss"):
            out.near_misses[r["near_miss"]["written"]] = [r["near_miss"]["likely"]]
        k = (r["code"], r.get("virtual"))
        score[k] += STATEMENT_WEIGHT.get(source, 0.5) * (0.5 if r.get("ambiguous") else 1.0)
        first.setdefault(k, (r, source, line))
    # how the text names each unit: in clauses of self-naming, or in passing
    voted: Counter = Counter()
    named: Counter = Counter()
    surfaces: Counter = Counter()
    for p in places:
        if p.kind in ("street", "conjunction"):
            continue
        for c in p.codes:
            if p.kind in ROLE_WEIGHT:
                voted[c] += ROLE_WEIGHT[p.kind]
            else:
                named[c] += 1
        if not p.short:
            surfaces[p.surface] += 1
    # a unit the text names often is a contender even if no statement names it (unless it is a
    # superior of one: the county of a township report)
    for surface, n in sorted(surfaces.items()):
        if n < 3:
            continue
        r = resolve_name(surface, ment, source="text", g=g)
        if r is None or any(k[0] == r["code"] or r["code"] in g.ancestors(k[0]) for k in score):
            continue
        if r.get("ambiguous") and any(k[0] in r.get("alternative_codes", ()) for k in score):
            continue
        score[(r["code"], None)] += 0.0
        first.setdefault((r["code"], None), (r, "text", None))
    if not score:
        return out
    raw = {
        k: score[k] + min(voted.get(k[0], 0.0), 10.0) + MENTION_WEIGHT * min(named.get(k[0], 0), MENTION_CAP) + (1.0 if k[1] else 0.0)
        for k in score
    }
    final = {}
    for k in raw:
        superiors = set(g.ancestors(k[0])) | ({k[0]} if k[1] else set())
        final[k] = raw[k] + sum(0.5 * raw[k2] for k2 in raw if k2 != k and not k2[1] and k2[0] in superiors)
    order = list(first)
    single = Counter(c for p in places if len(p.codes) == 1 for c in p.codes)
    best = max(final, key=lambda k: (round(final[k], 6), single.get(k[0], 0), -order.index(k)))
    r, source, line = first[best]
    # the text shown for the issuer: the statement that names the unit itself, most authoritative first
    own = r.get("virtual") or g.units[best[0]].name
    same = [(t, s_, ln) for t, s_, ln in doc.identity.issuer_candidates if (t, s_, ln) in placed and placed[(t, s_, ln)] == best]
    same.sort(key=lambda c: (own[:2] not in c[0], SOURCE_RANK.get(c[1], 9)))
    if same:
        line = same[0][2]
        r = dict(r, text=display_name(same[0][0]), source=same[0][1])
    out.resolved = dict(r, line=line)
    return out


def resolve_name(name: str, mentions: Counter | None = None, *, source: str = "title", g: Gazetteer | None = None) -> dict | None:
    """Place an issuer name (大章镇人民政府, 资阳市人民政府办公室, 市教育局, 泰安高新区) in the gazetteer."""
    g = g or gazetteer()
    mentions = mentions or Counter()
    base = SOURCE_CONFIDENCE.get(source, 0.8)
    matches = g.scan(name)
    if not matches:
        near = _near_miss_token(name, mentions, g)
        if near and len(near[1]) == 1:
            return _near_result(g, name, near[0], near[1][0], mentions, source, base)
        return _relative(name, mentions, source, g)

    def rank(m):
        return max(LEVEL_RANK.get(g.units[c].level, 0) for c in m.codes)

    # the most specific place in the name is the issuer's area; the others constrain it
    # (河南省嵩县大章镇人民政府: 大章镇 must lie in 嵩县 and 河南省)
    main = max(matches, key=lambda m: (rank(m), m.start))
    if main.start and _odd_prefix(name, main.start, matches):
        near = _near_miss_token(name[: main.end], mentions, g)
        if near and len(near[1]) == 1:
            return _near_result(g, name, near[0], near[1][0], mentions, source, base)
        return None  # 雎宁县: not 宁县, and which unit it is cannot be told
    cands = list(main.codes)
    for m in matches:
        if m is not main:
            narrowed = [c for c in cands if set(m.codes) & set(g.ancestors(c))]
            cands = narrowed or cands
    if len(cands) == 1:
        out = _result(g, cands[0], text=name, source=source, confidence=base, candidates=len(main.codes))
    else:
        out = _pick(g, cands, mentions, name=name, source=source, base=base, total=len(main.codes))
    tail = name[main.end :]
    zone = _ZONE_SUFFIX.match(tail)
    if main.surface in g.zones or zone:  # 平潭综合实验区, 泰安高新区: named as the zone, checked as its division
        out.update(name=main.surface + (zone.group(0) if zone else ""), zone=True)
    elif g.units[cands[0]].level in ("county", "city") and len(cands) == 1:
        mt = _TOWNSHIP.match(re.sub(r"^(?:人民政府|政府)", "", tail))
        if mt and not g.scan(mt.group(1)):  # 无锡市锡山区人民政府厚桥街道: newer than the table
            out.update(virtual=mt.group(1), name=mt.group(1), level="township", path=out["path"] + "/" + mt.group(1))
            out["confidence"] = round(out["confidence"] * 0.9, 3)
    return out


def _odd_prefix(name: str, start: int, matches) -> bool:
    """A CJK character right before the place that is not the end of a superior's name (or of its
    government: 上海市黄浦区人民政府打浦桥街道): 雎|宁县."""
    ch = name[start - 1]
    if not "\u4e00" <= ch <= "\u9fff" or ch in "省市区县州盟旗镇乡":
        return False
    if any(m.end == start for m in matches):
        return False
    return not re.search(r"(?:人民政府|政府|管委会|管理委员会)$", name[:start])


_OFFICE_TAIL = re.compile(
    r"(?<=[镇乡道处])(?:党政综合办公室|党政办公室|党政办|党政综合办|综合办公室|政府信息公开领导小组办公室|政务公开领导小组办公室|"
    r"信息公开工作领导小组办公室|政务公开工作领导小组办公室|办公室)$|(?:政府信息公开领导小组办公室|政务公开领导小组办公室|"
    r"信息公开工作领导小组办公室|政务公开工作领导小组办公室)$"
)


def display_name(text: str) -> str:
    """The issuer as a report names itself, without the office that signs its contact line:
    黄岛街道办事处政府信息公开领导小组办公室 -> 黄岛街道办事处."""
    return _OFFICE_TAIL.sub("", text) or text


def _near_miss_token(name: str, mentions: Counter, g: Gazetteer) -> tuple[str, list[str]] | None:
    """(the written place name, the units one character away that the text's superiors allow)."""
    m = _PLACE_TOKEN.match(re.sub(r"\s", "", name))
    if not m or len(m.group(0)) < 3:
        return None
    token = m.group(0)
    names = g.near_misses(token)
    if not names:
        return None
    codes = [c for n in names for c in g.lookup(n)]
    placed = sorted({g.units[c].name for c in codes if any(mentions.get(a, 0) > 0 for a in g.ancestors(c))})
    if placed:
        return token, placed[:5]
    # no superior decides: a name that differs by a pair of look-alike characters (睢/雎)
    pairs = _confusable()
    alike = [n for n in names if any(frozenset((a, b)) in pairs for a, b in zip(token, n) if a != b)]
    return token, alike[:5]


@functools.lru_cache(maxsize=1)
def _confusable() -> frozenset[frozenset[str]]:
    """Look-alike character pairs of place names (``corpora/confusable_chars.txt``)."""
    text = corpus_path("confusable_chars.txt").read_text(encoding="utf-8")
    return frozenset(frozenset(line.split()) for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _near_result(g, name, written, likely, mentions, source, base):
    r = resolve_name(likely, mentions, source=source, g=g)
    if r is None:
        return None
    r = dict(r, text=name, confidence=round(r["confidence"] * 0.7, 3))
    r["near_miss"] = {"written": written, "likely": likely}
    return r


def _relative(name: str, mentions: Counter, source: str, g: Gazetteer) -> dict | None:
    """市教育局 / 县人民政府办公室: the most-mentioned unit of that kind in the report."""
    head = next((kind for prefix, kind in _RELATIVE if name.startswith(prefix)), None)
    if head is None:
        return None
    cands = [c for c in mentions if g.units[c].name.endswith(head) or (head == "州" and g.units[c].name.endswith("自治州"))]
    if not cands:
        return None
    return _pick(g, sorted(cands), mentions, name=name, source="text", base=SOURCE_CONFIDENCE["text"], total=len(cands), by_self=True)


def _pick(g: Gazetteer, cands: list[str], mentions: Counter, *, name: str, source: str, base: float, total: int, by_self: bool = False) -> dict:
    """Choose among same-named units by how much of each one's chain of superiors the text names."""
    mentioned_parent = {m: g.parent(m) for m in mentions if mentions[m] > 0}

    def score(code: str) -> float:
        # superiors named in the text count most; named neighbours (units with the same parent)
        # count a little: a township report names the other townships of its county
        anc = g.ancestors(code)
        s = sum(1.0 + min(mentions.get(a, 0.0), 3.0) / 10 for a in anc if mentions.get(a, 0.0) > 0)
        parent = anc[0] if anc else None
        s += 0.4 * min(sum(1 for m, p in mentioned_parent.items() if p == parent and m != code), 2)
        if by_self:
            s += mentions.get(code, 0.0)
        return s

    scored = sorted(((score(c), c) for c in cands), key=lambda x: (-x[0], x[1]))
    best_score, best = scored[0]
    tied = [c for s, c in scored if s == best_score]
    if best_score <= 0 or len(tied) > 1:
        out = _result(g, best, text=name, source=source, confidence=min(base, 0.9) / max(len(tied), 2), candidates=total)
        out.update(ambiguous=True, alternatives=["/".join(g.path(c)) for c in tied[:10]], alternative_codes=tied)
        return out
    second = scored[1][0] if len(scored) > 1 else 0.0
    conf = base * (0.9 if best_score - second >= 1 else 0.75)
    out = _result(g, best, text=name, source=source, confidence=conf, candidates=total)
    if best_score < 1:  # decided by neighbours only, no superior named
        out["confidence"] = round(base * 0.7, 3)
        parent = g.parent(best)
        neighbours = sum(1 for m, p in mentioned_parent.items() if p == parent and m != best)
        if neighbours < 2 and len(cands) > 3:
            # one neighbour among many same-named units may be a coincidence; the names that placed the
            # issuer cannot then be checked against it (circular)
            out["by_neighbours"] = True
    return out


def _result(g: Gazetteer, code: str, *, text: str, source: str, confidence: float, candidates: int) -> dict:
    unit = g.units[code]
    return {
        "name": unit.name,
        "code": unit.code,
        "level": unit.level,
        "path": "/".join(g.path(code)),
        "confidence": round(confidence, 3),
        "candidates": candidates,
        "source": source,
        "text": text,
        "ambiguous": False,
    }
