"""A word or phrase typed twice in a row by a slip (资金资金, 监督保障保障机制)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from textcheck.document import Block, BlockKind, Document
from textcheck.resources import corpus_path, corpus_toml, tokenize
from textcheck.rules import Context, Hit, rule

_CJK = "\u3400-\u9fff\uf900-\ufaff"
_MAX_UNIT = 40
# at each position, the shortest unit of 2..40 characters (CJK, digits, latin) followed by itself
_DOUBLED = re.compile(rf"(?=([{_CJK}0-9A-Za-z]{{2,{_MAX_UNIT}}}?)\1)")
_CJK_CHAR = re.compile(rf"[{_CJK}]")
# single characters whose doubling is a slip when jieba keeps them as two separate words
_FUNCTION_CHARS = frozenset("的了和与及在对将把被并从向于")
_DOUBLED_CHAR = re.compile(f"(?=([{''.join(sorted(_FUNCTION_CHARS))}])\\1)")
# navigation chrome of saved web pages: 当前位置：首页>政务公开>政府信息公开>…
_CHROME = re.compile(r"当前位置|您现在的位置|您所在的位置|首页\s*[>＞»/]|[>＞»]\s*首页")


@dataclass(frozen=True)
class Doubling:
    start: int  # offset of the first copy in the block text
    unit: str  # the repeated unit
    confidence: float


@functools.lru_cache(maxsize=1)
def _lists() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(reduplicable verbs, allowed doublings, table labels) from corpora/repeated_word.toml and the
    row and column labels of the statutory tables in corpora/template.txt."""
    data = corpus_toml("repeated_word.toml")
    table_words: set[str] = set()
    in_table = False
    for line in corpus_path("template.txt").read_text(encoding="utf-8").splitlines():
        s = line.strip()
        if s.startswith("#"):
            in_table = "表格" in s
            continue
        if in_table and s:
            table_words.add(re.sub(rf"[^{_CJK}]", "", s))
    table_words.update(data.get("table_words", ()))
    return frozenset(data["reduplicable"]), frozenset(data["allowed"]), frozenset(table_words)


def _reduplication(text: str, start: int, unit: str, reduplicable: frozenset[str]) -> bool:
    """研究研究 / 看看: a verb doubled on purpose, in the colloquial frames where that happens."""
    if unit not in reduplicable:
        return False
    end = start + 2 * len(unit)
    before = text[max(0, start - 2) : start]
    after = text[end : end + 2]
    return bool(
        re.match(r"(?:一下|吧|呢|看|$|[，。；！？、,.;!?])", after)
        or re.search(r"(?:要|去|来|再|得|好好|需要|应该)$", before)
    )


def _table_labels(unit: str, labels: frozenset[str]) -> bool:
    """Is ``unit`` nothing but table labels run together (结果维持 + 结果纠正 + …)?"""
    n = len(unit)
    ok = [True] + [False] * n
    for i in range(n):
        if ok[i]:
            for j in range(i + 1, n + 1):
                if unit[i:j] in labels:
                    ok[j] = True
    return ok[n]


def _candidates(text: str) -> list[tuple[int, int]]:
    """(start, unit length) where ``text`` has a unit immediately followed by itself: a function word
    typed twice (的的), and at each position the shortest unit of two or more characters."""
    found = [(m.start(), 1) for m in _DOUBLED_CHAR.finditer(text)]
    found += [(m.start(), len(m.group(1))) for m in _DOUBLED.finditer(text)]
    return sorted(found)


def find_doublings(text: str) -> list[Doubling]:
    """Slip doublings in ``text``, judged on jieba word boundaries.

    A repeat ``XX`` counts only where the first ``X`` is whole words (it starts and ends on a word
    boundary) and the second starts where the first ends: 人民政府政府信息 is 人民政府 + 政府信息, its
    政府政府 starts inside a word, so it is not a slip. When the second copy only begins a longer word
    (保障 + 保障机制) the doubling is still reported, with a lower confidence.
    """
    if not text:
        return []
    reduplicable, allowed, table_words = _lists()
    # cheap filters first: jieba runs only on text that still has a candidate after them
    cands = []
    for a, length in _candidates(text):
        unit = text[a : a + length]
        cjk = len(_CJK_CHAR.findall(unit))
        if cjk == 0 or (cjk < len(unit) and cjk < 4):
            continue  # numbers (2020, 1010) and short mixed units (5件5件 in fused table cells)
        if length == 1 and unit not in _FUNCTION_CHARS:
            continue  # 常常, 件件, 层层: single-character reduplication is idiomatic
        if text[a : a + 2 * length] in allowed or _table_labels(unit, table_words):
            continue  # 结果维持结果纠正…: table header cells run together
        cands.append((a, length))
    if not cands:
        return []
    tokens = tokenize(text)
    starts = {s for _w, s, _e in tokens}
    ends = {e for _w, _s, e in tokens}
    token_at = {s: (w, e) for w, s, e in tokens}
    out: list[Doubling] = []
    taken = 0  # end of the last accepted doubling: later candidates must not overlap it
    for a, length in cands:
        if a < taken:
            continue
        unit = text[a : a + length]
        mid, b = a + length, a + 2 * length
        if a not in starts or mid not in ends or mid not in starts:
            continue  # starts or ends inside a word: 人民政府|政府信息
        if _reduplication(text, a, unit, reduplicable):
            continue
        if length == 1:
            w1 = token_at.get(a, ("", 0))[0]
            w2 = token_at.get(mid, ("", 0))[0]
            if w1 != unit or w2 != unit:
                continue
        second = token_at.get(mid)
        whole = b in ends and second is not None and second[1] <= b
        out.append(Doubling(start=a, unit=unit, confidence=0.9 if whole else 0.75))
        taken = b
    return out


def _chrome_end(text: str, start: int) -> int:
    """End of a breadcrumb that starts at ``start``: the next sentence end, at most 60 characters on."""
    m = re.compile(r"[。；！？]").search(text, start, start + 60)
    return m.end() if m else min(len(text), start + 60)


def _context(text: str, at: int, length: int, width: int = 10) -> tuple[str, str]:
    return text[max(0, at - width) : at], text[at + length : at + length + width]


def _line_of(doc: Document, block: Block, needle: str) -> int:
    for ln in range(block.line, block.end_line + 1):
        if needle in doc.norm_lines[ln - 1]:
            return ln
    return block.line


@rule(
    "repeated-word",
    name="词语重复",
    severity="warning",
    summary="同一个词或短语紧挨着写了两遍（如“资金资金”“保障保障”），疑为录入失误",
    category="wording",
)
def repeated_word(doc: Document, ctx: Context):
    """What：正文段落和标题中，同一个词或短语紧挨着重复出现（“资金资金分配”“完善监督保障保障机制”
    “主动公开政府政府情况”，以及整句短语重复“……新闻发布会……新闻发布会”）。用结巴分词判断词的边界：
    第一遍必须是完整的词，第二遍从它结束的地方开始。第二遍只是一个更长的词的开头（“保障”+“保障机制”）
    时仍然报告，但把握程度降低。

    Why：这类笔误读起来一眼就能看出，说明报告发布前没有校对。

    Example：“完善监督保障保障机制” → 删去一个“保障”。

    不报：两个词分属不同的复合词（“人民政府政府信息公开”是“人民政府”+“政府信息”）；单字叠用
    （常常、件件、层层、人人，只有“的的”“和和”这类虚词叠用才报）；习惯说法中的动词重叠（“要研究研究”
    “看看”）；数字（“2020”“1010”）和夹数字的短片段；表格中连在一起的表头、行名（“结果维持结果纠正……”）；
    用顿号、逗号隔开的列举；网页导航栏（“当前位置：首页>政务公开>……”）；表格块。
    """
    for b in doc.blocks:
        if b.kind is BlockKind.TABLE:
            continue
        chrome = [(m.start(), _chrome_end(b.text, m.end())) for m in _CHROME.finditer(b.text)]
        for d in find_doublings(b.text):
            if any(s <= d.start < e for s, e in chrome):
                continue
            doubled = d.unit * 2
            line = _line_of(doc, b, doubled)
            # show the user's own characters (the raw line) when the doubling sits on one line
            left, right = _context(b.text, d.start, len(doubled))
            raw = doc.lines[line - 1]
            at = raw.find(doubled)
            if at >= 0:
                raw_left, raw_right = _context(raw, at, len(doubled))
                if len(raw_left.strip()) >= len(left) and len(raw_right.strip()) >= len(right):
                    left, right = raw_left.strip(), raw_right.strip()
            name = d.unit if len(d.unit) <= 12 else f"{d.unit[:5]}…{d.unit[-3:]}（{len(d.unit)} 字）"
            yield Hit(
                message=f"“{name}”连写了两遍" + (f"：“{left}{doubled}{right}”" if len(d.unit) <= 12 else ""),
                suggestion=f"删去一个“{name}”，改为“{left}{d.unit}{right}”。",
                line=line,
                end_line=line,
                text=f"{left}{doubled}{right}",
                section=b.section,
                confidence=d.confidence,
                evidence={"unit": d.unit, "corrected": f"{left}{d.unit}{right}"},
            )
