"""Text helpers shared by parsing, compare and batch: one definition each.

- ``normalize_line``: what parsing does to every line (NFKC, zero-width characters and Markdown
  marks removed, spaces next to CJK characters removed; tabs kept, they separate table cells).
- ``comparable``: text with whitespace and punctuation removed, what two copies of a paragraph
  share even when re-punctuated.
- ``nonspace_count``: characters as Word counts them (“字符数（不计空格）”), optionally only those
  inside some spans.
- the template wording of the official format (``corpora/template.txt``): ``template_spans`` marks
  it in a text, ``template_share`` says how much of a paragraph it is. One matcher for both.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Iterable

Spans = tuple[tuple[int, int], ...]

# ---------------------------------------------------------------------------------------------
# line normalisation

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}，。、；：“”《》（）]) +| +(?=[{_CJK}，。、；：“”《》（）])")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_MD_EMPH = re.compile(r"\*\*|__")
_MD_HEAD = re.compile(r"^#{1,6}\s+")


def normalize_line(line: str) -> str:
    s = unicodedata.normalize("NFKC", line)
    s = _ZERO_WIDTH.sub("", s)
    s = _MD_EMPH.sub("", s)
    s = _MD_HEAD.sub("", s)
    s = s.replace("\u3000", " ").replace("\xa0", " ")
    if "\t" in s:
        cells = [_SPACE_NEAR_CJK.sub("", c.strip(" ")) for c in s.split("\t")]
        return "\t".join(cells).rstrip("\t") if any(cells) else ""
    return _SPACE_NEAR_CJK.sub("", s).strip(" ")


# ---------------------------------------------------------------------------------------------
# comparing and counting

_STRIP = re.compile(r"[\s\W_]+", re.UNICODE)
_DROPPED = re.compile(r"[\s\W_]", re.UNICODE)
_NONSPACE = re.compile(r"\S")  # \s is str.isspace() for str patterns


def comparable(text: str) -> str:
    """Text with whitespace and punctuation removed: what two copies share even when re-punctuated."""
    return _STRIP.sub("", text)


def nonspace_count(text: str, spans: Iterable[tuple[int, int]] | None = None,
                   within: Iterable[tuple[int, int]] | None = None) -> int:
    """Non-space characters of ``text`` (punctuation included, as Word's “字符数（不计空格）”);
    with ``spans``, only those inside them (and, with ``within`` too, inside both)."""
    if spans is None:
        return len(_NONSPACE.findall(text))
    mask = bytearray(len(text))
    for a, b in spans:
        mask[a:b] = b"\x01" * (b - a)
    if within is not None:
        m2 = bytearray(len(text))
        for a, b in within:
            m2[a:b] = b"\x01" * (b - a)
        mask = bytearray(x & y for x, y in zip(mask, m2))
    return sum(1 for ch, m in zip(text, mask) if m and not ch.isspace())


def alternation(words: Iterable[str]) -> str:
    """A regex alternative of ``words`` (escaped, in the given order) for word lists read from corpora/."""
    return "|".join(re.escape(w) for w in words)


def merge_spans(spans: Iterable[tuple[int, int]]) -> Spans:
    """Overlapping or touching spans joined, sorted."""
    out: list[list[int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return tuple((a, b) for a, b in out)


# ---------------------------------------------------------------------------------------------
# template wording (corpora/template.txt)

TEMPLATE_GAP = 40  # "…" in a phrase: up to this many characters (punctuation not counted)
# Phrases shorter than this (digits not counted) do not mark running text as template wording:
# 主动公开 or 规章 are ordinary words there. ``template_share`` counts every phrase of two or more.
MIN_PHRASE_IN_TEXT = 6
MIN_PHRASE = 2


@functools.lru_cache(maxsize=1)
def template_phrases() -> tuple[str, ...]:
    """Lines of ``corpora/template.txt`` as written (comments and blank lines skipped); () if missing.

    ``…`` inside a phrase stands for any short text; digits match any number.
    """
    from textcheck.resources import corpus_path

    try:
        text = corpus_path("template.txt").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ()
    return tuple(ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#"))


@functools.lru_cache(maxsize=4)
def _template_regex(min_chars: int) -> re.Pattern[str] | None:
    """One alternation over comparable text, longest phrases first."""
    alts = []
    for phrase in template_phrases():
        parts = [comparable(x) for x in re.split(r"…+|\.\.\.", unicodedata.normalize("NFKC", phrase))]
        parts = [p for p in parts if p]
        if not parts or sum(len(re.sub(r"\d", "", p)) for p in parts) < min_chars:
            continue
        rx = f".{{0,{TEMPLATE_GAP}}}?".join(re.sub(r"\d+", r"\\d+", re.escape(p)) for p in parts)
        alts.append((sum(len(p) for p in parts), rx))
    if not alts:
        return None
    alts.sort(key=lambda x: (-x[0], x[1]))
    return re.compile("|".join(f"(?:{rx})" for _, rx in alts))


def template_spans(text: str, min_chars: int = MIN_PHRASE_IN_TEXT) -> Spans:
    """Spans of ``text`` that are template wording (matched on its comparable form), merged, sorted.

    A span runs from the first to the last character of the phrase, punctuation inside included."""
    pattern = _template_regex(min_chars)
    if pattern is None or not text:
        return ()
    kept = [i for i, ch in enumerate(text) if not _DROPPED.match(ch)]
    comp = "".join(text[i] for i in kept)
    return merge_spans((kept[m.start()], kept[m.end() - 1] + 1) for m in pattern.finditer(comp) if m.end() > m.start())


def template_share(text: str, min_chars: int = MIN_PHRASE) -> float:
    """Share (0..1, three decimals) of ``comparable(text)`` covered by template phrases."""
    comp = comparable(text)
    pattern = _template_regex(min_chars)
    if not comp or pattern is None:
        return 0.0
    covered = sum(m.end() - m.start() for m in pattern.finditer(comp))
    return round(min(1.0, covered / len(comp)), 3)


# ---------------------------------------------------------------------------------------------
# file names as shown


# characters a file name may carry that must not reach a terminal, a JSON file or a page as they are:
# control characters (ESC starts terminal escapes) and the bidirectional overrides (they reorder
# what a reader sees)
_INVISIBLE = frozenset(range(0x20)) | {0x7F} | frozenset(range(0x80, 0xA0)) | {
    0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069}


def visible_path(path: "str | bytes | os.PathLike[str] | os.PathLike[bytes]") -> str:
    """A file name as every output shows it: always encodable as UTF-8, nothing a terminal acts on.

    Bytes that are not UTF-8 (a GBK name from a Windows archive: Python decodes them to lone
    surrogates, "surrogateescape") become ``\\xNN`` of the original byte; control characters
    (ESC -> ``\\x1b``) and direction overrides become ``\\xNN`` / ``\\uNNNN``. Any other name is
    returned unchanged, so a visible path of a visible path is the same string."""
    import os

    s = os.fsdecode(path) if isinstance(path, bytes) else os.fspath(path)
    if isinstance(s, bytes):
        s = os.fsdecode(s)
    if s.isprintable() and not any(0xD800 <= ord(c) <= 0xDFFF for c in s):
        return s
    out = []
    for ch in s:
        o = ord(ch)
        if 0xDC80 <= o <= 0xDCFF:  # an undecodable byte, kept by surrogateescape
            out.append(f"\\x{o - 0xDC00:02x}")
        elif 0xD800 <= o <= 0xDFFF:
            out.append(f"\\u{o:04x}")
        elif o in _INVISIBLE:
            out.append(f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}")
        else:
            out.append(ch)
    return "".join(out)
