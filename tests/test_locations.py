"""Locations a drafter can use (issue 15): offsets into the normalised text, docx paragraph and table
numbers, PDF pages, the labels that fit the input, the pasted block as one finding, every place of an
other unit's name, and one JSON shape for any number of inputs.

Documents are made here: docx with python-docx (paragraphs, empty paragraphs, a manual line break, a
table), PDF with reportlab's built-in ``STSong-Light`` font, one explicit page break at a time.
"""

from __future__ import annotations

import json
from pathlib import Path

from support import check_text, findings_of, seed_path, seed_text
from typer.testing import CliRunner

from textcheck.cli import app
from textcheck.engine import check_path
from textcheck.finding import Finding, location_label, places_label
from textcheck.readers import read_path
from textcheck.render.locations import line_label
from textcheck.text import normalize_line

runner = CliRunner()


# ---------------------------------------------------------------------------------------------
# docx


def _seed_docx(path: Path) -> tuple[Path, dict[int, int]]:
    """Seed 003 as Word would hold it: every text line a paragraph, every blank line an EMPTY paragraph,
    tab rows a table. Returns the file and, per seed line of text outside tables, the paragraph number a
    reader counts (empty paragraphs skipped)."""
    import docx

    lines = seed_text("003").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)  # the reader drops leading empty lines; keep seed line n at docx line n - offset
    d = docx.Document()
    expected: dict[int, int] = {}
    n = 0
    i = 0
    while i < len(lines):
        if "\t" in lines[i]:
            j = i
            while j < len(lines) and "\t" in lines[j]:
                j += 1
            rows = [x.split("\t") for x in lines[i:j]]
            t = d.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    t.cell(r, c).text = cell
            i = j
            continue
        d.add_paragraph(lines[i])
        if lines[i].strip():
            n += 1
            expected[i + 1] = n
        i += 1
    d.save(str(path))
    return path, expected


def test_docx_paragraphs_skip_empty_ones_and_tables_have_their_own_numbers(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("某镇人民政府2021年政府信息公开工作年度报告")  # paragraph 1
    d.add_paragraph("")  # empty: not counted
    d.add_paragraph("一、总体情况")  # 2
    p = d.add_paragraph("第一行文字。")  # 3, two lines (manual line break)
    p.add_run().add_break()
    p.add_run("第二行文字。")
    t = d.add_table(rows=2, cols=2)
    for r in range(2):
        for c in range(2):
            t.cell(r, c).text = f"格{r}{c}"
    d.add_paragraph("   ")  # blank: not counted
    d.add_paragraph("二、主动公开政府信息情况")  # 4
    t2 = d.add_table(rows=1, cols=2)
    t2.cell(0, 0).text, t2.cell(0, 1).text = "项目", "0"
    d.add_paragraph("三、收到和处理政府信息公开申请情况")  # 5
    path = tmp_path / "编号.docx"
    d.save(str(path))

    src = read_path(path)
    lines = src.text.split("\n")[:-1]
    assert lines[:5] == ["某镇人民政府2021年政府信息公开工作年度报告", "", "一、总体情况", "第一行文字。", "第二行文字。"]
    assert src.line_paragraph == (1, None, 2, 3, 3, None, None, None, 4, None, 5)
    assert src.line_table == (None,) * 5 + ((1, 1), (1, 2), None, None, (2, 1), None)
    assert lines[5] == "格00\t格01" and lines[9] == "项目\t0"
    assert len(src.line_paragraph) == len(lines)
    from textcheck.parse import parse

    doc = parse(src)
    assert doc.label(1, 2) == "第 1 段"  # a span ending on an empty paragraph ends at the paragraph before it
    assert doc.label(2, 4) == "第 2–3 段" and doc.label(4, 5) == "第 3 段"  # a manual break stays one paragraph
    assert doc.label(6, 7) == "第 1 个表格第 1–2 行" and doc.label(5, 7) == "第 3 段起"
    assert doc.label(10) == "第 2 个表格第 1 行"


def test_docx_findings_carry_paragraphs_and_their_labels(tmp_path):
    path, expected = _seed_docx(tmp_path / "大章镇.docx")
    result = check_path(str(path))
    doc = result.document
    assert len(doc.source.line_paragraph) == len(doc.lines)
    for ln, n in expected.items():
        assert doc.source.line_paragraph[ln - 1] == n
    lines = [ln for ln in range(1, len(doc.lines) + 1) if doc.lines[ln - 1].strip() and "\t" not in doc.lines[ln - 1]]
    assert all(doc.source.line_paragraph[ln - 1] == expected[ln] for ln in lines)

    (name,) = findings_of(result, "name-mismatch")
    assert name.paragraph == expected[name.line] and location_label(name) == f"第 {expected[name.line]} 段"
    shown = "、".join(str(expected[ln]) for ln in dict(name.evidence)["lines"])
    assert f"（第 {shown} 段）" in name.message and "行" not in name.message.split("“纸房镇”")[1].split("，")[0]

    (block,) = findings_of(result, "duplicate-paragraph")
    a, b = block.related[0], block
    assert block.message == (f"第 {expected[b.line]}–{expected[b.end_line]} 段整段重复了"
                             f"第 {expected[a.line]}–{expected[a.end_line]} 段（共 8 段）")
    assert (a.paragraph, a.end_paragraph) == (expected[a.line], expected[a.end_line])

    table_findings = [f for f in result.findings if f.table is not None]
    assert table_findings and all(f.paragraph is None for f in table_findings)
    f = table_findings[0]
    assert location_label(f).startswith(f"第 {f.table} 个表格第 {f.table_row}")
    assert doc.source.line_table[f.line - 1] == (f.table, f.table_row)

    out = runner.invoke(app, ["check", str(path), "--no-color"]).stdout
    assert f"第 {expected[name.line]} 段" in out and "第 33–55 行" not in out


# ---------------------------------------------------------------------------------------------
# pdf

PAGES = [
    ["某县人民政府2021年政府信息公开工作年度报告", "一、总体情况",
     "本机关全年主动公开政府信息一百二十条，回应社会关切。", "二、主动公开政府信息情况"],
    ["三、收到和处理政府信息公开申请情况", "全年共收到政府信息公开申请十二件，均按期答复。"],
    ["四、政府信息公开行政复议、行政诉讼情况", "本机关全年主动公开政府信息一百二十条，回应社会关切。",
     "五、存在的主要问题及改进情况", "六、其他需要报告的事项"],
]


def _pdf(path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    W, H = A4
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for k, lines in enumerate(PAGES, start=1):
        y = H - 90
        for text in lines:
            c.setFont("STSong-Light", 11)
            c.drawString(72, y, text)
            y -= 24
        c.setFont("STSong-Light", 9)
        c.drawCentredString(W / 2, 36, f"- {k} -")  # page number: removed by the reader
        c.showPage()
    c.save()
    return path


def test_pdf_lines_know_their_page_and_findings_carry_it(tmp_path):
    path = _pdf(tmp_path / "三页.pdf")
    src = read_path(path)
    lines = src.text.split("\n")[:-1]
    assert lines == [t for page in PAGES for t in page]
    assert src.line_page == tuple(k for k, page in enumerate(PAGES, start=1) for _ in page)

    result = check_path(str(path))
    (dup,) = findings_of(result, "duplicate-paragraph")
    assert (dup.line, dup.page, dup.end_page) == (8, 3, 3)
    assert (dup.related[0].line, dup.related[0].page) == (3, 1)
    assert location_label(dup) == "第 3 页" and dup.message == "这一段与第 1 页的段落完全相同"
    assert line_label(result.document, 5, 8) == "第 2–3 页"
    out = runner.invoke(app, ["check", str(path), "--no-color"]).stdout
    assert "第 3 页" in out and "对照：第 1 页" in out


# ---------------------------------------------------------------------------------------------
# offsets


def test_offsets_slice_the_normalised_text_to_the_finding():
    result = check_text(seed_text("003"), path="003.txt")
    doc = result.document
    assert doc.text == "\n".join(doc.norm_lines)
    assert all(doc.text[doc.line_starts[i] :].startswith(s) for i, s in enumerate(doc.norm_lines))
    for f in result.findings:
        if not f.line:
            continue
        piece = doc.text[f.start : f.end]
        assert piece.strip() and doc.line_of(f.start) == f.line and doc.line_of(f.end - 1) <= f.end_line
        lines = doc.text[slice(*doc.line_span(f.line, f.end_line))]
        if "…" not in f.text and normalize_line(f.text) in lines:  # a quote found there: exactly its text
            assert piece == normalize_line(f.text), f.rule
        elif f.rule != "name-mismatch":  # else the lines (name-mismatch gives the name itself, below)
            assert piece == lines, f.rule
        for r in f.related:
            assert doc.text[r.start : r.end].strip() and doc.line_of(r.start) == r.line

    (name,) = findings_of(result, "name-mismatch")
    assert doc.text[name.start : name.end] == "纸房镇"
    places = dict(name.evidence)["places"]
    assert all(doc.text[p["start"] : p["end"]] == p["text"] for p in places)
    assert {p["text"] for p in places} == {"纸房镇", "纸政", "纸发"}
    assert sorted({p["line"] for p in places}) == [13, 31, 37, 55]


def test_offsets_survive_the_json_round_trip():
    result = check_text(seed_text("003"), path="003.txt")
    for f in result.findings:
        d = json.loads(json.dumps(f.to_dict(), ensure_ascii=False))
        back = Finding.from_dict(d)
        assert back.to_dict() == d and (back.start, back.end, back.related) == (f.start, f.end, f.related)


# ---------------------------------------------------------------------------------------------
# name-mismatch: every place


def test_name_mismatch_lists_every_place_on_seed_003():
    result = check_text(seed_text("003"))
    (f,) = findings_of(result, "name-mismatch")
    assert f.line == 13 and "（第 13、31、37、55 行）" in f.message
    assert [r.line for r in f.related] == [31, 37, 55]
    assert places_label([f, *f.related]) == "第 13、31、37、55 行"
    out = runner.invoke(app, ["check", str(seed_path("003")), "--no-color"]).stdout
    for ln in (31, 37, 55):
        assert f"对照：第 {ln} 行" in out


# ---------------------------------------------------------------------------------------------
# duplicate blocks


def _report(*paras: str) -> str:
    head = ["某县人民政府2021年政府信息公开工作年度报告", "", "一、总体情况", ""]
    return "\n".join(head + [x for p in paras for x in (p, "")]) + "\n"


A = "本机关严格落实政府信息公开条例，全年通过门户网站主动公开政府信息三百二十条。"
B = "本机关完善依申请公开办理流程，全年收到申请十二件，全部在法定期限内答复完毕。"
C = "本机关加强政府信息公开平台建设，对政务新媒体账号进行全面清理和规范管理。"
D = "本机关开展政务公开业务培训三次，参训人员一百五十人次，提高了工作人员能力。"


def test_isolated_duplicates_stay_one_finding_each():
    found = findings_of(check_text(_report(A, B, C, A, D, C)), "duplicate-paragraph")
    assert [(f.line, f.related[0].line) for f in found] == [(11, 5), (15, 9)]
    assert all("整段" not in f.message for f in found)


def test_a_block_with_an_edited_paragraph_is_one_finding_listing_the_pairs():
    edited = B.replace("十二件", "十三件")
    found = findings_of(check_text(_report(A, B, C, D, A, edited, C)), "duplicate-paragraph")
    assert len(found) == 1
    f = found[0]
    assert (f.line, f.end_line, f.related[0].line, f.related[0].end_line) == (13, 17, 5, 9)
    assert f.message == "第 13–17 行整段重复了第 5–9 行（共 3 段，其中 1 段略有改动）"
    pairs = dict(f.evidence)["pairs"]
    assert [(p["line"], p["first_line"], p["exact"]) for p in pairs] == [(13, 5, True), (15, 7, False), (17, 9, True)]


def test_a_different_paragraph_breaks_the_run():
    found = findings_of(check_text(_report(A, B, C, A, D, B)), "duplicate-paragraph")
    assert [(f.line, f.end_line) for f in found] == [(11, 11), (15, 15)]


# ---------------------------------------------------------------------------------------------
# JSON: one shape


def test_json_is_one_object_with_reports_for_one_and_for_two_inputs():
    one = json.loads(runner.invoke(app, ["check", str(seed_path("003")), "-f", "json"]).stdout)
    two = json.loads(runner.invoke(app, ["check", str(seed_path("003")), str(seed_path("001")), "-f", "json"]).stdout)
    for data, n in ((one, 1), (two, 2)):
        assert list(data) == ["schema", "reports", "summary"] and data["schema"] == "2.0" and len(data["reports"]) == n
    assert two["reports"][0] == one["reports"][0]
    f = next(x for x in one["reports"][0]["findings"] if x["rule"] == "name-mismatch")
    assert list(f)[:16] == ["rule", "severity", "message", "suggestion", "section", "line", "end_line", "start", "end",
                            "paragraph", "end_paragraph", "table", "table_row", "end_table_row", "page", "end_page"]
    assert f["paragraph"] is None and f["page"] is None and isinstance(f["start"], int)
    assert set(f["related"][0]) >= {"line", "end_line", "start", "end", "paragraph", "page"}


def test_raw_span_maps_normalised_offsets_back_to_the_original_line():
    from textcheck.parse import parse_text

    doc = parse_text("**一、总体情况**\n\u3000依托ｘｙ纸房镇党政办公室，纸政…等文件 。\n")
    assert doc.norm_lines[1] == "依托xy纸房镇党政办公室,纸政...等文件。"  # NFKC changed widths and lengths
    for word in ("一、总体情况", "纸房镇", "纸政", "等文件", "。"):
        start = doc.text.index(word)
        line, col, end_line, end_col = doc.raw_span(start, start + len(word))
        assert line == end_line and doc.lines[line - 1][col:end_col] == word
    result = check_text(seed_text("003"))
    doc = result.document
    for p in dict(findings_of(result, "name-mismatch")[0].evidence)["places"]:
        line, col, _end_line, end_col = doc.raw_span(p["start"], p["end"])
        assert line == p["line"] and doc.lines[line - 1][col:end_col] == p["text"]


def test_compare_findings_locate_their_related_place_in_the_old_report():
    from textcheck.compare import compare_paths

    old_path = seed_path("001")
    result = compare_paths(str(old_path), str(Path(__file__).parent / "fixtures" / "compare" / "ziyang_2021.txt"))
    carried = [f for f in result.findings if f.rule == "carryover-paragraph"]
    assert carried
    for f in carried:
        r = f.related[0]
        assert r.path == result.old.path and result.old.line_of(r.start) == r.line
        assert result.new.line_of(f.start) == f.line
        assert result.old.text[r.start : r.end].strip()
