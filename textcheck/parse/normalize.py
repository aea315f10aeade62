"""What real files carry around and inside a report, cleaned before blocks are built.

Per line (``textcheck.text.normalize_line``): NFKC, zero-width characters, Markdown marks, spaces next to
CJK characters. Over the whole document (here):

- traditional characters (a report mirrored in 繁體) converted to simplified with OpenCC, loaded only
  when the text holds traditional characters (``corpora/traditional_chars.txt``);
- mirror residue: pinyin annotations after characters (``區(qū)``), runs of ``????``;
- page chrome (``当前位置：…``, ``字号：大 中 小``, ``无障碍 关怀版``…) and metadata blocks (``标题: …``,
  ``发布机构：…``, ``| 索引号: | … |``), per ``corpora/page_chrome.toml``: such lines are blanked in the
  normalised text, metadata values are kept (``Normalized.meta``); chrome fused to the start of a line
  (``2025年01月22日 来源: 上海普陀本年度报告根据…``) is cut off;
- pipe junk: a line of ``|`` only, or one text followed by empty cells (``…年度报告 |``);
- a body flattened onto one line (crawler text, a web page's text): split back into *segments* at the
  statutory part headings (``…如下。 一、总体情况 2022年，…``) and, inside them, at ``（一）`` sub-headings;
  a heading fused to its paragraph (``一、总体情况2019年，…``) and a title fused to the preamble are split too.

Line numbers never change: ``norm`` has one entry per input line; a segment says which line it comes
from and where it starts in that normalised line.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from textcheck.parse.blocks import SUBTOPIC_HEAD
from textcheck.resources import corpus_path, corpus_toml
from textcheck.text import normalize_line

_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
_PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])\((?:[a-zü]|[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]){1,6}\)")
_QMARKS = re.compile(r"\s*\?{3,}\s*")
_CN_NUM = "一二三四五六七八九十"
_NUM_VALUE = {c: i + 1 for i, c in enumerate(_CN_NUM)}
TRADITIONAL_MIN = 5  # traditional characters in the text before it is converted ...
TRADITIONAL_SHARE = 0.02  # ... and their share of its CJK characters


@dataclass(frozen=True)
class Segment:
    """A piece of the normalised text that blocks are built from: usually a whole line."""

    line: int  # 0-based index of the input line
    start: int  # offset in that normalised line
    text: str
    whole: bool = True  # the whole line (its raw form may be read, e.g. for tabs)


@dataclass(frozen=True)
class Normalized:
    norm: tuple[str, ...]  # one per input line; chrome and metadata lines blank
    segments: tuple[Segment, ...]
    unblanked: tuple[str, ...] = ()  # the same before chrome and metadata were blanked (identity reads the page's labels)
    meta: tuple[tuple[str, str, int], ...] = ()  # (key, value, 1-based line) of metadata blocks
    chrome: tuple[int, ...] = ()  # 1-based lines that are page chrome or metadata
    notes: tuple[str, ...] = ()  # what was done, in Chinese (shown in verbose output)
    split_lines: tuple[int, ...] = ()  # 1-based lines split into several segments


# --------------------------------------------------------------------------------------------- data


@functools.lru_cache(maxsize=1)
def traditional_chars() -> frozenset[str]:
    text = corpus_path("traditional_chars.txt").read_text(encoding="utf-8")
    return frozenset("".join(ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")))


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc  # loaded only for texts in traditional characters

    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=1)
def _chrome():
    data = corpus_toml("page_chrome.toml")
    words = frozenset(data["words"])
    lines = tuple(re.compile(p) for p in data["line_patterns"])
    keys = sorted(data["meta_keys"], key=len, reverse=True)
    key_rx = "|".join(r"\s*".join(map(re.escape, k)) for k in keys)
    meta = re.compile(rf"(?:^|(?<=[\s|•·\-]))(?P<key>{key_rx})\s*(?:[:：]|(?<=\S)\s+(?=\S))")
    prefixes = tuple(re.compile(p) for p in data["prefix_patterns"])
    return words, lines, meta, prefixes


@functools.lru_cache(maxsize=1)
def part_names() -> dict[str, tuple[str, ...]]:
    """Heading names of each part (``corpora/sections.toml``), table row labels under ``table_labels``."""
    data = corpus_toml("sections.toml")
    return {k: tuple(v["names"]) for k, v in data.items()}


@functools.lru_cache(maxsize=1)
def _inline_heading_rx() -> re.Pattern[str]:
    names = sorted({n for k, ns in part_names().items() if k != "table_labels" for n in ns}, key=len, reverse=True)
    alt = "|".join(map(re.escape, names))
    return re.compile(rf"(?P<num>[{_CN_NUM}]{{1,2}})\s*[、.．]\s*(?P<name>{alt})")


# --------------------------------------------------------------------------------------------- lines

META_MAX = 240  # longer lines are report text, not a metadata or chrome line
_SEP = re.compile(r"[\s|【】\[\]:：·•]+")
_DATEISH = re.compile(r"^[\d\-/.:年月日]+$")


def _is_chrome(s: str) -> bool:
    words, patterns, _meta, _pre = _chrome()
    if any(p.search(s) for p in patterns):
        return len(s) <= 120 or s.startswith("=")
    tokens = [t for t in _SEP.split(s) if t]
    return any(t in words for t in tokens) and all(t in words or _DATEISH.match(t) for t in tokens)


def _meta_pairs(s: str) -> list[tuple[str, str]] | None:
    """The ``key: value`` pairs a metadata line is made of, or None when it is not such a line."""
    _w, _p, meta, _pre = _chrome()
    t = s.strip(" |-•·\t")
    if not t or len(t) > META_MAX or not meta.match(t):  # (the first key must open the line)
        return None
    matches = list(meta.finditer(t))
    if not matches or matches[0].start() != 0:
        return None
    pairs = []
    for m, nxt in zip(matches, matches[1:] + [None]):
        value = t[m.end() : nxt.start() if nxt else len(t)].strip(" |\t•·")
        if len(value) > 80:
            return None
        pairs.append((re.sub(r"\s+", "", m.group("key")), value))
    if not any(v for _k, v in pairs) and len(pairs) < 2 and not re.search(r"[:：]\s*$", t):
        return None  # a bare word (时间, 来源) is not a field; "文号：" with nothing after it is
    return pairs


def _strip_pipes(s: str) -> str:
    """A line of ``|`` only is empty; a title followed by empty cells (``…年度报告 | |||``) is that title.
    Other pipe rows are table rows (the tables' reader decides about them)."""
    if "|" not in s:
        return s
    cells = [c.strip() for c in s.split("|")]
    filled = [c for c in cells if c]
    if not filled:
        return ""
    if len(filled) == 1:
        cell = filled[0]
        if "年度报告" in cell and len(cell) <= 80:  # a page title followed by table-border residue
            return cell
    return s


def _clean_line(s: str, raw: str = "") -> tuple[str, list[tuple[str, str]], bool]:
    """(text, metadata pairs, is chrome/metadata) of one normalised line (``raw``: the input line, whose
    spaces separate the fields of a metadata line: 标   题 县政府办…)."""
    if not s:
        return s, [], False
    s = _strip_pipes(s)
    if not s:
        return "", [], True
    if len(s) > META_MAX:  # a paragraph: only chrome fused to its start can be there
        return _strip_prefix(s)
    probe = (unicodedata.normalize("NFKC", raw).replace("\u3000", " ") if raw else s).replace("\t", " ")
    if "|" in probe:
        probe = " ".join(c.strip() for c in probe.split("|") if c.strip())
    pairs = _meta_pairs(probe)
    if pairs is not None:
        return "", pairs, True
    if _is_chrome(probe):
        return "", [], True
    return _strip_prefix(s)


def _strip_prefix(s: str) -> tuple[str, list[tuple[str, str]], bool]:
    _w, _p, _m, prefixes = _chrome()
    meta: list[tuple[str, str]] = []
    for rx in prefixes:
        m = rx.match(s)
        if m and m.end() < len(s):
            if m.groupdict().get("source"):
                meta.append(("来源", m.group("source")))
            s = s[m.end() :].lstrip()
    for tail in (" 附件下载", "附件下载"):
        if s.endswith(tail) and len(s) > len(tail) + 20:
            s = s[: -len(tail)].rstrip()
    return s, meta, False


# --------------------------------------------------------------------------------------------- segments

_BAD_BEFORE = set("、，,；;：:（(《“‘")
_BAD_AFTER = set("、，,；;）)》”’等")
_TITLE_FUSED = re.compile(r"^(?P<title>[^。，,；;《]{4,70}?年度报告)\s*(?=本年度报告|本报告|本年报|根据|按照|依据|为贯彻|为深入|现将|现公布|特向社会)")
_L2_INLINE = re.compile(rf"[(（][{_CN_NUM}]{{1,2}}[)）]")
LONG_LINE = 300  # a line this long holding part headings is a flattened body


def _part_headings(s: str) -> list[tuple[int, int, int]]:
    """(start, end, numeral) of part headings inside ``s`` that can start a part: in increasing
    numeral order (the longest such chain), not inside a list of part names (``包括一、总体情况；二、…``)."""
    cands = []
    for m in _inline_heading_rx().finditer(s):
        a, b = m.start(), m.end()
        if a > 0 and s[a - 1] in _BAD_BEFORE:
            continue
        if a > 0 and s[a - 1] in _CN_NUM:
            continue
        if b < len(s) and s[b] in _BAD_AFTER:
            continue
        cands.append((a, b, _NUM_VALUE.get(m.group("num")[-1], 0) + (9 if len(m.group("num")) == 2 else 0)))
    if len(cands) < 2:
        return cands
    # longest chain with strictly increasing numerals (a report's parts in order)
    best: list[list[tuple[int, int, int]]] = []
    for i, c in enumerate(cands):
        chain = [c]
        for j in range(i):
            if cands[j][2] < c[2] and len(best[j]) + 1 > len(chain):
                chain = best[j] + [c]
        best.append(chain)
    chain = max(best, key=len)
    gaps = [b[0] - a[1] for a, b in zip(chain, chain[1:])]
    if gaps and sum(gaps) / len(gaps) < 8:
        return []  # the part names listed one after another (本报告包括：一、总体情况 二、…), not the parts
    return chain


def _sub_headings(s: str) -> list[int]:
    """Starts of ``（一）`` sub-headings in a flattened body: after a sentence end or a space."""
    out = []
    for m in _L2_INLINE.finditer(s):
        a = m.start()
        if a == 0:
            continue
        if s[a - 1] not in "。；;！!？? ：:":
            continue
        head = re.split(r"[。；;：:]", s[m.end() :], maxsplit=1)[0]
        if 0 < len(head) <= 40 or SUBTOPIC_HEAD.match(s[m.end() :]):
            out.append(a)
    return out


def _segments_of(line: int, s: str) -> list[Segment]:
    """Split one normalised line into segments (most lines are one segment)."""
    if not s:
        return []
    if "\t" in s:
        cells = [c for c in s.split("\t") if c.strip()]
        if len(cells) == 1 and _inline_heading_rx().fullmatch(cells[0].strip()):
            return [Segment(line, s.index(cells[0]), cells[0].strip(), False)]  # "\t四、…情况": a heading
        return [Segment(line, 0, s, True)]
    cuts: set[int] = set()
    heads = _part_headings(s)
    flattened = len(heads) >= 2 or (heads and len(s) > LONG_LINE)
    for a, b, _n in heads:
        if a == 0 and b == len(s):
            continue
        if a > 0 and flattened:
            cuts.add(a)
        if b < len(s) and (flattened or a == 0):
            cuts.add(b)
    m = _TITLE_FUSED.match(s)
    if m:
        cuts.add(m.end("title"))
    subs = _sub_headings(s)
    if flattened or len(subs) >= 2:  # a flattened body, or a paragraph running （一）…（二）… together
        for a in subs:
            cuts.add(a)
    if not cuts:
        return [Segment(line, 0, s, True)]
    out = []
    prev = 0
    for c in sorted(cuts) + [len(s)]:
        piece = s[prev:c]
        k = len(piece) - len(piece.lstrip(" " if prev == 0 else " 。.，,：:"))
        text = piece[k:].rstrip(" ")
        if text:
            out.append(Segment(line, prev + k, text, False))
        prev = c
    return out


# --------------------------------------------------------------------------------------------- document


def _traditional_count(text: str) -> int:
    """Characters of ``text`` in ``traditional_chars()``, counted with repetition. (It was a character
    class of the 3,563 characters, compiled in every process, ~3 ms; counting the text's characters and
    looking each distinct one up gives the same number.)"""
    trad = traditional_chars()
    if trad.isdisjoint(text):  # the usual case, found without counting every character
        return 0
    return sum(n for ch, n in Counter(text).items() if ch in trad)


def _convert_traditional(norm: list[str]) -> bool:
    text = "\n".join(norm)
    count = _traditional_count(text)
    if not count:
        return False
    if count < TRADITIONAL_MIN or count < TRADITIONAL_SHARE * max(len(_CJK_RE.findall(text)), 1):
        return False
    cc = _t2s()
    for i, s in enumerate(norm):
        if s:
            norm[i] = cc.convert(s)
    return True


# The compatibility characters Chinese text is full of (，（）：；…), each with its NFKC form. Replacing
# them first leaves NFKC nothing to do on most lines, so that unicodedata takes its quick check instead
# of decomposing and recomposing every character; the result is the same, since NFKC gives one result
# for compatibility-equivalent strings and a character is compatibility-equivalent to its NFKC form (a
# line with any other such character is still normalised in full by NFKC itself).
_FOLD = tuple((c, unicodedata.normalize("NFKC", c)) for c in "，（）：；！？％\u3000\xa0")


def _fold(line: str) -> str:
    for c, nfkc in _FOLD:
        if c in line:
            line = line.replace(c, nfkc)
    return line


def normalize_document(lines: list[str]) -> Normalized:
    """Normalised lines, segments and metadata of a document given as its input lines."""
    lines = [_fold(x) for x in lines]  # NFKC-equivalent: see _FOLD
    norm = [normalize_line(x) for x in lines]
    notes: list[str] = []
    if _convert_traditional(norm):
        notes.append("正文为繁体字，已转换为简体后检查（原文行号不变）")
    if sum(len(_PINYIN.findall(s)) for s in norm) >= 3:
        norm = [_PINYIN.sub("", s) for s in norm]
        notes.append("已去除镜像网站插入的拼音注音")
    norm = [_QMARKS.sub("", s) if "???" in s else s for s in norm]
    unblanked = tuple(norm)
    meta: list[tuple[str, str, int]] = []
    chrome: list[int] = []
    cleaned: list[str] = []
    for i, s in enumerate(norm):
        text, pairs, is_chrome = _clean_line(s, lines[i])
        if is_chrome:
            chrome.append(i + 1)
        meta.extend((k, v, i + 1) for k, v in pairs)
        cleaned.append(text)
    if chrome:
        notes.append(f"已略去网页栏目、元数据等非正文内容 {len(chrome)} 行")
    segments: list[Segment] = []
    split: list[int] = []
    for i, s in enumerate(cleaned):
        segs = _segments_of(i, s)
        if len(segs) > 1:
            split.append(i + 1)
        segments.extend(segs)
    if any(len(cleaned[i - 1]) > LONG_LINE for i in split):
        notes.append("正文挤在一行里，已按“一、总体情况”等标题重新分段（行号仍为原文行号）")
    return Normalized(
        norm=tuple(cleaned),
        unblanked=unblanked,
        segments=tuple(segments),
        meta=tuple(meta),
        chrome=tuple(chrome),
        notes=tuple(notes),
        split_lines=tuple(split),
    )
