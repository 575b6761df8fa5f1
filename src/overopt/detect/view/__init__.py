"""One normalized view of an episode that every detector reads.

Real logs come in many shapes: chain of thought in a `reasoning` field or inline in `<think>` tags, code in
fences, `<code>` tags, `<file path=...>` blocks or patch envelopes, tool calls made natively (any tool name,
content in `content`/`code`/`file_text`/`new_str`/... arguments) or written as text (`<function=bash>`,
`<tool_call>{json}</tool_call>`, `Action:`), tool results in `tool` messages or in `OBSERVATION:` user
messages. `view_of(ep)` reads all of them once (regexes only, no parsing of code) into:

- `reasoning`, `final_text`, `user_text`, `tool_output`: text segments, each with where it came from;
- `code`: every code block with its `origin` ("written": the answer or a file the model wrote; "executed": a
  command or script it ran; "quoted": code shown in reasoning, quoted from the prompt or a tool output, or
  shown in prose as an example it rejects), the file it goes to when known, and whether the source cut it;
- `commands`: the commands and tool calls the model made, with what came back;
- `test_runs`: test runs recognized by their output (pytest/unittest summaries, "N passed", PASS/FAIL lines);
- `visible_tests`: tests the model could see (asserts, `check(candidate)`, I/O examples,
  `if f(x) == y: print("PASS")`, test files) in the prompt, tool outputs or files;
- `claims`: what the model claims to have done (see `overopt.detect.claims.claims_of`).

Parts: `_records` (the records), `_episode_view` (the view), `_builder` (building it, `view_of`), `_reasoning`
(inline chain of thought), `_code_blocks` (code in text), `_patches` (patches and diffs), `_tool_calls` (calls
written as text, observations, heredocs), `_visible_tests` (tests in text), `_test_runs` (test runs by output).
"""

from overopt.detect.view._builder import COMMAND_KEYS, CONTENT_KEYS, PATH_KEYS, view_of
from overopt.detect.view._code_blocks import FILE_NAME, code_blocks, looks_like_code
from overopt.detect.view._episode_view import EpisodeView
from overopt.detect.view._patches import diff_files, patches
from overopt.detect.view._reasoning import split_reasoning
from overopt.detect.view._records import CodeBlock, Command, Segment, TestRun
from overopt.detect.view._test_runs import test_run
from overopt.detect.view._tool_calls import heredocs
from overopt.detect.view._visible_tests import TEST_PATH, tests_in

__all__ = [
    "COMMAND_KEYS", "CONTENT_KEYS", "FILE_NAME", "PATH_KEYS", "TEST_PATH", "CodeBlock", "Command", "EpisodeView",
    "Segment", "TestRun", "code_blocks", "diff_files", "heredocs", "looks_like_code", "patches", "split_reasoning",
    "test_run", "tests_in", "view_of",
]
