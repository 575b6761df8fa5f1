"""Building the view: one pass over the messages that records reasoning, text, code, tool calls and their outputs."""

from __future__ import annotations

import re

from overopt.detect.episodes import Episode
from overopt.detect.view._code_blocks import (
    SEARCH_REPLACE,
    code_blocks,
    language_of,
    looks_like_code,
    quoted_by_prose,
    search_replace_hunks,
)
from overopt.detect.view._episode_view import EpisodeView
from overopt.detect.view._patches import diff_files, looks_like_patch, patches
from overopt.detect.view._reasoning import split_reasoning
from overopt.detect.view._records import CodeBlock, Command, Segment
from overopt.detect.view._tool_calls import heredocs, is_observation, json_object, text_calls
from overopt.detect.view._visible_tests import TEST_PATH

PATH_KEYS = ("path", "file_path", "filename", "file", "target_file", "filepath", "file_name", "target")
CONTENT_KEYS = ("content", "file_text", "new_str", "new_string", "contents", "code", "text", "insert_text",
                "new_content", "source", "patch", "diff", "input", "code_edit")
COMMAND_KEYS = ("command", "cmd", "commands", "script", "shell_command", "bash_command", "code")
_EDIT_VERBS = {"create", "write", "insert", "str_replace", "append", "overwrite", "edit", "replace"}
_PATH_RANK = {k: i for i, k in enumerate(PATH_KEYS)}
_CONTENT_RANK = {k: i for i, k in enumerate(CONTENT_KEYS)}
_COMMAND_RANK = {k: i for i, k in enumerate(COMMAND_KEYS)}
_DELETE_VERBS = {"delete", "remove", "rm"}
_VIEW_VERBS = {"view", "read", "cat", "open", "undo_edit", "find", "search", "list", "ls"}
_SUBMIT_TOOL = re.compile(r"^(?:submit\w*|final_answer|answer|give_answer|submit_answer|return_answer)$", re.I)
_ANSWER_KEYS = ("answer", "code", "solution", "submission", "final_answer", "content", "completion")
_PY_TOOL = re.compile(r"python|ipython|jupyter|notebook|code_interpreter|execute_code|run_code|exec_code", re.I)
_PY_INLINE = re.compile(r"\bpython[\d.]*\s+-c\s+(['\"])(.*?)\1(?=\s|$|;|&|\|)", re.S)
_ECHO_WRITE = re.compile(r"\b(echo|printf)\s+(-e\s+)?(?:-\w+\s+)*(?:'([^']*)'|\"((?:[^\"\\\\]|\\\\.)*)\")"
                         r"\s*>>?\s*([^\s;&|]+)")

_KEY = "_overopt_view"


def view_of(ep: Episode) -> EpisodeView:
    """Built once per episode and cached on it (cheap: regexes, no ast)."""
    v = ep.__dict__.get(_KEY)
    if v is None:
        v = _Builder(ep).build()
        ep.__dict__[_KEY] = v
    return v


def _replace_hunk(old: str | None, new: str) -> str:
    """A one-hunk patch replacing `old` (None: an insertion) by `new`."""
    minus = ["-" + x for x in old.split("\n")] if old else []
    return "@@ str_replace @@\n" + "\n".join(minus + ["+" + x for x in new.split("\n")])


def _argv_script(argv: list[str]) -> str:
    """The script of a command given as an argument list: `["bash", "-lc", S]` -> S; others joined by spaces."""
    if len(argv) >= 3 and argv[-2] in ("-c", "-lc", "-lic", "-ic") :
        return argv[-1]
    if argv[0] in ("apply_patch", "applypatch") and len(argv) >= 2:
        return argv[1]
    return " ".join(argv)


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s)


class _Builder:
    """Walks the messages once, filling an `EpisodeView`."""

    __slots__ = ("ep", "v", "_prompt_flat", "_user_raw")

    def __init__(self, ep: Episode):
        self.ep = ep
        self.v = EpisodeView(episode=ep)
        self._prompt_flat: str | None = None
        self._user_raw: list[str] = []

    def prompt_flat(self) -> str:
        if self._prompt_flat is None:
            self._prompt_flat = _norm("\n".join(self._user_raw))
        return self._prompt_flat

    def add_code(self, text: str, where: str, index: int, lang: str, path: str | None, origin: str,
                 closed: bool = True, created: bool = False) -> None:
        if not text.strip():
            return
        v = self.v
        v.code.append(CodeBlock(text, where, index, lang, path, origin, closed, created=created))
        if path and TEST_PATH.search(path) and lang != "diff":
            v._file_tests.append(CodeBlock(text, where, index, lang or "python", path, "quoted", closed))
        elif path and lang == "diff" and TEST_PATH.search(path):
            ctx = "\n".join(ln[1:] for ln in text.split("\n") if ln[:1] in (" ", "-"))
            if ctx.strip():
                v._file_tests.append(CodeBlock(ctx, where, index, "python", path, "quoted", closed))

    def tool_call(self, name: str, args: dict | None, raw: str, where: str, index: int) -> Command:
        """Record a tool call (native or written as text): its code and its command."""
        text = raw
        if args and _SUBMIT_TOOL.match(name):
            self.submitted_answer(args, where, index)
        elif args:
            path = content = cmd = None
            pk = ck = mk = 99
            for k, x in args.items():   # the highest-priority path, content and command keys present
                r = _PATH_RANK.get(k)
                if r is not None and r < pk and type(x) is str and x.strip():
                    path, pk = x, r
                r = _CONTENT_RANK.get(k)
                if r is not None and r < ck and type(x) is str:
                    content, ck = x, r
            verb = args.get("command")
            verb = verb if type(verb) is str and (verb in _EDIT_VERBS or verb in _VIEW_VERBS or verb in _DELETE_VERBS) \
                else ""
            if not verb:
                for k, x in args.items():
                    r = _COMMAND_RANK.get(k)
                    if r is None or r >= mk or (k == "code" and path is not None):
                        continue
                    if type(x) is str:
                        cmd, mk = x, r
                    elif type(x) is list and x and all(type(y) is str for y in x):
                        cmd, mk = _argv_script(x), r   # Codex-style ["bash", "-lc", "..."] / ["apply_patch", "..."]
            edits = args.get("edits")
            if path and type(edits) is list:   # several replacements in one call (MultiEdit)
                for e in edits:
                    if isinstance(e, dict) and isinstance(e.get("old_string", e.get("old_str")), str):
                        old, new = e.get("old_string", e.get("old_str")), e.get("new_string", e.get("new_str", ""))
                        self.add_code(_replace_hunk(old, new if isinstance(new, str) else ""), where, index, "diff",
                                      path, "written")
            if path and content is not None and verb not in _VIEW_VERBS:
                old = args.get("old_str", args.get("old_string"))
                if " SEARCH" in content and " REPLACE" in content and SEARCH_REPLACE.search(content):
                    self.add_code(search_replace_hunks(content), where, index, "diff", path, "written")
                elif (verb == "insert" or ck == _CONTENT_RANK["code_edit"]) and old is None:
                    self.add_code(_replace_hunk(None, content), where, index, "diff", path, "written")
                elif isinstance(old, str):
                    self.add_code(_replace_hunk(old, content), where, index, "diff", path, "written")
                elif looks_like_patch(content) and (content.startswith(("---", "***", "@@", "diff "))):
                    for _s, p, pth in patches(content):
                        self.add_code(p, where, index, "diff", pth or path, "written")
                else:
                    ext = path.rsplit(".", 1)[-1] if "." in path else ""
                    self.add_code(content, where, index, language_of(ext) if ext else "", path, "written",
                                  created=verb == "create" or "create" in name.lower())
            elif content is not None and not path and looks_like_patch(content):
                for _s, p, pth in patches(content):
                    self.add_code(p, where, index, "diff", pth, "written")
            elif path and verb in _DELETE_VERBS:
                self.add_code("deleted file mode", where, index, "diff", path, "written")
            if cmd is not None:
                text = cmd
                lang = "python" if (_PY_TOOL.search(name) or "code" in args and cmd is args.get("code")) else "bash"
                if lang == "bash":
                    self.shell(cmd, where, index)
                self.add_code(cmd, where, index, lang, None, "executed")
        elif raw and not args:
            if _PY_TOOL.search(name):
                self.add_code(raw, where, index, "python", None, "executed")
            else:
                self.shell(raw, where, index)
                self.add_code(raw, where, index, "bash", None, "executed")
        c = Command(tool=name, text=text, output=None, where=where, index=index, args=args)
        self.v.commands.append(c)
        return c

    def submitted_answer(self, args: dict, where: str, index: int) -> None:
        """The final answer handed to the grader (Inspect's `submit(answer=...)`): code in it is written, not run."""
        for k in _ANSWER_KEYS:
            x = args.get(k)
            if type(x) is str and x.strip():
                if "```" in x or "~~~" in x or "<" in x:
                    self.text_code(x, where, index, "written")
                elif looks_like_code(x):
                    self.add_code(x.strip("\n"), where, index, "python", None, "written")
                break

    def shell(self, cmd: str, where: str, index: int) -> None:
        """Files and code inside a shell command: heredocs, `echo ... > file`, `python -c`, an apply_patch body."""
        if "*** Begin Patch" in cmd or "*** Update File:" in cmd:
            for _s, p, pth in patches(cmd):
                self.add_code(p, where, index, "diff", pth, "written")
            return
        if ">" in cmd and ("echo" in cmd or "printf" in cmd):
            for m in _ECHO_WRITE.finditer(cmd):
                body = m.group(3) if m.group(3) is not None else m.group(4)
                if m.group(1) == "printf" or m.group(2):
                    body = body.replace("\\n", "\n").replace("\\t", "\t")
                path = m.group(5)
                ext = path.rsplit(".", 1)[-1] if "." in path else ""
                self.add_code(body, where, index, language_of(ext) if ext else "", path, "written")
        if "<<" in cmd:
            for path, body in heredocs(cmd):
                if path:
                    ext = path.rsplit(".", 1)[-1] if "." in path else ""
                    self.add_code(body, where, index, language_of(ext) if ext else "", path, "written")
                else:
                    self.add_code(body, where, index, "python", None, "executed")
        if "-c" in cmd and "python" in cmd:
            for m in _PY_INLINE.finditer(cmd):
                self.add_code(m.group(2), where, index, "python", None, "executed")

    def text_code(self, text: str, where: str, index: int, origin: str, skip: list[tuple[int, int]] = ()) -> None:
        for start, lang, code, path, closed in code_blocks(text):
            if any(a <= start < b for a, b in skip):
                continue
            o = origin
            if o == "written":
                tail = code[-40:]
                e = text.find(tail, start) if tail else -1
                end = e + len(tail) if e >= 0 else start + len(code)
                if quoted_by_prose(text, start, end):
                    o = "quoted"
                elif len(code) >= 40 and _norm(code) in self.prompt_flat():
                    o = "quoted"
            self.add_code(code, where, index, lang, path, o, closed)

    def build(self) -> EpisodeView:
        ep, v = self.ep, self.v
        by_id: dict[str, Command] = {}
        pending: list[Command] = []      # calls still waiting for their output, in order
        text_pending: list[Command] = []  # text-format calls waiting for an OBSERVATION user message
        msgs = ep.messages
        n_msgs = len(msgs)
        for i, m in enumerate(msgs):
            role = m.role
            if role == "assistant":
                if m.reasoning:
                    where = f"messages[{i}].reasoning"
                    v.reasoning.append(Segment(m.reasoning, where, i))
                    self.text_code(m.reasoning, where, i, "quoted")
                content = m.content
                if content:
                    r, vis = split_reasoning(content)
                    if r:
                        v.reasoning.append(Segment(r, f"messages[{i}].reasoning", i))
                        self.text_code(r, f"messages[{i}].reasoning", i, "quoted")
                    where = f"messages[{i}].content"
                    calls = text_calls(vis) if ("<" in vis or "Action:" in vis) else []
                    if vis.strip():
                        v.final_text.append(Segment(vis, where, i))
                    skip = [(a, b) for a, b, *_ in calls] if calls else []
                    for k, (_a, _b, name, args, raw) in enumerate(calls):
                        c = self.tool_call(name, args, raw, f"{where}.calls[{k}]", i)
                        text_pending.append(c)
                    if not calls and not m.tool_calls and i + 1 < n_msgs and msgs[i + 1].role == "user" \
                            and ("```" in vis or "~~~" in vis) and is_observation(msgs[i + 1].content):
                        # a harness that runs the fenced command of a message (SWE-agent's thought/action format)
                        blocks = code_blocks(vis)
                        if blocks:
                            start, lang, code, _p, _c = blocks[-1]
                            skip.append((start, start + 1))
                            c = self.tool_call("bash" if lang in ("", "bash") else lang, None, code,
                                               f"{where}.action", i)
                            text_pending.append(c)
                    if vis and ("```" in vis or "~~~" in vis or "<" in vis or "+++ " in vis or "*** " in vis):
                        self.text_code(vis, where, i, "written", skip)
                    elif vis and not calls and ("def " in vis or "import " in vis or "return " in vis) \
                            and looks_like_code(vis):
                        self.add_code(vis.strip("\n"), where, i, "python", None, "written")   # a bare completion
                for j, tc in enumerate(m.tool_calls):
                    args = json_object(tc.arguments)
                    c = self.tool_call(tc.name, args, tc.arguments, f"messages[{i}].tool_calls[{j}]", i)
                    if tc.id:
                        by_id[tc.id] = c
                    pending.insert(0, c)   # answered in order: the oldest unanswered call is at the end
            elif role == "tool":
                where = f"messages[{i}].content"
                v.tool_output.append(Segment(m.content, where, i))
                c = by_id.pop(m.tool_call_id, None) if m.tool_call_id else None
                if c is None:
                    while pending and pending[-1].output is not None:
                        pending.pop()
                    c = pending.pop() if pending else None
                if c is not None:
                    c.output = m.content if c.output is None else c.output + "\n" + m.content
                self.output(m.content, where, i, c)
            else:   # user / system
                where = f"messages[{i}].content"
                if i > 0 and role == "user" and (text_pending or is_observation(m.content)):
                    v.tool_output.append(Segment(m.content, where, i))
                    for c in text_pending:
                        c.output = m.content
                    text_pending = []
                    self.output(m.content, where, i, None)
                    continue
                v.user_text.append(Segment(m.content, where, i))
                self._user_raw.append(m.content)
                self._prompt_flat = None
                if m.content:
                    if "```" in m.content or "<" in m.content:
                        self.text_code(m.content, where, i, "quoted")
        if ep.diff:
            for pth, p in diff_files(ep.diff):
                self.add_code(p, f"diff:{pth}", -1, "diff", pth, "written", created=p.startswith("new file mode"))
        return v

    def output(self, text: str, where: str, index: int, cmd: Command | None) -> None:
        if text:
            self.v._outputs.append((text, where, index, cmd))
