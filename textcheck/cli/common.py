"""What every command shares: the console, Chinese errors, loading the configuration, writing the
output, the --format and --fail-on choices and the exit code (``textcheck.finding.exit_code``)."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Any, Optional

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

    # emoji=False: report text such as "1:b:2" is printed as written, not as "1🅱2"
    return Console(stderr=stderr, soft_wrap=True, highlight=False, emoji=False, no_color=(color is False) or None,
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


def _names(values: Optional[list[str]]) -> Optional[list[str]]:
    """``--select a,b --select c`` → ``[a, b, c]``; None when the option was not given."""
    if not values:
        return None
    return [x.strip() for v in values for x in v.split(",") if x.strip()]


def expand_rules(names: list[str], *, where: str, source: Optional[str] = None) -> set[str]:
    """The rule ids that ``names`` (rule ids or categories) stand for; ConfigError naming an unknown one."""
    from textcheck.rules import all_rules

    specs = list(all_rules())
    ids = {s.id for s in specs}
    categories: dict[str, set[str]] = {}
    for spec in specs:
        categories.setdefault(spec.category, set()).add(spec.id)
    out: set[str] = set()
    for name in names:
        if name in ids:
            out.add(name)
        elif name in categories:
            out |= categories[name]
        else:
            raise TextcheckError(f"{where}：未知的规则或类别 {name}（规则编号见 textcheck rules；类别有 "
                                 f"{'、'.join(sorted(categories))}）", path=source)
    return out


def apply_selection(cfg, select: Optional[list[str]] = None, ignore: Optional[list[str]] = None) -> None:
    """Turn select/ignore into ``cfg.disabled``, as ruff does: first the configuration's select (default: all
    rules) minus its ignore, disable and ``enabled = false``; then the command line's --select, when given,
    starts afresh from its rules, and its --ignore is taken away. Within one layer ignore wins over select."""
    from textcheck.rules import all_rules

    everything = {s.id for s in all_rules()}
    enabled = expand_rules(cfg.select, where="select", source=cfg.source) if cfg.select is not None else set(everything)
    enabled -= expand_rules(cfg.ignore, where="ignore", source=cfg.source) | set(cfg.disabled)
    if select is not None:
        enabled = expand_rules(select, where="--select")
    if ignore is not None:
        enabled -= expand_rules(ignore, where="--ignore")
    cfg.disabled = everything - enabled


def _validate_tables(cfg) -> None:
    """[score] and [batch] are checked whatever the command, so that a wrong value is never silently kept."""
    if cfg.score or (cfg.extra or {}).get("batch"):
        from textcheck.batch.options import batch_options
        from textcheck.batch.score import score_weights

        batch_options(cfg)
        score_weights(cfg)


def _warn_other_configs(cfg, inputs) -> None:
    """One configuration serves a whole run (the first input's). Say so when another input sits under a
    different one, rather than applying it silently to files it was not written for."""
    from textcheck.config import find_config
    from textcheck.text import visible_path

    used = Path(cfg.source).resolve() if cfg.source else None
    seen: set[Path] = set()
    for p in list(inputs)[1:]:
        if p == "-":
            continue
        folder = _folder(p).resolve()
        if folder in seen:
            continue
        seen.add(folder)
        try:
            other = find_config(folder)
        except TextcheckError:
            other = None
        if other is not None and other.resolve() != used:
            console(stderr=True).print(escape(
                f"警告：{visible_path(p)} 所在的文件夹用的是另一个配置文件 {visible_path(str(other))}，本次统一使用"
                f"{'第一个文件的配置 ' + visible_path(str(used)) if used else '默认设置'}；需要分别使用时请分开运行，或用 --config 指定"))
            return


def configs_per_input(config_path: Optional[str], issuer: Optional[str], inputs: list[str], *,
                      select: Optional[list[str]] = None, ignore: Optional[list[str]] = None,
                      verbose: bool = False) -> list:
    """The configuration of each input, in order: ``--config`` for all when given; otherwise each
    input's own — the nearest one from its folder up, else from the current folder up — as ruff does,
    so that files under different folders are checked by the rules written for them. Inputs under
    the same configuration share one object (loaded, validated and, with ``verbose``, reported once)."""
    from textcheck.config import find_config

    if config_path or len(inputs) <= 1:
        cfg = load_config_or_exit(config_path, issuer, inputs=inputs, select=select, ignore=ignore, verbose=verbose)
        return [cfg] * len(inputs)
    by_source: dict[Path | None, Any] = {}
    by_folder: dict[Path | None, Path | None] = {}  # many inputs share a folder: look up each folder once
    out = []
    for p in inputs:
        folder = _folder(p).resolve() if p != "-" else None
        if folder not in by_folder:
            try:
                found = (find_config(folder) if folder is not None else None) or find_config(Path.cwd())
            except TextcheckError:
                found = None  # unreadable on the way up: load_config_or_exit says so
            by_folder[folder] = found.resolve() if found is not None else None
        key = by_folder[folder]
        if key not in by_source:
            by_source[key] = load_config_or_exit(None, issuer, inputs=[p], select=select, ignore=ignore,
                                                 verbose=verbose, warn_others=False)
        out.append(by_source[key])
    return out


def _folder(path: str) -> Path:
    p = Path(path).expanduser()
    return p if p.is_dir() else p.parent


def load_config_or_exit(config_path: Optional[str], issuer: Optional[str] = None, *, inputs: tuple | list = (),
                        select: Optional[list[str]] = None, ignore: Optional[list[str]] = None,
                        verbose: bool = False, discover: bool = True, warn_others: bool = True):
    """The configuration of a run: ``--config``, else the nearest one from the first input's folder up, else
    from the current folder up (``textcheck.config.load_config``); select/ignore applied; exit 2 when invalid.
    ``verbose``: say on stderr which configuration was used."""
    from textcheck.config import Config, load_config
    from textcheck.engine import validate_config

    search = [_folder(p) for p in list(inputs)[:1] if p != "-"] + [Path.cwd()]
    try:
        cfg = load_config(config_path, search_from=search) if (config_path or discover) else Config()
        validate_config(cfg)
        _validate_tables(cfg)
        apply_selection(cfg, _names(select), _names(ignore))
    except TextcheckError as exc:
        fail(str(exc))
    if not config_path and discover and warn_others:
        _warn_other_configs(cfg, inputs)
    if issuer:
        cfg.issuer = issuer
    if verbose:
        from textcheck.rules import all_rules
        from textcheck.text import visible_path

        err = console(stderr=True)
        if cfg.source:
            how = "（--config 指定）" if config_path else "（自动找到）"
            err.print(escape(f"配置文件：{visible_path(str(Path(cfg.source).resolve()))}{how}"))
        else:
            looked = "、".join(dict.fromkeys(visible_path(str(d.resolve())) for d in search))
            err.print(escape(f"配置文件：没有找到（从 {looked} 向上查找 textcheck.toml 和含 [tool.textcheck] 的 "
                             f"pyproject.toml），使用默认设置"))
        ids = sorted(s.id for s in all_rules())
        on = [i for i in ids if i not in cfg.disabled]
        off = [i for i in ids if i in cfg.disabled]
        if len(off) > len(on):
            err.print(f"只运行 {len(on)} 条规则：{'、'.join(on) if on else '无'}")
        else:
            err.print(f"关闭的规则：{'、'.join(off) if off else '无'}")
    return cfg


def write_output(output: Optional[Path], text: str, *, markup: bool, color: bool | None,
                 fmt: Optional[str] = None) -> None:
    """Write ``text`` to ``output`` (atomically, UTF-8) or to the screen. ``markup``: rich markup (text
    output). Otherwise ``fmt`` says what it is (``json``, ``html``; guessed from the first character when not
    given), so that on a console that cannot encode every character they are escaped losslessly."""
    if output is not None:
        from textcheck.output import atomic_write_text

        try:
            atomic_write_text(output, plain(text) if markup else text)
        except TextcheckError as exc:
            fail(str(exc))
    elif markup:
        console(color=color).print(text, end="")
    else:
        from textcheck.cli.usage import for_stream

        kind = fmt or {"{": "json", "[": "json", "<": "html"}.get(text.lstrip()[:1], "plain")
        sys.stdout.write(for_stream(text, kind) if kind in ("json", "html") else text)
        sys.stdout.flush()


def exit_code_for(results, fail_on: FailOn) -> int:
    """0 or 1: whether a finding of ``results`` reaches ``fail_on``."""
    from textcheck.finding import exit_code

    return exit_code((f for r in results for f in r.findings), fail_on.value)


def effective_fail_on(fail_on: Optional[FailOn], config) -> FailOn:
    """--fail-on when given, else the configuration's fail-on, else error."""
    return fail_on or FailOn(config.fail_on.value if config.fail_on else "error")
