"""The formats `overopt scan` reads, and how a file's format is found.

Each file is read on its own. Its format is the one given (`--format`), else found from the file:
a zip (or `.eval`) is an Inspect log; a `.json`/`.traj` file, or one whose first line opens a multi-line JSON
value, is read whole and its structure decides; anything else is JSONL (optionally gzip) and its first records
decide. When nothing fits, JSONL is read as OpenAI chat episodes (each line then says what is wrong with it).

A record or file a reader cannot read becomes a `Bad` (`FILE:LINE: why`); the scan goes on with the rest.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from overopt.detect.episodes import Bad, Episode, EpisodeError
from overopt.detect.readers import (
    claude_code,
    codex,
    inspect_log,
    openai,
    openhands,
    responses,
    rollout,
    swe_agent,
)
from overopt.detect.readers._io import (
    ZIP_MAGIC,
    base_name,
    first_records,
    is_document,
    iter_records,
    load_document,
    magic,
)
from overopt.detect.readers.base import Reader
from overopt.errors import ConfigError

# detection order: the most specific signatures first
READERS: dict[str, Reader] = {r.name: r for r in (
    inspect_log.READER, swe_agent.READER, openhands.READER, claude_code.READER, codex.READER,
    responses.READER, rollout.READER, openai.READER)}
FORMATS = tuple(READERS)
DEFAULT = "openai"
# what a broken record can raise besides EpisodeError: reported, never a traceback
DATA_ERRORS = (EpisodeError, TypeError, KeyError, AttributeError, ValueError, IndexError, RecursionError)


def sniff(values: list[Any]) -> Reader | None:
    """The first reader whose signature one of `values` (the first records, or a whole document) fits."""
    for v in values:
        for r in READERS.values():
            if r.match(v):
                return r
    return None


def detect(path: Path) -> str:
    """The format name `iter_file` would read `path` with (reads a JSON document whole to decide)."""
    path = Path(path)
    if magic(path) == ZIP_MAGIC or base_name(path).endswith(".eval"):
        return "inspect"
    if _is_document(path):
        doc = load_document(path)
        r = None if isinstance(doc, Bad) else sniff([doc])
        return r.name if r else ("swe-agent" if base_name(path).endswith(".traj") else DEFAULT)
    r = sniff(first_records(path))
    return r.name if r else DEFAULT


def _is_document(path: Path) -> bool:
    return is_document(path, json_name=base_name(path).endswith((".json", ".traj")))


def iter_file(path: Path, fmt: str | None = None, on_bytes=None) -> Iterator[Episode | Bad]:
    """Episodes from one file, in the format `fmt` (a name in FORMATS) or the detected one."""
    path = Path(path)
    if fmt is not None and fmt not in READERS:
        raise ConfigError(f"unknown format {fmt!r}")
    try:
        yield from _read(path, fmt, on_bytes)
    except DATA_ERRORS as exc:  # a reader met a shape it did not expect: the file is reported, the scan goes on
        yield Bad(str(path), None, f"cannot read as {fmt or 'its detected format'} "
                                   f"({type(exc).__name__}: {exc})")
    except (OSError, EOFError) as exc:
        yield Bad(str(path), None, f"read error: {exc}")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _read(path: Path, fmt: str | None, on_bytes) -> Iterator[Episode | Bad]:
    if magic(path) == ZIP_MAGIC:
        if fmt not in (None, "inspect"):
            yield Bad(str(path), None, f"a zip archive: not {fmt} (only Inspect .eval logs are zips)")
            return
        yield from inspect_log.iter_eval(path)
        if on_bytes is not None:
            on_bytes(_size(path))
        return
    if fmt in (None, "inspect") and base_name(path).endswith(".eval"):
        yield Bad(str(path), None, "not a readable Inspect .eval log: not a zip archive")
        return
    if _is_document(path):
        yield from _from_document(path, load_document(path), fmt)
        if on_bytes is not None:
            on_bytes(_size(path))
        return
    reader = READERS[fmt] if fmt else (sniff(first_records(path)) or READERS[DEFAULT])
    if reader.session is not None:  # the file is a session (OpenHands' also takes a row a line)
        yield from reader.session(iter_records(path, on_bytes), path)
    else:
        yield from _from_lines(path, reader, on_bytes)


def _from_lines(path: Path, reader: Reader, on_bytes) -> Iterator[Episode | Bad]:
    name, record = path.name, reader.record
    for item in iter_records(path, on_bytes):
        if isinstance(item, Bad):
            yield item
            continue
        lineno, obj = item
        try:
            for ep in record(obj, f"{name}:{lineno}"):
                if isinstance(ep, str):
                    yield Bad(str(path), lineno, ep)
                else:
                    yield ep
        except EpisodeError as exc:
            yield Bad(str(path), lineno, str(exc))
        except DATA_ERRORS as exc:
            yield Bad(str(path), lineno, f"cannot read this line as {reader.name} ({type(exc).__name__}: {exc})")


def _from_document(path: Path, doc: Any, fmt: str | None) -> Iterator[Episode | Bad]:
    if isinstance(doc, Bad):
        yield doc
        return
    if fmt is not None:
        reader = READERS[fmt]
    else:
        reader = sniff([doc])
        if reader is None and base_name(path).endswith(".traj"):
            reader = READERS["swe-agent"]
        if reader is None:
            yield Bad(str(path), None, "a JSON document in no known format (tried: " + ", ".join(FORMATS)
                      + "); pass --format, or write JSONL with one episode a line")
            return
    if reader.record is None:  # a session format given as a JSON list of its lines
        items = doc if isinstance(doc, list) else [doc]
        yield from reader.session(((i + 1, x) for i, x in enumerate(items)), path)
        return
    try:
        for ep in reader.record(doc, path.name):
            yield Bad(str(path), None, ep) if isinstance(ep, str) else ep
    except DATA_ERRORS as exc:
        msg = str(exc) if isinstance(exc, EpisodeError) else f"{type(exc).__name__}: {exc}"
        yield Bad(str(path), None, f"cannot read as {reader.name}: {msg}")
