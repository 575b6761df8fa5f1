"""User-facing errors: the CLI prints them on one line and exits with code 2."""

from __future__ import annotations

from pathlib import Path


class UserError(Exception):
    """Bad input from the user (a path, a setting, a malformed file). Never a bug in overopt."""

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None):
        self.path = None if path is None else str(path)
        self.line = line
        where = ""
        if self.path is not None:
            where = f"{self.path}:{line}: " if line is not None else f"{self.path}: "
        super().__init__(f"{where}{message}")


def require_positive(name: str, value: float) -> None:
    if value <= 0:
        raise UserError(f"{name} must be positive, got {value}")


def require_path(path: str | Path, what: str) -> Path:
    """Return `path` as a Path if it exists, else raise a UserError naming `what`."""
    p = Path(path)
    if not p.exists():
        raise UserError(f"{what} not found", path=p)
    return p
