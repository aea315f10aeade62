"""A sub-heading of 总体情况 that names one subtopic over text that reports on another."""

from __future__ import annotations

from textcheck.analysis.overview_topics import overview_topics
from textcheck.analysis.subtopic_classifier import NAMES, model
from textcheck.document import Document, shorten
from textcheck.rules import Context, Hit, rule


@rule(
    "subtopic-heading-mismatch",
    name="小标题与内容不符",
    severity="warning",
    summary="“总体情况”的小标题写的是一个方面，下面的内容写的却是另一个方面",
    category="structure",
    options={"min_confidence": 0.8, "max_heading_probability": 0.1, "min_chars": 40},
)
def subtopic_heading_mismatch(doc: Document, ctx: Context):
    """What：“总体情况”中，小标题明确写着五个方面之一（“（三）政府信息管理”“（四）平台建设方面”），
    下面的文字却是在写另一个方面时报告。内容写的是哪个方面，由随软件附带的段落主题分类器判断
    （models/README.md：按报告分组交叉验证，准确率 0.92）：这个小标题下各段的概率按字数加权合在一起，
    另一个方面的概率不低于 min_confidence（默认 0.8），而小标题所写方面的概率低于 max_heading_probability
    （默认 0.1）时才报，并给出两个概率。

    Why：规定总体情况按五个方面分别报告；标题和内容对不上，审核时会认为该方面没有写到或写得混乱。

    Example：“（三）政府信息管理”下面写的是“全年公开政府信息 3030 条、公开文件 1624 份……” → 内容是
    “主动公开”，警告。

    不报：小标题没有写明方面或写了几个方面（“（二）以深化‘放管服’改革为契机”）——这时内容按分类器计入
    相应方面，由 subtopic-missing 的依据体现；内容被判为“其他”（背景、表态，见 overview-focus）；小标题下
    不足 min_chars 字；分类器把握不够（概率低于阈值）。训练分类器用过的报告（种子和开发语料）在这里天然
    偏向它们自己的标题，所以在这些报告上本规则偏少报。
    """
    min_conf = float(ctx.options["min_confidence"])
    max_head = float(ctx.options["max_heading_probability"])
    min_chars = int(ctx.options["min_chars"])
    topics = ctx.cached("overview-topics", lambda: overview_topics(doc))
    groups: dict[tuple[str, int], list] = {}
    for t in topics:
        if t.heading_subtopic:
            groups.setdefault((t.heading, t.heading_line or t.line), []).append(t)
    if not groups:
        return
    m = model()
    for (heading, hline), items in sorted(groups.items(), key=lambda kv: kv[0][1]):
        claimed = items[0].heading_subtopic
        body = "".join(t.text for t in items)
        if len(body) < min_chars:
            continue
        # the heading's text as a whole: its paragraphs' probabilities weighted by their length
        size = sum(len(t.text) for t in items)
        probs = {lab: sum(t.probability(lab) * len(t.text) for t in items) / size for lab in m.labels}
        label = max(m.labels, key=lambda lab: (probs[lab], -m.labels.index(lab)))
        if label in (claimed, "other") or probs[label] < min_conf or probs[claimed] >= max_head:
            continue
        yield Hit(
            message=(
                f"小标题“{shorten(items[0].heading_raw, 30)}”写的是“{NAMES[claimed]}”，下面的内容看起来写的是“{NAMES[label]}”"
                f"（分类器判断：{NAMES[label]} {probs[label]:.0%}，{NAMES[claimed]} {probs[claimed]:.0%}）"
            ),
            suggestion=(
                f"核对这部分内容：如果写的确实是{NAMES[label]}，把它移到“{NAMES[label]}”小标题下，并在"
                f"“{NAMES[claimed]}”下写明{NAMES[claimed]}方面的工作；如果标题不准确，改写标题。"
            ),
            line=hline,
            end_line=max(t.end_line for t in items),
            text=shorten(" ".join(t.raw for t in items), 80),
            section="overview",
            confidence=round(probs[label], 3),
            evidence={
                "heading_subtopic": NAMES[claimed],
                "text_subtopic": NAMES[label],
                "probabilities": {NAMES[k]: round(v, 3) for k, v in sorted(probs.items())},
            },
        )
