"""name-mismatch: another unit's name where the report speaks as its author (copied from a sibling's
report and not edited). Where the report speaks as its author is read with the word lists of
``corpora/author_positions.toml``; the issuer and the other units are placed in the gazetteer."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Iterable

from textcheck.document import BlockKind, Document
from textcheck.finding import Severity
from textcheck.gazetteer import Gazetteer, gazetteer
from textcheck.resources import corpus_toml
from textcheck.rules import Context, Hit, rule
from textcheck.text import alternation

LEGIT_RELATIONS = {"self", "ancestor", "descendant"}
RELATION_CONFIDENCE = {"sibling": 0.95, "cousin": 0.85, "unrelated": 0.75}

_CLAUSE_START = "。；！？;!?：:"


@functools.lru_cache(maxsize=1)
def _positions() -> dict[str, re.Pattern[str]]:
    """The author-position patterns, built once from ``corpora/author_positions.toml``."""
    w = {k: alternation(v) for k, v in corpus_toml("author_positions.toml").items()}
    return {
        "rule_title_topic": re.compile(w["rule_title_topics"]),
        "rule_title_end": re.compile(rf"(?:{w['rule_title_endings']})$"),
        "borrow": re.compile(w["borrowing"]),
        "strong_office": re.compile(rf"^(?:{w['office_owners']})?(?:{w['offices']})"),
        "weak_office": re.compile(rf"^(?:{w['platform_owners']})?(?:{w['platforms']})"),
        "preposition": re.compile(rf"(?:{w['prepositions']})$"),
        "subject_org": re.compile(rf"^(?:{w['subject_owners']})?(?:{w['subject_offices']})?"),
        "subject_verb": re.compile(rf"^(?:{w['subject_verbs']})"),
    }


@dataclass(frozen=True)
class _Occurrence:
    line: int
    start: int
    end: int
    surface: str
    code: str
    relation: str
    common: str | None
    kind: str  # rule-title | office | weak-office | subject | identity | mention


def _issuer_codes(g: Gazetteer, issuer: dict) -> list[str]:
    """The resolved unit, plus every same-named unit when the resolution was ambiguous."""
    if issuer.get("ambiguous"):
        same = [c for c in g.lookup(issuer["name"]) if g.units[c].name == issuer["name"]]
        return sorted(set(same) | {issuer["code"]})
    return [issuer["code"]]


def _author_kind(text: str, start: int, end: int, line: int, doc: Document, identity_lines: set[int]) -> str:
    pos = _positions()
    before = text[max(0, start - 12) : start]
    after = text[end : end + 30]
    # 《纸房镇政务公开工作制度》: the title of one of its own rules
    if before.endswith("《"):
        close = text.find("》", end)
        title = text[start:close] if close != -1 else ""
        if (
            title
            and "关于" not in title
            and pos["rule_title_topic"].search(title)
            and pos["rule_title_end"].search(title)
            and not pos["borrow"].search(_clause_before(text, start))
        ):
            return "rule-title"
        return "mention"
    # 依托纸房镇党政办公室 / 在纸房镇人民政府门户网站公布
    if pos["preposition"].search(before):
        if pos["strong_office"].match(after):
            return "office"
        if pos["weak_office"].match(after):
            return "weak-office"
    # 2021年，纸房镇人民政府高度重视…
    clause_start = start == 0 or text[start - 1] in _CLAUSE_START or re.search(r"(?:^|[。；;])\s*(?:19|20)\d{2}年(?:度)?[,，]$", before)
    if clause_start:
        rest = after[pos["subject_org"].match(after).end() :]
        if pos["subject_verb"].match(rest):
            return "subject"
    # the title, the "现公布…年度报告" opening, the signature
    if line in identity_lines:
        if "年度报告" in text or pos["strong_office"].match(after) or not after.strip() or after.startswith(("人民政府", "政府")):
            return "identity"
    return "mention"


def _clause_before(text: str, start: int) -> str:
    """Text of the current sentence before ``start``."""
    cut = max(text.rfind(c, 0, start) for c in "。；！？;!?")
    return text[cut + 1 : start]


def _identity_lines(doc: Document) -> set[int]:
    idt = doc.identity
    lines = {x for x in (idt.title_line, idt.signature_line, idt.issuer_line) if x}
    if idt.signature_line:
        lines |= {idt.signature_line - 1, idt.signature_line - 2}
    for b in doc.blocks[:4]:
        if b.kind is BlockKind.PARAGRAPH and "年度报告" in b.text:
            lines |= set(range(b.line, b.end_line + 1))
    return lines


def _relation_text(g: Gazetteer, code: str, relation: str, common: str | None, issuer: dict) -> str:
    unit = g.units[code]
    parents = g.path(code)[:-1]
    where = f"{''.join(parents)}下辖{unit.kind}" if parents else "省级行政区"
    me = issuer["name"]
    if relation == "unrelated" or common is None:
        return f"{unit.name}：{where}，与本报告发布机关{me}（{issuer['path'].replace('/', '')}）不在同一省份"
    return f"{unit.name}：{where}，与本报告发布机关{me}同属{g.units[common].name}"


def _abbreviation_pattern(foreign: str, issuer_chars: set[str]) -> re.Pattern[str] | None:
    """纸政、纸发: a document-number prefix derived from the foreign unit and not from the issuer."""
    first = foreign[0]
    if first in issuer_chars:
        return None
    return re.compile(rf"{re.escape(first)}(?:政|发|办|字)(?:发|办|函|文|字)?(?=[、，,〔\[（(【等\d号文])")


@rule(
    "name-mismatch",
    severity="error",
    summary="报告以作者口吻出现其他单位名称（疑似复制其他单位报告后未修改）",
    category="identity",
    options={"min_confidence": 0.5},
)
def name_mismatch(doc: Document, ctx: Context) -> Iterable[Hit]:
    """报告在以作者口吻叙述的位置（本单位制度名称、依托本单位办公室、句首主语、标题落款、本单位文号）出现了
    其他同级或相邻单位的名称，通常是照抄其他单位的报告后没有改名。

    为什么：年度报告必须反映本机关自己的工作；出现兄弟单位的制度名称、办公室或文号，说明内容不是本机关的实际情况。

    例：大章镇人民政府的报告写“组织制定并落实《纸房镇政务公开工作制度》”“依托纸房镇党政办公室”“纸政、纸发等规范性文件”。

    不报：上级机关（四川省、资阳市）、下辖单位（仁和区）、上级文件名称（《四川省人民政府办公厅关于…》）、
    区域合作提法（川渝滇黔、成渝地区双城经济圈）、本机关地址中的地名。
    """
    issuer = ctx.issuer(doc)
    if not issuer:
        return
    g = gazetteer()
    me_codes = _issuer_codes(g, issuer)
    identity_lines = _identity_lines(doc)
    occ: dict[str, list[_Occurrence]] = {}
    for i, text in enumerate(doc.norm_lines, start=1):
        if not text.strip():
            continue
        for m in g.scan(text):
            best = None
            legit = False
            for code in m.codes:
                for me in me_codes:
                    rel, common = g.relation(me, code)
                    if rel in LEGIT_RELATIONS:
                        legit = True
                        break
                    depth = len(g.ancestors(common)) if common else -1
                    key = ({"sibling": 0, "cousin": 1}.get(rel, 2), -depth, code)
                    if best is None or key < best[0]:
                        best = (key, code, rel, common)
                if legit:
                    break
            if legit or best is None:
                continue
            _, code, rel, common = best
            kind = _author_kind(text, m.start, m.end, i, doc, identity_lines)
            if kind == "weak-office" and rel != "sibling":
                kind = "mention"
            if kind == "subject" and g.units[code].level != issuer["level"] and rel != "sibling":
                kind = "mention"
            occ.setdefault(code, []).append(_Occurrence(i, m.start, m.end, m.surface, code, rel, common, kind))

    min_conf = float(ctx.options.get("min_confidence", 0.5))
    issuer_chars = {issuer["name"][0], (issuer.get("text") or issuer["name"])[0]}
    issuer_chars |= {g.units[a].name[0] for a in g.ancestors(issuer["code"])}
    kind_weight = {"rule-title": 1.0, "office": 1.0, "identity": 1.0, "weak-office": 0.9, "subject": 0.85}
    for code in sorted(occ, key=lambda c: (occ[c][0].line, c)):
        items = occ[code]
        authored = [o for o in items if o.kind in kind_weight]
        if not authored:
            continue
        first = items[0]
        unit = g.units[code]
        surface = first.surface
        lines = {o.line for o in items}
        abbrev_found: dict[str, None] = {}  # in order of appearance
        pat = _abbreviation_pattern(unit.name, issuer_chars)
        if pat is not None:
            for i, text in enumerate(doc.norm_lines, start=1):
                for am in pat.finditer(text):
                    abbrev_found.setdefault(am.group(0))
                    lines.add(i)
        conf = RELATION_CONFIDENCE.get(first.relation, 0.75) * max(kind_weight[o.kind] for o in authored)
        if len({o.kind for o in authored}) > 1 or len(authored) > 1:
            conf = min(1.0, conf + 0.05)
        conf *= min(1.0, issuer["confidence"] + 0.1)
        conf = round(conf, 3)
        if conf < min_conf:
            continue
        line = min(lines)
        block = doc.block_at(line)
        suggestion = f"将“{surface}”改为“{issuer['name']}”"
        if abbrev_found:
            suggestion += f"，将文号简称“{'、'.join(abbrev_found)}”改为本机关的文号简称"
        suggestion += "，并逐段核对相关内容是否为本机关的实际情况。"
        yield Hit(
            message=f"报告中出现其他单位名称“{surface}”，疑似从其他单位报告复制后未修改",
            suggestion=suggestion,
            line=line,
            end_line=line,
            text=_excerpt(doc, line, surface, abbrev_found),
            section=block.section if block else None,
            confidence=conf,
            severity=Severity.ERROR if conf >= 0.8 else Severity.WARNING,
            evidence={
                "name": unit.name,
                "code": unit.code,
                "path": "/".join(g.path(code)),
                "relation": first.relation,
                "relation_text": _relation_text(g, code, first.relation, first.common, issuer),
                "issuer": issuer["name"],
                "issuer_code": issuer["code"],
                "lines": sorted(lines),
                "author_positions": sorted({(o.line, o.kind) for o in authored}),
                "abbreviations": list(abbrev_found),
            },
        )


def _excerpt(doc: Document, line: int, surface: str, abbrevs: Iterable[str], limit: int = 80) -> str:
    """The offending line as written (not normalised), cut around the first offending name."""
    raw = doc.lines[line - 1].strip()
    keys = [surface, *abbrevs]
    found = [raw.find(k) for k in keys if k in raw]
    pos = min(found) if found else 0
    start = max(0, pos - 20)
    text = raw[start : start + limit]
    return ("…" if start else "") + " ".join(text.split()) + ("…" if start + limit < len(raw) else "")
