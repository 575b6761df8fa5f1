"""OpenAI chat messages: `{"id", "messages": [...], "diff", "ledger"}` a line (the scan format), a bare list of
messages a line, a `.json` list of such episodes, or ShareGPT-style `{"conversations": [{"from", "value"}]}`."""

from __future__ import annotations

from typing import Any, Iterator

from overopt.detect.episodes import Episode, EpisodeError, parse_episode, parse_messages
from overopt.detect.readers.base import Reader

SHAREGPT_ROLES = {"human": "user", "user": "user", "gpt": "assistant", "assistant": "assistant",
                  "chatgpt": "assistant", "bing": "assistant", "bard": "assistant", "model": "assistant",
                  "system": "system", "function_call": "assistant", "observation": "tool", "tool": "tool",
                  "function": "tool"}


def _is_message_list(obj: Any) -> bool:
    return (isinstance(obj, list) and len(obj) > 0 and isinstance(obj[0], dict) and "role" in obj[0]
            and "messages" not in obj[0])


def match(obj: Any) -> bool:
    if isinstance(obj, dict):
        return isinstance(obj.get("messages"), list) or isinstance(obj.get("conversations"), list)
    if _is_message_list(obj):
        return True
    return isinstance(obj, list) and len(obj) > 0 and isinstance(obj[0], dict) and "messages" in obj[0]


def _sharegpt(obj: dict, where: str) -> Episode:
    msgs = []
    for i, turn in enumerate(obj["conversations"]):
        if not isinstance(turn, dict):
            raise EpisodeError(f"conversations[{i}] is not an object")
        role = SHAREGPT_ROLES.get(str(turn.get("from", "")).lower())
        if role is None:
            raise EpisodeError(f"conversations[{i}]: unknown speaker {turn.get('from')!r}")
        msgs.append({"role": role, "content": turn.get("value")})
    ep = parse_episode({"id": obj.get("id", where), "messages": msgs}, default_id=where)
    return ep


def record(obj: Any, where: str) -> Iterator[Episode | str]:
    if isinstance(obj, dict):
        if "messages" not in obj and isinstance(obj.get("conversations"), list):
            yield _sharegpt(obj, where)
        else:
            yield parse_episode(obj, default_id=where)
    elif _is_message_list(obj):
        yield Episode(id=where, messages=parse_messages(obj), source=where)
    elif isinstance(obj, list):  # a .json document holding a list of episodes
        for i, item in enumerate(obj):
            try:
                yield from record(item, f"{where}#{i}")
            except EpisodeError as exc:
                yield f"episode {i}: {exc}"
    else:
        raise EpisodeError(f"an episode must be a JSON object, got {type(obj).__name__}")


READER = Reader("openai", "OpenAI chat messages: {\"messages\": [...]} a line (the scan format), a bare list of "
                "messages, or ShareGPT {\"conversations\": [...]}", match, record=record)
