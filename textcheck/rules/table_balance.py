"""The statistical tables must add up (勾稽关系): the checks the official format states itself."""

from __future__ import annotations

import re

from textcheck.document import Block, BlockKind, Document
from textcheck.rules import Context, Hit, rule

_NUM = re.compile(r"^\d+(?:\.\d+)?$")
COLUMNS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")


def _table_lines(doc: Document, blocks: list[Block]) -> list[tuple[str, int]]:
    """(normalised line, line number) of every line of ``blocks``."""
    return [(doc.norm_lines[n - 1], n) for b in blocks for n in range(b.line, b.end_line + 1)]


def _cells(doc: Document, blocks: list[Block]) -> list[tuple[str, int]]:
    """Every non-empty cell of ``blocks`` in reading order, with its line number.

    Works for tab rows (one row per line) and for tables flattened one cell per line (`17 |`)."""
    out = []
    for line, n in _table_lines(doc, blocks):
        for cell in line.split("\t"):
            cell = cell.strip().strip("|").strip()
            if cell:
                out.append((cell, n))
    return out


def _row_after(cells: list[tuple[str, int]], label: str, width: int = 7) -> tuple[list[float], int] | None:
    """The ``width`` numbers that follow the first cell containing ``label``, or None if not exactly that."""
    for i, (cell, line) in enumerate(cells):
        if label in cell and not _NUM.match(cell):
            nums = []
            for c, _ in cells[i + 1 :]:
                if _NUM.match(c):
                    nums.append(float(c))
                else:
                    break
            return (nums, line) if len(nums) == width else None
    return None


def _result_rows(cells: list[tuple[str, int]]) -> list[list[float]] | None:
    """Rows between 三、本年度办理结果 and (七)总计, each exactly 7 numbers, or None if unsure."""
    start = next((i for i, (c, _) in enumerate(cells) if "本年度办理结果" in c), None)
    end = next((i for i, (c, _) in enumerate(cells) if "总计" in c and i > (start or 0) and not _NUM.match(c)
                and re.search(r"[(（]七[)）]|^总计$", c)), None)
    if start is None or end is None:
        return None
    rows, run = [], []
    for c, _ in cells[start + 1 : end]:
        if _NUM.match(c):
            run.append(float(c))
        elif run:
            rows.append(run)
            run = []
    if run:
        rows.append(run)
    if not rows or any(len(r) != 7 for r in rows):
        return None
    return rows


def _fmt(x: float) -> str:
    return str(int(x)) if x == int(x) else f"{x:g}"


@rule(
    "table-balance",
    severity="error",
    summary="统计表数据不符合勾稽关系（第一项加第二项应等于第三项加第四项，总计应等于各项之和）",
    category="tables",
)
def table_balance(doc: Document, ctx: Context):
    """What：检查“收到和处理政府信息公开申请情况”表：每行的总计等于自然人与五类法人或其他组织之和；
    每一列“本年新收 + 上年结转 = 本年度办理结果总计 + 结转下年度继续办理”；办理结果各项之和等于（七）总计。
    以及“行政复议、行政诉讼情况”表中每组的总计等于各项结果之和。表格读不完整（缺格、错位）时不作判断。

    Why：规定要求“特别注意数据项的勾稽关系，确保无错误”，数据对不上是常见扣分项。

    Example：本年新收 17、上年结转 2，但办理结果总计只填了 18、结转下年度 0 → 报错。
    """
    tables = [b for b in doc.blocks if b.kind is BlockKind.TABLE and b.section == "requests"]
    cells = _cells(doc, tables)
    rows = {
        "new": _row_after(cells, "本年新收"),
        "carry_in": _row_after(cells, "上年结转"),
        "total": None,
        "carry_out": _row_after(cells, "结转下年度"),
    }
    # the (七)总计 row of the results block (the header also says 总计, so look after 办理结果)
    start = next((i for i, (c, _) in enumerate(cells) if "本年度办理结果" in c), None)
    if start is not None:
        rows["total"] = _row_after(cells[start:], "总计")
    labels = {"new": "本年新收政府信息公开申请数量", "carry_in": "上年结转政府信息公开申请数量",
              "total": "本年度办理结果（七）总计", "carry_out": "结转下年度继续办理"}
    for key, found in rows.items():
        if found is None:
            continue
        nums, line = found
        if abs(sum(nums[:6]) - nums[6]) > 1e-9:
            yield Hit(
                message=f"“{labels[key]}”一行的总计为 {_fmt(nums[6])}，但自然人与各类法人或其他组织之和为 {_fmt(sum(nums[:6]))}",
                suggestion="核对这一行各栏数据，使“总计”等于前六栏之和。",
                line=line,
                end_line=line,
                section="requests",
                evidence={"row": [_fmt(x) for x in nums]},
            )
    if all(rows[k] is not None for k in labels):
        new, cin, tot, cout = (rows[k][0] for k in ("new", "carry_in", "total", "carry_out"))
        for col, name in enumerate(COLUMNS):
            left, right = new[col] + cin[col], tot[col] + cout[col]
            if abs(left - right) > 1e-9:
                yield Hit(
                    message=(f"“{name}”一栏不符合勾稽关系：本年新收 {_fmt(new[col])} + 上年结转 {_fmt(cin[col])} = {_fmt(left)}，"
                             f"但办理结果总计 {_fmt(tot[col])} + 结转下年度 {_fmt(cout[col])} = {_fmt(right)}"),
                    suggestion="核对申请数量和办理结果，使第一项加第二项之和等于第三项加第四项之和。",
                    line=rows["total"][1],
                    end_line=rows["total"][1],
                    section="requests",
                    evidence={"column": name, "left": left, "right": right},
                )
        results = _result_rows(cells)
        if results is not None:
            sums = [sum(r[c] for r in results) for c in range(7)]
            for col, name in enumerate(COLUMNS):
                if abs(sums[col] - tot[col]) > 1e-9:
                    yield Hit(
                        message=f"“{name}”一栏办理结果各项之和为 {_fmt(sums[col])}，与（七）总计 {_fmt(tot[col])} 不一致",
                        suggestion="核对（一）至（六）各项办理结果，使其之和等于（七）总计。",
                        line=rows["total"][1],
                        end_line=rows["total"][1],
                        section="requests",
                        evidence={"column": name, "sum": sums[col], "total": tot[col]},
                    )
    review = [b for b in doc.blocks if b.kind is BlockKind.TABLE and b.section == "review"]
    for line, n in _table_lines(doc, review):
        nums_txt = [c.strip().strip("|").strip() for c in line.split("\t")]
        if len(nums_txt) == 15 and all(_NUM.match(c) for c in nums_txt):
            nums = [float(c) for c in nums_txt]
            for g, name in enumerate(("行政复议", "未经复议直接起诉", "复议后起诉")):
                part = nums[g * 5 : g * 5 + 5]
                if abs(sum(part[:4]) - part[4]) > 1e-9:
                    yield Hit(
                        message=f"“{name}”的总计为 {_fmt(part[4])}，但各项结果之和为 {_fmt(sum(part[:4]))}",
                        suggestion="核对结果维持、结果纠正、其他结果、尚未审结四栏，使总计等于其和。",
                        line=n,
                        end_line=n,
                        section="review",
                        evidence={"group": name, "row": [_fmt(x) for x in part]},
                    )
