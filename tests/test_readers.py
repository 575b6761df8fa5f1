"""Readers for the formats real logs come in: detection, each format's mapping onto messages, and bad files
reported as `FILE: why` while the scan goes on. Samples: tests/data/readers/ (README there)."""

import io
import json
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from helpers import run_cli
from overopt.detect.episodes import Bad, Episode
from overopt.detect.readers import FORMATS, detect, iter_file, zipread
from overopt.detect.readers.rollout import split_template

DATA = Path(__file__).parent / "data" / "readers"
SAMPLES = {
    "inspect_mockllm.eval": "inspect",
    "inspect_mockllm.json": "inspect",
    "claude_code_session.jsonl": "claude-code",
    "codex_rollout.jsonl": "codex",
    "swe_agent_roman.traj": "swe-agent",
    "openhands_trajectory.json": "openhands",
    "rollouts.jsonl": "rollout",
    "responses.jsonl": "responses",
    "swe_agent_text_actions.traj": "swe-agent",
    "mini_swe_agent.traj.json": "swe-agent",
    "openhands_early_rows.jsonl": "openhands",
    "claude_code_web_export.json": "claude-code",
}


def read(path, fmt=None):
    items = list(iter_file(Path(path), fmt))
    return [x for x in items if isinstance(x, Episode)], [x for x in items if isinstance(x, Bad)]


def roles(ep):
    return [m.role for m in ep.messages]


@pytest.mark.parametrize("name,fmt", sorted(SAMPLES.items()))
def test_each_sample_is_detected_and_read_cleanly(name, fmt):
    assert detect(DATA / name) == fmt
    eps, bad = read(DATA / name)
    assert eps and not bad
    assert all(ep.meta and ep.meta["format"] == fmt for ep in eps)
    for ep in eps:  # every tool message answers a call made before it
        calls = set()
        for m in ep.messages:
            calls |= {tc.id for tc in m.tool_calls}
            if m.role == "tool" and m.tool_call_id is not None:
                assert m.tool_call_id in calls, (name, m.tool_call_id)


# ---- Inspect AI: a real log written by inspect_ai 0.3.285 with its mock model -------------------------------

def test_real_inspect_eval_has_zstd_entries_that_zipfile_cannot_read():
    path = DATA / "inspect_mockllm.eval"
    with open(path, "rb") as fh:
        entries = zipread.entries(fh)
    samples = [e for e in entries if e.name.startswith("samples/")]
    assert len(samples) == 2 and all(e.method == zipread.ZSTD for e in entries)
    with zipfile.ZipFile(path) as zf, pytest.raises(NotImplementedError):
        zf.read(samples[0].name)   # the crash scan used to hit


def test_inspect_eval_and_json_give_the_same_episodes():
    ev, bad = read(DATA / "inspect_mockllm.eval")
    js, bad2 = read(DATA / "inspect_mockllm.json")
    assert not bad and not bad2
    assert [e.id for e in ev] == [e.id for e in js] == ["add-1", "add-2"]
    ep = ev[1]
    assert roles(ep) == ["system", "user", "assistant", "tool", "assistant", "tool", "assistant"]
    write = ep.messages[2].tool_calls[0]
    assert write.name == "write_file" and json.loads(write.arguments)["content"].startswith("import sys\nsys.exit(0)")
    assert ep.messages[3].tool_call_id == write.id and ep.messages[3].name == "write_file"
    assert "2 passed" in ep.messages[5].content
    assert ep.messages[6].reasoning.startswith("The tests ran") and ep.messages[6].content.startswith("Done:")
    assert [x["tool"] for x in ep.ledger] == ["write_file", "run_tests"]
    assert ep.meta["model"] == "mockllm/model"
    for a, b in zip(ev, js):
        assert [(m.role, m.content, m.reasoning) for m in a.messages] == [(m.role, m.content, m.reasoning)
                                                                         for m in b.messages]


def test_scan_reads_the_real_inspect_log(tmp_path, capsys):
    out = tmp_path / "out"
    code, _, err = run_cli(["scan", str(DATA / "inspect_mockllm.eval"), "--out", str(out), "-q"], capsys)
    assert code == 0 and "Traceback" not in err
    s = json.loads((out / "summary.json").read_text())
    assert s["episodes"] == 2 and s["malformed"] == 0 and s["formats"] == {"inspect": 2}


def _zip(entries):
    """A zip written by hand: (name, method, payload as stored, uncompressed data)."""
    buf, central = io.BytesIO(), []
    for name, method, payload, data in entries:
        off = buf.tell()
        nb = name.encode()
        crc = zlib.crc32(data)
        buf.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 63, 0, method, 0, 0, crc, len(payload), len(data),
                              len(nb), 0) + nb + payload)
        central.append(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 63, 63, 0, method, 0, 0, crc,
                                   len(payload), len(data), len(nb), 0, 0, 0, 0, 0, off) + nb)
    cd_off = buf.tell()
    cd = b"".join(central)
    buf.write(cd + struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(cd), cd_off, 0))
    return buf.getvalue()


def test_zstd_multiframe_deflate_and_corrupt_entries(tmp_path):
    import zstandard as zstd   # a hard dependency (pyproject): a missing one must fail here, not skip
    sample = {"id": "s1", "epoch": 1, "messages": [{"role": "user", "content": "hi " * 400},
                                                  {"role": "assistant", "content": "hello"}]}
    data = json.dumps(sample).encode()
    c = zstd.ZstdCompressor()
    half = len(data) // 2
    two_frames = c.compress(data[:half]) + c.compress(data[half:])   # inspect_ai caps frames, so logs can hold several
    good_b = json.dumps(dict(sample, id="s2")).encode()
    comp = zlib.compressobj(6, zlib.DEFLATED, -15)
    deflated = comp.compress(good_b) + comp.flush()
    f = tmp_path / "hand.eval"
    f.write_bytes(_zip([("samples/s1_epoch_1.json", 93, two_frames, data),
                        ("samples/s2_epoch_1.json", 8, deflated, good_b),
                        ("samples/s3_epoch_1.json", 93, b"\x28\xb5\x2f\xfd garbage", b"{}"),
                        ("samples/s4_epoch_1.json", 12, b"BZh9", b"{}")]))
    eps, bad = read(f)
    assert [e.id for e in eps] == ["s1", "s2"] and eps[0].messages[0].content.startswith("hi hi")
    assert len(bad) == 2 and "s3_epoch_1.json" in bad[0].path and "zstd" in bad[0].error
    assert "unsupported compression method 12 (bzip2)" in bad[1].error
    cut = tmp_path / "cut.eval"
    cut.write_bytes(f.read_bytes()[:300])
    eps, bad = read(cut)
    assert eps == [] and len(bad) == 1 and "not a readable Inspect .eval log" in bad[0].error


# ---- Claude Code ------------------------------------------------------------------------------------------------

def test_claude_code_session():
    (ep,), _ = read(DATA / "claude_code_session.jsonl")
    assert ep.id == "5c1d7e0a-2b7e-4c7e-9a51-0f3b8a6f2d11" and ep.meta["model"].startswith("claude-sonnet-4-5")
    assert roles(ep) == ["user", "assistant", "tool", "assistant", "tool", "assistant", "tool", "assistant"]
    assert not any("Caveat:" in m.content for m in ep.messages)   # isMeta line left out
    first = ep.messages[1]   # three lines of one response (thinking, text, tool_use) joined into one message
    assert first.reasoning.startswith("The user wants test_add to pass")
    assert first.content == "Let me run the failing test first."
    assert [tc.name for tc in first.tool_calls] == ["Bash"]
    assert json.loads(first.tool_calls[0].arguments)["command"] == "python -m pytest tests/test_calc.py -q"
    assert ep.messages[2].tool_call_id == "toolu_01Run1" and "1 failed, 1 passed" in ep.messages[2].content
    edit = ep.messages[3].tool_calls[0]
    assert edit.name == "Edit" and json.loads(edit.arguments)["new_string"] == "    return a + b"
    assert ep.messages[-1].content.startswith("Fixed:")


def test_claude_code_sidechain_only_file_and_bad_line(tmp_path):
    lines = [json.loads(x) for x in (DATA / "claude_code_session.jsonl").read_text().splitlines()]
    side = [dict(x, isSidechain=True) for x in lines if x.get("type") in ("user", "assistant")]
    f = tmp_path / "agent-1a2b.jsonl"
    f.write_text("\n".join(json.dumps(x) for x in side[:3]) + "\n{not json\n"
                 + "\n".join(json.dumps(x) for x in side[3:]) + "\n")
    (ep,), bad = read(f)   # a sub-agent file: its sidechain lines are the session
    assert len(ep.messages) == 8 and [b.line for b in bad] == [4] and "not JSON" in bad[0].error


# ---- Codex CLI --------------------------------------------------------------------------------------------------

def test_codex_rollout():
    (ep,), _ = read(DATA / "codex_rollout.jsonl")
    assert ep.id == "0199c2a4-5e7f-7d20-9b1e-3f6a2c4d8e90" and ep.meta["model"] == "gpt-5-codex"
    assert roles(ep) == ["system", "user", "assistant", "tool", "assistant", "tool", "assistant", "tool", "assistant"]
    assert ep.messages[0].content.startswith("<environment_context>")   # harness context, not the user's words
    run = ep.messages[2]
    assert "see how test_slugify_unicode fails" in run.reasoning
    assert json.loads(run.tool_calls[0].arguments)["command"] == ["bash", "-lc", "pytest -q tests/test_slugify.py"]
    assert ep.messages[3].content.startswith(".F.") and "1 failed, 2 passed" in ep.messages[3].content  # unwrapped
    patch = ep.messages[4].tool_calls[0]
    assert patch.name == "apply_patch" and patch.arguments.startswith("*** Begin Patch")
    assert ep.messages[7].content.strip().endswith("3 passed in 0.04s")
    assert "3 passed" in ep.messages[8].content and ep.messages[8].tool_calls == []
    # event_msg lines repeat the items: nothing said twice
    assert sum("Normalized accents" in m.content for m in ep.messages) == 1


# ---- SWE-agent --------------------------------------------------------------------------------------------------

def test_swe_agent_trajectory():
    (ep,), _ = read(DATA / "swe_agent_roman.traj")
    assert ep.id == "swe_agent_roman" and ep.meta == {"format": "swe-agent", "exit_status": "submitted",
                                                      "model": "claude-sonnet-4-20250514"}
    assert roles(ep) == ["system", "user"] + ["assistant", "tool"] * 4
    assert not any("reproduce_bug" in m.content for m in ep.messages)   # the demonstration is not the model's
    assert ep.messages[1].content.startswith("<uploaded_files>")         # content parts read as text
    assert ep.messages[2].reasoning.startswith("The function silently returns")
    edit = json.loads(ep.messages[4].tool_calls[0].arguments)
    assert edit["command"] == "str_replace" and "raise ValueError" in edit["new_str"]
    assert ep.messages[7].tool_call_id == "toolu_01C" and ep.messages[7].name == "bash"
    assert "4 passed" in ep.messages[7].content
    assert ep.diff.startswith("diff --git a/roman.py b/roman.py") and "+    if n < 1:" in ep.diff


def test_swe_agent_text_actions_become_shell_calls_answered_by_their_observations():
    # SWE-agent without function calling: the parsed `action` is the command, the next user item its output
    (ep,), bad = read(DATA / "swe_agent_text_actions.traj")
    assert not bad
    assert roles(ep) == ["system", "user", "assistant", "tool", "assistant", "tool", "user"]  # demo left out
    calls = [tc for m in ep.messages for tc in m.tool_calls]
    assert [(tc.name, json.loads(tc.arguments)["command"]) for tc in calls] == [
        ("bash", "create reproduce.py"), ("bash", "pytest -q tests/test_duration.py")]
    outputs = [m for m in ep.messages if m.role == "tool"]
    assert [m.tool_call_id for m in outputs] == [tc.id for tc in calls]
    assert outputs[1].content.startswith("2 passed")
    assert ep.messages[3].content.startswith("[File: /repo/reproduce.py")  # text copied unchanged
    assert ep.messages[-1].content.startswith("Your output was not formatted")  # a harness note stays a user message


def test_mini_swe_agent_bash_blocks_returncode_outputs_and_reasoning():
    (ep,), bad = read(DATA / "mini_swe_agent.traj.json")
    assert not bad and ep.id == "calc__calc-1" and ep.diff.startswith("diff --git")
    assert roles(ep) == ["system", "user", "assistant", "tool", "assistant", "user", "assistant", "tool", "assistant"]
    first, two_blocks, fix = ep.messages[2], ep.messages[4], ep.messages[6]
    assert json.loads(first.tool_calls[0].arguments) == {"command": "cat calc.py"}
    assert first.reasoning == "The bug is probably an operator typo."
    assert first.content.startswith("THOUGHT: Look at the file.")  # the content keeps the block as written
    assert not two_blocks.tool_calls  # two blocks: the harness ran nothing and said so in a user message
    assert ep.messages[5].content.startswith("Please always provide EXACTLY ONE action")
    assert json.loads(fix.tool_calls[0].arguments)["command"].endswith("python -m pytest -q")
    assert ep.messages[7].tool_call_id == fix.tool_calls[0].id and "1 passed" in ep.messages[7].content
    assert not ep.messages[-1].reasoning and ep.messages[-1].tool_calls  # the submit command has no answer


def test_openhands_early_flat_events_and_paired_history():
    eps, bad = read(DATA / "openhands_early_rows.jsonl")
    assert not bad and len(eps) == 2
    flat, paired = eps
    assert roles(flat) == ["user", "assistant", "tool", "assistant", "tool", "assistant"]
    assert flat.messages[0].content.startswith("Please add a LICENSE")
    run, ipy = flat.messages[1].tool_calls[0], flat.messages[3].tool_calls[0]
    assert (run.name, json.loads(run.arguments)) == ("run", {"command": "touch LICENSE"})
    assert ipy.name == "run_ipython" and "MIT License" in json.loads(ipy.arguments)["code"]
    assert flat.messages[1].content == "I'll create the file first."  # the thought, not an argument
    assert [flat.messages[2].tool_call_id, flat.messages[4].tool_call_id] == [run.id, ipy.id]
    assert flat.diff.startswith("diff --git a/LICENSE")
    assert paired.id == "pair__pair-1"
    assert roles(paired) == ["user", "assistant", "tool"]
    assert paired.messages[2].content == "3 passed"
    assert paired.messages[2].tool_call_id == paired.messages[1].tool_calls[0].id


def test_swe_agent_steps_are_not_openhands_events():
    from overopt.detect.readers import openhands
    step = {"action": "ls", "observation": "a.py", "thought": "look", "response": "look"}
    assert not openhands.match([step]) and not openhands.match({"history": [step]})


def test_claude_code_web_export_with_loglines():
    (ep,), bad = read(DATA / "claude_code_web_export.json")
    assert not bad
    assert roles(ep) == ["user", "assistant", "tool", "assistant"]
    assert ep.messages[1].reasoning == "A one-line test is enough."
    assert ep.messages[1].tool_calls[0].name == "Write"
    assert ep.messages[2].tool_call_id == "toolu_1"


def test_swe_agent_without_history_uses_the_steps(tmp_path):
    traj = json.loads((DATA / "swe_agent_roman.traj").read_text())
    del traj["history"]
    for step in traj["trajectory"]:
        del step["query"]
    f = tmp_path / "astropy__astropy-12907.traj"
    f.write_text(json.dumps(traj))
    (ep,), bad = read(f)
    assert not bad and ep.id == "astropy__astropy-12907"
    assert roles(ep) == ["assistant", "user"] * 4
    assert ep.messages[5].content == "OBSERVATION:\n....\n4 passed in 0.02s" and ep.diff


# ---- OpenHands --------------------------------------------------------------------------------------------------

def test_openhands_trajectory():
    (ep,), _ = read(DATA / "openhands_trajectory.json")
    assert roles(ep) == ["system", "user"] + ["assistant", "tool"] * 4 + ["assistant"]
    run = ep.messages[2]
    assert run.content == "I'll run the failing tests first to see the error."
    assert run.tool_calls[0].name == "execute_bash" and run.tool_calls[0].id == "toolu_01Xq8"
    cmd = "cd /workspace/stats && python -m pytest -q tests/test_stats.py"
    assert run.tool_calls[0].arguments == json.dumps({"command": cmd})   # as the model wrote it
    assert ep.messages[3].tool_call_id == "toolu_01Xq8" and "1 failed, 1 passed" in ep.messages[3].content
    edit = json.loads(ep.messages[4].tool_calls[0].arguments)   # no model response kept: the action's args
    assert edit["command"] == "str_replace" and "thought" not in edit
    assert "(xs[mid - 1] + xs[mid]) / 2" in edit["new_str"]
    think = ep.messages[6]
    assert think.reasoning.startswith("Odd lengths") and think.content == ""
    assert not any("git diff --no-color" in tc.arguments for m in ep.messages for tc in m.tool_calls)  # hidden
    assert not any("workspace context" in m.content for m in ep.messages)                             # recall
    assert "3 passed" in ep.messages[9].content
    assert ep.messages[10].tool_calls[0].name == "finish" and "all 3 tests pass" in ep.messages[10].content


def test_openhands_evaluation_rows_and_event_lines(tmp_path):
    events = json.loads((DATA / "openhands_trajectory.json").read_text())
    rows = tmp_path / "output.jsonl"
    patch = "diff --git a/stats.py b/stats.py\n--- a/stats.py\n+++ b/stats.py\n@@ -1 +1 @@\n-x\n+y\n"
    rows.write_text(json.dumps({"instance_id": "stats__median-1", "instruction": "fix median", "history": events,
                                "test_result": {"git_patch": patch}, "metadata": {"llm_config": {"model": "m1"}}})
                    + "\n" + json.dumps({"instance_id": "broken", "history": ["oops"]}) + "\n")
    assert detect(rows) == "openhands"
    eps, bad = read(rows)
    assert [e.id for e in eps] == ["stats__median-1"] and eps[0].diff == patch and eps[0].meta["model"] == "m1"
    assert len(bad) == 1 and bad[0].line == 2
    stream = tmp_path / "events.jsonl"   # events one a line: the file is one session
    stream.write_text("\n".join(json.dumps(e) for e in events) + "\n")
    (ep,), bad = read(stream)
    assert not bad and len(ep.messages) == 11


def test_openhands_v1_sdk_events(tmp_path):
    events = [
        {"kind": "SystemPromptEvent", "source": "agent",
         "system_prompt": {"type": "text", "text": "You are OpenHands."}},
        {"kind": "MessageEvent", "source": "user", "llm_message": {"role": "user", "content": [
            {"type": "text", "text": "Make the build green."}]}},
        {"kind": "ActionEvent", "id": "a1", "source": "agent", "thought": [{"type": "text", "text": "Run the tests."}],
         "reasoning_content": "Start with the failing target.", "tool_name": "terminal", "tool_call_id": "call_1",
         "tool_call": {"id": "call_1", "name": "terminal", "arguments": "{\"command\": \"make test\"}"},
         "action": {"kind": "TerminalAction", "command": "make test"}, "llm_response_id": "r1"},
        {"kind": "ObservationEvent", "id": "o1", "source": "environment", "tool_name": "terminal",
         "tool_call_id": "call_1", "action_id": "a1",
         "observation": {"kind": "TerminalObservation", "content": [{"type": "text", "text": "ok: 12 passed"}],
                         "is_error": False}},
        {"kind": "MessageEvent", "source": "agent", "llm_message": {"role": "assistant", "content": [
            {"type": "text", "text": "The build is green."}]}},
    ]
    f = tmp_path / "conversation.json"
    f.write_text(json.dumps(events))
    (ep,), bad = read(f)
    assert not bad and roles(ep) == ["system", "user", "assistant", "tool", "assistant"]
    assert ep.messages[2].reasoning == "Start with the failing target." and ep.messages[2].content == "Run the tests."
    assert ep.messages[2].tool_calls[0].arguments == "{\"command\": \"make test\"}"
    assert ep.messages[3].tool_call_id == "call_1" and ep.messages[3].content == "ok: 12 passed"


# ---- RL rollouts ------------------------------------------------------------------------------------------------

def test_rollout_rows():
    eps, _ = read(DATA / "rollouts.jsonl")
    by = {e.id: e for e in eps}
    assert list(by) == ["rollouts.jsonl:1", "rollouts.jsonl:2", "oa-rlhf-0007", "gsm-314", "5", "haiku-2#0",
                        "haiku-2#1"]
    verl = by["rollouts.jsonl:1"]   # ChatML prompt string split into turns; end token dropped; <think> kept
    assert roles(verl) == ["system", "user", "assistant"]
    assert "assert not is_prime(9)" in verl.messages[1].content and "<|im_" not in verl.messages[1].content
    assert verl.messages[2].content.startswith("<think>\nThe tests only check") and verl.messages[2].reasoning == ""
    assert verl.messages[2].content.endswith("return True\n```") and verl.meta["reward"] == 1.0
    assert roles(by["rollouts.jsonl:2"]) == ["system", "user", "assistant"]
    llama = by["oa-rlhf-0007"]
    assert llama.messages[1].content == "Name the capital of Australia."
    assert llama.messages[2].content == ("<thinking>Sydney is the largest city, but the capital is Canberra."
                                         "</thinking>\nThe capital of Australia is Canberra.")
    r1 = by["gsm-314"]   # the <think> prefill at the end of the prompt belongs to the completion
    assert roles(r1) == ["user", "assistant"] and r1.messages[1].content.startswith("<think>\nEach box has")
    assert r1.messages[1].content.endswith("There are **48** balls.")
    tools = by["5"]      # a multi-turn completion with a Hermes tool call and its response
    assert roles(tools) == ["system", "user", "assistant", "tool", "assistant"]
    call = tools.messages[2].tool_calls[0]
    assert call.name == "code_interpreter" and json.loads(call.arguments) == {"code": "print(2**10)"}
    assert "<tool_call>" not in tools.messages[2].content and "<think>" in tools.messages[2].content
    assert tools.messages[3].tool_call_id == call.id and tools.messages[3].content == "1024"
    assert tools.messages[4].content == "2^10 = 1024."
    assert by["haiku-2#1"].messages[1].content == "Rain again today" and by["haiku-2#1"].meta["reward"] == 0.1


@pytest.mark.parametrize("text,expected", [
    ("<start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\n", [("user", "Hi", True), ("assistant", "", False)]),
    ("<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST] Hello</s>[INST] Bye [/INST]",
     [("system", "Be brief.", True), ("user", "Hi", True), ("assistant", "Hello", True), ("user", "Bye", True),
      ("assistant", "", False)]),
    ("<|user|>\nHi<|end|>\n<|assistant|>\n", [("user", "Hi", True), ("assistant", "", False)]),
    ("Plain question with no template?", None),
])
def test_chat_templates(text, expected):
    assert split_template(text) == expected


def test_alpaca_style_json_list(tmp_path):
    f = tmp_path / "model_outputs.json"
    f.write_text(json.dumps([{"instruction": "Give me a synonym for happy.", "output": "Joyful.",
                              "generator": "some-model", "dataset": "helpful_base"},
                             {"instruction": "Broken row", "output": 3}]))
    eps, bad = read(f)
    assert len(eps) == 1 and eps[0].id == "model_outputs.json#0" and eps[0].meta["model"] == "some-model"
    assert [(m.role, m.content) for m in eps[0].messages] == [("user", "Give me a synonym for happy."),
                                                              ("assistant", "Joyful.")]
    assert len(bad) == 1 and "row 1" in bad[0].error


# ---- Responses, OpenAI variants ---------------------------------------------------------------------------------

def test_responses_items():
    first, second = read(DATA / "responses.jsonl")[0]
    assert roles(first) == ["system", "user", "assistant"] and first.meta["model"] == "o4-mini-2025-04-16"
    assert first.messages[2].reasoning.startswith("I should run the script") and first.messages[2].tool_calls
    assert roles(second) == ["user", "assistant", "tool", "assistant"]
    assert second.messages[2].tool_call_id == "call_Qm4Zt1" and second.messages[2].content == "FizzBuzz\n"


def test_openai_variants(tmp_path):
    f = tmp_path / "chats.jsonl"
    f.write_text("\n".join(json.dumps(x) for x in [
        {"id": "a", "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]},
        [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "4"}],
        {"id": "sg", "conversations": [{"from": "human", "value": "Name a color."}, {"from": "gpt", "value": "Teal."}]},
        {"id": "bad", "conversations": [{"from": "narrator", "value": "?"}]},
    ]) + "\n")
    assert detect(f) == "openai"
    eps, bad = read(f)
    assert [e.id for e in eps] == ["a", "chats.jsonl:2", "sg"] and roles(eps[2]) == ["user", "assistant"]
    assert [(b.line, "unknown speaker" in b.error) for b in bad] == [(3 + 1, True)]
    doc = tmp_path / "eps.json"
    doc.write_text(json.dumps([{"id": "x", "messages": [{"role": "user", "content": "q"}]},
                               {"id": "y", "messages": [{"role": "wizard", "content": "q"}]}], indent=2))
    eps, bad = read(doc)
    assert [e.id for e in eps] == ["x"] and "episode 1: messages[0]: unknown role 'wizard'" in bad[0].error


def test_jsonl_named_json_and_gzip(tmp_path):
    import gzip
    rows = [{"id": f"e{i}", "messages": [{"role": "user", "content": "hi"}]} for i in range(3)]
    f = tmp_path / "episodes.json"   # JSONL under a .json name
    f.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert [e.id for e in read(f)[0]] == ["e0", "e1", "e2"]
    pretty = tmp_path / "pretty.jsonl"   # one JSON value spread over lines, whatever the name
    pretty.write_text(json.dumps(rows, indent=2))
    assert [e.id for e in read(pretty)[0]] == ["e0", "e1", "e2"]
    one_line = tmp_path / "astropy__astropy-7166.traj"   # a minified trajectory: one document, not one JSONL row
    one_line.write_text(json.dumps(json.loads((DATA / "swe_agent_roman.traj").read_text())))
    assert [e.id for e in read(one_line)[0]] == ["astropy__astropy-7166"]
    g = tmp_path / "session.jsonl.gz"
    g.write_bytes(gzip.compress((DATA / "claude_code_session.jsonl").read_bytes()))
    assert detect(g) == "claude-code" and len(read(g)[0]) == 1


# ---- --format, and files no reader can read ---------------------------------------------------------------------

def test_format_option(tmp_path, capsys):
    code, out, _ = run_cli(["scan", "--help"], capsys)
    assert code == 0 and all(f in out.replace("\n", " ") for f in FORMATS)
    code, _, err = run_cli(["scan", str(DATA / "rollouts.jsonl"), "--out", str(tmp_path / "o1"), "--format", "csv"],
                           capsys)
    assert code == 2 and "unknown --format 'csv'" in err and "claude-code" in err
    # a Codex session kept under another name: --format says what it is
    f = tmp_path / "session.log"
    f.write_bytes((DATA / "codex_rollout.jsonl").read_bytes())
    code, _, err = run_cli(["scan", str(f), "--out", str(tmp_path / "o2"), "-q", "--format", "codex"], capsys)
    s = json.loads((tmp_path / "o2" / "summary.json").read_text())
    assert code == 0 and s["episodes"] == 1 and s["formats"] == {"codex": 1}
    assert json.loads((tmp_path / "o2" / "config.json").read_text())["config"]["format"] == "codex"
    # the wrong format forced: each line says why, no traceback
    code, _, err = run_cli(["scan", str(f), "--out", str(tmp_path / "o3"), "-q", "--format", "openai"], capsys)
    assert code == 2 and f"{f}:1: missing 'messages'" in err and "Traceback" not in err


def test_unreadable_files_are_reported_and_the_scan_goes_on(tmp_path, capsys):
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"id": "ok", "messages": [{"role": "user", "content": "hi"},
                                                         {"role": "assistant", "content": "hello"}]}) + "\n")
    cut_eval = tmp_path / "cut.eval"
    cut_eval.write_bytes((DATA / "inspect_mockllm.eval").read_bytes()[:4000])
    bad_traj = tmp_path / "django__django-1.traj"
    bad_traj.write_text('{"trajectory": [{"action": "ls"')
    odd_json = tmp_path / "config.json"
    odd_json.write_text(json.dumps({"learning_rate": 0.1, "layers": [1, 2]}))
    empty_codex = tmp_path / "rollout-empty.jsonl"
    empty_codex.write_text(json.dumps({"timestamp": "2025-10-05T14:02:00Z", "type": "session_meta",
                                       "payload": {"id": "x"}}) + "\n")
    binary = tmp_path / "blob.jsonl"
    binary.write_bytes(b"\x00\x01\x02binary\x00" * 20)
    not_zip = tmp_path / "notes.eval"
    not_zip.write_text("accuracy: 0.8\n")
    out = tmp_path / "out"
    files = [good, cut_eval, bad_traj, odd_json, empty_codex, binary, not_zip, DATA / "claude_code_session.jsonl"]
    code, _, err = run_cli(["scan", *map(str, files), "--out", str(out), "-q"], capsys)
    assert code == 0 and "Traceback" not in err
    assert f"{cut_eval}: not a readable Inspect .eval log" in err
    assert f"{bad_traj}:1: not JSON" in err
    assert f"{odd_json}: a JSON document in no known format" in err
    assert f"{empty_codex}: no messages in this Codex rollout" in err
    assert f"{binary}: binary file" in err
    assert f"{not_zip}: not a readable Inspect .eval log: not a zip archive" in err
    s = json.loads((out / "summary.json").read_text())
    assert s["episodes"] == 2 and s["malformed"] == 6 and s["formats"] == {"openai": 1, "claude-code": 1}


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_reader_raises_on_any_sample(fmt):
    """Every reader forced on every sample: episodes or `Bad`s, never an exception."""
    for name in SAMPLES:
        for item in iter_file(DATA / name, fmt):
            assert isinstance(item, (Episode, Bad))
            if isinstance(item, Bad):
                assert str(item).startswith(str(DATA / name)) and "\n" not in str(item)
