"""The grader's test inputs: recorded by watching the reference, and parsed from its files and dataset row."""

from __future__ import annotations

import base64
import json
import pickle
from pathlib import Path

from . import _runtime as rt
from ._config import Inputs, ProbeConfig, find_module
from ._results import Trial


def grader_dir(cfg: ProbeConfig) -> Path | None:
    """The folder of the grader's module (the task folder for a command grader); None when not found."""
    if cfg.grader is None:
        return Path(cfg.task_dir).resolve()
    spec, _ = find_module(cfg.grader.split(":")[0], str(Path(cfg.user_dir).resolve()))
    if spec is None or not spec.origin or not Path(spec.origin).is_file():
        return None
    return Path(spec.origin).resolve().parent


def parsed_cases(cfg: ProbeConfig, inputs: Inputs) -> tuple[list, list[str]]:
    """Test cases stated in the grader's folder and the dataset row (`_cases`), for this io kind."""
    try:
        from . import _cases as probe_cases
    except ImportError:
        return [], ["parsed: the test-case parser (_cases) is not available"]
    cases, sources = [], []
    d = grader_dir(cfg)
    if d is not None:
        paths = [p for p in sorted(d.iterdir()) if not p.name.startswith((".", "_overopt")) and p.name != "__pycache__"
                 and (p.is_file() or any(w in p.name.lower() for w in rt.CASE_DIR_WORDS) or cfg.grader is None)]
        try:
            got = probe_cases.cases_in_paths([str(p) for p in paths], entry_point=cfg.entry_point)
        except Exception as exc:  # noqa: BLE001 - a parser failure only costs this source
            got, _ = [], sources.append(f"parsed: {d}: parser failed ({type(exc).__name__}: {exc})")
        cases += got
        sources.append(f"parsed: {len(got)} case(s) in {d}")
    if inputs.has_row:
        try:
            got = probe_cases.cases_from_data(inputs.row, entry_point=cfg.entry_point, origin="--ground-truth")
        except Exception as exc:  # noqa: BLE001
            got, _ = [], sources.append(f"parsed: --ground-truth: parser failed ({type(exc).__name__}: {exc})")
        cases += got
        sources.append(f"parsed: {len(got)} case(s) in --ground-truth")
    kind = "stdio" if cfg.stdio else "call"
    keep = []
    for c in cases:
        if c.kind != kind or c.expected is probe_cases.MISSING:
            continue
        if kind == "call" and c.fn_name and cfg.entry_point and c.fn_name != cfg.entry_point:
            continue
        keep.append(c)
    return keep, sources


def parsed_table(cases: list, io: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for c in cases:
        try:
            if io == "call":
                table.setdefault(rt.call_key(c.args, c.kwargs),
                                 base64.b64encode(pickle.dumps(c.expected, protocol=4)).decode())
            elif isinstance(c.expected, str) and c.stdin is not None:
                table.setdefault(rt.stdin_key(c.stdin), c.expected)
        except Exception:  # noqa: BLE001 - an unpicklable value: leave that case out
            continue
    return table


def recorded_table(trials: list[Trial], io: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for t in trials:
        for r in t.records:
            if "raised" in r:
                continue
            if io == "call" and r.get("kind") == "call" and "pickle" in (r.get("output") or {}):
                table.setdefault(r["key"], r["output"]["pickle"])
            elif io == "stdio" and r.get("kind") == "stdio" and isinstance(r.get("stdout"), str):
                table.setdefault(r["key"], r["stdout"])
    return table


def input_keys(t: Trial) -> list[str]:
    """The keys of the inputs a watched run recorded, sorted."""
    return sorted(r["key"] for r in t.records if r.get("kind") in ("call", "stdio") and "key" in r)


def mentions_runner(cfg: ProbeConfig, inputs: Inputs) -> bool:
    """Whether the grader's Python files or the dataset row name the test runner."""
    d = grader_dir(cfg)
    texts = [json.dumps(inputs.row)] if inputs.has_row else []
    if d is not None:
        for p in sorted(d.glob("*.py"))[:50]:
            try:
                texts.append(p.read_text(errors="replace"))
            except OSError:
                continue
    return any("pytest" in t for t in texts)
