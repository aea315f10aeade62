"""textcheck batch: discovery, scoring, cross-report copies, cache, and the four outputs."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from textcheck.batch import (
    comparable,
    discover,
    load_template_phrases,
    run_batch,
    template_pattern,
    template_share,
    write_outputs,
)
from textcheck.batch_gen import generate
from textcheck.cli import app
from textcheck.config import Config
from textcheck.resources import corpus_path

SEEDS = {"001": "001_8442b5afd2c71afd.txt", "003": "003_c09c82378b8e7991.txt", "004": "004_b4d69b5948b33890.txt",
         "000": "000_2e05589c4d1bf861.txt"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("batch")
    src = root / "in"
    gen = generate(src / "gen", 24, seed=5, groups=3, group_size=(2, 3))
    for key, name in SEEDS.items():
        shutil.copy(corpus_path("samples", name), src / f"seed_{key}.txt")
    # an unreadable file: an old binary Word document (OLE2 header)
    (src / "sub").mkdir()
    (src / "sub" / "旧格式.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    # markup inside a report must be escaped in the HTML pages
    text = corpus_path("samples", SEEDS["004"]).read_text(encoding="utf-8")
    (src / "sub" / "inject<script>alert(2).txt").write_text(text.replace("攀枝花市人民政府办公室", "<script>alert(1)</script>测试县人民政府办公室", 1)
                                            .replace("攀枝花", "测试县"), encoding="utf-8")
    out = root / "out"
    result = run_batch(discover([str(src)], exclude=[out])[0], Config(), jobs=2, cache_dir=str(out / ".cache"))
    write_outputs(result, out)
    return {"root": root, "src": src, "out": out, "gen": gen, "result": result}


def _report(result, suffix: str) -> dict:
    return next(r for r in result.reports if r["path"].endswith(suffix))


def test_discover_is_recursive_sorted_and_skips_output(corpus):
    files, missing = discover([str(corpus["src"]), str(corpus["root"] / "nope")], exclude=[corpus["out"]])
    assert missing == [str(corpus["root"] / "nope")]
    assert files == sorted(files)
    assert any(f.endswith("旧格式.doc") for f in files)
    assert len(files) == 24 + 4 + 2


def test_cross_report_copy_fires_on_planted_copies(corpus):
    result = corpus["result"]
    by_path = {r["path"]: r for r in result.reports}
    assert len(corpus["gen"].planted) == 3
    for group in corpus["gen"].planted:
        for member in group:
            rep = by_path[member]
            copies = [f for f in rep["findings"] if f["rule"] == "cross-report-copy"]
            linked = {x["path"] for f in copies for x in f["related"]}
            assert linked & (set(group) - {member}), (member, group)
            assert rep["copy_ratio"] > 0
            assert rep["groups"]
        # all members of one planted group end up in one copy group
        gids = {g for m in group for g in by_path[m]["groups"]}
        assert any(set(group) <= set(g["reports"]) for g in result.groups if g["id"] in gids)
    f = next(f for r in result.reports for f in r["findings"] if f["rule"] == "cross-report-copy")
    assert f["severity"] == "warning" and f["evidence"]["similarity"] >= 90 and f["evidence"]["other_issuer"]
    assert f["line"] and f["end_line"] and f["related"][0]["line"]


def test_cross_report_copy_silent_on_template_text(corpus):
    # every report built on the 攀枝花 layout opens with the mandated sentence "根据《条例》……规定编制本报告"
    opening = [r for r in corpus["result"].reports if r["lines"] and any(ln.startswith("根据《中华人民共和国政府信息公开条例》") for ln in r["lines"])]
    assert len(opening) >= 5
    for r in corpus["result"].reports:
        for f in r["findings"]:
            if f["rule"] == "cross-report-copy":
                assert not f["text"].startswith("根据《中华人民共和国政府信息公开条例》"), f
    assert corpus["result"].stats["template_paragraphs"] >= len(opening)


def test_template_share_unit():
    pattern = template_pattern(load_template_phrases() or ["本报告中所列数据的统计期限自2021年1月1日起至2021年12月31日止"])
    t = comparable("本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。")
    assert template_share(t, pattern) >= 0.9
    assert template_share(comparable("我镇今年新建了三个村级公开栏，群众满意度明显提高，收到意见建议十二条。"), pattern) < 0.3


def test_unreadable_and_non_report_listed_and_skipped(corpus):
    result = corpus["result"]
    doc = _report(result, "旧格式.doc")
    assert doc["status"] == "unreadable" and doc["score"] is None and "Word" in doc["error"]
    notice = _report(result, "seed_000.txt")
    assert notice["status"] == "not-report" and notice["score"] is None
    assert result.stats["unreadable"] == 1 and result.stats["reports"] == 24 + 3 + 1


def test_scores_order_seeds(corpus):
    result = corpus["result"]
    s = {k: _report(result, f"seed_{k}.txt")["score"] for k in ("001", "003", "004")}
    assert s["003"] < s["001"] and s["003"] < s["004"], s
    r = _report(result, "seed_004.txt")
    assert set(r["breakdown"]) >= {"structure", "subtopics", "duplication", "identity", "fee", "length", "copying"}
    assert abs(sum(r["breakdown"].values()) - r["score"]) < 0.2


def test_score_weights_configurable(corpus):
    files = [str(corpus["src"] / "seed_001.txt")]
    base = run_batch(files, Config()).reports[0]["score"]
    heavy = run_batch(files, Config(score={"fee": 60})).reports[0]["score"]  # 001 has no fee statement
    assert heavy < base


def test_csv_header_and_bom(corpus):
    data = (corpus["out"] / "summary.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(data.decode("utf-8-sig").splitlines()))
    assert rows[0][:6] == ["文件", "发布机关", "层级", "年度", "得分", "状态"]
    assert "cross-report-copy" in rows[0] and "duplicate-paragraph" in rows[0] and "抄袭比例" in rows[0]
    assert len(rows) == 1 + len(corpus["result"].reports)
    doc_row = next(r for r in rows if r[0].endswith("旧格式.doc"))
    assert doc_row[4] == "" and doc_row[5] == "无法读取"


def test_xlsx_readable(corpus):
    from openpyxl import load_workbook

    wb = load_workbook(corpus["out"] / "summary.xlsx")
    ws = wb.active
    head = [c.value for c in ws[1]]
    assert head[:6] == ["文件", "发布机关", "层级", "年度", "得分", "状态"]
    assert ws.freeze_panes == "B2" and ws.auto_filter.ref.startswith("A1:")
    assert ws.max_row == 1 + len(corpus["result"].reports)
    scores = {ws.cell(row=i, column=1).value: ws.cell(row=i, column=5).value for i in range(2, ws.max_row + 1)}
    assert isinstance(next(v for k, v in scores.items() if k.endswith("seed_004.txt")), (int, float))
    assert ws.column_dimensions["A"].width > 10


def test_findings_jsonl(corpus):
    lines = (corpus["out"] / "findings.jsonl").read_text(encoding="utf-8").splitlines()
    recs = [json.loads(x) for x in lines]
    assert len(recs) == sum(len(r["findings"]) for r in corpus["result"].reports if r["status"] != "unreadable")
    assert all({"rule", "severity", "message", "suggestion", "line", "path", "related", "evidence"} <= set(d) for d in recs)
    assert any(d["rule"] == "cross-report-copy" for d in recs)


def test_html_escapes_and_links(corpus):
    out = corpus["out"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in index and "<script>alert(1)" not in index
    assert "<script>alert(2)" not in index and "inject&lt;script&gt;alert(2).txt" in index  # file name
    assert "http://" not in index and "https://" not in index  # offline
    k = next(i for i, r in enumerate(corpus["result"].reports) if r["path"].endswith("alert(2).txt"))
    page = (out / "reports" / f"{k + 1:03d}.html").read_text(encoding="utf-8")
    assert "<script>alert(" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'id="L1"' in page and "../index.html" in page
    pages = sorted((out / "reports").glob("*.html"))
    assert len(pages) == len(corpus["result"].reports)
    assert f'href="reports/{k + 1:03d}.html"' in index


def test_cache_reused_and_invalidated(tmp_path):
    src = tmp_path / "in"
    generate(src, 6, seed=9, groups=1)
    out = tmp_path / "out"
    files = discover([str(src)])[0]
    first = run_batch(files, Config(), cache_dir=str(out / ".cache"))
    write_outputs(first, out)
    snap = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert first.stats["checked"] == 6 and first.stats["cached"] == 0
    second = run_batch(files, Config(), cache_dir=str(out / ".cache"))
    assert second.stats["checked"] == 0 and second.stats["cached"] == 6
    write_outputs(second, out)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == snap  # byte-identical rerun
    target = Path(files[2])
    target.write_text(target.read_text(encoding="utf-8") + "\n补充说明：本机关未收取信息处理费。\n", encoding="utf-8")
    third = run_batch(files, Config(), cache_dir=str(out / ".cache"))
    assert third.stats["checked"] == 1 and third.stats["cached"] == 5
    assert [r["cached"] for r in third.reports].count(False) == 1
    assert not next(r for r in third.reports if r["path"] == str(target))["cached"]
    nocache = run_batch(files, Config(), cache_dir=str(out / ".cache"), use_cache=False)
    assert nocache.stats["checked"] == 6


def test_cli_batch(tmp_path, corpus):
    runner = CliRunner()
    out = tmp_path / "cli"
    src = corpus["src"]
    res = runner.invoke(app, ["batch", str(src / "seed_001.txt"), str(src / "seed_003.txt"), str(src / "sub"),
                              "-o", str(out), "--jobs", "1", "--quiet"])
    assert res.exit_code == 0, res.output
    for name in ("summary.csv", "summary.xlsx", "findings.jsonl", "index.html"):
        assert (out / name).is_file()
    res = runner.invoke(app, ["batch", str(src / "seed_003.txt"), "-o", str(out), "-j", "1", "-q", "--fail-on", "error"])
    assert res.exit_code == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    res = runner.invoke(app, ["batch", str(empty), "-o", str(tmp_path / "o2"), "-q"])
    assert res.exit_code == 2 and "没有找到" in res.output
    res = runner.invoke(app, ["batch", str(tmp_path / "missing"), "-o", str(tmp_path / "o3"), "-q"])
    assert res.exit_code == 2
