"""The action ledger: one JSON line per tool call, append-only, written as each call ends.

A verifier can later check a tool result quoted in a transcript against `result_sha256`
(sha256 of the UTF-8 stdout text exactly as returned in `ExecResult.stdout`).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

LEDGER_VERSION = 1
MAX_INLINE_ARGUMENTS = 4096  # bytes of JSON; larger arguments are stored as their hash


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def canonical_json(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, default=repr, separators=(",", ":"))


def iso_utc(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).isoformat(timespec="microseconds").replace(
        "+00:00", "Z")


def arguments_record(arguments: Any) -> dict[str, Any]:
    """`arguments` inline (if small), always with the sha256 of their canonical JSON."""
    text = canonical_json(arguments)
    record: dict[str, Any] = {"arguments_sha256": sha256_text(text)}
    if len(text.encode("utf-8", "surrogatepass")) <= MAX_INLINE_ARGUMENTS:
        record["arguments"] = json.loads(text)
    else:
        record["arguments"] = None
        record["arguments_bytes"] = len(text.encode("utf-8", "surrogatepass"))
    return record


class ActionLedger:
    """Append-only JSONL file. Each `append` is one `write()` on an O_APPEND descriptor, so lines from
    several threads or processes never interleave, and a crash loses at most the call in flight."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._fd: int | None = None

    def append(self, entry: dict[str, Any]) -> None:
        line = (json.dumps(entry, ensure_ascii=False, default=repr) + "\n").encode("utf-8", "replace")
        with self._lock:
            if self._fd is None:
                self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
            os.write(self._fd, line)

    def entries(self, episode_id: str | None = None) -> list[dict[str, Any]]:
        """All entries (or one episode's), oldest first. A torn last line is skipped."""
        if not self.path.exists():
            return []
        out = []
        with open(self.path, encoding="utf-8") as f:
            for line in f:
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if episode_id is None or entry.get("episode_id") == episode_id:
                    out.append(entry)
        return out

    def find(self, call_id: str) -> dict[str, Any] | None:
        for entry in self.entries():
            if entry.get("call_id") == call_id:
                return entry
        return None

    def close(self) -> None:
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
