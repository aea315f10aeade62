"""其他需要报告的事项 must say whether 信息处理费 was collected (wording: ``corpora/fee_phrases.toml``)."""

from __future__ import annotations

import functools
import re

from textcheck.document import Document
from textcheck.resources import corpus_toml
from textcheck.rules import Context, Edit, Fix, Hit, rule
from textcheck.text import alternation


@functools.lru_cache(maxsize=1)
def _fee_statement() -> re.Pattern[str]:
    """Wording that states the fee (``corpora/fee_phrases.toml``)."""
    words = corpus_toml("fee_phrases.toml")
    return re.compile(rf"{alternation(words['phrases'])}|(?:{alternation(words['charging_verbs'])})[^。；;]{{0,12}}费")


@rule(
    "fee-statement-missing",
    name="未说明收费",
    severity="warning",
    summary="“其他需要报告的事项”未说明是否收取信息处理费",
    category="content",
    options={"since_year": 2021},
)
def fee_statement_missing(doc: Document, ctx: Context):
    """What：规定“其他需要报告的事项”除其他事项外，还应报告收取信息处理费的情况。
    只写“无”不能说明是否收费。

    Why：《政府信息公开信息处理费管理办法》施行后，年度报告须公开收费情况。

    Example：大章镇、资阳市报告此处只写“无” → 警告；攀枝花市写明“本机关未收取政府信息公开费用” → 通过。

    不报：按2008年《条例》格式编写、收费情况有自己一部分（“四、政府信息公开的收费及减免情况”）的报告；
    报告年度早于 ``since_year``（默认 2021）的报告——《政府信息公开信息处理费管理办法》自 2021 年 1 月 1 日起施行，
    在“其他需要报告的事项”中报告收费情况是 2021 年度报告格式的要求，此前的报告没有这一项（年度读不出时照常检查）。
    """
    year = doc.identity.year
    if year is not None and year < int(ctx.options["since_year"]):
        return
    sec = doc.section("other")
    if sec is None:
        return
    if any(h.key == "fees" and h.role == "part" for h in doc.outline):
        return  # the 2008 format: fees have their own part
    paras = doc.narrative("other")
    fee = _fee_statement()
    if any(fee.search(b.text) for b in paras):
        return
    elsewhere = next((b for b in doc.narrative() if b.section != "other" and "信息处理费" in b.text), None)
    body = next((b for b in paras), None)
    line = body.line if body else sec.line
    if elsewhere:
        yield Hit(
            message=f"收取信息处理费的情况写在了{doc.label(elsewhere.line)}，规定应在“其他需要报告的事项”中说明",
            suggestion="在“六、其他需要报告的事项”中写明本年度是否收取信息处理费及金额。",
            line=line,
            end_line=body.end_line if body else sec.line,
            section="other",
            confidence=0.6,
        )
        return
    yield Hit(
        message="“其他需要报告的事项”没有说明是否收取信息处理费" + ("（只写了“无”）" if body and len(body.text) <= 3 else ""),
        suggestion="写明收费情况，例如：“本年度本机关未收取政府信息公开信息处理费。”或写明收费笔数和金额。",
        line=line,
        end_line=body.end_line if body else sec.line,
        section="other",
        fix=_fee_fix(doc, body),
    )


FEE_SENTENCE = "本年度本机关未收取政府信息公开信息处理费。"
_NOTHING = re.compile(r"^\s*(?:暂)?无[。.]?\s*$")


def _fee_fix(doc: Document, body) -> Fix | None:
    """The lone “无” replaced by the statement of no fee. Not certain (safe False: applied only with
    --select fee-statement-missing): only the issuer knows whether it collected fees."""
    if body is None or body.line != body.end_line or not _NOTHING.match(doc.norm_lines[body.line - 1]):
        return None
    start, end = doc.line_span(body.line)
    return Fix(edits=(Edit(start, end, FEE_SENTENCE),),
               description=f"把{doc.label(body.line)}的“无”改为“{FEE_SENTENCE}”（仅当本年度确实未收费时适用，请核对）",
               safe=False)
