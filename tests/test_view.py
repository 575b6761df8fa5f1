"""The normalized episode view: reasoning, code with its origin, commands and outputs, test runs, visible tests."""

import json

from overopt.detect.episodes import parse_episode
from overopt.detect.view import code_blocks, split_reasoning, view_of
from overopt.detect.view import test_run as run_of


def ep(*messages, diff=None):
    d = {"id": "e", "messages": list(messages)}
    if diff is not None:
        d["diff"] = diff
    return parse_episode(d)


def user(text):
    return {"role": "user", "content": text}


def asst(text, calls=None, reasoning=None):
    m = {"role": "assistant", "content": text}
    if calls:
        m["tool_calls"] = [{"id": f"c{i}", "type": "function",
                            "function": {"name": n, "arguments": json.dumps(a) if isinstance(a, dict) else a}}
                           for i, (n, a) in enumerate(calls)]
    if reasoning:
        m["reasoning"] = reasoning
    return m


def tool(text, call_id="c0"):
    return {"role": "tool", "content": text, "tool_call_id": call_id}


# ---- reasoning ----------------------------------------------------------------------------------

def test_split_reasoning_closed_unclosed_and_orphan_close():
    assert split_reasoning("<think>plan it</think>\nHere is the answer.") == ("plan it", "Here is the answer.")
    r, v = split_reasoning("Sure.<thinking>first idea\nsecond idea")
    assert r == "first idea\nsecond idea" and v == "Sure."
    r, v = split_reasoning("the model was thinking here</think>The answer is 4.")
    assert r == "the model was thinking here" and v == "The answer is 4."
    assert split_reasoning("No tags, just text about <b>bold</b>.") == ("", "No tags, just text about <b>bold</b>.")
    r, v = split_reasoning("<reflection>check</reflection>A<reasoning>more</reasoning>B")
    assert r == "check\nmore" and v == "AB"


def test_reasoning_kept_apart_from_final_text():
    v = view_of(ep(user("Sort this list."),
                   asst("<think>I could just hard-code it.</think>Use `sorted(xs)`.", reasoning="native thoughts")))
    assert [s.text for s in v.reasoning] == ["native thoughts", "I could just hard-code it."]
    assert [s.text for s in v.final_text] == ["Use `sorted(xs)`."]
    assert [s.text for s in v.user_text] == ["Sort this list."]


# ---- code blocks --------------------------------------------------------------------------------

def test_fences_tags_file_blocks_and_headers():
    text = ("Here is the fix.\n\n**solution.py**\n```python\ndef f(x):\n    return x\n```\n\n"
            "<file path=\"conftest.py\">\nimport pytest\n</file>\n\n"
            "# filename: helpers/io.py\n```\ndef read():\n    pass\n```\n"
            "<code>\ndef g(y):\n    return y * 2\n</code>\n")
    got = [(lang, path, code.split("\n")[0], closed) for _s, lang, code, path, closed in code_blocks(text)]
    assert ("python", "solution.py", "def f(x):", True) in got
    assert ("python", "conftest.py", "import pytest", True) in got
    assert ("python", "helpers/io.py", "def read():", True) in got
    assert ("", None, "def g(y):", True) in got


def test_first_line_filename_comment_and_unclosed_fence():
    text = "Answer:\n```python\n# File: src/app.py\nimport os\nos._exit(0)\n"
    [(_s, lang, code, path, closed)] = code_blocks(text)
    assert path == "src/app.py" and lang == "python" and closed is False and "os._exit(0)" in code


def test_unclosed_fence_does_not_swallow_a_file_block():
    text = "```python\nx = 1\n\n<file path=\"conftest.py\">\nimport sys\nsys.exit(0)\n</file>\n"
    blocks = code_blocks(text)
    paths = {path for _s, _l, _c, path, _cl in blocks}
    assert "conftest.py" in paths


def test_inline_code_tag_in_prose_is_not_a_block():
    assert code_blocks("Call <code>len(xs)</code> to count.") == []


def test_patch_envelope_and_unified_diff_in_text():
    env = ("*** Begin Patch\n*** Update File: tests/test_calc.py\n@@ def test_add():\n-    assert add(2, 2) == 4\n"
           "+    assert True\n*** Add File: notes.txt\n+hello\n*** End Patch\n")
    v = view_of(ep(user("Fix add()."), asst("", calls=[("apply_patch", {"input": env})])))
    diffs = {b.path: b for b in v.code if b.lang == "diff"}
    assert "-    assert add(2, 2) == 4" in diffs["tests/test_calc.py"].text
    assert diffs["notes.txt"].text.startswith("new file mode")
    udiff = ("I changed it like this:\n```diff\n--- a/app.py\n+++ b/app.py\n@@ -1,2 +1,2 @@\n def f():\n"
             "-    return 1\n+    return 2\n```\n")
    v = view_of(ep(user("Change f."), asst(udiff)))
    [b] = [b for b in v.code if b.lang == "diff"]
    assert b.path == "app.py" and "+    return 2" in b.text and b.origin == "written"


def test_git_diff_of_the_episode():
    diff = ("diff --git a/tests/test_x.py b/tests/test_x.py\ndeleted file mode 100644\n--- a/tests/test_x.py\n"
            "+++ /dev/null\n@@ -1,2 +0,0 @@\n-def test_x():\n-    assert f() == 1\n"
            "diff --git a/new.py b/new.py\nnew file mode 100644\n--- /dev/null\n+++ b/new.py\n@@ -0,0 +1 @@\n+x = 1\n")
    v = view_of(ep(user("hi"), asst("done"), diff=diff))
    blocks = {b.path: b for b in v.code}
    assert blocks["tests/test_x.py"].text.startswith("deleted file mode") and blocks["tests/test_x.py"].index == -1
    assert blocks["new.py"].created and blocks["new.py"].where == "diff:new.py"


# ---- origins ------------------------------------------------------------------------------------

def test_code_in_reasoning_is_quoted():
    v = view_of(ep(user("Make the tests pass."),
                   asst("<think>One hack would be:\n```python\nimport sys\nsys.exit(0)\n```\nNo, I will not do "
                        "that.</think>\n```python\ndef f(x):\n    return x + 1\n```")))
    origins = {b.text.split("\n")[0]: b.origin for b in v.code}
    assert origins["import sys"] == "quoted" and origins["def f(x):"] == "written"
    assert [b.text.split("\n")[0] for b in v.written()] == ["def f(x):"]


def test_code_shown_as_what_not_to_do_is_quoted():
    text = ("You should never do this, it games the grader:\n```python\nclass AlwaysEq:\n    def __eq__(self, o):\n"
            "        return True\n```\nHere is the real implementation:\n```python\ndef area(r):\n"
            "    return 3.14159 * r * r\n```")
    v = view_of(ep(user("Write area()."), asst(text)))
    origins = {b.text.split("\n")[0]: b.origin for b in v.code}
    assert origins == {"class AlwaysEq:": "quoted", "def area(r):": "written"}


def test_code_quoted_from_the_prompt_is_quoted():
    prompt = "My test file:\n```python\ndef test_area():\n    assert area(1) == 3.14159\n```\nWhy does it fail?"
    answer = ("Your test is:\n```python\ndef test_area():\n    assert area(1) == 3.14159\n```\n"
              "Fix:\n```python\ndef area(r):\n    return 3.14159 * r ** 2\n```")
    v = view_of(ep(user(prompt), asst(answer)))
    origins = [(b.index, b.text.split("\n")[0], b.origin) for b in v.code]
    assert (0, "def test_area():", "quoted") in origins
    assert (1, "def test_area():", "quoted") in origins
    assert (1, "def area(r):", "written") in origins


# ---- tool calls ---------------------------------------------------------------------------------

def test_native_tool_calls_any_name_and_outputs():
    v = view_of(ep(
        user("Fix it."),
        asst("", calls=[("write_to_file", {"TargetFile": "x", "filename": "src/m.py", "code": "def m():\n    pass\n"})]),
        tool("ok"),
        asst("", calls=[("execute", {"cmd": "cat > tests/conftest.py <<'EOF'\nimport os\nos._exit(0)\nEOF\n"})]),
        tool(""),
        asst("", calls=[("python", {"code": "print(2 + 2)"})]),
        tool("4", call_id="c0")))
    by_path = {b.path: b for b in v.code if b.path}
    assert by_path["src/m.py"].origin == "written" and by_path["src/m.py"].lang == "python"
    assert "os._exit(0)" in by_path["tests/conftest.py"].text
    assert any(b.origin == "executed" and b.text == "print(2 + 2)" and b.lang == "python" for b in v.code)
    assert [c.tool for c in v.commands] == ["write_to_file", "execute", "python"]
    assert v.commands[-1].output == "4"


def test_str_replace_becomes_a_hunk_and_view_is_not_a_write():
    v = view_of(ep(user("x"), asst("", calls=[
        ("str_replace_editor", {"command": "view", "path": "/repo/a.py"}),
        ("str_replace_editor", {"command": "str_replace", "path": "/repo/a.py", "old_str": "return 1",
                                "new_str": "return 2"})])))
    [b] = v.code
    assert b.lang == "diff" and "-return 1\n+return 2" in b.text and b.path == "/repo/a.py"


def test_text_format_tool_calls_and_observations():
    v = view_of(ep(
        {"role": "system", "content": "You are an agent."},
        user("Fix the bug in utils.py"),
        asst("Let me look.\n\n<function=bash>\n<parameter=command>python -m pytest -q</parameter>\n</function>"),
        user("OBSERVATION:\n....F\n=========== 1 failed, 4 passed in 0.31s ==========="),
        asst('<tool_call>{"name": "create_file", "arguments": {"path": "fix.py", "content": "X = 1\\n"}}</tool_call>'),
        user("OBSERVATION:\nFile created."),
        asst("Thought: run again\nAction: terminal\nAction Input: pytest -q tests/\n"),
        user("Observation: 5 passed in 0.20s")))
    assert [c.tool for c in v.commands] == ["bash", "create_file", "terminal"]
    assert v.commands[0].output.startswith("OBSERVATION:") and v.commands[2].output.startswith("Observation")
    assert [s.index for s in v.tool_output] == [3, 5, 7] and [s.index for s in v.user_text] == [0, 1]
    assert any(b.path == "fix.py" and b.origin == "written" for b in v.code)
    assert [(r.index, r.passed) for r in v.test_runs] == [(3, False), (7, True)]


def test_swe_agent_fenced_action_is_executed():
    v = view_of(ep(user("Fix the issue."),
                   asst("DISCUSSION\nFirst I reproduce it.\n```\npython reproduce.py\n```"),
                   user("OBSERVATION:\nTraceback (most recent call last):\n  ...")))
    [c] = v.commands
    assert c.text == "python reproduce.py" and c.output.startswith("OBSERVATION")
    assert [b.origin for b in v.code] == ["executed"]


# ---- test runs by their output ------------------------------------------------------------------

def test_test_runs_recognised_by_output_not_tool_name():
    assert run_of("============ 12 passed in 0.40s ============") == (True, "12 passed in 0.40s")
    assert run_of("..F\n====== 1 failed, 2 passed, 1 warning in 1.2s ======")[0] is False
    assert run_of("...\n------------------------------------------------------\nRan 3 tests in 0.001s\n\nOK")[0]
    assert run_of("Ran 3 tests in 0.002s\n\nFAILED (failures=1)")[0] is False
    assert run_of("Test 1: PASS\nTest 2: PASS\nTest 3: FAIL")[0] is False
    assert run_of("All tests passed!") == (True, "All tests passed")
    assert run_of("total 12\ndrwxr-xr-x 2 root root 4096 .") is None
    assert run_of("Compiling… done. Passenger count: 4") is None
    v = view_of(ep(user("x"), asst("", calls=[("my_custom_checker", {"target": "all"})]),
                   tool("test_parse ... ok\ntest_emit ... ok\n\nRan 2 tests in 0.01s\n\nOK")))
    assert [(r.passed, r.index) for r in v.test_runs] == [(True, 2)]


# ---- visible tests ------------------------------------------------------------------------------

def test_visible_tests_from_the_prompt():
    prompt = ('Write `add(a, b)`.\n\ndef check(candidate):\n    assert candidate(1, 2) == 3\n'
              '    assert candidate(-1, 1) == 0\n\nassert add(2, 2) == 4\n'
              'if add(5, 5) == 10:\n    print("PASS")\n\n'
              'Example 1:\nInput: a = 1, b = 2\nOutput: 3\n')
    v = view_of(ep(user(prompt), asst("ok")))
    texts = [t.text for t in v.visible_tests]
    assert any("def check(candidate)" in t for t in texts)
    assert "assert add(2, 2) == 4" in texts
    assert any(t.startswith("if add(5, 5) == 10:") for t in texts)
    io = [t for t in v.visible_tests if t.lang == "io"]
    assert [(t.text, t.expected) for t in io] == [("a = 1, b = 2", "3")]


def test_visible_tests_from_sample_blocks_tool_output_and_files():
    prompt = "Sum the numbers.\n\n-----Examples-----\nInput\n3\n1 2 3\n\nOutput\n6\n\nInput\n1\n5\n\nOutput\n5\n"
    v = view_of(ep(user(prompt), asst("", calls=[("bash", {"command": "cat tests/test_sum.py"})]),
                   tool("from s import total\n\ndef test_total():\n    assert total([1, 2]) == 3\n"),
                   asst("", calls=[("write_file", {"path": "tests/test_more.py",
                                                   "content": "def test_big():\n    assert total([10]) == 10\n"})])))
    io = [(t.text, t.expected) for t in v.visible_tests if t.lang == "io"]
    assert io == [("3\n1 2 3", "6"), ("1\n5", "5")]
    paths = {t.path for t in v.visible_tests if t.lang == "python"}
    assert {"tests/test_sum.py", "tests/test_more.py"} <= paths


def test_view_is_cached_and_claims_are_lazy():
    e = ep(user("x"), asst("y"))
    assert view_of(e) is view_of(e)
    assert view_of(e)._claims is None   # not computed until asked for


def test_shell_writes_codex_argv_multiedit_insert_and_search_replace():
    v = view_of(ep(user("x"), asst("", calls=[
        ("shell", {"command": ["bash", "-lc", "printf 'import os\\nos._exit(0)\\n' > tests/conftest.py && pytest -q"]}),
        ("shell", {"command": ["apply_patch", "*** Begin Patch\n*** Add File: a.py\n+X = 1\n*** End Patch\n"]}),
        ("MultiEdit", {"file_path": "/w/app.py", "edits": [{"old_string": "a = 1", "new_string": "a = 2"},
                                                           {"old_string": "b = 1", "new_string": "b = 3"}]}),
        ("str_replace_editor", {"command": "insert", "path": "/w/t.py", "insert_line": 3, "new_str": "x = 0"})])))
    by = [(b.path, b.lang, b.text) for b in v.code if b.origin == "written"]
    assert ("tests/conftest.py", "python", "import os\nos._exit(0)\n") in by
    assert ("a.py", "diff", "new file mode\n@@ -0,0 +1 @@\n+X = 1") in by
    assert [t for p, _l, t in by if p == "/w/app.py"] == ["@@ str_replace @@\n-a = 1\n+a = 2",
                                                          "@@ str_replace @@\n-b = 1\n+b = 3"]
    assert ("/w/t.py", "diff", "@@ str_replace @@\n+x = 0") in by
    aider = "tests/test_calc.py\n```python\n<<<<<<< SEARCH\n    assert add(2, 2) == 4\n=======\n    pass\n>>>>>>> REPLACE\n```"
    v = view_of(ep(user("x"), asst(aider)))
    [b] = v.code
    assert (b.path, b.lang, b.text) == ("tests/test_calc.py", "diff",
                                        "@@ search/replace @@\n-    assert add(2, 2) == 4\n+    pass")


def test_visible_tests_from_numbered_file_views_and_named_io():
    v = view_of(ep(user("Fix it."), asst("", calls=[("str_replace_editor", {"command": "view",
                                                                              "path": "/r/tests/test_m.py"})]),
                   tool("Here's the result of running `cat -n`:\n     1\tdef test_m():\n     2\t    assert m(3) == 9\n")))
    assert "assert m(3) == 9" in [t.text for t in v.visible_tests]
    v = view_of(ep(user("Example 1:\nInput: nums = [2,7,11,15], target = 9\nOutput: [0,1]\n"), asst("ok")))
    assert [(t.text, t.expected) for t in v.visible_tests] == [("nums = [2,7,11,15], target = 9", "[0,1]")]


def test_other_test_runner_summaries():
    assert run_of("  12 passing (40ms)\n  1 failing\n")[0] is False
    assert run_of("Tests:       5 passed, 5 total\nTime: 1.2s")[0] is True
    assert run_of("test result: ok. 3 passed; 0 failed; 0 ignored")[0] is True
    assert run_of("--- FAIL: TestParse (0.00s)\nFAIL\tgithub.com/acme/p\t0.01s")[0] is False
    assert run_of("8 examples, 0 failures")[0] is True


def test_codeact_and_xml_invoke_calls():
    v = view_of(ep(
        user("Fix the bug."),
        asst("Let me run the tests.\n<execute_bash>\npython -m pytest -q\n</execute_bash>"),
        user("EXECUTION RESULT:\n2 failed, 3 passed in 0.12s"),
        asst("<execute_ipython>\nprint(open('app.py').read())\n</execute_ipython>"),
        user("OBSERVATION:\ndef f(): pass"),
        asst('<function_calls>\n<invoke name="str_replace_based_edit_tool">\n<parameter name="command">create'
             '</parameter>\n<parameter name="path">/w/conftest.py</parameter>\n<parameter name="file_text">import os\n'
             'os._exit(0)\n</parameter>\n</invoke>\n</function_calls>'),
        user("File created.")))
    assert [c.tool for c in v.commands] == ["bash", "python", "str_replace_based_edit_tool"]
    assert [(r.index, r.passed) for r in v.test_runs] == [(2, False)]
    assert any(b.path == "/w/conftest.py" and "os._exit(0)" in b.text and b.created for b in v.code)
    assert [s.index for s in v.tool_output] == [2, 4, 6]


def test_partial_edits_and_search_replace_arguments():
    v = view_of(ep(user("x"), asst("", calls=[
        ("edit_file", {"target_file": "tests/test_a.py", "instructions": "add a case",
                       "code_edit": "// ... existing code ...\ndef test_b():\n    assert b() == 2\n"}),
        ("replace_in_file", {"path": "src/a.py", "diff": "------- SEARCH\nreturn 1\n=======\nreturn 2\n+++++++ REPLACE"})])))
    by = {b.path: b.text for b in v.code}
    assert by["tests/test_a.py"].startswith("@@ str_replace @@\n+// ... existing code ...")
    assert by["src/a.py"] == "@@ search/replace @@\n-return 1\n+return 2"


def test_answer_tags_and_bare_code_completions():
    v = view_of(ep(user("Solve it."), asst("<think>easy</think><answer>\ndef f(x):\n    return x * 2\n</answer>")))
    assert [(b.text, b.origin) for b in v.code] == [("def f(x):\n    return x * 2", "written")]
    v = view_of(ep(user("What is 2 + 2?"), asst("<answer>4, because two and two make four.</answer>")))
    assert v.code == []
    completion = "    if n == 10:\n        return 55\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n"
    v = view_of(ep(user("def fib(n):\n    \"\"\"n-th Fibonacci number.\"\"\"\n"), asst(completion)))
    assert [(b.lang, b.origin) for b in v.code] == [("python", "written")]
    v = view_of(ep(user("Tell me about Python."), asst("Python is a language.\nYou can import modules and return "
                                                          "values from functions.\nIt is popular.")))
    assert v.code == []


# ---- tests shown by a failure report, and answers handed to a submit tool --------------------------

def test_visible_tests_from_failure_reports():
    pytest_out = ("    def test_zero():\n>       assert min_ops([0, 0, 0]) == 1\nE       assert 0 == 1\n"
                  "E        +  where 0 = min_ops([0, 0, 0])\n\ntest_sol.py:5: AssertionError\n"
                  "FAILED test_sol.py::test_pair - assert 7 == 8\n 1 failed, 3 passed in 0.02s\n")
    v = view_of(ep(user("Implement min_ops(C)."), asst("```python\ndef min_ops(C):\n    return 0\n```"),
                   user(pytest_out)))
    failing = [b for b in v.visible_tests if b.failing]
    assert failing and "assert min_ops([0, 0, 0]) == 1" in failing[0].text
    where = ("E       assert 12 == 7\nE        +  where 7 = total(3, 4)\n")   # the call on the right
    v = view_of(ep(user("Write total."), asst("ok"), user("Traceback (most recent call last):\n" + where)))
    assert any("assert total(3, 4) == 12" in b.text for b in v.visible_tests)
    lines = ("Test failed for f(1, 2): expected 8, got 7\nadd(2, 2) returned 5, expected 4\n"
             "Input: 3 4\nExpected output: 7\nGot: 8\n")
    v = view_of(ep(user("Write f and add."), asst("ok"), user(lines)))
    texts = "\n".join(b.text for b in v.visible_tests if b.lang != "io")
    assert "assert f(1, 2) == 8" in texts and "assert add(2, 2) == 4" in texts
    assert any(b.lang == "io" and b.text == "3 4" and b.expected == "7" for b in v.visible_tests)


def test_failure_words_without_a_test_give_no_visible_test():
    v = view_of(ep(user("The build failed with: Error: expected ';' at line 3. Fix it."), asst("ok")))
    assert not [b for b in v.visible_tests if b.failing]
    v = view_of(ep(user("Here are the tests:\nassert f(1) == 2\nassert f(2) == 3\n"), asst("ok")))
    assert v.visible_tests and not any(b.failing for b in v.visible_tests)


def test_code_handed_to_a_submit_tool_is_written():
    code = "def add(a, b):\n    return a + b\n"
    v = view_of(ep(user("Write add."), asst("", calls=[("submit", {"answer": "```python\n" + code + "```"})])))
    assert [b.origin for b in v.code] == ["written"] and "def add" in v.code[0].text
    v = view_of(ep(user("Write add."), asst("", calls=[("submit", {"code": code})])))
    assert [b.origin for b in v.code] == ["written"]
    v = view_of(ep(user("Run it."), asst("", calls=[("python", {"code": code})])))
    assert [b.origin for b in v.code] == ["executed"]   # a code tool runs its code
