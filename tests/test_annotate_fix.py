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


# ---------------------------------------------------------------------------------------------
# fixes in the findings


def _findings(text: str):
    from support import check_text

    return check_text(text).findings


def test_fix_carried_in_json_and_round_trips():
    from textcheck.finding import Finding

    findings = _findings(seed_text("003"))
    with_fix = {f.rule: f.fix for f in findings if f.fix is not None}
    assert set(with_fix) == {"section-duplicate", "name-mismatch", "duplicate-paragraph", "fee-statement-missing"}
    assert with_fix["section-duplicate"].safe and with_fix["duplicate-paragraph"].safe and with_fix["name-mismatch"].safe
    assert not with_fix["fee-statement-missing"].safe  # whether a fee was collected is the issuer's to say
    for f in findings:
        assert Finding.from_dict(f.to_dict()) == f


def test_name_fix_replaces_the_full_name_never_the_document_number_prefixes():
    from support import check_text

    result = check_text(seed_text("003"))
    doc = result.document
    f = next(f for f in result.findings if f.rule == "name-mismatch")
    assert {doc.text[e.start : e.end] for e in f.fix.edits} == {"纸房镇"}
    assert {e.replacement for e in f.fix.edits} == {"大章镇"}
    assert "纸政、纸发" in f.fix.description and "不自动修改" in f.fix.description


def test_duplicate_heading_fix_only_when_adjacent():
    text = seed_text("003")
    head = "一、总体情况\n\n一、总体情况\n"
    assert head in text
    moved = text.replace(head, "一、总体情况\n\n本镇认真贯彻落实《条例》。\n\n一、总体情况\n", 1)
    dup = [f for f in _findings(moved) if f.rule == "section-duplicate"]
    assert dup and dup[0].fix is None  # a paragraph between: which heading is wrong is a judgement
    dup = [f for f in _findings(text) if f.rule == "section-duplicate"]
    assert dup[0].fix is not None and dup[0].fix.safe


def test_year_period_fix_edits_only_the_years():
    from support import check_text, good_report

    text = good_report()
    import re

    m = re.search(r"(20\d\d)年1月1日至(20\d\d)年12月31日", text)
    assert m, "the good report states its data period"
    year = int(m.group(1))
    wrong = text.replace(m.group(0), f"{year - 1}年1月1日至{year - 1}年12月31日", 1)
    result = check_text(wrong)
    f = next(f for f in result.findings if f.rule == "year-mismatch" and "统计期限" in f.message)
    # only the title states the year here: the period may be the right one, so --select only
    # (the fixes fixture, with title and opening agreeing, gets a safe fix)
    assert f.fix is not None and not f.fix.safe and "核对" in f.fix.description
    assert [result.document.text[e.start : e.end] for e in f.fix.edits] == [str(year - 1)] * 2
    assert {e.replacement for e in f.fix.edits} == {str(year)}


def test_near_duplicate_block_fix_needs_select():
    text = seed_text("003")
    # the copy of one paragraph of the pasted block edited: near duplicates are a judgement
    a = text.rindex("三是加强队伍建设。")
    edited = text[:a] + text[a:].replace("打造一支高素质", "努力打造一支高素质", 1)
    dup = [f for f in _findings(edited) if f.rule == "duplicate-paragraph"]
    assert len(dup) == 1 and "略有改动" in dup[0].message
    assert dup[0].fix is not None and not dup[0].fix.safe and "核对" in dup[0].fix.description
    from textcheck.render.fix_apply import chosen

    assert chosen(dup) == [] and chosen(dup, ["duplicate-paragraph"]) == dup


# ---------------------------------------------------------------------------------------------
# textcheck fix


def _rules(path: Path) -> list[str]:
    return [f["rule"] for f in _check_json(path)["reports"][0]["findings"]]


def _severities(path: Path) -> dict[str, int]:
    return _check_json(path)["summary"]


def test_fix_seed_003_txt(tmp_path):
    src = tmp_path / "报告.txt"
    src.write_bytes(seed_path("003").read_bytes())
    before = src.read_bytes()
    out = tmp_path / "修改后.txt"
    p = _run("fix", str(src), "-o", str(out))
    assert p.returncode in (0, 1), p.stderr
    assert "Traceback" not in p.stderr
    assert src.read_bytes() == before  # never in place
    assert p.stdout.startswith(f"--- {src}\n+++ {out}\n")  # the diff first
    assert "-依托纸房镇党政办公室" in p.stdout and "+依托大章镇党政办公室" in p.stdout
    new = out.read_text(encoding="utf-8")
    assert new.count("一、总体情况") == 1
    assert new.count("一是成立政务信息公开领导小组") == 1 and new.count("(二) 主动公开情况") + new.count("（二）主动公开情况") == 1
    assert "纸房镇" not in new and "大章镇政务公开工作制度" in new
    assert "纸政、纸发" in new  # document-number prefixes are left for the drafter
    assert "无" in new.split("六、其他需要报告的事项")[-1][:10]  # the fee sentence is not applied by default
    rules_before, rules_after = _rules(src), _rules(out)
    for gone in ("section-duplicate", "duplicate-paragraph", "name-mismatch"):
        assert gone in rules_before and gone not in rules_after
    assert set(rules_after) <= set(rules_before)  # nothing new
    assert _severities(out)["error"] < _severities(src)["error"]
    assert "文号简称“纸政、纸发”不自动修改" in p.stderr and "需要人工确认" in p.stderr


def test_fix_select_applies_a_fix_that_needs_a_look(tmp_path):
    src = tmp_path / "r.txt"
    src.write_bytes(seed_path("003").read_bytes())
    out = tmp_path / "o.txt"
    p = _run("fix", str(src), "-o", str(out), "--select", "fee-statement-missing", "--no-diff")
    assert p.returncode in (0, 1) and p.stdout == ""
    new = out.read_text(encoding="utf-8")
    assert "本年度本机关未收取政府信息公开信息处理费。" in new
    assert new.count("一、总体情况") == 2  # only the chosen rule's fix
    assert "fee-statement-missing" not in _rules(out)


def test_fix_docx_stays_a_valid_docx(tmp_path):
    import docx

    src = make_docx(seed_text("003"), tmp_path / "报告.docx")
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    out = tmp_path / "修改后.docx"
    p = _run("fix", str(src), "-o", str(out))
    assert p.returncode in (0, 1), p.stderr
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before
    d = docx.Document(str(out))  # opens
    texts = [para.text for para in d.paragraphs]
    assert texts.count("一、总体情况") == 1
    assert sum(t.startswith("一是成立政务信息公开领导小组") for t in texts) == 1
    assert not any("纸房镇" in t for t in texts) and any("纸政、纸发" in t for t in texts)
    assert len(d.tables) == len(docx.Document(str(src)).tables)  # tables untouched
    assert any(r.bold for para in d.paragraphs for r in para.runs)  # run formatting kept
    with zipfile.ZipFile(out) as z:
        assert z.testzip() is None
    rules_after = _rules(out)
    assert not {"section-duplicate", "duplicate-paragraph", "name-mismatch"} & set(rules_after)
    assert set(rules_after) <= set(_rules(src))


def test_fix_refuses_output_equal_to_input_and_other_formats(tmp_path):
    src = tmp_path / "r.txt"
    src.write_bytes(seed_path("003").read_bytes())
    before = src.read_bytes()
    p = _run("fix", str(src), "-o", str(src))
    assert p.returncode == 2 and "输出文件不能是输入文件" in p.stderr and "Traceback" not in p.stderr
    assert src.read_bytes() == before
    html = tmp_path / "r.html"
    html.write_text("<html><body>" + "".join(f"<p>{ln}</p>" for ln in seed_text("003").splitlines()) + "</body></html>",
                    encoding="utf-8")
    p = _run("fix", str(html), "-o", str(tmp_path / "o.html"))
    assert p.returncode == 2 and "只能修改 .txt 和 .docx" in p.stderr
    p = _run("fix", str(src), "-o", str(tmp_path / "o.txt"), "--select", "no-such-rule")
    assert p.returncode == 2 and "未知的规则" in p.stderr
    p = _run("fix", str(src), "-o", str(tmp_path / "o.docx"))
    assert p.returncode == 2 and "输出文件名应为" in p.stderr and not (tmp_path / "o.docx").exists()
    p = _run("check", str(src), "--annotate", str(tmp_path / "批注.txt"))
    assert p.returncode == 2 and ".docx" in p.stderr and not (tmp_path / "批注.txt").exists()


def test_fix_nothing_to_fix_copies_the_text(tmp_path):
    from support import good_report

    src = tmp_path / "good.txt"
    src.write_text(good_report(), encoding="utf-8")
    out = tmp_path / "o.txt"
    p = _run("fix", str(src), "-o", str(out))
    assert p.returncode == 0, p.stderr
    assert out.read_bytes() == src.read_bytes() and p.stdout == ""


# ---------------------------------------------------------------------------------------------
# textcheck serve: 下载批注版 Word


def _with_unit_table(text: str) -> str:
    """``text`` with a small table after 一、总体情况 whose cell names the other unit (written for this test)."""
    lines = text.splitlines()
    i = next(k for k, ln in enumerate(lines) if ln.startswith("一、总体情况"))
    lines[i + 1 : i + 1] = ["填报单位\t纸房镇人民政府办公室\t联系电话\t0379-6612345",
                            "统计年度\t2021\t填报日期\t2022年1月20日"]
    return "\n".join(lines)


def test_fix_docx_replaces_the_other_units_name_inside_a_table_cell(tmp_path):
    import docx

    src = make_docx(_with_unit_table(seed_text("003")), tmp_path / "报告.docx")
    d = docx.Document(str(src))
    cell = d.tables[0].rows[0].cells[1].paragraphs[0]
    cell.runs[0].bold = True  # the cell's own formatting, to be kept
    d.save(str(src))
    out = tmp_path / "修改后.docx"
    p = _run("fix", str(src), "-o", str(out), "--no-diff")
    assert "已修改 [name-mismatch]" in p.stdout + p.stderr, p.stderr
    fixed = docx.Document(str(out))
    row = [c.text for c in fixed.tables[0].rows[0].cells]
    assert row == ["填报单位", "大章镇人民政府办公室", "联系电话", "0379-6612345"]
    assert [c.text for c in fixed.tables[0].rows[1].cells] == ["统计年度", "2021", "填报日期", "2022年1月20日"]
    assert fixed.tables[0].rows[0].cells[1].paragraphs[0].runs[0].bold
    assert "name-mismatch" not in _rules(out)


def test_fix_docx_leaves_a_cell_it_cannot_map_and_says_so(tmp_path):
    import docx

    src = make_docx(_with_unit_table(seed_text("003")), tmp_path / "报告.docx")
    d = docx.Document(str(src))
    d.tables[0].rows[0].cells[1].add_paragraph("（盖章）")  # two paragraphs in the cell: offsets do not map
    d.save(str(src))
    out = tmp_path / "修改后.docx"
    p = _run("fix", str(src), "-o", str(out), "--no-diff")
    said = p.stdout + p.stderr
    assert "未修改 [name-mismatch]" in said and "无法自动修改" in said, said
    assert docx.Document(str(out)).tables[0].rows[0].cells[1].paragraphs[0].text == "纸房镇人民政府办公室"


def test_serve_offers_the_annotated_docx(tmp_path):
    pytest.importorskip("starlette")
    pytest.importorskip("httpx")
    import re

    from starlette.testclient import TestClient

    from textcheck.config import Config
    from textcheck.serve.app import Settings, create_app

    src = make_docx(seed_text("003"), tmp_path / "大章镇.docx")
    with TestClient(create_app(Settings(root=tmp_path, config=Config(), warm_up=False)), base_url="http://127.0.0.1") as c:
        res = c.post("/check", files={"file": ("大章镇.docx", src.read_bytes())})
        assert res.status_code == 200
        m = re.search(r'href="(/annotated/[^"]+)" download>下载批注版 Word</a>', res.text)
        assert m, "the download button is enabled"
        doc = c.get(m.group(1))
        assert doc.status_code == 200 and doc.headers["content-type"].startswith("application/vnd.openxmlformats")
        assert "attachment" in doc.headers["content-disposition"]
        out = tmp_path / "got.docx"
        out.write_bytes(doc.content)
        assert len(anchored(out)) == len(_check_json(src)["reports"][0]["findings"])
        assert c.get("/annotated/not-a-token").status_code == 404


# ---------------------------------------------------------------------------------------------
# the fixes on every text fixture: a safe fix removes its finding and brings no new rule


def _fixed_text(text: str, select=None):
    from support import check_text

    from textcheck.render import fix_apply

    result = check_text(text)
    plan = fix_apply.plan(result.document, fix_apply.chosen(result.findings, select))
    _data, new = fix_apply.fix_text(result.document, plan.edits)
    return result, plan, new


def _fixture_texts() -> list[Path]:
    from support import FIXTURES, SAMPLES

    return sorted([*SAMPLES.glob("*.txt"), *FIXTURES.glob("*/*.txt")])


def test_fix_fixture_period_heading_fee():
    from support import FIXTURES, check_text

    text = (FIXTURES / "fixes" / "period_heading_fee.txt").read_text(encoding="utf-8")
    result, plan, new = _fixed_text(text)
    assert sorted(f.rule for f in plan.applied) == ["section-duplicate", "year-mismatch"] and not plan.skipped
    assert "统计期限为2021年1月1日至2021年12月31日" in new and new.count("一、总体情况") == 1
    assert new.rstrip().endswith("六、其他需要报告的事项\n\n无")  # the fee sentence waits for --select
    assert [f.rule for f in check_text(new).findings] == ["fee-statement-missing"]
    _r, _p, with_fee = _fixed_text(text, ["fee-statement-missing"])
    assert with_fee.rstrip().endswith("本年度本机关未收取政府信息公开信息处理费。")
    assert check_text(with_fee).findings == [] or "fee-statement-missing" not in {f.rule for f in check_text(with_fee).findings}


def test_fix_fixture_sibling_name_keeps_document_number_prefixes():
    from support import FIXTURES, check_text

    text = (FIXTURES / "identity" / "bad_doc_numbers.txt").read_text(encoding="utf-8")
    result, plan, new = _fixed_text(text)
    assert [f.rule for f in plan.applied] == ["name-mismatch"]
    assert "陆浑镇" not in new and "依托九皋镇党政办公室" in new and "陆政、陆发" in new
    assert "name-mismatch" not in {f.rule for f in check_text(new).findings}


@pytest.mark.parametrize("path", _fixture_texts(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_safe_fixes_remove_their_findings_and_add_none(path):
    from support import check_text

    text = path.read_text(encoding="utf-8")
    result, plan, new = _fixed_text(text)
    if not plan.applied:
        assert new.rstrip("\n") == "\n".join(result.document.lines).rstrip("\n")
        return
    after = check_text(new)
    before_rules = {f.rule for f in result.findings}
    assert {f.rule for f in after.findings} <= before_rules, path.name
    for f in plan.applied:
        same = [g for g in after.findings if g.rule == f.rule and g.message == f.message]
        assert not same, (path.name, f.rule, f.message)


def test_annotate_anchors_inside_breaks_hyperlinks_and_numbered_paragraphs(tmp_path):
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    from textcheck.finding import Finding, Severity
    from textcheck.parse import parse
    from textcheck.readers import read_path
    from textcheck.render.docx_annotate import annotate

    d = docx.Document()
    d.add_paragraph("大章镇人民政府2021年政府信息公开工作年度报告")
    p = d.add_paragraph(style="List Number")
    p.add_run("总体情况")
    p = d.add_paragraph()
    r = p.add_run("第一行文字")
    r.add_break()
    p.add_run("依托纸房镇")
    r2 = p.add_run("党政办公室")
    r2.italic = True
    p = d.add_paragraph()
    p.add_run("详见")
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), "rIdX")
    hr = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "纸房镇网站"
    hr.append(t)
    link.append(hr)
    p._p.append(link)
    p.add_run("。")
    src = tmp_path / "a.docx"
    d.save(str(src))
    doc = parse(read_path(str(src)))
    found = []
    for needle in ("纸房镇党政", "总体情况", "纸房镇网站", "办公室"):
        at = doc.text.find(needle)
        assert at >= 0, needle
        found.append(Finding(rule=f"r{len(found)}", severity=Severity.WARNING, message=needle, suggestion="改",
                             line=doc.line_of(at), end_line=doc.line_of(at), start=at, end=at + len(needle)))
    out = tmp_path / "o.docx"
    out.write_bytes(annotate(doc, found, src.read_bytes()))
    marks = {c.split("]")[0][1:]: t for c, t in anchored(out).values()}
    assert marks == {"r0": "纸房镇党政", "r1": "总体情况", "r2": "纸房镇网站", "r3": "办公室"}
    assert read_path(str(out)).text == read_path(str(src)).text  # the text itself unchanged
    again = docx.Document(str(out))
    assert any(r.italic and r.text == "党政" for p in again.paragraphs for r in p.runs)  # split run keeps its format


def test_fix_and_annotate_on_a_gbk_console(tmp_path):
    import os
    import subprocess
    import sys

    src = tmp_path / "r.txt"
    src.write_bytes(seed_path("003").read_bytes())
    env = {**os.environ, "PYTHONIOENCODING": "gbk"}
    for args in (["fix", str(src), "-o", str(tmp_path / "o.txt")], ["check", str(src), "--annotate", str(tmp_path / "o.docx")]):
        p = subprocess.run([sys.executable, "-m", "textcheck", *args], capture_output=True, env=env)
        err = p.stderr.decode("gbk", "replace")
        assert p.returncode == 1 and "Traceback" not in err, err
        assert "已写入" in err


def test_annotate_pdf_writes_docx_of_the_text(tmp_path):
    pytest.importorskip("reportlab")
    import docx
    from test_readers import write_pdf

    from textcheck.readers import read_path

    src = write_pdf([ln for ln in seed_text("003").splitlines() if ln.strip()][:40], tmp_path / "r.pdf")
    before = src.read_bytes()
    out = tmp_path / "批注版.docx"
    p = _run("check", str(src), "--annotate", str(out))
    assert p.returncode in (0, 1), p.stderr
    assert src.read_bytes() == before
    d = docx.Document(str(out))
    lines = read_path(str(src)).text.split("\n")
    assert [para.text for para in d.paragraphs] == lines[: len(d.paragraphs)] and len(d.paragraphs) >= len(lines) - 1
    findings = _check_json(src)["reports"][0]["findings"]
    assert len(anchored(out)) == len(findings) > 0
    dup = [t for c, t in anchored(out).values() if c.startswith("[section-duplicate]")]
    assert dup == ["一、总体情况"]
