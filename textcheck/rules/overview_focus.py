"""How much of 一、总体情况 is background and declarations rather than what was done."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from textcheck.document import Block, BlockKind, Document, shorten
from textcheck.resources import corpus_toml
from textcheck.rules import Context, Hit, rule

_SENTENCE_END = re.compile(r"(?<=[。；;！？!?])")
_CLAUSE_END = re.compile(r"[，,：:]")
_COUNTABLE = re.compile(r"\S")
_SPACE = re.compile(r"\s")
# what was done: a figure with its unit, or an action on a named document (印发《…》)
_DONE = re.compile(
    r"\d+(?:\.\d+)?\s*(?:%|％|件|条|次|个|家|人|期|场|篇|项|份|万|亿|余|多|名|天|批|类|户|元|部|本|套|栏目|专栏)"
    r"|(?:印发|制定|出台|修订|编制|发布|建立|开设|上线|开通|召开|举办|开展)[^。；;]{0,8}《"
)


@functools.lru_cache(maxsize=1)
def formulas() -> tuple[re.Pattern[str], ...]:
    data = corpus_toml("declarations.toml")
    return tuple(re.compile(f["pattern"]) for f in data["formula"])


_READS_CONTEXT = re.compile(r"\^|\$|\\[bBAZ]|\(\?<?[=!]")


@functools.lru_cache(maxsize=1)
def _local() -> tuple[bool, ...]:
    """Per formula: whether it reads no context (no anchor, word boundary or lookaround). Such a pattern
    that matches inside a sentence also matches in the paragraph holding it, so a paragraph where it
    finds nothing need not be searched sentence by sentence."""
    return tuple(not _READS_CONTEXT.search(p.pattern.replace("[^", "[")) for p in formulas())


def required_literals(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Strings one of which every match of ``pattern`` contains (None: none known). Read from the
    pattern's parse tree: a run of literal characters in its top-level sequence, or, for an alternation
    there, what each alternative requires. Searching a formula that starts with optional words
    (``(?:全面|深入|认真)?(?:学习)?贯彻…``) tries every position; ``贯彻 in text`` is one scan."""
    if pattern.flags & (re.IGNORECASE | re.VERBOSE):
        return None
    try:
        from re import _parser as sre_parse  # Python >= 3.11
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_parse  # type: ignore[no-redef]
    try:
        tree = sre_parse.parse(pattern.pattern, pattern.flags)
    except Exception:  # pragma: no cover - a parser this version does not have
        return None
    return _required(list(tree), sre_parse)


def _required(seq: list, sre_parse) -> frozenset[str] | None:
    literal, branch = sre_parse.LITERAL, sre_parse.BRANCH
    runs, run = [], []
    for op, av in seq:
        if op == literal:
            run.append(chr(av))
        else:
            runs.append("".join(run))
            run = []
    runs.append("".join(run))
    best = max(runs, key=len)
    if len(best) >= 2:
        return frozenset({best})
    for op, av in seq:
        if op == branch:
            alts = [_required(list(alt), sre_parse) for alt in av[1]]
            if all(a is not None for a in alts):
                return frozenset().union(*alts)
    return frozenset({best}) if best else None


@functools.lru_cache(maxsize=1)
def _literals() -> tuple[frozenset[str] | None, ...]:
    return tuple(required_literals(p) for p in formulas())


def _may_match(lits: frozenset[str] | None, text: str) -> bool:
    return lits is None or any(map(text.__contains__, lits))


@dataclass(frozen=True)
class Focus:
    characters: int  # narrative characters of 总体情况 (every non-space character)
    declaration_characters: int
    sentences: tuple[tuple[int, str, tuple[str, ...]], ...]  # (line, declaration clauses, formulas matched)

    @property
    def share(self) -> float:
        return self.declaration_characters / self.characters if self.characters else 0.0


def _line_of(doc: Document, block: Block, piece: str) -> int:
    probe = piece[:12]
    for ln in range(block.line, block.end_line + 1):
        if probe and probe in doc.norm_lines[ln - 1]:
            return ln
    return block.line


def _clauses(sentence: str) -> list[tuple[int, int]]:
    """(start, end) of the comma-separated clauses of a sentence."""
    out, start = [], 0
    for m in _CLAUSE_END.finditer(sentence):
        out.append((start, m.end()))
        start = m.end()
    if start < len(sentence):
        out.append((start, len(sentence)))
    return out


def overview_focus(doc: Document) -> Focus:
    """The declaration clauses of 总体情况 and their share of its narrative characters.

    A sentence is cut into clauses at commas and colons; a clause counts as declaration when a formula
    of corpora/declarations.toml overlaps it and it holds no figure or named action (``_DONE``). So
    “按照《…》要求，对规章网页版式……进行对标修整” counts its first clause only.
    """
    blocks = [b for b in doc.blocks if b.section == "overview" and b.kind is BlockKind.PARAGRAPH]
    total = 0
    decl = 0
    found = []
    local = _local()
    lits = _literals()
    for b in blocks:
        pats = [(p, lit) for p, loc, lit in zip(formulas(), local, lits)
                if not loc or (_may_match(lit, b.text) and p.search(b.text))]
        if not pats:  # no declaration here: its sentences' \S characters are the paragraph's
            total += len(b.text) - len(_SPACE.findall(b.text))
            continue
        for piece in (p.strip() for p in _SENTENCE_END.split(b.text)):
            if not piece:
                continue
            total += len(piece) - len(_SPACE.findall(piece))  # its \S characters
            has = piece.__contains__
            spans = [(m.start(), m.end(), m.group(0)) for p, lit in pats if lit is None or any(map(has, lit))
                     for m in p.finditer(piece)]
            if not spans:
                continue
            marked = ""
            hits = []
            for cs, ce in _clauses(piece):
                clause = piece[cs:ce]
                over = [h for s, e, h in spans if s < ce and e > cs]
                if over and not _DONE.search(clause):
                    marked += clause
                    hits += over
            if marked:
                decl += len(_COUNTABLE.findall(marked))
                found.append((_line_of(doc, b, piece), marked, tuple(dict.fromkeys(hits))))
    return Focus(characters=total, declaration_characters=decl, sentences=tuple(found))


@rule(
    "overview-focus",
    name="总体情况表态多",
    severity="info",
    summary="“总体情况”中背景性、表态性语句所占比例偏高（给出比例，供参考）",
    category="content",
    options={"min_share": 0.3, "min_chars": 200},
)
def overview_focus_rule(doc: Document, ctx: Context):
    """What：计算“总体情况”正文中背景性、表态性语句（“坚持以……为指导”“高度重视”“认真贯彻落实……
    精神”“在……的坚强领导下”“切实保障……知情权”等，见 corpora/declarations.toml）所占的字数比例。
    含有带单位的数字（“发布信息 236 条”）或“印发《……》”这类具体做法的句子不算表态。比例达到
    min_share（默认 30%）时给出一条提示，列出这些句子；这是一个供审核参考的数字，不是结论，所以只是提示。

    Why：规定“总体情况”要聚焦主题、简明客观，写本年度做了什么；大段表态挤占篇幅，审核评分时扣分。

    Example：总体情况 600 字，其中 300 字是“坚持以……为指导，认真贯彻落实……，高度重视……”这类语句
    → 提示“约 50% 是背景或表态”。

    不报：比例低于 min_share；总体情况不足 min_chars 字（太短，比例没有意义）；总体情况之后没有其他部分
    （文件在总体情况中被截断，比例算不准）；总体情况超长（overview-too-long 另行报告）。
    """
    sec = doc.section("overview")
    if sec is None or not any(s.line > sec.line for s in doc.sections):
        return
    focus = overview_focus(doc)
    if focus.characters < int(ctx.options["min_chars"]) or not focus.sentences:
        return
    share = focus.share
    if share < float(ctx.options["min_share"]):
        return
    first, last = focus.sentences[0], focus.sentences[-1]
    pct = round(share * 100)
    yield Hit(
        message=(
            f"“总体情况”约 {pct}% 的文字（{focus.declaration_characters}/{focus.characters} 字，"
            f"{len(focus.sentences)} 句）是背景或表态，而不是本年度做了什么"
        ),
        suggestion="压缩“坚持以……为指导”“高度重视”“认真贯彻落实”这类语句，用节省的篇幅写本年度具体做了什么、数量多少。",
        line=first[0],
        end_line=last[0],
        text="；".join(shorten(s, 40) for _l, s, _h in focus.sentences[:3]),
        section="overview",
        confidence=0.6,
        evidence={
            "share": round(share, 3),
            "characters": focus.characters,
            "declaration_characters": focus.declaration_characters,
            "sentences": [shorten(s, 60) for _l, s, _h in focus.sentences],
            "formulas": sorted({h for _l, _s, hs in focus.sentences for h in hs}),
        },
    )
