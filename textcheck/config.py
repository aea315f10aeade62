"""Configuration: ``--config FILE`` (TOML), else the nearest ``textcheck.toml`` or ``pyproject.toml`` with a
``[tool.textcheck]`` table, looked for from the checked file's folder upwards, then from the current folder upwards.

This module only reads the file and checks its shape (known keys, value types). Whether the rule ids,
categories and options it names exist is checked against the rule registry by
``textcheck.engine.validate_config`` and the CLI (``textcheck.cli.common``), right after loading.

Example (textcheck.toml, top level; or the same keys under [tool.textcheck] in pyproject.toml)::

    select = ["structure", "duplicate-paragraph"]  # only these rules / categories (default: all)
    ignore = ["overview-too-long"]      # rule ids or categories to switch off (wins over select)
    disable = ["repeated-word"]         # older spelling of ignore
    fail-on = "warning"                 # default for --fail-on

    [rules.duplicate-paragraph]         # per-rule: severity and options
    severity = "warning"
    near_threshold = 90

    [score]                             # batch scoring weights (see docs/scoring.md)
    structure = 30
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textcheck.errors import ConfigError
from textcheck.finding import Severity
from textcheck.resources import tomllib


@dataclass
class Config:
    disabled: set[str] = field(default_factory=set)
    severities: dict[str, Severity] = field(default_factory=dict)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    fail_on: Severity | None = None
    issuer: str | None = None  # --issuer override (name or division code)
    score: dict[str, Any] = field(default_factory=dict)
    source: str | None = None  # where it was loaded from
    extra: dict[str, Any] = field(default_factory=dict)  # other top-level tables (compare, batch...)
    named_rules: list[str] = field(default_factory=list)  # rule ids the file names, in order (validated later)
    select: list[str] | None = None  # rule ids or categories to run (None: all); resolved by the CLI
    ignore: list[str] = field(default_factory=list)  # rule ids or categories not to run; resolved by the CLI

    def rule_options(self, rule_id: str, defaults: dict[str, Any]) -> dict[str, Any]:
        merged = dict(defaults)
        for key, value in self.options.get(rule_id, {}).items():
            if key not in defaults:
                known = "、".join(defaults) or "无"
                raise ConfigError(f"规则 {rule_id} 没有选项 {key}（可用选项：{known}）", path=self.source)
            merged[key] = _option_value(rule_id, key, value, defaults[key], self.source)
        return merged


# the top-level keys of a configuration (``fail_on`` is accepted for ``fail-on``)
KNOWN_KEYS = ("select", "ignore", "disable", "fail-on", "fail_on", "issuer", "rules", "score", "batch")

_TYPE_NAME = {bool: "true 或 false", int: "整数", float: "数字", str: "字符串", list: "列表"}


def _shown(value: Any) -> str:
    import json

    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return str(value)


def _option_value(rule_id: str, key: str, value: Any, default: Any, source: str | None) -> Any:
    """``value`` for option ``key`` of a rule, if it has the default's type; else a ConfigError naming the key."""
    import math

    expected = type(default)
    if default is None:  # an option without a typed default takes what it is given
        return value
    if expected is bool:
        ok = isinstance(value, bool)
    elif expected is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif expected is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    else:
        ok = isinstance(value, expected)
    if not ok:
        what = _TYPE_NAME.get(expected, expected.__name__)
        if expected is float:
            what = "有限的数字"
        raise ConfigError(f"[rules.{rule_id}] {key} 应是{what}（默认 {_shown(default)}），配置中是 {_shown(value)}",
                          path=source)
    return float(value) if expected is float else value


def _names(table: dict[str, Any], key: str, source: str) -> list[str]:
    """A key holding one rule id / category or a list of them."""
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key} 应是规则编号或类别的列表（如 {key} = [\"duplicate-paragraph\"]），配置中是 {_shown(value)}",
                          path=source)
    return [v.strip() for v in value if v.strip()]


def _from_table(table: dict[str, Any], source: str) -> Config:
    cfg = Config(source=source)
    if not isinstance(table, dict):
        raise ConfigError("[tool.textcheck] 应是一个表", path=source)
    unknown = [k for k in table if k not in KNOWN_KEYS]
    if unknown:
        raise ConfigError(f"未知的配置项 {'、'.join(unknown)}（可用的配置项：{'、'.join(k for k in KNOWN_KEYS if k != 'fail_on')}）",
                          path=source)
    for rid in _names(table, "disable", source):
        cfg.named_rules.append(rid)
        cfg.disabled.add(rid)
    if "select" in table:
        cfg.select = _names(table, "select", source)
    cfg.ignore = _names(table, "ignore", source)
    if "fail-on" in table or "fail_on" in table:
        value = table.get("fail-on", table.get("fail_on"))
        if not isinstance(value, str):
            raise ConfigError(f"fail-on 应是字符串 error、warning 或 info，配置中是 {_shown(value)}", path=source)
        try:
            cfg.fail_on = Severity.parse(value)
        except ValueError as exc:
            raise ConfigError(f"fail-on：{exc}", path=source) from exc
    rules = table.get("rules") or {}
    if not isinstance(rules, dict):
        raise ConfigError(f"rules 应是一个表（[rules.规则编号]），配置中是 {_shown(rules)}", path=source)
    for rid, opts in rules.items():
        cfg.named_rules.append(rid)
        if not isinstance(opts, dict):
            raise ConfigError(f"[rules.{rid}] 应是一个表", path=source)
        opts = dict(opts)
        enabled = opts.pop("enabled", True)
        if not isinstance(enabled, bool):
            raise ConfigError(f"[rules.{rid}] enabled 应是 true 或 false，配置中是 {_shown(enabled)}", path=source)
        if enabled is False:
            cfg.disabled.add(rid)
        if "severity" in opts:
            severity = opts.pop("severity")
            try:
                if not isinstance(severity, str):
                    raise ValueError(f"应是字符串 error、warning 或 info，配置中是 {_shown(severity)}")
                cfg.severities[rid] = Severity.parse(severity)
            except ValueError as exc:
                raise ConfigError(f"[rules.{rid}] severity：{exc}", path=source) from exc
        cfg.options[rid] = opts
    if "issuer" in table:
        if not isinstance(table["issuer"], str):
            raise ConfigError(f"issuer 应是字符串（机关名称或行政区划代码），配置中是 {_shown(table['issuer'])}", path=source)
        cfg.issuer = table["issuer"]
    for key in ("score", "batch"):
        if key in table and not isinstance(table[key], dict):
            raise ConfigError(f"{key} 应是一个表（[{key}]），配置中是 {_shown(table[key])}", path=source)
    cfg.score = dict(table.get("score") or {})
    cfg.extra = {k: v for k, v in table.items() if k == "batch"}
    return cfg


def _read(p: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"配置文件不是有效的 TOML：{exc}", path=str(p)) from exc
    except OSError as exc:
        raise ConfigError(f"无法读取配置文件：{exc.strerror or exc}", path=str(p)) from exc


def _textcheck_table(p: Path) -> dict[str, Any] | None:
    """The configuration in ``p``: the whole file, or ``[tool.textcheck]`` of a pyproject.toml (None without one)."""
    data = _read(p)
    if p.name != "pyproject.toml":
        return data
    tool = data.get("tool")
    return tool.get("textcheck") if isinstance(tool, dict) else None


def find_config(start: Path) -> Path | None:
    """The nearest ``textcheck.toml``, or ``pyproject.toml`` with a ``[tool.textcheck]`` table, from ``start`` up.
    In one folder textcheck.toml comes first; a pyproject.toml without the table is passed over."""
    start = start.resolve()
    for d in (start, *start.parents):
        own = d / "textcheck.toml"
        if own.is_file():
            return own
        pp = d / "pyproject.toml"
        if pp.is_file() and _textcheck_table(pp) is not None:
            return pp
    return None


def load_config(path: str | None = None, *, search_from: Path | list[Path] | None = None) -> Config:
    """Load ``path``; without it, the configuration :func:`find_config` finds from each folder of
    ``search_from`` in turn (default: the current folder), or the defaults when none has one."""
    if path:
        p = Path(path)
        if not p.is_file():
            raise ConfigError("配置文件不存在", path=str(p))
        table = _textcheck_table(p)
        if table is None:
            raise ConfigError("pyproject.toml 中没有 [tool.textcheck] 表", path=str(p))
        return _from_table(table, str(p))
    starts = search_from if isinstance(search_from, list) else [search_from or Path.cwd()]
    for start in starts:
        found = find_config(start)
        if found is not None:
            return _from_table(_textcheck_table(found) or {}, str(found))
    return Config()
