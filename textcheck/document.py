"""The document model: what a reader returns (``Source``) and what parsing makes of it (``Document``).

read (bytes -> Source) -> parse (Source -> Document) -> analyses, rules (Document -> Finding) -> render.

Line numbers are 1-based and always refer to the lines of the decoded input text
(``Source.text``): normalisation never adds or removes lines, so a line number shown to
the user is the line they see in their editor.

Locations (docs/schema.md): character offsets are offsets in ``Document.text``, the normalised lines
joined by ``\n`` (line ``n`` starts at ``Document.line_starts[n - 1]``). Readers of formats with their
own places record, per line of ``Source.text``, the docx paragraph / table row and the PDF page it came
from (``Source.line_paragraph`` / ``line_table`` / ``line_page``); ``Document.locate`` turns a line span
into all of them.
"""

from __future__ import annotations

import bisect
import functools
from dataclasses import asdict, dataclass
from enum import Enum
from typing import Any


@dataclass(frozen=True)
class Source:
    """Decoded input: what a reader returns. Tables are tab-separated lines in ``text``."""

    text: str
    path: str
    format: str  # txt, docx, pdf, html, stdin
    encoding: str | None = None
    notes: tuple[str, ...] = ()  # reader remarks shown in verbose output (e.g. removed headers)
    # per line of ``text`` (index 0 = line 1), or () when the format has no such places:
    line_paragraph: tuple[int | None, ...] = ()  # docx: 1-based body paragraph (docs/schema.md), None in tables
    line_table: tuple[tuple[int, int] | None, ...] = ()  # docx: (table, row), 1-based, for table rows
    line_page: tuple[int | None, ...] = ()  # pdf: 1-based page the line starts on

    def origin(self, line: int) -> tuple[int | None, tuple[int, int] | None, int | None]:
        """(paragraph, (table, row), page) of 1-based ``line``; None where not known."""
        i = line - 1

        def at(seq):
            return seq[i] if 0 <= i < len(seq) else None

        return at(self.line_paragraph), at(self.line_table), at(self.line_page)


class BlockKind(str, Enum):
    HEADING = "heading"  # a line that is only a heading
    PARAGRAPH = "paragraph"  # narrative prose (may start with an inline heading "(一)主动公开方面。...")
    TABLE = "table"


@dataclass(frozen=True)
class Block:
    """A paragraph, heading or table with its place in the original input.

    ``text`` is the normalised text used for analysis (NFKC, Markdown removed, broken lines
    re-joined); ``raw`` is the original text of the same lines, for display.
    """

    kind: BlockKind
    text: str
    raw: str
    line: int
    end_line: int
    section: str | None = None  # canonical section key, e.g. "overview"
    heading_level: int = 0  # 1: 一、 2: （一） 3: 1. ; 0 for non-headings
    inline_heading: str = ""  # "(一)主动公开方面" when a paragraph opens with its own heading
    inline_level: int = 0  # the level of that heading: 2 for （一）/第一，/…方面, 3 for 1. / 1、
    subheading: str = ""  # nearest enclosing level-2 heading text (for subtopic evidence)
    rows: tuple[tuple[str, ...], ...] = ()  # table cells, for TABLE blocks

    @property
    def is_narrative(self) -> bool:
        return self.kind is BlockKind.PARAGRAPH


@dataclass(frozen=True)
class Section:
    key: str  # stable id: overview, active, requests, review, problems, other
    title: str  # canonical Chinese name
    heading: str  # heading text as written
    line: int  # heading line
    end_line: int  # last line of the section body
    index: int  # 1..6 canonical order
    implied: bool = False  # no heading: 总体情况 implied by its sub-headings （一）主动公开… before 二


@dataclass(frozen=True)
class PartHeading:
    """A top-level heading of the report's numbering (``三、收到和处理…``, ``1、 总体情况``, ``第一部分``)."""

    line: int
    text: str  # normalised, as written
    numeral: int | None  # 3 for 三、 / 3、 / 第三部分; None when un-numbered
    key: str | None  # the part it names (the six keys, or fees / stats of the 2008 format), None for others
    role: str  # "part": starts a part; "overview-item": an item of 总体情况 numbered like a part; "other"
    block: int = -1  # index of its block in Document.blocks


@dataclass(frozen=True)
class Identity:
    """Who issued the report and for which year, as the text states it (parse/identity.py).

    ``issuer`` / ``year`` are the statements read first (the title's, when there is one);
    ``issuer_candidates`` and ``year_candidates`` hold every statement found, ``(text or year, source,
    line)``, so that the analysis can weigh them against each other (analysis/issuer.py)."""

    issuer: str | None = None
    issuer_source: str | None = None  # title | preamble | contact | publisher | subject | signature
    issuer_line: int | None = None
    year: int | None = None
    year_source: str | None = None  # title | preamble | opening | period
    year_line: int | None = None
    signature_date: str | None = None  # ISO yyyy-mm-dd
    signature_line: int | None = None
    title: str | None = None  # joined when split over two lines
    title_line: int | None = None
    title_lines: tuple[int, ...] = ()  # every line carrying the title (split, or shown twice)
    issuer_candidates: tuple[tuple[str, str, int], ...] = ()
    year_candidates: tuple[tuple[int, str, int], ...] = ()
    period: tuple[int, int | None, int] | None = None  # the data period: start year, end year (None: not written), line

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["title_lines"] = list(self.title_lines)
        d["issuer_candidates"] = [{"text": t, "source": s, "line": ln} for t, s, ln in self.issuer_candidates]
        d["year_candidates"] = [{"year": y, "source": s, "line": ln} for y, s, ln in self.year_candidates]
        d["period"] = None if self.period is None else {"start": self.period[0], "end": self.period[1], "line": self.period[2]}
        return d


@dataclass(frozen=True)
class Document:
    source: Source
    lines: tuple[str, ...]  # original lines (decoded, no line terminators)
    norm_lines: tuple[str, ...]  # normalised lines, same count
    blocks: tuple[Block, ...]
    sections: tuple[Section, ...]
    identity: Identity
    section_headings: tuple[tuple[str, int, str], ...] = ()  # every (key, line, text) seen, duplicates included
    outline: tuple[PartHeading, ...] = ()  # every top-level heading in document order
    meta: tuple[tuple[str, str, int], ...] = ()  # page/crawler metadata: (key, value, line), e.g. ("发布机构", …, 4)
    chrome_lines: tuple[int, ...] = ()  # lines that are page chrome or metadata, not report text
    notes: tuple[str, ...] = ()  # what normalisation did (traditional characters converted, body split…)

    @property
    def path(self) -> str:
        return self.source.path

    def narrative(self, section: str | None = None) -> list[Block]:
        return [b for b in self.blocks if b.is_narrative and (section is None or b.section == section)]

    def section(self, key: str) -> Section | None:
        for s in self.sections:
            if s.key == key:
                return s
        return None

    def section_body(self, key: str) -> list[Block]:
        """The running text of section ``key``: its paragraphs and sub-headings (level 2 and below),
        not its own heading and not its tables."""
        return [
            b
            for b in self.blocks
            if b.section == key and (b.kind is BlockKind.PARAGRAPH or (b.kind is BlockKind.HEADING and b.heading_level >= 2))
        ]

    def block_at(self, line: int) -> Block | None:
        """The block that holds ``line``, or None (a blank line between blocks)."""
        for b in self.blocks:
            if b.line <= line <= b.end_line:
                return b
        return None

    # ------------------------------------------------------------------------------ locations

    @functools.cached_property
    def text(self) -> str:
        """The normalised text: ``norm_lines`` joined by ``\n``. Finding offsets index into it."""
        return "\n".join(self.norm_lines)

    @functools.cached_property
    def line_starts(self) -> tuple[int, ...]:
        """Offset in ``text`` where each line starts (index 0 = line 1)."""
        out, pos = [], 0
        for s in self.norm_lines:
            out.append(pos)
            pos += len(s) + 1
        return tuple(out)

    def offset(self, line: int, column: int = 0) -> int:
        """Offset in ``text`` of ``column`` in normalised line ``line`` (1-based)."""
        return self.line_starts[line - 1] + column

    def line_of(self, offset: int) -> int:
        """The 1-based line holding ``offset`` of ``text``."""
        return max(1, bisect.bisect_right(self.line_starts, offset))

    def line_span(self, line: int, end_line: int | None = None) -> tuple[int, int]:
        """(start, end) in ``text`` of lines ``line``..``end_line``, leading and trailing spaces left out."""
        end_line = end_line or line
        n = len(self.norm_lines)
        if not n:
            return 0, 0
        line, end_line = min(max(line, 1), n), min(max(end_line, line, 1), n)
        first, last = self.norm_lines[line - 1], self.norm_lines[end_line - 1]
        start = self.line_starts[line - 1] + (len(first) - len(first.lstrip()))
        end = self.line_starts[end_line - 1] + len(last.rstrip())
        return start, max(start, end)

    def locate(self, line: int, end_line: int | None = None) -> dict[str, int | None]:
        """The format's places of lines ``line``..``end_line``: paragraph, table row, page (see
        ``finding.LOCATION_FIELDS``; offsets are not included)."""
        end_line = max(end_line or line, line)
        src = self.source
        if src.line_paragraph or src.line_table or src.line_page:
            # blank lines (empty paragraphs) have no place: use the first / last line of the span that has one
            def placed(n: int) -> bool:
                return any(x is not None for x in src.origin(n))

            while line < end_line and not placed(line):
                line += 1
            while end_line > line and not placed(end_line):
                end_line -= 1
        p1, t1, g1 = src.origin(line)
        p2, t2, g2 = src.origin(end_line)
        if p1 is None:  # a table row: the paragraph numbering is not continued inside tables
            p2 = None
        return {
            "paragraph": p1,
            "end_paragraph": p2 if p1 is not None else None,
            "table": t1[0] if t1 else None,
            "table_row": t1[1] if t1 else None,
            "end_table_row": t2[1] if t1 and t2 and t2[0] == t1[0] else None,
            "page": g1,
            "end_page": g2 if g1 is not None else None,
        }

    def raw_column(self, line: int, column: int, *, end: bool = False) -> int:
        """The column in the original line ``line`` (``lines``) of ``column`` of its normalised form
        (``end``: an exclusive end column: just after the original of the character before it).

        Normalisation changes lengths (NFKC: ``…`` → ``...``; Markdown marks and chrome prefixes removed), so
        the two are aligned character by character (each original character expanded by NFKC, then
        ``difflib`` matching blocks); a column inside a changed stretch maps by its distance from the
        nearest matched character before it. Best effort, for consumers that edit the original (Word
        comments, fixes)."""
        raw, norm = self.lines[line - 1], self.norm_lines[line - 1]
        if raw == norm:
            return max(0, min(column, len(raw)))
        if end:
            return self.raw_column(line, column - 1) + 1 if column > 0 else self.raw_column(line, 0)
        owner, blocks = self._alignment(line)
        pos = 0  # raw column of the last matched character before ``column``, plus the distance from it
        for a, b, size in blocks:
            if a <= column < a + size:
                return owner[b + column - a]
            if a + size <= column:
                pos = owner[b + size - 1] + 1 + (column - a - size)
        return max(0, min(pos, len(raw)))

    @functools.cached_property
    def _alignments(self) -> dict[int, tuple[list[int], list[tuple[int, int, int]]]]:
        return {}

    def _alignment(self, line: int) -> tuple[list[int], list[tuple[int, int, int]]]:
        """(original column of each NFKC-expanded character, matching blocks normalised → expanded) of a line."""
        if line not in self._alignments:
            import difflib
            import unicodedata

            raw, norm = self.lines[line - 1], self.norm_lines[line - 1]
            expanded: list[str] = []
            owner: list[int] = []
            for k, ch in enumerate(raw):
                for c in unicodedata.normalize("NFKC", ch).replace("\u3000", " ").replace("\xa0", " "):
                    expanded.append(c)
                    owner.append(k)
            matcher = difflib.SequenceMatcher(None, norm, "".join(expanded), autojunk=False)
            self._alignments[line] = (owner, [m for m in matcher.get_matching_blocks() if m[2]])
        return self._alignments[line]

    def raw_span(self, start: int, end: int) -> tuple[int, int, int, int]:
        """``(line, column, end_line, end_column)`` in the original lines of offsets ``start``..``end`` of
        ``text`` (end exclusive; see ``raw_column``)."""
        end = max(start, end)
        line, end_line = self.line_of(start), self.line_of(max(start, end - 1))
        col = self.raw_column(line, start - self.line_starts[line - 1])
        end_col = self.raw_column(end_line, end - self.line_starts[end_line - 1], end=True) if end > start else col
        return line, col, end_line, end_col

    def label(self, line: int, end_line: int | None = None) -> str:
        """``第 N 段`` / ``第 P 页`` / ``第 L 行`` of lines ``line``..``end_line`` (``finding.location_label``);
        "" without a line."""
        from textcheck.finding import location_label

        if not line:
            return ""
        end_line = end_line or line
        return location_label({"line": line, "end_line": end_line, **self.locate(line, end_line)})

    def excerpt(self, line: int, end_line: int | None = None, limit: int = 120) -> str:
        end = end_line or line
        text = "\n".join(x for x in self.lines[line - 1 : end] if x.strip())
        return shorten(text, limit)


def shorten(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
