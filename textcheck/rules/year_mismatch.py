"""year-mismatch: the report must speak of its own year — last year's year where the report speaks of
the current year, a data period or opening that disagrees with the title, a signature date before
the year ended or after the legal deadline. Words that tell the current year from others:
``corpora/year_words.toml``."""

from __future__ import annotations

import functools
import re
from typing import Iterable, Iterator

from textcheck.document import Block, BlockKind, Document, shorten
from textcheck.finding import Severity
from textcheck.resources import corpus_toml
from textcheck.rules import Context, Hit, rule
from textcheck.text import alternation

_Y = r"((?:19|20)\d{2})"
_PERIOD_ANY = re.compile(_Y + r"\s*年\s*1\s*月\s*1\s*日\s*(?:至|到|—|-|~)+\s*" + _Y + r"\s*年\s*12\s*月\s*31\s*日")
_OPENING = re.compile(r"(?:现公布|公布|编制|发布)\s*" + _Y + r"\s*年度?")
_SENTENCE_YEAR = re.compile(r"(?:^|[。；！？;!?])\s*(?:[(（][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+是)?\s*" + _Y + r"\s*年度?\s*(?:[,，]|全年|以来|我|本机关|本单位|共)")


@functools.lru_cache(maxsize=1)
def _words() -> dict[str, re.Pattern[str]]:
    """Current-year and not-current-year words (``corpora/year_words.toml``)."""
    words = corpus_toml("year_words.toml")["year-mismatch"]
    return {
        "current": re.compile(alternation(words["current"])),
        "not_current": re.compile(alternation(words["not_current"]) + r"|自.{0,8}起"),
    }


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
            if wrong and (i, wrong[0]) not in seen and not _words()["not_current"].search(text[max(0, m.start() - 10) : m.start()]):
                seen.add((i, wrong[0]))
                yield hit(i, wrong[0], "统计期限", 0.95)
    # narrative that speaks of the current year with last year's number
    for b in doc.blocks:
        if b.kind is not BlockKind.PARAGRAPH:
            continue
        for off, sent in _sentences(b.text):
            if _words()["not_current"].search(sent) or str(year) in sent:
                continue
            y = None
            m = _SENTENCE_YEAR.search(sent)
            if m and not _inside_brackets(sent, m.start(1)):
                y = int(m.group(1))
                conf = 0.85
            elif _words()["current"].search(sent):
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
        block = doc.block_at(idt.signature_line)
        at_signature = dict(line=idt.signature_line, end_line=idt.signature_line,
                            text=shorten(doc.lines[idt.signature_line - 1].strip(), 120),
                            section=block.section if block else None)
        if (sy, sm, sd) <= (year, 12, 31):
            yield Hit(
                message=f"落款日期“{sy}年{sm}月{sd}日”早于报告年度（{year}年）结束",
                suggestion=f"核对落款日期（应为{year + 1}年）或报告年度是否写错。",
                confidence=0.9,
                evidence={"report_year": year, "signature_date": idt.signature_date},
                **at_signature,
            )
        else:
            deadline_md = _deadline(doc, ctx)
            if (sy, sm, sd) > (year + 1, *deadline_md):
                dl = f"{year + 1}年{deadline_md[0]}月{deadline_md[1]}日"
                yield Hit(
                    message=f"落款日期“{sy}年{sm}月{sd}日”晚于公布期限{dl}",
                    suggestion=f"年度报告应在{dl}前公布（《中华人民共和国政府信息公开条例》第四十九条）；请核对落款日期或报告年度。",
                    confidence=0.7,
                    severity=Severity.WARNING,
                    evidence={"report_year": year, "signature_date": idt.signature_date, "deadline": f"{year + 1}-{deadline_md[0]:02d}-{deadline_md[1]:02d}"},
                    **at_signature,
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
