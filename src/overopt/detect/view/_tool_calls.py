"""Tool calls written as text (`<function=...>`, `<tool_call>{json}</tool_call>`, `<invoke>`, CodeAct tags,
`Action:`), observations handed back in user messages, and here-documents inside shell commands."""

from __future__ import annotations

import json
import re

_TEXT_CALL = re.compile(r"<function=([\w.-]+)>(.*?)(?:</function>|\Z)", re.S)
_TEXT_PARAM = re.compile(r"<parameter=([\w.-]+)>\n?(.*?)\n?(?:</parameter>|(?=<parameter=)|\Z)", re.S)
_JSON_CALL = re.compile(r"<(tool_call|function_call|tool_use)>\s*(.*?)\s*(?:</\1>|\Z)", re.S)
_INVOKE = re.compile(r"<invoke\s+name=\"([\w.-]+)\"\s*>(.*?)(?:</invoke>|\Z)", re.S)
_INVOKE_PARAM = re.compile(r"<parameter\s+name=\"([\w.-]+)\"\s*>\n?(.*?)\n?(?:</parameter>|\Z)", re.S)
_EXEC_TAG = re.compile(r"<(execute_bash|execute_ipython|execute_python|bash)>(.*?)(?:</\1>|\Z)", re.S)
_ACTION = re.compile(r"^Action:\s*([\w.-]+)\s*\n(?:Action Input:\s*)?(.*?)(?=^Observation:|\Z)", re.S | re.M)
_OBSERVATION = re.compile(
    r"^\s*(OBSERVATION|Observation|Tool (?:output|result)|\[?Tool result\]?|EXECUTION RESULT|Execution (?:output|"
    r"result)|Output of the command|Command output|stdout|STDOUT|Result of)\b\s*(?:of\s*\[\w+\])?\s*:?", re.M)
_HEREDOC_START = re.compile(r"<<-?\s*(['\"]?)(\w+)\1")
_REDIRECT = re.compile(r"(?:^|[\s;&|])(?:cat|tee)?\s*>>?\s*([^\s<;&|>]+)|\btee\s+(?:-a\s+)?([^\s<;&|>]+)")
_PY_HEREDOC = re.compile(r"\bpython[\d.]*\s+(?:-\s+)?<<")


def heredocs(cmd: str) -> list[tuple[str | None, str]]:
    """(path, body) for each here-document in a shell command: `cat > FILE <<EOF ... EOF` (path: FILE) or
    `python - <<EOF` (path None: code run). The body runs to the terminator line, or to the end when it is missing."""
    out: list[tuple[str | None, str]] = []
    if "<<" not in cmd:
        return out
    pos = 0
    while True:
        m = _HEREDOC_START.search(cmd, pos)
        if not m:
            break
        line_start = cmd.rfind("\n", 0, m.start()) + 1
        nl = cmd.find("\n", m.end())
        if nl < 0:
            break
        line = cmd[line_start:nl]
        term = m.group(2)
        body_lines, end = [], len(cmd)
        i = nl + 1
        while i <= len(cmd):
            j = cmd.find("\n", i)
            j = len(cmd) if j < 0 else j
            ln = cmd[i:j]
            if ln.strip() == term:
                end = j
                break
            body_lines.append(ln)
            i = j + 1
        r = _REDIRECT.search(line.replace(m.group(0), " "))
        path = (r.group(1) or r.group(2)) if r else None
        if path or _PY_HEREDOC.search(line):
            out.append((path, "\n".join(body_lines) + "\n"))
        pos = end
    return out


def json_object(raw: str) -> dict | None:
    """`raw` parsed as a JSON object; None when it is not one."""
    if not raw or raw[0] != "{":
        raw = raw.strip()
        if not raw.startswith("{"):
            return None
    try:
        v = json.loads(raw)
    except (ValueError, TypeError, RecursionError):
        return None
    return v if isinstance(v, dict) else None


def text_calls(text: str) -> list[tuple[int, int, str, dict | None, str]]:
    """(start, end, tool, args, raw) for tool calls written as text in a message."""
    out = []
    if "<function=" in text:
        for m in _TEXT_CALL.finditer(text):
            params = {k: v for k, v in _TEXT_PARAM.findall(m.group(2))}
            out.append((m.start(), m.end(), m.group(1), params or None, m.group(2).strip()))
    if "<tool_call>" in text or "<function_call>" in text or "<tool_use>" in text:
        for m in _JSON_CALL.finditer(text):
            obj = json_object(m.group(2))
            if obj is None:
                continue
            name = str(obj.get("name") or obj.get("tool") or obj.get("function") or "")
            args = obj.get("arguments", obj.get("parameters", obj.get("args", obj.get("input"))))
            if isinstance(args, str):
                args = json_object(args) or {"command": args}
            out.append((m.start(), m.end(), name, args if isinstance(args, dict) else None, m.group(2)))
    if "<invoke" in text:   # Anthropic XML: <invoke name="bash"><parameter name="command">...</parameter></invoke>
        for m in _INVOKE.finditer(text):
            params = {k: v for k, v in _INVOKE_PARAM.findall(m.group(2))}
            out.append((m.start(), m.end(), m.group(1), params or None, m.group(2).strip()))
    if "<execute_" in text or "<bash>" in text:   # OpenHands CodeAct: <execute_bash>ls</execute_bash>
        for m in _EXEC_TAG.finditer(text):
            kind = m.group(1)
            body = m.group(2).strip("\n")
            key = "code" if kind in ("execute_ipython", "execute_python") else "command"
            out.append((m.start(), m.end(), "python" if key == "code" else "bash", {key: body}, body))
    if "Action:" in text:
        for m in _ACTION.finditer(text):
            raw = m.group(2).strip()
            obj = json_object(raw)
            if obj is None and raw:
                obj = {"command": raw.strip("`").strip()}
            out.append((m.start(), m.end(), m.group(1), obj, raw))
    return out


def is_observation(text: str) -> bool:
    """A user message that hands back a tool's output (`OBSERVATION:`, `Tool result:`, `stdout:` ...)."""
    head = text[:80]
    return bool(_OBSERVATION.match(head))
