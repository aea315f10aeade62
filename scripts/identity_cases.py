"""Labelled identity cases made at run time from the REAL reports of ``../shared/corpus``.

(Longer than most modules: it is the written-down definition of every case kind, kept in one place
so that a reader can check the labelling rules against each other.)

Used by ``scripts/eval_identity.py``. Nothing here is report text: every case is a real corpus file
with one change, made by rules written down below and a fixed seed, so the same corpus always gives
the same cases. The labelling is deliberately independent of textcheck's own rules: it uses the
gazetteer (data) and the manifests (the issuer and year written by hand), never the checker.

name-mismatch, positive cases: the issuer's own name, where the text uses it in one of the author
positions below, replaced by the name of a sibling unit from the gazetteer (same parent, same kind:
a township of the same county, a county of the same city, a city of the same province, another
province; for a department, its region). One case per (report, position).

  title        a title line in the head (one line, or one half of a split title)
  signature    the signing body above the closing date
  preamble     the opening paragraph naming the report's issuer (现公布/编制/结合X…工作实际)
  compiler     由X…编制/综合/汇总
  contact      请与X联系 / 请联系：X
  subject      a clause that starts with the name (after a year, a heading, 在…领导下，) and goes on
               with a predicate
  platform     the name followed by its website, platform, service centre or office
  rule-title   《X…制度/办法/指南…》, not 关于…, not learnt from others
  doc-number   the short name before 政发/政办发…〔year〕
  address      a township's own name inside 地址：… (weak: a warning is enough)

A variant is made only when the leftover is decidable from the text: after the change the own unit
must still be named in more of the report's statements of who it is (title, preamble, compiler,
contact, subject) than the sibling: two when the change hit one of those positions, one otherwise.

name-mismatch, legitimate variants (must stay silent): the superior named in full where the text
says 区委、区政府 / 县政府 (parent), a child unit where a county or city report says 各乡镇/各街道 or in
its own platform (child), a sibling's name given to a road of the address (road), 省、市、县 written
省、市和县 so that 和县 appears (conjunction), a superior's notice cited as issued by another unit of
the superior's level (quoted).

year-mismatch: the report year (manifest) shifted to the year before in the data period (its start
only: a period over two calendar years; or the whole period), the title, the opening 'YYYY年，' of
总体情况, or a later 'YYYY年，' sentence (narrative). Legitimate: the year inside a cited notice
(quoted-year, at most a low-confidence hint). A shift is made only when another statement of the year
remains; reports whose own period already names another year (a real defect) give no year cases.

Mirrors in traditional characters are skipped (the gazetteer is in simplified characters).
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from textcheck.gazetteer import gazetteer
from textcheck.readers import read_path

SEED = 20240613
IDENTITY_POSITIONS = frozenset({"title", "signature", "preamble", "compiler", "contact", "subject"})
NAME_POSITIONS = ("title", "signature", "preamble", "compiler", "contact", "subject", "platform", "rule-title", "doc-number", "address")
LEGIT_POSITIONS = ("parent", "child", "road", "conjunction", "quoted")
YEAR_POSITIONS = ("period-start", "period", "title", "opening", "narrative")
YEAR_LEGIT_POSITIONS = ("quoted-year",)


@dataclass
class Base:
    name: str  # pages/012.txt
    text: str
    record: dict
    unit: str | None  # the issuer's area, a gazetteer code
    level: str  # the manifest's issuer_level


@dataclass
class Case:
    id: str
    base: str
    rule: str  # name-mismatch | year-mismatch
    position: str
    positive: bool
    text: str
    line: int  # the changed line, 1-based
    foreign: str | None = None  # the planted unit's name (name-mismatch, positive)
    own: str | None = None  # the issuer's own unit name
    note: str = ""


# ------------------------------------------------------------------------------------------------
# the corpus


def load_bases(corpus: Path) -> list[Base]:
    g = gazetteer()
    out = []
    for sub, key in (("pages", "reports"), ("full", "files")):
        manifest = json.loads((corpus / sub / "manifest.json").read_text(encoding="utf-8"))
        for r in sorted(manifest[key], key=lambda r: r["file"]):
            text = read_path(corpus / sub / r["file"]).text.replace("\r\n", "\n").replace("\r", "\n")
            out.append(Base(f"{sub}/{r['file']}", text, r, manifest_unit(r, g), r["issuer_level"]))
    return out


def manifest_unit(r: dict, g) -> str | None:
    """The issuer's area: the most specific unit of the manifest's issuer name that agrees with the
    manifest's province / city / county (a department: its region)."""
    issuer = re.sub(r"\s*[(（].*?[)）]\s*", "", r["issuer"])
    chain = [x for x in (r.get("province"), r.get("city"), r.get("county")) if x]

    def agrees(code: str) -> int:
        path = g.path(code)
        n = 0
        for x in chain:
            plain = re.sub(r"\s*[(（].*?[)）]", "", x)
            inner = re.findall(r"[(（](.*?)[)）]", x)
            if any(p == plain or p in inner or p.startswith(plain) or plain.startswith(p) for p in path):
                n += 1
        return n

    best = None
    for m in g.scan(issuer):
        for c in m.codes:
            key = (agrees(c), len(g.ancestors(c)))
            if key[0] == 0 and chain and g.units[c].level != "province":
                continue
            if best is None or key > best[0]:
                best = (key, c)
    if best:
        return best[1]
    for x in reversed(chain):
        for name in [x, *re.findall(r"[(（](.*?)[)）]", x)]:
            codes = g.lookup(name)
            if len(codes) == 1:
                return codes[0]
    return None


_TRADITIONAL = re.compile(r"[區鎮報與開證會條億數據屆關於這個們]")


def traditional(text: str) -> bool:
    return len(_TRADITIONAL.findall(text)) >= 8


# ------------------------------------------------------------------------------------------------
# where the own name stands


_VERB = (
    "认真|坚持|严格|高度|深入|按照|始终|共|未|主要|通过|立足|围绕|以|进一步|不断|全面|持续|紧紧|扎实|积极|切实|"
    "着力|大力|聚焦|把|将|对|全年|本年度|依托|依法|结合|根据|加强|强化|优化|紧扣|深化|推进|落实|贯彻|梳理|"
    "年内|累计|在|对照|注重|统筹|狠抓|现|牢固|聚力|精心|主动"
)
_ORG = r"(?:人民政府|政府|街道办事处|办事处|党政办公室|人民政府办公室|政府办公室|[^\s，,。；;、《》“”()（）]{1,12}?(?:局|委员会|委|办公室|办|厅|中心|室|管委会))?"
_PLATFORM = (
    r"(?:人民政府|政府|街道办事处|办事处|镇政府|区政府)?(?:门户网站|政府网站|网站|政务网|政府网|信息公开网|信息公开平台|政务公开专栏|"
    r"公开栏|公示栏|微信公众号|政务微信|政务新媒体|便民服务中心|政务服务中心|党群服务中心|党政办公室|党政办|"
    r"党政综合办公室|政府办公室|政务公开办公室|信息公开办公室|信息公开工作领导小组办公室|政务公开领导小组办公室|"
    r"政务公开工作领导小组办公室)"
)
_RULE_END = r"(?:制度|办法|细则|规定|规则|规范|指南|目录|流程|机制|方案|分解表|要点|清单)"
_ROAD = r"(?:[东西南北中]?(?:路|街(?!道)|巷|弄|大道|大街))"
_DATE_LINE = re.compile(r"\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*")


def head_title_lines(lines: list[str], limit: int = 30) -> set[int]:
    """0-based title lines in the head: a short line naming the annual report, or the first half of a
    title split over two lines (the second half continues with the year or 政府信息公开…)."""
    out = set()
    nonempty = [i for i, s in enumerate(lines) if s.strip()][:limit]
    for k, i in enumerate(nonempty):
        s = re.sub(r"[|\s]+", "", lines[i])
        if re.search(r"根据|本报告|本年度报告|按照|为贯彻|当前位置|本地目录|链接|/|>", s):
            continue
        if "年度报告" in s and len(s) <= 70:
            out.add(i)
            continue
        if k + 1 < len(nonempty):
            nxt = re.sub(r"[|\s]+", "", lines[nonempty[k + 1]])
            if (
                len(s) <= 40
                and "年度报告" in nxt
                and len(s + nxt) <= 80
                and not re.search("根据|本报告|>", nxt)
                and re.match(r"(?:(?:19|20)\d{2}年|政府|信息公开|公开|工作|年度报告)", nxt)
            ):
                out.add(i)
    return out


def signature_lines(lines: list[str]) -> set[int]:
    nonempty = [i for i, s in enumerate(lines) if s.strip()]
    if len(nonempty) >= 2 and _DATE_LINE.fullmatch(lines[nonempty[-1]]) and len(lines[nonempty[-2]].strip()) <= 30:
        return {nonempty[-2]}
    return set()


def position(line: str, a: int, b: int, idx: int, title_lines: set[int], sig_lines: set[int], township: bool, short: bool) -> str | None:
    """The author position of the own name at line[a:b], or None when it is not clearly one."""
    before, after = line[:a], line[b:]
    clause = before[max(before.rfind(c) for c in "。；;！？!?") + 1 :]
    if short:
        return "doc-number" if re.match(r"(?:政发|政办发|政办|政字|政办字|府发|府办发|办发|委发)\s*[〔\[]", after) else None
    if idx in title_lines and "《" not in before:
        return "title"
    if idx in sig_lines:
        return "signature"
    if re.search(r"地址[:：][^；;。)）]{0,24}$", before):
        if township and not re.match(_ROAD, after) and not re.match(r"[^，,；;。]{0,2}(?:社区|村)", after):
            return "address"
        return None
    if re.search(r"(?:请与|可与|请及时与|请直接与)[^。；;地址]{0,16}$", before) and re.match(r"[^。；;（(]{0,30}联系", after):
        return "contact"
    if re.search(r"(?:请联系|联系单位|咨询单位)[:：]?[^。；;地址]{0,12}$", before) and re.match(r"[^。；;]{0,30}(?:[;；,，(（]|$)", after):
        return "contact"
    if re.search(r"由[^。；;，,《]{0,14}$", before) and re.match(r"[^。；;]{0,120}?(?:编制|综合|汇总|组织编制)", after):
        return "compiler"
    if re.search(
        r"(?:现公布|现将|特向社会公布|向社会公布|现向社会公布|现发布|现编制|编制|结合|面向社会公开|公开)《?(?:(?:19|20)\d{2}年度?)?[^。；;，,《]{0,12}$",
        before,
    ) and re.search(r"^[^。；;]{0,50}(?:年度报告|工作报告|年报|工作实际)", after):
        return "preamble"
    if before.endswith("《") or re.search(r"《(?:19|20)\d{2}年度?$", before):
        close = after.find("》")
        title = after[:close] if close >= 0 else ""
        if title and "关于" not in title and re.search(_RULE_END + "$", title) and not re.search(r"学习|借鉴|参照|参考|对标", clause):
            return "rule-title"
        return None
    if "《" in before and before.rfind("《") > before.rfind("》"):
        return None
    if re.match(_PLATFORM, after) and not re.search(r"学习|借鉴|赴|前往", clause):
        return "platform"
    lead = re.sub(r"\s+", "", clause)
    lead = re.sub(r"^(?:[(（][一二三四五六七八九十\d]+[)）][^。]{0,14}[。.]|\d[.、][^。]{0,14}[。.]|[一二三四五六七八九十]是)", "", lead)
    lead = re.sub(r"^(?:19|20)\d{2}年(?:度|以来|初以来)?[,，]?", "", lead)
    lead = re.sub(r"^(?:在[^。]{2,30}(?:领导|指导|部署)下[,，])+", "", lead)
    lead = re.sub(r"^(?:[\u4e00-\u9fff]{2,8}?(?:省|市|区|县|州|盟|旗))*$", "", lead)
    if lead == "" and re.match(_ORG + r"\s*(?:(?:19|20)\d{2}\s*年度?\s*[,，]?\s*)?(?:" + _VERB + ")", after):
        return "subject"
    return None


# ------------------------------------------------------------------------------------------------
# siblings and children


_ZONE_WORD = re.compile(r"开发区|园区|高新|示范区|管理区|实验区|农场|林场|牧场|渔场|盐场|新区|试验区|合作区|产业|工业|保护区|风景|景区|管理处")


def siblings(g, unit: str) -> list[str]:
    u = g.units[unit]
    parent = g.parent(unit)
    if parent is None:
        return sorted(c for c, x in g.units.items() if x.level == "province" and c != unit)
    return [c for c in g.children(parent) if c != unit and g.units[c].level == u.level]


def pick_sibling(g, unit: str, text: str, rng: random.Random) -> str | None:
    """A sibling of the same kind (镇 for a 镇), named nowhere in the text, not a functional zone,
    whose name the gazetteer reads as itself."""
    me = g.units[unit].name
    kind = g.units[unit].kind
    cands = []
    for c in siblings(g, unit):
        n = g.units[c].name
        if n in text or me in n or n in me or len(n) < 2 or _ZONE_WORD.search(n):
            continue
        scan = g.scan(n)
        if len(scan) != 1 or scan[0].surface != n:
            continue
        cands.append(c)
    same = [c for c in cands if g.units[c].kind == kind]
    cands = sorted(same or cands)
    return rng.choice(cands) if cands else None


def _stem(name: str) -> str | None:
    for suffix in ("街道", "镇", "乡", "苏木", "自治县", "县", "区", "市", "省"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


def _replace(lines: list[str], i: int, a: int, b: int, new: str) -> str:
    out = lines[:]
    out[i] = lines[i][:a] + new + lines[i][b:]
    return "\n".join(out)


# ------------------------------------------------------------------------------------------------
# name-mismatch cases


def name_cases(base: Base) -> list[Case]:
    g = gazetteer()
    if not base.unit or traditional(base.text):
        return []
    rng = random.Random(f"{SEED}:{base.name}")
    lines = base.text.split("\n")
    unit = g.units[base.unit]
    titles, sigs = head_title_lines(lines), signature_lines(lines)
    township = unit.level == "township"
    sib = pick_sibling(g, base.unit, base.text, rng)
    if not sib:
        return []
    sibling = g.units[sib]
    full = [n for n in (unit.name, *unit.former) if n]
    found: dict[str, list[tuple[int, int, int]]] = {}
    for i, s in enumerate(lines):
        scan = g.scan(s)
        for surface, short in [(x, False) for x in full] + [(x, True) for x in unit.short]:
            for m in re.finditer(re.escape(surface), s):
                if not short:  # the full name as the gazetteer reads it, not inside a longer name
                    hit = [x for x in scan if x.start <= m.start() < x.end]
                    if not hit or hit[0].surface != surface or hit[0].start != m.start():
                        continue
                pos = position(s, m.start(), m.end(), i, titles, sigs, township, short)
                if pos:
                    found.setdefault(pos, []).append((i, m.start(), m.end()))
    authored = sum(len(v) for v in found.values())
    stated = sum(len(v) for k, v in found.items() if k in IDENTITY_POSITIONS)
    out = []
    for pos in NAME_POSITIONS:
        if pos not in found:
            continue
        i, a, b = found[pos][rng.randrange(len(found[pos]))]
        remaining = stated - (1 if pos in IDENTITY_POSITIONS else 0)
        if authored < 2 or remaining < (2 if pos in IDENTITY_POSITIONS else 1):
            continue
        repl = sibling.name
        if pos == "doc-number":
            if not sibling.short:
                continue
            repl = sibling.short[0]
        out.append(Case(f"{base.name}#name:{pos}", base.name, "name-mismatch", pos, True, _replace(lines, i, a, b, repl), i + 1, sibling.name, unit.name))
    return out


def legit_cases(base: Base) -> list[Case]:
    g = gazetteer()
    if not base.unit or traditional(base.text):
        return []
    rng = random.Random(f"{SEED}:legit:{base.name}")
    lines = base.text.split("\n")
    unit = g.units[base.unit]
    own = unit.name
    parent = g.parent(base.unit)
    out = []

    def add(pos: str, i: int, a: int, b: int, repl: str, note: str) -> None:
        out.append(Case(f"{base.name}#legit:{pos}", base.name, "name-mismatch", pos, False, _replace(lines, i, a, b, repl), i + 1, None, own, note))

    def pick(hits):
        return hits[rng.randrange(len(hits))]

    # parent: 区委、区政府 / 县政府 written with the superior's name (a department's 县政府 is its own)
    if parent:
        kind, name = (unit.kind, own) if base.level == "department" else (g.units[parent].kind, g.units[parent].name)
        pat = re.compile(rf"(?<=[，,。；;、在和及与按照根据由经对向])({kind})(委、{kind}政府|委{kind}政府|政府|委)")
        hits = [(i, m) for i, s in enumerate(lines) for m in pat.finditer(s)]
        if hits and len(name) >= 2:
            i, m = pick(hits)
            add("parent", i, m.start(1), m.end(1), name, f"{m.group(0)} -> {name}{m.group(2)}")
    # child: a county's or city's 各乡镇/各街道, or its own platform, given to one of its children
    kids = [
        c for c in g.children(base.unit)
        if not _ZONE_WORD.search(g.units[c].name) and g.units[c].name not in base.text and re.search(r"(?:街道|镇|乡|苏木|区|县|市|旗)$", g.units[c].name)
    ]
    if kids and unit.level in ("county", "city", "province") and base.level != "township":
        kid = g.units[rng.choice(sorted(kids))]
        hits = [(i, m) for i, s in enumerate(lines) for m in re.finditer(r"各(?:乡镇|镇|街道|乡|县|区|县区|区县)(?:[（(][^）)]{1,6}[)）])?", s)]
        if hits:
            i, m = pick(hits)
            add("child", i, m.start(), m.end(), kid.name, f"{m.group(0)} -> {kid.name}")
        else:
            hits = [(i, m) for i, s in enumerate(lines) for m in re.finditer(re.escape(own) + r"(?=" + _PLATFORM + ")", s)]
            if hits:
                i, m = pick(hits)
                add("child", i, m.start(), m.end(), kid.name, f"own platform -> {kid.name}")
    # road: a sibling's stem given to a road of the address
    sib = pick_sibling(g, base.unit, base.text, rng)
    stem = _stem(g.units[sib].name) if sib else None
    if stem:
        pat = re.compile(r"(?<=地址[:：])[^；;。)）]{0,24}?([\u4e00-\u9fff]{2})(?=[东西南北中]?(?:路|街(?!道)|大道)\d)")
        hits = [(i, m) for i, s in enumerate(lines) for m in pat.finditer(s) if not g.scan(m.group(1))]
        if hits:
            i, m = pick(hits)
            add("road", i, m.start(1), m.end(1), stem, f"road {m.group(1)} -> {stem}")
    # conjunction: 市、县 written 市和县
    hits = [(i, m) for i, s in enumerate(lines) for m in re.finditer(r"(?<=市)、(?=县)", s)]
    if hits:
        i, m = pick(hits)
        add("conjunction", i, m.start(), m.end(), "和", "市、县 -> 市和县")
    # quoted: a superior's notice cited as issued by another unit of the superior's level
    for a in g.ancestors(base.unit):
        name = g.units[a].name
        pat = re.compile(r"(?:根据|按照|依据|贯彻|落实|执行|转发|和|及|、)\s*《(" + re.escape(name) + r")(?:人民政府|政府)[^》]{0,20}关于[^》]{2,60}》")
        hits = [(i, m) for i, s in enumerate(lines) for m in pat.finditer(s)]
        if not hits:
            continue
        other = pick_sibling(g, a, base.text, rng)
        if other:
            i, m = pick(hits)
            add("quoted", i, m.start(1), m.end(1), g.units[other].name, f"{name} -> {g.units[other].name} in a cited notice")
        break
    return out


# ------------------------------------------------------------------------------------------------
# year-mismatch cases

_PERIOD = re.compile(
    r"((?:19|20)\d{2})(\s*年?\s*1\s*月\s*1\s*日[^0-9]{0,6}?(?:至|到|—|－|-|~|～)\s*)(?:((?:19|20)\d{2})(\s*年?\s*))?(12\s*月\s*31\s*日)"
)


def year_cases(base: Base) -> list[Case]:
    year = base.record.get("report_year")
    if not year or traditional(base.text):
        return []
    ys, prev = str(year), str(year - 1)
    rng = random.Random(f"{SEED}:year:{base.name}")
    lines = base.text.split("\n")
    if any(m.group(1) != ys or (m.group(3) and m.group(3) != ys) for s in lines for m in _PERIOD.finditer(s)):
        return []  # the report's own period already names another year: a real defect, no shifts
    periods = [(i, m) for i, s in enumerate(lines) for m in _PERIOD.finditer(s)]
    titles = [(i, m) for i in sorted(head_title_lines(lines)) for m in re.finditer(ys + r"(?=\s*年)", lines[i])]
    first_body = next((i for i, s in enumerate(lines) if re.match(r"\s*(?:一\s*[、.．]|第一部分)", s)), 0)
    openings = [
        (i, m)
        for i, s in enumerate(lines)
        if i >= first_body
        for m in re.finditer(r"(?:^|[。；]\s*|^\s*[(（][一二三四五六七八九十]+[)）][^。]{0,16}[。])\s*(" + ys + r")(?=\s*年\s*度?\s*[,，])", s)
    ]
    quoted = [(i, m) for i, s in enumerate(lines) for m in re.finditer(r"《[^》]{0,30}?关于[^》]{0,30}?(" + ys + r")(?=\s*年)[^》]*》", s)]
    out = []

    def add(pos: str, positive: bool, i: int, spans: list[tuple[int, int]]) -> None:
        new = lines[i]
        for a, b in sorted(spans, reverse=True):
            new = new[:a] + prev + new[b:]
        out.append(Case(f"{base.name}#year:{pos}", base.name, "year-mismatch", pos, positive, "\n".join(lines[:i] + [new] + lines[i + 1 :]), i + 1))

    stated_elsewhere = bool(titles) or bool(openings)
    if periods:
        i, m = periods[0]
        if m.group(3):
            add("period-start", True, i, [m.span(1)])
            if stated_elsewhere:
                add("period", True, i, [m.span(1), m.span(3)])
        elif stated_elsewhere:
            add("period", True, i, [m.span(1)])
    if titles and (periods or openings):
        i, m = titles[0]
        add("title", True, i, [m.span()])
    if openings and (titles or periods):
        i, m = openings[0]
        add("opening", True, i, [m.span(1)])
    if len(openings) > 1:
        i, m = openings[1 + rng.randrange(len(openings) - 1)]
        add("narrative", True, i, [m.span(1)])
    if quoted:
        i, m = quoted[rng.randrange(len(quoted))]
        add("quoted-year", False, i, [m.span(1)])
    return out


def all_cases(bases: list[Base]) -> list[Case]:
    out = []
    for b in bases:
        out += name_cases(b) + legit_cases(b) + year_cases(b)
    return out
