"""Who issued a report, placed in the gazetteer: 大章镇人民政府 -> 河南省/洛阳市/嵩县/大章镇 (410325106000).

``resolve_issuer(doc, override)`` starts from ``doc.identity.issuer`` (title, opening or signature) —
or from ``override`` (``--issuer NAME_OR_CODE``) when given — and returns the administrative unit the issuer belongs
to: a government resolves to its own area, a department (市教育局, 资阳市人民政府办公室) to the area
of its government. A name shared by several units (城关镇 ×88, 太平镇 ×50) is decided by the other
place names of the report (its county, city, province); when they do not decide, the result says
so (``ambiguous``) and its confidence is lowered.
"""

from __future__ import annotations

import re
from collections import Counter

from textcheck.document import Document
from textcheck.gazetteer import LEVEL_RANK, Gazetteer, gazetteer, normalize_code

SOURCE_CONFIDENCE = {"config": 1.0, "title": 0.95, "opening": 0.9, "signature": 0.85, "text": 0.6}
_CODE = re.compile(r"^\d{6}(?:\d{3})?(?:\d{3})?$")
# the level a place-less department name speaks of: 市教育局 -> a 市, 县人民政府 -> a 县
_RELATIVE = (("街道", "街道"), ("市", "市"), ("县", "县"), ("区", "区"), ("镇", "镇"), ("乡", "乡"), ("旗", "旗"), ("州", "州"))


def resolve_issuer(doc: Document, override: str | None = None) -> dict | None:
    """The issuer's unit as a dict (JSON keys English, values Chinese), or None.

    ``override`` (a name or a division code, ``--issuer``) replaces the issuer the text names."""
    g = gazetteer()
    mentions = _mentions(doc, g)
    if override:
        override = str(override).strip()
        if _CODE.match(override):
            unit = g.get(normalize_code(override))
            if unit is None or unit.level == "placeholder":
                return None
            return _result(g, unit.code, text=override, source="config", confidence=1.0, candidates=1)
        return resolve_name(override, mentions, source="config", g=g)
    issuer = doc.identity.issuer
    if not issuer:
        return None
    return resolve_name(issuer, mentions, source=doc.identity.issuer_source or "title", g=g)


def _mentions(doc: Document, g: Gazetteer) -> Counter:
    """code -> weight of the places the report names (full names 1, short forms 0.5)."""
    counts: Counter = Counter()
    for line in doc.norm_lines:
        for m in g.scan(line):
            w = 0.5 if m.surface in g.short_forms else 1.0
            for c in m.codes:
                counts[c] += w / len(m.codes)
    return counts


def resolve_name(name: str, mentions: Counter | None = None, *, source: str = "title", g: Gazetteer | None = None) -> dict | None:
    """Place an issuer name (大章镇人民政府, 资阳市人民政府办公室, 市教育局) in the gazetteer."""
    g = g or gazetteer()
    mentions = mentions or Counter()
    base = SOURCE_CONFIDENCE.get(source, 0.8)
    matches = g.scan(name)
    if not matches:
        return _relative(name, mentions, source, g)
    # the most specific place in the name is the issuer's area; the others constrain it
    # (河南省嵩县大章镇人民政府: 大章镇 must lie in 嵩县 and 河南省)
    def rank(m):
        return max(LEVEL_RANK.get(g.units[c].level, 0) for c in m.codes)

    main = max(matches, key=lambda m: (rank(m), m.start))
    cands = list(main.codes)
    for m in matches:
        if m is main:
            continue
        allowed = set(m.codes)
        narrowed = [c for c in cands if allowed & set(g.ancestors(c))]
        if narrowed:
            cands = narrowed
    if len(cands) == 1:
        return _result(g, cands[0], text=name, source=source, confidence=base, candidates=len(main.codes))
    return _pick(g, cands, mentions, name=name, source=source, base=base, total=len(main.codes))


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
        neighbours = sum(1 for m, p in mentioned_parent.items() if p == parent and m != code)
        s += 0.4 * min(neighbours, 2)
        if by_self:
            s += mentions.get(code, 0.0)
        return s

    scored = sorted(((score(c), c) for c in cands), key=lambda x: (-x[0], x[1]))
    best_score, best = scored[0]
    tied = [c for s, c in scored if s == best_score]
    if best_score <= 0 or len(tied) > 1:
        conf = round(min(base, 0.9) / max(len(tied), 2), 3)
        out = _result(g, best, text=name, source=source, confidence=conf, candidates=total)
        out["ambiguous"] = True
        out["alternatives"] = ["/".join(g.path(c)) for c in tied[:10]]
        return out
    second = scored[1][0] if len(scored) > 1 else 0.0
    conf = base * (0.9 if best_score - second >= 1 else 0.75)
    if best_score < 1:  # decided by neighbours only, no superior named
        conf = base * 0.7
    return _result(g, best, text=name, source=source, confidence=round(conf, 3), candidates=total)


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
