"""Codex CLI session rollouts (`~/.codex/sessions/**/rollout-*.jsonl`): one file is one session.

Each line is `{"timestamp", "type", "payload"}`. `session_meta` gives the id, `turn_context` the model, and
`response_item` payloads are Responses items (messages, reasoning summaries, `function_call` such as
`shell`/`exec_command`, `custom_tool_call` such as `apply_patch`, their outputs), read as in the `responses`
reader. `event_msg` lines repeat what the items say for the UI and are skipped, as are `compacted` summaries.
User messages that only carry the harness's context (`<environment_context>`, `<user_instructions>`, AGENTS.md)
are read as system messages. Older files without the envelope (items one a line after a header line) are
read too."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Iterator

from overopt.detect.episodes import Bad, Episode, EpisodeError
from overopt.detect.readers.base import Reader, object_lines, obj_get
from overopt.detect.readers.responses import ITEM_TYPES, ItemsBuilder

ENVELOPE_TYPES = {"session_meta", "response_item", "turn_context", "event_msg", "compacted"}
CONTEXT_PREFIXES = ("<environment_context>", "<user_instructions>", "# AGENTS.md instructions", "<INSTRUCTIONS>",
                    "<permissions instructions>", "<turn_aborted>")


def match(obj: Any) -> bool:
    if not isinstance(obj, dict):
        return False
    if obj.get("type") in ENVELOPE_TYPES and "payload" in obj:
        return True
    # pre-envelope rollouts: a header line {"id", "timestamp", "instructions"}
    return "instructions" in obj and "timestamp" in obj and "id" in obj and "messages" not in obj


def session(records: Iterable[tuple[int, Any] | Bad], path: Path) -> Iterator[Episode | Bad]:
    b = ItemsBuilder()
    ep_id, model = path.stem, None
    n_items = 0
    for item in object_lines(records, path, "a Codex rollout line"):
        if isinstance(item, Bad):
            yield item
            continue
        lineno, rec = item
        kind = rec.get("type")
        if kind == "session_meta":
            ep_id = str(obj_get(rec, "payload", "id") or ep_id)
            continue
        if kind == "turn_context":
            model = obj_get(rec, "payload", "model") or model
            continue
        if kind == "response_item":
            payload = rec.get("payload")
        elif kind in ITEM_TYPES and "payload" not in rec:
            payload = rec  # pre-envelope format
        else:
            if "instructions" in rec and "id" in rec and lineno <= 2:
                ep_id = str(rec.get("id") or ep_id)
            continue  # event_msg, compacted, state lines
        try:
            before = len(b.messages)
            b.add(payload, f"line {lineno}")
            n_items += 1
            if len(b.messages) > before:
                last = b.messages[-1]
                if last.role == "user" and last.content.lstrip().startswith(CONTEXT_PREFIXES):
                    last.role = "system"
        except (EpisodeError, TypeError, AttributeError) as exc:
            yield Bad(str(path), lineno, str(exc))
    msgs = b.finish()
    if not msgs:
        yield Bad(str(path), None, "no messages in this Codex rollout" if n_items == 0 else
                  "Codex rollout items held no messages")
        return
    meta = {"format": "codex"}
    if isinstance(model, str):
        meta["model"] = model
    yield Episode(id=ep_id, messages=msgs, source=str(path.name), meta=meta)


READER = Reader("codex", "Codex CLI session rollouts (~/.codex/sessions/**/rollout-*.jsonl), one session a file",
                match, session=session)
