"""What every command shares: the console, Chinese errors, loading the configuration, writing the
output, the --format and --fail-on choices and the exit code (``textcheck.finding.exit_code``)."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from textcheck.errors import TextcheckError


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


def escape(s: str) -> str:
    """``s`` with rich markup characters escaped."""
    from rich.markup import escape as rich_escape

    return rich_escape(s)


def error(message: str) -> None:
    """Print ``错误：message`` on standard error."""
    console(stderr=True).print(f"[bold red]错误：[/]{escape(message)}")


def fail(message: str, code: int = 2) -> None:
    """Print the error and exit with ``code`` (2: usage error or unreadable input)."""
    error(message)
    raise typer.Exit(code)


def check_max_size(value: float) -> float:
    """--max-size: a finite number of megabytes above 0 (nan, inf and -1 are usage errors)."""
    import math

    if value is not None and not (math.isfinite(value) and value > 0):
        raise typer.BadParameter(f"应是大于 0 的有限数字（单位 MB），不能是 {value:g}")
    return value


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
    """0 or 1: whether a finding of ``results`` reaches ``fail_on``."""
    from textcheck.finding import exit_code

    return exit_code((f for r in results for f in r.findings), fail_on.value)


def effective_fail_on(fail_on: Optional[FailOn], config) -> FailOn:
    """--fail-on when given, else the configuration's fail-on, else error."""
    return fail_on or FailOn(config.fail_on.value if config.fail_on else "error")
