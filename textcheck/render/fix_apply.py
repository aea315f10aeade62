"""The fixed copy (``textcheck fix IN -o OUT``): the safe fixes the findings carry, applied to a copy.

A fix (``Finding.fix``) is a tuple of edits ``(start, end, replacement)`` in the normalised text
(``"\\n".join(doc.norm_lines)``). Each edit is placed in the text as written (``doc.lines``); an edit
whose text as written differs from what the rule saw is skipped and said, never guessed. Two fixes
whose edits overlap: the first (in finding order) is applied, the other skipped and said.

- txt: the edits applied to the decoded text, written back in the file's encoding and line endings.
- docx: a copy of the Word document with the runs edited (the first run of a replaced span keeps its
  formatting and carries the replacement; the others are removed); an edit removing whole lines removes
  their paragraphs. Tables are never edited. The result is read back to make the diff.

Nothing here decides what to fix: the rules did, this only applies.
"""

from __future__ import annotations

import difflib
import io
from dataclasses import dataclass, field
from typing import Any, Iterable

from textcheck.document import Document
from textcheck.errors import InputError
from textcheck.render.docx_annotate import deterministic_zip

FIXABLE_FORMATS = ("txt", "stdin", "docx")


@dataclass(frozen=True)
class RawEdit:
    """An edit placed in the lines as written: from (line, col) to (end_line, end_col), 0-based."""

    line: int
    col: int
    end_line: int
    end_col: int
    replacement: str
    rule: str

    @property
    def whole_lines(self) -> bool:
        return self.col == 0 and self.end_col == 0 and self.end_line > self.line and self.replacement == ""


@dataclass
class FixPlan:
    edits: list[RawEdit] = field(default_factory=list)
    applied: list[Any] = field(default_factory=list)  # the findings whose fix is applied
    skipped: list[tuple[Any, str]] = field(default_factory=list)  # (finding, why)


def chosen(findings: Iterable[Any], select: Iterable[str] | None = None) -> list[Any]:
    """The findings whose fix is applied: every safe fix by default; with ``select`` (rule ids) the fixes
    of those rules, a fix that needs a look (``safe`` False) included only when its rule is named."""
    names = set(select) if select else None
    out = []
    for f in findings:
        fx = getattr(f, "fix", None)
        if fx is None:
            continue
        if names is None and fx.safe:
            out.append(f)
        elif names is not None and f.rule in names:
            out.append(f)
    return out


def _place(doc: Document, offset: int, *, end: bool = False) -> tuple[int, int] | None:
    """Offset of ``doc.text`` -> (0-based line, column as written)."""
    if offset < 0 or offset > len(doc.text):
        return None
    line = doc.line_of(offset)
    col = offset - doc.line_starts[line - 1]
    return line - 1, doc.raw_column(line, col, end=end)


def plan(doc: Document, findings: Iterable[Any]) -> FixPlan:
    """Place the edits of ``findings``' fixes in the lines as written; overlaps and edits that do not
    match the text as written are skipped (with the reason)."""
    out = FixPlan()
    norm_text = doc.text
    findings = list(findings)
    removed = [(id(f), e.start, e.end) for f in findings for e in f.fix.edits if e.replacement == "" and e.end > e.start]
    taken: list[tuple[int, int]] = []
    for f in findings:
        edits: list[RawEdit] = []
        why = ""
        spans = []
        inside = [e for e in f.fix.edits
                  if any(k != id(f) and s <= e.start and e.end <= t and (e.start, e.end) != (s, t) for k, s, t in removed)]
        if inside and len(inside) == len(f.fix.edits):
            out.skipped.append((f, "所在内容已被另一处修改整段删除"))
            continue
        for e in f.fix.edits:
            if e in inside:  # removed with a pasted block anyway
                continue
            start, end, repl = e.start, e.end, e.replacement
            a, b = _place(doc, start), _place(doc, end, end=end > start)
            if repl == "" and a is not None and a[1] == 0 and end == len(doc.text) and end > start:
                b = (len(doc.lines), 0)  # whole lines up to the end of the text
            if a is None or b is None or end < start:
                why = "修改位置超出正文范围"
                break
            raw = _raw_slice(doc, a, b)
            if raw != norm_text[start:end] and not (a[1] == 0 and b[1] == 0):
                why = f"原文“{raw[:20]}”与检查时看到的文字不同，未自动修改"
                break
            spans.append((start, end))
            edits.append(RawEdit(a[0], a[1], b[0], b[1], repl, f.rule))
        if not why and any(s < te and ts < e or (s == e == ts) for s, e in spans for ts, te in taken):
            why = "与另一处修改重叠"
        if why:
            out.skipped.append((f, why))
            continue
        taken.extend(spans)
        out.edits.extend(edits)
        out.applied.append(f)
    out.edits.sort(key=lambda e: (e.line, e.col, e.end_line, e.end_col))
    return out


def _raw_slice(doc: Document, a: tuple[int, int], b: tuple[int, int]) -> str:
    lines = list(doc.lines) + [""]
    if a[0] == b[0]:
        return lines[a[0]][a[1] : b[1]]
    return "\n".join([lines[a[0]][a[1] :], *lines[a[0] + 1 : b[0]], lines[b[0]][: b[1]]])


# ---------------------------------------------------------------------------------------------
# text


def apply_to_lines(lines: list[str], edits: list[RawEdit]) -> list[str]:
    """The lines with ``edits`` applied (edits in order, non-overlapping)."""
    text = "\n".join(lines)
    starts = [0]
    for ln in lines:
        starts.append(starts[-1] + len(ln) + 1)

    def off(line: int, col: int) -> int:
        return min(starts[line] + col, len(text) + 1) if line < len(starts) else len(text) + 1

    for e in sorted(edits, key=lambda e: (e.line, e.col), reverse=True):
        a, b = off(e.line, e.col), off(e.end_line, e.end_col)
        if b > len(text):  # a deletion running to the end: take the last newline with it
            text = text[: max(0, a - 1)] if e.whole_lines and a > 0 else text[:a]
        else:
            text = text[:a] + e.replacement + text[b:]
    return text.split("\n")


def fix_text(doc: Document, edits: list[RawEdit]) -> tuple[bytes, str]:
    """(the file's new bytes, its new text) of a text input."""
    new_lines = apply_to_lines(list(doc.lines), edits)
    src = doc.source
    newline = "\r\n" if "\r\n" in src.text else "\n"
    text = "\n".join(new_lines) + ("\n" if src.text.endswith(("\n", "\r")) else "")
    encoding = src.encoding or "utf-8"
    try:
        data = text.replace("\n", newline).encode(encoding)
    except (UnicodeEncodeError, LookupError):
        data = text.replace("\n", newline).encode("utf-8")
    return data, text


# ---------------------------------------------------------------------------------------------
# docx


def fix_docx(doc: Document, edits: list[RawEdit], data: bytes) -> tuple[bytes, list[RawEdit]]:
    """(the fixed copy of the .docx ``data``, the edits that could not be made in it)."""
    import docx

    from textcheck.render.docx_map import DocxMap

    document = docx.Document(io.BytesIO(data))
    dmap = DocxMap(document, doc.lines)
    failed: list[RawEdit] = []
    removals: list[Any] = []
    for e in sorted(edits, key=lambda e: (e.line, e.col), reverse=True):
        if e.whole_lines:
            places = [dmap.place(k) for k in range(e.line, min(e.end_line, len(doc.lines)))]
            if any(p is None or p.kind != "p" for p in places):
                failed.append(e)
                continue
            paras = {id(p.element): p.element for p in places}
            if any(dmap.line_count(el) != sum(1 for p in places if p.element is el) for el in paras.values()):
                failed.append(e)  # part of a paragraph with line breaks: not removed
                continue
            removals.extend(paras.values())
            continue
        if e.line != e.end_line or "\n" in e.replacement:
            failed.append(e)
            continue
        place = dmap.place(e.line)
        target = None
        if place is not None and place.kind == "p" and e.col >= place.label:
            target = (place.element, place.offset + e.col - place.label, place.offset + e.end_col - place.label)
        elif place is not None and place.kind == "row":
            target = _in_cell(place, e.col, e.end_col)
        if target is None or not _replace(*target, e.replacement):
            failed.append(e)
    seen = set()
    for p in removals:
        if id(p) in seen or p.getparent() is None:
            continue
        seen.add(id(p))
        p.getparent().remove(p)
    out = io.BytesIO()
    document.save(out)
    return deterministic_zip(out.getvalue()), failed


def _in_cell(place, col: int, end_col: int):
    """(w:p, start, end) of the span ``[col, end_col)`` of a table row's line, when it lies in one cell
    whose text is its single paragraph's text as written (no numbering label, no spaces the reader
    folded): only then do offsets in the line map one to one onto the paragraph. None otherwise."""
    from textcheck.readers.docx import _W, _visible, fold_cell_text

    for tc, start, end in place.cells:
        if start <= col and end_col <= end:
            paras = [c for c in tc.iterchildren() if c.tag != f"{_W}tcPr"]
            if len(paras) != 1 or paras[0].tag != f"{_W}p":
                return None
            p = paras[0]
            text = _visible(p)
            if text != fold_cell_text(text) or len(text) != end - start:
                return None
            return p, col - start, end_col - start
    return None


def _replace(p, a: int, b: int, replacement: str) -> bool:
    """``[a, b)`` of paragraph ``p``'s visible text replaced by ``replacement`` in its runs (the first run's
    formatting kept); an insertion (a == b) is a new run formatted as the run before it. False when the
    runs cannot be found."""
    from textcheck.render.docx_map import para_runs, runs_in, split_at

    if b > a:
        runs = runs_in(p, a, b)
        if not runs:
            return False
        _set_text(runs[0], replacement)
        for r in runs[1:]:
            r.getparent().remove(r)
        return True
    split_at(p, a)
    before = [r for r, s, t in para_runs(p) if t == a and t > s] or [r for r, s, t in para_runs(p) if s == a]
    if not before:
        return False
    import copy

    new = copy.deepcopy(before[0])
    _set_text(new, replacement)
    before[0].addnext(new)
    return True


def _set_text(r, text: str) -> None:
    from textcheck.render.docx_map import _W, _XML_SPACE

    keep_first = True
    for child in list(r.iterchildren()):
        if child.tag == f"{_W}rPr":
            continue
        if child.tag == f"{_W}t" and keep_first:
            child.text = text
            child.set(_XML_SPACE, "preserve")
            keep_first = False
        elif child.tag in (f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}noBreakHyphen"):
            r.remove(child)
    if keep_first:
        from docx.oxml import OxmlElement

        t = OxmlElement("w:t")
        t.text = text
        t.set(_XML_SPACE, "preserve")
        r.append(t)


# ---------------------------------------------------------------------------------------------


def unified_diff(old: str, new: str, old_name: str, new_name: str) -> str:
    """The unified diff of the text before and after (``difflib``), for the terminal."""
    return "".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                        fromfile=old_name, tofile=new_name, n=1))


def refuse_format(doc: Document) -> None:
    if doc.source.format not in FIXABLE_FORMATS:
        raise InputError(f"textcheck fix 只能修改 .txt 和 .docx 文件（这是 {doc.source.format} 文件）；"
                         "可先用 check --annotate 生成带批注的 Word 文档", path=doc.path)
