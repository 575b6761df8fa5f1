"""overopt's one error hierarchy, like `gymnasium.error`.

Library code raises these; the CLI turns any `OveroptError` into a one-line `error: ...` and exit 2.

    OveroptError
    ├── ConfigError(ValueError)   a setting is out of range or inconsistent; the message says how to fix it
    ├── InputError                a file, folder or argument cannot be used (path and line when known)
    └── DependencyMissing         an optional extra is not installed; the message names the pip command
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["OveroptError", "ConfigError", "InputError", "DependencyMissing"]


class OveroptError(Exception):
    """Base of every error overopt raises on purpose. Never a bug in overopt."""

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None):
        self.path = None if path is None else str(path)
        self.line = line
        where = ""
        if self.path is not None:
            where = f"{self.path}:{line}: " if line is not None else f"{self.path}: "
        super().__init__(f"{where}{message}")


class ConfigError(OveroptError, ValueError):
    """A setting has a bad value. Raised by config dataclasses' `__post_init__` and by `--set`."""


class InputError(OveroptError):
    """Input that cannot be used: a missing path, a malformed file (with its line), a bad argument."""


class DependencyMissing(OveroptError, ImportError):
    """An optional dependency is not installed; the message says which extra to install."""

