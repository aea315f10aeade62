"""“总体情况” must speak of its five subtopics."""

from __future__ import annotations

from textcheck.analysis.report_format import report_format
from textcheck.analysis.subtopics import lexicon
from textcheck.document import Document
from textcheck.finding import Severity
from textcheck.rules import Context, Hit, rule


@rule(
    "subtopic-missing",
    name="总体情况缺方面",
    severity="error",
    summary="“总体情况”未涉及五个方面之一（主动公开、依申请公开、政府信息管理、平台建设、监督保障）",
    category="structure",
    options={"covered_score": 4, "weak_score": 2, "classifier_covered": 0.7},
)
def subtopic_missing(doc: Document, ctx: Context):
    """What：按国办公开办函〔2021〕30号格式，“总体情况”应包括主动公开、依申请公开、政府信息管理、
    政府信息公开平台建设、监督保障五个方面。本规则按总体情况中的小标题和正文用词（corpora/subtopics.toml）
    判断每个方面是否写到，并给出依据（哪一段、哪些词）。词表认为没写到的方面，再看小标题没有写明方面的
    段落（如攀枝花市报告的“压紧压实工作职责”）：段落主题分类器（models/README.md）认为某段写的是这个方面、
    概率不低于 classifier_covered（默认 0.7）时算写到；概率在 0.5 到 classifier_covered 之间时算零星提及
    （警告），依据中注明分类器和概率。classifier_covered 设为 0 则不用分类器。

    Why：缺少某一方面是年度报告检查中常见的扣分项。

    Example：大章镇报告的总体情况只写了贯彻落实、主动公开、依申请公开、政府信息管理，
    没有平台建设和监督保障 → 报两条。只零星提到相关词语时降为警告。

    降为警告：文件在总体情况之内中断（truncated-input），没写到的方面可能在中断处之后。

    不报：2021年度以前的报告（五个方面是国办公开办函〔2021〕30号格式提出的）；没有总体情况部分
    （section-missing 报）。
    """
    overview = doc.section("overview")
    if overview is None:
        return  # section-missing reports the absent section itself
    if report_format(doc) != "2021":
        return  # the five subtopics are prescribed by the 2021 format
    cut = ctx.cut(doc)
    cut_inside = cut is not None and cut.last_part == "overview"
    weak = int(ctx.options["weak_score"])
    by_key = {s.key: s for s in lexicon()}
    classifier = float(ctx.options["classifier_covered"]) or None
    for status in ctx.subtopics(doc, int(ctx.options["covered_score"]), classifier):
        if status.covered:
            continue
        sub = by_key[status.key]
        terms = sorted({t for e in status.evidence for t in e["terms"]})
        read = [e for e in status.evidence if e.get("kind") == "classifier"]
        if status.score >= weak and read and not terms:
            e = read[0]
            message = (
                f"“总体情况”中没有写明“{sub.name}”方面；{doc.label(e['line'])}的段落可能写的是这方面"
                f"（段落主题分类器判断，把握程度 {e['confidence']:.0%}），请核对"
            )
            severity = Severity.WARNING
            confidence = 0.5
        elif status.score < weak:
            message = f"“总体情况”中没有写到“{sub.name}”方面的内容"
            severity = None
            confidence = 0.9
        else:
            message = f"“总体情况”中“{sub.name}”方面只零星提及（{'、'.join(terms)}），没有成段说明"
            severity = Severity.WARNING
            confidence = 0.6
        if cut_inside:
            message += f"——文件在{doc.label(cut.line)}中断，这一方面可能在中断处之后"
            severity, confidence = Severity.WARNING, min(confidence, 0.4)
        yield Hit(
            message=message,
            suggestion=f"在“一、总体情况”中补充一段“{sub.name}”：{sub.requirement.split('：', 1)[-1]}。",
            line=overview.line,
            end_line=overview.line,
            text=overview.heading,
            section="overview",
            confidence=confidence,
            severity=severity,
            evidence={
                "subtopic": sub.name,
                "score": status.score,
                "terms": terms,
                **({"classifier": [{"line": e["line"], "confidence": e["confidence"]} for e in read]} if read else {}),
            },
        )
