"""SWE-agent trajectories (`<instance>.traj`, one JSON object) and mini-swe-agent's `.traj.json`.

`history` (mini-swe-agent: `messages`) is the message list the model saw and wrote: roles as stored, tool
results as `tool` messages (function-calling models) or `user` messages starting `OBSERVATION:` (models that
write their calls as text), `thinking_blocks` as reasoning, `tool_call_ids` as the answered call. Demonstration
items (`is_demo`) are left out: they are examples shown to the model, not its actions. With no history, the
last `trajectory` step's `messages`/`query` plus its response and observation are used, or else each step's
`response` (or `thought` + `action`) and `observation`. `info.submission` is the diff.

Agents that write their commands as text run them in a shell and answer with a `user` message; those become a
`bash` tool call and the `tool` message answering it (contents unchanged): SWE-agent history items that carry the
parsed `action` (the next user item is its observation), and mini-swe-agent turns with one ```bash block answered by
`<returncode>...` output. mini-swe-agent keeps the model's reasoning in `extra.response`; it is read from there."""

from __future__ import annotations

import json
import re
from typing import Any, Iterator

from overopt.detect.episodes import Episode, EpisodeError, parse_messages
from overopt.detect.readers.base import Reader, as_text, obj_get


def match(obj: Any) -> bool:
    if not isinstance(obj, dict):
        return False
    if isinstance(obj.get("trajectory"), list) and ("history" in obj or "info" in obj):
        return True
    info = obj.get("info")
    if isinstance(obj.get("history"), list) and isinstance(info, dict):
        return True
    # mini-swe-agent: {"info": {"submission", "exit_status", ...}, "messages": [...], "trajectory_format": ...}
    return (isinstance(obj.get("messages"), list) and isinstance(info, dict)
            and ("trajectory_format" in obj or "submission" in info or "exit_status" in info))


def _message(item: Any, i: int) -> dict | None:
    if not isinstance(item, dict):
        raise EpisodeError(f"history[{i}] is not an object")
    if item.get("is_demo"):
        return None
    m = {"role": item.get("role"), "content": item.get("content")}
    if item.get("tool_calls"):
        m["tool_calls"] = item["tool_calls"]
    ids = item.get("tool_call_ids")
    if isinstance(ids, list) and ids:
        m["tool_call_id"] = str(ids[0])
    elif item.get("tool_call_id"):
        m["tool_call_id"] = item["tool_call_id"]
    thinking = item.get("thinking_blocks")
    if isinstance(thinking, list) and thinking:
        m["reasoning"] = "\n".join(str(b.get("thinking") or "") if isinstance(b, dict) else str(b)
                                   for b in thinking)
    elif item.get("reasoning") or item.get("reasoning_content"):
        m["reasoning"] = item.get("reasoning") or item.get("reasoning_content")
    elif m["role"] == "assistant":  # mini-swe-agent: the raw model response is kept in `extra`
        said = obj_get(item, "extra", "response", "choices")
        said = obj_get(said[0], "message") if isinstance(said, list) and said else None
        r = obj_get(said, "reasoning_content") or obj_get(said, "reasoning")
        if isinstance(r, str) and r.strip():
            m["reasoning"] = r
    return m


# mini-swe-agent's default action format: exactly one ```bash block a turn
_BASH_BLOCK = re.compile(r"```(?:bash|sh)[ \t]*\n(.*?)\n?```", re.S)


def _text_action(item: dict, m: dict) -> str | None:
    """The shell command a text-acting agent's turn ran: SWE-agent's parsed `action`, else a lone ```bash block."""
    if m["role"] != "assistant" or m.get("tool_calls"):
        return None
    action = item.get("action")
    if isinstance(action, str) and action.strip():
        return action.strip()
    blocks = _BASH_BLOCK.findall(as_text(m.get("content")))
    return blocks[0].strip() if len(blocks) == 1 else None


def _is_output(item: dict, after_action_field: bool) -> bool:
    """Is this user item the environment's answer to the command before it?"""
    if item.get("role") != "user":
        return False
    if item.get("message_type") == "observation" or after_action_field:
        return True
    text = as_text(item.get("content")).lstrip()
    return text.startswith("<returncode>") or isinstance(obj_get(item, "extra", "returncode"), int)


def _messages(history: list) -> list[dict]:
    out: list[dict] = []
    pending: tuple[str, bool] | None = None  # (call id, the command came from an `action` field)
    for i, item in enumerate(history):
        m = _message(item, i)
        if m is None:
            continue
        if pending is not None and _is_output(item, pending[1]):
            m["role"], m["tool_call_id"] = "tool", pending[0]
        pending = None
        cmd = _text_action(item, m)
        if cmd is not None:
            cid = f"call_{i}"
            m["tool_calls"] = [{"id": cid, "type": "function",
                                "function": {"name": "bash", "arguments": json.dumps({"command": cmd})}}]
            pending = (cid, isinstance(item.get("action"), str))
        out.append(m)
    return out


def _from_steps(steps: list) -> list[dict]:
    last = steps[-1] if steps and isinstance(steps[-1], dict) else {}
    context = last.get("messages") or last.get("query")
    if isinstance(context, list) and context:
        todo = [last]
        out = [x for x in context if isinstance(x, dict)]
    else:
        todo, out = [s for s in steps if isinstance(s, dict)], []
    for s in todo:
        said = s.get("response") or "\n".join(x for x in (s.get("thought"), s.get("action")) if x)
        out.append({"role": "assistant", "content": as_text(said)})
        if s.get("observation") is not None:
            out.append({"role": "user", "content": "OBSERVATION:\n" + as_text(s.get("observation"))})
    return out


def _model(obj: dict) -> str | None:
    cfg = obj.get("replay_config")
    if isinstance(cfg, str):
        try:
            cfg = json.loads(cfg)
        except ValueError:
            return None
    name = obj_get(cfg, "agent", "model", "name") or obj_get(obj, "info", "config", "model", "model_name")
    return name if isinstance(name, str) else None


def record(obj: Any, where: str) -> Iterator[Episode | str]:
    if not isinstance(obj, dict):
        raise EpisodeError(f"a SWE-agent trajectory must be a JSON object, got {type(obj).__name__}")
    history = obj.get("history")
    if not (isinstance(history, list) and history):
        history = obj.get("messages")
    if isinstance(history, list) and history:
        raw = _messages(history)
    elif isinstance(obj.get("trajectory"), list) and obj["trajectory"]:
        raw = _from_steps(obj["trajectory"])
    else:
        raise EpisodeError("SWE-agent trajectory with neither 'history' nor 'trajectory' steps")
    info = obj.get("info") if isinstance(obj.get("info"), dict) else {}
    diff = info.get("submission")
    ep_id = obj.get("instance_id") or info.get("instance_id")
    if not isinstance(ep_id, str):
        ep_id = where.removesuffix(".json").removesuffix(".traj")
    meta = {"format": "swe-agent"}
    if isinstance(info.get("exit_status"), str):
        meta["exit_status"] = info["exit_status"]
    model = _model(obj)
    if model:
        meta["model"] = model
    messages = parse_messages(raw)
    names = {tc.id: tc.name for m in messages for tc in m.tool_calls}
    for m in messages:
        if m.role == "tool" and m.name is None and m.tool_call_id in names:
            m.name = names[m.tool_call_id]
    yield Episode(id=ep_id, messages=messages, diff=diff if isinstance(diff, str) and diff else None,
                  source=where, meta=meta)


READER = Reader("swe-agent", "SWE-agent trajectories (.traj: history, trajectory, info.submission as the diff) "
                "and mini-swe-agent .traj.json", match, record=record)
