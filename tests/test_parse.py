"""The document model: sections, line numbers, tables, re-joined lines, identity."""

from support import check_text, seed_text

from textcheck.document import BlockKind
from textcheck.parse import normalize_line, parse_text, section_key

ALL_SIX = ["overview", "active", "requests", "review", "problems", "other"]


def test_seed_003_sections_and_duplicate_heading_lines():
    doc = parse_text(seed_text("003"))
    assert [s.key for s in doc.sections] == ALL_SIX
    assert [(k, line) for k, line, _ in doc.section_headings if k == "overview"] == [("overview", 5), ("overview", 7)]
    assert doc.section("problems").line == 113


def test_seed_004_real_heading_variants():
    doc = parse_text(seed_text("004"))
    assert [s.key for s in doc.sections] == ALL_SIX
    assert doc.section("problems").heading == "五、存在的主要问题及改进措施"


def test_seed_001_pipe_tables_are_not_prose():
    doc = parse_text(seed_text("001"))
    assert [s.key for s in doc.sections] == ALL_SIX
    # every cell line of the flattened tables (lines 10-342) sits in a TABLE block
    prose_lines = {ln for b in doc.blocks if b.kind is BlockKind.PARAGRAPH for ln in range(b.line, b.end_line + 1)}
    assert not prose_lines & set(range(10, 343))
    tables = [b for b in doc.blocks if b.kind is BlockKind.TABLE]
    assert tables and all(b.section in {"active", "requests", "review"} for b in tables)


def test_tab_tables_in_003_keep_rows():
    doc = parse_text(seed_text("003"))
    table = next(b for b in doc.blocks if b.kind is BlockKind.TABLE and b.section == "requests")
    assert any(row[0].startswith("一、本年新收政府信息公开申请数量") for row in table.rows)


def test_pdf_broken_lines_rejoined_with_original_line_numbers():
    doc = parse_text(seed_text("004"))
    para = next(b for b in doc.blocks if "业强市" in b.text)
    assert "工业强市" in para.text  # "工\n\n业强市" joined
    assert (para.line, para.end_line) == (15, 17)
    heading = next(b for b in doc.blocks if b.text.startswith("(二)以深化"))
    assert heading.kind is BlockKind.HEADING  # a heading is never swallowed by the paragraph above


def test_headings_not_swallowed_by_unfinished_line():
    text = "一、总体情况\n这一行很长但是没有句号结尾因为它是从PDF复制的内容会被断开\n（一）主动公开\n正文。\n"
    doc = parse_text(text)
    kinds = [(b.kind, b.line) for b in doc.blocks]
    assert (BlockKind.HEADING, 3) in kinds


def test_normalisation_full_width_spaces_and_markdown():
    assert normalize_line("**一是加强领导，落实责任。**") == "一是加强领导,落实责任。"
    assert normalize_line("２０２１\u3000年") == "2021年"
    assert normalize_line("（一）\u00a0主动公开") == "(一)主动公开"


def test_section_heading_variants():
    assert section_key("政府信息公开行政复议和行政诉讼情况") == "review"
    assert section_key("政府信息公开工作存在的主要问题及改进措施") == "problems"
    assert section_key("其他需要报告的事项") == "other"
    assert section_key("收到和处理政府信息公开申请情况") == "requests"
    # a table row label or a work-plan item is not a section heading
    assert section_key("其他对外管理服务事项") is None
    assert section_key("发挥行政复议作用") is None


def test_missing_numerals_and_half_width_brackets():
    text = "总体情况\n(一)主动公开\n内容。\n主动公开政府信息情况\n0\n"
    doc = parse_text(text)
    assert [s.key for s in doc.sections] == ["overview", "active"]


def test_identity_from_title_opening_and_signature():
    d3 = parse_text(seed_text("003")).identity
    assert (d3.issuer, d3.year, d3.issuer_source) == ("大章镇人民政府", 2021, "title")
    d4 = parse_text(seed_text("004")).identity
    assert (d4.issuer, d4.year, d4.signature_date) == ("攀枝花市人民政府办公室", 2021, "2022-01-24")
    d1 = parse_text(seed_text("001")).identity
    assert (d1.issuer, d1.year, d1.issuer_source) == ("资阳市人民政府办公室", 2020, "preamble")


def test_crlf_and_line_numbers_preserved():
    text = seed_text("003").replace("\n", "\r\n")
    doc = parse_text(text)
    assert [(k, ln) for k, ln, _ in doc.section_headings][:2] == [("overview", 5), ("overview", 7)]


def test_degenerate_inputs_parse():
    for text in ["无", "一、总体情况", "\t\t\n0\t0\n", "一、总体情况二、主动公开政府信息情况" * 50]:
        result = check_text(text)
        assert result.document.lines


def test_folding_compatibility_characters_first_changes_no_normalised_line():
    # parse replaces ，（）：；… by their NFKC forms before NFKC (so that NFKC finds nothing to do);
    # NFKC of the folded line must be NFKC of the line, whatever stands next to the folded characters
    import unicodedata
    from pathlib import Path

    from textcheck.parse.normalize import _FOLD, _fold
    from textcheck.text import normalize_line

    root = Path(__file__).resolve().parent.parent
    lines = [ln for p in sorted((root / "corpora" / "samples").glob("*.txt")) for ln in p.read_text(encoding="utf-8").splitlines()]
    marks = ["\u0301", "\u0338", "\u0308", "\u3099", "\u20dd", "\u0345", "\u1161", "\uff9e", "\u0b3e"]
    for c, _n in _FOLD:
        for m in marks:
            lines += [c + m, m + c, "a" + c + m + "b", "e" + m + c, c + c + m + m, "ｅ" + c + "\u0301"]
    assert len(lines) > 1000
    for line in lines:
        assert unicodedata.normalize("NFKC", _fold(line)) == unicodedata.normalize("NFKC", line), repr(line)
        assert normalize_line(_fold(line)) == normalize_line(line), repr(line)
