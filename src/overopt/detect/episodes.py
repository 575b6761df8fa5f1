"""The scanner's input: episodes as JSONL (one per line), or Inspect AI logs.

JSONL, one episode per line::

    {"id": "ep-1",
     "messages": [{"role": "system"|"user"|"assistant"|"tool", "content": ...}, ...],
     "diff": "unified diff of the workspace (optional)",
     "ledger": [{"call_id": ..., "tool": ..., "arguments": ..., "status": ...}, ...]}

`messages` are OpenAI chat messages. `content` is a string, null, or a list of parts
(`{"type": "text", "text": ...}`). An assistant message may carry `tool_calls`
(`[{"id", "type": "function", "function": {"name", "arguments": "<json string>"}}]`) and its chain
of thought in `reasoning` (or `reasoning_content`). A tool message carries `tool_call_id`.
`developer` is read as `system`, `function` as `tool`; any other role is an error.
A missing `id` becomes `FILE:LINE`.

Inspect AI logs: `.eval` files (a zip with one JSON per sample) are streamed sample by sample;
`.json` logs are read whole (Inspect writes them as one object), so prefer `.eval` for big logs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

ROLES = {"system": "system", "developer": "system", "user": "user", "assistant": "assistant",
         "tool": "tool", "function": "tool"}
MAX_LINE_BYTES = 64 * 1024 * 1024


class EpisodeError(ValueError):
    """A malformed record: the scanner reports it with file:line and carries on."""


@dataclass(slots=True)
class ToolCall:
    id: str
    name: str
    arguments: str  # the raw arguments text (JSON as the model wrote it)


@dataclass(slots=True)
class Message:
    role: str
    content: str
    reasoning: str = ""
    tool_calls: list[ToolCall] = field(default_factory=list)
    tool_call_id: str | None = None
    name: str | None = None


@dataclass
class Episode:
    id: str
    messages: list[Message]
    diff: str | None = None
    ledger: list[dict] | None = None
    source: str = ""  # "file:line"


def _text(content: Any, where: str) -> tuple[str, str]:
    """(text, reasoning) from a content value: str, None or a list of parts."""
    if content is None:
        return "", ""
    if isinstance(content, str):
        return content, ""
    if isinstance(content, list):
        texts, reasoning = [], []
        for part in content:
            if isinstance(part, str):
                texts.append(part)
            elif isinstance(part, dict):
                kind = part.get("type")
                if kind == "reasoning":
                    reasoning.append(str(part.get("reasoning") or part.get("text") or ""))
                elif "text" in part and isinstance(part["text"], str):
                    texts.append(part["text"])
                # images, audio, refusals without text: nothing to scan
            else:
                raise EpisodeError(f"{where}: content parts must be strings or objects")
        return "\n".join(texts), "\n".join(reasoning)
    raise EpisodeError(f"{where}: content must be a string, null or a list of parts, "
                       f"got {type(content).__name__}")


def _tool_call(tc: Any, where: str) -> ToolCall:
    if not isinstance(tc, dict):
        raise EpisodeError(f"{where}: each tool call must be an object")
    fn = tc.get("function")
    if isinstance(fn, dict):  # OpenAI
        name, args = fn.get("name") or "", fn.get("arguments", "")
    else:  # Inspect AI: function is the name, arguments a dict
        name, args = fn or tc.get("name") or "", tc.get("arguments", "")
    if not isinstance(args, str):
        args = json.dumps(args, ensure_ascii=False)
    return ToolCall(id=str(tc.get("id") or ""), name=str(name), arguments=args)


def parse_messages(raw: Any) -> list[Message]:
    if not isinstance(raw, list):
        raise EpisodeError("'messages' must be a list of chat messages")
    out = []
    for i, m in enumerate(raw):
        where = f"messages[{i}]"
        if not isinstance(m, dict):
            raise EpisodeError(f"{where} is not an object")
        role = m.get("role")
        if role not in ROLES:
            raise EpisodeError(f"{where}: unknown role {role!r} "
                               "(expected system, user, assistant or tool)")
        text, reasoning = _text(m.get("content"), where)
        r = m.get("reasoning") or m.get("reasoning_content")
        if r:
            reasoning = (reasoning + "\n" + r) if reasoning else str(r)
        calls = m.get("tool_calls") or []
        if not isinstance(calls, list):
            raise EpisodeError(f"{where}: 'tool_calls' must be a list")
        out.append(Message(
            role=ROLES[role], content=text, reasoning=reasoning,
            tool_calls=[_tool_call(tc, f"{where}.tool_calls") for tc in calls],
            tool_call_id=m.get("tool_call_id"),
            name=m.get("name") or (m.get("function") if isinstance(m.get("function"), str) else None)))
    return out


def parse_episode(obj: Any, default_id: str = "") -> Episode:
    """An Episode from one decoded JSON record, or EpisodeError saying what is wrong."""
    if not isinstance(obj, dict):
        raise EpisodeError(f"an episode must be a JSON object, got {type(obj).__name__}")
    if "messages" not in obj:
        raise EpisodeError("missing 'messages' (a list of chat messages)")
    ep_id = obj.get("id", default_id)
    if ep_id is None or isinstance(ep_id, (dict, list)):
        raise EpisodeError("'id' must be a string")
    diff = obj.get("diff")
    if diff is not None and not isinstance(diff, str):
        raise EpisodeError("'diff' must be a string (a unified diff)")
    ledger = obj.get("ledger")
    if ledger is not None and (not isinstance(ledger, list)
                               or not all(isinstance(e, dict) for e in ledger)):
        raise EpisodeError("'ledger' must be a list of objects")
    return Episode(id=str(ep_id), messages=parse_messages(obj["messages"]), diff=diff,
                   ledger=ledger, source=default_id)


@dataclass
class Bad:
    """A record that could not be read: reported with file:line, counted and skipped."""
    path: str
    line: int | None
    error: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.error}"


def _looks_binary(head: bytes) -> bool:
    return b"\x00" in head


def iter_jsonl(path: Path, on_bytes=None) -> Iterator[Episode | Bad]:
    """Stream episodes from a JSONL file (plain or .gz); memory stays flat whatever the size."""
    import gzip

    opener = gzip.open if path.suffix == ".gz" else open
    try:
        fh = opener(path, "rb")
        head = fh.peek(8192)[:8192] if hasattr(fh, "peek") else b""
    except OSError as exc:
        yield Bad(str(path), None, f"cannot read: {exc}")
        return
    with fh:
        if _looks_binary(head):
            yield Bad(str(path), None, "binary file, not JSONL text (expected one JSON object a line)")
            return
        lineno = 0
        while True:
            try:
                raw = fh.readline(MAX_LINE_BYTES)
            except (OSError, EOFError) as exc:
                yield Bad(str(path), lineno + 1, f"read error: {exc}")
                return
            if not raw:
                break
            lineno += 1
            if on_bytes is not None:
                on_bytes(len(raw))
            if len(raw) >= MAX_LINE_BYTES and not raw.endswith(b"\n"):
                while True:  # skip the rest of an oversized line without holding it
                    more = fh.readline(MAX_LINE_BYTES)
                    if on_bytes is not None:
                        on_bytes(len(more))
                    if not more or more.endswith(b"\n"):
                        break
                yield Bad(str(path), lineno, f"line longer than {MAX_LINE_BYTES >> 20} MiB")
                continue
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except UnicodeDecodeError:
                yield Bad(str(path), lineno, "not UTF-8 text")
                continue
            except ValueError as exc:
                yield Bad(str(path), lineno, f"not JSON ({exc})")
                continue
            try:
                yield parse_episode(obj, default_id=f"{path.name}:{lineno}")
            except EpisodeError as exc:
                yield Bad(str(path), lineno, str(exc))


# ---- Inspect AI logs -------------------------------------------------------------------------

def _inspect_sample(sample: Any, where: str) -> Episode:
    if not isinstance(sample, dict):
        raise EpisodeError("an Inspect sample must be an object")
    sid = sample.get("id", where)
    epoch = sample.get("epoch")
    ep_id = f"{sid}" if epoch in (None, 1) else f"{sid}#{epoch}"
    msgs = sample.get("messages")
    if msgs is None:
        raise EpisodeError("Inspect sample has no 'messages'")
    ep = parse_episode({"id": ep_id, "messages": msgs}, default_id=where)
    # sandbox/tool events are the sample's ledger: what really ran
    ledger = []
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
    return ep


def iter_inspect(path: Path) -> Iterator[Episode | Bad]:
    """Episodes from an Inspect AI log: `.eval` (zip, streamed per sample) or `.json`."""
    import zipfile

    if zipfile.is_zipfile(path):
        try:
            zf = zipfile.ZipFile(path)
        except (OSError, zipfile.BadZipFile) as exc:
            yield Bad(str(path), None, f"not a readable Inspect .eval log: {exc}")
            return
        with zf:
            names = sorted(n for n in zf.namelist() if n.startswith("samples/") and n.endswith(".json"))
            if not names:
                yield Bad(str(path), None, "Inspect log has no samples/ entries")
            for name in names:
                where = f"{path.name}!{name}"
                try:
                    sample = json.loads(zf.read(name))
                    yield _inspect_sample(sample, where)
                except (ValueError, EpisodeError, KeyError) as exc:
                    yield Bad(f"{path}!{name}", None, str(exc))
        return
    try:
        with open(path, "rb") as fh:
            if _looks_binary(fh.read(8192)):
                yield Bad(str(path), None, "binary file, not an Inspect .json log")
                return
        log = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        yield Bad(str(path), None, f"not a readable Inspect .json log: {exc}")
        return
    if not isinstance(log, dict) or not isinstance(log.get("samples"), list):
        yield Bad(str(path), None, "not an Inspect log (no 'samples' list); "
                  "JSONL episodes need a .jsonl extension")
        return
    for i, sample in enumerate(log["samples"]):
        where = f"{path.name}#sample{i}"
        try:
            yield _inspect_sample(sample, where)
        except EpisodeError as exc:
            yield Bad(str(path), None, f"sample {i}: {exc}")


def iter_file(path: Path, on_bytes=None) -> Iterator[Episode | Bad]:
    """`.eval` and `.json` are Inspect AI logs; anything else is JSONL (optionally `.gz`)."""
    if path.suffix in (".eval", ".json"):
        yield from iter_inspect(path)
        if on_bytes is not None:
            try:
                on_bytes(path.stat().st_size)
            except OSError:
                pass
    else:
        yield from iter_jsonl(path, on_bytes=on_bytes)
