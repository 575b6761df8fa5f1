"""OpenHands event logs: a trajectory (a JSON list of events), an evaluation row (`{"instance_id", "history":
[events], "test_result": {"git_patch"}}`, one a line in `output.jsonl`), or events one a line (one session a
file). Both the classic events (`action`/`observation` with `args`, `content`, `extras`, `cause`,
`tool_call_metadata`) and the V1 SDK events (`kind`: `MessageEvent`, `ActionEvent`, `ObservationEvent`, ...)
are read.

- `system` actions and `SystemPromptEvent` become the system message; user `message` actions user messages.
- Each agent action is an assistant message: the model's `thought` as content, the call as a tool call named
  after the function it used (`tool_call_metadata.function_name`, else the action: `run`, `edit`, ...) with its
  arguments (the raw ones from the model response when the event keeps them); a `think` action's thought is
  its reasoning; `finish` carries its final message. Agent `message` actions are plain assistant messages.
- Observations become tool messages answering their action; errors from the environment likewise.
- Hidden (harness-run) actions, recall/state-change events and condensations are left out.
- `test_result.git_patch` (or `git_patch`) is the diff.
- Early (OpenDevin-era) logs: flat events (the args beside `action`, no `source`/`id`/`cause`; an observation then
  answers the action just before it), and `history` kept as [action, observation] pairs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Iterator

from overopt.detect.episodes import Bad, Episode, EpisodeError, Message, ToolCall
from overopt.detect.readers.base import Reader, as_text, obj_get

SKIP_ACTIONS = {"recall", "change_agent_state", "condensation", "condensation_request", "null", "pause", "resume"}
SKIP_OBSERVATIONS = {"recall", "agent_state_changed", "null", "condense", "agent_condensation"}
BOOKKEEPING = {"thought", "blocking", "is_static", "cwd", "hidden", "confirmation_state", "security_risk",
               "is_input", "impl_source", "include_extra", "kernel_init_code", "wait_for_response", "image_urls",
               "file_urls", "timeout", "keep_prompt", "is_confirmed", "reasoning_content", "thinking_blocks",
               "activated_microagents", "mode"}
V1_KINDS = {"MessageEvent", "ActionEvent", "ObservationEvent", "SystemPromptEvent", "AgentErrorEvent",
            "UserRejectObservation", "Condensation", "CondensationRequest", "ConversationStateUpdateEvent",
            "PauseEvent", "TokenEvent", "CondensationSummaryEvent"}


# keys of a flat event (early OpenHands/OpenDevin logs write an action's args beside `action`, with no `args`)
ENVELOPE = {"id", "timestamp", "source", "message", "cause", "action", "observation", "tool_call_metadata",
            "llm_metrics", "action_risk", "extras", "args"}
FLAT_ACTION_KEYS = {"thought", "command", "code", "wait_for_response", "outputs"}


def _is_event(x: Any) -> bool:
    if not isinstance(x, dict):
        return False
    if "action" in x and "observation" in x:  # a SWE-agent step, not an event
        return False
    return (("action" in x and ("args" in x or "source" in x
                                or (isinstance(x["action"], str) and not FLAT_ACTION_KEYS.isdisjoint(x))))
            or ("observation" in x and ("content" in x or "cause" in x or "extras" in x))
            or x.get("kind") in V1_KINDS)


def _events(history: list) -> list:
    """Events in order; early evaluation rows keep history as [action, observation] pairs."""
    out: list = []
    for ev in history:
        out.extend(ev) if isinstance(ev, list) else out.append(ev)
    return out


def match(obj: Any) -> bool:
    if isinstance(obj, list):
        return len(obj) > 0 and _is_event(obj[0])
    if not isinstance(obj, dict):
        return False
    hist = obj.get("history")
    if isinstance(hist, list) and hist and "trajectory" not in obj and any(_is_event(e) for e in _events(hist[:2])):
        return True
    return _is_event(obj)


class _Builder:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.call_ids: dict[Any, str] = {}   # action event id -> tool call id
        self.names: dict[str, str] = {}
        self.hidden: set[Any] = set()
        self.n = 0
        self.last_response: Any = None  # V1: the model response the last action came from
        self.unanswered: str | None = None  # the call id of the last action, until an observation follows

    # ---- classic events
    def classic(self, ev: dict) -> None:
        if "action" in ev:
            self._action(ev)
        elif "observation" in ev:
            self._observation(ev)

    def _action(self, ev: dict) -> None:
        kind = str(ev.get("action"))
        if isinstance(ev.get("args"), dict):
            args = ev["args"]
        else:  # a flat event: the args sit beside `action`
            args = {k: v for k, v in ev.items() if k not in ENVELOPE}
        source = ev.get("source")
        if source is None and kind == "message":  # flat events carry no source: the task comes first
            source = "agent" if any(m.role == "assistant" for m in self.messages) else "user"
        if kind in SKIP_ACTIONS:
            return
        if args.get("hidden"):
            self.hidden.add(ev.get("id"))
            return
        if kind == "system":
            self.messages.append(Message(role="system", content=as_text(args.get("content") or ev.get("message"))))
            return
        if kind == "message":
            text = as_text(args.get("content") if "content" in args else ev.get("message"))
            self.messages.append(Message(role="user" if source == "user" else "assistant", content=text))
            return
        meta = ev.get("tool_call_metadata") if isinstance(ev.get("tool_call_metadata"), dict) else {}
        name = str(meta.get("function_name") or kind)
        cid = str(meta.get("tool_call_id") or f"oh_{ev.get('id', self.n)}")
        self.n += 1
        raw_args = self._raw_arguments(meta, cid)
        if raw_args is None:
            raw_args = json.dumps({k: v for k, v in args.items() if k not in BOOKKEEPING and v not in (None, "")},
                                  ensure_ascii=False)
        thought = as_text(args.get("thought"))
        reasoning = as_text(args.get("reasoning_content"))
        content = thought
        if kind == "think":
            content, reasoning = "", "\n".join(x for x in (reasoning, thought) if x)
        elif kind == "finish":
            final = as_text(args.get("final_thought") or args.get("message") or obj_get(args, "outputs", "content"))
            content = "\n".join(x for x in (thought, final) if x)
        self.call_ids[ev.get("id")] = cid
        self.names[cid] = name
        self.unanswered = cid
        self.messages.append(Message(role="assistant", content=content, reasoning=reasoning,
                                     tool_calls=[ToolCall(id=cid, name=name, arguments=raw_args)]))

    @staticmethod
    def _raw_arguments(meta: dict, cid: str) -> str | None:
        """The arguments exactly as the model wrote them, when the event keeps the model response."""
        choices = obj_get(meta, "model_response", "choices")
        if not isinstance(choices, list) or not choices:
            return None
        for tc in obj_get(choices[0], "message", "tool_calls") or []:
            if isinstance(tc, dict) and tc.get("id") == cid:
                args = obj_get(tc, "function", "arguments")
                return args if isinstance(args, str) else None
        return None

    def _observation(self, ev: dict) -> None:
        kind = str(ev.get("observation"))
        if kind in SKIP_OBSERVATIONS or ev.get("cause") in self.hidden:
            return
        meta = ev.get("tool_call_metadata") if isinstance(ev.get("tool_call_metadata"), dict) else {}
        cid = meta.get("tool_call_id") or self.call_ids.get(ev.get("cause"))
        if not cid and "cause" not in ev and kind == self.names.get(str(self.unanswered)):
            cid = self.unanswered  # flat events have no ids: an observation answers the action just before it
        self.unanswered = None
        text = as_text(ev.get("content"))
        if not cid and kind == "error" and ev.get("source") == "user":
            self.messages.append(Message(role="user", content=text))
            return
        self.messages.append(Message(role="tool", content=text, tool_call_id=str(cid) if cid else None,
                                     name=self.names.get(str(cid)) if cid else kind))

    # ---- V1 SDK events
    def v1(self, ev: dict) -> None:
        kind = ev.get("kind")
        if kind == "SystemPromptEvent":
            self.messages.append(Message(role="system", content=as_text(ev.get("system_prompt"))))
        elif kind == "MessageEvent":
            msg = ev.get("llm_message") if isinstance(ev.get("llm_message"), dict) else {}
            role = msg.get("role") or ("user" if ev.get("source") == "user" else "assistant")
            role = role if role in ("system", "user", "assistant", "tool") else "user"
            text = as_text(msg.get("content") if msg else ev.get("content"))
            self.messages.append(Message(role=role, content=text, reasoning=as_text(msg.get("reasoning_content"))))
        elif kind == "ActionEvent":
            tc = ev.get("tool_call") if isinstance(ev.get("tool_call"), dict) else {}
            cid = str(ev.get("tool_call_id") or tc.get("id") or f"oh_{ev.get('id', self.n)}")
            self.n += 1
            name = str(ev.get("tool_name") or tc.get("name") or obj_get(ev, "action", "kind") or "")
            args = tc.get("arguments")
            if not isinstance(args, str):
                action = ev.get("action") if isinstance(ev.get("action"), dict) else {}
                args = json.dumps({k: v for k, v in action.items() if k != "kind"}, ensure_ascii=False)
            self.names[cid] = name
            self.call_ids[ev.get("id")] = cid
            reasoning = as_text(ev.get("reasoning_content")) or "\n".join(
                str(b.get("thinking") or "") for b in ev.get("thinking_blocks") or [] if isinstance(b, dict))
            prev = self.messages[-1] if self.messages else None
            if (prev is not None and prev.role == "assistant" and prev.tool_calls and ev.get("llm_response_id")
                    and ev.get("llm_response_id") == self.last_response):
                prev.tool_calls.append(ToolCall(id=cid, name=name, arguments=args))
            else:
                self.messages.append(Message(role="assistant", content=as_text(ev.get("thought")), reasoning=reasoning,
                                             tool_calls=[ToolCall(id=cid, name=name, arguments=args)]))
            self.last_response = ev.get("llm_response_id")
        elif kind in ("ObservationEvent", "AgentErrorEvent", "UserRejectObservation"):
            cid = ev.get("tool_call_id") or self.call_ids.get(ev.get("action_id"))
            obs = ev.get("observation")
            if kind == "ObservationEvent":
                text = as_text(obs.get("content") if isinstance(obs, dict) and "content" in obs else obs)
            else:
                text = as_text(ev.get("error") or ev.get("rejection_reason"))
            self.messages.append(Message(role="tool", content=text, tool_call_id=str(cid) if cid else None,
                                         name=str(ev.get("tool_name") or self.names.get(str(cid), "")) or None))

    def add(self, ev: Any) -> None:
        if not isinstance(ev, dict):
            raise EpisodeError("an OpenHands event must be a JSON object")
        if ev.get("kind") in V1_KINDS or ("kind" in ev and "action" not in ev and "observation" not in ev):
            self.v1(ev)
        elif "action" in ev or "observation" in ev:
            self.classic(ev)
        else:
            raise EpisodeError("not an OpenHands event (no 'action', 'observation' or 'kind')")


def _episode(events: list, ep_id: str, where: str, diff: Any = None, model: Any = None) -> Episode:
    b = _Builder()
    for i, ev in enumerate(_events(events)):
        try:
            b.add(ev)
        except EpisodeError as exc:
            raise EpisodeError(f"event {i}: {exc}") from None
    if not b.messages:
        raise EpisodeError("no messages in these OpenHands events")
    meta = {"format": "openhands"}
    if isinstance(model, str):
        meta["model"] = model
    return Episode(id=ep_id, messages=b.messages, diff=diff if isinstance(diff, str) and diff else None,
                   source=where, meta=meta)


def record(obj: Any, where: str) -> Iterator[Episode | str]:
    if isinstance(obj, list):
        yield _episode(obj, where.removesuffix(".json"), where)
        return
    if not isinstance(obj, dict) or not isinstance(obj.get("history"), list):
        raise EpisodeError("expected OpenHands events: a list of events or an object with a 'history' list")
    diff = obj_get(obj, "test_result", "git_patch") or obj.get("git_patch")
    ep_id = obj.get("instance_id") or obj.get("id") or where
    model = obj_get(obj, "metadata", "llm_config", "model")
    yield _episode(obj["history"], str(ep_id), where, diff, model)


def session(records: Iterable[tuple[int, Any] | Bad], path: Path) -> Iterator[Episode | Bad]:
    """A JSONL file: evaluation rows (one episode each) or events (the file is one episode)."""
    b = _Builder()
    rows = 0
    for item in records:
        if isinstance(item, Bad):
            yield item
            continue
        lineno, rec = item
        if isinstance(rec, dict) and isinstance(rec.get("history"), list):
            rows += 1
            try:
                yield from record(rec, f"{path.name}:{lineno}")
            except (EpisodeError, TypeError, AttributeError) as exc:
                yield Bad(str(path), lineno, str(exc))
            continue
        try:
            b.add(rec)
        except (EpisodeError, TypeError, AttributeError) as exc:
            yield Bad(str(path), lineno, str(exc))
    if b.messages:
        yield Episode(id=path.stem, messages=b.messages, source=path.name, meta={"format": "openhands"})
    elif b.n == 0 and not rows:
        yield Bad(str(path), None, "no OpenHands events with messages in this file")


READER = Reader("openhands", "OpenHands event logs: a list of events, evaluation rows with 'history' (output.jsonl), "
                "or events one a line; classic and V1 SDK events", match, record=record, session=session)
