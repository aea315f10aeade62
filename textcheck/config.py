"""Configuration: ``--config FILE`` (TOML) or ``[tool.textcheck]`` in a pyproject.toml.

This module only reads the file. Whether the rule ids and their options exist is checked against
the rule registry by ``textcheck.engine.validate_config`` (the CLI does it right after loading).

Example (textcheck.toml, top level; or the same keys under [tool.textcheck] in pyproject.toml)::

    disable = ["overview-too-long"]     # rule ids to switch off
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

    def rule_options(self, rule_id: str, defaults: dict[str, Any]) -> dict[str, Any]:
        merged = dict(defaults)
        for key, value in self.options.get(rule_id, {}).items():
            if key not in defaults:
                known = "、".join(defaults) or "无"
                raise ConfigError(f"规则 {rule_id} 没有选项 {key}（可用选项：{known}）", path=self.source)
            merged[key] = value
        return merged


def _from_table(table: dict[str, Any], source: str) -> Config:
    cfg = Config(source=source)
    disable = table.get("disable", [])
    if isinstance(disable, str):
        disable = [disable]
    for rid in disable:
        cfg.named_rules.append(rid)
        cfg.disabled.add(rid)
    if "fail-on" in table or "fail_on" in table:
        try:
            cfg.fail_on = Severity.parse(table.get("fail-on", table.get("fail_on")))
        except ValueError as exc:
            raise ConfigError(str(exc), path=source) from exc
    for rid, opts in (table.get("rules") or {}).items():
        cfg.named_rules.append(rid)
        if not isinstance(opts, dict):
            raise ConfigError(f"[rules.{rid}] 应是一个表", path=source)
        opts = dict(opts)
        if opts.pop("enabled", True) is False:
            cfg.disabled.add(rid)
        if "severity" in opts:
            try:
                cfg.severities[rid] = Severity.parse(opts.pop("severity"))
            except ValueError as exc:
                raise ConfigError(str(exc), path=source) from exc
        cfg.options[rid] = opts
    if "issuer" in table:
        cfg.issuer = str(table["issuer"])
    cfg.score = dict(table.get("score") or {})
    cfg.extra = {k: v for k, v in table.items() if k not in {"disable", "fail-on", "fail_on", "rules", "issuer", "score"}}
    return cfg


def load_config(path: str | None = None, *, search_from: Path | None = None) -> Config:
    """Load ``path``; without it, use ``[tool.textcheck]`` of the nearest pyproject.toml, if any."""
    if path:
        p = Path(path)
        if not p.is_file():
            raise ConfigError("配置文件不存在", path=str(p))
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"配置文件不是有效的 TOML：{exc}", path=str(p)) from exc
        table = data.get("tool", {}).get("textcheck", data) if p.name == "pyproject.toml" else data
        return _from_table(table, str(p))
    start = (search_from or Path.cwd()).resolve()
    for d in (start, *start.parents):
        pp = d / "pyproject.toml"
        if pp.is_file():
            try:
                data = tomllib.loads(pp.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError):
                return Config()
            table = data.get("tool", {}).get("textcheck")
            return _from_table(table, str(pp)) if table else Config()
    return Config()
