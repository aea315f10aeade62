"""name-mismatch: another unit's name where the report speaks as its author (copied from a sibling's
report and not edited). The role of every place name is decided by its own clause
(``analysis.places``); the issuer and the other units are placed in the gazetteer (``analysis.issuer``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from textcheck.analysis.places import STRONG_KINDS
from textcheck.document import Document
from textcheck.finding import Related, Severity, places_label
from textcheck.gazetteer import Gazetteer, gazetteer
from textcheck.rules import Context, Edit, Fix, Hit, rule

LEGIT_RELATIONS = {"self", "ancestor", "descendant"}
RELATION_CONFIDENCE = {"sibling": 0.95, "cousin": 0.85, "unrelated": 0.75}
POSITION_WEIGHT = {
    "title": 1.0, "signature": 1.0, "preamble": 1.0, "compiler": 1.0, "contact": 1.0, "office": 1.0, "rule-title": 1.0,
    "own-document": 0.95, "doc-number": 0.95, "subject": 0.9, "platform": 0.9, "address": 0.7,
}
POSITION_LABEL = {
    "title": "标题", "signature": "落款", "preamble": "开头段落", "compiler": "编制单位", "contact": "联系方式",
    "office": "本单位办公机构", "rule-title": "本单位制度名称", "own-document": "本单位文件", "doc-number": "文号",
    "subject": "句首主语", "platform": "本单位网站平台", "address": "本单位地址",
}
# a cousin (another county's township) counts in these only when it is of the issuer's own level
SAME_LEVEL_ONLY = {"subject", "office", "platform", "address"}


@dataclass(frozen=True)
class _Occurrence:
    line: int
    surface: str
    code: str
    relation: str
    kind: str


def _relation(g: Gazetteer, me: str, virtual: str | None, other: str) -> str:
    """How ``other`` relates to the issuer; a ``virtual`` issuer is a township of ``me`` missing from
    the table, a province's siblings are the other provinces."""
    if virtual:
        if other == me or other in g.ancestors(me):
            return "ancestor"
        if g.parent(other) == me:
            return "sibling"
        own = {me, *g.ancestors(me)}
        return "cousin" if any(a in own for a in g.ancestors(other)) else "unrelated"
    rel, _ = g.relation(me, other)
    if rel == "unrelated" and g.units[me].level == "province" and g.units[other].level == "province":
        return "sibling"
    return rel


def _issuer_codes(issuer: dict) -> list[str]:
    return sorted(set(issuer.get("alternative_codes") or []) | {issuer["code"]}) if issuer.get("ambiguous") else [issuer["code"]]


def _relation_text(g: Gazetteer, code: str, relation: str, issuer: dict) -> str:
    unit = g.units[code]
    parents = g.path(code)[:-1]
    where = f"{''.join(parents)}下辖{unit.kind}" if parents else "省级行政区"
    me = issuer["name"]
    if relation == "unrelated":
        return f"{unit.name}：{where}，与本报告发布机关{me}（{issuer['path'].replace('/', '')}）不在同一省份"
    if relation == "sibling" and not parents:
        return f"{unit.name}：{where}，与本报告发布机关{me}同为省级行政区"
    own = [issuer["code"], *g.ancestors(issuer["code"])]
    common = next((a for a in g.ancestors(code) if a in own), None)
    return f"{unit.name}：{where}，与本报告发布机关{me}同属{g.units[common].name}" if common else f"{unit.name}：{where}"


def _abbreviation(foreign: str, issuer_chars: set[str]) -> re.Pattern[str] | None:
    """纸政、纸发、旺府办发: a document-number prefix made from the foreign unit's first character."""
    if foreign[0] in issuer_chars:
        return None
    return re.compile(rf"{re.escape(foreign[0])}(?:政|府|发|办|字)(?:发|办|函|文|字){{0,2}}(?=[、，,〔\[（(【等\d号文])")


@rule(
    "name-mismatch",
    name="他单位名称",
    severity="error",
    summary="报告以作者口吻出现其他单位名称（疑似复制其他单位报告后未修改）",
    category="identity",
    options={"min_confidence": 0.5},
)
def name_mismatch(doc: Document, ctx: Context) -> Iterable[Hit]:
    """报告以发布机关自己的口吻说话的地方出现了其他单位的名称：标题、落款、开头段落（本报告由X编制、现公布X……
    年度报告）、联系方式（请与X联系）、句首主语（2022年，X认真贯彻……）、本单位的办公机构和网站平台（依托X党政办公室、
    X人民政府门户网站）、本单位制度和文件（《X政务公开工作制度》）、文号简称（X政发、纸政）、乡镇本单位的地址。
    通常是照抄兄弟单位（同县的另一个镇、同市的另一个县、同级的同类部门）的报告后没有改干净。每个外单位报告一条，
    列出它出现的全部行。

    为什么：年度报告必须反映本机关自己的工作；以作者口吻出现其他单位的名称，说明这些内容不是本机关的实际情况。

    例：大章镇人民政府的报告写“组织制定并落实《纸房镇政务公开工作制度》”“依托纸房镇党政办公室”“纸政、纸发等规范性文件”。

    不报：上级机关及其文件（四川省、《嵩县人民政府办公室关于……的通知》）、下辖单位（仁和区、各街道）、地址中的路名
    和社区村名（榆林路、苏州东路、青龙社区）、被连词拆开的名称（市委和县委中的“和县”）、学习考察和合作交流
    （赴X镇学习、与X市联合）、转发的其他单位文件、区域合作提法（川渝滇黔）。无法确定发布机关时不检查（见 identity-unknown）。
    """
    issuer = ctx.issuer(doc)
    if not issuer or issuer.get("by_neighbours") or (issuer.get("ambiguous") and len(issuer.get("alternative_codes") or ()) > 2):
        return
    g = gazetteer()
    mes = _issuer_codes(issuer)
    virtual = issuer.get("virtual")
    level = issuer["level"]
    occ: dict[str, list[_Occurrence]] = {}
    for p in ctx.places(doc):
        if p.kind in ("street", "conjunction") or p.surface in g.zones:
            continue
        best = None
        legit = False
        for code in p.codes:
            for me in mes:
                rel = _relation(g, me, virtual, code)
                if rel in LEGIT_RELATIONS:
                    legit = True
                    break
                key = ({"sibling": 0, "cousin": 1}.get(rel, 2), code)
                if best is None or key < best[0]:
                    best = (key, code, rel)
            if legit:
                break
        if legit or best is None:
            continue
        _, code, rel = best
        kind = p.kind
        if kind in POSITION_WEIGHT:
            same_level = g.units[code].level == level
            if rel == "cousin" and kind in SAME_LEVEL_ONLY and not same_level:
                kind = "mention"
            elif rel == "unrelated" and (kind not in STRONG_KINDS or not same_level):
                kind = "mention"
        occ.setdefault(code, []).append(_Occurrence(p.line, p.surface, code, rel, kind))

    min_conf = float(ctx.options.get("min_confidence", 0.5))
    own = issuer["name"]
    issuer_chars = {own[0], (issuer.get("text") or own)[0]} | {g.units[a].name[0] for a in g.ancestors(issuer["code"])}
    for code in sorted(occ, key=lambda c: (occ[c][0].line, c)):
        items = occ[code]
        authored = [o for o in items if o.kind in POSITION_WEIGHT]
        if not authored:
            continue
        unit = g.units[code]
        surface = authored[0].surface
        lines = {o.line for o in items}
        abbrevs: dict[str, None] = {}  # in order of appearance
        pattern = _abbreviation(unit.name, issuer_chars)
        if pattern is not None:
            for i, text in enumerate(doc.norm_lines, start=1):
                for m in pattern.finditer(text):
                    abbrevs.setdefault(m.group(0))
                    lines.add(i)
        conf = RELATION_CONFIDENCE.get(authored[0].relation, 0.75) * max(POSITION_WEIGHT[o.kind] for o in authored)
        if len(authored) > 1:
            conf = min(1.0, conf + 0.05)
        conf = round(conf * min(1.0, issuer["confidence"] + 0.1), 3)
        if conf < min_conf:
            continue
        ordered = sorted(lines)
        where = "、".join(dict.fromkeys(POSITION_LABEL[o.kind] for o in authored))
        line = authored[0].line
        spots = _spots(doc, ordered, [o.surface for o in items] + [unit.name], abbrevs)
        main = next((sp for sp in spots if sp[0] == line), None)
        others = list({sp[0]: sp for sp in reversed(spots) if sp[0] != line}.values())[::-1]  # first spot per other line
        block = doc.block_at(line)
        suggestion = f"将“{surface}”改为“{own}”"
        at = places_label([{"line": ln, **doc.locate(ln)} for ln in ordered])
        if abbrevs:
            suggestion += f"，将文号简称“{'、'.join(abbrevs)}”改为本机关的文号简称"
        suggestion += "，并逐段核对相关内容是否为本机关的实际情况。"
        yield Hit(
            message=f"报告以本机关口吻（{where}）写出其他单位名称“{surface}”（{at}），疑似从其他单位报告复制后未修改",
            suggestion=suggestion,
            line=line,
            end_line=line,
            text=_excerpt(doc, line, surface, abbrevs),
            section=block.section if block else None,
            start=main[1] if main else None,
            end=main[2] if main else None,
            related=tuple(
                Related(line=ln, end_line=ln, text=_excerpt(doc, ln, surface, abbrevs, limit=40), start=a, end=b)
                for ln, a, b, _t in others
            ),
            confidence=conf,
            severity=Severity.ERROR if conf >= 0.8 else Severity.WARNING,
            evidence={
                "name": unit.name,
                "code": unit.code,
                "path": "/".join(g.path(code)),
                "relation": authored[0].relation,
                "relation_text": _relation_text(g, code, authored[0].relation, issuer),
                "issuer": own,
                "issuer_code": issuer["code"],
                "lines": ordered,
                "author_positions": sorted({(o.line, o.kind) for o in authored}),
                "abbreviations": list(abbrevs),
                "places": [{"line": ln, "start": a, "end": b, "text": t} for ln, a, b, t in spots],
            },
            fix=_name_fix(doc, spots, unit.name, own, {o.line for o in authored}, list(abbrevs), safe=conf >= 0.8),
        )


def _name_fix(doc: Document, spots, name: str, own: str, authored: set[int], abbrevs: list[str], *, safe: bool) -> Fix | None:
    """The other unit's full name → the issuer's own name, on the lines where the report speaks as its
    author. Document-number abbreviations (纸政、纸发) are never replaced: the issuer's own prefix is not
    derivable from its name, and the same characters can start other words — the description says so."""
    if not own or own == name:
        return None
    edits = tuple(Edit(a, b, own) for ln, a, b, t in spots if t == name and ln in authored)
    if not edits:
        return None
    description = f"将“{name}”改为“{own}”（{len(edits)} 处）"
    if abbrevs:
        description += f"；文号简称“{'、'.join(abbrevs)}”不自动修改，请改为本机关的文号简称"
    return Fix(edits=edits, description=description, safe=safe)


def _spots(doc: Document, lines: Iterable[int], names: Iterable[str], abbrevs: Iterable[str]) -> list[tuple[int, int, int, str]]:
    """(line, start, end, text) of every place the unit is named on ``lines``: its names and document-number
    abbreviations, longest first and not overlapping, offsets in ``doc.text``; the first of each line only
    when a line names it several times would hide the others, so all are kept, in text order."""
    keys = sorted({k for k in (*names, *abbrevs) if k}, key=len, reverse=True)
    out: list[tuple[int, int, int, str]] = []
    for ln in lines:
        text = doc.norm_lines[ln - 1]
        taken: list[tuple[int, int]] = []
        for k in keys:
            pos = text.find(k)
            while pos >= 0:
                if not any(a < pos + len(k) and pos < b for a, b in taken):
                    taken.append((pos, pos + len(k)))
                pos = text.find(k, pos + len(k))
        base = doc.line_starts[ln - 1]
        out.extend((ln, base + a, base + b, text[a:b]) for a, b in sorted(taken))
    return out


def _excerpt(doc: Document, line: int, surface: str, abbrevs: Iterable[str], limit: int = 80) -> str:
    """The offending line as written (not normalised), cut around the first offending name."""
    raw = doc.lines[line - 1].strip()
    found = [raw.find(k) for k in (surface, *abbrevs) if k in raw]
    pos = min(found) if found else 0
    start = max(0, pos - 20)
    text = raw[start : start + limit]
    return ("…" if start else "") + " ".join(text.split()) + ("…" if start + limit < len(raw) else "")
