"""The command line's own words in Chinese: help pages, usage errors, and output on any console.

Typer (0.29, with its vendored click) writes its help headings and usage errors as fixed English strings
(only a few go through gettext), so there is no catalogue to translate. Instead this module uses the
extension points typer documents: the command classes (``typer.Typer(cls=...)``, ``app.command(cls=...)``)
lay out the help page themselves, and the group's ``main`` runs in non-standalone mode so that usage
errors come back as exceptions, which are reported in Chinese from their structured fields (the parameter,
the option name, the close matches), not by rewriting typer's English text. Only click's public names are
used (exception class names, ``opts``, ``metavar``, ``HelpFormatter.write_usage``), so it behaves the same
on typer with the real click (checked with typer 0.15 / click 8.1) and with the vendored one (typer 0.29).

``safe_streams`` makes stdout and stderr never fail on a character the console's encoding lacks
(GBK/cp936 consoles and redirects): a few symbols have a GBK-safe substitute, anything else becomes ``?``.
"""

from __future__ import annotations

import codecs
import re
import sys
from difflib import get_close_matches
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

# --------------------------------------------------------------------------------------------
# consoles that cannot encode every character

_SUBSTITUTE = {"✓": "√", "✔": "√", "✗": "×", "✘": "×", "↔": "<->", "→": "->", "•": "·", "»": ">>", "«": "<<",
               "–": "-", "‒": "-", "−": "-", "\u00a0": " ", "\u200b": ""}
_HANDLER = "textcheck-console"


def _console_errors(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = []
    for ch in exc.object[exc.start:exc.end]:
        sub = _SUBSTITUTE.get(ch, "?")
        try:
            sub.encode(exc.encoding)
        except (UnicodeError, LookupError):
            sub = "?"  # the substitute itself is missing too (an ASCII or Latin-1 stream)
        out.append(sub)
    return "".join(out), exc.end


codecs.register_error(_HANDLER, _console_errors)

_LOSSLESS = {"utf-8", "utf-16", "utf-32", "gb18030", "utf-8-sig"}


def safe_streams() -> None:
    """Reconfigure stdout/stderr whose encoding cannot represent all of Unicode to substitute, not fail."""
    for stream in (sys.stdout, sys.stderr):
        try:
            if codecs.lookup(getattr(stream, "encoding", None) or "utf-8").name in _LOSSLESS:
                continue
        except LookupError:  # pragma: no cover - an encoding Python does not know
            continue
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors=_HANDLER)
            except (ValueError, OSError):  # pragma: no cover - a closed or exotic stream
                pass


def _json_escape(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    import json

    return json.dumps(exc.object[exc.start:exc.end])[1:-1], exc.end  # \uXXXX (surrogate pairs above FFFF)


codecs.register_error("textcheck-json", _json_escape)


def for_stream(text: str, fmt: str, stream: Any = None) -> str:
    """``text`` (a JSON document or an HTML page) with the characters ``stream`` cannot encode written as
    escapes of that format (``\\uXXXX`` in JSON strings, ``&#x...;`` in HTML): lossless, unlike the console
    substitutes. Unchanged on a UTF-8 (or GB18030) stream."""
    stream = stream or sys.stdout
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        if codecs.lookup(encoding).name in _LOSSLESS:
            return text
    except LookupError:  # pragma: no cover
        return text
    handler = "textcheck-json" if fmt == "json" else "xmlcharrefreplace"
    return text.encode(encoding, errors=handler).decode(encoding)


# --------------------------------------------------------------------------------------------
# help pages

OPTIONS_METAVAR = "[选项]"
HELP_TEXT = "显示本帮助并退出"
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


def _choices(param: Any) -> list[str]:
    desc = getattr(param, "type_descriptor", None)  # typer >= 0.29
    values = getattr(desc, "choices", None) if desc is not None and getattr(desc, "is_choice", False) else None
    if values is None:
        values = getattr(getattr(param, "type", None), "choices", None)  # click's Choice
    return [str(getattr(v, "value", v)) for v in values or ()]


def _arg_name(param: Any) -> str:
    name = param.metavar or param.name
    return name + ("..." if param.nargs != 1 else "")


def option_names(param: Any) -> str:
    names = sorted(param.opts, key=lambda o: (o.startswith("--"), o))
    text = ", ".join(names)
    if param.secondary_opts:
        text += " / " + ", ".join(param.secondary_opts)
    return text


def _record(param: Any) -> tuple[str, str] | None:
    if getattr(param, "hidden", False):
        return None
    help_text = (param.help or "").strip()
    if param.param_type_name == "argument":
        name = _arg_name(param)
    else:
        name = option_names(param)
        if not getattr(param, "is_flag", False):
            choices = _choices(param)
            name += " " + (param.metavar or ("{" + "|".join(choices) + "}" if choices else "值"))
    if param.required:
        help_text += "（必填）"
    return name, help_text


_TOKEN = re.compile(r"（必填）|[A-Za-z0-9_.,:;/\\'\"+=<>|{}\[\]()%-]+|\s+|.", re.S)


_NO_LINE_START = set("，。、；：？！）》」』”’")
_NO_LINE_END = set("（《「『“‘")


def _cells(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def _wrap(text: str, width: int) -> list[str]:
    """``text`` cut into lines of at most ``width`` terminal cells (CJK characters are two cells wide);
    runs of Latin letters, digits and option names are not split."""
    lines, line = [], ""
    for token in _TOKEN.findall(text):
        if token.isspace() and not line:
            continue
        if line and _cells(line + token) > width and token not in _NO_LINE_START:
            carry = ""
            while line and line[-1] in _NO_LINE_END:  # an opening bracket goes with what it opens
                carry, line = line[-1] + carry, line[:-1]
            lines.append(line.rstrip())
            line = carry + ("" if token.isspace() else token)
        else:
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def _write_section(formatter: Any, title: str, rows: list[tuple[str, str]]) -> None:
    """A heading and a two-column list laid out by terminal cells, so that Chinese text aligns."""
    indent = " " * formatter.current_indent
    formatter.write_paragraph()
    formatter.write(f"{indent}{title}：\n")
    pad = indent + "  "
    first = min(max(_cells(name) for name, _ in rows), 30)
    width = max(formatter.width - len(pad) - first - 2, 20)
    for name, help_text in rows:
        lines = _wrap(help_text, width)
        if _cells(name) > first:
            formatter.write(f"{pad}{name}\n")
            head = ""
        else:
            head = name + " " * (first - _cells(name))
            formatter.write(f"{pad}{head}  {lines.pop(0)}\n")
        for rest in lines:
            formatter.write(f"{pad}{' ' * first}  {rest}\n")


class _ChineseHelp:
    """Mixin: the help page of a command or group, every heading in Chinese."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [OPTIONS_METAVAR]
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            if param.param_type_name == "argument":
                name = _arg_name(param)
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix="用法：")

    def format_help_text(self, ctx: Any, formatter: Any) -> None:
        text = (self.help or "").strip()  # type: ignore[attr-defined]
        if text:
            formatter.write_paragraph()
            pad = " " * (formatter.current_indent + 2)
            paragraph = " ".join(line.strip() for line in text.split("\n\n")[0].split("\n"))
            paragraph = re.sub(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", "", paragraph)
            for line in _wrap(paragraph, max(formatter.width - len(pad), 20)):
                formatter.write(f"{pad}{line}\n")

    def format_options(self, ctx: Any, formatter: Any) -> None:
        args, opts = [], []
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            rec = _record(param)
            if rec is not None:
                (args if param.param_type_name == "argument" else opts).append(rec)
        if args:
            _write_section(formatter, "参数", args)
        if opts:
            _write_section(formatter, "选项", opts)

    def get_help_option(self, ctx: Any) -> Any:
        opt = super().get_help_option(ctx)  # type: ignore[misc]
        if opt is not None:
            opt.help = HELP_TEXT
        return opt


class ChineseCommand(_ChineseHelp, TyperCommand):
    """A typer command whose help page and usage line are Chinese."""


class ChineseGroup(_ChineseHelp, TyperGroup):
    """The ``textcheck`` group: Chinese help, Chinese usage errors, output that survives any console."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return [OPTIONS_METAVAR, "命令 [参数]..."]

    def format_options(self, ctx: Any, formatter: Any) -> None:
        super().format_options(ctx, formatter)
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                first = "".join(x.strip() for x in (cmd.short_help or cmd.help or "").strip().split("\n\n")[0].split("\n"))
                rows.append((name, re.split(r"(?<=。)", first)[0]))
        if rows:
            _write_section(formatter, "命令", rows)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else ""
        if args and not name.startswith("-") and self.get_command(ctx, name) is None and not ctx.resilient_parsing:
            close = get_close_matches(name, list(self.commands), n=3)
            hint = f"；是不是 {'、'.join(close)}？" if close else f"；可用的命令：{'、'.join(self.commands)}"
            ctx.fail(f"没有命令 {name}{hint}")
        return super().resolve_command(ctx, args)

    def main(self, args: Any = None, prog_name: Any = None, complete_var: Any = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        safe_streams()
        try:
            rv = super().main(args=args, prog_name=prog_name, complete_var=complete_var, standalone_mode=False,
                              **extra)
        except Exception as exc:  # noqa: BLE001 - only click's usage errors and aborts are handled here
            kinds = {c.__name__ for c in type(exc).__mro__}
            if "NoArgsIsHelpError" in kinds:
                typer.echo(exc.ctx.get_help(), err=True)  # type: ignore[attr-defined]
                code = 2
            elif "UsageError" in kinds:
                report_usage_error(exc, list(sys.argv[1:] if args is None else args))
                code = 2
            elif "Abort" in kinds:
                typer.echo("已中止。", err=True)
                code = 1
            else:
                raise
            if not standalone_mode:
                raise
            sys.exit(code)
        if standalone_mode:
            sys.exit(rv if isinstance(rv, int) else 0)
        return rv


# --------------------------------------------------------------------------------------------
# usage errors


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _param_label(param: Any) -> str:
    if param is None:
        return "参数"
    if param.param_type_name == "argument":
        return f"参数 {_arg_name(param)}"
    return f"选项 {'/'.join(param.opts)}"


def _expected(param: Any) -> str:
    choices = _choices(param)
    if choices:
        return f"应是 {'、'.join(choices)} 之一"
    desc = getattr(param, "type_descriptor", None)
    annotation = getattr(desc, "annotation", None)
    name = getattr(annotation, "__name__", "") or getattr(getattr(param, "type", None), "name", "")
    return {"int": "应是整数", "integer": "应是整数", "float": "应是数字", "bool": "应是 true 或 false",
            "boolean": "应是 true 或 false"}.get(str(name).lower(), "无效")


_GENERIC = [
    (re.compile(r"Got unexpected extra argument\S* \((.*)\)", re.S), "多余的参数：{0}"),
    (re.compile(r"Missing command", re.S), "缺少命令"),
    (re.compile(r"No such command '?([^'.]*)'?", re.S), "没有命令 {0}"),
]


def _given(param: Any, args: list[str]) -> str | None:
    """What the command line gave option ``param`` (its last occurrence), to quote it back."""
    if param is None or param.param_type_name != "option":
        return None
    value = None
    for i, arg in enumerate(args):
        for opt in param.opts:
            if arg == opt and i + 1 < len(args):
                value = args[i + 1]
            elif opt.startswith("--") and arg.startswith(opt + "="):
                value = arg[len(opt) + 1:]
            elif not opt.startswith("--") and arg.startswith(opt) and len(arg) > len(opt):
                value = arg[len(opt):]
    return value


def usage_message(exc: Any, args: list[str] | None = None) -> str:
    """The Chinese message for one of click's usage errors (``args``: the command line, to quote a bad value)."""
    kinds = {c.__name__ for c in type(exc).__mro__}
    message = str(getattr(exc, "message", "") or "")
    param = getattr(exc, "param", None)
    if "MissingParameter" in kinds:
        what = _param_label(param) if param is not None else "参数"
        extra = f"（{param.help.strip()}）" if param is not None and param.help else ""
        return f"缺少{what}{extra}"
    if "NoSuchOption" in kinds:
        close = sorted(getattr(exc, "possibilities", None) or ())
        hint = f"；是不是 {'、'.join(close)}？" if close else ""
        return f"没有选项 {exc.option_name}{hint}"
    if "BadOptionUsage" in kinds:
        opt = getattr(exc, "option_name", "")
        if "does not take a value" in message:
            return f"选项 {opt} 不带值"
        if "requires" in message:
            return f"选项 {opt} 后面缺少值"
        return message if _has_cjk(message) else f"选项 {opt} 的用法不对"
    if "BadParameter" in kinds:
        reason = message if _has_cjk(message) else _expected(param)
        given = None if _has_cjk(message) else _given(param, args or [])
        quoted = f"（写的是 {given}）" if given is not None else ""
        if reason == "无效":
            return f"{_param_label(param)} 的值无效{quoted}"
        return f"{_param_label(param)} 的值无效：{reason}{quoted}"
    if _has_cjk(message):
        return message
    for pattern, template in _GENERIC:
        m = pattern.search(message)
        if m:
            return template.format(*m.groups())
    return f"用法不对（{message}）"


def report_usage_error(exc: Any, args: list[str] | None = None) -> None:
    """Print the usage line, a pointer to --help and the error, all in Chinese, on standard error."""
    from rich.console import Console
    from rich.markup import escape

    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        typer.echo(ctx.get_usage(), err=True)
        typer.echo(f"查看帮助：{ctx.command_path} --help\n", err=True)
    # as textcheck.cli.common.error prints it (not imported: common uses this module)
    Console(stderr=True, soft_wrap=True, highlight=False).print(f"[bold red]错误：[/]{escape(usage_message(exc, args))}")
