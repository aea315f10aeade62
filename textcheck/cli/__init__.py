"""Command line: ``textcheck check | fix | rules | explain | demo | batch | compare | serve``.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage error or unreadable input.
Each command is a module of this package; they are registered here, in the order ``--help`` lists them.
Heavy imports happen inside the commands, not at import time.
"""

from __future__ import annotations

import sys

import typer
from typer.core import TyperCommand

from textcheck.cli.batch import batch as batch_command
from textcheck.cli.check import check as check_command
from textcheck.cli.common import error
from textcheck.cli.compare import compare as compare_command
from textcheck.cli.fix import fix as fix_command
from textcheck.cli.info import demo as demo_command
from textcheck.cli.info import explain as explain_command
from textcheck.cli.info import rules as rules_command
from textcheck.cli.serve import serve as serve_command
from textcheck.cli.usage import CONTEXT_SETTINGS, ChineseCommand, ChineseGroup
from textcheck.errors import TextcheckError

app = typer.Typer(
    name="textcheck",
    help="政府信息公开工作年度报告检查工具：找出结构缺漏、重复粘贴、他单位名称、年份错误等问题。",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    cls=ChineseGroup,
    context_settings=CONTEXT_SETTINGS,
)


def _show_version(value: bool) -> None:
    if value:
        from textcheck import __version__

        typer.echo(f"textcheck {__version__}")
        raise typer.Exit()


@app.callback()
def _main_options(
    version: bool = typer.Option(False, "--version", "-V", callback=_show_version, is_eager=True,
                                 help="显示版本号并退出"),
) -> None:
    """政府信息公开工作年度报告检查工具：找出结构缺漏、重复粘贴、他单位名称、年份错误等问题。"""


app.command("check")(check_command)
app.command("fix")(fix_command)
app.command("rules")(rules_command)
app.command("explain")(explain_command)
app.command("demo")(demo_command)
app.command("batch")(batch_command)
app.command("compare")(compare_command)
app.command("serve")(serve_command)

# register commands above this line: every command gets the Chinese help page and usage line
for _info in app.registered_commands:
    if _info.cls in (None, TyperCommand):  # typer's default class; a command with its own class keeps it
        _info.cls = ChineseCommand


def main() -> None:
    """The command line (``textcheck.launch.main``, the installed command, starts the segmenter first)."""
    try:
        app()
    except TextcheckError as exc:  # a last guard: user errors never become tracebacks
        error(str(exc))
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
