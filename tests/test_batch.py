"""textcheck batch: discovery, scoring, cross-report copies, cache, and the four outputs."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from textcheck.batch.discover import discover
from textcheck.batch.run import run_batch
from batch_gen import generate
from textcheck.cli import app
from textcheck.config import Config
from textcheck.render.batch_output import write_outputs
from textcheck.resources import corpus_path
from textcheck.text import comparable, template_phrases, template_share

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
            copies = [f for f in rep["findings"] if f.rule == "cross-report-copy"]
            linked = {x.path for f in copies for x in f.related}
            assert linked & (set(group) - {member}), (member, group)
            assert rep["copy_ratio"] > 0
            assert rep["groups"]
        # all members of one planted group end up in one copy group
        gids = {g for m in group for g in by_path[m]["groups"]}
        assert any(set(group) <= set(g["reports"]) for g in result.groups if g["id"] in gids)
    f = next(f for r in result.reports for f in r["findings"] if f.rule == "cross-report-copy")
    evidence = dict(f.evidence)
    assert f.severity.value == "warning" and evidence["similarity"] >= 90 and evidence["other_issuer"]
    assert f.line and f.end_line and f.related[0].line


def test_cross_report_copy_silent_on_template_text(corpus):
    # every report built on the 攀枝花 layout opens with the mandated sentence "根据《条例》……规定编制本报告"
    opening = [r for r in corpus["result"].reports if r["lines"] and any(ln.startswith("根据《中华人民共和国政府信息公开条例》") for ln in r["lines"])]
    assert len(opening) >= 5
    for r in corpus["result"].reports:
        for f in r["findings"]:
            if f.rule == "cross-report-copy":
                assert not f.text.startswith("根据《中华人民共和国政府信息公开条例》"), f
    assert corpus["result"].stats["template_paragraphs"] >= len(opening)


def test_discover_takes_its_suffixes_from_the_readers(tmp_path):
    from textcheck.readers import FORMATS, UNSUPPORTED_DOCUMENTS

    for name in ("a.md", "b.htm", "c.wps", "d.xlsx", "e.zip", "f.png"):
        (tmp_path / name).write_bytes(b"x")
    found = {Path(f).name for f in discover([str(tmp_path)])[0]}
    assert found == {"a.md", "b.htm", "c.wps"}
    assert {".md", ".htm"} <= set(FORMATS) and ".wps" in UNSUPPORTED_DOCUMENTS


def test_template_share_unit():
    assert any("统计期限" in p for p in template_phrases())
    t = comparable("本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。")
    assert template_share(t) >= 0.9
    assert template_share(comparable("我镇今年新建了三个村级公开栏，群众满意度明显提高，收到意见建议十二条。")) < 0.3


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
    files = [str(corpus["src"] / "seed_003.txt")]
    base = run_batch(files, Config()).reports[0]["score"]
    heavy = run_batch(files, Config(score={"fee": 60})).reports[0]["score"]  # 003 (2021) has no fee statement
    assert heavy < base


def test_csv_header_and_bom(corpus):
    data = (corpus["out"] / "summary.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(data.decode("utf-8-sig").splitlines()))
    assert rows[0][:6] == ["文件", "发布机关", "层级", "年度", "得分", "状态"]
    assert "与他单位雷同" in rows[0] and "重复段落" in rows[0] and "抄袭比例" in rows[0]
    assert not any(re.fullmatch(r"[a-z]+(-[a-z]+)+", h) for h in rows[0])  # names, not rule ids
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


def test_xlsx_bytes_do_not_depend_on_the_clock(corpus, monkeypatch):
    import datetime as real_datetime
    import types

    import openpyxl.writer.excel as excel

    from textcheck.render.batch_tables import render_xlsx

    class Later(real_datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return real_datetime.datetime(2031, 5, 6, 7, 8, 9, tzinfo=tz)

    first = render_xlsx(corpus["result"])
    # openpyxl stamps dcterms:modified with the clock on save; a later run must still give the same bytes
    monkeypatch.setattr(excel, "datetime", types.SimpleNamespace(datetime=Later, timezone=real_datetime.timezone))
    assert render_xlsx(corpus["result"]) == first


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


# ---------------------------------------------------------------------------------------------
# cross_match on hand-made records: near copies, handed-down text, groups, LSH candidates

_PARAS = {
    "platform": "本年度我单位依托政府门户网站信息公开专栏，新增栏目六个，全年发布政策文件和工作动态共计三百二十条，"
                "并同步推送至政务新媒体账号，群众查阅更加方便。",
    "training": "围绕新修订的条例组织业务培训两期，覆盖各村和社区信息员四十余人次，重点讲解依申请公开的受理流程、"
                "答复时限和告知书格式，进一步提升了答复的规范性。",
    "review": "今年共收到政府信息公开申请十一件，均在法定期限内答复，未发生因信息公开引起的行政复议和行政诉讼，"
              "申请人对答复内容和办理时效总体满意。",
    "standard": "下一步将继续深入贯彻落实条例要求，坚持以公开为常态、不公开为例外，不断完善主动公开目录，"
                "推动决策、执行、管理、服务、结果公开，持续提升政务公开的质量和实效。",
}


def _record(path: str, issuer: str, texts: list[str]) -> dict:
    import base64

    from textcheck.batch.signatures import signatures

    paras = []
    for k, t in enumerate(texts):
        comp = comparable(t)
        paras.append({"line": 10 + 2 * k, "end_line": 10 + 2 * k, "section": "overview", "text": comp, "raw": t,
                      "template": 0.0})
    sigs = signatures([p["text"] for p in paras]).astype("<u4").tobytes()
    return {"path": path, "status": "ok", "result": {"issuer": issuer, "findings": []},
            "narrative_chars": sum(len(p["text"]) for p in paras), "paragraphs": paras,
            "signatures": base64.b64encode(sigs).decode("ascii")}


def _opts():
    from textcheck.batch.options import batch_options

    return batch_options(Config())


def test_cross_report_copy_fires_on_near_copy_with_numbers_changed():
    from textcheck.batch.match import cross_match

    near = _PARAS["platform"].replace("六个", "五个").replace("三百二十条", "三百一十条")
    recs = [_record("a.txt", "甲镇人民政府", [_PARAS["platform"], _PARAS["review"]]),
            _record("b.txt", "乙镇人民政府", [_PARAS["training"], near])]
    cm = cross_match(recs, _opts())
    assert set(cm.matches) == {0, 1}
    (other, para, sim), = cm.matches[0][0]
    assert (other, para) == (1, 1) and 90 <= sim < 100
    assert 0 < cm.copy_ratio[0] < 1 and cm.copy_ratio[1] > 0


def test_cross_report_copy_silent_within_one_issuer_and_on_different_text():
    from textcheck.batch.match import cross_match

    recs = [_record("2021.txt", "甲镇人民政府", [_PARAS["platform"], _PARAS["review"]]),
            _record("2022.txt", "甲镇人民政府", [_PARAS["platform"], _PARAS["review"]]),
            _record("c.txt", "丙乡人民政府", [_PARAS["training"]])]
    cm = cross_match(recs, _opts())
    assert cm.matches == {} and cm.groups == []


def test_cross_report_copy_silent_on_handed_down_text():
    from textcheck.batch.match import cross_match

    # the same standard paragraph in the reports of 25 issuers (>= boilerplate_min): handed down, not copied;
    # two of them also share a paragraph of their own, which still counts
    recs = [_record(f"r{k:02d}.txt", f"第{k}镇人民政府", [_PARAS["standard"]] + ([_PARAS["training"]] if k in (3, 7) else []))
            for k in range(25)]
    cm = cross_match(recs, _opts())
    assert cm.boilerplate_paragraphs == 25
    assert set(cm.matches) == {3, 7} and list(cm.matches[3]) == [1]
    assert [g["reports"] for g in cm.groups] == [["r03.txt", "r07.txt"]]


def test_signatures_estimate_shingle_overlap_and_are_stable():
    import numpy as np

    from textcheck.batch.signatures import NUM_PERM, signatures

    base = comparable(_PARAS["platform"])
    near = comparable(_PARAS["platform"].replace("六个", "五个"))
    other = comparable(_PARAS["review"])
    sig = signatures([base, near, other])
    assert sig.shape == (3, NUM_PERM) and sig.dtype == np.uint32
    agree = lambda i, j: float(np.mean(sig[i] == sig[j]))  # noqa: E731 - MinHash estimate of Jaccard
    assert agree(0, 1) > 0.8 and agree(0, 2) < 0.2
    assert np.array_equal(signatures([base]), sig[:1])  # same text, same signature (the cache relies on it)
    assert signatures([]).shape == (0, NUM_PERM)


def test_boilerplate_crowd_grows_with_batch_but_is_capped():
    from textcheck.batch.match import boilerplate_crowd

    opts = _opts()
    assert boilerplate_crowd(opts, 30) == 20  # at least boilerplate_min
    assert boilerplate_crowd(opts, 500) == 50  # 10% of the issuers
    assert boilerplate_crowd(opts, 10_000) == 100  # at most boilerplate_max
    assert boilerplate_crowd(dict(opts, boilerplate_max=500), 10_000) == 500


def test_copy_groups_are_shared_texts_not_chains():
    from textcheck.batch.match import cross_match

    # A and B share two paragraphs, B and C share another; A and C share nothing
    recs = [_record("A.txt", "甲镇人民政府", [_PARAS["platform"], _PARAS["training"]]),
            _record("B.txt", "乙镇人民政府", [_PARAS["platform"], _PARAS["training"], _PARAS["review"]]),
            _record("C.txt", "丙镇人民政府", [_PARAS["review"]])]
    cm = cross_match(recs, _opts())
    groups = {tuple(g["reports"]): len(g["shared"]) for g in cm.groups}
    assert groups == {("A.txt", "B.txt"): 2, ("B.txt", "C.txt"): 1}
    assert [g["id"] for g in cm.groups] == ["G1", "G2"]


def test_lsh_candidates_yield_each_bucket_pair_once(monkeypatch):
    import itertools

    import numpy as np

    from textcheck.batch import match
    from textcheck.batch.signatures import NUM_PERM

    rng = np.random.RandomState(3)
    sig = rng.randint(0, 4, size=(60, NUM_PERM)).astype(np.uint32)  # few values: many collisions
    sig[:25, : match.ROWS] = 7  # one crowded bucket in band 0 (25 rows > crowd 20)
    crowd = 20
    expected = set()
    for band in range(match.BANDS):
        part = [tuple(r) for r in sig[:, band * match.ROWS : (band + 1) * match.ROWS]]
        buckets: dict = {}
        for i, key in enumerate(part):
            buckets.setdefault(key, []).append(i)
        for rows in buckets.values():
            if 1 < len(rows) <= crowd:
                expected.update(itertools.combinations(rows, 2))
    monkeypatch.setattr(match, "_PAIR_CHUNK", 7)  # many small chunks
    cm = match.CrossMatch()
    got = [(int(u), int(v)) for us, vs in match._lsh_candidates(sig, crowd, cm) for u, v in zip(us, vs)]
    assert len(got) == len(set(got)) == cm.candidates  # no pair twice
    assert set(got) == expected and all(u < v for u, v in got)
    assert cm.skipped_buckets >= 1


def test_run_batch_reports_stages_and_write_progress(tmp_path):
    from textcheck.render.batch_output import output_count

    src = tmp_path / "in"
    generate(src, 3, seed=4, groups=1)
    files = discover([str(src)])[0]
    stages, checked, written = [], [], []
    result = run_batch(files, Config(), progress=checked.append, stage=stages.append)
    assert stages == ["years", "match", "score"] and sum(checked) == 3
    write_outputs(result, tmp_path / "out", progress=written.append)
    assert sum(written) == output_count(result) == 5 + 3  # summary.csv, summary.xlsx, decisions.csv, findings.jsonl, index.html; 3 reports
    assert len(list((tmp_path / "out" / "reports").glob("*.html"))) == 3


def test_write_outputs_into_a_file_is_a_clear_error(tmp_path, corpus):
    from textcheck.errors import InputError

    blocker = tmp_path / "out"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(InputError, match="无法写入输出文件"):
        write_outputs(corpus["result"], blocker)
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_cli_batch_with_progress_bars(tmp_path, corpus, monkeypatch):
    from textcheck.cli import batch as cli_batch

    monkeypatch.setattr(cli_batch, "_interactive", lambda: True)
    out = tmp_path / "tty"
    res = CliRunner().invoke(app, ["batch", str(corpus["src"] / "gen"), "-o", str(out), "-j", "1"])
    assert res.exit_code == 0, res.output
    assert "共 24 个文件" in res.output and (out / "index.html").is_file()
    assert len(list((out / "reports").glob("*.html"))) == 24
