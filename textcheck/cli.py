"""Command line: ``textcheck check | rules | explain | demo | compare | batch``.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage error or unreadable input.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from textcheck.errors import TextcheckError

app = typer.Typer(
    name="textcheck",
    help="政府信息公开工作年度报告检查工具：找出结构缺漏、重复粘贴、他单位名称、年份错误等问题。",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class OutFormat(str, Enum):
    text = "text"
    json = "json"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


def console(stderr: bool = False, color: bool | None = None):
    from rich.console import Console

    return Console(stderr=stderr, soft_wrap=True, highlight=False, no_color=(color is False) or None,
                   force_terminal=None if color is None else color)


def fail(message: str, code: int = 2) -> None:
    console(stderr=True).print(f"[bold red]错误：[/]{_escape(message)}")
    raise typer.Exit(code)


def _escape(s: str) -> str:
    from rich.markup import escape

    return escape(s)


def plain(markup: str) -> str:
    from rich.text import Text

    return "\n".join(Text.from_markup(line).plain for line in markup.split("\n"))


def load_config_or_exit(config_path: Optional[str], issuer: Optional[str] = None):
    from textcheck.config import load_config
    from textcheck.engine import validate_config

    try:
        cfg = load_config(config_path)
        validate_config(cfg)
    except TextcheckError as exc:
        fail(str(exc))
    if issuer:
        cfg.issuer = issuer
    return cfg


def write_output(output: Optional[Path], text: str, *, markup: bool, color: bool | None) -> None:
    if output is not None:
        from textcheck.output import atomic_write_text

        try:
            atomic_write_text(output, plain(text) if markup else text)
        except TextcheckError as exc:
            fail(str(exc))
    elif markup:
        console(color=color).print(text, end="")
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def exit_code_for(results, fail_on: FailOn) -> int:
    from textcheck.finding import exit_code

    return exit_code((f for r in results for f in r.findings), fail_on.value)


@app.command()
def check(
    files: List[str] = typer.Argument(..., help="要检查的报告文件（.txt .docx .pdf .html），“-”表示标准输入"),
    format: OutFormat = typer.Option(OutFormat.text, "--format", "-f", help="输出格式：text 或 json"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="写入文件而不是屏幕"),
    config: Optional[str] = typer.Option(None, "--config", "-c", help="配置文件（TOML）"),
    fail_on: Optional[FailOn] = typer.Option(None, "--fail-on", help="达到该级别的问题时退出码为 1（默认 error）"),
    issuer: Optional[str] = typer.Option(None, "--issuer", help="指定发布机关名称或行政区划代码，覆盖自动识别"),
    max_size: float = typer.Option(20.0, "--max-size", help="单个文件大小上限（MB）"),
    color: Optional[bool] = typer.Option(None, "--color/--no-color", help="彩色输出（默认仅在终端中启用）"),
) -> None:
    """检查一份或多份年度报告，按部分列出问题、行号、原文和修改建议。"""
    from textcheck.engine import check_path

    cfg = load_config_or_exit(config, issuer)
    effective_fail_on = fail_on or FailOn((cfg.fail_on.value if cfg.fail_on else "error"))
    results = []
    unreadable = False
    for path in files:
        try:
            results.append(check_path(path, cfg, max_bytes=int(max_size * 1024 * 1024)))
        except TextcheckError as exc:
            unreadable = True
            console(stderr=True).print(f"[bold red]错误：[/]{_escape(str(exc))}")
    if results:
        if format is OutFormat.json:
            from textcheck.render.json import render

            write_output(output, render(results, single=len(files) == 1), markup=False, color=color)
        else:
            from textcheck.render.text import render

            write_output(output, render(results), markup=True, color=color)
    if unreadable:
        raise typer.Exit(2)
    raise typer.Exit(exit_code_for(results, effective_fail_on))


@app.command()
def rules(
    format: OutFormat = typer.Option(OutFormat.text, "--format", "-f", help="输出格式：text 或 json"),
) -> None:
    """列出全部检查规则：编号、默认级别、说明。"""
    from textcheck.rules import all_rules

    specs = sorted(all_rules(), key=lambda r: (r.scope != "report", r.scope, r.id))
    if format is OutFormat.json:
        from textcheck.render.json import dumps

        sys.stdout.write(dumps([r.to_dict() for r in specs]))
        return
    scope_label = {"report": "单份报告", "compare": "compare 年度对比", "batch": "batch 批量检查"}
    lines = []
    for r in specs:
        opts = "，".join(f"{k}={v}" for k, v in r.options.items())
        lines.append(f"{r.id:<24} {r.severity.label:<3} {r.summary}" + (f"  [选项：{opts}]" if opts else "")
                     + ("" if r.scope == "report" else f"  （{scope_label.get(r.scope, r.scope)}）"))
    sys.stdout.write("\n".join(lines) + "\n")


@app.command()
def explain(rule_id: str = typer.Argument(..., help="规则编号，例如 duplicate-paragraph")) -> None:
    """显示一条规则的详细说明（做什么、为什么、例子、可配置选项）。"""
    from textcheck.rules import get_rule

    spec = get_rule(rule_id)
    if spec is None:
        fail(f"没有规则 {rule_id}（用 textcheck rules 查看全部规则）")
    opts = "\n".join(f"  {k} = {v!r}" for k, v in spec.options.items()) or "  无"
    sys.stdout.write(f"{spec.id}（默认级别：{spec.severity.label}）\n{spec.summary}\n\n{spec.doc}\n\n可配置选项：\n{opts}\n")


@app.command()
def demo(
    format: OutFormat = typer.Option(OutFormat.text, "--format", "-f", help="输出格式：text 或 json"),
) -> None:
    """演示：检查随软件附带的一份有典型错误的报告（大章镇人民政府 2021 年度报告）。"""
    from textcheck.engine import check_path
    from textcheck.resources import corpus_path

    sample = corpus_path("samples", "003_c09c82378b8e7991.txt")
    result = check_path(str(sample), load_config_or_exit(None))
    if format is OutFormat.json:
        from textcheck.render.json import render

        sys.stdout.write(render([result], single=True))
        return
    from textcheck.render.text import render

    c = console()
    c.print("[bold]演示：[/]检查随软件附带的《大章镇人民政府2021年政府信息公开工作年度报告》（真实报告，含典型的复制粘贴错误）\n")
    c.print(render([result]), end="")
    c.print("\n检查自己的报告：[bold]textcheck check 报告.docx[/]    全部规则：[bold]textcheck rules[/]")


from textcheck.cli_batch import batch as _batch; app.command("batch")(_batch)  # noqa: E402
from textcheck.cli_compare import compare as _compare; app.command("compare")(_compare)  # noqa: E402


def main() -> None:
    try:
        app()
    except TextcheckError as exc:  # a last guard: user errors never become tracebacks
        console(stderr=True).print(f"[bold red]错误：[/]{_escape(str(exc))}")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
