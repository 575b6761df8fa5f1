"""Run folders: every experiment records its config, seed, package versions, status and results.

A run folder holds `status.json` from the first moment: `running`, then `complete` or `failed`
(with the error). Results are written as they are produced, so a crash loses nothing finished,
and a folder whose status is not `complete` never looks like a finished run.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import platform
import sys
import time
import traceback
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any, Iterator

from overopt.errors import InputError
from overopt.seeding import torch_threads

TRACKED_PACKAGES = (
    "overopt", "torch", "transformers", "trl", "accelerate", "tokenizers", "numpy", "scipy",
    "matplotlib", "gymnasium", "stable-baselines3",
)


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in TRACKED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return versions


def to_jsonable(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {k: to_jsonable(v) for k, v in dataclasses.asdict(obj).items()}
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, Path):
        return str(obj)
    if hasattr(obj, "item") and callable(obj.item):  # numpy / torch scalars
        return obj.item()
    return obj


def write_json(path: Path, data: Any) -> None:
    """Write JSON atomically (temp file + rename), so a reader never sees half a file."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(to_jsonable(data), indent=2, sort_keys=False) + "\n")
    os.replace(tmp, path)


class CsvLog:
    """Append rows to a CSV as they are produced (flushed each row, so a crash keeps them)."""

    def __init__(self, path: Path, columns: list[str]):
        self.path = path
        self.columns = columns
        self._fh = open(path, "w", newline="")
        self._writer = csv.DictWriter(self._fh, fieldnames=columns, extrasaction="ignore")
        self._writer.writeheader()
        self._fh.flush()

    def write(self, row: dict[str, Any]) -> None:
        self._writer.writerow({k: _fmt(row.get(k)) for k in self.columns})
        self._fh.flush()

    def close(self) -> None:
        self._fh.close()


def _fmt(v: Any) -> Any:
    if isinstance(v, float):
        return repr(round(v, 10))
    return v


class RunDir:
    """A run's output folder. Use `start_run` rather than constructing one directly."""

    def __init__(self, path: Path):
        self.path = path

    def file(self, name: str) -> Path:
        return self.path / name

    def write_json(self, name: str, data: Any) -> Path:
        p = self.file(name)
        write_json(p, data)
        return p

    def csv(self, name: str, columns: list[str]) -> CsvLog:
        return CsvLog(self.file(name), columns)

    def set_status(self, state: str, **extra: Any) -> None:
        write_json(self.file("status.json"), {"state": state, "time": time.strftime("%Y-%m-%dT%H:%M:%S"), **extra})


@contextmanager
def start_run(out: str | Path, *, kind: str, config: Any, seed: int | None,
              overwrite: bool = True) -> Iterator[RunDir]:
    """Create the run folder, record config.json (config, seed, versions, command) and track status.

    On an exception the status becomes `failed` with the error, and the exception propagates.
    """
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise InputError("output path exists and is not a folder", path=path)
    if path.exists() and any(path.iterdir()) and not overwrite:
        raise InputError("output folder is not empty", path=path)
    path.mkdir(parents=True, exist_ok=True)
    # A finished run's files from an earlier run in the same folder must not survive.
    for stale in ("status.json", "report.md"):
        (path / stale).unlink(missing_ok=True)
    run = RunDir(path)
    run.set_status("running")
    run.write_json("config.json", {
        "kind": kind,
        "seed": seed,
        "config": config,
        "versions": package_versions(),
        "torch_threads": torch_threads(),
        "command": sys.argv,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
    })
    started = time.perf_counter()
    try:
        yield run
    except BaseException as exc:
        run.set_status("failed", error=f"{type(exc).__name__}: {exc}",
                       traceback=traceback.format_exc(limit=20))
        raise
    run.set_status("complete", wall_seconds=round(time.perf_counter() - started, 2))
