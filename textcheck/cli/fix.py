"""``textcheck fix 报告 -o 修改后``: the safe mechanical fixes of the findings, applied to a copy."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from textcheck.cli.common import (
    FailOn,
    check_max_size,
    console,
    effective_fail_on,
    error,
    escape,
    exit_code_for,
    expand_rules,
    fail,
    load_config_or_exit,
)
from textcheck.errors import TextcheckError


def fix(
    file: str = typer.Argument(..., metavar="报告文件", help="要修改的报告（.txt 或 .docx）；原文件不会被改动"),
    output: Path = typer.Option(..., "--output", "-o", metavar="输出文件", help="修改后的副本写到这里（不能是原文件）"),
    select: List[str] = typer.Option([], "--select", metavar="规则或类别",
                                     help="只应用这些规则的修改（规则编号或类别，用逗号分隔或写多次）；点名的规则中需要人工确认的修改也会应用"),
    config: Optional[str] = typer.Option(None, "--config", "-c", metavar="配置文件", help="配置文件（TOML）"),
    fail_on: Optional[FailOn] = typer.Option(None, "--fail-on", help="修改后的副本仍有达到该级别的问题时退出码为 1（默认 error）"),
    issuer: Optional[str] = typer.Option(None, "--issuer", metavar="名称或代码", help="指定发布机关名称或行政区划代码，覆盖自动识别"),
    max_size: float = typer.Option(20.0, "--max-size", metavar="大小", callback=check_max_size, help="文件大小上限（MB，默认 20）"),
    diff: bool = typer.Option(True, "--diff/--no-diff", help="先显示修改前后文字的差异"),
) -> None:
    """应用能机械完成、结果确定的修改（删除重复的标题和整段粘贴的内容、把其他单位名称改为本机关名称、改正统计期限年份），
    写出一份修改后的副本，并先显示差异。原文件不变；修改后的副本会重新检查，退出码与 check 相同。"""
    from textcheck.resources import preload_segmenter

    preload_segmenter()  # first: the segmenter loads on another core while the rest starts up
    from textcheck.engine import check_path
    from textcheck.output import atomic_write_bytes, refuse_inputs_as_outputs
    from textcheck.readers import DEFAULT_MAX_BYTES
    from textcheck.render import fix_apply

    cfg = load_config_or_exit(config, issuer, inputs=[file])
    if file == "-":
        fail("fix 需要一个文件作为输入（不能是标准输入），修改后的副本写到 -o 指定的文件")
    refuse_inputs_as_outputs([output], [file])
    names = None
    wanted = [x.strip() for v in select for x in v.split(",") if x.strip()]
    if wanted:
        try:
            names = sorted(expand_rules(wanted, where="--select"))
        except TextcheckError as exc:
            fail(str(exc))
    threshold = effective_fail_on(fail_on, cfg)
    max_bytes = int(max_size * 1024 * 1024) or DEFAULT_MAX_BYTES
    try:
        result = check_path(file, cfg, max_bytes=max_bytes)
        doc = result.document
        fix_apply.refuse_format(doc)
        if (doc.source.format == "docx") != (output.suffix.lower() == ".docx"):
            kind = ".docx" if doc.source.format == "docx" else "文本文件（如 .txt）"
            fail(f"修改后的副本与原文件格式相同，输出文件名应为{kind}：{output}")
        plan = fix_apply.plan(doc, fix_apply.chosen(result.findings, names))
        if doc.source.format == "docx":
            data, failed = fix_apply.fix_docx(doc, plan.edits, Path(file).read_bytes())
            for e in failed:
                plan.skipped.append((next(f for f in plan.applied if f.rule == e.rule), "Word 文档中这一处无法自动修改（表格或自动编号）"))
        else:
            data, _text = fix_apply.fix_text(doc, plan.edits)
        atomic_write_bytes(output, data)
        fixed = check_path(str(output), cfg, max_bytes=max(max_bytes, len(data) + 1))
    except TextcheckError as exc:
        error(str(exc))
        raise typer.Exit(exc.exit_code)
    except OSError as exc:
        fail(f"无法读取或写入文件：{exc.strerror or exc}")
    if diff:
        sys.stdout.write(fix_apply.unified_diff(doc.source.text, fixed.document.source.text, file, str(output)))
        sys.stdout.flush()
    err = console(stderr=True)
    for f in plan.applied:
        if all(f is not g for g, _ in plan.skipped):
            err.print(f"已修改 {escape('[' + f.rule + ']')} {escape(f.fix.description)}")
    for f, why in plan.skipped:
        err.print(f"未修改 {escape('[' + f.rule + ']')} {escape(f.fix.description)}：{escape(why)}")
    left = [f for f in result.findings if f.fix is None or f not in plan.applied]
    waiting = [f for f in left if f.fix is not None and not f.fix.safe and names is None]
    if waiting:
        rules = "、".join(dict.fromkeys(f.rule for f in waiting))
        err.print(f"另有 {len(waiting)} 处修改需要人工确认，未应用（{escape(rules)}；确认后可用 --select 点名应用）")
    from textcheck.finding import count_by_severity

    counts = count_by_severity(fixed.findings)
    err.print(f"已写入 {escape(str(output))}：应用 {len(plan.applied) - len({id(g) for g, _ in plan.skipped if g in plan.applied})} 项修改；"
              f"修改后仍有 错误 {counts['error']}，警告 {counts['warning']}，提示 {counts['info']}（textcheck check {escape(str(output))} 查看）")
    raise typer.Exit(exit_code_for([fixed], threshold))
