"""Where a line of a report read from a .docx sits in the Word document, and its runs split at offsets.

Shared by the annotated copy (``docx_annotate``) and the fixed copy (``fix_apply``); both receive the
``Document`` the checker read and the python-docx document of the same file.

The body is walked exactly as ``readers.docx`` walks it (same numbering renderer, same order), so line
``k`` of ``Document.lines`` maps to the paragraph (or table row) that produced it. When the walk's lines
and the document's lines differ (a reader change, a file edited in between), lines are aligned with
``difflib`` and unmatched lines have no place: callers fall back and say so.

A paragraph's line is ``label + visible text`` (automatic numbering is not in the runs); a paragraph
with line breaks gives several lines, each with its offset in the paragraph's visible text.
"""

from __future__ import annotations

import copy
import difflib
from dataclasses import dataclass, field
from typing import Any

from textcheck.readers.docx import (
    _W,
    _Numbering,
    _para_line,
    _row_cells,
    _run_text_no_textbox,
    _table_rows,
    _visible,
    body_blocks,
    grid_span,
)

_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


@dataclass
class LinePlace:
    """One line of the report in the Word body."""

    kind: str  # "p": a paragraph (or part of one, between line breaks); "row": a table row
    element: Any  # w:p or w:tr
    label: int = 0  # characters of the automatic-numbering label at the start of the line (not in runs)
    offset: int = 0  # where the line starts in the paragraph's visible text (after line breaks)
    cells: list[tuple[Any, int, int]] = field(default_factory=list)  # rows: (w:tc, start, end) in the line
    body_child: Any = None  # the body-level element holding it (w:p, w:tbl, w:sdt)


def _walk(container, numbering: _Numbering, out: list[tuple[str, LinePlace]]) -> None:
    for child, holder in body_blocks(container):
        if child.tag == f"{_W}p":
            line = _para_line(child, numbering)
            label = len(line) - len(_visible(child))
            pos = 0
            for k, part in enumerate(line.split("\n")):
                lab = label if k == 0 else 0
                out.append((part, LinePlace("p", child, label=lab, offset=max(0, pos - label), body_child=holder)))
                pos += len(part) + 1
        else:
            rows = _table_rows(child, numbering)
            trs = list(child.iterchildren(f"{_W}tr"))
            for row, tr in zip(rows, trs):
                text = "\t".join(row)
                cells: list[tuple[Any, int, int]] = []
                col = 0
                starts = [0]
                for c in row:
                    starts.append(starts[-1] + len(c) + 1)
                for tc in _row_cells(tr):
                    if col < len(row):
                        cells.append((tc, starts[col], starts[col] + len(row[col])))
                    col += grid_span(tc)
                out.append((text if text.strip() else "", LinePlace("row", tr, cells=cells, body_child=holder)))


class DocxMap:
    """``place(k)``: the ``LinePlace`` of 0-based line ``k`` of ``lines`` in ``document`` (python-docx), or None."""

    def __init__(self, document, lines: tuple[str, ...] | list[str]) -> None:
        walked: list[tuple[str, LinePlace]] = []
        _walk(document.element.body, _Numbering(document), walked)
        while walked and walked[0][0] == "":  # the reader strips leading empty lines
            walked.pop(0)
        texts = [t for t, _ in walked]
        self._counts: dict[int, int] = {}
        for _t, place in walked:
            self._counts[id(place.element)] = self._counts.get(id(place.element), 0) + 1
        self.places: dict[int, LinePlace] = {}
        want = list(lines)
        if texts[: len(want)] == want:
            self.places = {k: walked[k][1] for k in range(len(want))}
        else:
            sm = difflib.SequenceMatcher(None, texts, want, autojunk=False)
            for a, b, n in sm.get_matching_blocks():
                for i in range(n):
                    self.places[b + i] = walked[a + i][1]

    def place(self, k: int) -> LinePlace | None:
        return self.places.get(k)

    def line_count(self, element) -> int:
        """How many lines paragraph (or row) ``element`` gives."""
        return self._counts.get(id(element), 0)


# ---------------------------------------------------------------------------------------------
# runs


def para_runs(p) -> list[tuple[Any, int, int]]:
    """The text runs (``w:r``) of paragraph ``p`` with their [start, end) in its visible text, in order.
    Deleted text and text boxes are skipped as the reader skips them."""
    out: list[tuple[Any, int, int]] = []
    pos = 0

    def walk(el) -> None:
        nonlocal pos
        for child in el.iterchildren():
            tag = child.tag
            if not isinstance(tag, str) or tag in (f"{_W}pPr", f"{_W}del", f"{_W}moveFrom"):
                continue
            if tag == f"{_W}r":
                n = len(_run_text_no_textbox(child))
                out.append((child, pos, pos + n))
                pos += n
            elif tag == f"{_W}sdt":
                content = child.find(f"{_W}sdtContent")
                if content is not None:
                    walk(content)
            else:
                walk(child)

    walk(p)
    return out


_CONTENT = {f"{_W}t": None, f"{_W}tab": 1, f"{_W}br": 1, f"{_W}cr": 1, f"{_W}noBreakHyphen": 1}


def _trim(r, a: int, b: int) -> None:
    """Keep only the characters [a, b) of run ``r`` (its formatting kept; other marks stay in the part
    that starts the run)."""
    pos = 0
    for child in list(r.iterchildren()):
        tag = child.tag
        if tag == f"{_W}rPr":
            continue
        if tag == f"{_W}t":
            text = child.text or ""
            lo, hi = max(a, pos), min(b, pos + len(text))
            keep = text[lo - pos : hi - pos] if lo < hi else ""
            pos += len(text)
            if keep:
                child.text = keep
                child.set(_XML_SPACE, "preserve")
            else:
                r.remove(child)
        elif tag in _CONTENT:
            if not a <= pos < b:
                r.remove(child)
            pos += 1
        elif a > 0:  # drawings, field characters…: only in the first part
            r.remove(child)


def split_at(p, offset: int) -> None:
    """Make ``offset`` (in ``p``'s visible text) a run boundary, splitting the run across it."""
    for r, s, e in para_runs(p):
        if s < offset < e:
            right = copy.deepcopy(r)
            _trim(right, offset - s, e - s)
            _trim(r, 0, offset - s)
            r.addnext(right)
            return


def runs_in(p, start: int, end: int) -> list[Any]:
    """The runs exactly covering [start, end) of ``p``'s visible text (split as needed); [] when none."""
    split_at(p, start)
    split_at(p, end)
    return [r for r, s, e in para_runs(p) if s >= start and e <= end and e > s]
