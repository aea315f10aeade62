"""``textcheck rules``, ``textcheck explain RULE``, ``textcheck demo``: about the rules, and a first run."""

from __future__ import annotations

import sys

import typer

from textcheck.cli.common import OutFormat, console, fail, load_config_or_exit, write_output


def rules(
    format: OutFormat = typer.Option(OutFormat.text, "--format", "-f", help="输出格式：text 或 json（默认 text）"),
) -> None:
    """列出全部检查规则：编号、默认级别、类别、说明。"""
    from textcheck.rules import all_rules

    specs = sorted(all_rules(), key=lambda r: (r.scope != "report", r.scope, r.id))
    if format is OutFormat.json:
        from textcheck.render.json import dumps

        write_output(None, dumps([r.to_dict() for r in specs]), markup=False, color=None, fmt="json")
        return
    scope_label = {"report": "单份报告", "compare": "compare 年度对比", "batch": "batch 批量检查"}
    lines = []
    for r in specs:
        opts = "，".join(f"{k}={v}" for k, v in r.options.items())
        lines.append(f"{r.id:<24} {r.severity.label:<3} {r.category:<12} {r.summary}" + (f"  [选项：{opts}]" if opts else "")
                     + ("" if r.scope == "report" else f"  （{scope_label.get(r.scope, r.scope)}）"))
    sys.stdout.write("\n".join(lines) + "\n")


def explain(rule_id: str = typer.Argument(..., metavar="规则编号", help="规则编号，例如 duplicate-paragraph")) -> None:
    """显示一条规则的详细说明（做什么、为什么、例子、可配置选项）。"""
    from textcheck.rules import get_rule

    spec = get_rule(rule_id)
    if spec is None:
        fail(f"没有规则 {rule_id}（用 textcheck rules 查看全部规则）")
    opts = "\n".join(f"  {k} = {v!r}" for k, v in spec.options.items()) or "  无"
    sys.stdout.write(f"{spec.id}（默认级别：{spec.severity.label}）\n{spec.summary}\n\n{spec.doc}\n\n可配置选项：\n{opts}\n")


def demo(
    format: OutFormat = typer.Option(OutFormat.text, "--format", "-f", help="输出格式：text 或 json（默认 text）"),
) -> None:
    """演示：检查随软件附带的一份有典型错误的报告（大章镇人民政府 2021 年度报告）。"""
    from textcheck.resources import corpus_path, preload_segmenter

    preload_segmenter()  # first: the segmenter loads on another core while the rest starts up
    from textcheck.engine import check_path

    sample = corpus_path("samples", "003_c09c82378b8e7991.txt")
    result = check_path(str(sample), load_config_or_exit(None, discover=False))  # the demo is the same everywhere
    if format is OutFormat.json:
        from textcheck.render.json import render

        sys.stdout.write(render([result]))
        return
    from textcheck.render.text import render
    from textcheck.render.wrap import measuring, screen, wrap

    c = console()
    width, ambiguous = screen()
    intro = [("演示：", "bold"), ("检查随附的《大章镇人民政府2021年政府信息公开工作年度报告》（真实报告，含典型的复制粘贴错误）", None)]
    with measuring(ambiguous):
        c.print("\n".join(wrap(intro, width)))
    c.print(render([result], fix_hint=False), end="")
    c.print("\n检查自己的报告：[bold]textcheck check 报告.docx[/]    自动修改：[bold]textcheck fix 报告.docx -o 修改稿.docx[/]")
