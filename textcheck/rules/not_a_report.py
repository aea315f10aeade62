"""Is this document an annual report at all? (the decision: ``analysis/report_kind.py``)"""

from __future__ import annotations

from textcheck.document import Document
from textcheck.finding import Severity
from textcheck.rules import Context, Hit, rule


def _reasons(rk) -> list[str]:
    out = []
    kind = rk.title_kind
    if "title" in rk.vetoes:
        if kind.startswith("kind:"):
            out.append(f"开头看起来是一份“{kind[5:]}”（“{rk.title}”）")
        elif kind == "letter":
            out.append(f"开头看起来是一份报送上级的“关于……的报告”（“{rk.title}”）")
        elif kind == "other-report":
            out.append(f"标题是另一种报告，不是政府信息公开工作年度报告（“{rk.title}”）")
        elif kind == "news":
            out.append(f"标题报道的是一次会议或活动（“{rk.title}”）")
        elif kind == "interpretation":
            out.append(f"这是对年度报告的解读或图解（“{rk.title}”）")
    if "language" in rk.vetoes:
        out.append(f"正文主要不是中文（汉字只占字母的 {rk.vetoes['language'][1]}），本工具检查的是中文的年度报告")
    if "summary" in rk.vetoes:
        out.append(f"有工作总结的用语（“{rk.vetoes['summary'][1]}”）")
    if "news" in rk.vetoes:
        out.append(f"有新闻报道的用语（“{rk.vetoes['news'][1]}”）")
    if "addressee" in rk.vetoes:
        out.append(f"有主送单位（“{rk.vetoes['addressee'][1]}”）")
    if "directive" in rk.vetoes:
        out.append(f"有公文用语（“{rk.vetoes['directive'][1]}”）")
    return out


_SIGNAL_NAMES = {
    "title": "年度报告的标题",
    "self_reference": "“本报告……”等自述",
    "data_period": "统计期限",
    "table_terms": "法定表格",
    "subtopics": "“（一）主动公开”等小标题",
}


@rule(
    "not-a-report",
    name="不是年度报告",
    severity="error",
    summary="文件不是政府信息公开工作年度报告（只报这一条，不做其他检查）",
    category="structure",
    exclusive=True,
)
def not_a_report(doc: Document, ctx: Context):
    """报告什么：文件不是政府信息公开工作年度报告时，只报这一条（错误），不做其他检查，避免对通知、工作要点、
    新闻、解读等文件给出大量无意义的结果。判断看多方面的特征，不只数六个部分的标题：年度报告的标题（在网页栏目之后、
    分成两行、后面跟着日期也算）、报告的自述（本报告……、现将……年度报告公布如下、如对本报告有疑问）、统计期限、
    法定表格的栏目、六个部分的标题、“（一）主动公开”等小标题；另一类文件的特征一票否决：标题以“通知”“工作总结”
    “指南”“方案”“解读”等结尾或报道一次会议，“关于……的报告”，图解，主送单位（各乡镇人民政府、县直各单位：）
    加公文用语（印发给你们、特此通知），新闻用语（1月9日下午，…；会议强调），工作总结用语，正文主要不是中文
    （汉字不到字母的一半：英文译本、说明文件；真实报告连同网页和爬虫文本都在九成以上）。词表见
    corpora/report_signals.toml。

    拿不准时（有报告的特征，也有一条另类特征；或特征很少）按年度报告检查，并给一条提示说明原因。

    依据：审核人员批量检查时，文件夹里常混有通知、工作要点、解读等非报告文件；真实报告又常是网页、镜像或
    爬虫文本，只数标题会把截断的、编号不规范的报告误判为“不是报告”。

    例子：雅安市转发的《2021年全省政务公开重点工作安排》的通知 → 不是年度报告；一篇只摘录了开头的报告
    （有标题和“本报告……”）→ 是报告，照常检查。

    不报：有年度报告标题和自述的文件，哪怕只剩开头、没有六个部分的标题。
    """
    rk = ctx.report_kind(doc)
    if rk.verdict == "report":
        return
    first = next((b for b in doc.blocks if b.text.strip()), None)
    line = rk.title_line or (first.line if first else None)
    text = (rk.title or (first.text if first else ""))[:60]
    found = rk.sections
    evidence = {
        "verdict": rk.verdict,
        "sections_found": sorted(s.key for s in doc.sections),
        "signals": sorted(rk.signals),
        "vetoes": sorted(rk.vetoes),
    }
    if rk.verdict == "unsure":
        seen = "、".join(_SIGNAL_NAMES[k] for k in sorted(rk.signals, key=list(_SIGNAL_NAMES).index)) or "很少的年度报告特征"
        why = "；".join(_reasons(rk))
        yield Hit(
            message=(
                f"不能确定这是政府信息公开工作年度报告：有{seen}"
                + (f"，但{why}" if why else f"，年度报告规定的六个部分只找到 {found} 个")
                + "。仍按年度报告检查"
            ),
            suggestion="如果这不是年度报告，请忽略其他检查结果；如果是，请按规定格式使用“一、总体情况”……“六、其他需要报告的事项”六个标题。",
            line=line,
            end_line=line,
            text=text,
            severity=Severity.INFO,
            confidence=0.5,
            evidence=evidence,
        )
        return
    reasons = _reasons(rk) or ["没有年度报告的标题、统计期限、法定表格等特征"]
    yield Hit(
        message=(
            f"这份文件不像政府信息公开工作年度报告：年度报告规定的六个部分只找到 {found} 个，"
            + "；".join(reasons)
            + "。未做其他检查"
        ),
        suggestion=(
            "请确认选择的文件是否正确。如果这是年度报告，请按《中华人民共和国政府信息公开工作年度报告格式》"
            "使用“一、总体情况”“二、主动公开政府信息情况”……“六、其他需要报告的事项”六个标题。"
        ),
        line=line,
        end_line=line,
        text=text,
        confidence=0.9 if rk.vetoes else 0.7,
        evidence=evidence,
    )
