"""The table reader: the three statutory tables read into named cells from every real layout.

Fixtures are written by ``tablegen`` in each layout real reports use (tab rows, Markdown pipes
with ``|---|`` rules, one cell per line, PDF text columns, crawler text with every cell run
together, labels standing apart from their numbers, Word-style HTML through the real HTML
reader), in the 2017, 2019 and 2021 templates; then the seeds; then, when ``../shared/corpus``
is present, every full report against the figures its manifest gives
(``tests/corpus/tables_expected.toml``).
"""

from __future__ import annotations

import json
import random
from decimal import Decimal
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tablegen as tg
from support import seed_text
from textcheck.analysis.tables import checks, read_tables
from textcheck.parse import parse, parse_text
from textcheck.readers import read_bytes, read_path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "full"
EXPECTED = Path(__file__).parent / "corpus" / "tables_expected.toml"
LAYOUTS = ("tabs", "pipes", "cells", "pdf", "fused", "detached", "html")


def read_text(text: str, year: int | None = 2021):
    doc = parse_text(text)
    secs = {s.key: (s.line, s.end_line) for s in doc.sections}
    return read_tables(doc.lines, doc.norm_lines, year, secs)


OVERVIEW = "<p>一、总体情况</p><p>" + "本机关认真贯彻落实《中华人民共和国政府信息公开条例》，主动公开政府信息，依法办理政府信息公开申请。" * 12 + "</p>"


def read_html(body: str, year: int | None = 2021):
    page = f"<html><body><div>{OVERVIEW}{body}<p>五、存在的主要问题及改进情况</p><p>无。</p></div></body></html>"
    doc = parse(read_bytes(page.encode("utf-8"), path="t.html"))
    return read_tables(doc.lines, doc.norm_lines, year)


def read_file(path: Path, year: int | None):
    doc = parse(read_path(path))
    secs = {s.key: (s.line, s.end_line) for s in doc.sections}
    return read_tables(doc.lines, doc.norm_lines, year, secs)


def cells_of(table) -> dict[str, list[str]]:
    return {r.key: [c.text for c in r.cells] for r in table.rows if r.cells}


def build(template: str, layout: str, seed: int):
    rng = random.Random(seed)
    values = tg.balanced_requests(template, rng)
    review = tg.review_values(rng)
    year = int(template)
    if layout == "html":
        body = tg.requests_text(template, values, "html").replace("\n", "")
        tables = read_html(body, year)
        return values, review, tables
    text = tg.report(tg.requests_text(template, values, layout), tg.review_text(review, layout), year=year)
    return values, review, read_text(text, year)


# ---------------------------------------------------------------------------------------------
# every layout, both current templates


@pytest.mark.parametrize("template", ["2019", "2021"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_reads_requests_table_in_every_layout(template, layout):
    for seed in range(8):
        values, review, tables = build(template, layout, seed)
        assert tables.template == template
        req = tables.get("requests")
        got = cells_of(req)
        for key, want in values.items():
            if key in got:
                assert got[key] == want, (layout, seed, key)
            else:  # only run-together digits may stay unread, and then the reader says why
                assert layout == "fused" and any(p.row == key for p in req.problems), (layout, seed, key)
        if layout != "fused":
            assert set(got) == set(values), (layout, seed)
        if layout != "html":
            rev = tables.get("review")
            flat = [c.text for r in rev.rows for c in r.cells]
            assert flat == review or (layout == "fused" and not flat and rev.problems), (layout, seed)


def test_reads_lines_as_laid_out_with_cell_lines():
    values, _, tables = build("2021", "tabs", 3)
    req = tables.get("requests")
    row = req.row("new_received")
    assert row.written.endswith("本年新收政府信息公开申请数量")
    assert all(c.line == row.line and c.inferred == "" for c in row.cells)
    assert [c.column for c in row.cells] == ["natural_person", "commercial_enterprise", "research_institution",
                                            "public_interest_org", "legal_service_org", "other_org", "total"]
    assert req.layout == "rows"


def test_layout_names():
    assert build("2021", "cells", 1)[2].get("requests").layout == "cells"
    assert build("2021", "fused", 1)[2].get("requests").layout == "run-together"
    assert build("2021", "pipes", 1)[2].get("requests").layout == "rows"


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), zero=st.floats(0.0, 0.95), layout=st.sampled_from(LAYOUTS))
def test_a_read_cell_is_never_wrong(seed, zero, layout):
    rng = random.Random(seed)
    values = tg.balanced_requests("2021", rng, zero_share=zero)
    # unbalance one cell in half of the cases: the reader must still never invent a value
    if seed % 2:
        key = rng.choice(list(values))
        col = rng.randrange(7)
        values[key][col] = str(int(values[key][col]) + rng.randint(1, 9))
    if layout == "html":
        tables = read_html(tg.requests_text("2021", values, "html").replace("\n", ""))
    else:
        tables = read_text(tg.report(tg.requests_text("2021", values, layout)))
    for row in tables.get("requests").rows:
        for c in row.cells:
            if c.inferred == "split":
                continue  # cut by the row's sum: right when the row balances (checked below)
            assert c.text == values[row.key][[x.column for x in row.cells].index(c.column)]
        if row.cells and row.cells[0].inferred == "split":
            v = values[row.key]
            if int(v[6]) == sum(int(x) for x in v[:6]):
                assert [c.text for c in row.cells] == v


# ---------------------------------------------------------------------------------------------
# what cannot be read exactly is said, not guessed


def test_run_together_digits_with_several_cuts_are_unreadable():
    text = tg.report(tg.TITLE["active"] + "第二十条第(一)项信息内容本年制发件数本年废止件数现行有效件数"
                     "规章000行政规范性文件693665第二十条第(五)项信息内容本年处理决定数量行政许可2293\n")
    act = read_text(text).get("active")
    assert [c.text for c in act.row("regulations").cells] == ["0", "0", "0"]
    assert act.row("normative_documents") is None or not act.row("normative_documents").cells
    (p,) = [p for p in act.problems if p.row == "normative_documents"]
    assert "可拆成" in p.reason and "无法确定" in p.reason and p.line == 4
    assert act.cell("licensing", "decisions").text == "2293"


def test_run_together_row_that_cannot_add_up_is_reported():
    # 7 + 0 + 0 + 0 + 0 + 0 = 7 but written 8: no cut of "7000008" satisfies 总计 = sum
    values = tg.balanced_requests("2021", random.Random(5))
    values["granted"] = ["7", "0", "0", "0", "0", "0", "8"]
    values["partly_granted"] = ["12", "0", "0", "0", "0", "0", "1"]  # 1200000 1 -> no valid cut adds up
    req = read_text(tg.report(tg.requests_text("2021", values, "fused"))).get("requests")
    # "7000008": one digit per cell, so it reads exactly (and the row relation will fail)
    assert [c.text for c in req.row("granted").cells] == values["granted"]
    assert {c.inferred for c in req.row("granted").cells} == {"digits"}
    bad = [p for p in req.problems if p.row == "partly_granted"]
    assert bad and bad[0].kind == "unbalanced_digits" and "无论怎样拆分" in bad[0].reason
    assert not req.row("partly_granted").cells


def test_tab_row_short_of_a_cell_is_unreadable():
    values = tg.balanced_requests("2021", random.Random(2))
    text = tg.report(tg.requests_text("2021", values, "tabs"))
    want = "\t".join(values["unable_not_held"])
    req = read_text(text.replace(want, "\t".join(values["unable_not_held"][:6]))).get("requests")
    assert not req.row("unable_not_held").cells
    (p,) = [p for p in req.problems if p.row == "unable_not_held"]
    assert "有 6 个数，应有 7 个" in p.reason
    # an empty cell written where 总计 belongs (label + exactly seven cells) is a blank cell
    req = read_text(text.replace(want, "\t".join(values["unable_not_held"][:6]) + "\t")).get("requests")
    assert req.cell("unable_not_held", "total").status == "blank"
    assert req.cell("unable_not_held", "other_org").text == values["unable_not_held"][5]


def test_html_blank_cells_are_placed_by_the_header():
    values = tg.balanced_requests("2021", random.Random(4), zero_share=1.0)
    values = {k: [v[0]] + [""] * 5 + [v[6]] for k, v in values.items()}
    values["new_received"] = ["26", "", "", "", "", "", "26"]
    values["granted"] = ["26", "", "", "", "", "", "26"]
    values["total"] = ["26", "", "", "", "", "", "26"]
    req = read_html(tg.requests_text("2021", values, "html").replace("\n", "")).get("requests")
    row = req.row("new_received")
    assert [c.status for c in row.cells] == ["number"] + ["blank"] * 5 + ["number"]
    assert {c.inferred for c in row.cells[1:6]} == {"position"}
    assert row.cell("total").value == 26


def test_pipe_row_with_an_empty_cell_keeps_the_blank():
    values = tg.balanced_requests("2021", random.Random(6))
    values["carried_over"][6] = ""
    text = tg.report(tg.requests_text("2021", values, "pipes"))
    cell = read_text(text).get("requests").cell("carried_over", "total")
    assert cell.status == "blank" and cell.text == ""


def test_detached_labels_are_placed_by_order_only_when_counts_match():
    values, _, tables = build("2021", "detached", 7)
    req = tables.get("requests")
    placed = [r for r in req.rows if r.cells and r.cells[0].inferred == "order"]
    assert placed and all(cells_of(req)[r.key] == values[r.key] for r in placed)
    # one extra line of numbers between two read rows: the counts no longer match -> said, not placed
    text = tg.report(tg.requests_text("2021", values, "detached"))
    lines = text.split("\n")
    i = next(i for i, ln in enumerate(lines) if ln.startswith("| ") and ln.count("|") == 8 and "属于" not in ln
             and not any(ch for ch in ln if "\u4e00" <= ch <= "\u9fff"))
    lines.insert(i + 1, "| 9 | 0 | 0 | 0 | 0 | 0 | 9 |")
    req2 = read_text("\n".join(lines)).get("requests")
    assert any("无法按表格顺序确定" in p.reason for p in req2.problems)
    assert all(r.cells[0].text != "9" for r in req2.rows if r.cells)


def test_table_not_found_is_a_problem():
    tables = read_text(tg.report(tg.requests_text("2021", tg.balanced_requests("2021", random.Random(1)), "tabs")))
    assert tables.get("active") is None
    assert any(p.table == "active" and p.kind == "missing" for p in tables.problems)
    assert read_text("一、总体情况\n本年度无。\n").template is None


# ---------------------------------------------------------------------------------------------
# templates


def test_template_chosen_by_labels_and_expected_by_year():
    active_2019 = (tg.TITLE["active"] + "\n第二十条第（一）项\n信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量\n"
                   "规章\t0\t0\t4\n规范性文件\t6\t6\t40\n第二十条第（五）项\n信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n"
                   "行政许可\t12\t-3\t30\n其他对外管理服务事项\t0\t0\t0\n")
    values = tg.balanced_requests("2019", random.Random(3))
    tables = read_text(tg.report(active_2019, tg.requests_text("2019", values, "tabs"), year=2022), 2022)
    assert (tables.template, tables.expected) == ("2019", "2021")
    act = tables.get("active")
    assert act.cell("normative_documents", "published_total").value == 40
    assert act.cell("licensing", "change").value == -3
    tables = read_text(tg.report(tg.requests_text("2021", tg.balanced_requests("2021", random.Random(3)), "tabs"),
                                 year=2020), 2020)
    assert (tables.template, tables.expected) == ("2021", "2019")


def test_2021_requests_with_the_old_single_other_row():
    values = tg.balanced_requests("2019", random.Random(8))  # (六)其他处理 as one row
    req = read_text(tg.report(tg.requests_text("2019", values, "tabs")), 2021).get("requests")
    assert set(cells_of(req)) == set(values)


@pytest.mark.parametrize("layout", ["tabs", "fused"])
def test_2017_statistical_table(layout):
    rows = [("主动公开信息数", "条", "1853", "5395"), ("其中：1.网站公开", "条", "1713", "5017"),
            ("2.政府公报公开", "条", "0", "7"), ("受理依申请公开信息总数", "条", "7", "28"),
            ("其中：1.当面申请数", "条", "0", "18"), ("2.传真申请数", "条", "0", "0"), ("3.电子邮件申请数", "条", "3", "6"),
            ("4.网上申请数", "条", "4", "4"), ("5.信函申请数", "条", "0", "0"), ("6.其它形式申请数", "条", "0", "0"),
            ("对申请的答复数", "条", "3", "24"), ("其中：1.同意公开答复数", "条", "2", "19"),
            ("2.同意部分公开答复数", "条", "1", "3"), ("3.否决公开答复数", "条", "0", "2"), ("行政复议数", "条", "0", "0"),
            ("行政诉讼数", "条", "0", "0"), ("行政申诉数", "条", "0", "0")]
    if layout == "tabs":
        body = "指标名称\t计量单位\t2013年度\t历年累计\n" + "\n".join("\t".join(r) for r in rows) + "\n"
    else:
        body = "指标名称计量单位2013年度历年累计" + "".join("".join(r) for r in rows) + "\n"
    text = ("某县人民政府2013年政府信息公开工作年度报告\n一、概述\n2013年，本县……\n"
            "附件1：某县人民政府2013年政府信息公开情况统计表\n" + body)
    tables = read_text(text, 2013)
    assert (tables.template, tables.expected) == ("2017", "2017")
    req = tables.get("requests")
    assert [c.text for c in req.row("received").cells] == ["7", "28"]
    assert [c.text for c in req.row("in_person").cells] == ["0", "18"]
    assert [c.text for c in req.row("granted").cells] == ["2", "19"]
    assert tables.get("review").cell("administrative_review", "annual").value == 0
    act = tables.get("active")
    if layout == "tabs":
        assert [c.text for c in act.row("proactive_total").cells] == ["1853", "5395"]
    else:  # 18535395: 1/8535395, 18/535395, 185/35395, 1853/5395 all have 本年度 <= 历年累计
        assert any(p.row == "proactive_total" and "可拆成" in p.reason for p in act.problems)


# ---------------------------------------------------------------------------------------------
# relations


def test_checks_find_the_broken_relations_and_only_those():
    values = tg.balanced_requests("2021", random.Random(11))
    req = read_text(tg.report(tg.requests_text("2021", values, "tabs"))).get("requests")
    assert all(c.holds for c in checks(req))
    values["carried_in"][0] = str(int(values["carried_in"][0]) + 1)  # breaks its row total and column balance
    req = read_text(tg.report(tg.requests_text("2021", values, "tabs"))).get("requests")
    failed = sorted((c.relation.kind, c.scope) for c in checks(req) if c.holds is False)
    assert failed == [("balance", "natural_person"), ("sum", "carried_in")]


def test_to_dict_is_plain_json_and_deterministic():
    _, _, tables = build("2021", "html", 2)
    a = json.dumps(tables.to_dict(), ensure_ascii=False, sort_keys=True)
    b = json.dumps(build("2021", "html", 2)[2].to_dict(), ensure_ascii=False, sort_keys=True)
    assert a == b
    d = json.loads(a)
    assert d["template"] == "2021" and d["tables"][0]["rows"][0]["cells"][0]["line"]


# ---------------------------------------------------------------------------------------------
# the seeds


def read_seed(num: str, year: int):
    return read_text(seed_text(num), year)


def test_seed_001_one_cell_per_line_2019_template():
    t = read_seed("001", 2020)
    assert (t.template, t.expected) == ("2019", "2019")
    req = t.get("requests")
    assert req.layout == "cells"
    assert [c.text for c in req.row("new_received").cells] == ["17", "0", "0", "0", "0", "0", "17"]
    assert req.cell("total", "total").value == 19 and req.cell("carried_in", "total").value == 2
    assert req.cell("new_received", "natural_person").line == 95
    assert all(c.holds for c in checks(req))
    act = t.get("active")
    assert [c.text for c in act.row("normative_documents").cells] == ["67", "67", "348"]
    assert [c.value for r in t.get("review").rows for c in r.cells] == [0] * 15


def test_seed_003_tab_rows_with_a_broken_row():
    t = read_seed("003", 2021)
    req = t.get("requests")
    assert t.template == "2021" and req.layout == "rows"
    (p,) = req.problems
    assert p.row == "unable_not_held" and p.line == 91 and "有 6 个数" in p.reason
    assert len([r for r in req.rows if r.cells]) == 24  # 26 rows less (六) as a heading and the broken one


def test_seed_004_pdf_text_tab_rows():
    t = read_seed("004", 2021)
    req = t.get("requests")
    assert req.cell("new_received", "total").value == 6 and req.cell("rejected_repeat", "total").value == 3
    assert req.cell("total", "natural_person").line == 93
    assert all(c.holds for c in checks(req))
    assert [c.text for c in t.get("active").row("normative_documents").cells] == ["7", "49", "182"]


# ---------------------------------------------------------------------------------------------
# the development corpus


def _expected():
    return tomllib.loads(EXPECTED.read_text(encoding="utf-8"))["files"]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not present")
@pytest.mark.parametrize("name", sorted(_expected()))
def test_corpus_tables_match_the_manifest(name):
    want = _expected()[name]
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    year = next(f["report_year"] for f in manifest["files"] if f["file"] == name)
    tables = read_file(CORPUS / name, year)
    assert tables.template == want["template"]
    for path, value in want.get("cells", {}).items():
        table, row, col = path.split(".")
        cell = tables.get(table).cell(row, col)
        assert cell is not None, path
        if value == "blank":
            assert cell.status == "blank", path
        else:
            assert cell.status == "number" and float(cell.value) == float(value), (path, cell)
    failing = sorted(f"{c.table}.{c.scope}" for t in tables.tables if t.key != "active"
                     for c in checks(t) if c.holds is False)
    assert failing == sorted(want.get("failing", [])), name
    for path in want.get("unreadable", []):
        table, row = path.split(".")
        t = tables.get(table)
        assert t.row(row) is None or not t.row(row).cells, path
        assert any(p.row == row for p in t.problems), path


# ---------------------------------------------------------------------------------------------
# table 二, and numbers in the text around the tables


ACTIVE = {"regulations": ["0", "0", "1"], "normative_documents": ["7", "49", "182"], "licensing": ["550"],
          "punishment": ["4119"], "coercion": ["195"], "fees": ["7730.28"]}


@pytest.mark.parametrize("layout", ["tabs", "fused"])
def test_active_table_2021(layout):
    act = read_text(tg.report(tg.active_2021_text(ACTIVE, layout))).get("active")
    got = {r.key: [c.text for c in r.cells] for r in act.rows if r.cells}
    if layout == "fused":  # 749182 cut in three has many readings; 001 only one
        assert "normative_documents" not in got
        assert any(p.row == "normative_documents" and "可拆成" in p.reason for p in act.problems)
        got["normative_documents"] = ACTIVE["normative_documents"]
    assert got == ACTIVE
    fee = act.cell("fees", "amount")
    assert fee.value == Decimal("7730.28") and fee.decimals == 2
    assert [c.column for c in act.row("regulations").cells] == ["issued", "repealed", "in_force"]


def test_fee_written_with_its_unit():
    act = read_text(tg.report(tg.active_2021_text(dict(ACTIVE, fees=["0.5元"])))).get("active")
    fee = act.cell("fees", "amount")
    assert (fee.text, fee.unit, fee.status) == ("0.5", "元", "number")


def test_numbers_in_the_text_near_a_table_are_not_read_as_its_rows():
    values = tg.balanced_requests("2021", random.Random(9))
    requests = tg.requests_text("2021", values, "tabs").replace(
        tg.TITLE["requests"] + "\n",
        tg.TITLE["requests"] + "\n本年新收政府信息公开申请99件，上年结转政府信息公开申请3件。\n")
    active = tg.active_2021_text(ACTIVE).replace(tg.TITLE["active"] + "\n",
                                                 tg.TITLE["active"] + "\n全年办理行政许可88件，行政处罚7件。\n")
    tables = read_text(tg.report(active, requests))
    assert cells_of(tables.get("requests")) == values
    assert tables.get("active").cell("licensing", "decisions").text == "550"
    assert tables.get("active").cell("punishment", "decisions").text == "4119"


def test_a_section_written_as_prose_is_narrative_not_a_broken_table():
    text = tg.report(tg.TITLE["requests"] + "\n本年新收申请4件（自然人3件，商业企业1件），上年结转0件；予以公开2件，"
                     "部分公开1件，无法提供1件；结转下年度继续办理0件。\n", tg.TITLE["review"] +
                     "\n行政复议：结果维持0，结果纠正0，其他结果0，尚未审结0，总计0；行政诉讼：未经复议直接起诉0，复议后起诉0。\n")
    tables = read_text(text)
    for key in ("requests", "review"):
        t = tables.get(key)
        assert t.layout == "narrative" and not t.rows
        assert [p.kind for p in t.problems] == ["narrative"]


def test_pdf_text_with_spaces_and_a_label_apart_from_its_numbers():
    values = tg.balanced_requests("2021", random.Random(12))
    lines = [tg.TITLE["requests"], tg.NOTE + "申请人情况", "自然人法人或其他组织总计", "商业企业科研机构社会公益组织法律服务机构其他"]
    specs = {r.key: r for r in tg.spec("2021", "requests").groups[0].rows}
    for k in tg.request_rows("2021"):
        own = tg.split_label(specs[k].label)[1]
        if k in ("partly_granted", "unable_not_held"):  # label on its line, numbers on the next
            lines += [own, " ".join(values[k])]
        else:
            lines.append(own + " ".join(values[k]))
        if k == "denied_prohibited_by_law":  # a page break repeats the header
            lines += ["", "— 3 —", "", tg.NOTE + "申请人情况", "自然人法人或其他组织总计"]
    req = read_text(tg.report("\n".join(lines) + "\n")).get("requests")
    assert cells_of(req) == values
    assert {c.inferred for c in req.row("unable_not_held").cells} == {"order"}
    assert not [p for p in req.problems if p.kind != "ignored"]


# ---------------------------------------------------------------------------------------------
# through the real readers


def test_pdf_table_columns_with_a_blank_cell_and_wrapped_labels():
    values = tg.balanced_requests("2021", random.Random(3))
    data = tg.requests_pdf(values, blank={("granted", 1)})
    doc = parse(read_bytes(data, path="t.pdf"))
    req = read_tables(doc.lines, doc.norm_lines, 2021).get("requests")
    want = dict(values, granted=[v if i != 1 else "" for i, v in enumerate(values["granted"])])
    assert cells_of(req) == want
    blank = req.cell("granted", "commercial_enterprise")
    assert blank.status == "blank" and blank.inferred == "position"


def test_html_page_that_is_only_a_table_is_read_as_rows():
    values = tg.balanced_requests("2021", random.Random(4))
    body = tg.requests_text("2021", values, "html").replace("\n", "")
    doc = parse(read_bytes(f"<html><body>{body}</body></html>".encode("utf-8"), path="t.html"))
    assert "\t" in doc.norm_lines[4]  # the table's rows, not one cell per line
    assert cells_of(read_tables(doc.lines, doc.norm_lines, 2021).get("requests")) == values


def test_segs_between_is_every_cell_overlapping_the_range():
    # TableText.segs_between finds its cells by bisection; the definition is a filter over every cell
    from textcheck.analysis._table_text import TableText

    rng = random.Random(7)
    for num in ("000", "001", "002", "003", "004"):
        doc = parse_text(seed_text(num))
        tt = TableText(doc.lines, doc.norm_lines)
        assert all(a.start < b.start for a, b in zip(tt.segs, tt.segs[1:]))
        n = len(tt.text)
        ranges = [(0, n), (0, 0), (n, n)] + [tuple(sorted(rng.randrange(n + 1) for _ in range(2))) for _ in range(300)]
        ranges += [(s.start, s.end) for s in tt.segs[:200]] + [(s.end, s.end + 1) for s in tt.segs[:200]]
        for a, b in ranges:
            want = [s for s in tt.segs if s.start < b and (s.end > a or (s.start == s.end and s.start >= a))]
            assert tt.segs_between(a, b) == want
