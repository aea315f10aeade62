"""五、存在的主要问题及改进情况 written in generalities: stock phrases, no named problem, no concrete measure."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from textcheck.document import Block, BlockKind, Document, shorten
from textcheck.resources import corpus_toml
from textcheck.rules import Context, Hit, rule

_SENTENCE_END = re.compile(r"(?<=[。；;！？!?])")
_ENUM = re.compile(r"^(?:[（(][一二三四五六七八九十\d]{1,2}[)）]|[一二三四五六七八九十]是|第[一二三四五六七八九十]|\d{1,2}[.、．]|[、，,：:\s])+")
# the sentence where the improvement measures begin
_MEASURES_START = re.compile(
    r"^(?:[（(][一二三四五][)）])?\s*(?:下一步|下步|今后|针对|为此|对此|对上述|对以上|因此|我们将|本机关将|"
    r"(?:19|20)\d{2}年[，,]?[^。；，,]{0,6}将|[^。；]{0,8}将(?:从以下|采取|重点|着力|继续|进一步|切实)|"
    r"(?:下步)?(?:改进|整改)(?:措施|情况|方向|计划|举措)|改进(?:工作)?(?:措施|方向))"
)
# a sub-heading that only names the part: （一）存在的主要问题。 / （二）下步改进措施：
_PART_LABEL = re.compile(r"^(?:存在的?(?:主要)?问题|(?:下步|下一步)?(?:改进|整改)(?:措施|情况|计划|方向)?)[。:：]?$")
_NUMBER = re.compile(
    r"\d+(?:\.\d+)?\s*(?:%|％|‰|件|条|次|个|家|人|期|场|篇|项|份|万|亿|余|多|名|天|日|月|小时|工作日|批|类|户|元|部|本|套)"
    r"|[两三四五六七八九十百千万]+(?:次|场|期|名|批|篇|件|条|家|个工作日)"
)
_QUOTED = re.compile(r"[“\"]([^”\"]{3,30})[”\"]")
_TITLE = re.compile(r"《([^》]{2,60})》")


@dataclass(frozen=True)
class Phrase:
    part: str
    pattern: re.Pattern[str]
    example: str


@dataclass(frozen=True)
class Lexicon:
    phrases: tuple[Phrase, ...]
    specific_words: tuple[str, ...]
    slogans: tuple[str, ...]
    common_titles: frozenset[str]


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    data = corpus_toml("stock_phrases.toml")
    spec = data["specific"]
    return Lexicon(
        phrases=tuple(
            Phrase(part=p["part"], pattern=re.compile(p["pattern"]), example=p["example"]) for p in data["phrase"]
        ),
        specific_words=tuple(sorted(set(spec["words"]), key=lambda w: (-len(w), w))),
        slogans=tuple(spec["slogans"]),
        common_titles=frozenset(spec["common_titles"]),
    )


@dataclass(frozen=True)
class Sentence:
    text: str
    line: int
    part: str  # problems | measures
    stock: tuple[str, ...]  # stock phrases found (matched text)
    specific: tuple[str, ...]  # specific markers found


def specifics(text: str, lex: Lexicon | None = None) -> list[str]:
    """What makes ``text`` specific: numbers with a unit, named documents, quoted names, concrete words."""
    lex = lex or lexicon()
    found: list[str] = []
    found += [m.group(0) for m in _NUMBER.finditer(text)]
    for m in _TITLE.finditer(text):
        title = m.group(1)
        if title not in lex.common_titles and not title.endswith("政府信息公开条例"):
            found.append(m.group(0))
    for m in _QUOTED.finditer(text):
        if not any(s in m.group(1) for s in lex.slogans):
            found.append(m.group(0))
    rest = text
    for w in lex.specific_words:  # longest first, each occurrence consumed once
        if w in rest:
            found.append(w)
            rest = rest.replace(w, "\x00")
    return found


def stock_phrases(text: str, lex: Lexicon | None = None) -> list[str]:
    lex = lex or lexicon()
    out = []
    for p in lex.phrases:
        out += [m.group(0) for m in p.pattern.finditer(text)]
    return out


def _line_of(doc: Document, block: Block, piece: str) -> int:
    probe = piece[:12]
    for ln in range(block.line, block.end_line + 1):
        if probe and probe in doc.norm_lines[ln - 1]:
            return ln
    return block.line


def split_section(doc: Document, blocks: list[Block]) -> list[Sentence]:
    """Sentences of the problems section, each marked as part of the problems or of the measures."""
    lex = lexicon()
    part = "problems"
    out: list[Sentence] = []
    for b in blocks:
        pieces = [p for p in _SENTENCE_END.split(b.text) if p.strip()]
        for piece in pieces:
            core = _ENUM.sub("", piece.strip()).strip("*")
            if part == "problems" and _MEASURES_START.match(core):
                part = "measures"
            if len(re.sub(r"\W", "", core)) < 4 or _PART_LABEL.match(core):
                continue
            out.append(
                Sentence(
                    text=piece.strip(),
                    line=_line_of(doc, b, piece.strip()),
                    part=part,
                    stock=tuple(stock_phrases(core, lex)),
                    specific=tuple(specifics(core, lex)),
                )
            )
    return out


@rule(
    "generic-problems",
    name="问题泛泛而谈",
    severity="warning",
    summary="“存在的主要问题及改进情况”泛泛而谈：只有套话，没有指出具体问题和具体措施",
    category="content",
    options={"min_stock_sentences": 2, "min_stock_share": 0.5, "max_specific_measures": 0},
)
def generic_problems(doc: Document, ctx: Context):
    """What：“五、存在的主要问题及改进情况”中，问题部分没有一处具体内容，只有套话（“有待进一步加强”
    “公开内容不够全面”“离上级要求还有差距”），改进措施部分也同样空泛（“进一步加强领导”“拓宽公开
    渠道”）时报告。具体内容指：带单位的数字（“解读 3 条”“每季度 1 次”）、具体日期或时限（“季度”
    “年底前”）、具名的文件《…》（《条例》本身不算）、加引号的名称（口号不算）、具体的渠道、形式、领域、
    工具或原因（微信公众号、图解、财政预决算、农村社区、答复文书、人员兼职……，见
    corpora/stock_phrases.toml）。判断过程写在结果里：哪些句子是套话（套用了哪些说法）、缺少什么。
    套话句子少于 min_stock_sentences 句或占比低于 min_stock_share 时不报；措施部分的具体内容超过
    max_specific_measures 处时不报。把握程度随套话句子的比例升高。

    Why：规定问题部分要“查找不足、剖析原因”，不得泛泛而谈、年年雷同；审核评分对空泛的问题和措施扣分。

    Example：大章镇报告：“一是政府信息公开的内容不够全面；二是公开的面不够广；三是……通俗化解读工作
    有待进一步加强”，措施是“加强领导，落实责任”“加强学习，规范流程”“加强监督，内容把关” → 警告。
    资阳市报告（种子 001）问题中写到“使用图片、视频等”“邀请专家学者参与较少”“微信、微博等各种新媒体”，
    措施写到依托新建成的“政府信息公开”专栏；攀枝花市报告（种子 004）写到“图表、动画等方式较少”“向
    农村和社区延伸”“村（居）务公开”，措施写到“两微一端”、“一网通办”、集约化平台统一信息资源库：都是
    具体内容，不报。

    不报：问题具体而措施空泛，或问题空泛而措施具体（只在两部分都空泛时报）；内容不足 min_stock_sentences
    句套话的短小部分；只写“无”或只有标题（empty-section 报告）；与上一年度相同（年度对比
    problems-carryover 报告）；没有回顾上一年度问题的整改情况（本规则不判断）。
    """
    sec = doc.section("problems")
    if sec is None:
        return
    blocks = [
        b
        for b in doc.blocks
        if b.section == "problems" and sec.line < b.line and (b.kind is BlockKind.PARAGRAPH or b.heading_level >= 2)
    ]
    sentences = split_section(doc, blocks)
    if not sentences:
        return
    problems = [s for s in sentences if s.part == "problems"]
    measures = [s for s in sentences if s.part == "measures"]
    if not problems:
        return  # no statement of problems at all: nothing to judge as generic
    if any(s.specific for s in problems):
        return
    measure_specifics = [w for s in measures for w in s.specific]
    if len(measure_specifics) > int(ctx.options["max_specific_measures"]):
        return
    stock = [s for s in sentences if s.stock and not s.specific]
    share = len(stock) / len(sentences)
    if len(stock) < int(ctx.options["min_stock_sentences"]) or share < float(ctx.options["min_stock_share"]):
        return
    confidence = round(min(0.9, 0.45 + 0.45 * share), 2)
    ordered = [p for part in ("problems", "measures") for s in stock if s.part == part for p in s.stock]
    found = set(ordered)
    phrases = list(dict.fromkeys(p for p in ordered if not any(p != q and p in q for q in found)))
    shown = [shorten(s.text.rstrip("。；;！？!?"), 40) for s in stock[:4]]
    missing = "问题部分和改进措施部分都没有" if measures else "问题部分没有，也没有写改进措施；全文没有"
    yield Hit(
        message=(
            f"“存在的主要问题及改进情况”泛泛而谈：{len(sentences)} 句中有 {len(stock)} 句是套话"
            f"（{'、'.join('“' + p + '”' for p in phrases[:6])}{'等' if len(phrases) > 6 else ''}），"
            f"{missing}具体的数字、时间、渠道、领域或措施"
        ),
        suggestion=(
            "写出本年度工作中具体的不足（哪一项工作、哪个栏目或渠道、哪类信息，最好有数字），并针对每个问题写出"
            "具体的改进措施和完成时限，例如“政策解读以文字为主，全年图解、视频解读仅 2 条；下一年度对重要政策"
            "文件同步制作图解，每季度至少 1 期”。"
        ),
        line=stock[0].line,
        end_line=max(s.line for s in sentences),
        text="；".join(shown),
        section="problems",
        confidence=confidence,
        evidence={
            "sentences": len(sentences),
            "stock_sentences": len(stock),
            "stock_share": round(share, 2),
            "stock_phrases": phrases,
            "stock_text": [shorten(s.text, 60) for s in stock],
            "problem_sentences": len(problems),
            "measure_sentences": len(measures),
            "measure_specifics": measure_specifics,
        },
    )
