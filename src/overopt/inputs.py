"""Reading users' JSONL files: every bad line is an InputError naming file:line, nothing is half-read."""

from __future__ import annotations

import json
from pathlib import Path

from overopt.errors import InputError


def read_jsonl_rows(path: str | Path, keys: tuple[str, ...], what: str) -> list[tuple[int, dict]]:
    """(line number, object) for every non-blank line of a JSONL file whose objects all carry non-empty strings
    under `keys`; `what` names the file's content in errors ("prompts", "preference pairs")."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{what} file not found", path=p)
    rows = []
    with open(p, "rb") as fh:
        for i, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                row = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise InputError(f"not a JSON line ({exc})", path=p, line=i) from None
            if not isinstance(row, dict) or not all(isinstance(row.get(k), str) and row[k] for k in keys):
                quoted = [f'"{k}"' for k in keys]
                names = quoted[0] if len(keys) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
                noun = "a non-empty string" if len(keys) == 1 else "non-empty strings"
                raise InputError(f"expected an object with {noun} {names}", path=p, line=i)
            rows.append((i, row))
    if not rows:
        raise InputError(f"no {what} in file", path=p)
    return rows
