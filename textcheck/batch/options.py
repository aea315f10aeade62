"""The ``[batch]`` table of the configuration: how cross-report copies are found."""

from __future__ import annotations

from typing import Any

from textcheck.config import Config
from textcheck.errors import ConfigError

# [batch] options in the config file
BATCH_DEFAULTS: dict[str, Any] = {
    "min_chars": 40,  # paragraphs shorter than this (punctuation removed) are not compared
    "threshold": 90.0,  # rapidfuzz ratio (0-100) for two paragraphs to count as the same text
    "template_share": 0.6,  # paragraphs whose text is at least this share template wording are skipped
    "boilerplate_fraction": 0.1,  # text shared by at least this share of issuers is boilerplate...
    "boilerplate_min": 20,  # ...and by at least this many issuers...
    "boilerplate_max": 100,  # ...and always when shared by this many
    "max_related": 10,  # at most this many other reports listed per finding
    "file_timeout": 120,  # seconds one file may take in a worker before it is marked unreadable (0: no limit)
    "file_memory_mb": 2048,  # memory (MB) a worker may add for one file (RLIMIT_AS; 0: no limit)
}


def batch_options(config: Config) -> dict[str, Any]:
    """The defaults overridden by ``[batch]``; ``ConfigError`` for an unknown or non-numeric option."""
    table = dict((config.extra or {}).get("batch") or {})
    opts = dict(BATCH_DEFAULTS)
    for key, value in table.items():
        k = key.replace("-", "_")
        if k not in BATCH_DEFAULTS:
            raise ConfigError(f"[batch] 没有选项 {key}（可用选项：{'、'.join(BATCH_DEFAULTS)}）", path=config.source)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise ConfigError(f"[batch] {key} 应是数字", path=config.source)
        if value != value or value in (float("inf"), float("-inf")) or value < 0:
            raise ConfigError(f"[batch] {key} 应是不小于 0 的有限数字", path=config.source)
        opts[k] = value
    return opts
