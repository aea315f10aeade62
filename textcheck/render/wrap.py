"""Text for a terminal: display widths, visible control characters, wrapping with hanging indents.

- Widths are display columns (``wcwidth``): a Chinese character or full-width punctuation mark takes
  two, East Asian "ambiguous" characters (“ ” …) one, as most terminals show them.
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

from typing import Iterable, Sequence

from rich.markup import escape

from textcheck.text import visible_path

# width when the output is not a terminal (a pipe, a file written with -o)
DEFAULT_WIDTH = 100
# never narrower than this, whatever the terminal says (a hanging indent needs room)
MIN_WIDTH = 40

# (text, style) or (text, style, keep): a piece with keep=True is never broken across lines
Piece = tuple


def visible(text: str) -> str:
    """``text`` with control characters and direction overrides shown as escapes; a tab is a space."""
    return visible_path(text.replace("\t", " "))


def cell_width(text: str) -> int:
    """Display columns of ``text`` (which holds no control characters: see ``visible``)."""
    import wcwidth

    return wcwidth.width(text)


def ljust(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` display columns."""
    return text + " " * max(0, width - cell_width(text))


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


def _units(text: str, keep: Sequence[tuple[int, int]] = ()) -> list[str]:
    """The pieces of ``text`` between two line break opportunities (UAX #14), none inside a span of
    ``keep``."""
    from uniseg.linebreak import line_break_units

    units = list(line_break_units(text)) if text else []
    if not keep:
        return units
    merged: list[str] = []
    pos = 0
    for u in units:
        if merged and any(a < pos < b for a, b in keep):
            merged[-1] += u
        else:
            merged.append(u)
        pos += len(u)
    return merged


def _graphemes(text: str) -> list[str]:
    from wcwidth import iter_graphemes

    return list(iter_graphemes(text))


def _break_points(text: str, first: int, rest: int, keep: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """``[(start, end), ...]``: the spans of ``text`` on each line, the first line ``first`` columns
    wide, the others ``rest``; spaces where a line breaks are dropped. A unit wider than a whole
    line (a long web address) is cut between characters."""
    lines: list[tuple[int, int]] = []
    start = pos = 0
    used = 0
    avail = first

    def close(end: int) -> None:
        nonlocal start, used, avail
        # the spaces a line ends with are not shown
        e = end
        while e > start and text[e - 1] == " ":
            e -= 1
        lines.append((start, e))
        start = end
        used = 0
        avail = rest

    for unit in _units(text, keep):
        w = cell_width(unit.rstrip(" "))
        if used and used + w > avail:
            close(pos)
        if used == 0 and w > avail:
            # longer than a line: cut it between characters (graphemes)
            for g in _graphemes(unit):
                gw = cell_width(g)
                if used and used + gw > avail:
                    close(pos)
                if used == 0 and g == " ":
                    start = pos + len(g)
                else:
                    used += gw
                pos += len(g)
            continue
        used += cell_width(unit)
        pos += len(unit)
    if start < len(text) or not lines:
        close(len(text))
    # a line never starts with the spaces left over by the break
    out = []
    for a, b in lines:
        while a < b and text[a] == " ":
            a += 1
        out.append((a, b))
    return out


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
