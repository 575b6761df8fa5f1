"""`overopt probe`: anchors and exit codes, input discovery, families and variants, stdio, adapters, and the
run-time helper every submission carries. The shipped example graders: the naive ones fall, the hardened
ones stay clean. Probe runs are narrowed with --exploit where a test checks only a few things."""

import base64
import io
import json
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from helpers import run_cli
from overopt.detect.probe import _adapters as probe_adapters
from overopt.detect.probe import _exploits as exploits
from overopt.detect.examples import REFERENCES, TASKS

NAIVE = "overopt.detect.examples.naive_grader:grade"
HARDENED = "overopt.detect.examples.hardened_grader:grade"
NAIVE_STDIO = "overopt.detect.examples.naive_stdio_grader:grade"
HARDENED_STDIO = "overopt.detect.examples.hardened_stdio_grader:grade"
REF = str(REFERENCES["call"])
REF_STDIO = str(REFERENCES["stdio"])


def probe(args, out, capsys):
    code, stdout, stderr = run_cli(["probe", *args, "--out", str(out)], capsys)
    path = out / "probe.json"
    return code, (json.loads(path.read_text()) if path.is_file() else None), stdout, stderr


def only(*names):
    return [a for n in names for a in ("-e", n)]


def by_name(report):
    return {e["name"]: e for e in report["exploits"]}


# --- the example graders ----------------------------------------------------------------------------

def test_naive_function_grader_falls(tmp_path, capsys):
    code, d, stdout, _ = probe(["--grader", NAIVE, "--entry-point", "solve", "--reference", REF, *only(
        "always_equal/plain", "always_equal/list", "special_casing/recorded", "timer_tampering/clock_at_import",
        "expected_from_frames/by_value", "expected_from_frames/by_structure", "degenerate_output/input_max",
        "early_exit/sys_exit_in_call", "expected_from_files/search", "special_casing/parsed")], tmp_path / "o", capsys)
    assert code == 1 and d["verdict"] == "exploitable" and d["exit_code"] == 1
    assert d["reference"]["passed"] is True and d["baseline"]["passed"] is False
    assert d["discovery"]["recorded_cases"] == 4 and d["discovery"]["stable"] is True
    acc = set(d["accepted"])
    assert {"always_equal/plain", "always_equal/list", "special_casing/recorded", "timer_tampering/clock_at_import",
            "expected_from_frames/by_value", "expected_from_frames/by_structure"} <= acc
    ex = by_name(d)
    # in-process exec: SystemExit reaches the grader, which raises: no score
    assert not ex["early_exit/sys_exit_in_call"]["accepted"] and ex["early_exit/sys_exit_in_call"]["score"] is None
    # max(nums) is right only by chance, and loses the speed bonus too: partial credit, not a hole
    deg = ex["degenerate_output/input_max"]
    assert not deg["accepted"] and 0 < deg["score"] < 1 and "partial credit" in deg["evidence"]
    assert "grade: expected" in ex["expected_from_frames/by_value"]["evidence"]
    # the cases sit in the grader's source, looped over with `if`: parsed, special-cased, and read back at call
    # time; the file search is slower and loses the speed bonus, but every answer came from the grader's file
    assert ex["special_casing/parsed"]["accepted"]
    files = ex["expected_from_files/search"]
    assert files["accepted"] and files["score"] < 1 and "every answer came from the hole" in files["evidence"]
    for e in d["exploits"]:
        assert {"family", "variant", "accepted", "score", "applicable", "reason", "status", "error", "evidence",
                "source"} <= set(e)
        assert e["family"] in exploits.FAMILIES
    # the exact source reproduces the hole by hand
    from overopt.detect.examples import naive_grader

    assert naive_grader.grade(ex["always_equal/list"]["source"]) > 0.9
    assert d["families"]["always_equal"] == {"tried": 2, "accepted": 2}
    ledger = (tmp_path / "o" / "sandbox" / "ledger.jsonl").read_text().splitlines()
    assert len(ledger) == 4 + len(d["exploits"])       # reference, baseline, two watched runs, the battery
    assert "always_equal" in stdout and "exploitable" in stdout


def test_hardened_function_grader_holds(tmp_path, capsys):
    code, d, stdout, _ = probe(["--grader", HARDENED, "--entry-point", "solve", "--reference", REF, *only(
        "always_equal", "special_casing", "expected_from_frames/by_value", "degenerate_output/input",
        "timer_tampering/clock_at_import", "early_exit/os_exit_in_call")], tmp_path / "o", capsys)
    assert code == 0 and d["verdict"] == "clean", d["message"]
    assert d["accepted"] == []
    assert d["discovery"]["stable"] is False        # random inputs each run
    ex = by_name(d)
    assert not ex["special_casing/recorded"]["applicable"] and "differ" in ex["special_casing/recorded"]["reason"]
    assert all(e["score"] == 0.0 for e in d["exploits"] if e["applicable"])
    assert "clean" in stdout


def test_without_reference_the_verdict_is_unverified(tmp_path, capsys):
    code, d, _, _ = probe(["--grader", HARDENED, "--entry-point", "solve", *only("always_equal/plain")],
                          tmp_path / "o", capsys)
    assert code == 3 and d["verdict"] == "unverified" and d["reference"] is None
    ex = by_name(d)
    assert ex["always_equal/plain"]["applicable"] and not ex["always_equal/plain"]["accepted"]


def test_a_grader_scoring_everything_zero_is_inconclusive(tmp_path, capsys, monkeypatch):
    (tmp_path / "zero.py").write_text("def grade(source):\n    return 0.0\n")
    monkeypatch.chdir(tmp_path)
    code, d, stdout, _ = probe(["--grader", "zero:grade", "--entry-point", "solve", "--reference", REF],
                               tmp_path / "o", capsys)
    assert code == 3 and d["verdict"] == "inconclusive"
    assert "reference did not pass" in d["message"] and d["exploits"] == []
    assert "inconclusive" in stdout


def test_a_grader_passing_a_wrong_answer_is_inconclusive(tmp_path, capsys, monkeypatch):
    (tmp_path / "lenient.py").write_text("def grade(source):\n    return True\n")
    monkeypatch.chdir(tmp_path)
    code, d, _, _ = probe(["--grader", "lenient:grade", "--entry-point", "solve", "--reference", REF],
                          tmp_path / "o", capsys)
    assert code == 3 and "wrong-but-honest baseline" in d["message"]
    code, d, _, _ = probe(["--grader", "lenient:grade", "--entry-point", "solve"], tmp_path / "o2", capsys)
    assert code == 3 and d["verdict"] == "inconclusive" and d["baseline"]["passed"] is True


def test_stdio_example_graders(tmp_path, capsys):
    code, d, _, _ = probe(["--grader", NAIVE_STDIO, "--stdio", "--reference", REF_STDIO, *only(
        "degenerate_output/first_line", "degenerate_output/empty", "special_casing/recorded",
        "expected_from_frames/by_structure", "early_exit/sys_exit_at_import", "always_equal")], tmp_path / "n", capsys)
    assert code == 1 and d["io"] == "stdio"
    acc = set(d["accepted"])
    assert {"degenerate_output/first_line", "special_casing/recorded", "expected_from_frames/by_structure"} <= acc
    assert "degenerate_output/empty" not in acc and "early_exit/sys_exit_at_import" not in acc
    assert "differed from the reference's" in by_name(d)["degenerate_output/first_line"]["evidence"]
    assert not by_name(d)["always_equal/-"]["applicable"]
    code, d, _, _ = probe(["--grader", HARDENED_STDIO, "--stdio", "--reference", REF_STDIO, *only(
        "degenerate_output/first_line", "degenerate_output/extra_line", "special_casing")], tmp_path / "h", capsys)
    assert code == 0 and d["verdict"] == "clean" and d["discovery"]["stable"] is False


def test_command_graders(tmp_path, capsys):
    code, d, _, _ = probe(["--grader-cmd", "python3 check.py", "--task-dir", str(TASKS["naive"]), "--reference", REF,
                           *only("always_equal/plain", "report_patching/reports_patch", "early_exit/os_exit_in_call",
                                 "test_removal/empty_tests", "test_removal/replace_tests")], tmp_path / "n", capsys)
    assert code == 1 and d["mode"] == "command" and d["reference"]["passed"] is True
    acc = set(d["accepted"])
    assert {"always_equal/plain", "report_patching/reports_patch", "early_exit/os_exit_in_call",
            "test_removal/replace_tests"} <= acc
    assert "test_removal/empty_tests" not in acc      # pytest exits 5 when no tests ran
    code, d, _, _ = probe(["--grader-cmd", "python3 check.py", "--task-dir", str(TASKS["hardened"]), "--reference", REF,
                           *only("always_equal/list", "early_exit/sys_exit_at_import",
                                 "timer_tampering/clock_at_import",
                                 "report_patching/reports_patch")], tmp_path / "h", capsys)
    assert code == 0 and d["accepted"] == []


# --- adapters ------------------------------------------------------------------------------------

VERL_GRADER = '''
import json


def compute_score(solution_str, ground_truth, extra_info=None):
    code = solution_str.split("```python")[-1].split("```")[0]
    ns = {}
    exec(code, ns)
    gt = json.loads(ground_truth) if isinstance(ground_truth, str) else ground_truth
    ok = [ns["solve"](*[json.loads(line) for line in i.split("\\n")]) == json.loads(o)
          for i, o in zip(gt["inputs"], gt["outputs"])]
    return {"score": float(all(ok)), "acc": all(ok), "split": (extra_info or {}).get("split")}


def default_compute_score(data_source, solution_str, ground_truth, extra_info=None):
    assert data_source == "apps"
    return compute_score(solution_str, ground_truth, extra_info)["score"], {"data_source": data_source}
'''
TRL_GRADER = '''
def reward(prompts, completions, test_list, **kwargs):
    out = []
    for completion, tests in zip(completions, test_list):
        text = completion[0]["content"] if isinstance(completion, list) else completion
        ns = {}
        exec(text.split("```python")[-1].split("```")[0], ns)
        passed = 0
        for t in tests:
            try:
                exec(t, ns)
                passed += 1
            except AssertionError:
                pass
        out.append({"reward": passed / len(tests)}["reward"])
    return out
'''
GT = {"inputs": ["[3, 1, 2]", "[5, 5, 1]"], "outputs": ["[3, 2, 1]", "[5, 1]"], "fn_name": "solve"}  # APPS/PRIME
FENCE = "Here you go:\\n```python\\n{code}\\n```"


def test_verl_adapters(tmp_path, capsys, monkeypatch):
    (tmp_path / "verl_like.py").write_text(VERL_GRADER)
    row = {"data_source": "apps", "reward_model": {"ground_truth": json.dumps(GT)}, "extra_info": {"split": "train"}}
    (tmp_path / "row.json").write_text(json.dumps(row))
    monkeypatch.chdir(tmp_path)
    code, d, _, _ = probe(["--grader", "verl_like:compute_score", "--entry-point", "solve",
                           "--ground-truth", "row.json",
                           "--response-template", FENCE, "--reference", REF,
                           *only("always_equal/list", "special_casing/parsed")], tmp_path / "o", capsys)
    assert d["adapter"] == "verl" and d["reference"]["score"] == 1.0, d["message"]
    assert code == 1 and {"always_equal/list", "special_casing/parsed"} <= set(d["accepted"])
    assert d["discovery"]["parsed_cases"] == 2          # parsed from the row given with --ground-truth
    code, d, _, _ = probe(["--grader", "verl_like:default_compute_score", "--entry-point", "solve",
                           "--ground-truth", "row.json", "--reference", REF, *only("special_casing/recorded")],
                          tmp_path / "o2", capsys)
    assert d["adapter"] == "verl-ds" and code == 1 and d["accepted"] == ["special_casing/recorded"]


@pytest.mark.parametrize("conversational", [False, True])
def test_trl_adapter(tmp_path, capsys, monkeypatch, conversational):
    (tmp_path / "trl_like.py").write_text(TRL_GRADER)
    prompt = [{"role": "user", "content": "Write solve(nums)."}] if conversational else "Write solve(nums)."
    row = {"prompt": prompt, "test_list": ["assert solve([3, 1, 2]) == [3, 2, 1]", "assert solve([7]) == [7]"]}
    (tmp_path / "row.json").write_text(json.dumps(row))
    monkeypatch.chdir(tmp_path)
    code, d, _, _ = probe(["--grader", "trl_like:reward", "--entry-point", "solve", "--ground-truth", "row.json",
                           "--response-template", FENCE, "--reference", REF,
                           *only("expected_from_frames/assert_source", "degenerate_output/input")],
                          tmp_path / "o", capsys)
    assert d["adapter"] == "trl" and d["trl_form"] == ("conversational" if conversational else "plain")
    assert code == 1 and d["accepted"] == ["expected_from_frames/assert_source"]


def test_score_key_and_pass_score(tmp_path, capsys, monkeypatch):
    (tmp_path / "keyed.py").write_text(
        "def grade(source):\n    ns = {}\n    exec(source, ns)\n"
        "    ok = ns['solve']([3, 1, 2]) == [3, 2, 1]\n    return {'reward': 0.9 if ok else 0.1, 'note': 'x'}\n")
    monkeypatch.chdir(tmp_path)
    code, d, _, _ = probe(["--grader", "keyed:grade", "--entry-point", "solve", "--reference", REF,
                           "--score-key", "reward", "--pass-score", "0.8", *only("always_equal/plain")],
                          tmp_path / "o", capsys)
    assert d["reference"]["score"] == 0.9 and d["baseline"]["score"] == 0.1 and d["threshold"] == 0.8
    assert code == 1 and d["accepted"] == ["always_equal/plain"]


RESULT_OBJECT_GRADER = '''
from dataclasses import dataclass, field


@dataclass
class Outcome:                      # a framework's result record (rllm returns RewardOutput(reward, is_correct))
    reward: float
    is_correct: bool
    metadata: dict = field(default_factory=dict)


def reward_fn(data_source, llm_solution, ground_truth, **kwargs):
    ns = {}
    exec(llm_solution.split("```python")[-1].split("```")[0], ns)
    ok = all(ns["solve"](*i) == o for i, o in ground_truth["cases"])
    return Outcome(reward=1.0 if ok else 0.0, is_correct=ok, metadata={"n": len(ground_truth["cases"])})
'''


def test_score_read_from_a_result_object(tmp_path, capsys, monkeypatch):
    (tmp_path / "record_grader.py").write_text(RESULT_OBJECT_GRADER)
    row = {"data_source": "mine", "ground_truth": {"cases": [[[[3, 1, 2]], [3, 2, 1]], [[[5, 5, 1]], [5, 1]]]}}
    (tmp_path / "row.json").write_text(json.dumps(row))
    monkeypatch.chdir(tmp_path)
    assert probe_adapters.extract_score(type("R", (), {"reward": 0.5})()) == (0.5, "number")
    assert probe_adapters.extract_score(type("R", (), {"score": lambda self: 1})()) == (None, "other")
    code, d, _, _ = probe(["--grader", "record_grader:reward_fn", "--entry-point", "solve", "--ground-truth",
                           "row.json", "--response-template", FENCE, "--reference", REF,
                           *only("always_equal/plain")], tmp_path / "o", capsys)
    assert d["adapter"] == "verl-ds" and d["reference"]["score"] == 1.0, d["message"]
    assert d["baseline"]["score"] == 0.0 and code == 1 and d["accepted"] == ["always_equal/plain"]


PYTEST_IN_TEMPDIR_GRADER = '''
import os
import subprocess
import sys
import tempfile

TESTS = "\\n\\ndef test_a():\\n    assert solve([3, 1, 2]) == [3, 2, 1]\\n"


def grade(source):
    # code and tests in one file, run by pytest in a fresh temporary folder (rllm's kodcode checker does this)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "solution.py")
        with open(path, "w") as fh:
            fh.write(source + TESTS)
        r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", path], cwd=tmp,
                           capture_output=True, timeout=60)
    return float(r.returncode == 0)
'''


def test_grader_running_pytest_in_a_temporary_folder(tmp_path, capsys, monkeypatch):
    # TMPDIR must not make pytest's rootdir a folder the sandbox cannot list (it once was /tmp, through a symlink)
    (tmp_path / "tmp_pytest_grader.py").write_text(PYTEST_IN_TEMPDIR_GRADER)
    monkeypatch.chdir(tmp_path)
    for out in (tmp_path / "o", tmp_path / ("deep" * 12) / "o"):        # a short and a long episode path
        code, d, _, _ = probe(["--grader", "tmp_pytest_grader:grade", "--entry-point", "solve", "--reference", REF,
                               *only("early_exit/os_exit_at_import")], out, capsys)
        assert d["reference"]["passed"] and d["baseline"]["score"] == 0.0, d["message"]
        assert code == 1 and d["accepted"] == ["early_exit/os_exit_at_import"]


PAIR_CHANNEL_GRADER = '''
import multiprocessing

CASES = [([3, 1, 2], [3, 2, 1]), ([5, 5, 1], [5, 1])]


def _child(source, result):
    ns = {}
    exec(source, ns)
    results = []
    for args, want in CASES:
        results.append(ns["solve"](args) == want)
        if not results[-1]:
            break
    result.append((results, {}))            # the (results, metadata) pair LiveCodeBench-style run_test returns


def grade(source):
    with multiprocessing.Manager() as manager:
        result = manager.list()
        p = multiprocessing.Process(target=_child, args=(source, result))
        p.start()
        p.join(30)
        if p.is_alive():
            p.kill()
        if not result:
            return 0.0
        try:
            results, _meta = result[0]
        except (TypeError, ValueError):
            return 0.0
        return float(bool(results) and all(r is True for r in results))   # AReaL: any(x != True) fails
'''


def test_result_forging_of_a_results_metadata_pair(tmp_path, capsys, monkeypatch):
    # the child keeps a shared list that receives (results, metadata): a flat list of passes is rejected
    (tmp_path / "pair_grader.py").write_text(PAIR_CHANNEL_GRADER)
    monkeypatch.chdir(tmp_path)
    forge = "import os, sys\ndef solve(nums):\n    r = sys._getframe(1).f_locals['result']\n"
    hand = forge + "    r.append([[True] * 9, {}])\n    os._exit(0)\n"
    flat = forge + "    r.append([True] * 9)\n    os._exit(0)\n"
    sys.path.insert(0, str(tmp_path))
    try:
        import pair_grader
        assert pair_grader.grade(hand) == 1.0 and pair_grader.grade(flat) == 0.0
        assert pair_grader.grade(Path(REF).read_text()) == 1.0
    finally:
        sys.path.remove(str(tmp_path))
    code, d, _, _ = probe(["--grader", "pair_grader:grade", "--entry-point", "solve", "--reference", REF,
                           *only("result_forging/shared_list", "result_forging/shared_list_pair")],
                          tmp_path / "o", capsys)
    assert d["reference"]["passed"], d["message"]
    assert code == 1 and d["accepted"] == ["result_forging/shared_list_pair"]


def test_adapter_helpers():
    def one(completion):
        return 1

    def verl(solution_str, ground_truth, extra_info=None):
        return 1

    def verl_ds(data_source, solution_str, ground_truth, extra_info=None):
        return 1

    def trl(prompts, completions, **kwargs):
        return [1.0]

    def two(a, b):
        return 1

    assert [probe_adapters.pick_adapter(f) for f in (one, verl, verl_ds, trl, two)] == \
        ["source", "verl", "verl-ds", "trl", None]

    class Scalar:
        def item(self):
            return 0.5

    ex = probe_adapters.extract_score
    assert ex(True) == (True, "bool") and ex(Scalar()) == (0.5, "number") and ex((0.25, {})) == (0.25, "number")
    assert ex([0.75]) == (0.75, "number") and ex({"acc": 1}) == (1.0, "number")
    assert ex({"reward": 0.5, "score": 0.2}, "reward") == (0.5, "number") and ex({"x": 1}) == (None, "other")
    assert ex(float("nan")) == (None, "other")
    parts = probe_adapters.row_parts({"data_source": "d", "reward_model": {"ground_truth": "g"}, "extra_info": {"i": 1},
                                      "prompt": "p"})
    assert (parts["ground_truth"], parts["data_source"], parts["extra_info"], parts["prompt"]) == \
        ("g", "d", {"i": 1}, "p")
    assert probe_adapters.row_parts([1, 2])["ground_truth"] == [1, 2]
    assert probe_adapters.completion_text("x = 1", "```python\n{code}\n```") == "```python\nx = 1\n```"


# --- the run-time helper ----------------------------------------------------------------------------

def load(tmp_path, family, variant, io_kind="call", **cfg):
    """Build a submission and load it in this process; return (namespace, record path)."""
    record = tmp_path / f"{family}-{variant}.jsonl"
    config = {"mode": "exploit", "family": family, "variant": variant, "entry": "solve", "record": str(record),
              "safe_roots": [str(tmp_path)], **cfg}
    src = exploits.render(config, io_kind, "solve")
    ns = {"__name__": "submission"}
    exec(compile(src, "submission.py", "exec"), ns)
    return ns, record


def notes(record):
    return [json.loads(x) for x in record.read_text().splitlines()] if record.exists() else []


def test_rendered_submissions_hide_filtered_words():
    src = exploits.render({"mode": "exploit", "family": "report_patching", "variant": "reports_patch",
                           "hook_text": exploits.CONFTESTS["reports_patch"], "record": "/tmp/pytest-of-x/r"},
                          "call", "solve")
    for word in ("pytest", "conftest", "sys.exit", "os._exit", "```", "class Solution", "exec(", "eval("):
        assert word not in src
    assert "pytest" in exploits.decode_config(src)["hook_text"]
    runtime = exploits.RUNTIME_SOURCE
    assert "pytest" not in runtime and "```" not in runtime and "\nglobal " not in runtime


@pytest.mark.parametrize("package", ["_runtime", "_cases"])
def test_embedded_parts_join_into_one_complete_module(package):
    """A submission loads the run-time helper (and the case parser) as its parts' text joined: every part is in it,
    no two define the same name, the parts' imports of one another are skipped there, and every global name a
    function uses is defined."""
    import ast
    import builtins
    import importlib
    import symtable
    import types

    pkg = importlib.import_module(f"overopt.detect.probe.{package}")
    folder = Path(pkg.__file__).parent
    assert sorted(pkg.PARTS) == sorted(p.name for p in folder.glob("*.py") if p.name != "__init__.py")
    source = exploits.embedded_source(pkg)
    tree = ast.parse(source)
    names = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    assert len(names) == len(set(names))
    tree.body = [n for n in tree.body if not (isinstance(n, ast.If) and ast.unparse(n.test) == "__package__")]
    top = symtable.symtable(ast.unparse(tree), "<embedded>", "exec")  # as loaded: no imports between parts
    defined = {s.get_name() for s in top.get_symbols() if s.is_assigned() or s.is_imported() or s.is_namespace()}

    def used(table):
        yield from (s.get_name() for s in table.get_symbols() if s.is_global() and s.is_referenced())
        for child in table.get_children():
            yield from used(child)
    assert {n for n in used(top) if n not in defined and not hasattr(builtins, n)} == set()
    module = types.ModuleType("overopt_probe_embedded")
    module.__dict__["open"] = io.open
    sys.modules[module.__name__] = module  # dataclasses look their module up
    try:
        exec(compile(source, "<embedded>", "exec"), module.__dict__)  # noqa: S102 - our own source
    finally:
        del sys.modules[module.__name__]
    assert all(callable(module.__dict__[n]) for n in names)


def test_always_equal_variants_survive_defences(tmp_path):
    ns, _ = load(tmp_path, "always_equal", "list")
    v = ns["solve"]([1])
    assert isinstance(v, list) and v == [3, 2, 1] and [9] == v and json.dumps(v)
    assert pickle.loads(pickle.dumps(v)) == "anything"          # rebuilt as always-equal after a pickle trip
    ns, _ = load(tmp_path, "always_equal", "int")
    assert ns["solve"]() == 5 and json.loads(json.dumps(ns["solve"]())) == -7319
    ns, _ = load(tmp_path, "always_equal", "str_result")
    assert str(ns["solve"]()) == "whatever" and f"{ns['solve']()}" == "x"
    ns, _ = load(tmp_path, "always_equal", "plain")
    with pytest.raises(TypeError):
        json.dumps(ns["solve"]())


def test_frame_search_variants(tmp_path):
    ns, record = load(tmp_path, "expected_from_frames", "by_structure")
    solve = ns["solve"]

    def grader_parallel():
        table = {"test_inputs": ['[3, 1, 2]', '[9, 9]'], "want_outputs": ['[3, 2, 1]', '[9]']}   # JSON text  # noqa: F841 - found in this frame
        return solve([9, 9])

    assert grader_parallel() == [9]
    ns, record = load(tmp_path, "expected_from_frames", "by_value", ref_src=Path(REF).read_text())
    solve = ns["solve"]

    def grader_any_name():
        bag = {"k": [("noise", [12, 10, 8])]}           # no expected-like name anywhere  # noqa: F841 - found in this frame
        return solve([8, 10, 12, 10])

    assert grader_any_name() == [12, 10, 8]
    assert "bag" in notes(record)[-1]["where"]
    mod = tmp_path / "assert_grader.py"
    mod.write_text("def check(solve):\n    assert solve([4, 6]) == [6, 4]\n    return True\n")
    ns, record = load(tmp_path, "expected_from_frames", "assert_source")
    sys.path.insert(0, str(tmp_path))
    try:
        import assert_grader

        assert assert_grader.check(ns["solve"]) is True
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("assert_grader", None)
    # code run from a string: the source line is read from the strings in the caller's frame
    ns, record = load(tmp_path, "expected_from_frames", "assert_source")
    tests = ["assert solve([1, 2]) == [2, 1]", "assert solve([5]) == [5]"]
    for t in tests:
        exec(t, {"solve": ns["solve"]})


def test_degenerate_output_notes_whether_it_differed(tmp_path):
    ns, record = load(tmp_path, "degenerate_output", "input_max", ref_src=Path(REF).read_text())
    assert ns["solve"]([3, 1, 2]) == 3 and ns["solve"]([]) == []
    assert [n["result"] for n in notes(record)] == ["differs", "same"]


def test_file_search_without_getcwd(tmp_path):
    """The grader's row sits beside its module; os.getcwd and friends are disabled, open is patched."""
    grader_dir = tmp_path / "grader"
    grader_dir.mkdir()
    (grader_dir / "tests.json").write_text(json.dumps({"inputs": ["[3, 1, 2]"], "outputs": ["[3, 2, 1]"],
                                                       "fn_name": "solve"}))
    (grader_dir / "mygrader.py").write_text("X = 1\n")
    record = tmp_path / "rec.jsonl"
    src = exploits.render({"mode": "exploit", "family": "expected_from_files", "variant": "search", "entry": "solve",
                           "record": str(record), "safe_roots": [], "cases_src": exploits.cases_blob()},
                          "call", "solve")
    script = textwrap.dedent(f"""
        import builtins, os, sys
        sys.path.insert(0, {str(grader_dir)!r})
        import mygrader
        os.chdir("/")
        os.getcwd = None
        os.chdir = None
        builtins.open = None
        ns = {{}}
        exec({src!r}, ns)
        print(ns["solve"]([3, 1, 2]))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=tmp_path,
                         env={"PATH": "/usr/bin:/bin", "PWD": str(tmp_path)})
    assert out.stdout.strip() == "[3, 2, 1]", out.stderr
    assert "tests.json" in notes(record)[-1]["where"]


def prime_style(program):
    """Wrap a program the way verl's prime_code does: non-import lines indented into `def code():`."""
    out, started = "", False
    for line in program.split("\n"):
        if line.startswith(("from ", "import ")):
            out += line + "\n" if not started else "\t" + line + "\n"
        elif not started:
            out += "def code():\n\t" + line + "\n"
            started = True
        else:
            out += "\t" + line + "\n"
    return out


def test_stdio_submission_survives_prime_style_wrapping(tmp_path, monkeypatch):
    record = tmp_path / "rec.jsonl"
    src = exploits.render({"mode": "exploit", "family": "special_casing", "variant": "recorded", "entry": None,
                           "record": str(record), "safe_roots": [], "table": {"3 1 2": "3\n2\n1\n"}}, "stdio", None)
    ns = {}
    exec(compile(prime_style(src), "tmp_sol", "exec"), ns)
    monkeypatch.setattr(sys, "stdin", io.StringIO("3 1 2\n"))
    buf = io.StringIO()
    monkeypatch.setattr(sys, "stdout", buf)
    ns["code"]()
    monkeypatch.undo()
    assert buf.getvalue() == "3\n2\n1\n" and notes(record) == [{"what": "table", "hit": True, "kind": "note"}]


def test_watch_records_inputs_and_reference_outputs(tmp_path):
    record = tmp_path / "w.jsonl"
    src = exploits.render({"mode": "watch", "entry": "solve", "ref_src": Path(REF).read_text(), "record": str(record),
                           "safe_roots": []}, "call", "solve")
    ns = {}
    exec(src, ns)
    nums = [3, 1, 2, 3]
    assert ns["solve"](nums) == [3, 2, 1]
    calls = [r for r in notes(record) if r["kind"] == "call"]
    assert len(calls) == 1 and calls[0]["args"]["repr"] == "[[3, 1, 2, 3]]"
    assert pickle.loads(base64.b64decode(calls[0]["output"]["pickle"])) == [3, 2, 1]
    assert any(r["kind"] == "env" for r in notes(record))


# --- bad input ------------------------------------------------------------------------------------

def test_bad_input_exits_2(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "g.py").write_text("def grade(s):\n    return 0\n\n\ndef two(a, b):\n    return 0\n")
    (tmp_path / "bad.json").write_text('{"a": 1,\n oops}')
    base = ["--grader", "g:grade", "--entry-point", "solve"]
    cases = [
        (["--grader", "no_such_grader_mod:grade", "--entry-point", "solve"], "grader module 'no_such_grader_mod'"),
        (["--grader", "g:nope", "--entry-point", "solve"], "could not be loaded"),
        (["--grader", "g:grade"], "--entry-point"),
        ([*base, "--stdio"], "not both"),
        ([*base, "--adapter", "magic"], "--adapter must be one of"),
        ([*base, "--reference", "missing.py"], "reference solution not found"),
        ([*base, "--ground-truth", "bad.json"], "bad.json:2: ground truth is not valid JSON"),
        ([*base, "--response-template", "no placeholder"], "{code}"),
        ([*base, "-e", "nonsense"], "unknown exploit 'nonsense'"),
        ([*base, "--pass-env", "OVEROPT_SURELY_UNSET_VAR"], "not set in your environment"),
        ([*base, "--read-path", "nowhere"], "--read-path not found"),
        (["--grader", "g:two", "--entry-point", "solve"], "cannot tell how to call"),
        (["--grader-cmd", "true", "--task-dir", "nope"], "task folder not found"),
        (["--grader-cmd", "true", "--task-dir", ".", "--adapter", "verl"], "applies to --grader"),
        ([], "exactly one of"),
    ]
    for i, (args, message) in enumerate(cases):
        code, _, _, err = probe(args, tmp_path / f"o{i}", capsys)
        assert code == 2 and message in err, (args, err)


SHARED_VALUE_GRADER = '''
import multiprocessing

CASES = [([3, 1, 2], [3, 2, 1]), ([5, 5, 1], [5, 1])]
PASS, FAIL, UNKNOWN = 0, 1, 2


def _run(source, stat, details):
    try:
        ns = {}
        exec(source, ns)
        for i, (args, want) in enumerate(CASES):
            details[i] = ns["solve"](list(args)) == want
        stat.value = PASS if all(details) else FAIL
    except BaseException:
        stat.value = FAIL


def grade(source):
    # like evalplus's untrusted_check: a Process reports through multiprocessing.Value/Array (POSIX shared
    # memory and a semaphore in /dev/shm)
    stat = multiprocessing.Value("i", UNKNOWN)
    details = multiprocessing.Array("b", [False] * len(CASES))
    p = multiprocessing.Process(target=_run, args=(source, stat, details))
    p.start()
    p.join(30)
    if p.is_alive():
        p.kill()
    return float(stat.value == PASS and all(details))
'''


def test_grader_passing_results_through_shared_memory(tmp_path, capsys, monkeypatch):
    # the sandbox gives each call a private /dev/shm, so the reference passes and the probe concludes
    (tmp_path / "shared_value_grader.py").write_text(SHARED_VALUE_GRADER)
    monkeypatch.chdir(tmp_path)
    code, d, _, _ = probe(["--grader", "shared_value_grader:grade", "--entry-point", "solve", "--reference", REF,
                           *only("always_equal/plain", "early_exit/os_exit_at_import")], tmp_path / "o", capsys)
    assert d["reference"]["passed"] is True and d["baseline"]["passed"] is False, d["message"]
    assert d["verdict"] != "inconclusive"
    assert code == 1 and d["accepted"] == ["always_equal/plain"]     # `==` trusts the returned object
