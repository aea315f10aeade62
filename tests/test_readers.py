"""Readers: every format gives the same Source text shape (lines; tables as tab rows).

Fixtures are generated in ``tmp_path``: docx with python-docx, PDF with reportlab's built-in
``STSong-Light`` CID font, HTML as strings. The cross-format test writes the 大章镇 seed in six
formats and checks that sections and finding rule ids are the same.
"""

from __future__ import annotations

import html as htmlmod
import io
import json
import os
import sys
from pathlib import Path

import pytest

from textcheck.errors import InputError
from textcheck.parse import parse
from textcheck.readers import read_path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "corpora" / "samples" / "003_c09c82378b8e7991.txt"


# ---------------------------------------------------------------------------------------------
# fixture writers


def groups(lines: list[str]) -> list[tuple[str, list[str]]]:
    """[('p', [line]) | ('t', [tab rows...])]: consecutive tab-separated lines form a table."""
    out: list[tuple[str, list[str]]] = []
    for ln in lines:
        kind = "t" if "\t" in ln else "p"
        if kind == "t" and out and out[-1][0] == "t":
            out[-1][1].append(ln)
        else:
            out.append((kind, [ln]))
    return out


def write_docx(lines: list[str], path: Path) -> Path:
    import docx

    d = docx.Document()
    for kind, ls in groups(lines):
        if kind == "p":
            d.add_paragraph(ls[0])
        else:
            rows = [x.split("\t") for x in ls]
            t = d.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            for i, r in enumerate(rows):
                for j, c in enumerate(r):
                    t.cell(i, j).text = c
    d.save(str(path))
    return path


_FONT = "STSong-Light"


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if _FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(_FONT))


def _draw(c, x: float, y: float, s: str) -> None:
    # pdfium drops a CID string of a single glyph drawn by reportlab; pad it (fixture quirk only)
    c.drawString(x, y, s if len(s) > 1 else s + " ")


def write_pdf(lines: list[str], path: Path, *, header: str = "某某人民政府信息公开年度报告", fs: float = 11) -> Path:
    """A4 pages, body text wrapped at the right margin, tab rows drawn on a column grid,
    a running header and a "- n -" page number on every page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen import canvas

    _register_font()
    W, H = A4
    L, R, T, B = 72, W - 72, H - 72, 72
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    st = {"y": T, "page": 1}

    def finish_page() -> None:
        c.setFont(_FONT, 9)
        c.drawCentredString(W / 2, H - 40, header)
        c.drawCentredString(W / 2, 36, f"- {st['page']} -")
        c.showPage()
        st["page"] += 1
        st["y"] = T

    def need(h: float) -> None:
        if st["y"] - h < B:
            finish_page()

    for kind, ls in groups(lines):
        if kind == "p":
            text = ls[0].strip()
            if not text:
                continue
            wrapped, cur = [], ""
            for ch in text:
                if pdfmetrics.stringWidth(cur + ch, _FONT, fs) > R - L:
                    wrapped.append(cur)
                    cur = ch
                else:
                    cur += ch
            wrapped.append(cur)
            for w in wrapped:
                need(fs * 1.6)
                c.setFont(_FONT, fs)
                _draw(c, L, st["y"] - fs, w)
                st["y"] -= fs * 1.6
            st["y"] -= fs * 0.6
        else:
            rows = [x.split("\t") for x in ls]
            ncol = max(len(r) for r in rows)
            tfs = fs
            while True:
                widths = [max(pdfmetrics.stringWidth(r[j], _FONT, tfs) if j < len(r) else 0 for r in rows) + 2 * tfs for j in range(ncol)]
                if sum(widths) <= R - L or tfs <= 4:
                    break
                tfs -= 0.5
            for r in rows:
                need(tfs * 1.8)
                c.setFont(_FONT, tfs)
                x = L
                for j in range(ncol):
                    if j < len(r) and r[j]:
                        _draw(c, x, st["y"] - tfs, r[j])
                    x += widths[j]
                st["y"] -= tfs * 1.8
            st["y"] -= fs * 0.6
    finish_page()
    c.save()
    return path


def html_page(lines: list[str], *, charset: str = "utf-8", title_outside: str | None = None) -> str:
    body = []
    for kind, ls in groups(lines):
        if kind == "p":
            if ls[0].strip():
                body.append(f"<p>{htmlmod.escape(ls[0])}</p>")
        else:
            rows = "".join("<tr>" + "".join(f"<td>{htmlmod.escape(c)}</td>" for c in x.split("\t")) + "</tr>" for x in ls)
            body.append(f'<table border="1">{rows}</table>')
    h1 = f'<h1 class="title">{htmlmod.escape(title_outside)}</h1>' if title_outside else ""
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>政府信息公开年度报告_某某市人民政府网站</title>
<script>var banner = "一、总体情况"; document.write("<p>广告</p>");</script>
<style>p {{ text-indent: 2em }}</style></head>
<body><div class="header"><a href="/">首页</a> <a href="/zwgk">政务公开</a> <a href="/hd">互动交流</a></div>
<div class="nav"><ul><li><a href="/a">机构概况</a></li><li><a href="/b">政策文件</a></li><li><a href="/c">规划计划</a></li></ul></div>
<div class="main"><div class="position">当前位置：<a href="/">首页</a> &gt; 政务公开</div>{h1}
<div class="info">发布时间：2022-01-20 来源：办公室 字号：<a>大</a> <a>中</a> <a>小</a></div>
<div id="zoom" class="TRS_Editor">{''.join(body)}</div>
<div class="bdshare">分享到：微信 微博 QQ空间</div><div class="print"><a href="#">打印本页</a> <a href="#">关闭窗口</a></div></div>
<div class="footer">主办单位：某某市人民政府办公室　地址：某某路1号　网站标识码：5100000000　备案号：蜀ICP备00000000号</div>
</body></html>"""


# ---------------------------------------------------------------------------------------------
# txt


SAMPLE = "某某县人民政府2021年政府信息公开工作年度报告\n一、总体情况\n2021年，我县认真贯彻落实《条例》。\n信息内容\t本年制发件数\n规章\t0\n"


@pytest.mark.parametrize(
    "encoding,data_encoding,expected",
    [
        ("utf-8", "utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig", "utf-8-sig"),
        ("gbk", "gbk", "gb18030"),
        ("gb18030", "gb18030", "gb18030"),
        ("utf-16", "utf-16", "utf-16-le"),
        ("utf-16-be-bom", "utf-16-be", "utf-16-be"),
    ],
)
def test_txt_encodings_detected(tmp_path, encoding, data_encoding, expected):
    data = SAMPLE.encode(data_encoding)
    if encoding == "utf-16-be-bom":
        data = b"\xfe\xff" + data
    p = tmp_path / "r.txt"
    p.write_bytes(data)
    src = read_path(p)
    assert src.text == SAMPLE
    assert src.encoding == expected
    assert src.format == "txt"


def test_txt_utf16_without_bom(tmp_path):
    p = tmp_path / "r.txt"
    p.write_bytes(("Report 2021\n" + SAMPLE).encode("utf-16-le"))
    src = read_path(p)
    assert src.encoding == "utf-16-le"
    assert "一、总体情况" in src.text


def test_gbk_seed_round_trip(tmp_path):
    p = tmp_path / "seed.txt"
    p.write_bytes(SEED.read_text(encoding="utf-8").encode("gb18030"))
    assert read_path(p).text == SEED.read_text(encoding="utf-8")


def test_stdin_reads_bytes_and_sniffs(monkeypatch, tmp_path):
    class FakeStdin:
        def __init__(self, data: bytes):
            self.buffer = io.BytesIO(data)

    monkeypatch.setattr(sys, "stdin", FakeStdin(SAMPLE.encode("gbk")))
    src = read_path("-")
    assert (src.path, src.format, src.encoding) == ("-", "stdin", "gb18030")
    assert src.text == SAMPLE
    monkeypatch.setattr(sys, "stdin", FakeStdin(write_docx(SAMPLE.splitlines(), tmp_path / "a.docx").read_bytes()))
    src = read_path("-")
    assert src.format == "docx" and "规章\t0" in src.text


# ---------------------------------------------------------------------------------------------
# docx


def test_docx_order_tables_and_merged_cells(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("某某县2021年政府信息公开工作年度报告")
    d.add_heading("一、总体情况", level=1)
    d.add_paragraph("第一段。")
    t = d.add_table(rows=3, cols=3)
    a = t.cell(0, 0).merge(t.cell(0, 2))  # header spanning three columns
    a.text = "第二十条第（一）项"
    t.cell(1, 0).text, t.cell(1, 1).text, t.cell(1, 2).text = "信息内容", "本年制发件数", "本年废止件数"
    t.cell(2, 0).text, t.cell(2, 1).text, t.cell(2, 2).text = "规章", "0", "1"
    t2 = d.add_table(rows=2, cols=2)
    v = t2.cell(0, 0).merge(t2.cell(1, 0))  # vertical merge
    v.text = "（四）无法提供"
    t2.cell(0, 1).text, t2.cell(1, 1).text = "1.本机关不掌握", "2.没有现成信息"
    d.add_paragraph("二、主动公开政府信息情况")
    p = tmp_path / "r.docx"
    d.save(str(p))
    src = read_path(p)
    assert src.format == "docx" and src.encoding is None
    assert src.text.splitlines() == [
        "某某县2021年政府信息公开工作年度报告",
        "一、总体情况",
        "第一段。",
        "第二十条第（一）项\t\t",
        "信息内容\t本年制发件数\t本年废止件数",
        "规章\t0\t1",
        "（四）无法提供\t1.本机关不掌握",
        "\t2.没有现成信息",
        "二、主动公开政府信息情况",
    ]


def _add_chinese_numbering(document) -> str:
    """Add a numbering definition 一、二、 (chineseCounting) and return its numId."""
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    numbering = document.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {w} w:abstractNumId="90"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
            f'<w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
            f'<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl></w:abstractNum>'
        ),
    )
    numbering.append(parse_xml(f'<w:num {w} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return "90"


def _numbered(document, text: str, num_id: str, ilvl: int):
    from docx.oxml import parse_xml

    p = document.add_paragraph(text)
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    p._p.get_or_add_pPr().append(parse_xml(f'<w:numPr {w}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    return p


def test_docx_automatic_numbering_rendered(tmp_path):
    import docx

    d = docx.Document()
    nid = _add_chinese_numbering(d)
    _numbered(d, "总体情况", nid, 0)
    _numbered(d, "主动公开方面", nid, 1)
    _numbered(d, "依申请公开方面", nid, 1)
    _numbered(d, "主动公开政府信息情况", nid, 0)
    _numbered(d, "规章", nid, 1)
    p = tmp_path / "n.docx"
    d.save(str(p))
    assert read_path(p).text.splitlines() == ["一、总体情况", "（一）主动公开方面", "（二）依申请公开方面", "二、主动公开政府信息情况", "（一）规章"]
    doc = parse(read_path(p))
    assert [s.key for s in doc.sections] == ["overview", "active"]


def test_docx_hyperlink_and_line_break_text_kept(tmp_path):
    import docx
    from docx.oxml import parse_xml

    d = docx.Document()
    p = d.add_paragraph("访问")
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    p._p.append(parse_xml(f"<w:hyperlink {w}><w:r><w:t>政府网站</w:t></w:r></w:hyperlink>"))
    r = p.add_run("查看")
    r.add_break()
    p.add_run("第二行")
    path = tmp_path / "h.docx"
    d.save(str(path))
    assert read_path(path).text.splitlines() == ["访问政府网站查看", "第二行"]


# ---------------------------------------------------------------------------------------------
# pdf


def test_pdf_headers_page_numbers_and_paragraph_joining(tmp_path):
    long_para = "这是一个很长的段落，" * 40 + "结束。"
    lines = ["某某县2021年政府信息公开工作年度报告", "一、总体情况", long_para, "信息内容\t本年制发件数\t本年废止件数", "规章\t0\t1", "行政规范性文件\t\t3"]
    lines += [f"第{i}段正文内容。" for i in range(60)]
    p = write_pdf(lines, tmp_path / "r.pdf")
    src = read_path(p)
    assert src.format == "pdf"
    out = src.text.splitlines()
    assert "某某人民政府信息公开年度报告" not in src.text  # running header gone
    assert not any(x.strip().startswith("-") and x.strip().endswith("-") for x in out)  # page numbers gone
    assert any("页眉" in n for n in src.notes)
    assert long_para in out  # wrapped lines re-joined into one paragraph
    assert "信息内容\t本年制发件数\t本年废止件数" in out
    assert "规章\t0\t1" in out
    assert "行政规范性文件\t\t3" in out  # empty cell kept in a left-aligned grid
    assert "第59段正文内容。" in out and "第0段正文内容。" in out


def test_pdf_paragraph_continues_across_page_break(tmp_path):
    # enough short lines to fill page 1, then a long paragraph that must wrap over the page break
    filler = [f"第{i}行。" for i in range(40)]
    para = "跨页的段落文字" * 60 + "。"
    src = read_path(write_pdf(filler + [para, "后一段。"], tmp_path / "r.pdf"))
    assert para in src.text.splitlines()
    assert "PDF 共 2 页" in src.notes or "PDF 共 3 页" in src.notes


def test_pdf_without_text_layer_is_scanned(tmp_path):
    from reportlab.pdfgen import canvas

    p = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(p))
    c.rect(100, 100, 300, 400, fill=1)  # a drawing, no text: what a scan looks like to us
    c.showPage()
    c.save()
    with pytest.raises(InputError) as e:
        read_path(p)
    assert "扫描件" in e.value.message and "OCR" in e.value.message


# ---------------------------------------------------------------------------------------------
# html


def test_html_main_content_only(tmp_path):
    p = tmp_path / "r.html"
    p.write_text(html_page(SAMPLE.splitlines()), encoding="utf-8")
    src = read_path(p)
    assert src.format == "html" and src.encoding == "utf-8"
    assert src.text.splitlines() == SAMPLE.splitlines()
    for junk in ("首页", "当前位置", "分享到", "主办单位", "广告", "banner", "打印本页", "字号"):
        assert junk not in src.text


def test_html_declared_gbk_charset(tmp_path):
    p = tmp_path / "r.htm"
    p.write_bytes(html_page(SAMPLE.splitlines(), charset="gb2312").encode("gbk"))
    src = read_path(p)
    assert src.encoding == "gb18030"
    assert src.text.splitlines() == SAMPLE.splitlines()


def test_html_wrong_declared_charset_falls_back_to_detection(tmp_path):
    p = tmp_path / "r.html"
    p.write_bytes(html_page(SAMPLE.splitlines(), charset="utf-8").encode("gbk"))  # says utf-8, is GBK
    src = read_path(p)
    assert src.encoding == "gb18030" and "一、总体情况" in src.text


def test_html_title_outside_content_is_put_back(tmp_path):
    title = "某某县人民政府2021年政府信息公开工作年度报告"
    p = tmp_path / "r.html"
    p.write_text(html_page(SAMPLE.splitlines()[1:], title_outside=title), encoding="utf-8")
    src = read_path(p)
    assert src.text.splitlines()[0] == title
    assert parse(src).identity.year == 2021


def test_html_br_colspan_rowspan_and_density_fallback(tmp_path):
    page = """<html><body><div class="top"><a href="/">首页</a><a href="/b">新闻</a><a href="/c">公开</a></div>
    <div class="wrap"><div class="left"><a href="/x">链接一</a><a href="/y">链接二</a></div>
    <div class="right">第一行<br>第二行<br/>第三行
    <table><tr><td colspan="2">申请人情况</td><td rowspan="2">总计</td></tr>
    <tr><td>自然人</td><td>法人</td></tr><tr><td>1</td><td>2</td><td>3</td></tr></table>
    <p>最后一段文字，足够长以成为正文区域的主要内容。</p></div></div>
    <div class="bottom">版权所有</div></body></html>"""
    p = tmp_path / "r.html"
    p.write_text(page, encoding="utf-8")
    out = read_path(p).text.splitlines()
    assert out == ["第一行", "第二行", "第三行", "申请人情况\t\t总计", "自然人\t法人\t", "1\t2\t3", "最后一段文字，足够长以成为正文区域的主要内容。"]


# ---------------------------------------------------------------------------------------------
# dispatch by content


def test_content_beats_suffix(tmp_path):
    pdf = write_pdf(SAMPLE.splitlines(), tmp_path / "a.pdf").read_bytes()
    docx_bytes = write_docx(SAMPLE.splitlines(), tmp_path / "a.docx").read_bytes()
    html = html_page(SAMPLE.splitlines()).encode("utf-8")
    for name, data, fmt in (("pdf.txt", pdf, "pdf"), ("noext", docx_bytes, "docx"), ("page.doc", html, "html"), ("web.txt", html, "html"), ("noext2", SAMPLE.encode(), "txt")):
        p = tmp_path / name
        p.write_bytes(data)
        src = read_path(p)
        assert src.format == fmt, name
        assert "一、总体情况" in src.text


def test_plain_text_named_doc_is_read(tmp_path):
    p = tmp_path / "r.doc"
    p.write_bytes(SAMPLE.encode("gbk"))
    assert read_path(p).text == SAMPLE


def test_heavy_libraries_not_imported_for_txt(tmp_path):
    import subprocess

    p = tmp_path / "r.txt"
    p.write_text(SAMPLE, encoding="utf-8")
    code = (
        "import sys; from textcheck.readers import read_path; read_path(sys.argv[1]); "
        "print(sorted(m for m in ('docx', 'pypdfium2', 'bs4', 'lxml') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(p)], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("fmt", ["txt", "docx", "pdf", "html"])
def test_inputs_never_modified_and_reading_is_deterministic(tmp_path, fmt):
    lines = SAMPLE.splitlines()
    p = tmp_path / f"r.{fmt}"
    if fmt == "txt":
        p.write_text(SAMPLE, encoding="utf-8")
    elif fmt == "docx":
        write_docx(lines, p)
    elif fmt == "pdf":
        write_pdf(lines, p)
    else:
        p.write_text(html_page(lines), encoding="utf-8")
    os.chmod(p, 0o444)  # read-only input must be fine
    before = (p.read_bytes(), p.stat().st_mtime_ns)
    a, b = read_path(p), read_path(p)
    assert a == b
    assert (p.read_bytes(), p.stat().st_mtime_ns) == before
    assert sorted(x.name for x in tmp_path.iterdir()) == [p.name]  # nothing written next to it


# ---------------------------------------------------------------------------------------------
# the same report in every format


def _cells(doc) -> list[tuple[str, ...]]:
    return [tuple(c for c in r if c) for b in doc.blocks if b.kind.value == "table" for r in b.rows]


@pytest.fixture(scope="module")
def seed_in_all_formats(tmp_path_factory):
    d = tmp_path_factory.mktemp("seed")
    text = SEED.read_text(encoding="utf-8")
    lines = text.splitlines()
    (d / "utf8.txt").write_bytes(text.encode("utf-8"))
    (d / "gbk.txt").write_bytes(text.encode("gbk"))
    (d / "utf16.txt").write_bytes(text.encode("utf-16"))
    write_docx(lines, d / "seed.docx")
    write_pdf(lines, d / "seed.pdf")
    (d / "seed.html").write_text(html_page(lines), encoding="utf-8")
    return d


FORMAT_FILES = ["utf8.txt", "gbk.txt", "utf16.txt", "seed.docx", "seed.pdf", "seed.html"]


@pytest.mark.parametrize("name", FORMAT_FILES)
def test_seed_same_sections_and_findings_in_every_format(seed_in_all_formats, name):
    from textcheck.engine import check_source

    ref = check_source(read_path(SEED))
    res = check_source(read_path(seed_in_all_formats / name))
    assert [s.key for s in res.document.sections] == [s.key for s in ref.document.sections]
    assert len(ref.document.sections) == 6
    assert {f.rule for f in res.findings} == {f.rule for f in ref.findings}
    assert res.document.identity.title == ref.document.identity.title
    # Tables: txt/docx/html keep the exact grid. PDF keeps every non-empty cell in order, but an
    # empty cell is only recovered where the column grid is consistent (the seed's own grid is
    # ragged, so its PDF rendering has more, narrower columns).
    if name.endswith(".pdf"):
        assert _cells(res.document) == _cells(ref.document)
    else:
        ref_rows = [b.rows for b in ref.document.blocks if b.kind.value == "table"]
        assert [b.rows for b in res.document.blocks if b.kind.value == "table"] == ref_rows
    # narrative text is identical after normalisation in every format
    assert [b.text for b in res.document.narrative()] == [b.text for b in ref.document.narrative()]
    json.dumps(res.to_dict(), ensure_ascii=False)


@pytest.mark.parametrize("line", ["- 3 -", "—3—", "－ 12 －", "第3页", "第 3 页 共 9 页", "3/9", "7", "Page 2 of 5", "共9页 第3页"])
def test_pdf_page_number_patterns(line):
    from textcheck.readers.pdf import _PAGE_NO

    assert _PAGE_NO.match(line.replace(" ", ""))


@pytest.mark.parametrize("line", ["第三部分", "2021年", "一、总体情况", "3.5万元"])
def test_pdf_page_number_pattern_spares_text(line):
    from textcheck.readers.pdf import _PAGE_NO

    assert not _PAGE_NO.match(line.replace(" ", ""))


def test_cli_reads_standard_input():
    import subprocess

    ok = subprocess.run([sys.executable, "-m", "textcheck", "check", "-"], input=SEED.read_text(encoding="utf-8").encode("gbk"), capture_output=True, cwd=ROOT, timeout=60)
    assert ok.returncode in (0, 1), ok.stderr.decode("utf-8", "replace")
    empty = subprocess.run([sys.executable, "-m", "textcheck", "check", "-"], input=b"", capture_output=True, cwd=ROOT, timeout=60)
    assert empty.returncode == 2
    assert "错误：-：文件是空的" in empty.stderr.decode("utf-8").replace("\n", "")


def test_pdf_table_rows_in_bottom_margin_are_not_page_numbers(tmp_path):
    # a 3-column table of zeros long enough to reach the bottom margin of several pages
    rows = ["信息内容\t本年新收\t上年结转"] + [f"第{i}项\t0\t0" if i % 5 else "0\t0\t0" for i in range(1, 160)]
    src = read_path(write_pdf(["某某县2021年政府信息公开工作年度报告"] + rows, tmp_path / "t.pdf", fs=10))
    out = src.text.splitlines()
    assert out.count("0\t0\t0") == sum(1 for r in rows if r == "0\t0\t0")
    assert sum(1 for x in out if x.startswith("第") and x.endswith("\t0\t0")) == sum(1 for r in rows if r.startswith("第"))
