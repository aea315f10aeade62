"""What the templates show, built from results: no analysis, no HTML (the templates escape everything).

The report view works from a report's JSON (``CheckResult.to_dict()``, or a batch row) and its
``Document``, so the page shows exactly the findings ``-f json`` prints.

Highlighting: the original text is shown. A finding that carries character offsets (``start``/``end``
in the document's normalised text, issue 15) is marked at those characters, mapped back to the original
lines (``Document.raw_column``: normalisation changes punctuation widths and drops markup); a finding
without them (a JSON from before schema 2.0) has its lines ``line``..``end_line`` marked. A finding that covers many lines (a whole
section too long, say) is shown as a bar beside those lines rather than painted over them, so that
the precise findings inside stay readable.
"""

from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

SEV_RANK = {"info": 0, "warning": 1, "error": 2}
SEV_LABEL = {"error": "错误", "warning": "警告", "info": "提示"}
WHOLE = "全文"
RANGE_LINES = 3  # a warning or note over more non-blank lines than this is drawn as a bar, not a highlight


def _section_order() -> list[str]:
    from textcheck.parse import SECTIONS

    return [title for _key, title in SECTIONS]


def _span_text(line: int | None, end: int | None) -> str:
    if not line:
        return ""
    return f"第 {line} 行" if not end or end == line else f"第 {line}–{end} 行"


def where(f: dict[str, Any]) -> str:
    """Location in words: page and paragraph when the finding has them (lines in brackets), else lines; or 全文."""
    bits = []
    if f.get("page"):
        bits.append(f"第 {f['page']} 页")
    if f.get("paragraph"):
        bits.append(f"第 {f['paragraph']} 段")
    lines = _span_text(f.get("line"), f.get("end_line"))
    if bits:
        return "，".join(bits) + (f"（{lines}）" if lines else "")
    return lines or WHOLE


def has_offsets(findings: Iterable[dict[str, Any]]) -> bool:
    return any(isinstance(f.get("start"), int) and isinstance(f.get("end"), int) for f in findings)


def normalised_text(doc) -> str:
    """The text that findings' ``start``/``end`` count in: the normalised lines joined by newlines."""
    return "\n".join(doc.norm_lines)


# ---------------------------------------------------------------------------------------------
# segments


@dataclass
class Seg:
    text: str
    classes: str = ""  # CSS classes, e.g. "hl sev-error"
    fids: str = ""  # ids of the findings marked here, space separated


def segments(text: str, layers: Sequence[tuple[int, int, str, str]]) -> list[Seg]:
    """``text`` cut at every boundary of ``layers`` (start, end, css class, finding id)."""
    n = len(text)
    cuts = {0, n}
    spans = []
    for a, b, cls, fid in layers:
        a, b = max(0, min(a, n)), max(0, min(b, n))
        if b > a:
            spans.append((a, b, cls, fid))
            cuts.update((a, b))
    points = sorted(cuts)
    out: list[Seg] = []
    for a, b in zip(points, points[1:]):
        cover = [(cls, fid) for x, y, cls, fid in spans if x <= a and b <= y]
        classes = " ".join(dict.fromkeys(c for c, _ in cover))
        fids = " ".join(dict.fromkeys(f for _, f in cover if f))
        if out and out[-1].classes == classes and out[-1].fids == fids:
            out[-1].text += text[a:b]
        else:
            out.append(Seg(text[a:b], classes, fids))
    return out or [Seg("")]


# ---------------------------------------------------------------------------------------------
# the report page


@dataclass
class TextLine:
    no: int
    kind: str  # blank, para, table, heading1..3
    segs: list[Seg]
    bar: str = ""  # severity of the widest range finding over this line ("" none)
    bar_fids: str = ""
    rel_fids: str = ""  # findings whose "related" place (first copy, …) is this line


@dataclass
class Card:
    fid: str
    rule: str
    severity: str
    label: str
    where: str
    message: str
    suggestion: str
    text: str
    confidence: float
    related: list[dict[str, str]] = field(default_factory=list)
    anchor: str = ""  # id of the first element marking it ("" when it has no place in the text)


def _line_kinds(doc) -> dict[int, str]:
    kinds: dict[int, str] = {}
    for b in doc.blocks:
        kind = b.kind.value
        if kind == "heading":
            kind = f"heading{min(max(b.heading_level, 1), 3)}"
        elif kind == "paragraph":
            kind = "para"
        for ln in range(b.line, b.end_line + 1):
            kinds[ln] = kind
    return kinds


def _locate(f: dict[str, Any], texts: Sequence[str], starts: Sequence[int], offsets: bool) -> list[tuple[int, int, int]]:
    """(line number, start, end) pieces of ``f`` in ``texts`` (1-based line numbers)."""
    if offsets and isinstance(f.get("start"), int) and isinstance(f.get("end"), int):
        s, e = f["start"], max(f["end"], f["start"])
        if e == s:
            e = s + 1
        out = []
        k = max(0, bisect.bisect_right(starts, s) - 1)
        while k < len(texts) and starts[k] < e:
            a, b = max(s - starts[k], 0), min(e - starts[k], len(texts[k]))
            if b > a or not texts[k]:
                out.append((k + 1, a, b))
            k += 1
        return out
    line = f.get("line")
    if not line:
        return []
    end = f.get("end_line") or line
    return [(ln, 0, len(texts[ln - 1])) for ln in range(line, min(end, len(texts)) + 1) if ln >= 1]


def report_view(data: dict[str, Any], doc, score: dict[str, Any] | None = None,
                link_for: Callable[[str], str | None] | None = None) -> dict[str, Any]:
    """Everything the report page shows: header facts, text lines with marks, cards by section.

    ``link_for(path)`` gives the page of another report a finding points at (batch), or None."""
    findings = list(data.get("findings") or [])
    offsets = has_offsets(findings)
    texts = list(doc.lines)
    norm = normalised_text(doc).split("\n") if offsets else texts
    starts, pos = [], 0
    for t in norm:
        starts.append(pos)
        pos += len(t) + 1

    def raw_pieces(f: dict[str, Any]) -> list[tuple[int, int, int]]:
        if not (offsets and isinstance(f.get("start"), int) and isinstance(f.get("end"), int)):
            return _locate(f, texts, starts, False)  # its lines
        pieces = _locate(f, norm, starts, True)
        out = []
        for ln, a, b in pieces:
            if ln > len(texts):
                continue
            whole = a == 0 and b >= len(norm[ln - 1])
            ra = 0 if whole else doc.raw_column(ln, a)
            rb = len(texts[ln - 1]) if whole else doc.raw_column(ln, b, end=True)
            out.append((ln, ra, max(ra, rb)))
        return out
    kinds = _line_kinds(doc)

    marks: dict[int, list[tuple[int, int, str, str]]] = {}
    bars: dict[int, list[tuple[str, str]]] = {}
    rels: dict[int, list[str]] = {}
    cards: list[Card] = []
    for i, f in enumerate(findings, 1):
        fid = f"f{i}"
        sev = f.get("severity", "info")
        pieces = raw_pieces(f)
        nonblank = [p for p in pieces if texts[p[0] - 1].strip()]
        # errors are always painted over their text; a warning about a whole stretch (a section too long)
        # is a bar beside it, so that what lies inside stays readable
        wide = len(nonblank) > RANGE_LINES and sev != "error"
        anchor = ""
        for ln, a, b in pieces:
            if wide:
                bars.setdefault(ln, []).append((sev, fid))
            elif texts[ln - 1].strip():
                marks.setdefault(ln, []).append((a, b, f"hl sev-{sev}", fid))
            if not anchor and texts[ln - 1].strip():
                anchor = f"L{ln}"
        own = f.get("path")
        related = []
        for r in f.get("related") or []:
            here = r.get("path") in (None, own)
            if here and r.get("line"):
                for ln in range(r["line"], (r.get("end_line") or r["line"]) + 1):
                    if 1 <= ln <= len(texts):
                        rels.setdefault(ln, []).append(fid)
            href = "" if here or not link_for else (link_for(r.get("path") or "") or "")
            if href and r.get("line"):
                href += f"#L{r['line']}"
            related.append({
                "where": ("" if here else f"{r.get('path')} ") + (_span_text(r.get("line"), r.get("end_line")) or ""),
                "anchor": f"L{r['line']}" if here and r.get("line") else "",
                "href": href,
                "text": r.get("text") or "",
            })
        cards.append(Card(
            fid=fid, rule=f.get("rule", ""), severity=sev, label=SEV_LABEL.get(sev, sev), where=where(f),
            message=f.get("message", ""), suggestion=f.get("suggestion", ""), text=f.get("text") or "",
            confidence=float(f.get("confidence", 1.0)), related=related, anchor=anchor,
        ))

    lines = []
    for no, t in enumerate(texts, 1):
        bar = max(bars.get(no, []), key=lambda x: SEV_RANK.get(x[0], 0), default=("", ""))[0]
        lines.append(TextLine(
            no=no,
            kind=kinds.get(no, "para") if t.strip() else "blank",
            segs=segments(t, marks.get(no, [])),
            bar=bar,
            bar_fids=" ".join(fid for _, fid in bars.get(no, [])),
            rel_fids=" ".join(dict.fromkeys(rels.get(no, []))),
        ))

    order = _section_order()

    def rank(name: str) -> int:
        if name == WHOLE:
            return -1
        return order.index(name) if name in order else len(order)

    groups: dict[str, list[Card]] = {}
    for f, c in zip(findings, cards):
        groups.setdefault(f.get("section") or WHOLE, []).append(c)
    grouped = [{"section": name, "cards": groups[name]} for name in sorted(groups, key=rank)]

    ident = data.get("identity") or {}
    resolved = data.get("resolved_issuer") or {}
    summary = data.get("summary") or {s: sum(1 for f in findings if f.get("severity") == s) for s in SEV_LABEL}
    return {
        "path": data.get("path") or doc.path,
        "issuer": data.get("issuer") or ident.get("issuer"),
        "issuer_path": (resolved.get("path") or "").replace("/", " / "),
        "year": data.get("year"),
        "format": data.get("format"),
        "encoding": data.get("encoding"),
        "is_report": data.get("is_report", True),
        "summary": summary,
        "total": len(findings),
        "lines": lines,
        "mode": "offsets" if offsets else "lines",
        "groups": grouped,
        "subtopics": subtopics_view(data.get("subtopics") or []),
        "sections": [s for s in data.get("sections") or []],
        "score": score,
    }


def subtopics_view(subtopics: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for s in subtopics:
        ev: list[dict[str, str]] = []
        for e in s.get("evidence") or []:
            item = {
                "where": _span_text(e.get("line"), e.get("end_line")),
                "anchor": f"L{e['line']}" if e.get("line") else "",
                "heading": e.get("heading") or "",
                "terms": "、".join((e.get("terms") or [])[:6]),
            }
            if item not in ev:  # the same place and words found twice read as one piece of evidence
                ev.append(item)
        out.append({"name": s.get("name", ""), "covered": bool(s.get("covered")), "evidence": ev})
    return out


# ---------------------------------------------------------------------------------------------
# the compare page

_TOKEN = re.compile(r"\d+(?:\.\d+)?|.", re.S)


def number_changes(new: str, old: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Where a number was replaced by another between two aligned paragraphs: (new spans, old spans).

    Display only: the same token diff as ``rules.compare.describe_changes``, kept as positions.
    """
    a = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(old)]
    b = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(new)]
    sm = difflib.SequenceMatcher(None, [t for *_, t in a], [t for *_, t in b], autojunk=False)
    new_spans, old_spans = [], []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag != "replace":
            continue
        olds = [(s, e) for s, e, t in a[i1:i2] if t[0].isdigit()]
        news = [(s, e) for s, e, t in b[j1:j2] if t[0].isdigit()]
        if olds and news:  # a number replaced by another: mark the numbers, not the words around them
            old_spans.extend(olds)
            new_spans.extend(news)
    return new_spans, old_spans


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.1%}"


def _band(x: float | None) -> str:
    x = x or 0
    return "hi" if x >= 0.6 else "mid" if x >= 0.3 else "lo"


def compare_view(result) -> dict[str, Any]:
    from textcheck.analysis.alignment import NO_SECTION, NO_SECTION_TITLE
    from textcheck.parse import SECTION_TITLE, SECTIONS

    cmp = result.comparison
    used_old: set[int] = set()
    rows_by_section: dict[str, list[dict[str, Any]]] = {}
    new_row_of_line: list[tuple[int, int, str]] = []
    for n in cmp.new_paras:
        pair = cmp.pairs.get(n.index)
        copy = cmp.copies.get(n.index)
        old_spans: dict[int, list[tuple[int, int]]] = {}
        if copy:
            for _na, _nb, j, oa, ob in copy.sources:
                old_spans.setdefault(j, []).append((oa, ob))
        if pair:
            old_spans.setdefault(pair.old, []).extend(pair.old_spans)
        num_new: list[tuple[int, int]] = []
        num_old: dict[int, list[tuple[int, int]]] = {}
        if pair and copy:
            num_new, spans_o = number_changes(n.text, cmp.old_paras[pair.old].text)
            num_old[pair.old] = spans_o
        olds = []
        for j in sorted(old_spans, key=lambda j: (j != (pair.old if pair else -1), j)):
            o = cmp.old_paras[j]
            used_old.add(j)
            layers = [(a, b, "cp", "") for a, b in old_spans[j]] + [(a, b, "num-old", "") for a, b in num_old.get(j, [])]
            olds.append({
                "where": _span_text(o.line, o.end_line),
                "section": SECTION_TITLE.get(o.section, NO_SECTION_TITLE),
                "other_section": o.section != n.section,
                "segs": segments(o.text, layers),
            })
        spans = copy.spans if copy else ()
        copied = copy.copied_chars if copy else 0
        rid = f"n{n.index}"
        new_row_of_line.append((n.line, n.end_line, rid))
        rows_by_section.setdefault(n.section, []).append({
            "id": rid,
            "where": _span_text(n.line, n.end_line),
            "segs": segments(n.text, [(a, b, "cp", "") for a, b in spans] + [(a, b, "num", "") for a, b in num_new]),
            "olds": olds,
            "carried": bool(copy),
            "copied": copied,
            "share": f"{copied / max(n.chars, 1):.0%}" if copy else "",
            "similarity": f"{pair.similarity:.0f}%" if pair else "",
            "moved": bool(pair and pair.moved),
            "numbers": len(num_new),
            "orphan": False,
        })
    for o in cmp.old_paras:
        if o.index not in used_old:
            rows_by_section.setdefault(o.section, []).append({
                "id": "", "where": "", "segs": [], "carried": False, "copied": 0, "share": "", "similarity": "",
                "moved": False, "numbers": 0, "orphan": True,
                "olds": [{"where": _span_text(o.line, o.end_line), "section": SECTION_TITLE.get(o.section, NO_SECTION_TITLE),
                          "other_section": False, "segs": segments(o.text, [])}],
            })
    sections = []
    for key in [NO_SECTION] + [k for k, _ in SECTIONS]:
        if key in rows_by_section:
            sections.append({"title": SECTION_TITLE.get(key, NO_SECTION_TITLE), "rows": rows_by_section[key]})

    ratios = []
    for s in result.sections:
        ratios.append({
            "title": s["title"], "present": s["present"], "empty": not s["chars_incl"],
            "ratio": _pct(s["ratio"]), "band": _band(s["ratio"]), "copied": s["copied"], "chars": s["chars"],
            "ratio_incl": _pct(s["ratio_incl"]), "copied_incl": s["copied_incl"], "chars_incl": s["chars_incl"],
        })
    t = result.total
    total = {"ratio": _pct(t["ratio"]), "band": _band(t["ratio"]), "copied": t["copied"], "chars": t["chars"],
             "ratio_incl": _pct(t["ratio_incl"]), "copied_incl": t["copied_incl"], "chars_incl": t["chars_incl"]}

    cards = []
    for i, f in enumerate((x.to_dict() for x in result.findings), 1):
        anchor = ""
        for a, b, rid in new_row_of_line:
            if f.get("line") and a <= f["line"] <= b:
                anchor = rid
                break
        sev = f["severity"]
        cards.append(Card(
            fid=f"c{i}", rule=f["rule"], severity=sev, label=SEV_LABEL.get(sev, sev), where=where(f),
            message=f["message"], suggestion=f["suggestion"], text=f.get("text") or "",
            confidence=float(f.get("confidence", 1.0)), anchor=anchor,
            related=[{"where": "上年报告" + _span_text(r.get("line"), r.get("end_line")), "anchor": "", "href": "",
                      "text": r.get("text") or ""}
                     for r in f.get("related") or []],
        ))

    def who(doc) -> dict[str, Any]:
        return {"path": doc.path, "issuer": doc.identity.issuer, "year": doc.identity.year}

    from textcheck.finding import count_by_severity

    summary = count_by_severity(result.findings)
    return {
        "old": who(result.old), "new": who(result.new), "notices": list(result.notices),
        "ratios": ratios, "total": total, "tables": result.tables, "sections": sections,
        "cards": cards, "summary": summary, "carried_rows": sum(1 for r in rows_by_section.values() for x in r if x.get("carried")),
    }


# ---------------------------------------------------------------------------------------------
# the batch page


def batch_view(result, token: str) -> dict[str, Any]:
    from textcheck.render.batch_tables import LEVEL_LABEL

    rows = []
    for k, r in enumerate(result.reports):
        rows.append({
            "k": k,
            "href": f"/batch/{token}/report/{k}",
            "path": r["path"],
            "issuer": r.get("issuer") or "",
            "level": LEVEL_LABEL.get(r.get("level") or "", r.get("level") or ""),
            "year": r.get("year") or "",
            "score": "" if r.get("score") is None else f"{r['score']:.1f}",
            "band": "" if r.get("score") is None else ("good" if r["score"] >= 85 else "fair" if r["score"] >= 60 else "poor"),
            "status": r["status"],
            "status_label": r["status_label"],
            "error": r.get("error") or "",
            "errors": r["summary"]["error"],
            "warnings": r["summary"]["warning"],
            "infos": r["summary"]["info"],
            "copy_ratio": "" if r.get("copy_ratio") is None else f"{r['copy_ratio'] * 100:.1f}%",
            "copy_value": "" if r.get("copy_ratio") is None else r["copy_ratio"],
            "groups": "、".join(r.get("groups") or []),
        })
    index = result.index_of
    groups = []
    for g in result.groups:
        groups.append({
            "id": g["id"], "issuers": "、".join(g.get("issuers") or []),
            "reports": [{"path": p, "href": f"/batch/{token}/report/{index[p]}"} for p in g["reports"] if p in index],
            "shared": [{"text": s["text"], "locations": [
                {"path": loc["path"], "line": loc["line"],
                 "href": f"/batch/{token}/report/{index[loc['path']]}#L{loc['line']}" if loc["path"] in index else ""}
                for loc in s["locations"]]} for s in g["shared"][:20]],
            "more": max(0, len(g["shared"]) - 20),
        })
    levels = sorted({r["level"] for r in rows if r["level"]})
    return {"rows": rows, "groups": groups, "stats": result.stats, "levels": levels, "token": token}
