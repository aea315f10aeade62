"""Every place name of a report and the role it stands in, decided by its own clause.

``find_places(doc)`` scans each block with the gazetteer and gives every match a ``kind``:

- author positions (the report speaking as its issuer): ``title``, ``signature``, ``preamble``,
  ``compiler`` (由X…编制), ``contact`` (请与X联系), ``subject`` (2023年，X认真…), ``office`` (依托X党政办公室),
  ``platform`` (X人民政府门户网站), ``rule-title`` (《X政务公开工作制度》), ``own-document`` (出台《X关于…》),
  ``doc-number`` (X政发〔2023〕), ``address`` (a name inside 地址：…, weak);
- never an author: ``street`` (苏州东路, 青龙社区), ``conjunction`` (市委和县委 spells 和县), ``quoted`` (a
  document of another body), ``exchange`` (赴X学习, 与X联合), and everything else: ``mention``.

The role depends on the text only, not on who the issuer is: the issuer analysis counts which unit the
report names in its statements of who it is, and name-mismatch checks the other units' roles. The word
lists are ``corpora/author_positions.toml``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from textcheck.document import Block, BlockKind, Document
from textcheck.gazetteer import gazetteer
from textcheck.resources import corpus_toml
from textcheck.text import alternation

SENTENCE_END = "。；！？;!?"
# the clauses a report uses to say who it is (they vote for the issuer)
IDENTITY_KINDS = frozenset({"title", "signature", "preamble", "compiler", "contact", "subject"})
AUTHOR_KINDS = IDENTITY_KINDS | {"office", "platform", "rule-title", "own-document", "doc-number", "address"}
STRONG_KINDS = AUTHOR_KINDS - {"platform", "address"}
_CHAIN = r"(?:[\u4e00-\u9fff]{2,10}?(?:省|市|区|县|州|盟|旗)(?:人民政府)?)*"  # superiors written before a name
_YEAR = r"(?:(?:19|20)\d{2}\s*年\s*度?)"


@dataclass(frozen=True)
class Place:
    line: int
    start: int  # offset in the block's text
    end: int
    surface: str
    codes: tuple[str, ...]
    kind: str
    short: bool  # a short form (攀枝花), not a full name
    block: int  # index in doc.blocks


@functools.lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    w = {k: alternation(v) for k, v in corpus_toml("author_positions.toml").items()}
    org_tail = w["organisation_tails"]
    return {
        "street": re.compile(rf"^[东西南北中]?(?:{w['road_suffixes']}|街(?!道))"),
        "village": re.compile(rf"^(?:{w['village_suffixes']})(?!{w['village_word_tails']})"),
        "conjunction_rest": re.compile(r"^(?:县|区|市|省|州|镇|乡)(?:委|政府|人民政府|级|直|属|域|内|里|政办|府办|有关|各)"),
        "others_document": re.compile(w["others_documents"]),
        "rule_end": re.compile(rf"(?:{w['rule_title_endings']})$"),
        "borrow": re.compile(w["borrowing"]),
        "cooperation": re.compile(rf"(?:与|同|和|会同|联合)[^，,。；;]{{0,20}}(?:{w['cooperation']})"),
        "contact_before": re.compile(rf"(?:{w['contact_before']}|(?:{w['contact_labels']})\s*[:：]?)\s*{_CHAIN}\s*$"),
        "contact_after": re.compile(r"^[^。；;（(]{0,36}?(?:取得)?联系|^[^。；;，,（(]{0,36}?(?:[;；,，(（]|$)"),
        "compiler_before": re.compile(rf"由\s*{_CHAIN}\s*$"),
        "compiler_after": re.compile(rf"^[^。；;]{{0,120}}?(?:{w['compiler_verbs']})"),
        "preamble_before": re.compile(rf"(?:{w['preamble_before']})\s*《?\s*{_YEAR}?[\d\s()（）略]{{0,8}}\s*{_CHAIN}\s*$"),
        "preamble_after": re.compile(rf"^[^。；;]{{0,60}}?(?:{w['preamble_after']})"),
        "preamble_subject": re.compile(rf"^[\u4e00-\u9fff]{{0,16}}?\s*(?:{w['preamble_subject_verbs']})"),
        "self_reference": re.compile(w["self_reference"]),
        "own_document": re.compile(rf"(?:{w['own_document_verbs']})了?\s*(?:[《〈][^》〉]*[》〉]\s*[、，,和及]?\s*)*$"),
        "platform": re.compile(rf"^(?:{w['platform_owners']})?\s*[“\"]?\s*(?:{w['platforms']})"),
        "office": re.compile(rf"^(?:人民政府|政府)(?:{w['government_offices']})|^(?:{w['office_owners']})?\s*(?:{w['offices']})"),
        "subject_verb": re.compile(rf"^(?:{w['subject_verbs']})"),
        "org_tail": re.compile(rf"(?:{org_tail})$"),
        "doc_number": re.compile(rf"^(?:{w['doc_number_marks']})\s*[〔\[(（]\s*(?:19|20)\d{{2}}"),
        "address": re.compile(rf"(?:{w['address_labels']})\s*[:：]?[^；;。)）]{{0,30}}$"),
        "lead": re.compile(
            rf"(?:^|[{SENTENCE_END}])\s*(?:[(（][一二三四五六七八九十\d]+[)）][^。；]{{0,18}}?[。.：:]\s*|\d{{1,2}}\s*[.、．][^。；]{{0,18}}?[。.：:]\s*|[一二三四五六七八九十]+是\s*)?"
            r"(?:(?:19|20)\d{2}\s*年\s*(?:度|以来|初以来|全年)?\s*[,，]?\s*)?(?:今年以来\s*[,，]?\s*|一年来\s*[,，]?\s*|本年度\s*[,，]?\s*)?"
            rf"(?:在[^。，,；;]{{2,30}}(?:领导|指导|部署|支持)下\s*[,，]\s*)*{_CHAIN}\s*$"
        ),
        "chain_only": re.compile(rf"\s*{_YEAR}?\s*{_CHAIN}"),
    }


def _quotes_around(text: str, start: int) -> tuple[int, int] | None:
    """(open, close) of the 《…》 around ``start``, or None."""
    o = text.rfind("《", 0, start)
    if o == -1 or text.rfind("》", 0, start) > o:
        return None
    c = text.find("》", start)
    return o, (c if c != -1 else len(text))


def _organisation_ends(after: str, tail: re.Pattern[str]) -> list[int]:
    """Where an organisation name starting at ``after[0]`` may end: 0 (the place itself), after
    人民政府, after 人民政府办公室, after 发展和改革局 …, shortest first."""
    ends = [0]
    for k in range(1, min(len(after), 18) + 1):
        head = after[:k]
        if not re.fullmatch(r"[\u4e00-\u9fff]+", head):
            break
        if tail.search(head):
            ends.append(k)
    return ends


def classify(text: str, start: int, end: int, *, title: bool = False, signature: bool = False, short: bool = False) -> str:
    """The role of the place name ``text[start:end]`` in its clause (see the module docstring).
    ``title`` / ``signature``: the match is on a title line / the signature line; ``short``: a short form."""
    p = _patterns()
    before, after, surface = text[:start], text[end:], text[start:end]
    cut = max(before.rfind(c) for c in SENTENCE_END) + 1
    sentence_before = before[cut:]
    stops = [i for i in (after.find(c) for c in SENTENCE_END) if i != -1]
    sentence_after = after[: min(stops) if stops else len(after)]
    if p["street"].match(after) or p["village"].match(after):
        return "street"
    if (
        surface[0] in "和与及同并或暨"
        and start
        and "\u4e00" <= text[start - 1] <= "\u9fff"
        and text[start - 1] not in "省市州盟"
        and p["conjunction_rest"].match(text[start + 1 :])
    ):
        return "conjunction"
    if short and p["doc_number"].match(after):
        return "doc-number"
    quotes = _quotes_around(text, start)
    if quotes is not None:
        inside = text[quotes[0] + 1 : quotes[1]]
        lead = text[quotes[0] + 1 : start]
        if p["chain_only"].fullmatch(lead):
            if "年度报告" in inside and re.search(r"(?:现发布|现编制|编制|公布)\s*$", text[: quotes[0]]):
                return "preamble"  # 现发布《X2022年政府信息公开工作年度报告》
            if not p["others_document"].search(inside) and p["rule_end"].search(inside) and not p["borrow"].search(sentence_before):
                return "rule-title"
            if (p["others_document"].search(inside) or "年度报告" in inside) and p["own_document"].search(text[: quotes[0]]):
                return "own-document"  # 出台《X关于…》, 公开《X2022年度政府信息公开工作年度报告》
        return "quoted"
    if title:
        return "title"
    if signature and len(text) <= 40:
        return "signature"
    if p["borrow"].search(sentence_before) or p["cooperation"].search(sentence_before + surface + sentence_after[:20]):
        return "exchange"
    if p["address"].search(sentence_before):
        return "address"
    if p["contact_before"].search(before) and p["contact_after"].match(after):
        return "contact"
    if p["self_reference"].search(sentence_before + surface + sentence_after):
        if p["compiler_before"].search(before) and p["compiler_after"].match(after):
            return "compiler"
        if p["preamble_before"].search(before) and p["preamble_after"].match(after):
            return "preamble"
        if p["lead"].search(before) and p["preamble_subject"].match(after):
            return "preamble"
    if p["office"].match(after):
        return "office"
    if p["platform"].match(after):
        return "platform"
    if p["lead"].search(before):
        for k in _organisation_ends(after, p["org_tail"]):
            rest = re.sub(r"^\s*(?:(?:19|20)\d{2}\s*年\s*度?\s*[,，]?\s*)?", "", after[k:])
            if p["subject_verb"].match(rest) or p["platform"].match(rest) or p["office"].match(rest):
                return "subject"
    return "mention"


def block_lines(doc: Document, block: Block) -> list[tuple[int, int]]:
    """(offset in ``block.text``, line number) of each input line that makes up the block's text
    (the paragraph join of parse/blocks.py: stripped lines, a space only between two letters or digits)."""
    out: list[tuple[int, int]] = []
    length = 0
    prev = ""
    for i in range(block.line, block.end_line + 1):
        s = doc.norm_lines[i - 1]
        if block.kind is BlockKind.TABLE:
            if not s.strip():
                continue
            if out:
                length += 1  # the newline between table rows
            out.append((length, i))
            length += len(s)
            continue
        s = s.strip()
        if not s:
            continue
        if prev and re.match(r"[A-Za-z0-9]", prev[-1]) and re.match(r"[A-Za-z0-9]", s[0]):
            length += 1
        out.append((length, i))
        length += len(s)
        prev = s
    return out


def line_at(offsets: list[tuple[int, int]], offset: int) -> int:
    line = offsets[0][1]
    for o, i in offsets:
        if o > offset:
            break
        line = i
    return line


def find_places(doc: Document) -> tuple[Place, ...]:
    """Every gazetteer match of the report, in reading order, with its role."""
    g = gazetteer()
    titles = set(doc.identity.title_lines)
    signature = doc.identity.signature_line - 1 if doc.identity.signature_line else None
    out = []
    for bi, b in enumerate(doc.blocks):
        offsets = block_lines(doc, b)
        if not offsets:
            continue
        for m in g.scan(b.text):
            line = line_at(offsets, m.start)
            short = m.surface in g.short_forms
            kind = classify(b.text, m.start, m.end, title=line in titles, signature=line == signature, short=short)
            out.append(Place(line, m.start, m.end, m.surface, m.codes, kind, short, bi))
    return tuple(out)
