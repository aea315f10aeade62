"""Write the statutory tables in the layouts real reports use, for the table reader's tests.

A table is given as data ({row key: [cell text, ...]}, "" for an empty cell) and written as a
report section in one layout: ``tabs`` (one row per line, tab-separated, as the docx reader and
copy-paste give), ``pipes`` (Markdown with ``|---|`` rules), ``cells`` (one cell per line with a
trailing ``|``, seed 001's copy-paste artefact), ``pdf`` (PDF text: values in columns separated by
runs of tabs, labels wrapped over lines, vertical header fragments), ``fused`` (crawler text: the
whole table on one line, no separators), ``detached`` (PDF-to-Markdown: some row labels on lines
of their own, apart from their numbers), ``html`` (an HTML page with colspan/rowspan, read by the
real HTML reader); and ``requests_pdf`` draws table 三 into a real text PDF for the PDF reader. The labels are the official ones from ``corpora/tables.toml``.
"""

from __future__ import annotations

import html as _html
import io
import random

from textcheck.analysis.tables import templates

CORP = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
TITLE = {"active": "二、主动公开政府信息情况", "requests": "三、收到和处理政府信息公开申请情况",
         "review": "四、政府信息公开行政复议、行政诉讼情况"}
NOTE = "(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)"


def spec(template: str, table: str):
    return templates()[template].table(table)


def split_label(label: str) -> tuple[str, str]:
    """(group heading, row label): '（三）不予公开 1.属于国家秘密' -> ('（三）不予公开', '1.属于国家秘密')."""
    if " " in label:
        head, _, own = label.rpartition(" ")
        return head, own
    return "", label


def request_rows(template: str) -> list[str]:
    """Row keys of 三 as the template prints them (no alternative rows, no bare group rows)."""
    out = []
    for r in spec(template, "requests").groups[0].rows:
        if r.alternative or (template == "2021" and r.key == "other"):
            continue
        out.append(r.key)
    return out


def balanced_requests(template: str, rng: random.Random, zero_share: float = 0.6) -> dict[str, list[str]]:
    """A 三 table whose relations all hold (values as text)."""
    rows = request_rows(template)
    results = [k for k in rows if k not in ("new_received", "carried_in", "total", "carried_over")]

    def vec() -> list[int]:
        return [0 if rng.random() < zero_share else rng.randint(1, 30) for _ in range(6)]

    res = {k: vec() for k in results}
    total6 = [sum(res[k][i] for k in results) for i in range(6)]
    carried_in = [rng.choice([0, 0, 1, 2]) if t else 0 for t in total6]
    carried_over = [rng.randint(0, min(2, t + c)) for t, c in zip(total6, carried_in)]
    new = [t + o - c for t, o, c in zip(total6, carried_over, carried_in)]
    new = [max(0, x) for x in new]
    carried_over = [n + c - t for n, c, t in zip(new, carried_in, total6)]
    table = dict(res)
    table.update(new_received=new, carried_in=carried_in, total=total6, carried_over=carried_over)
    return {k: [str(x) for x in v] + [str(sum(v))] for k, v in table.items()}


def review_values(rng: random.Random) -> list[str]:
    out = []
    for _ in range(3):
        parts = [0 if rng.random() < 0.6 else rng.randint(1, 12) for _ in range(4)]
        out += [str(x) for x in parts] + [str(sum(parts))]
    return out


# ---------------------------------------------------------------------------------------------


def requests_text(template: str, values: dict[str, list[str]], layout: str) -> str:
    rows = [k for k in request_rows(template) if k in values]
    specs = {r.key: r for r in spec(template, "requests").groups[0].rows}
    if layout == "html":
        return _requests_html(template, rows, specs, values)
    lines = [TITLE["requests"]]
    if layout == "tabs":
        lines += [f"{NOTE}\t\t申请人情况\t\t\t\t\t\t总计", "\t\t自然人\t法人或其他组织\t\t\t\t\t",
                  "\t\t\t" + "\t".join(CORP)]
        last_head = ""
        for k in rows:
            head, own = split_label(specs[k].label)
            if k in ("new_received", "carried_in", "carried_over"):
                lines.append(f"{own}\t\t" + "\t".join(values[k]))
            elif k == "granted":
                lines.append(f"三、本年度办理结果\t{own}\t\t" + "\t".join(values[k]))
            elif head and head != last_head:
                lines.append(f"\t{head}\t{own}\t" + "\t".join(values[k]))
            elif head:
                lines.append(f"\t\t{own}\t" + "\t".join(values[k]))
            else:
                lines.append(f"\t{own}\t\t" + "\t".join(values[k]))
            last_head = head or last_head
    elif layout in ("pipes", "detached"):
        lines += ["申请人情况", NOTE, "| 自然人 | " + " | ".join(CORP) + " | 总计 |", "|---|---|---|---|---|---|---|---|"]
        detach = set(rows[3::4]) if layout == "detached" else set()
        for k in rows:
            head, own = split_label(specs[k].label)
            if k in detach:
                lines.append(own[:6])
                lines.append(own[6:] or "）")
                lines.append("| " + " | ".join(values[k]) + " |")
                lines.append("|---|---|---|---|---|---|---|")
            else:
                lines.append(f"| {own} | " + " | ".join(values[k]) + " |")
    elif layout == "cells":
        lines += [NOTE + " |", "申请人情况 |", "||||||||", "自然人 |", "法人或其他组织 |", "总 计 |", "|||||||"]
        lines += [c + " |" for c in CORP] + ["|||||"]
        last_head = ""
        for k in rows:
            head, own = split_label(specs[k].label)
            if k == "granted":
                lines.append("三、本年度办理结果 |")
            if head and head != last_head:
                lines.append(head + " |")
                last_head = head
            lines.append(own + " |")
            lines += [v + " |" for v in values[k]]
            lines.append("||")
    elif layout == "pdf":
        lines += ["申请人情况", "法人或其他组织", NOTE[:20], NOTE[20:], "自然人\t社会法律\t总计", "商业科研", "公益服务其他",
                  "企业机构", "组织机构"]
        for k in rows:
            head, own = split_label(specs[k].label)
            cells = "\t".join(values[k])
            if len(own) > 18:
                lines.append(f"\t{own[:16]}\t{cells}")
                lines.append(f"\t{own[16:]}")
            else:
                lines.append(f"{own}\t\t{cells}")
            if head and k.endswith(("_third_party", "_needs_creation", "_publication")):
                lines.append(head)
    elif layout == "fused":
        parts = [TITLE["requests"], NOTE, "申请人情况自然人法人或其他组织总计", "".join(CORP)]
        last_head = ""
        for k in rows:
            head, own = split_label(specs[k].label)
            if k == "granted":
                parts.append("三、本年度办理结果")
            if head and head != last_head:
                parts.append(head)
                last_head = head
            parts.append(own + "".join(values[k]))
        return "".join(parts) + "\n"
    else:
        raise ValueError(layout)
    return "\n".join(lines) + "\n"


def _requests_html(template: str, rows: list[str], specs, values) -> str:
    """A Word-style HTML table: colspan on the row labels, rowspan on the group headings."""
    out = [f"<p>{TITLE['requests']}</p>", "<table>",
           f'<tr><td colspan="3" rowspan="3">{_html.escape(NOTE)}</td><td colspan="7">申请人情况</td></tr>',
           '<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>',
           "<tr>" + "".join(f"<td>{c}</td>" for c in CORP) + "</tr>"]
    heads: dict[str, int] = {}
    for k in rows:
        head, _ = split_label(specs[k].label)
        if head:
            heads[head] = heads.get(head, 0) + 1
    results = [k for k in rows if k not in ("new_received", "carried_in", "carried_over")]
    seen: set[str] = set()
    for k in rows:
        head, own = split_label(specs[k].label)
        tds = "".join(f"<td>{v}</td>" if v != "" else "<td><o:p> </o:p></td>" for v in values[k])
        first = ""
        if k == results[0]:
            first = f'<td rowspan="{len(results)}">三、本年度办理结果</td>'
        if k in ("new_received", "carried_in", "carried_over"):
            out.append(f'<tr><td colspan="3">{own}</td>{tds}</tr>')
        elif head:
            cell = ""
            if head not in seen:
                cell = f'<td rowspan="{heads[head]}">{head}</td>'
                seen.add(head)
            out.append(f"<tr>{first}{cell}<td>{own}</td>{tds}</tr>")
        else:
            out.append(f'<tr>{first}<td colspan="2">{own}</td>{tds}</tr>')
    out.append("</table>")
    return "\n".join(out)


def review_text(values: list[str], layout: str) -> str:
    head1 = ["行政复议", "", "", "", "", "行政诉讼"]
    head2 = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "", "", "", "", "复议后起诉"]
    head3 = [""] * 5 + ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2
    if layout == "fused":
        return TITLE["review"] + "".join(h for h in head1 + head2 + head3 if h) + "".join(values) + "\n"
    if layout == "cells":
        cells = [h for h in head1 + head2 + head3 if h]
        return "\n".join([TITLE["review"]] + [c + " |" for c in cells] + ["|||||"] + [v + " |" for v in values]) + "\n"
    if layout in ("pipes", "detached"):
        return "\n".join([TITLE["review"], "行政复议行政诉讼", "| " + " | ".join(h for h in head3 if h) + " |",
                          "|---|" * 10, "| " + " | ".join(values) + " |"]) + "\n"
    if layout == "pdf":
        return "\n".join([TITLE["review"], "\t\t行政复议\t\t\t\t行政诉讼", "结果\t结果\t\t其他\t尚未", "总计",
                          "维持\t\t纠正\t\t结果\t\t审结", "\t\t".join(values)]) + "\n"
    return "\n".join([TITLE["review"], "\t".join(head1), "\t".join(head2), "\t".join(head3), "\t".join(values)]) + "\n"


def active_2021_text(v: dict[str, list[str]], layout: str = "tabs") -> str:
    sep = "" if layout == "fused" else "\t"
    nl = "" if layout == "fused" else "\n"
    rows = [
        "第二十条第（一）项", sep.join(["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]),
        sep.join(["规章"] + v["regulations"]), sep.join(["行政规范性文件"] + v["normative_documents"]),
        "第二十条第（五）项", sep.join(["信息内容", "本年处理决定数量"]), sep.join(["行政许可"] + v["licensing"]),
        "第二十条第（六）项", sep.join(["信息内容", "本年处理决定数量"]), sep.join(["行政处罚"] + v["punishment"]),
        sep.join(["行政强制"] + v["coercion"]),
        "第二十条第（八）项", sep.join(["信息内容", "本年收费金额（单位：万元）"]), sep.join(["行政事业性收费"] + v["fees"]),
    ]
    return TITLE["active"] + nl + nl.join(rows) + "\n"


def report(*parts: str, year: int = 2021, issuer: str = "某某县人民政府") -> str:
    """A short report around the given table sections."""
    head = (f"{issuer}{year}年政府信息公开工作年度报告\n"
            f"一、总体情况\n{year}年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》。\n")
    tail = "五、存在的主要问题及改进情况\n无。\n六、其他需要报告的事项\n本年度未收取信息处理费。\n"
    return head + "".join(parts) + tail


def requests_pdf(values: dict[str, list[str]], blank: set[tuple[str, int]] | None = None, wrap: bool = True) -> bytes:
    """Table 三 drawn as a text PDF (reportlab): labels on the left, each column's numbers at its x,
    long labels wrapped onto a second line, a two-line header; ``blank`` cells (row, column index) not drawn."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    c.setFont("STSong-Light", 9)
    y = 800
    def line(x, text):
        c.drawString(x, y, text)
    line(50, "某某县人民政府2021年政府信息公开工作年度报告"); y -= 14
    line(50, "一、总体情况"); y -= 14
    line(50, "2021年，本机关认真贯彻落实《条例》。"); y -= 14
    line(50, "三、收到和处理政府信息公开申请情况"); y -= 14
    xs = [300, 330, 360, 390, 420, 450, 480]
    line(320, "申请人情况"); y -= 12
    line(50, "(本列数据的勾稽关系为：第一项加第二项之和，等"); line(360, "法人或其他组织"); y -= 12
    line(50, "于第三项加第四项之和)"); y -= 12
    for x, h in zip(xs, ["自然人", "商业", "科研", "社会", "法律", "其他", "总计"]): line(x, h)
    y -= 12
    for x, h in zip(xs[1:5], ["企业", "机构", "公益", "服务"]): line(x, h)
    y -= 14
    specs = {r.key: r for r in spec("2021", "requests").groups[0].rows}
    for k in request_rows("2021"):
        head, own = split_label(specs[k].label)
        if wrap and len(own) > 16:
            line(70, own[:16])
        else:
            line(70, own)
        for i, (x, v) in enumerate(zip(xs, values[k])):
            if blank and (k, i) in blank:
                continue
            c.drawString(x, y, v)
        y -= 12
        if wrap and len(own) > 16:
            line(70, own[16:]); y -= 12
        if y < 80:
            c.showPage(); c.setFont("STSong-Light", 9); y = 800
    y -= 14
    line(50, "五、存在的主要问题及改进情况"); y -= 14
    line(50, "无。")
    c.showPage(); c.save()
    return buf.getvalue()
