"""``textcheck batch``: check every report under some folders and write the summary to OUTDIR."""

from __future__ import annotations

import os

from textcheck.text import visible_path
import sys
from pathlib import Path
from typing import List, Optional

import typer

from textcheck.cli.common import FailOn, check_max_size, console, error, escape, fail, load_config_or_exit
from textcheck.errors import TextcheckError


def batch(
    paths: List[str] = typer.Argument(..., metavar="文件或文件夹", help="报告文件或文件夹（递归查找 .txt .docx .pdf .html .htm 等）"),
    output: Path = typer.Option(..., "--output", "-o", metavar="输出文件夹", help="输出文件夹：summary.csv、summary.xlsx、findings.jsonl、index.html"),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", metavar="进程数", help="并行进程数（默认等于 CPU 核数）"),
    config: Optional[str] = typer.Option(None, "--config", "-c", metavar="配置文件", help="配置文件（TOML；[score] 评分权重，[batch] 雷同检测参数）"),
    select: List[str] = typer.Option([], "--select", metavar="规则或类别", help="只运行这些规则（规则编号或类别，用逗号分隔或写多次；覆盖配置文件的 select）"),
    ignore: List[str] = typer.Option([], "--ignore", metavar="规则或类别", help="不运行这些规则（规则编号或类别；优先于 --select）"),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="在标准错误上说明使用了哪个配置文件、关闭了哪些规则"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="不显示进度条和结束时的统计"),
    no_cache: bool = typer.Option(False, "--no-cache", help="不使用缓存，全部重新检查（仍会更新缓存）"),
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", metavar="文件夹", help="缓存文件夹（默认为输出文件夹中的 .cache）"),
    fail_on: FailOn = typer.Option(FailOn.never, "--fail-on", help="任一报告有达到该级别的问题时退出码为 1（默认 never：总是 0）"),
    max_size: float = typer.Option(20.0, "--max-size", metavar="大小", callback=check_max_size, help="单个文件大小上限（MB，默认 20）"),
    wait: bool = typer.Option(False, "--wait", help="输出文件夹正被另一个 batch 使用时排队等待（默认：立即报错退出）"),
    history: List[str] = typer.Option([], "--history", metavar="文件或文件夹", help="往年的报告（文件或文件夹，可写多次）：只用来与同一单位的下一年度对照，本身不评分、不列入汇总"),
    decisions: Optional[Path] = typer.Option(None, "--decisions", metavar="审核结论文件", help="上次的审核结论：summary.xlsx（“问题清单”表）或 decisions.csv；不采纳的问题不再计分"),
    expect: List[str] = typer.Option([], "--expect", metavar="地区", help="应当报送的地区（如“嵩县”或区划代码，可写多次）：列出其下一级单位中没有报告的"),
) -> None:
    """批量检查一个或多个文件夹中的全部年度报告：逐份评分，找出不同单位之间内容雷同、相互抄袭的段落，
    结果写入输出文件夹（汇总表 CSV/Excel、问题清单 JSONL、可排序的网页总览和每份报告的详情页）。"""
    from textcheck.batch.discover import discover
    from textcheck.batch.options import batch_options
    from textcheck.batch.score import score_weights
    from textcheck.batch.decisions import load_decisions
    from textcheck.batch.units import expected_units
    from textcheck.output import refuse_inputs_as_outputs
    from textcheck.render.batch_output import _SUMMARY_FILES as SUMMARY_FILES, pair_page

    cfg = load_config_or_exit(config, inputs=paths, select=select, ignore=ignore, verbose=verbose)
    try:
        batch_options(cfg)
        score_weights(cfg)
    except TextcheckError as exc:
        fail(str(exc))
    if jobs is not None and jobs < 1:
        fail("--jobs 至少为 1")
    n_jobs = jobs or os.cpu_count() or 1
    for region in expect:
        try:
            expected_units(region)
        except ValueError as exc:
            fail(str(exc))
    for p in paths:  # the output folder is never read as input: the same folder for both is a mistake
        if os.path.isdir(p) and os.path.realpath(p) == os.path.realpath(output):
            fail(f"输出文件不能是输入文件：输出文件夹 {visible_path(str(output))} 就是要检查的文件夹，请用 -o 指定另一个文件夹")
    files, missing = discover(paths, exclude=[output])
    old_files, old_missing = discover(history, exclude=[output]) if history else ([], [])
    for m in missing + old_missing:
        error(f"{m}：文件或文件夹不存在")
    if missing or old_missing:
        raise typer.Exit(2)
    if not files:
        fail("没有找到可检查的报告文件（支持 .txt .docx .pdf .html .htm）")
    scored = {os.path.realpath(f) for f in files}
    old_files = [f for f in old_files if os.path.realpath(f) not in scored]
    decided: dict = {}
    if decisions is not None:
        try:
            decided, unknown = load_decisions(decisions)
        except TextcheckError as exc:
            fail(str(exc))
        if unknown:
            error(f"{decisions}：{unknown} 行的“审核结论”既不是“确认”也不是“不采纳”，按待审核处理")
    extra = {"history": old_files, "decisions": decided, "expect": expect, "pair_page": pair_page}
    cache = str(cache_dir or (output / ".cache"))
    refuse_inputs_as_outputs([output / n for n in SUMMARY_FILES], list(files) + list(old_files),
                             folders=[output / "reports", output / "review", output / "compare", cache])
    err = console(stderr=True)
    show = not quiet and _interactive()
    from contextlib import ExitStack

    from textcheck.batch import snapshot
    from textcheck.batch.outdir import output_folder

    max_bytes = int(max_size * 1024 * 1024)
    key = snapshot.run_key(files, old_files, cfg, outdir=output, max_bytes=max_bytes, decisions=decided,
                           expect=expect)
    guard = ExitStack()
    try:
        guard.enter_context(output_folder(output, wait=wait))  # one run per output folder, marked as output
        snap = None if no_cache else snapshot.fresh(cache, output, key, SUMMARY_FILES)
        if snap is not None:  # nothing changed since the last run, its outputs are intact: nothing to do
            st = dict(snap["stats"], checked=0, cached=snap["stats"]["files"])
            expected, worst = snap["expected"], snap["worst"]
        else:
            snapshot.clear(cache, output)
            result = _run(files, cfg, n_jobs, cache, no_cache, max_bytes, show, err, extra, output)
            st, expected, worst = result.stats, result.expected, _worst(result)
            snapshot.save(cache, output, key, SUMMARY_FILES, stats=st, expected=expected, worst=worst)
    except TextcheckError as exc:
        fail(str(exc))
    finally:
        guard.close()
    if not quiet:
        err.print(
            f"共 {st['files']} 个文件：年度报告 {st['reports']} 份，不是年度报告 {st['not_reports']} 个，"
            f"无法读取 {st['unreadable']} 个；本次检查 {st['checked']} 个，使用缓存 {st['cached']} 个；"
            f"与上年对照 {st['year_pairs']} 对，重复提交 {st['duplicates']} 份；"
            f"雷同组 {st['copy_groups']} 个。结果已写入 {escape(str(output))}"
        )
        for e in expected:
            names = "、".join(u["name"] for u in e["missing"][:20]) + ("等" if len(e["missing"]) > 20 else "")
            err.print(f"{escape(e['path'])}：应报送 {e['expected']} 个单位，未报送 {len(e['missing'])} 个"
                      + (f"（{escape(names)}）" if names else ""))
    raise typer.Exit(_exit(worst, fail_on.value))


def _worst(result) -> str | None:
    """The most severe finding of the batch ("error", "warning", "info"), from the rows' counts."""
    for sev in ("error", "warning", "info"):
        if any(r["summary"].get(sev) for r in result.reports):
            return sev
    return None


def _exit(worst: str | None, fail_on: str) -> int:
    """``finding.exit_code`` from the most severe finding only."""
    from textcheck.finding import Severity

    if worst is None or fail_on == "never":
        return 0
    return 1 if Severity.parse(worst).rank >= Severity.parse(fail_on).rank else 0


def _run(files, cfg, n_jobs, cache, no_cache, max_bytes, show, err, extra, output):
    """Check, match, score and write the outputs (with progress bars for a person at a terminal)."""
    from textcheck.batch.worker import BatchInterrupted, _Interrupt, _trap_signals

    restore = _trap_signals()  # Ctrl-C / SIGTERM in any stage: exit 2 with the message, never a traceback
    try:
        return _run_stages(files, cfg, n_jobs, cache, no_cache, max_bytes, show, err, extra, output)
    except _Interrupt as exc:
        raise BatchInterrupted(exc.signum) from None
    finally:
        restore()


def _run_stages(files, cfg, n_jobs, cache, no_cache, max_bytes, show, err, extra, output):
    from textcheck.batch.run import run_batch
    from textcheck.render.batch_output import output_count, write_outputs

    if show:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      console=err, transient=True) as prog:
            task = prog.add_task("检查报告", total=len(files) + len(extra["history"]))
            stages: dict[str, object] = {}

            def stage(name: str) -> None:  # the previous stage is done; the next one has no count
                for t in stages.values():
                    prog.update(t, total=1, completed=1)
                if name != "write":
                    stages[name] = prog.add_task(_STAGE_LABEL[name], total=None)

            result = run_batch(files, cfg, jobs=n_jobs, cache_dir=cache, use_cache=not no_cache,
                               max_bytes=max_bytes, progress=lambda k: prog.advance(task, k), stage=stage, **extra)
            stage("write")
            written = prog.add_task(_STAGE_LABEL["write"], total=output_count(result))
            write_outputs(result, output, progress=lambda k: prog.advance(written, k))
    else:
        timings = _Timings()  # scripts/bench_batch.py reads where the time went (TEXTCHECK_BATCH_TIMINGS)
        result = run_batch(files, cfg, jobs=n_jobs, cache_dir=cache, use_cache=not no_cache, max_bytes=max_bytes,
                           stage=timings.stage, **extra)
        timings.stage("write")
        write_outputs(result, output)
        timings.done(result.stats)
    return result


class _Timings:
    """Seconds per stage of a batch, written as JSON to the file named by the environment variable
    ``TEXTCHECK_BATCH_TIMINGS`` when it is set (for scripts/bench_batch.py; nothing otherwise)."""

    def __init__(self) -> None:
        import time

        self.path = os.environ.get("TEXTCHECK_BATCH_TIMINGS")
        self.clock = time.perf_counter
        self.last, self.name = self.clock(), "check"
        self.seconds: dict[str, float] = {}

    def stage(self, name: str) -> None:
        now = self.clock()
        self.seconds[self.name] = round(now - self.last, 3)
        self.last, self.name = now, name

    def done(self, stats: dict) -> None:
        self.stage("end")
        if self.path:
            import json

            Path(self.path).write_text(json.dumps({"seconds": self.seconds, "stats": stats}), encoding="utf-8")


def _interactive() -> bool:
    """Progress bars only for a person watching a terminal, never in logs or pipes."""
    return sys.stderr.isatty()


_STAGE_LABEL = {"years": "对照同一单位的上年报告", "match": "比对各报告之间的相同段落", "score": "评分", "write": "写出汇总表、总览和详情页"}
