"""Inspect AI logs: `.eval` (a zip with one JSON per sample, entries stored, deflate or zstd) streamed sample by
sample, and `.json` logs (one object with a `samples` list) read whole.

A sample's `messages` become the episode (Inspect's messages are OpenAI-like: `tool_calls` with `function` the
name and `arguments` an object, content parts with `reasoning`); its tool and sandbox events become the ledger.
`attachment://` references are resolved from the sample's `attachments`."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from overopt.detect.episodes import Bad, Episode, EpisodeError, parse_episode
from overopt.detect.readers import zipread
from overopt.detect.readers.base import Reader

ATTACHMENT = "attachment://"


def match(obj: Any) -> bool:
    return isinstance(obj, dict) and isinstance(obj.get("samples"), list) and ("eval" in obj or "version" in obj)


def _resolve(value: Any, attachments: dict) -> Any:
    if isinstance(value, str):
        if value.startswith(ATTACHMENT):
            return attachments.get(value[len(ATTACHMENT):], value)
        return value
    if isinstance(value, list):
        return [_resolve(v, attachments) for v in value]
    if isinstance(value, dict):
        return {k: _resolve(v, attachments) for k, v in value.items()}
    return value


def sample_episode(sample: Any, where: str, model: str | None = None) -> Episode:
    if not isinstance(sample, dict):
        raise EpisodeError("an Inspect sample must be an object")
    sid = sample.get("id", where)
    epoch = sample.get("epoch")
    ep_id = f"{sid}" if epoch in (None, 1) else f"{sid}#{epoch}"
    msgs = sample.get("messages")
    if msgs is None:
        raise EpisodeError("Inspect sample has no 'messages'")
    attachments = sample.get("attachments")
    if isinstance(attachments, dict) and attachments:
        msgs = _resolve(msgs, attachments)
    ep = parse_episode({"id": ep_id, "messages": msgs}, default_id=where)
    ledger = []  # sandbox/tool events: what really ran
    for ev in sample.get("events") or []:
        if not isinstance(ev, dict):
            continue
        if ev.get("event") == "tool":
            ledger.append({"call_id": ev.get("id"), "tool": ev.get("function"),
                           "arguments": ev.get("arguments"),
                           "status": "error" if ev.get("error") else "ok"})
        elif ev.get("event") == "sandbox" and ev.get("action") == "exec":
            ledger.append({"call_id": None, "tool": "exec", "arguments": {"cmd": ev.get("cmd")},
                           "status": "ok" if ev.get("result") in (0, None) else "error"})
    ep.ledger = ledger or None
    ep.source = where
    ep.meta = {"format": "inspect", "model": model} if model else {"format": "inspect"}
    return ep


def record(log: Any, where: str) -> Iterator[Episode | str]:
    """A whole `.json` log."""
    if not match(log):
        raise EpisodeError("not an Inspect log (no 'samples' list)")
    model = log.get("eval", {}).get("model") if isinstance(log.get("eval"), dict) else None
    for i, sample in enumerate(log["samples"]):
        try:
            yield sample_episode(sample, f"{where}#sample{i}", model)
        except EpisodeError as exc:
            yield f"sample {i}: {exc}"


def iter_eval(path: Path) -> Iterator[Episode | Bad]:
    """Episodes from a `.eval` zip, one sample entry at a time (memory: one sample)."""
    import json

    try:
        fh = open(path, "rb")
    except OSError as exc:
        yield Bad(str(path), None, f"cannot read: {exc}")
        return
    with fh:
        try:
            listing = zipread.entries(fh)
        except (zipread.ZipError, OSError, ValueError) as exc:
            yield Bad(str(path), None, f"not a readable Inspect .eval log: {exc}")
            return
        names = {e.name: e for e in listing}
        model = None
        if "header.json" in names:
            try:
                head = json.loads(zipread.read_entry(fh, names["header.json"]))
                model = (head.get("eval") or {}).get("model") if isinstance(head, dict) else None
            except (zipread.ZipError, OSError, ValueError, AttributeError):
                model = None
        samples = sorted((e for e in listing if e.name.startswith("samples/") and e.name.endswith(".json")),
                         key=lambda e: e.name)
        if not samples:
            yield Bad(str(path), None, "Inspect log has no samples/ entries")
        for e in samples:
            where = f"{path.name}!{e.name}"
            try:
                yield sample_episode(json.loads(zipread.read_entry(fh, e)), where, model)
            except (zipread.ZipError, OSError, ValueError) as exc:  # EpisodeError is a ValueError
                yield Bad(f"{path}!{e.name}", None, str(exc))


READER = Reader("inspect", "Inspect AI logs: .eval (zip; stored, deflate or zstd entries) and .json", match,
                record=record)
