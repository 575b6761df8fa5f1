"""The scanner's episodes, and the OpenAI chat JSONL record they are read from.

Other formats (Inspect AI logs, RL rollout dumps, SWE-agent, OpenHands, Claude Code, Codex, Responses items)
are turned into the same `Episode` by `overopt.detect.readers`.

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
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

ROLES = {"system": "system", "developer": "system", "user": "user", "assistant": "assistant",
         "tool": "tool", "function": "tool"}


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
    meta: dict | None = None  # what the reader knows besides: {"format": ..., "model": ...}


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
