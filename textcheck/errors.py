"""Errors a user can act on. Their messages are shown as-is (简体中文); never a traceback."""

from __future__ import annotations


class TextcheckError(Exception):
    """Base class: ``message`` is user-facing Chinese text, ``exit_code`` the CLI exit status."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}：{self.message}" if self.path else self.message


class InputError(TextcheckError):
    """The input cannot be read as a report (missing, empty, binary, corrupt, too large...)."""


class ConfigError(TextcheckError):
    """The configuration file or a command-line option is invalid."""
