"""The text of a document as table cells: one searchable string whose offsets map back to cells.

Every input line becomes its cells: split at tabs (how the readers write table rows), or at ``|``
for pipe rows (Markdown, copy-paste artefacts; ``|---|`` rows are dropped), else the whole line is
one cell. A cell is compacted: spaces are removed except a single space between two digits (there
the layout kept a cell boundary: ``230 000023``). The cells are joined into one string, a tab
between cells and a newline between lines, so that labels are found with regular expressions
whatever the layout, and any offset maps back to its cell and its 1-based line.

Tokens are what a stretch of that string holds: whole-cell numbers, empty cells, digits that run
together with other cells or text (their cell boundaries unknown), placeholders written instead
of a number, and text.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Sequence

_PIPE_RULE = re.compile(r"^:?-{2,}:?$")
_DIGITS = frozenset("0123456789")
_WS = re.compile(r"\s")
_WS_RUN = re.compile(r"\s+")
NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_UNIT = re.compile(r"^(.*?\d)(万元|元)$")
_RUN = re.compile(r"-?\d[\d. \-]*")
PLACEHOLDERS = frozenset({"-", "—", "——", "–", "/", "无", "…", "……", "×"})


# Seg and Tok are not frozen (nothing changes them once made): a report makes about a thousand of
# them, and a frozen dataclass's __init__ (object.__setattr__ per field) cost five times as much.
@dataclass
class Seg:
    """One cell of the text: its line, its index in the line, its span in the joined string."""

    line: int
    col: int
    ncols: int
    start: int
    end: int
    text: str
    sep: bool  # the line has explicit cell separators (tabs or pipes)
    origin: int = 0  # offset of the cell in its normalised line
    pos: Sequence[int] = ()  # for each character of ``text``, its offset in the cell

    def line_offset(self, joined: int) -> int:
        """Offset in the normalised line of the character at ``joined`` in the joined string."""
        k = min(max(0, joined - self.start), len(self.pos) - 1)
        return self.origin + (self.pos[k] if self.pos else 0)


@dataclass
class Tok:
    """What a stretch of the table text holds.

    ``kind``: ``num`` (a whole cell holding one number), ``digits`` (digits whose cell boundaries
    are unknown: run together, or sharing a cell with text; ``pieces`` are the parts a space
    separated), ``blank`` (an empty cell), ``placeholder`` (``—``, ``/``, ``无`` instead of a number),
    ``text``."""

    kind: str
    text: str
    seg: Seg
    start: int
    unit: str = ""
    pieces: tuple[str, ...] = ()

    @property
    def line(self) -> int:
        return self.seg.line


def compact(cell: str) -> str:
    return compact_map(cell)[0]


def compact_map(cell: str) -> tuple[str, Sequence[int]]:
    """The cell without spaces, except one space between two digits; and where each kept
    character was in the cell."""
    if not _WS.search(cell):
        return cell, range(len(cell))
    out: list[str] = []
    pos: list[int] = []
    last = 0
    for m in _WS_RUN.finditer(cell):
        a, b = m.span()
        out.append(cell[last:a])
        pos.extend(range(last, a))
        if 0 < a and b < len(cell) and cell[a - 1] in _DIGITS and cell[b] in _DIGITS:
            out.append(" ")
            pos.append(a)
        last = b
    out.append(cell[last:])
    pos.extend(range(last, len(cell)))
    return "".join(out), pos


def _split(line: str, sep: str, first: int = 0) -> list[tuple[int, str]]:
    out, pos = [], first
    for part in line.split(sep):
        out.append((pos, part))
        pos += len(part) + len(sep)
    return out


def _cells(line: str) -> tuple[list[tuple[int, str]], bool] | None:
    """The cells of one normalised line (with their offsets), and whether it had explicit
    separators; None: no cells."""
    if "\t" in line:
        return _split(line, "\t"), True
    s = line.strip()
    lead = len(line) - len(line.lstrip())
    if "|" in s:
        inner, first = (s[1:], lead + 1) if s.startswith("|") else (s, lead)
        inner = inner[:-1] if inner.endswith("|") else inner
        cells = _split(inner, "|", first)
        if all(_PIPE_RULE.match(c.strip()) or not c.strip() for _, c in cells):
            return None  # |---|---| rule, or || filler
        return cells, len(cells) > 1
    return [(lead, s)], False


class TableText:
    """The document's lines as cells in one string (see the module docstring)."""

    def __init__(self, lines: list[str] | tuple[str, ...], norm_lines: list[str] | tuple[str, ...]) -> None:
        parts: list[str] = []
        segs: list[Seg] = []
        line_start: list[int] = []
        pos = 0
        for n, norm in enumerate(norm_lines, start=1):
            line_start.append(pos)
            got = _cells(norm)
            raw = lines[n - 1] if n - 1 < len(lines) else norm
            if got is None:
                cells, sep = [], False
            else:
                cells, sep = got
            ncols = max(len(cells), raw.count("\t") + 1 if "\t" in raw else len(cells))
            line_parts = []
            for col, (origin, cell) in enumerate(cells):
                t, where = compact_map(cell)
                if col:
                    line_parts.append("\t")
                    pos += 1
                segs.append(Seg(line=n, col=col, ncols=ncols, start=pos, end=pos + len(t), text=t, sep=sep,
                                origin=origin, pos=where))
                line_parts.append(t)
                pos += len(t)
            parts.append("".join(line_parts))
            parts.append("\n")
            pos += 1
        self.text = "".join(parts)
        self.segs = segs
        self._by_line: dict[int, list[Seg]] = {}
        for sg in segs:
            self._by_line.setdefault(sg.line, []).append(sg)
        self._starts = [s.start for s in segs]
        self._whole: dict[int, Tok | None] = {}
        self._tokens: dict[tuple[int, int], list[Tok]] = {}  # tokens(a, b), read once (regions are read again)
        self._line_start = line_start
        self.n_lines = len(norm_lines)

    def line_segs(self, line: int) -> list[Seg]:
        return self._by_line.get(line, [])

    def line_of(self, offset: int) -> int:
        """1-based line holding ``offset``."""
        return max(1, bisect.bisect_right(self._line_start, offset))

    def line_span(self, first: int, last: int) -> tuple[int, int]:
        """Offsets of the start of line ``first`` and the end of line ``last`` (1-based, inclusive)."""
        first = max(1, first)
        last = min(self.n_lines, last)
        a = self._line_start[first - 1] if self._line_start else 0
        b = self._line_start[last] if last < self.n_lines else len(self.text)
        return a, b

    def segs_between(self, a: int, b: int) -> list[Seg]:
        """Cells overlapping ``[a, b)`` (empty cells at ``a`` included)."""
        i = max(0, bisect.bisect_right(self._starts, a) - 1)
        j = bisect.bisect_left(self._starts, b, i)  # cells start in increasing order
        return [s for s in self.segs[i:j] if s.end > a or (s.start == s.end and s.start >= a)]

    def tokens(self, a: int, b: int) -> list[Tok]:
        """The tokens of the text in ``[a, b)``, in reading order."""
        key = (a, b)
        got = self._tokens.get(key)
        if got is None:
            got = self._tokens[key] = self._read_tokens(a, b)
        return list(got)

    def _read_tokens(self, a: int, b: int) -> list[Tok]:
        out: list[Tok] = []
        for seg in self.segs_between(a, b):
            lo, hi = max(a, seg.start), min(b, seg.end)
            piece = seg.text[lo - seg.start : hi - seg.start]
            whole = lo == seg.start and hi == seg.end
            if not piece:
                if whole and seg.sep:
                    out.append(Tok("blank", "", seg, lo))
                continue
            if whole:
                if seg.start not in self._whole:
                    self._whole[seg.start] = _whole_cell(piece, seg, lo)
                tok = self._whole[seg.start]
                if tok is not None:
                    out.append(tok)
                    continue
            out.extend(_runs(piece, seg, lo))
        return out


def _whole_cell(text: str, seg: Seg, start: int) -> Tok | None:
    if text in PLACEHOLDERS:
        return Tok("placeholder", text, seg, start)
    unit = ""
    m = _UNIT.match(text)
    if m:
        text, unit = m.group(1), m.group(2)
    if NUMBER.match(text):
        return Tok("num", text, seg, start, unit=unit)
    if _THOUSANDS.match(text):
        return Tok("num", text.replace(",", ""), seg, start, unit=unit)
    return None


def _runs(piece: str, seg: Seg, start: int) -> list[Tok]:
    """Split a piece of a cell into text and digit runs."""
    out: list[Tok] = []
    pos = 0
    for m in _RUN.finditer(piece):
        run = m.group(0).rstrip(" .-")
        if not run or not any(ch.isdigit() for ch in run):
            continue
        if m.start() > pos:
            out.append(Tok("text", piece[pos : m.start()], seg, start + pos))
        end = m.start() + len(run)
        unit = ""
        for u in ("万元", "元"):
            if piece.startswith(u, end):
                unit = u
                break
        pieces = tuple(p for chunk in run.split(" ") for p in re.split(r"(?=-)", chunk) if p)
        out.append(Tok("digits", run, seg, start + m.start(), unit=unit, pieces=pieces))
        pos = end + len(unit)
    if pos < len(piece):
        out.append(Tok("text", piece[pos:], seg, start + pos))
    return out
