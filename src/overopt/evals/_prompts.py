"""The prompts file of `overopt eval`: JSONL, one object per line with a non-empty string "prompt"; optional
"id" (default: the line number) and "category"; every other field is the dataset row the grader receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from overopt.errors import InputError
from overopt.inputs import read_jsonl_rows


@dataclass
class Prompt:
    id: str
    text: str
    category: str | None = None
    row: dict = field(default_factory=dict)   # the whole line: what the grader's adapter receives


def read_prompts(path: str | Path) -> list[Prompt]:
    """Prompts in file order; a malformed line or a repeated id is an InputError naming file:line."""
    prompts: list[Prompt] = []
    seen: dict[str, int] = {}
    for i, row in read_jsonl_rows(path, ("prompt",), "prompts"):
        pid = str(row.get("id", f"line-{i}"))
        if pid in seen:
            raise InputError(f"id {pid!r} already used on line {seen[pid]}", path=Path(path), line=i)
        seen[pid] = i
        category = row.get("category")
        prompts.append(Prompt(pid, row["prompt"], None if category is None else str(category), row))
    return prompts
