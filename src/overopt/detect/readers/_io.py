"""File access shared by the readers: JSONL records streamed with file:line errors, whole JSON documents."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any, Callable, Iterator

from overopt.detect.episodes import Bad

MAX_LINE_BYTES = 64 * 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"

OnBytes = Callable[[int], None] | None


def base_name(path: Path) -> str:
    """The file name in lower case without a trailing `.gz`: `a.jsonl.gz` -> `a.jsonl`."""
    name = path.name.lower()
    return name[:-3] if name.endswith(".gz") else name


def magic(path: Path, n: int = 4) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(n)
    except OSError:
        return b""


def open_binary(path: Path):
    """The file's bytes, gunzipped on the fly when it is gzip (by magic, whatever its name)."""
    return gzip.open(path, "rb") if magic(path, 2) == GZIP_MAGIC else open(path, "rb")


def looks_binary(head: bytes) -> bool:
    return b"\x00" in head


def iter_records(path: Path, on_bytes: OnBytes = None) -> Iterator[tuple[int, Any] | Bad]:
    """(line number, decoded JSON) for each non-blank line, or a Bad naming the line; memory stays flat."""
    try:
        fh = open_binary(path)
        head = fh.peek(8192)[:8192] if hasattr(fh, "peek") else b""
    except OSError as exc:
        yield Bad(str(path), None, f"cannot read: {exc}")
        return
    with fh:
        try:
            binary = looks_binary(head)
        except (OSError, EOFError) as exc:
            yield Bad(str(path), None, f"cannot read: {exc}")
            return
        if binary:
            yield Bad(str(path), None, "binary file, not JSONL text (expected one JSON object a line)")
            return
        lineno = 0
        while True:
            try:
                raw = fh.readline(MAX_LINE_BYTES)
            except (OSError, EOFError) as exc:
                yield Bad(str(path), lineno + 1, f"read error: {exc}")
                return
            if not raw:
                break
            lineno += 1
            if on_bytes is not None:
                on_bytes(len(raw))
            if len(raw) >= MAX_LINE_BYTES and not raw.endswith(b"\n"):
                while True:  # skip the rest of an oversized line without holding it
                    more = fh.readline(MAX_LINE_BYTES)
                    if on_bytes is not None:
                        on_bytes(len(more))
                    if not more or more.endswith(b"\n"):
                        break
                yield Bad(str(path), lineno, f"line longer than {MAX_LINE_BYTES >> 20} MiB")
                continue
            if not raw.strip():
                continue
            try:
                yield lineno, json.loads(raw)
            except UnicodeDecodeError:
                yield Bad(str(path), lineno, "not UTF-8 text")
            except ValueError as exc:
                yield Bad(str(path), lineno, f"not JSON ({exc})")


def first_records(path: Path, n: int = 5) -> list[Any]:
    """The first `n` decodable JSONL records (for sniffing the format); unreadable lines are passed over."""
    out = []
    for item in iter_records(path):
        if isinstance(item, Bad):
            if item.line is None:
                break
            if len(out) == 0 and item.line >= n:
                break
            continue
        out.append(item[1])
        if len(out) >= n:
            break
    return out


def load_document(path: Path) -> Any | Bad:
    """The whole file decoded as one JSON value, or a Bad saying why not."""
    try:
        with open_binary(path) as fh:
            data = fh.read()
    except (OSError, EOFError) as exc:
        return Bad(str(path), None, f"cannot read: {exc}")
    if looks_binary(data[:8192]):
        return Bad(str(path), None, "binary file, not JSON text")
    try:
        return json.loads(data)
    except UnicodeDecodeError:
        return Bad(str(path), None, "not UTF-8 text")
    except ValueError as exc:
        return Bad(str(path), _line_of(exc), f"not JSON ({exc})")


def _line_of(exc: ValueError) -> int | None:
    return getattr(exc, "lineno", None)


def is_document(path: Path, json_name: bool) -> bool:
    """Does the file hold one JSON value (a document) rather than one value a line (JSONL)?

    Decided from the first lines: a lone `{`/`[` or a first line that is not a whole JSON value by itself means
    a document; a whole value followed by more lines means JSONL (also in a `.json` file). A single-line file,
    or a first line over 1 MiB, is a document when its name says JSON (`json_name`)."""
    cap = 1 << 20
    try:
        with open_binary(path) as fh:
            first = _next_nonblank(fh, cap)
            if first is None:
                return False
            line = first.strip()
            if line[:1] not in (b"{", b"["):
                return False
            if line in (b"{", b"["):
                return True
            if len(first) >= cap and not first.endswith(b"\n"):
                return json_name
            try:
                json.loads(line)
            except ValueError:
                return True
            return json_name and _next_nonblank(fh, cap) is None
    except (OSError, EOFError):
        return False


def _next_nonblank(fh, cap: int) -> bytes | None:
    while True:
        raw = fh.readline(cap)
        if not raw:
            return None
        if raw.strip():
            return raw
