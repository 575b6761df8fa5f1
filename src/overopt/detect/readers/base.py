"""What a reader is: a format name, a sniffing test and a way from JSON records to episodes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from overopt.detect.episodes import Bad, Episode

# One JSON value (a JSONL record or a whole .json document) -> episodes, or error strings for parts of it
# that could not be read (the caller turns those into `FILE:LINE: why`). Raises EpisodeError (or a data
# error) when the value as a whole cannot be read.
RecordFn = Callable[[Any, str], Iterator["Episode | str"]]
# All the records of one file (line number, value) -> episodes; for formats where a file is a session.
SessionFn = Callable[[Iterable["tuple[int, Any] | Bad"], Path], Iterator["Episode | Bad"]]


@dataclass(frozen=True)
class Reader:
    name: str
    summary: str                      # one line for --help and the docs
    match: Callable[[Any], bool]      # does this JSON value (first record, or the document) look like the format?
    record: RecordFn | None = None    # the format's unit is one JSON value (a line or a document)
    session: SessionFn | None = None  # the format's unit is the whole file (one event a line)


def obj_get(obj: Any, *keys: str) -> Any:
    """obj[k1][k2]... or None when any step is missing or not an object."""
    for k in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(k)
    return obj


def as_text(value: Any) -> str:
    """Text from a string, a list of text parts/blocks, or None."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        out = []
        for part in value:
            if isinstance(part, str):
                out.append(part)
            elif isinstance(part, dict):
                t = part.get("text")
                if isinstance(t, str):
                    out.append(t)
                elif isinstance(part.get("content"), (str, list)):
                    out.append(as_text(part["content"]))
        return "\n".join(out)
    if isinstance(value, dict):
        t = value.get("text")
        return t if isinstance(t, str) else as_text(value.get("content"))
    return str(value)


def object_lines(records: Iterable["tuple[int, Any] | Bad"], path: Path,
                 what: str) -> Iterator["tuple[int, dict] | Bad"]:
    """A session file's records: malformed lines passed on, lines that are not JSON objects reported as `what`."""
    for item in records:
        if isinstance(item, Bad):
            yield item
        elif not isinstance(item[1], dict):
            yield Bad(str(path), item[0], f"{what} must be a JSON object")
        else:
            yield item
