"""The prompts file of `overopt eval`: JSONL, one object per line with a non-empty string "prompt"; optional
"id" (default: the line number) and "category"; every other field is the dataset row the grader receives."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from overopt.errors import InputError


@dataclass
class Prompt:
    id: str
    text: str
    category: str | None = None
    row: dict = field(default_factory=dict)   # the whole line: what the grader's adapter receives


def read_prompts(path: str | Path) -> list[Prompt]:
    """Prompts in file order; a malformed line or a repeated id is an InputError naming file:line."""
    p = Path(path)
    if not p.is_file():
        raise InputError("prompts file not found", path=p)
    prompts: list[Prompt] = []
    seen: dict[str, int] = {}
    with open(p, "rb") as fh:
        for i, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                row = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise InputError(f"not a JSON line ({exc})", path=p, line=i) from None
            if not isinstance(row, dict) or not isinstance(row.get("prompt"), str) or not row["prompt"]:
                raise InputError('expected an object with a non-empty string "prompt"', path=p, line=i)
            pid = str(row.get("id", f"line-{i}"))
            if pid in seen:
                raise InputError(f"id {pid!r} already used on line {seen[pid]}", path=p, line=i)
            seen[pid] = i
            category = row.get("category")
            prompts.append(Prompt(pid, row["prompt"], None if category is None else str(category), row))
    if not prompts:
        raise InputError("no prompts in file", path=p)
    return prompts
