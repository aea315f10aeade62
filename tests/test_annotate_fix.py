"""The annotated copy (``check --annotate``) and the safe fixes (``textcheck fix``).

Documents are made in ``tmp_path`` with python-docx from the seeds' text (the seeds are in
corpora/samples): paragraphs cut into several runs with alternating formatting, tables as Word tables,
so that anchoring has to split runs and keep their formatting.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from support import seed_path, seed_text

from textcheck.cli import app

runner = CliRunner()
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def make_docx(text: str, path: Path, *, run_len: int = 7) -> Path:
    """``text`` as a Word document: each non-empty line a paragraph in runs of ``run_len`` characters
    (every other one bold), tab-separated lines as a table."""
    import docx

    d = docx.Document()
    lines = [ln for ln in text.splitlines() if ln.strip()]
    k = 0
    while k < len(lines):
        if "\t" in lines[k]:
            rows = []
            while k < len(lines) and "\t" in lines[k]:
                rows.append(lines[k].split("\t"))
                k += 1
            t = d.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            for i, r in enumerate(rows):
                for j, c in enumerate(r):
                    t.cell(i, j).text = c
            continue
        p = d.add_paragraph()
        line = lines[k]
        for n, a in enumerate(range(0, len(line), run_len)):
            run = p.add_run(line[a : a + run_len])
            run.bold = n % 2 == 1
        k += 1
    d.save(str(path))
    return path


def anchored(docx_path: Path) -> dict[str, tuple[str, str]]:
    """comment id -> (comment text, the document text between its range start and end; paragraphs
    joined with a newline), read from the XML parts themselves."""
    from lxml import etree

    with zipfile.ZipFile(docx_path) as z:
        body = etree.fromstring(z.read("word/document.xml"))
        comments = etree.fromstring(z.read("word/comments.xml"))
    texts = {c.get(f"{W}id"): "".join(t.text or "" for t in c.iter(f"{W}t")) for c in comments.iter(f"{W}comment")}
    open_ids: set[str] = set()
    got: dict[str, list[str]] = {}
    last_p = {}
    for el in body.iter():
        if el.tag == f"{W}commentRangeStart":
            open_ids.add(el.get(f"{W}id"))
            got.setdefault(el.get(f"{W}id"), [])
        elif el.tag == f"{W}commentRangeEnd":
            open_ids.discard(el.get(f"{W}id"))
        elif el.tag == f"{W}t":
            p = next(a for a in el.iterancestors(f"{W}p"))
            for cid in open_ids:
                if cid in last_p and last_p[cid] is not p:
                    got[cid].append("\n")
                last_p[cid] = p
                got[cid].append(el.text or "")
    return {cid: (texts[cid], "".join(got.get(cid, []))) for cid in texts}


def _run(*args: str):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "textcheck", *args], capture_output=True, text=True, encoding="utf-8")


def _check_json(path: Path, *extra: str) -> dict:
    import json

    r = runner.invoke(app, ["check", str(path), "-f", "json", *extra])
    assert r.exit_code in (0, 1), r.output
    return json.loads(r.stdout)


# ---------------------------------------------------------------------------------------------
# --annotate


def test_annotate_docx_one_comment_per_finding_on_its_text(tmp_path):
    src = make_docx(seed_text("003"), tmp_path / "报告.docx")
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    out = tmp_path / "批注版.docx"
    r = runner.invoke(app, ["check", str(src), "--annotate", str(out)])
    assert r.exit_code == 1, r.output
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before  # the original untouched

    import docx

    annotated = docx.Document(str(out))  # opens
    findings = _check_json(src)["reports"][0]["findings"]
    comments = list(annotated.comments)
    assert len(comments) == len(findings) > 5
    assert all(c.author == "textcheck" for c in comments)
    marks = anchored(out)
    assert len(marks) == len(findings)
    lines = src and None
    from textcheck.readers import read_path

    lines = read_path(str(src)).text.split("\n")
    by_text = sorted(marks.values())
    for f in findings:
        head = f"[{f['rule']}] {f['message']}"
        match = [m for m in by_text if m[0].startswith(head)]
        assert match, head
        comment, text = match[0]
        assert f"建议：{f['suggestion']}" in comment
        if f.get("line") is None:
            continue
        if "单元格" in comment:  # a table row: anchored on the cell
            assert text and text.replace("\n", "") in lines[f["line"] - 1].replace("\t", "")
            continue
        if f.get("start") is not None and f.get("end") is not None:
            want = "\n".join(x for x in _span_text(lines, f).split("\n") if x)
        else:
            want = "\n".join(x for x in lines[f["line"] - 1 : (f.get("end_line") or f["line"])] if x)
        assert text == want, (f["rule"], text[:40], want[:40])
    # formatting kept: the bold runs are still bold, the text unchanged
    assert any(r.bold for p in annotated.paragraphs for r in p.runs)
    from textcheck.readers import read_path as rp

    assert rp(str(out)).text == rp(str(src)).text


def _span_text(lines: list[str], f: dict) -> str:
    """The text as written that finding ``f``'s offsets cover."""
    from textcheck.document import Source
    from textcheck.parse import parse

    doc = parse(Source(text="\n".join(lines), path="x", format="txt"))
    line, col, end_line, end_col = doc.raw_span(f["start"], f["end"])
    if line == end_line:
        return doc.lines[line - 1][col:end_col]
    return "\n".join([doc.lines[line - 1][col:], *doc.lines[line : end_line - 1], doc.lines[end_line - 1][:end_col]])


def test_annotate_txt_writes_docx_of_the_text(tmp_path):
    src = tmp_path / "r.txt"
    src.write_bytes(seed_path("003").read_bytes())
    before = src.read_bytes()
    out = tmp_path / "批注版.docx"
    r = runner.invoke(app, ["check", str(src), "--annotate", str(out)])
    assert r.exit_code == 1, r.output
    assert src.read_bytes() == before
    import docx

    d = docx.Document(str(out))
    lines = before.decode("utf-8").replace("\r\n", "\n").split("\n")
    if lines[-1] == "":
        lines.pop()
    assert [p.text for p in d.paragraphs] == lines  # paragraph N is line N
    findings = _check_json(src)["reports"][0]["findings"]
    marks = anchored(out)
    assert len(list(d.comments)) == len(marks) == len(findings)
    dup = [m for m in marks.values() if m[0].startswith("[section-duplicate]")]
    assert dup and dup[0][1] == "一、总体情况"
    # deterministic: the same bytes twice
    out2 = tmp_path / "again.docx"
    runner.invoke(app, ["check", str(src), "--annotate", str(out2)])
    assert out2.read_bytes() == out.read_bytes()


def test_annotate_refuses_input_as_output(tmp_path):
    src = tmp_path / "r.docx"
    make_docx(seed_text("003"), src)
    before = src.read_bytes()
    p = _run("check", str(src), "--annotate", str(src))
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert "输出文件不能是输入文件" in p.stderr
    assert src.read_bytes() == before


def test_annotate_unmapped_span_falls_back_to_paragraph(tmp_path):
    """A finding on a line the Word body does not have (text edited after checking): whole paragraph, said."""
    import docx

    from textcheck.document import Source
    from textcheck.finding import Finding, Severity
    from textcheck.parse import parse
    from textcheck.render.docx_annotate import NOTE_DOCUMENT, annotate

    src = make_docx("一、总体情况\n本机关认真贯彻落实条例。\n", tmp_path / "a.docx")
    doc = parse(Source(text="一、总体情况\n本机关认真贯彻落实条例。\n", path=str(src), format="docx"))
    f_doc = Finding(rule="whole", severity=Severity.INFO, message="全文", suggestion="无")
    f_line = Finding(rule="line", severity=Severity.INFO, message="第二行", suggestion="改", line=2, end_line=2)
    data = annotate(doc, [f_doc, f_line], src.read_bytes())
    out = tmp_path / "o.docx"
    out.write_bytes(data)
    marks = sorted(anchored(out).values())
    assert marks[0][0].startswith("[line]") and marks[0][1] == "本机关认真贯彻落实条例。"
    assert marks[1][0].startswith("[whole]") and marks[1][0].endswith(NOTE_DOCUMENT) and marks[1][1] == "一、总体情况"
    assert len(list(docx.Document(str(out)).comments)) == 2
