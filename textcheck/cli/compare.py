"""``textcheck compare OLD NEW``. Heavy imports happen inside the command, not at import time."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from textcheck.cli.common import (
    FailOn,
    check_max_size,
    console,
    effective_fail_on,
    escape,
    exit_code_for,
    fail,
    load_config_or_exit,
    write_output,
)
from textcheck.errors import TextcheckError
from textcheck.output import refuse_inputs_as_outputs
from textcheck.text import visible_path


class CompareFormat(str, Enum):
    text = "text"
    json = "json"
    html = "html"
    concise = "concise"


def compare(
    old: str = typer.Argument(..., metavar="上年报告", help="上年的报告（.txt .docx .pdf .html）"),
    new: str = typer.Argument(..., metavar="本年报告", help="本年的报告（.txt .docx .pdf .html）"),
    format: CompareFormat = typer.Option(CompareFormat.text, "--format", "-f",
                                         help="输出格式：text、json、html 或 concise（每条问题一行；默认 text）"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="输出文件", help="写入文件而不是屏幕（html 格式建议使用）"),
    config: Optional[str] = typer.Option(None, "--config", "-c", metavar="配置文件", help="配置文件（TOML；不指定时自动查找，见 README）"),
    fail_on: Optional[FailOn] = typer.Option(None, "--fail-on", help="达到该级别的问题时退出码为 1（默认 error）"),
    max_size: float = typer.Option(20.0, "--max-size", metavar="大小", callback=check_max_size, help="单个文件大小上限（MB，默认 20）"),
    select: List[str] = typer.Option([], "--select", metavar="规则或类别", help="只运行这些规则（规则编号或类别，用逗号分隔或写多次；覆盖配置文件的 select）"),
    ignore: List[str] = typer.Option([], "--ignore", metavar="规则或类别", help="不运行这些规则（规则编号或类别；优先于 --select）"),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="在标准错误上说明使用了哪个配置文件、关闭了哪些规则"),
    color: Optional[bool] = typer.Option(None, "--color/--no-color", help="彩色输出（默认仅在终端中启用）"),
) -> None:
    """对照上年和本年的年度报告：逐部分计算沿用上年文字的比例，列出照搬的段落、未更新的数字和年份。"""
    from textcheck.resources import preload_segmenter

    preload_segmenter()  # first: the segmenter loads on another core while the rest starts up
    cfg = load_config_or_exit(config, inputs=[new], select=select, ignore=ignore, verbose=verbose)
    refuse_inputs_as_outputs([output] if output is not None else [], [old, new])
    threshold = effective_fail_on(fail_on, cfg)
    from textcheck.compare import compare_paths

    try:
        result = compare_paths(old, new, cfg, max_bytes=int(max_size * 1024 * 1024))
    except TextcheckError as exc:
        fail(str(exc))
    if format is CompareFormat.json:
        from textcheck.render.json import dumps

        write_output(output, dumps(result.to_dict()), markup=False, color=color)
    elif format is CompareFormat.html:
        from textcheck.render.compare_html import render

        write_output(output, render(result), markup=False, color=color)
    elif format is CompareFormat.concise:
        from textcheck.render.concise import render_compare

        write_output(output, render_compare(result), markup=False, color=color)
    else:
        from textcheck.render.compare_text import render
        from textcheck.render.wrap import DEFAULT_WIDTH

        write_output(output, render(result, DEFAULT_WIDTH if output is not None else None), markup=True, color=color)
    if output is not None:
        console(stderr=True).print(f"已写入 {escape(visible_path(str(output)))}")
    raise typer.Exit(exit_code_for([result], threshold))
