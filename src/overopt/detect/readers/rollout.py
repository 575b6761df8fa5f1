"""Prompt/completion rows from RL rollout and generation dumps (TRL, verl, OpenRLHF, vLLM, AlpacaEval style).

A row holds a prompt (`prompt`, `input`, `query`, `question`, `instruction` or `problem`) and what the model
wrote (`completion`, `response`, `output`, `generated_text`, `generation`, `model_output`, or a list of them in
`completions`/`responses`/`outputs`: one episode each, ids `ID#k`).

- A prompt is a string or a list of chat messages. A string in a chat template (ChatML/Qwen, Llama 3, Gemma,
  Phi-3, DeepSeek, Mistral `[INST]`) is split into its turns; an open assistant turn at its end (a `<think>`
  prefill) is joined to the completion. A completion that goes on with further turns (multi-turn rollouts) is
  split the same way; Hermes-style `<tool_call>{json}</tool_call>` blocks become tool calls and
  `<tool_response>` turns tool messages.
- Reasoning stays where the model wrote it: `<think>`/`<thinking>` blocks are kept in the assistant's content
  (the episode view splits them off); end-of-text tokens are dropped.
- `system`/`system_prompt` becomes a system message; `reward`/`score`, `model`/`generator` go to `meta`.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterator

from overopt.detect.episodes import ROLES, Episode, EpisodeError, Message, ToolCall, parse_messages
from overopt.detect.readers.base import Reader, as_text

PROMPT_KEYS = ("prompt", "input", "query", "question", "instruction", "problem")
COMPLETION_KEYS = ("completion", "response", "output", "generated_text", "generation", "model_output")
MULTI_KEYS = ("completions", "responses", "outputs")
ID_KEYS = ("id", "idx", "uid", "sample_id", "index", "task_id", "problem_id", "question_id")

END_TOKENS = re.compile(r"(?:\s*(?:<\|im_end\|>|<\|eot_id\|>|<\|endoftext\|>|<\|end_of_text\|>|</s>|<\|end\|>|"
                        r"<end_of_turn>|<eos>|<｜end▁of▁sentence｜>|<\|return\|>))+\s*$")
BOS = re.compile(r"^(?:<s>|<\|begin_of_text\|>|<bos>|<｜begin▁of▁sentence｜>|<\|startoftext\|>)+")
# (turn head with the role in group 1, end-of-turn token)
TEMPLATES = (
    (re.compile(r"<\|im_start\|>[ \t]*(\w+)[ \t]*\n?"), "<|im_end|>"),
    (re.compile(r"<\|start_header_id\|>\s*(\w+)\s*<\|end_header_id\|>\s*"), "<|eot_id|>"),
    (re.compile(r"<start_of_turn>[ \t]*(\w+)[ \t]*\n?"), "<end_of_turn>"),
    (re.compile(r"<\|(system|user|assistant)\|>[ \t]*\n?"), "<|end|>"),
    (re.compile(r"<｜(User|Assistant)｜>"), "<｜end▁of▁sentence｜>"),
)
INST = re.compile(r"\[INST\](.*?)\[/INST\]", re.S)
SYS_BLOCK = re.compile(r"<<SYS>>(.*?)<</SYS>>", re.S)
HERMES_CALL = re.compile(r"<tool_call>\s*(\{.*?\})\s*</tool_call>", re.S)
TOOL_RESPONSE = re.compile(r"^\s*<tool_response>(.*?)(?:</tool_response>\s*)?$", re.S)
TEMPLATE_ROLES = {**ROLES, "human": "user", "model": "assistant", "ipython": "tool", "bot": "assistant"}


def _first(obj: dict, keys: tuple[str, ...]) -> tuple[str | None, Any]:
    for k in keys:
        if k in obj and obj[k] is not None:
            return k, obj[k]
    return None, None


def _completion_like(v: Any) -> bool:
    if isinstance(v, str):
        return True
    if isinstance(v, dict):
        return isinstance(v.get("content"), (str, list)) or isinstance(v.get("text"), str)
    if isinstance(v, list):
        return len(v) > 0 and all(isinstance(x, (str, dict)) for x in v[:4])
    return False


def match(obj: Any) -> bool:
    if isinstance(obj, list):
        return len(obj) > 0 and isinstance(obj[0], dict) and match(obj[0])
    if not isinstance(obj, dict) or "messages" in obj:
        return False
    pk, prompt = _first(obj, PROMPT_KEYS)
    if pk is None or not isinstance(prompt, (str, list)):
        return False
    ck, comp = _first(obj, COMPLETION_KEYS + MULTI_KEYS)
    if ck is None or not _completion_like(comp):
        return False
    if pk == "input" and ck == "output" and not isinstance(comp, str):
        return False  # Responses-style input/output item lists
    return True


def split_template(text: str) -> list[tuple[str, str, bool]] | None:
    """[(role, text, closed)] when `text` is in a known chat template, else None. Text before the first turn
    (a system prompt in DeepSeek's template) becomes a system turn."""
    for head, end in TEMPLATES:
        heads = list(head.finditer(text))
        if not heads:
            continue
        turns = []
        lead = BOS.sub("", text[:heads[0].start()]).strip()
        if lead:
            turns.append(("system", lead, True))
        for i, m in enumerate(heads):
            stop = heads[i + 1].start() if i + 1 < len(heads) else len(text)
            body = text[m.end():stop]
            cut = body.find(end)
            closed = cut >= 0
            if closed:
                body = body[:cut]
            role = TEMPLATE_ROLES.get(m.group(1).lower(), "user")
            turns.append((role, body.strip("\n") if closed else body.lstrip("\n"), closed))
        return turns
    if "[INST]" in text and "[/INST]" in text:
        turns, pos = [], 0
        for m in INST.finditer(text):
            between = END_TOKENS.sub("", BOS.sub("", text[pos:m.start()]).strip()).strip()
            if between and turns:
                turns.append(("assistant", between, True))
            user = m.group(1)
            sysm = SYS_BLOCK.search(user)
            if sysm:
                turns.append(("system", sysm.group(1).strip(), True))
                user = user[:sysm.start()] + user[sysm.end():]
            turns.append(("user", user.strip(), True))
            pos = m.end()
        turns.append(("assistant", text[pos:].lstrip(), False))
        return turns
    return None


def _hermes_calls(text: str, n0: int) -> tuple[str, list[ToolCall]]:
    calls = []
    for m in HERMES_CALL.finditer(text):
        try:
            obj = json.loads(m.group(1))
        except ValueError:
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("name"), str):
            continue
        args = obj.get("arguments", obj.get("parameters", {}))
        calls.append(ToolCall(id=f"call_{n0 + len(calls)}", name=obj["name"],
                              arguments=args if isinstance(args, str) else json.dumps(args, ensure_ascii=False)))
    if calls:
        text = HERMES_CALL.sub("", text).strip()
    return text, calls


def _messages_from_turns(turns: list[tuple[str, str, bool]]) -> list[Message]:
    out: list[Message] = []
    pending: list[str] = []
    n_calls = 0
    for role, text, _closed in turns:
        if role == "assistant":
            text, calls = _hermes_calls(END_TOKENS.sub("", text), n_calls)
            n_calls += len(calls)
            pending = [c.id for c in calls]
            out.append(Message(role="assistant", content=text, tool_calls=calls))
            continue
        if role in ("user", "tool"):
            m = TOOL_RESPONSE.match(text)
            if m or role == "tool":
                body = m.group(1).strip() if m else text
                for part in re.split(r"</tool_response>\s*<tool_response>", body):
                    out.append(Message(role="tool", content=part.strip(),
                                       tool_call_id=pending.pop(0) if pending else None))
                continue
        out.append(Message(role=role, content=text))
    return out


def _prompt_messages(prompt: Any) -> tuple[list[Message], str]:
    """(messages, assistant prefill to put before the completion)."""
    if isinstance(prompt, list):
        if prompt and all(isinstance(m, dict) and "role" in m for m in prompt):
            return parse_messages(prompt), ""
        return [Message(role="user", content=as_text(prompt))], ""
    if not isinstance(prompt, str):
        raise EpisodeError(f"prompt must be a string or a list of messages, got {type(prompt).__name__}")
    turns = split_template(prompt)
    if turns is None:
        return [Message(role="user", content=prompt)], ""
    prefill = ""
    if turns and turns[-1][0] == "assistant" and not turns[-1][2]:
        prefill = turns.pop()[1]
    return _messages_from_turns(turns), prefill


def _completion_messages(comp: Any, prefill: str) -> list[Message]:
    if isinstance(comp, dict) and "role" not in comp:
        comp = comp.get("text") if isinstance(comp.get("text"), str) else as_text(comp.get("content"))
    if isinstance(comp, str):
        text = prefill + comp
        head = _first_head(text)
        if not head:
            return _messages_from_turns([("assistant", text, True)])
        cut = text.find(head)
        lead = [("assistant", text[:cut], True)] if text[:cut].strip() else []
        return _messages_from_turns(lead + (split_template(text[cut:]) or []))
    if isinstance(comp, dict):
        comp = [comp]
    if isinstance(comp, list) and all(isinstance(m, dict) and "role" in m for m in comp):
        msgs = parse_messages(comp)
        if prefill and msgs and msgs[0].role == "assistant":
            msgs[0].content = prefill + msgs[0].content
        return msgs
    raise EpisodeError("completion must be a string, a message or a list of messages")


def _first_head(text: str) -> str:
    """The first turn marker in `text`, or ''."""
    best = None
    for head, _end in TEMPLATES:
        m = head.search(text)
        if m and (best is None or m.start() < best.start()):
            best = m
    return best.group(0) if best else ""


def record(obj: Any, where: str) -> Iterator[Episode | str]:
    if isinstance(obj, list):  # a .json document holding rows
        for i, row in enumerate(obj):
            try:
                yield from record(row, f"{where}#{i}")
            except (EpisodeError, TypeError, AttributeError) as exc:
                yield f"row {i}: {exc}"
        return
    if not isinstance(obj, dict):
        raise EpisodeError(f"a rollout row must be a JSON object, got {type(obj).__name__}")
    pk, prompt = _first(obj, PROMPT_KEYS)
    if pk is None:
        raise EpisodeError("no prompt (expected one of: " + ", ".join(PROMPT_KEYS) + ")")
    ck, comp = _first(obj, COMPLETION_KEYS + MULTI_KEYS)
    if ck is None:
        raise EpisodeError("no completion (expected one of: " + ", ".join(COMPLETION_KEYS + MULTI_KEYS) + ")")
    ik, ep_id = _first(obj, ID_KEYS)
    ep_id = where if ik is None or isinstance(ep_id, (dict, list)) else str(ep_id)
    system = obj.get("system") or obj.get("system_prompt")
    meta = {"format": "rollout"}
    for k in ("reward", "score", "rewards", "acc"):
        if isinstance(obj.get(k), (int, float)) and not isinstance(obj.get(k), bool):
            meta["reward"] = obj[k]
            break
    model = obj.get("model") or obj.get("generator")
    if isinstance(model, str):
        meta["model"] = model
    head, prefill = _prompt_messages(prompt)
    if isinstance(system, str) and system and not any(m.role == "system" for m in head):
        head.insert(0, Message(role="system", content=system))
    many = ck in MULTI_KEYS and isinstance(comp, list) and not (
        comp and all(isinstance(m, dict) and "role" in m for m in comp))
    comps = comp if many else [comp]
    rewards = obj.get("rewards") or obj.get("scores")
    for k, c in enumerate(comps):
        eid = f"{ep_id}#{k}" if many else ep_id
        if many:
            meta = {**meta}
            if isinstance(rewards, list) and len(rewards) == len(comps) and isinstance(rewards[k], (int, float)):
                meta["reward"] = rewards[k]
        msgs = [Message(role=m.role, content=m.content, reasoning=m.reasoning, tool_calls=list(m.tool_calls),
                        tool_call_id=m.tool_call_id, name=m.name) for m in head] if many else head
        yield Episode(id=eid, messages=msgs + _completion_messages(c, prefill), source=where, meta=meta)


READER = Reader("rollout", "prompt/completion rows of RL rollout and generation dumps (TRL, verl, OpenRLHF, "
                "vLLM); chat-template prompts are split into turns", match, record=record)
