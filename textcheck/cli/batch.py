"""``textcheck batch``: check every report under some folders and write the summary to OUTDIR."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import List, Optional

import typer

from textcheck.cli.common import FailOn, console, error, escape, fail, load_config_or_exit
from textcheck.errors import TextcheckError


def batch(
    paths: List[str] = typer.Argument(..., help="报告文件或文件夹（递归查找 .txt .docx .pdf .html .htm 等）"),
    output: Path = typer.Option(..., "--output", "-o", help="输出文件夹：summary.csv、summary.xlsx、findings.jsonl、index.html"),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", help="并行进程数（默认等于 CPU 核数）"),
    config: Optional[str] = typer.Option(None, "--config", "-c", help="配置文件（TOML；[score] 评分权重，[batch] 雷同检测参数）"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="不显示进度条和结束时的统计"),
    no_cache: bool = typer.Option(False, "--no-cache", help="不使用缓存，全部重新检查（仍会更新缓存）"),
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", help="缓存文件夹（默认 OUTDIR/.cache）"),
    fail_on: FailOn = typer.Option(FailOn.never, "--fail-on", help="任一报告有达到该级别的问题时退出码为 1（默认 never：总是 0）"),
    max_size: float = typer.Option(20.0, "--max-size", help="单个文件大小上限（MB）"),
) -> None:
    """批量检查一个或多个文件夹中的全部年度报告：逐份评分，找出不同单位之间内容雷同、相互抄袭的段落，
    结果写入输出文件夹（汇总表 CSV/Excel、问题清单 JSONL、可排序的网页总览和每份报告的详情页）。"""
    from textcheck.batch.discover import discover
    from textcheck.batch.options import batch_options
    from textcheck.batch.run import run_batch
    from textcheck.batch.score import score_weights
    from textcheck.finding import exit_code
    from textcheck.output import refuse_inputs_as_outputs
    from textcheck.render.batch_output import _SUMMARY_FILES as SUMMARY_FILES, output_count, write_outputs

    cfg = load_config_or_exit(config)
    try:
        batch_options(cfg)
        score_weights(cfg)
    except TextcheckError as exc:
        fail(str(exc))
    if jobs is not None and jobs < 1:
        fail("--jobs 至少为 1")
    n_jobs = jobs or os.cpu_count() or 1
    files, missing = discover(paths, exclude=[output])
    for m in missing:
        error(f"{m}：文件或文件夹不存在")
    if missing:
        raise typer.Exit(2)
    if not files:
        fail("没有找到可检查的报告文件（支持 .txt .docx .pdf .html .htm）")
    cache = str(cache_dir or (output / ".cache"))
    refuse_inputs_as_outputs([output / n for n in SUMMARY_FILES], files, folders=[output / "reports", cache])
    err = console(stderr=True)
    show = not quiet and _interactive()
    try:
        if show:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                          console=err, transient=True) as prog:
                task = prog.add_task("检查报告", total=len(files))
                stages: dict[str, object] = {}

                def stage(name: str) -> None:  # the previous stage is done; the next one has no count
                    for t in stages.values():
                        prog.update(t, total=1, completed=1)
                    if name != "write":
                        stages[name] = prog.add_task(_STAGE_LABEL[name], total=None)

                result = run_batch(files, cfg, jobs=n_jobs, cache_dir=cache, use_cache=not no_cache,
                                   max_bytes=int(max_size * 1024 * 1024), progress=lambda k: prog.advance(task, k),
                                   stage=stage)
                stage("write")
                written = prog.add_task(_STAGE_LABEL["write"], total=output_count(result))
                write_outputs(result, output, progress=lambda k: prog.advance(written, k))
        else:
            result = run_batch(files, cfg, jobs=n_jobs, cache_dir=cache, use_cache=not no_cache,
                               max_bytes=int(max_size * 1024 * 1024))
            write_outputs(result, output)
    except TextcheckError as exc:
        fail(str(exc))
    st = result.stats
    if not quiet:
        err.print(
            f"共 {st['files']} 个文件：年度报告 {st['reports']} 份，不是年度报告 {st['not_reports']} 个，"
            f"无法读取 {st['unreadable']} 个；本次检查 {st['checked']} 个，使用缓存 {st['cached']} 个；"
            f"雷同组 {st['copy_groups']} 个。结果已写入 {escape(str(output))}"
        )
    raise typer.Exit(exit_code(result.findings(), fail_on.value))


def _interactive() -> bool:
    """Progress bars only for a person watching a terminal, never in logs or pipes."""
    return sys.stderr.isatty()


_STAGE_LABEL = {"match": "比对各报告之间的相同段落", "score": "评分", "write": "写出汇总表、总览和详情页"}
