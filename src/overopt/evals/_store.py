"""samples.jsonl: every scored sample, appended as it comes, so a killed run resumes where it stopped."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterable


class SampleStore:
    """One JSON object per line with at least "model" (model or baseline), "prompt_id" and "index". A torn
    last line (a crash mid-write) is dropped on open."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._records: list[dict[str, Any]] = []
        if self.path.exists():
            self._load()

    def _load(self) -> None:
        good = 0
        with open(self.path, "rb") as fh:
            for raw in fh:
                try:
                    record = json.loads(raw)
                except (json.JSONDecodeError, UnicodeDecodeError):
                    break
                if not raw.endswith(b"\n"):
                    break
                self._records.append(record)
                good += len(raw)
        if good < self.path.stat().st_size:
            with open(self.path, "r+b") as fh:
                fh.truncate(good)

    def done(self, model: str) -> set[tuple[str, int]]:
        return {(r["prompt_id"], r["index"]) for r in self._records if r["model"] == model}

    def records(self, model: str) -> list[dict[str, Any]]:
        return [r for r in self._records if r["model"] == model]

    def append(self, records: Iterable[dict[str, Any]]) -> None:
        records = list(records)
        if not records:
            return
        with open(self.path, "a", encoding="utf-8") as fh:
            for r in records:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        self._records += records
