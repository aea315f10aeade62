"""Who issued the report and for which year, as the text states it.

Every statement is kept as a candidate ``(text, source, line)`` — the analysis (analysis/issuer.py)
weighs them against each other, because a copied report may keep a sibling's name in any one of them:

- ``title``: a title line anywhere in the head, after web-page chrome, joined when split over two lines
  (``X2023年度政府`` / ``信息公开工作年度报告``), cut where it is fused with the preamble, with a crawler's
  ``标题:`` label or trailing ``|`` junk and dates removed;
- ``preamble``: ``本报告由X…编制``, ``现公布/现将/特向社会公布X…年度报告``, ``结合X…工作实际``, ``汇总X…编制而成``,
  ``X在总结…的基础上``;
- ``contact``: ``请与X联系``, ``请联系：X``;
- ``publisher``: a ``发布机构`` / ``公开主体`` / ``来源`` line of the page;
- ``subject``: the subject of the first sentence of 总体情况 (``2023年，X认真贯彻…``);
- ``signature``: the body above the closing date.

Years: the title's, the preamble's (``现公布2023年…年度报告``), the opening ``YYYY年，`` of 总体情况, the data
period (``自2023年1月1日起至2023年12月31日止``, the second year or 年 may be missing). Nothing here knows the
gazetteer: it reads statements, the analysis places them.
"""

from __future__ import annotations

import re

from textcheck.document import Identity
from textcheck.parse.blocks import RawBlock

Y = r"((?:19|20)\d{2})"
_CHROME = re.compile(r"当前位置|首页|>|»|发布时间|浏览|字号|字体|分享|打印|关闭|索引号|点击|无障碍|本地目录|链接|http|www\.|/")
_LABEL = re.compile(r"^[|\s]*(?:标\s*题|名\s*称|文件名称|题\s*名)\s*[:：|]?[\s|]*")
_TRAIL = re.compile(
    r"(?:\s*[(（]?\s*(?:19|20)\d{2}\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?\s*[)）]?"
    r"|\s*(?:发布时间|来源|日期|作者)[:：].*|[\s|]+)$"
)
_SENTENCE_WORDS = re.compile(r"根据|按照|依据|本报告|本年度报告|现将|特向|现公布|为贯彻|编制|如对")
_TITLE_A = re.compile(r"^(?P<issuer>.+?)\s*" + Y + r"\s*年\s*度?\s*(?:的)?\s*(?:政府|政务)?\s*(?:信息公开|政务公开|信息)")
_TITLE_B = re.compile(Y + r"\s*年\s*度?\s*(?P<issuer>[^\s,，。、《》“”]*?)\s*(?:政府)?\s*(?:信息公开|政务公开|政府信息)")
_ORG_TAIL = re.compile(
    r"(?:人民政府|政府|办公室|办公厅|局|委员会|委|办事处|管委会|管理委员会|中心|院|厅|部|署|所|室|镇|乡|街道|苏木|公司|队|站|馆|办|区|县|市|省|旗|州|盟)$"
)
_RELATIVE = re.compile(r"^(?:县|区|市|镇|乡|街道|州|旗)(?:人民政府|政府|委|办|局|委员会|党政|.{0,10}(?:局|办|委|室|中心))")
_CONTINUES_TITLE = re.compile(r"^(?:(?:19|20)\d{2}\s*年|年度|政府|信息|公开|工作|年度报告)")
_FIRST_SECTION = re.compile(r"^(?:第[一二三四五六七八九十]部分|[一二三四五六七八九十]\s*[、.．])")

_YEAR_LEAD = r"\s*《?\s*(?:(?:19|20)\d{2}\s*年\s*度?)?\s*"
_PREAMBLE = (
    re.compile(r"由\s*(?P<x>[^，,。；;（(《》“”]{2,40}?)\s*(?:按照|根据|依据|在|组织|负责|牵头|综合|汇总|结合|编制|编写|[（(])"),
    re.compile(
        r"(?:现公布|现将|现向社会公布|特向社会公布|向社会公布|现发布|现编制|编制了?|面向社会公开|现向社会公开|公布)" + _YEAR_LEAD
        + r"(?P<x>[^，,。；;《》“”]{2,40}?)\s*(?:(?:19|20)\d{2}\s*年\s*度?)?\s*(?:本级)?(?:人民政府|政府)?(?:信息公开|政务公开|政府信息)"
    ),
    re.compile(r"结合" + _YEAR_LEAD + r"(?P<x>[^，,。；;《》]{2,30}?)\s*(?:(?:19|20)\d{2}\s*年\s*度?)?(?:各科室的|的)?(?:政府)?(?:信息公开|政务公开)?(?:工作)?实际"),
    re.compile(r"汇总\s*(?P<x>[^，,。；;、]{2,20}?)(?:政务网|政府网|门户网站|网站|信息公开平台|各)"),
    re.compile(r"期间\s*(?P<x>[^，,。；;、]{2,30}?)(?:及所属|及其|所属|和|、|政府信息公开)"),
    re.compile(r"(?:^|[。；;,，])\s*(?P<x>[^，,。；;《》“”]{2,30}?)\s*(?:在总结|现面向社会公开|依法依规开展|按照要求梳理)"),
)
_CONTACT = (
    re.compile(r"(?:请与|可与|请及时与|请直接与)\s*(?P<x>[^。；;（(]{2,40}?)\s*(?:取得)?联系"),
    re.compile(r"(?:请联系|联系单位)\s*[:：]?\s*(?P<x>[^。；;，,（(:：]{2,40})"),
)
_PUBLISHER = re.compile(r"(?:发\s*布\s*机\s*构|公开主体|来\s*源|信息来源|发文机关|发布单位|发文单位)\s*[:：|]\s*[|\s]*(?P<x>[^\s|:：]{2,30})")
_PUBLISHER_END = re.compile(r"发布时间|发文日期|时间|日期|浏览|作者|生效|索引|有效")
_OPEN_SUBJECT = re.compile(
    r"^(?:[(（][一二三四五六七八九十\d]+[)）][^。]{0,16}?[。.]\s*)?(?:(?:19|20)\d{2}\s*年\s*(?:度|以来|初以来)?\s*[,，]?\s*)?"
    r"(?:在[^。，,]{2,30}(?:领导|指导|部署)下\s*[,，]\s*)*"
    r"(?P<x>[^，,。；;《》“”\s]{2,30}?)\s*(?:认真|坚持|严格|高度|深入|按照|始终|紧紧|扎实|积极|全面|持续|不断|进一步|以|围绕|立足|优化|"
    r"着力|聚焦|切实|把|将|对|共|未|主要|通过|依托|结合|根据)"
)
_OPEN_YEAR = re.compile(r"^\s*(?:[(（][一二三四五六七八九十\d]+[)）][^。]{0,16}?[。.]\s*)?" + Y + r"\s*年\s*度?\s*(?:以来)?\s*[,，]")
_PREAMBLE_YEAR = re.compile(
    r"(?:现公布|现将|公布|编制了?|现编制|发布|现发布|现向社会公布|特向社会公布|向社会公布|面向社会公开)\s*《?[^。；;，,《]{0,30}?" + Y + r"\s*年\s*度?"
)
_SIGNATURE_DATE = re.compile(Y + r"\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*日?")
# the data period; the second year and 年 may be missing (OCR: 20241月1日起至12月31日止)
PERIOD = re.compile(
    Y + r"\s*年?\s*0?1\s*月\s*0?1\s*日\s*(?:起|始|开始)?\s*[,，]?\s*(?:至|到|—|－|-|~|～)+\s*(?:" + Y + r"\s*年?\s*)?12\s*月\s*31\s*日"
)
SOURCE_ORDER = {"title": 0, "preamble": 1, "contact": 2, "publisher": 3, "subject": 4, "signature": 5}
YEAR_ORDER = ("title", "preamble", "opening", "period")


def clean_title(s: str) -> str:
    """A title line without its crawler label (标题:), trailing dates, 发布时间… and | junk."""
    s = _LABEL.sub("", s)
    for _ in range(3):
        cut = _TRAIL.sub("", s)
        if cut == s:
            break
        s = cut
    return s.strip(" |")


def clean_issuer(s: str) -> str:
    s = s.strip(" ：:,，。、|“”\"")
    return re.sub(r"^(?:关于|现公布|公布|标题|正文)[:：]?", "", s)


def issuer_like(s: str) -> bool:
    """Reads as the name of an issuing body: ends like one (局, 人民政府, 镇…) or is a relative name (县政府办)."""
    return bool(s) and 2 <= len(s) <= 40 and (_ORG_TAIL.search(s) is not None or _RELATIVE.match(s) is not None)


def parse_title(title: str) -> tuple[str | None, int | None]:
    """(issuer, year) of a title: 'X2023年…年度报告' or '2023年X…年度报告'."""
    t = re.sub(r"\s+", "", title)
    m = _TITLE_A.match(t)
    if m:
        issuer = clean_issuer(m.group("issuer"))
        if issuer_like(issuer):
            return issuer, int(m.group(2))
    m = _TITLE_B.search(t)
    if m:
        issuer = clean_issuer(m.group("issuer"))
        return (issuer if issuer_like(issuer) else None), int(m.group(1))
    return None, None


def find_title(norm: list[str], before: int) -> tuple[str | None, list[int]]:
    """The report title among the lines before ``before`` (0-based), and every line carrying it."""
    nonempty = [i for i, s in enumerate(norm[:before]) if s.strip()][:40]
    found: list[tuple[str, list[int]]] = []
    for k, i in enumerate(nonempty):
        raw = norm[i]
        s = clean_title(raw)
        if not s:
            continue
        fused = re.match(r"^(.{4,60}?年度报告)\s*(?:本年度报告|本报告|根据|为|按照|本年报)", s)
        if fused and not _SENTENCE_WORDS.search(fused.group(1)):
            found.append((fused.group(1), [i]))
            continue
        if _CHROME.search(raw) and not _LABEL.match(raw):
            continue
        if "年度报告" in s or s.endswith("年报"):
            if len(s) <= 70 and not _SENTENCE_WORDS.search(s.split("年度报告")[0]) and not s.endswith("。"):
                found.append((s, [i]))
            continue
        if k + 1 < len(nonempty) and len(s) <= 45 and not re.search(r"[。；;！？]$", s) and not _SENTENCE_WORDS.search(s):
            j = nonempty[k + 1]
            nxt = clean_title(norm[j])
            head = nxt.split("年度报告")[0]
            if "年度报告" in nxt and _CONTINUES_TITLE.match(nxt) and len(s + nxt) <= 80 and not _SENTENCE_WORDS.search(head):
                found.append((s + nxt, [i, j]))
    if not found:
        return None, []
    best = next((f for f in found if re.search(Y + r"\s*年", f[0])), found[0])
    return best[0], sorted({x for _, ls in found for x in ls})


def _accept(x: str) -> str | None:
    x = re.sub(r"^(?:上述|本|我)", "", clean_issuer(x))
    if len(x) < 2 or re.search(r"\d|报告|条例|规定|通知", x):
        return None
    return x


def _line_of(norm: list[str], a: int, b: int, needle: str) -> int:
    key = re.sub(r"\s", "", needle)[:6]
    for i in range(a, b + 1):
        if key and key in re.sub(r"\s", "", norm[i]):
            return i + 1
    return a + 1


def extract_identity(norm: list[str], blocks: list[RawBlock], texts: list[str]) -> Identity:
    """Every statement of the issuer and the year, read from the normalised lines and the blocks."""
    items = [(b[0].value, b[1], b[2], t) for b, t in zip(blocks, texts)]
    first = next((a for kind, a, _, t in items if kind == "heading" and _FIRST_SECTION.match(t)), len(norm))
    title, tlines = find_title(norm, first if first > 0 else 1)
    cands: list[tuple[str, str, int]] = []
    years: list[tuple[int, str, int]] = []
    kw: dict = {}
    if title:
        kw.update(title=title, title_line=tlines[0] + 1, title_lines=tuple(x + 1 for x in tlines))
        issuer, year = parse_title(title)
        if issuer:
            cands.append((issuer, "title", tlines[0] + 1))
        if year:
            years.append((year, "title", tlines[0] + 1))
    title_lines = set(kw.get("title_lines", ()))
    # the preamble: paragraphs before the first section, and the first ones after it that speak of the report
    head = [x for x in items if x[0] != "heading" and x[1] < first]
    after = [x for x in items if x[0] == "paragraph" and x[1] >= first][:2]
    for kind, a, b, text in head + [x for x in after if re.search(r"本报告|本年度报告|年度报告|报告如下", x[3])]:
        if a + 1 in title_lines and kind != "paragraph":
            continue
        for pat in _PREAMBLE:
            for m in pat.finditer(text):
                x = _accept(m.group("x"))
                if x:
                    cands.append((x, "preamble", _line_of(norm, a, b, m.group("x"))))
        for m in _PREAMBLE_YEAR.finditer(text):
            before = text[: m.start(1)]
            if before.rfind("《") > before.rfind("》") and "关于" in text[before.rfind("《") : m.start(1)]:
                continue  # the year of a cited notice, not of this report
            if re.search("年度报告|工作报告", text[m.end() : m.end() + 40]):
                years.append((int(m.group(1)), "preamble", _line_of(norm, a, b, m.group(0))))
                break
    for kind, a, b, text in items:
        for pat in _CONTACT:
            for m in pat.finditer(text):
                x = _accept(m.group("x"))
                if x and "地址" not in x:
                    cands.append((x, "contact", _line_of(norm, a, b, m.group("x"))))
    for i, s in enumerate(norm[: max(first, 40)]):
        for m in _PUBLISHER.finditer(s):
            x = _accept(_PUBLISHER_END.split(m.group("x"))[0])
            if x:
                cands.append((x, "publisher", i + 1))
    # the first sentence of 总体情况: its subject and its year
    for kind, a, b, text in [x for x in items if x[0] == "paragraph" and x[1] >= first and x[1] + 1 not in title_lines][:4]:
        if re.search(r"本报告|本年度报告|年度报告|统计期限", text[:80]):
            continue
        found = False
        m = _OPEN_SUBJECT.match(re.split(r"[。；;]", text, maxsplit=1)[0])
        if m:
            x = _accept(m.group("x"))
            if x and issuer_like(x):
                cands.append((x, "subject", _line_of(norm, a, b, m.group("x"))))
                found = True
        m = _OPEN_YEAR.match(text)
        if m:
            years.append((int(m.group(1)), "opening", a + 1))
            found = True
        if found:
            break
    for i, s in enumerate(norm):
        m = PERIOD.search(s)
        if m:
            start, end = int(m.group(1)), int(m.group(2)) if m.group(2) else None
            kw["period"] = (start, end, i + 1)
            years.append((end or start, "period", i + 1))
            break
    # the signature: a date in the last lines, the issuing body just above it
    tail = [i for i, s in enumerate(norm) if s.strip()][-4:]
    for i in reversed(tail):
        m = _SIGNATURE_DATE.fullmatch(norm[i].strip())
        if m:
            y, mo, d = (int(g) for g in m.groups())
            if 1 <= mo <= 12 and 1 <= d <= 31:
                kw.update(signature_date=f"{y:04d}-{mo:02d}-{d:02d}", signature_line=i + 1)
                above = [p for p in tail if p < i]
                if above:
                    cand = norm[above[-1]].strip()
                    if issuer_like(cand) and len(cand) <= 30 and "\t" not in cand:
                        cands.append((cand, "signature", above[-1] + 1))
            break
    seen: set[tuple[str, str]] = set()
    ordered = []
    for c in sorted(cands, key=lambda c: (SOURCE_ORDER[c[1]], c[2])):
        if (c[0], c[1]) not in seen:
            seen.add((c[0], c[1]))
            ordered.append(c)
    if ordered:
        kw.update(issuer=ordered[0][0], issuer_source=ordered[0][1], issuer_line=ordered[0][2])
    by_source = {s: (y, ln) for y, s, ln in reversed(years)}
    source = next((s for s in YEAR_ORDER if s in by_source), None)
    if source:
        kw.update(year=by_source[source][0], year_source=source, year_line=by_source[source][1])
    return Identity(**kw, issuer_candidates=tuple(ordered), year_candidates=tuple(years))
