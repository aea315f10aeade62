"""The reviewer's workbench (issue 17): rule names, year pairs, duplicate submissions, regions,
decisions that survive re-runs, spreadsheet cells that are never formulas."""

from __future__ import annotations

from textcheck.rules import all_rules


def test_every_rule_has_a_unique_short_chinese_name():
    specs = all_rules()
    names = [s.name for s in specs]
    assert all(names), [s.id for s in specs if not s.name]
    assert len(set(names)) == len(names), sorted(n for n in names if names.count(n) > 1)
    for s in specs:
        assert 2 <= len(s.name) <= 10 and all("\u4e00" <= ch <= "\u9fff" for ch in s.name), s.name


# ---------------------------------------------------------------------------------------------
# helpers

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from support import good_report, seed_path
from textcheck.cli import app


def _batch(*args: str, quiet: bool = True) -> "object":
    res = CliRunner().invoke(app, ["batch", *args, "-j", "1"] + (["-q"] if quiet else []))
    assert res.exit_code == 0, res.output
    return res


def _csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


def _two_years(folder: Path) -> tuple[Path, Path]:
    """嵩县人民政府办公室's 2022 report and its 2021 report, written as 洛阳市嵩县人民政府办公室 (the same unit)
    with the same text, the years moved back."""
    new = good_report()
    old = new.replace("2022", "@@").replace("2023", "2022").replace("@@", "2021").replace(
        "嵩县人民政府办公室", "洛阳市嵩县人民政府办公室", 1)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "嵩县2021.txt").write_text(old, encoding="utf-8")
    (folder / "嵩县2022.txt").write_text(new, encoding="utf-8")
    return folder / "嵩县2021.txt", folder / "嵩县2022.txt"


# ---------------------------------------------------------------------------------------------
# years


def test_year_pair_found_ratio_equals_compare_and_carryover_findings(tmp_path):
    old, new = _two_years(tmp_path / "in")
    out = tmp_path / "out"
    _batch(str(tmp_path / "in"), "-o", str(out))
    rows = {Path(r["文件"]).name: r for r in _csv_rows(out / "summary.csv")}
    assert rows["嵩县2021.txt"]["与上年重复率"] == ""  # no 2020 in the batch
    assert rows["嵩县2022.txt"]["上年报告"].endswith("嵩县2021.txt")
    ratio = float(rows["嵩县2022.txt"]["与上年重复率"])

    cmp = CliRunner().invoke(app, ["compare", str(old), str(new), "-f", "json"])
    expected = json.loads(cmp.stdout)["carryover"]["template_excluded"]["ratio"]
    assert ratio == expected and ratio > 0.5
    text = CliRunner().invoke(app, ["compare", str(old), str(new), "--no-color"]).stdout
    assert f"{expected:.1%}" in text  # what compare prints

    from openpyxl import load_workbook

    ws = load_workbook(out / "summary.xlsx")["年度对照"]
    head, row = [c.value for c in ws[1]], [c.value for c in ws[2]]
    for sec in json.loads(cmp.stdout)["carryover"]["sections"]:  # per section, as compare gives them
        if sec["title"] in head and sec["template_excluded"]["ratio"] is not None:
            assert row[head.index(sec["title"])] == sec["template_excluded"]["ratio"], sec["title"]
    assert row[head.index("存在的主要问题及改进情况")] > 0.5

    findings = [json.loads(x) for x in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    carried = {f["rule"] for f in findings if f["path"].endswith("嵩县2022.txt")}
    assert "problems-carryover" in carried
    assert not any(f["rule"] == "cross-report-copy" for f in findings)  # one unit's two years: not copying
    assert not {"problems-carryover", "stale-year"} & {f["rule"] for f in findings if f["path"].endswith("嵩县2021.txt")}
    page = (out / "compare" / "002.html").read_text(encoding="utf-8")
    assert "年度报告对照" in page and "嵩县2021.txt" in page
    assert 'href="../compare/002.html"' in (out / "reports" / "002.html").read_text(encoding="utf-8")


def test_history_pairs_without_scoring_the_earlier_year(tmp_path):
    old, new = _two_years(tmp_path / "all")
    (tmp_path / "old").mkdir()
    (tmp_path / "cur").mkdir()
    shutil.move(str(old), tmp_path / "old" / old.name)
    shutil.move(str(new), tmp_path / "cur" / new.name)
    out = tmp_path / "out"
    _batch(str(tmp_path / "cur"), "--history", str(tmp_path / "old"), "-o", str(out))
    rows = _csv_rows(out / "summary.csv")
    assert [Path(r["文件"]).name for r in rows] == ["嵩县2022.txt"]
    assert float(rows[0]["与上年重复率"]) > 0.5


def test_carryover_over_threshold_costs_points_and_threshold_is_configurable(tmp_path):
    _two_years(tmp_path / "in")
    from textcheck.batch.discover import discover
    from textcheck.batch.run import run_batch
    from textcheck.config import Config

    files = discover([str(tmp_path / "in")])[0]
    base = run_batch(files, Config()).reports[1]
    assert base["breakdown"]["carryover"] == 0.0
    lenient = run_batch(files, Config(score={"carryover_threshold": 1.0})).reports[1]
    assert lenient["breakdown"]["carryover"] > 0
    assert lenient["score"] > base["score"]


def test_unit_key_joins_a_name_with_and_without_its_city():
    from textcheck.batch.units import normalised_name

    assert normalised_name("淮安市洪泽区人民政府", "320813000000") == normalised_name("洪泽区人民政府", "320813000000")
    assert normalised_name("江苏省淮安市洪泽区人民政府", "320813000000") == "洪泽区人民政府"
    assert normalised_name("洪泽区教育局", "320813000000") != normalised_name("洪泽区人民政府", "320813000000")


# ---------------------------------------------------------------------------------------------
# 重复提交


def _docx(text: str, path: Path) -> None:
    import docx

    d = docx.Document()
    for line in text.splitlines():
        if line.strip():
            d.add_paragraph(line)
    d.save(str(path))


def _pdf(text: str, path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cn", fontName="STSong-Light", fontSize=10.5, leading=16, wordWrap="CJK")
    doc = SimpleDocTemplate(str(path), pagesize=A4, invariant=1)
    doc.build([Paragraph(line.replace("\t", "    "), style) for line in text.splitlines() if line.strip()])


def test_duplicate_submission_fires_on_the_same_report_as_docx_and_pdf(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    _docx(good_report(), src / "嵩县报告.docx")
    _pdf(good_report(), src / "嵩县报告.pdf")
    out = tmp_path / "out"
    _batch(str(src), "-o", str(out))
    findings = [json.loads(x) for x in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    dup = [f for f in findings if f["rule"] == "duplicate-submission"]
    assert len(dup) == 1 and dup[0]["path"].endswith(".pdf") and dup[0]["severity"] == "info"
    assert dup[0]["evidence"]["duplicate_of"].endswith(".docx")
    assert not any(f["rule"] == "cross-report-copy" for f in findings)
    assert "重复提交" in _csv_rows(out / "summary.csv")[0]


def test_duplicate_submission_silent_on_two_years_and_on_other_units(tmp_path):
    _two_years(tmp_path / "in")
    shutil.copy(seed_path("003"), tmp_path / "in" / "大章镇.txt")
    out = tmp_path / "out"
    _batch(str(tmp_path / "in"), "-o", str(out))
    findings = [json.loads(x) for x in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    assert not any(f["rule"] == "duplicate-submission" for f in findings)


def test_copy_direction_later_report_copied_from_earlier():
    from textcheck.rules.cross_report_copy import SharedParagraphs, copy_direction

    later = SharedParagraphs(path="a", matches=(), year=2022, date="2023-01-10")
    assert copy_direction(later, {"year": 2021, "date": None}) == "copied-from"
    assert copy_direction(later, {"year": 2023}) == "copied-by"
    assert copy_direction(later, {"year": 2022, "date": "2023-01-20"}) == "copied-by"
    assert copy_direction(later, {"year": 2022, "date": None}) == "unknown"


# ---------------------------------------------------------------------------------------------
# regions


def test_expect_lists_the_townships_without_a_report(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(seed_path("003"), src / "大章镇.txt")  # 河南省/洛阳市/嵩县/大章镇
    out = tmp_path / "out"
    res = _batch(str(src), "-o", str(out), "--expect", "嵩县", quiet=False)
    from openpyxl import load_workbook

    wb = load_workbook(out / "summary.xlsx")
    missing = [r[1] for r in wb["未提交"].iter_rows(min_row=2, values_only=True)]
    assert "城关镇" in missing and "大章镇" not in missing
    assert len(missing) >= 10
    assert "未报送" in res.stderr
    summary = wb["汇总"]
    head = [c.value for c in summary[1]]
    row = [c.value for c in summary[2]]
    assert row[head.index("县")] == "嵩县" and row[head.index("市")] == "洛阳市"
    kinds = [r[3] for r in wb["按地区"].iter_rows(min_row=2, values_only=True)]
    assert "合计" in kinds
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "城关镇" in html and 'id="f-region"' in html and "河南省/洛阳市/嵩县" in html


def test_expect_unknown_region_is_a_clear_error(tmp_path):
    shutil.copy(seed_path("003"), tmp_path / "a.txt")
    res = CliRunner().invoke(app, ["batch", str(tmp_path / "a.txt"), "-o", str(tmp_path / "out"), "--expect", "不存在县"])
    assert res.exit_code == 2 and "行政区划中没有" in res.output


# ---------------------------------------------------------------------------------------------
# decisions


def _issue_rows(xlsx: Path) -> tuple[list[str], list[list]]:
    from openpyxl import load_workbook

    ws = load_workbook(xlsx)["问题清单"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return rows[0], rows[1:]


def test_decisions_round_trip(tmp_path):
    from openpyxl import load_workbook

    src = tmp_path / "in"
    src.mkdir()
    report = src / "大章镇.txt"
    shutil.copy(seed_path("003"), report)
    out = tmp_path / "out"
    _batch(str(src), "-o", str(out))
    score0 = float(_csv_rows(out / "summary.csv")[0]["得分"])
    head, rows = _issue_rows(out / "summary.xlsx")
    assert {"审核结论", "审核意见", "指纹", "规则", "链接"} <= set(head)
    rule_col, text_col, dec_col, com_col = (head.index(h) for h in ("规则", "原文", "审核结论", "审核意见"))
    assert all(r[dec_col] in (None, "") for r in rows)  # all pending at first

    # the reviewer dismisses the 纸房镇 finding and confirms the stock-phrase one, in the xlsx itself
    wb = load_workbook(out / "summary.xlsx")
    ws = wb["问题清单"]
    dismissed = confirmed = None
    for i, r in enumerate(rows, 2):
        if r[rule_col] == "他单位名称" and dismissed is None:
            ws.cell(row=i, column=dec_col + 1, value="不采纳")
            ws.cell(row=i, column=com_col + 1, value="纸房镇为原驻地，不是照搬")
            dismissed = r[head.index("指纹")]
        if r[rule_col] == "问题泛泛而谈":
            ws.cell(row=i, column=dec_col + 1, value="确认")
            confirmed = r[head.index("指纹")]
    assert dismissed and confirmed
    wb.save(tmp_path / "审核.xlsx")

    _batch(str(src), "-o", str(out), "--decisions", str(tmp_path / "审核.xlsx"))
    head, rows = _issue_rows(out / "summary.xlsx")
    by_fp = {r[head.index("指纹")]: r for r in rows}
    assert by_fp[dismissed][dec_col] == "不采纳" and by_fp[dismissed][com_col] == "纸房镇为原驻地，不是照搬"
    assert by_fp[confirmed][dec_col] == "确认"
    score1 = float(_csv_rows(out / "summary.csv")[0]["得分"])
    assert score1 > score0  # the dismissed error no longer counts
    decisions_csv = _csv_rows(out / "decisions.csv")
    assert {r["指纹"]: r["审核结论"] for r in decisions_csv}[dismissed] == "不采纳"
    review = (out / "review" / "001.html").read_text(encoding="utf-8")
    assert "审核意见" in review and "1 条经审核不采纳" in review

    # the unit edits the text of the confirmed finding: it is a new finding, pending again;
    # decisions.csv given back keeps the dismissal
    text = report.read_text(encoding="utf-8")
    assert "二是公开的面不够广" in text
    report.write_text(text.replace("二是公开的面不够广", "二是公开的范围还不够广"), encoding="utf-8")
    shutil.copy(out / "decisions.csv", tmp_path / "decisions.csv")
    _batch(str(src), "-o", str(out), "--decisions", str(tmp_path / "decisions.csv"))
    head, rows = _issue_rows(out / "summary.xlsx")
    by_fp = {r[head.index("指纹")]: r for r in rows}
    assert confirmed not in by_fp
    generic = [r for r in rows if r[rule_col] == "问题泛泛而谈"]
    assert generic and all(r[dec_col] in (None, "") for r in generic)
    assert by_fp[dismissed][dec_col] == "不采纳"


def test_fingerprint_ignores_line_numbers_and_follows_the_text():
    from textcheck.batch.decisions import fingerprint, fingerprints
    from textcheck.finding import Finding, Severity

    a = Finding(rule="name-mismatch", severity=Severity.ERROR, message="第 3 行", suggestion="", line=3, text="纸房镇，制度")
    moved = Finding(rule="name-mismatch", severity=Severity.ERROR, message="第 9 行", suggestion="", line=9, text="纸房镇 制度")
    edited = Finding(rule="name-mismatch", severity=Severity.ERROR, message="第 3 行", suggestion="", line=3, text="纸房镇，规定")
    assert fingerprint(a, "u", "p") == fingerprint(moved, "u", "p")
    assert fingerprint(a, "u", "p") != fingerprint(edited, "u", "p")
    assert fingerprint(a, "u", "p") != fingerprint(a, "v", "p")
    first, second = fingerprints([a, moved], "u", "p")
    assert second == first + "#2"


def test_decisions_file_without_the_columns_is_a_clear_error(tmp_path):
    shutil.copy(seed_path("003"), tmp_path / "a.txt")
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["batch", str(tmp_path / "a.txt"), "-o", str(tmp_path / "out"), "--decisions", str(bad)])
    assert res.exit_code == 2 and "审核结论" in res.output


# ---------------------------------------------------------------------------------------------
# spreadsheets: formula injection, control characters, layout


def test_formula_file_name_and_control_characters_written_as_text(tmp_path):
    from openpyxl import load_workbook

    src = tmp_path / "in"
    src.mkdir()
    text = seed_path("004").read_text(encoding="utf-8")
    (src / '=HYPERLINK("x","y").txt').write_text(text, encoding="utf-8")
    (src / "esc\x1b[31mred.txt").write_text(seed_path("001").read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    _batch(str(src), "-o", str(out))
    wb = load_workbook(out / "summary.xlsx")
    for ws in (wb["汇总"], wb["问题清单"]):
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    names = [c.value for c in wb["汇总"]["A"][1:]]
    assert any(n.endswith('=HYPERLINK("x","y").txt') for n in names)
    assert any("esc\\x1b[31mred.txt" in n for n in names)
    raw = __import__("zipfile").ZipFile(out / "summary.xlsx").read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in raw
    for name in ("summary.csv", "decisions.csv"):
        for row in csv.reader(io.StringIO((out / name).read_bytes().decode("utf-8-sig"))):
            assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in row), (name, row)
            assert not any("\x1b" in v for v in row)


def test_csv_cells_neutralised_as_owasp_recommends():
    from textcheck.render.batch_tables import csv_text, visible

    assert csv_text("=1+1") == "'=1+1" and csv_text("@SUM(A1)") == "'@SUM(A1)" and csv_text("-2") == "'-2"
    assert csv_text("\tx") == "'\tx" and csv_text("普通") == "普通" and csv_text(3) == 3
    assert visible("a\x1bb") == "a\\x1bb" and visible("a\udcb0b") == "a\\xb0b"


def test_summary_sorted_by_score_coloured_and_print_ready(tmp_path):
    from openpyxl import load_workbook

    src = tmp_path / "in"
    src.mkdir()
    for k in ("001", "003", "004"):
        shutil.copy(seed_path(k), src / f"seed_{k}.txt")
    out = tmp_path / "out"
    _batch(str(src), "-o", str(out))
    wb = load_workbook(out / "summary.xlsx")
    ws = wb["汇总"]
    head = [c.value for c in ws[1]]
    assert not any(re.fullmatch(r"[a-z]+(-[a-z]+)+", h) for h in head)
    col = head.index("得分") + 1
    scores = [ws.cell(row=r, column=col).value for r in range(2, ws.max_row + 1)]
    assert scores == sorted(scores)
    assert all(ws.cell(row=r, column=col).fill.fgColor.rgb not in (None, "00000000") for r in range(2, ws.max_row + 1))
    for sheet in (ws, wb["问题清单"]):
        assert sheet.freeze_panes and sheet.auto_filter.ref
        assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows in ("1:1", "$1:$1")
    html = (out / "index.html").read_text(encoding="utf-8")
    assert 'id="q"' in html and 'id="f-band"' in html and 'id="f-rule"' in html and "<script src" not in html
