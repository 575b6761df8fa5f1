"""OpenAI Responses API items: `message`, `reasoning`, `function_call`/`function_call_output`,
`custom_tool_call`/`custom_tool_call_output`, `local_shell_call`, `web_search_call`.

A record is `{"input": str | [items], "output": [items], "instructions": str}` (a logged request and its
response) or a bare list of items. `reasoning` items (their `summary` and `content` text; encrypted content is
unreadable) go to the next assistant message's `reasoning`; calls join the assistant message they follow;
outputs become tool messages answering their `call_id`."""

from __future__ import annotations

import json
from typing import Any, Iterable, Iterator

from overopt.detect.episodes import Episode, EpisodeError, Message, ToolCall
from overopt.detect.readers.base import Reader, as_text

ITEM_TYPES = {"message", "reasoning", "function_call", "function_call_output", "custom_tool_call",
              "custom_tool_call_output", "local_shell_call", "local_shell_call_output", "web_search_call",
              "computer_call", "computer_call_output", "mcp_call", "file_search_call", "code_interpreter_call"}
ROLE = {"developer": "system", "system": "system", "user": "user", "assistant": "assistant"}


def match(obj: Any) -> bool:
    if isinstance(obj, list):
        return len(obj) > 0 and isinstance(obj[0], dict) and obj[0].get("type") in ITEM_TYPES
    if not isinstance(obj, dict):
        return False
    out = obj.get("output")
    if isinstance(out, list) and out and all(isinstance(x, dict) and x.get("type") in ITEM_TYPES for x in out[:4]):
        return True
    inp = obj.get("input")
    return (isinstance(inp, list) and bool(inp) and any(isinstance(x, dict) and x.get("type") in ITEM_TYPES
                                                        for x in inp[:8]) and "messages" not in obj)


def _reasoning_text(item: dict) -> str:
    parts = [as_text(item.get("summary")), as_text(item.get("content"))]
    return "\n".join(p for p in parts if p)


def _args(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _output_text(value: Any) -> str:
    """A call output: a string (possibly Codex's JSON `{"output": ..., "metadata": ...}`) or content parts."""
    if isinstance(value, str):
        if value.startswith("{\"output\""):
            try:
                inner = json.loads(value)
                if isinstance(inner, dict) and isinstance(inner.get("output"), str):
                    return inner["output"]
            except ValueError:
                pass
        return value
    return as_text(value)


class ItemsBuilder:
    """Folds Responses items, in order, into chat messages."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.reasoning: list[str] = []
        self.names: dict[str, str] = {}
        self._open = False  # the last message is an assistant turn that calls may still join

    def _assistant(self) -> Message:
        if not self._open:
            self.messages.append(Message(role="assistant", content=""))
            self._open = True
        m = self.messages[-1]
        if self.reasoning:
            m.reasoning = "\n".join(x for x in [m.reasoning, *self.reasoning] if x)
            self.reasoning = []
        return m

    def _call(self, call_id: Any, name: str, arguments: str) -> None:
        cid = str(call_id or f"call_{len(self.names)}")
        self.names[cid] = name
        self._assistant().tool_calls.append(ToolCall(id=cid, name=name, arguments=arguments))

    def _tool(self, call_id: Any, text: str) -> None:
        cid = str(call_id) if call_id else None
        self.messages.append(Message(role="tool", content=text, tool_call_id=cid, name=self.names.get(cid or "")))
        self._open = False

    def add(self, item: Any, where: str) -> None:
        if not isinstance(item, dict):
            raise EpisodeError(f"{where}: an item must be an object")
        kind = item.get("type") or ("message" if "role" in item else None)
        if kind == "message":
            role = ROLE.get(item.get("role"))
            if role is None:
                raise EpisodeError(f"{where}: unknown role {item.get('role')!r}")
            text = as_text(item.get("content"))
            if role == "assistant":
                m = self._assistant()
                if m.content or m.tool_calls:
                    self._open = False
                    m = self._assistant()
                m.content = text
            else:
                self.messages.append(Message(role=role, content=text))
                self._open = False
        elif kind == "reasoning":
            r = _reasoning_text(item)
            if r:
                self.reasoning.append(r)
        elif kind == "function_call":
            self._call(item.get("call_id") or item.get("id"), str(item.get("name") or ""),
                       _args(item.get("arguments", "")))
        elif kind == "custom_tool_call":
            self._call(item.get("call_id") or item.get("id"), str(item.get("name") or ""), _args(item.get("input", "")))
        elif kind == "local_shell_call":
            action = item.get("action") if isinstance(item.get("action"), dict) else {}
            self._call(item.get("call_id") or item.get("id"), "shell", _args({"command": action.get("command")}))
        elif kind == "web_search_call":
            action = item.get("action") if isinstance(item.get("action"), dict) else {}
            self._call(item.get("id"), "web_search", _args({"query": action.get("query")}))
        elif kind in ("function_call_output", "custom_tool_call_output", "local_shell_call_output",
                      "computer_call_output"):
            self._tool(item.get("call_id"), _output_text(item.get("output")))
        # other hosted calls (file search, computer, mcp listings) carry nothing to scan

    def finish(self) -> list[Message]:
        if self.reasoning:  # reasoning with no answer after it
            self._assistant()
        return self.messages


def messages_from_items(items: Iterable[Any], where: str = "items") -> list[Message]:
    b = ItemsBuilder()
    for i, item in enumerate(items):
        b.add(item, f"{where}[{i}]")
    return b.finish()


def record(obj: Any, where: str) -> Iterator[Episode | str]:
    if isinstance(obj, list):
        msgs = messages_from_items(obj)
        if not msgs:
            raise EpisodeError("no Responses items (message, function_call, ...) in this list")
        yield Episode(id=where, messages=msgs, source=where, meta={"format": "responses"})
        return
    if not isinstance(obj, dict):
        raise EpisodeError(f"expected a Responses record (an object with input/output items), got {type(obj).__name__}")
    b = ItemsBuilder()
    if isinstance(obj.get("instructions"), str) and obj["instructions"]:
        b.messages.append(Message(role="system", content=obj["instructions"]))
    inp = obj.get("input")
    if isinstance(inp, str):
        b.messages.append(Message(role="user", content=inp))
    elif isinstance(inp, list):
        for i, item in enumerate(inp):
            b.add(item, f"input[{i}]")
    b._open = False
    out = obj.get("output")
    if isinstance(out, list):
        for i, item in enumerate(out):
            b.add(item, f"output[{i}]")
    if not isinstance(inp, (str, list)) and not isinstance(out, list):
        raise EpisodeError("no Responses 'input' or 'output' items")
    ep_id = obj.get("id", where)
    meta = {"format": "responses"}
    if isinstance(obj.get("model"), str):
        meta["model"] = obj["model"]
    yield Episode(id=str(ep_id), messages=b.finish(), source=where, meta=meta)


READER = Reader("responses", "OpenAI Responses items: {\"input\": [...], \"output\": [...]} a line, or a list of "
                "items (message, reasoning, function_call, function_call_output, ...)", match, record=record)
