"""Text for a terminal: display widths, visible control characters, wrapping with hanging indents.

- Widths are display columns (``wcwidth``): a Chinese character or full-width punctuation mark takes
  two, East Asian "ambiguous" characters (“ ” … √) one, as most terminals show them — two on a
  console whose encoding is an East Asian code page (GBK/cp936, Big5, Shift-JIS...), where they are
  drawn full width (``screen``).
- Lines break where the Unicode line breaking algorithm allows (UAX #14, ``uniseg``): between two
  Chinese characters, never inside a number or a Latin word, never before a closing mark such as
  ，。、；：？！）」』 nor after an opening one such as （「《.
- Report text and file names may carry control characters (ESC starting a terminal escape, BEL,
  backspace, carriage return, C1 controls) or bidirectional overrides: ``visible`` shows them as
  ``\\x1b`` / ``\\u202e`` (the form ``textcheck.text.visible_path`` gives file names), so nothing a
  terminal acts on reaches it.

A styled line is a list of pieces ``(text, style)``; ``wrap`` cuts it into rich-markup lines, each
piece escaped, each style closed at the end of its line and reopened on the next.
"""

from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache
from typing import Iterable, Iterator, Sequence

from rich.markup import escape

from textcheck.text import visible_path

# width when the output is not a terminal (a pipe, a file written with -o)
DEFAULT_WIDTH = 100
# never narrower than this, whatever the terminal says (a hanging indent needs room)
MIN_WIDTH = 40

# (text, style) or (text, style, keep): a piece with keep=True is never broken across lines
Piece = tuple

# columns of an East Asian "ambiguous" character while rendering (``measuring``)
_ambiguous = 1
# code pages whose consoles draw ambiguous characters full width (codecs' canonical names)
_WIDE_AMBIGUOUS = frozenset({"gbk", "gb2312", "gb18030", "big5", "big5hkscs", "cp950", "shift_jis", "cp932",
                             "euc_jp", "euc_kr", "cp949", "johab"})


def visible(text: str) -> str:
    """``text`` with control characters and direction overrides shown as escapes; a tab is a space."""
    return visible_path(text.replace("\t", " "))


def cell_width(text: str) -> int:
    """Display columns of ``text`` (which holds no control characters: see ``visible``)."""
    import wcwidth

    return wcwidth.width(text, ambiguous_width=_ambiguous)


def ljust(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` display columns."""
    return text + " " * max(0, width - cell_width(text))


@contextmanager
def measuring(ambiguous: int) -> Iterator[None]:
    """Render with East Asian ambiguous characters ``ambiguous`` columns wide (1 or 2)."""
    global _ambiguous
    saved, _ambiguous = _ambiguous, ambiguous
    try:
        yield
    finally:
        _ambiguous = saved


def screen() -> tuple[int, int]:
    """``(width, ambiguous)`` for standard output: ``terminal_width()`` and the columns of an
    ambiguous character there (2 when its encoding is an East Asian code page, else 1)."""
    import codecs
    import sys

    enc = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        name = codecs.lookup(enc).name
    except LookupError:
        name = enc
    return terminal_width(), 2 if name in _WIDE_AMBIGUOUS else 1


def terminal_width() -> int:
    """The width to wrap to on standard output: ``COLUMNS`` when set, the terminal's width when it is
    one, else ``DEFAULT_WIDTH`` (a pipe or a redirect: the same output whatever ran it)."""
    import os
    import shutil
    import sys

    cols = 0
    env = os.environ.get("COLUMNS", "")
    if env.isdigit():
        cols = int(env)
    else:
        stream = sys.stdout
        try:
            if stream is not None and stream.isatty():
                cols = shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
        except (AttributeError, ValueError, OSError):
            cols = 0
    return max(MIN_WIDTH, cols) if cols else DEFAULT_WIDTH


def _graphemes(text: str) -> list[str]:
    from wcwidth import iter_graphemes

    return list(iter_graphemes(text))


def _ideograph(ch: str) -> bool:
    """A CJK unified ideograph: UAX #14 class ID, between two of which a line may always break."""
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF


# how much text around a line's end the line breaking algorithm is run on: its rules look only a
# few characters either way (a run of spaces after an opening bracket is the longest context)
_BEFORE, _AFTER, _TRUST = 24, 6, 4


@lru_cache(maxsize=8192)
def _boundaries(window: str) -> tuple[int, ...]:
    """The offsets in ``window`` after which a line may break (UAX #14, uniseg); cached, since the
    same wording (a rule's suggestion) comes back finding after finding."""
    from uniseg.linebreak import line_break_units

    out, pos = [], 0
    for unit in line_break_units(window):
        pos += len(unit)
        out.append(pos)
    return tuple(out)


def _break_before(text: str, s: int, limit: int, keep: Sequence[tuple[int, int]]) -> int | None:
    """The last position in ``(s, limit]`` where a line may break (UAX #14), outside the spans of
    ``keep``; None when there is none.

    The algorithm (uniseg, pure Python) runs on a window of text around ``limit`` only, so that
    wrapping costs the same whatever the paragraph's length; a boundary too close to the window's
    start, where context is missing, is not trusted. Between two ideographs no algorithm is needed."""
    def free(b: int) -> bool:
        return not any(a < b < e for a, e in keep)

    if limit < len(text) and _ideograph(text[limit - 1]) and _ideograph(text[limit]) and free(limit):
        return limit
    w1 = min(len(text), limit + _AFTER)
    for w0 in (max(s, limit - _BEFORE), s):
        best = None
        for off in _boundaries(text[w0:w1]):
            pos = w0 + off
            if pos > limit or (pos == w1 and w1 < len(text)):
                break
            if (w0 == s or pos >= w0 + _TRUST) and pos > s and free(pos):
                best = pos
        if best is not None or w0 == s:
            return best
    return None


def _break_points(text: str, first: int, rest: int, keep: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """``[(start, end), ...]``: the spans of ``text`` on each line, the first line ``first`` columns
    wide, the others ``rest``; spaces where a line breaks are dropped. A run of text with no break
    opportunity wider than a whole line (a long web address) is cut between characters."""
    from wcwidth import wcwidth

    # columns of each character (a combining mark: 0, it stays with the character before it)
    cols = [max(0, wcwidth(c, ambiguous_width=_ambiguous)) for c in text]
    lines: list[tuple[int, int]] = []
    s, n, avail = 0, len(text), first
    while True:
        while s < n and text[s] == " ":
            s += 1
        # the furthest end that fits (spaces at a line's end are not shown, they may go past it)
        used, limit, i = 0, s, s
        while i < n and (used + cols[i] <= avail or text[i] == " "):
            used += cols[i]
            if text[i] != " ":
                limit = i + 1
            i += 1
        if i >= n:
            if s < n or not lines:
                lines.append((s, limit if limit > s else s))
            return lines
        if i > limit:
            limit = i  # the spaces after the last character that fits: a line may break after them
        while limit < n and cols[limit] == 0 and text[limit] != " ":
            limit += 1  # never separate a combining mark from its character
        if limit == s:  # not even one character fits: put one anyway
            limit = s + 1
        b = _break_before(text, s, limit, keep) or limit
        e = b
        while e > s and text[e - 1] == " ":
            e -= 1
        lines.append((s, e))
        s, avail = b, rest


def _markup(pieces: Sequence[Piece], a: int, b: int) -> str:
    """Rich markup for the characters ``a:b`` of the pieces' joined text."""
    out = []
    pos = 0
    for text, style, *_keep in pieces:
        lo, hi = max(a, pos), min(b, pos + len(text))
        if lo < hi:
            chunk = escape(text[lo - pos:hi - pos])
            out.append(f"[{style}]{chunk}[/]" if style else chunk)
        pos += len(text)
    return "".join(out)


def wrap(pieces: Iterable[Piece] | str, width: int, *, indent: int = 0, hang: int | None = None) -> list[str]:
    """Rich-markup lines of a styled line wrapped to ``width`` columns: the first line indented by
    ``indent`` spaces, the following ones by ``hang`` (default: ``indent``). Every text is shown
    through ``visible`` first."""
    if isinstance(pieces, str):
        pieces = [(pieces, None)]
    pieces = [(visible(p[0]), *p[1:]) for p in pieces if p[0]]
    hang = indent if hang is None else hang
    text = "".join(p[0] for p in pieces)
    keep, pos = [], 0
    for p in pieces:
        if len(p) > 2 and p[2]:
            keep.append((pos, pos + len(p[0])))
        pos += len(p[0])
    spans = _break_points(text, max(1, width - indent), max(1, width - hang), keep)
    return [" " * (indent if i == 0 else hang) + _markup(pieces, a, b) for i, (a, b) in enumerate(spans)]


def clip(text: str, width: int, ellipsis: str = "…") -> str:
    """``text`` (shown through ``visible``) cut to at most ``width`` columns, ``ellipsis`` marking a cut;
    the cut falls between characters, never inside one."""
    text = visible(text)
    if cell_width(text) <= width:
        return text
    room = width - cell_width(ellipsis)
    out, used = [], 0
    for g in _graphemes(text):
        gw = cell_width(g)
        if used + gw > room:
            break
        out.append(g)
        used += gw
    return "".join(out).rstrip() + ellipsis
