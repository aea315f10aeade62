"""year-mismatch: the report must speak of its own year. The report year is what the statements of it
agree on (title, preamble, the opening ``YYYY年，`` of 总体情况, the data period; the title decides a
tie); a statement that disagrees, a data period over two calendar years, last year's year where the
report speaks of the current one, an improvement plan dated with the report year itself, a signature
date before the year ended or after the legal deadline are reported. Words that tell the current
year from others: ``corpora/year_words.toml``."""

from __future__ import annotations

import functools
import re
from typing import Iterable, Iterator

from textcheck.analysis.year import LABEL, report_year
from textcheck.document import Block, BlockKind, Document, shorten
from textcheck.finding import Severity
from textcheck.parse.identity import PERIOD
from textcheck.resources import corpus_toml
from textcheck.rules import Context, Edit, Fix, Hit, rule
from textcheck.text import alternation

_Y = r"((?:19|20)\d{2})"
_SENTENCE_YEAR = re.compile(
    r"(?:^|[。；！？;!?])\s*(?:[(（][一二三四五六七八九十\d]+[)）][^。；]{0,16}?[。.]\s*|[一二三四五六七八九十]+是)?\s*" + _Y + r"\s*年\s*度?\s*(?:[,，]|全年|以来|我|本机关|本单位|共)"
)
_CITED_REPORT_NOTICE = re.compile(r"《[^》]{0,40}?关于[^》]{0,30}?" + _Y + r"\s*年\s*度?[^》]{0,20}?年度报告[^》]{0,30}》")


@functools.lru_cache(maxsize=1)
def _words() -> dict[str, re.Pattern[str]]:
    """Current-year, not-current-year and plan words (``corpora/year_words.toml``)."""
    words = corpus_toml("year_words.toml")["year-mismatch"]
    return {
        "current": re.compile(alternation(words["current"])),
        "not_current": re.compile(alternation(words["not_current"]) + r"|自.{0,8}起"),
        "plan_heading": re.compile(alternation(words["plan_headings"])),
        "plan_year": re.compile(_Y + r"\s*年\s*度?\s*[,，]?\s*(?=" + alternation(words["plan_subjects"]) + ")"),
    }


def _sentences(text: str) -> Iterator[tuple[int, str]]:
    start = 0
    for m in re.finditer(r"[。；！？;!?]", text):
        yield start, text[start : m.end()]
        start = m.end()
    if start < len(text):
        yield start, text[start:]


def _line_of(doc: Document, block: Block, needle: str) -> int:
    key = re.sub(r"\s", "", needle)
    for i in range(block.line, block.end_line + 1):
        if key in re.sub(r"\s", "", doc.norm_lines[i - 1]):
            return i
    return block.line


def _inside_brackets(text: str, pos: int) -> bool:
    """Is ``pos`` inside 《…》 or a document number 〔…〕?"""
    head = text[:pos]
    return head.rfind("《") > head.rfind("》") or head.rfind("〈") > head.rfind("〉") or head.rfind("〔") > head.rfind("〕") or head.rfind("[") > head.rfind("]")


@rule(
    "year-mismatch",
    name="年份不一致",
    severity="error",
    summary="报告年份前后不一致（标题、统计期限、正文本年度叙述、改进计划与落款日期）",
    category="identity",
    options={"deadline_month_day": "01-31"},
)
def year_mismatch(doc: Document, ctx: Context) -> Iterable[Hit]:
    """报告年度以标题、开头段落、总体情况开头（2023年，……）、统计期限中多数一致的年份为准（相持时以标题为准）。
    报告：与之不一致的标题、开头或统计期限；跨两个年度的统计期限（自2022年1月1日至2023年12月31日）；以“本年度/全年”
    或“2022年，我镇……”叙述本年情况时写成上一年；改进措施写成报告年度本身（今后的工作应写下一年，警告）；引用的
    “关于做好××年政府信息公开工作年度报告”通知年份早一年（提示）；落款日期早于年度结束或晚于公布期限（《条例》第四十九条）。
    统计期限的写法：自/从……起至/到/—……止，第二个年份或“年”字缺失也认。

    为什么：沿用上一年的报告时最常见的遗漏就是年份没改，读者会把上年的数据当成本年的。

    例：2021年度报告的统计期限写成“2020年1月1日至2020年12月31日”；总体情况写“2020年，我镇……”。

    不报：文件名称中的年份（《…2020年…》）、文号、“上年/去年/同比”的比较、历史日期（自2019年12月以来、
    1998年创刊）、今后的计划。读不出报告年度时不检查（见 identity-unknown）。
    """
    idt = doc.identity
    ry = report_year(idt)
    if not ry:
        return
    year, agree, wrong, ref_lines = ry
    ref = "、".join(LABEL[s] for s in agree)
    words = _words()
    seen: set[tuple[int, int]] = set()

    def hit(line: int, found: int, what: str, conf: float, *, also: Iterable[int] = (), message: str | None = None,
            suggestion: str | None = None, severity: Severity | None = None, fix: Fix | None = None) -> Hit | None:
        if (line, found) in seen:
            return None
        seen.add((line, found))
        block = doc.block_at(line)
        return Hit(
            message=message or f"{what}的年份“{found}年”与报告年度（{ref}：{year}年）不一致",
            suggestion=suggestion or f"将“{found}年”改为“{year}年”，并核对该处内容与数据是否为{year}年度的情况。",
            line=line,
            end_line=line,
            text=shorten(doc.lines[line - 1].strip(), 120),
            section=block.section if block else None,
            confidence=conf,
            severity=severity,
            evidence={"report_year": year, "report_year_from": agree, "found_year": found, "where": what, "lines": sorted({line, *also})},
            fix=fix,
        )

    out: list[Hit | None] = []
    for source, y, lines in wrong:
        if source != "period":  # the period is reported below, with its own wording
            out.append(hit(lines[0], y, LABEL[source], 0.9, also=[*lines, *ref_lines]))
    for i, text in enumerate(doc.norm_lines, start=1):
        for m in PERIOD.finditer(text):
            if words["not_current"].search(text[max(0, m.start() - 10) : m.start()]):
                continue
            y1 = int(m.group(1))
            y2 = int(m.group(2)) if m.group(2) else y1
            fix = _period_fix(doc, i, m, year, sure=len(agree) >= 2)
            if y1 != y2:
                out.append(hit(i, y1 if y1 != year else y2, "统计期限", 0.95, also=ref_lines,
                               message=f"统计期限“{m.group(0)}”跨两个年度；年度报告的统计期限应为报告年度（{year}年）1月1日至12月31日",
                               suggestion=f"改为“{year}年1月1日至{year}年12月31日”，并核对所列数据是否为{year}年度的数据。", fix=fix))
            elif y1 != year:
                out.append(hit(i, y1, "统计期限", 0.95, also=ref_lines, fix=fix))
    for b in doc.blocks:
        if b.kind is not BlockKind.PARAGRAPH:
            continue
        # narrative that speaks of the current year with last year's number
        for _, sent in _sentences(b.text):
            if str(year) in sent:
                continue
            y = None
            m = _SENTENCE_YEAR.search(sent)
            if m and not _inside_brackets(sent, m.start(1)) and not words["not_current"].search(sent[m.start(1) : m.end() + 12]):
                y, conf = int(m.group(1)), 0.85
            elif not words["not_current"].search(sent) and words["current"].search(sent):
                for m2 in re.finditer(_Y + r"\s*年(?!\s*\d{1,2}\s*月)", sent):
                    if int(m2.group(1)) == year - 1 and not _inside_brackets(sent, m2.start(1)):
                        y, conf = year - 1, 0.8
                        break
            if y == year - 1:
                out.append(hit(_line_of(doc, b, str(y)), y, "叙述本年度情况时", conf))
        # an improvement plan dated with the report year itself
        if b.section == "problems":
            heading = (b.inline_heading or "") + (b.subheading or "")
            for off, sent in _sentences(b.text):
                if not (words["plan_heading"].search(heading) or re.search(r"下一步|针对(?:存在的?)?(?:问题|不足)", b.text[: off + len(sent)])):
                    continue
                for m in words["plan_year"].finditer(sent):
                    if int(m.group(1)) == year and not _inside_brackets(sent, m.start(1)):
                        out.append(hit(_line_of(doc, b, m.group(0)[:5]), year, "改进措施", 0.6, severity=Severity.WARNING,
                                       message=f"“存在的主要问题及改进情况”中的改进措施写的是“{year}年”，即报告年度本身；今后的工作安排通常应写下一年（{year + 1}年）",
                                       suggestion=f"核对改进措施的年份，今后的安排应写“{year + 1}年”；若写的是本年度已做的工作，请移到总体情况中叙述。"))
        # a cited notice on this year's report written with last year's number (a hint only)
        for m in _CITED_REPORT_NOTICE.finditer(b.text):
            if int(m.group(1)) == year - 1:
                out.append(hit(_line_of(doc, b, m.group(0)[:8]), year - 1, "引用的通知", 0.4, severity=Severity.INFO,
                               message=f"引用的关于{year - 1}年年度报告的通知比报告年度（{year}年）早一年，请核对是否沿用了上一年的文件名称",
                               suggestion=f"核对引用文件的名称和年份；本年度报告依据的通常是关于做好{year}年政府信息公开工作年度报告的通知。"))
    yield from (h for h in out if h is not None)
    yield from _signature(doc, ctx, year)


def _period_fix(doc: Document, line: int, m: re.Match[str], year: int, *, sure: bool) -> Fix | None:
    """The data period's years set to the report year (only the year digits are edited, the wording kept).
    Certain (``sure``) when two statements or more (title, preamble, opening) agree on the report year;
    with one only, the period may be right and that statement wrong: offered, applied on --select only.
    The data under the period still needs a look, which the suggestion says."""
    base = doc.line_starts[line - 1]
    edits = tuple(Edit(base + m.start(g), base + m.end(g), str(year)) for g in (1, 2) if m.group(g) and int(m.group(g)) != year)
    if not edits:
        return None
    note = "（所列数据仍须核对）" if sure else "（报告年度只有一处写明，请先核对哪一处写错）"
    return Fix(edits=edits, description=f"把{doc.label(line)}统计期限中的年份改为报告年度 {year} 年{note}", safe=sure)


def _signature(doc: Document, ctx: Context, year: int) -> Iterator[Hit]:
    idt = doc.identity
    if not (idt.signature_date and idt.signature_line):
        return
    sy, sm, sd = (int(x) for x in idt.signature_date.split("-"))
    block = doc.block_at(idt.signature_line)
    at = dict(line=idt.signature_line, end_line=idt.signature_line, text=shorten(doc.lines[idt.signature_line - 1].strip(), 120),
              section=block.section if block else None)
    if (sy, sm, sd) <= (year, 12, 31):
        yield Hit(
            message=f"落款日期“{sy}年{sm}月{sd}日”早于报告年度（{year}年）结束",
            suggestion=f"核对落款日期（应为{year + 1}年）或报告年度是否写错。",
            confidence=0.9,
            evidence={"report_year": year, "signature_date": idt.signature_date, "lines": [idt.signature_line]},
            **at,
        )
        return
    month, day = _deadline(doc, ctx)
    if (sy, sm, sd) > (year + 1, month, day):
        dl = f"{year + 1}年{month}月{day}日"
        yield Hit(
            message=f"落款日期“{sy}年{sm}月{sd}日”晚于公布期限{dl}",
            suggestion=f"年度报告应在{dl}前公布（《中华人民共和国政府信息公开条例》第四十九条）；请核对落款日期或报告年度。",
            confidence=0.7,
            severity=Severity.WARNING,
            evidence={"report_year": year, "signature_date": idt.signature_date, "deadline": f"{year + 1}-{month:02d}-{day:02d}", "lines": [idt.signature_line]},
            **at,
        )


def _deadline(doc: Document, ctx: Context) -> tuple[int, int]:
    """1月31日 (departments, 条例 第四十九条 first paragraph); 3月31日 for the report of a whole
    government at county level or above, which its disclosure office publishes."""
    issuer = ctx.issuer(doc)
    text = (issuer or {}).get("text") or doc.identity.issuer or ""
    if text.endswith("人民政府") and issuer and issuer["level"] in ("province", "city", "county"):
        return (3, 31)
    try:
        month, day = (int(x) for x in str(ctx.options.get("deadline_month_day", "01-31")).split("-"))
        return (month, day)
    except ValueError:
        return (1, 31)
