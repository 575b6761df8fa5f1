"""Claude Code sessions (`~/.claude/projects/<project>/<session>.jsonl`): one file is one session.

Lines of `type` `user`/`assistant` carry an Anthropic `message`; other lines (`summary`, `system`,
`file-history-snapshot`, `progress`, ...) are skipped. Claude Code writes one line per content block of a
response, so consecutive assistant lines with the same `message.id` are joined into one message: `text` blocks
are its content, `thinking` blocks its reasoning, `tool_use` blocks its tool calls (`input` as JSON arguments).
A user line's `tool_result` blocks become tool messages answering their `tool_use_id`; its text becomes a user
message. Sub-agent (`isSidechain`) lines are read only when the file has nothing else (an agent-*.jsonl file);
`isMeta` lines and synthetic API-error messages are skipped; a compaction summary (`isCompactSummary`) is read as
a system message. A session exported as one JSON object (`{"loglines": [...]}`, Claude Code on the web) is read
the same way."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Iterator

from overopt.detect.episodes import Bad, Episode, Message, ToolCall
from overopt.detect.readers.base import Reader, object_lines, as_text, obj_get

LINE_TYPES = {"user", "assistant", "summary", "system", "file-history-snapshot", "progress", "queue-operation",
              "custom-title", "attachment"}


def match(obj: Any) -> bool:
    if isinstance(obj, dict) and isinstance(obj.get("loglines"), list):  # a session exported as one JSON object
        return any(isinstance(x, dict) and x.get("type") in ("user", "assistant")
                   and isinstance(obj_get(x, "message", "role"), str) for x in obj["loglines"][:5])
    if not isinstance(obj, dict) or obj.get("type") not in LINE_TYPES:
        return False
    if obj.get("type") == "summary":
        return "leafUuid" in obj
    if obj.get("type") == "file-history-snapshot":
        return True
    return ("sessionId" in obj or "parentUuid" in obj or "uuid" in obj) and (
        "message" in obj or obj.get("type") not in ("user", "assistant"))


class _Session:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.last_msg_id: str | None = None
        self.names: dict[str, str] = {}

    def assistant(self, msg: dict) -> None:
        mid = msg.get("id")
        content = msg.get("content")
        blocks = content if isinstance(content, list) else [{"type": "text", "text": as_text(content)}]
        if mid and mid == self.last_msg_id and self.messages and self.messages[-1].role == "assistant":
            m = self.messages[-1]
        else:
            m = Message(role="assistant", content="")
            self.messages.append(m)
        self.last_msg_id = mid
        for b in blocks:
            if not isinstance(b, dict):
                continue
            kind = b.get("type")
            if kind == "text" and isinstance(b.get("text"), str):
                m.content = f"{m.content}\n{b['text']}" if m.content else b["text"]
            elif kind == "thinking" and isinstance(b.get("thinking"), str):
                m.reasoning = f"{m.reasoning}\n{b['thinking']}" if m.reasoning else b["thinking"]
            elif kind in ("tool_use", "server_tool_use"):
                cid = str(b.get("id") or f"toolu_{len(self.names)}")
                name = str(b.get("name") or "")
                self.names[cid] = name
                args = b.get("input", {})
                m.tool_calls.append(ToolCall(id=cid, name=name, arguments=args if isinstance(args, str)
                                             else json.dumps(args, ensure_ascii=False)))

    def user(self, msg: dict, role: str = "user") -> None:
        self.last_msg_id = None
        content = msg.get("content")
        if isinstance(content, str):
            self.messages.append(Message(role=role, content=content))
            return
        if not isinstance(content, list):
            return
        texts = []
        for b in content:
            if isinstance(b, str):
                texts.append(b)
            elif isinstance(b, dict):
                if b.get("type") == "tool_result":
                    cid = str(b.get("tool_use_id") or "")
                    self.messages.append(Message(role="tool", content=as_text(b.get("content")),
                                                 tool_call_id=cid or None,
                                                 name=self.names.get(cid)))
                elif b.get("type") == "text" and isinstance(b.get("text"), str):
                    texts.append(b["text"])
        if texts:
            self.messages.append(Message(role=role, content="\n".join(texts)))


def _unwrap(records: Iterable[tuple[int, Any] | Bad]) -> Iterator[tuple[int, Any] | Bad]:
    """The session's lines; a `{"loglines": [...]}` export (Claude Code on the web) holds them in a list."""
    for item in records:
        if not isinstance(item, Bad) and isinstance(item[1], dict) and isinstance(item[1].get("loglines"), list):
            yield from ((item[0], x) for x in item[1]["loglines"])
        else:
            yield item


def session(records: Iterable[tuple[int, Any] | Bad], path: Path) -> Iterator[Episode | Bad]:
    main, side = _Session(), _Session()
    ep_id, model = None, None
    for item in object_lines(_unwrap(records), path, "a Claude Code line"):
        if isinstance(item, Bad):
            yield item
            continue
        lineno, rec = item
        kind = rec.get("type")
        if kind not in ("user", "assistant") or rec.get("isMeta"):
            continue
        msg = rec.get("message")
        if not isinstance(msg, dict):
            yield Bad(str(path), lineno, f"a {kind} line without a 'message' object")
            continue
        if msg.get("model") == "<synthetic>" or rec.get("isApiErrorMessage"):
            continue
        ep_id = ep_id or rec.get("sessionId")
        s = side if rec.get("isSidechain") else main
        if kind == "assistant":
            model = msg.get("model") or model
            s.assistant(msg)
        else:  # a compaction summary is written by the harness, not by the user
            s.user(msg, "system" if rec.get("isCompactSummary") else "user")
    msgs = main.messages or side.messages
    if not msgs:
        yield Bad(str(path), None, "no user or assistant messages in this Claude Code session")
        return
    meta = {"format": "claude-code"}
    if isinstance(model, str):
        meta["model"] = model
    yield Episode(id=str(ep_id or path.stem), messages=msgs, source=path.name, meta=meta)


READER = Reader("claude-code", "Claude Code sessions (~/.claude/projects/*/*.jsonl), one session a file", match,
                session=session)
