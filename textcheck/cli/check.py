"""``textcheck check FILE...``: findings of one or more reports, as text or JSON."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from textcheck.cli.common import (
    FailOn,
    check_max_size,
    configs_per_input,
    console,
    effective_fail_on,
    escape,
    error,
    fail,
    exit_code_for,
    load_config_or_exit,
    write_output,
)
from textcheck.errors import TextcheckError
from textcheck.output import refuse_inputs_as_outputs
from textcheck.text import visible_path


class CheckFormat(str, Enum):
    text = "text"
    json = "json"
    concise = "concise"


def confirm_written(output: Optional[Path]) -> None:
    """``已写入 FILE`` on standard error after an output file was written (stdout stays the data's)."""
    if output is not None:
        console(stderr=True).print(f"已写入 {escape(visible_path(str(output)))}")


def check(
    files: List[str] = typer.Argument(..., metavar="报告文件", help="要检查的报告文件（.txt .docx .pdf .html），“-”表示标准输入"),
    format: CheckFormat = typer.Option(CheckFormat.text, "--format", "-f",
                                       help="输出格式：text、json 或 concise（每条问题一行：路径:行: 级别 规则 说明；默认 text）"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="输出文件", help="写入文件而不是屏幕"),
    config: Optional[str] = typer.Option(None, "--config", "-c", metavar="配置文件", help="配置文件（TOML；不指定时自动查找，见 README）"),
    fail_on: Optional[FailOn] = typer.Option(None, "--fail-on", help="达到该级别的问题时退出码为 1（默认 error）"),
    issuer: Optional[str] = typer.Option(None, "--issuer", metavar="名称或代码", help="指定发布机关名称或行政区划代码，覆盖自动识别"),
    max_size: float = typer.Option(20.0, "--max-size", metavar="大小", callback=check_max_size, help="单个文件大小上限（MB，默认 20）"),
    select: List[str] = typer.Option([], "--select", metavar="规则或类别", help="只运行这些规则（规则编号或类别，用逗号分隔或写多次；覆盖配置文件的 select）"),
    ignore: List[str] = typer.Option([], "--ignore", metavar="规则或类别", help="不运行这些规则（规则编号或类别；优先于 --select）"),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="在标准错误上说明使用了哪个配置文件、关闭了哪些规则"),
    color: Optional[bool] = typer.Option(None, "--color/--no-color", help="彩色输出（默认仅在终端中启用）"),
    annotate: Optional[Path] = typer.Option(None, "--annotate", metavar="批注版.docx",
                                            help="另存一份带批注的 .docx 文档（每个问题一条批注），原文件不变"),
) -> None:
    """检查一份或多份年度报告，按部分列出问题、行号、原文和修改建议。"""
    from textcheck.resources import preload_segmenter

    preload_segmenter()  # first: the segmenter loads on another core while the rest starts up
    from textcheck.engine import check_path

    # each file its own configuration (the nearest one above it), unless --config names one for all
    configs = configs_per_input(config, issuer, files, select=select, ignore=ignore, verbose=verbose)
    if annotate is not None and len(files) != 1:
        fail("--annotate 一次只能用于一份报告")
    if annotate is not None and annotate.suffix.lower() != ".docx":
        fail(f"批注版是 Word 文档，请用 .docx 作文件名：{annotate}")
    refuse_inputs_as_outputs([o for o in (output, annotate) if o is not None], files)
    results, thresholds = [], []
    for path, cfg in zip(files, configs):
        try:
            results.append(check_path(path, cfg, max_bytes=int(max_size * 1024 * 1024)))
        except TextcheckError as exc:
            error(str(exc))
            continue
        thresholds.append(effective_fail_on(fail_on, cfg))
    failed = len(files) - len(results)
    if results:
        if format is CheckFormat.json:
            from textcheck.render.json import render

            write_output(output, render(results), markup=False, color=color)
        elif format is CheckFormat.concise:
            from textcheck.render.concise import render

            write_output(output, render(results, unreadable=failed), markup=False, color=color)
        else:
            from textcheck.render.text import render
            from textcheck.render.wrap import DEFAULT_WIDTH

            # a file gets the same text whatever terminal wrote it
            width = DEFAULT_WIDTH if output is not None else None
            write_output(output, render(results, width, unreadable=failed), markup=True, color=color)
        confirm_written(output)
    if annotate is not None and results:
        from textcheck.cli.annotate import write_annotated

        write_annotated(results[0], annotate)
    if failed:
        raise typer.Exit(2)
    raise typer.Exit(max((exit_code_for([r], t) for r, t in zip(results, thresholds)), default=0))
