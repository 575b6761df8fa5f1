"""What `overopt probe` is asked to do (`ProbeConfig`), and the checks of it and of the files it names."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from overopt.errors import InputError

from . import _exploits as ex_mod
from ._exploits import FAMILIES


@dataclass
class ProbeConfig:
    grader: str | None = None           # "module:function"
    grader_cmd: str | None = None
    task_dir: str | None = None
    solution_file: str = "solution.py"
    adapter: str = "auto"
    entry_point: str | None = None
    stdio: bool = False
    reference: str | None = None        # paths
    wrong: str | None = None
    ground_truth: str | None = None
    response_template: str | None = None
    score_key: str | None = None
    pass_score: float | None = None
    read_paths: list[str] = field(default_factory=list)
    pass_env: list[str] = field(default_factory=list)
    memory_mb: int = 4096
    timeout: float = 30.0
    jobs: int = 2
    user_dir: str = "."
    only: list[str] | None = None

    @property
    def io(self) -> str:
        return "stdio" if self.stdio else "call"

    @property
    def mode(self) -> str:
        return "function" if self.grader else "command"


@dataclass
class Inputs:
    """The validated files: sources and the dataset row."""
    reference: str | None
    wrong: str
    row: object = None
    has_row: bool = False


# --- validation -----------------------------------------------------------------------------------


def find_module(module: str, user_dir: str):
    """(the module's spec or None, why not found), looked up with `user_dir` on sys.path."""
    added = user_dir not in sys.path
    if added:
        sys.path.insert(0, user_dir)
    try:
        return importlib.util.find_spec(module), ""
    except (ImportError, ValueError) as exc:
        return None, f" ({type(exc).__name__}: {exc})"
    finally:
        if added:
            sys.path.remove(user_dir)


def _read_source(path: str, what: str) -> str:
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{what} not found", path=p)
    try:
        text = p.read_text()
        compile(text, str(p), "exec")
    except UnicodeDecodeError:
        raise InputError(f"{what} is not UTF-8 text", path=p) from None
    except SyntaxError as exc:
        raise InputError(f"{what} is not valid Python: {exc.msg}", path=p, line=exc.lineno) from None
    return text


def validate(cfg: ProbeConfig) -> Inputs:
    """Check the settings and read the files; bad input raises InputError."""
    from ._adapters import ADAPTERS

    if (cfg.grader is None) == (cfg.grader_cmd is None):
        raise InputError("give exactly one of --grader MODULE:FUNCTION or --grader-cmd \"CMD\"")
    if cfg.entry_point is not None and not cfg.entry_point.isidentifier():
        raise InputError(f"--entry-point must be a Python identifier, got {cfg.entry_point!r}")
    if cfg.stdio and cfg.entry_point:
        raise InputError("give --entry-point NAME (function submissions) or --stdio (stdin/stdout programs), not both")
    if cfg.adapter not in ADAPTERS:
        raise InputError(f"--adapter must be one of {', '.join(ADAPTERS)}, got {cfg.adapter!r}")
    if cfg.grader is not None:
        if cfg.grader.count(":") != 1 or not all(cfg.grader.split(":")):
            raise InputError(f"--grader must look like module:function, got {cfg.grader!r}")
        if not cfg.stdio and not cfg.entry_point:
            raise InputError("--grader needs --entry-point NAME (the function the submissions define) or --stdio "
                            "(the submissions are stdin/stdout programs)")
        module = cfg.grader.split(":")[0]
        spec, why = find_module(module, str(Path(cfg.user_dir).resolve()))
        if spec is None:
            raise InputError(f"grader module {module!r} not found in {Path(cfg.user_dir).resolve()} or on sys.path{why}")
    else:
        if not cfg.task_dir:
            raise InputError("--grader-cmd needs --task-dir DIR (the task's files, copied fresh for each exploit)")
        if not Path(cfg.task_dir).is_dir():
            raise InputError("task folder not found", path=cfg.task_dir)
        if not cfg.stdio and not cfg.entry_point:
            cfg.entry_point = "solve"
        sf = Path(cfg.solution_file)
        if sf.is_absolute() or ".." in sf.parts or not sf.parts:
            raise InputError(f"--solution-file must be a path inside the task folder, got {cfg.solution_file!r}")
        for flag, val in (("--adapter", cfg.adapter != "auto"), ("--ground-truth", cfg.ground_truth),
                          ("--response-template", cfg.response_template), ("--score-key", cfg.score_key)):
            if val:
                raise InputError(f"{flag} applies to --grader (a Python function), not to --grader-cmd")
    if cfg.timeout <= 0:
        raise InputError(f"--timeout must be positive, got {cfg.timeout}")
    if cfg.memory_mb <= 0:
        raise InputError(f"--memory-mb must be positive, got {cfg.memory_mb}")
    if cfg.jobs < 1:
        raise InputError(f"--jobs must be at least 1, got {cfg.jobs}")
    if cfg.response_template is not None and "{code}" not in cfg.response_template:
        raise InputError("--response-template must contain {code} (where the submission goes)")
    for p in cfg.read_paths:
        if not Path(p).exists():
            raise InputError("--read-path not found", path=p)
    for name in cfg.pass_env:
        if name not in os.environ:
            raise InputError(f"--pass-env {name}: not set in your environment")
    if cfg.only:
        names = ex_mod.all_names()
        bad = [e for e in cfg.only if e not in names]
        if bad:
            raise InputError(f"unknown exploit {bad[0]!r}; choose a family ({', '.join(FAMILIES)}) or family/variant")
    reference = _read_source(cfg.reference, "reference solution") if cfg.reference else None
    wrong = _read_source(cfg.wrong, "wrong solution") if cfg.wrong else ex_mod.baseline_source(cfg.entry_point, cfg.io)
    inputs = Inputs(reference, wrong)
    if cfg.ground_truth:
        p = Path(cfg.ground_truth)
        if not p.is_file():
            raise InputError("ground-truth file not found", path=p)
        try:
            inputs.row = json.loads(p.read_text())
        except json.JSONDecodeError as exc:
            raise InputError(f"ground truth is not valid JSON: {exc.msg}", path=p, line=exc.lineno) from None
        inputs.has_row = True
    return inputs
