"""Identity rules: a report must speak of its own issuer and its own year.

``name-mismatch``: another unit's name where the report speaks as its author (copied from a
sibling's report and not edited). ``year-mismatch``: last year's year where the report speaks of
the current year, a data period or opening that disagrees with the title, a signature date
before the year ended or after the legal deadline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator

from textcheck.document import Block, BlockKind, Document, shorten
from textcheck.finding import Severity
from textcheck.gazetteer import Gazetteer, gazetteer
from textcheck.rules import Context, Hit, rule

# ---------------------------------------------------------------------------------------------
# name-mismatch

LEGIT_RELATIONS = {"self", "ancestor", "descendant"}
RELATION_CONFIDENCE = {"sibling": 0.95, "cousin": 0.85, "unrelated": 0.75}

_RULE_TITLE_TOPIC = re.compile(r"公开|保密审查|政策解读|新闻发布|信息发布|政务|信息管理")
_RULE_TITLE_END = re.compile(r"(?:制度|办法|规定|细则|规则|规范|指南|目录|流程|机制|实施方案|工作方案|要点|汇编)$")
_BORROW = re.compile(r"学习|借鉴|参照|参考|对标|转发|观摩|考察|交流|赴")
_STRONG_OFFICE = re.compile(
    r"^(?:人民政府|政府|党委政府|党委)?(?:党政办公室|党政办|党政综合办公室|政府办公室|政府办|综合办公室|办公室|政务公开办公室|政务公开办|信息公开办)"
)
_WEAK_OFFICE = re.compile(
    r"^(?:人民政府|政府)?(?:门户网站|政府网站|政务网站|网站|政务服务中心|便民服务中心|为民服务中心|政务公开栏|公示栏|公开栏|政务公开专栏|信息公开专栏|政务新媒体|微信公众号)"
)
_PREPOSITION = re.compile(r"(?:依托|通过|由|在|经|利用|借助|设在|设立在|于)$")
_SUBJECT_ORG = re.compile(r"^(?:人民政府|政府|党委政府|党委、政府|党委)?(?:办公室|办公厅|党政办公室|党政办)?")
_SUBJECT_VERB = re.compile(
    r"^(?:高度重视|坚持|认真|积极|全面|深入|进一步|严格|始终|切实|不断|围绕|按照|根据|紧紧|全年|共|本年度|持续|扎实|着力|大力|聚焦|立足|把|将|结合|成立|建立|制定|落实|推进)"
)
_CLAUSE_START = "。；！？;!?：:"


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
    before = text[max(0, start - 12) : start]
    after = text[end : end + 30]
    # 《纸房镇政务公开工作制度》: the title of one of its own rules
    if before.endswith("《"):
        close = text.find("》", end)
        title = text[start:close] if close != -1 else ""
        if (
            title
            and "关于" not in title
            and _RULE_TITLE_TOPIC.search(title)
            and _RULE_TITLE_END.search(title)
            and not _BORROW.search(_clause_before(text, start))
        ):
            return "rule-title"
        return "mention"
    # 依托纸房镇党政办公室 / 在纸房镇人民政府门户网站公布
    if _PREPOSITION.search(before):
        if _STRONG_OFFICE.match(after):
            return "office"
        if _WEAK_OFFICE.match(after):
            return "weak-office"
    # 2021年，纸房镇人民政府高度重视…
    clause_start = start == 0 or text[start - 1] in _CLAUSE_START or re.search(r"(?:^|[。；;])\s*(?:19|20)\d{2}年(?:度)?[,，]$", before)
    if clause_start:
        rest = after[_SUBJECT_ORG.match(after).end() :]
        if _SUBJECT_VERB.match(rest):
            return "subject"
    # the title, the "现公布…年度报告" opening, the signature
    if line in identity_lines:
        if "年度报告" in text or _STRONG_OFFICE.match(after) or not after.strip() or after.startswith(("人民政府", "政府")):
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


# ---------------------------------------------------------------------------------------------
# year-mismatch

_Y = r"((?:19|20)\d{2})"
_PERIOD_ANY = re.compile(_Y + r"\s*年\s*1\s*月\s*1\s*日\s*(?:至|到|—|-|~)+\s*" + _Y + r"\s*年\s*12\s*月\s*31\s*日")
_OPENING = re.compile(r"(?:现公布|公布|编制|发布)\s*" + _Y + r"\s*年度?")
_SENTENCE_YEAR = re.compile(r"(?:^|[。；！？;!?])\s*(?:[(（][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+是)?\s*" + _Y + r"\s*年度?\s*(?:[,，]|全年|以来|我|本机关|本单位|共)")
_CURRENT = re.compile(r"本年度|本年|全年|今年")
_EXCLUDE = re.compile(r"上年|去年|上一年|上年度|结转|同比|相比|比较|较上|以来|截至|截止|至今|创刊|计划|拟|下一步|明年|今后|预计|将于|将在|自.{0,8}起|之前|此前|历年|被评为|荣获|获评|获得|入选|授予")
_NOT_NARRATIVE_YEAR = re.compile(r"《[^》]*$|〔\s*$|\[\s*$|（\s*$")


def _sentences(text: str) -> Iterator[tuple[int, str]]:
    start = 0
    for m in re.finditer(r"[。；！？;!?]", text):
        yield start, text[start : m.end()]
        start = m.end()
    if start < len(text):
        yield start, text[start:]


def _line_of(doc: Document, block: Block, needle: str) -> int:
    for i in range(block.line, block.end_line + 1):
        if needle in doc.norm_lines[i - 1]:
            return i
    return block.line


def _inside_brackets(text: str, pos: int) -> bool:
    """Is ``pos`` inside 《…》 or a document number 〔…〕 / （…）?"""
    head = text[:pos]
    return (
        head.rfind("《") > head.rfind("》")
        or head.rfind("〈") > head.rfind("〉")
        or head.rfind("〔") > head.rfind("〕")
        or head.rfind("[") > head.rfind("]")
    )


@rule(
    "year-mismatch",
    severity="error",
    summary="报告年份前后不一致（标题、统计期限、正文本年度叙述与落款日期）",
    category="identity",
    options={"deadline_month_day": "01-31"},
)
def year_mismatch(doc: Document, ctx: Context) -> Iterable[Hit]:
    """标题年份、统计期限（如 2021年1月1日至2021年12月31日）、开头段落所说年份、正文以“本年度/全年”叙述
    本年情况时写出的年份必须一致；落款日期应在报告年度结束之后、次年1月31日之前（《条例》第四十九条）。

    为什么：沿用上一年的报告时最常见的遗漏就是年份没改，读者会把上年的数据当成本年的。

    例：2021年度报告的统计期限写成“2020年1月1日至2020年12月31日”；总体情况写“2020年，我镇……”。

    不报：文件名称中的年份（《…2020年…》）、文号、“上年/去年/同比”的比较、历史日期（自2019年12月以来、
    1998年创刊）、今后的计划。
    """
    idt = doc.identity
    year = idt.year
    if not year:
        return
    ref = {"title": "标题", "opening": "开头段落", "period": "统计期限"}.get(idt.year_source or "", "标题")
    seen: set[tuple[int, int]] = set()

    def hit(line: int, found: int, what: str, conf: float, sev: Severity | None = None, extra: str = "") -> Hit:
        block = doc.block_at(line)
        return Hit(
            message=f"{what}的年份“{found}年”与报告年度（{ref}：{year}年）不一致{extra}",
            suggestion=f"将“{found}年”改为“{year}年”，并核对该处内容与数据是否为{year}年度的情况。",
            line=line,
            end_line=line,
            text=shorten(doc.lines[line - 1].strip(), 120),
            section=block.section if block else None,
            confidence=conf,
            severity=sev,
            evidence={"report_year": year, "report_year_source": idt.year_source, "found_year": found, "where": what},
        )

    # title vs opening ("现公布2020年…年度报告")
    for b in doc.blocks[:6]:
        if b.kind is not BlockKind.PARAGRAPH or "年度报告" not in b.text or b.line == idt.title_line:
            continue
        for m in _OPENING.finditer(b.text):
            y = int(m.group(1))
            if y != year and not _inside_brackets(b.text, m.start(1)):
                line = _line_of(doc, b, m.group(0))
                seen.add((line, y))
                yield hit(line, y, "开头段落所公布报告", 0.95)
        break
    # data period
    for i, text in enumerate(doc.norm_lines, start=1):
        for m in _PERIOD_ANY.finditer(text):
            ys = {int(m.group(1)), int(m.group(2))}
            wrong = sorted(y for y in ys if y != year)
            if wrong and (i, wrong[0]) not in seen and not _EXCLUDE.search(text[max(0, m.start() - 10) : m.start()]):
                seen.add((i, wrong[0]))
                yield hit(i, wrong[0], "统计期限", 0.95)
    # narrative that speaks of the current year with last year's number
    for b in doc.blocks:
        if b.kind is not BlockKind.PARAGRAPH:
            continue
        for off, sent in _sentences(b.text):
            if _EXCLUDE.search(sent) or str(year) in sent:
                continue
            y = None
            m = _SENTENCE_YEAR.search(sent)
            if m and not _inside_brackets(sent, m.start(1)):
                y = int(m.group(1))
                conf = 0.85
            elif _CURRENT.search(sent):
                for m2 in re.finditer(_Y + r"\s*年(?!\s*\d{1,2}\s*月)", sent):
                    if int(m2.group(1)) == year - 1 and not _inside_brackets(sent, m2.start(1)):
                        y, conf = year - 1, 0.8
                        break
            if y != year - 1:
                continue
            line = _line_of(doc, b, f"{y}")
            if (line, y) in seen:
                continue
            seen.add((line, y))
            yield hit(line, y, "叙述本年度情况时", conf)
    # signature date
    if idt.signature_date and idt.signature_line:
        sy, sm, sd = (int(x) for x in idt.signature_date.split("-"))
        if (sy, sm, sd) <= (year, 12, 31):
            block = doc.block_at(idt.signature_line)
            yield Hit(
                message=f"落款日期“{sy}年{sm}月{sd}日”早于报告年度（{year}年）结束",
                suggestion=f"核对落款日期（应为{year + 1}年）或报告年度是否写错。",
                line=idt.signature_line,
                end_line=idt.signature_line,
                text=shorten(doc.lines[idt.signature_line - 1].strip(), 120),
                section=block.section if block else None,
                confidence=0.9,
                evidence={"report_year": year, "signature_date": idt.signature_date},
            )
        else:
            deadline_md = _deadline(doc, ctx)
            if (sy, sm, sd) > (year + 1, *deadline_md):
                block = doc.block_at(idt.signature_line)
                dl = f"{year + 1}年{deadline_md[0]}月{deadline_md[1]}日"
                yield Hit(
                    message=f"落款日期“{sy}年{sm}月{sd}日”晚于公布期限{dl}",
                    suggestion=f"年度报告应在{dl}前公布（《中华人民共和国政府信息公开条例》第四十九条）；请核对落款日期或报告年度。",
                    line=idt.signature_line,
                    end_line=idt.signature_line,
                    text=shorten(doc.lines[idt.signature_line - 1].strip(), 120),
                    section=block.section if block else None,
                    confidence=0.7,
                    severity=Severity.WARNING,
                    evidence={"report_year": year, "signature_date": idt.signature_date, "deadline": f"{year + 1}-{deadline_md[0]:02d}-{deadline_md[1]:02d}"},
                )


def _deadline(doc: Document, ctx: Context) -> tuple[int, int]:
    """1月31日 (departments, 条例 第四十九条 first paragraph); 3月31日 for the report of a whole
    government at county level or above, which its disclosure office publishes."""
    issuer_text = doc.identity.issuer or ""
    issuer = ctx.issuer(doc)
    if issuer_text.endswith("人民政府") and issuer and issuer["level"] in ("province", "city", "county"):
        return (3, 31)
    raw = str(ctx.options.get("deadline_month_day", "01-31"))
    try:
        mo, d = (int(x) for x in raw.split("-"))
        return (mo, d)
    except ValueError:
        return (1, 31)
