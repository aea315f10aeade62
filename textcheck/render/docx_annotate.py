"""The annotated copy (``check --annotate 批注版.docx``): the report as a Word document with one comment
(批注) per finding, anchored on the text the finding is about.

- A .docx input: a copy of the file itself (its bytes are never changed: the copy is built in memory);
  the runs covering a finding's span are split at the span's ends, their formatting kept, and the
  comment range put around them.
- Any other input (txt, pdf, html, stdin): a new document of the text, one paragraph per line, so that
  paragraph N is line N.
- A finding whose span cannot be found in the document (a line the Word body does not have as text)
  is anchored on its whole paragraph, and the comment says so; a finding about the whole document
  (no line) is a comment on the first paragraph that has text.

Comment text: ``[规则] 说明 建议：…``, author ``textcheck``. The output is deterministic: no comment
dates, fixed ZIP timestamps. A renderer: it receives the findings and the document, it analyses nothing.
"""

from __future__ import annotations

import io
from typing import Any, Iterable

from textcheck.document import Document
from textcheck.finding import Finding
from textcheck.output import fixed_zip

AUTHOR = "textcheck"
INITIALS = "TC"
NOTE_PARAGRAPH = "（未能定位到具体文字，批注标在整段上）"
NOTE_CELL = "（批注标在表格单元格上）"
NOTE_DOCUMENT = "（针对全文的问题，批注标在第一段）"


def comment_text(f: Finding, note: str = "") -> str:
    """``[规则] 说明 建议：…`` (and the anchoring note, when the comment is not on the exact text)."""
    text = f"[{f.rule}] {f.message}"
    if f.suggestion:
        text += f" 建议：{f.suggestion}"
    return text + note


# ---------------------------------------------------------------------------------------------
# where a finding is, in the lines of the input


def finding_span(f: Finding, doc: Document) -> tuple[int, int, int, int] | None:
    """(first line, its column, last line, end column) of ``f`` in ``doc.lines`` (0-based lines,
    columns of the text as written), or None for a finding about the whole document."""
    if f.start is not None and f.end is not None and f.end >= f.start and doc.norm_lines:
        line, col, end_line, end_col = doc.raw_span(f.start, f.end)
        return line - 1, col, end_line - 1, end_col
    if not f.line or f.line > len(doc.lines):
        return None
    last = min(max(f.end_line or f.line, f.line), len(doc.lines))
    return f.line - 1, 0, last - 1, len(doc.lines[last - 1])


# ---------------------------------------------------------------------------------------------
# anchoring


def _anchor_runs(dmap, span: tuple[int, int, int, int]) -> tuple[list[Any], str] | None:
    """The runs (first, ..., last) to put the comment range around, and the note; None: no place."""
    from textcheck.render.docx_map import para_runs, runs_in

    la, ca, lb, cb = span
    pa, pb = dmap.place(la), dmap.place(lb)
    if pa is None or pb is None:
        place = pa or pb
        if place is None:
            return None
        runs = _element_runs(place)
        return (runs, NOTE_PARAGRAPH) if runs else None
    if pa.kind == "p" and pb.kind == "p":
        a = pa.offset + max(0, ca - pa.label)
        b = pb.offset + max(0, cb - pb.label)
        if pa.element is pb.element:
            runs = runs_in(pa.element, a, b) if b > a else []
        else:
            ea = para_runs(pa.element)
            first = runs_in(pa.element, a, ea[-1][2] if ea else 0)
            last = runs_in(pb.element, 0, b)
            runs = first[:1] + last[-1:] if first and last else []
        if runs:
            return runs, ""
        runs = _element_runs(pa) + (_element_runs(pb) if pb.element is not pa.element else [])
        return (runs, NOTE_PARAGRAPH) if runs else None
    # a table row at either end: the cells the span covers
    runs_a = _cell_runs(pa, ca, first=True)
    runs_b = _cell_runs(pb, cb, first=False)
    runs = runs_a[:1] + runs_b[-1:]
    return (runs, NOTE_CELL) if runs_a and runs_b else None


def _element_runs(place) -> list[Any]:
    from textcheck.render.docx_map import para_runs

    if place.kind == "p":
        runs = [r for r, s, e in para_runs(place.element)]
        return runs or [_empty_run(place.element)]
    return _cell_runs(place, 0, first=True) + _cell_runs(place, 10**9, first=False)


def _cell_runs(place, col: int, *, first: bool) -> list[Any]:
    """The runs of the table cell at column ``col`` of a row line (a paragraph: all its runs)."""
    from textcheck.render.docx_map import _W, para_runs

    if place.kind == "p":
        return [r for r, s, e in para_runs(place.element)] or [_empty_run(place.element)]
    cells = place.cells
    if not cells:
        return []
    chosen = cells[-1][0]
    for tc, s, e in cells:
        if col <= e:
            chosen = tc
            break
    paras = list(chosen.iter(f"{_W}p"))
    runs = [r for p in paras for r, s, e in para_runs(p)]
    if not runs and paras:
        runs = [_empty_run(paras[0])]
    return runs


def _empty_run(p):
    from docx.oxml import OxmlElement

    r = OxmlElement("w:r")
    p.append(r)
    return r


def _first_text_runs(document) -> list[Any]:
    from textcheck.render.docx_map import para_runs

    for p in document.element.body.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"):
        runs = [r for r, s, e in para_runs(p) if e > s]
        if runs:
            return runs
    paragraph = document.add_paragraph("")
    return [paragraph.add_run("")._r]


# ---------------------------------------------------------------------------------------------
# the document


def text_document(lines: Iterable[str]):
    """A new Word document of ``lines``, one paragraph per line (tabs kept as tabs)."""
    import docx

    document = docx.Document()
    body = document.element.body
    for p in list(body.iterchildren("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p")):
        body.remove(p)  # the template's empty first paragraph: paragraph N must be line N
    for line in lines:
        document.add_paragraph(line)
    return document


def annotate(doc: Document, findings: Iterable[Finding], docx_bytes: bytes | None = None) -> bytes:
    """The annotated document's bytes. ``docx_bytes``: the original .docx (a copy of it is annotated);
    None: a new document of ``doc.lines``."""
    import docx
    from docx.text.run import Run

    from textcheck.render.docx_map import DocxMap

    if docx_bytes is not None:
        document = docx.Document(io.BytesIO(docx_bytes))
    else:
        document = text_document(doc.lines)
    dmap = DocxMap(document, doc.lines)
    body_paragraph = document.paragraphs[0] if document.paragraphs else None
    for f in findings:
        span = finding_span(f, doc)
        found = _anchor_runs(dmap, span) if span is not None else None
        if found is None:
            runs, note = _first_text_runs(document), (NOTE_DOCUMENT if span is None else NOTE_PARAGRAPH)
        else:
            runs, note = found
        comment = document.add_comment([Run(r, body_paragraph) for r in (runs[0], runs[-1])],
                                       text=comment_text(f, note), author=AUTHOR, initials=INITIALS)
        comment._comment_elm.date = None  # deterministic output: no timestamp
    out = io.BytesIO()
    document.save(out)
    return deterministic_zip(out.getvalue())


def deterministic_zip(data: bytes) -> bytes:
    """The same ZIP with fixed member timestamps (python-docx stamps the current time)."""
    return fixed_zip(data, (1980, 1, 1, 0, 0, 0))
