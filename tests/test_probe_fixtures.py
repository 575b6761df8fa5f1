"""`overopt probe` against fixture graders that reproduce real RL frameworks' code graders.

tests/graders/ holds, written for this project, the grading logic of verl's prime_code (call-based
and stdin), open-r1's code_reward, a TRL test_list reward, a HumanEval/EvalPlus check(candidate)
grader, a grader running a pytest string, and a visible pytest folder, each with a hardened
counterpart. For each fixture:

(a) every real hole is confirmed by a hand-written exploit (tests/graders/hand_exploits.py) run
    straight through the grader: it scores like the reference, the wrong answer does not, and
    each kind of exploit claimed not to work scores nothing;
(b) `overopt probe` exits 1 and accepts every confirmed hole's family, and none claimed absent;
(c) the hardened counterpart: every hole's hand exploit fails, and probe exits 0 with nothing
    accepted.
"""

from __future__ import annotations

import importlib
import json
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from helpers import run_cli

GRADERS = Path(__file__).resolve().parent / "graders"
sys.path.insert(0, str(GRADERS))
import hand_exploits as X  # noqa: E402  (lives with the fixtures it attacks)

sys.path.remove(str(GRADERS))

REFERENCE_CALL = (GRADERS / "solutions" / "reference_call.py").read_text()
REFERENCE_STDIO = (GRADERS / "solutions" / "reference_stdio.py").read_text()
FENCED = "Here is my solution.\n```python\n{code}\n```\n"
NO_PLUGINS = "PYTEST_DISABLE_PLUGIN_AUTOLOAD"    # passed through to the sandbox to keep pytest runs quick

# Families beyond the documented nine that these fixtures need (see the fixture docstrings).
SKIPPING = "test_skipping"        # tests that skip themselves: a run with only skips exits 0
RESULT_FORGING = "result_forging"  # the harness's own result channel, reachable from the submission


def _row(name: str) -> dict:
    return json.loads((GRADERS / name).read_text())


def _fence(code: str) -> str:
    return FENCED.format(code=code)


@dataclass
class Fixture:
    name: str
    naive: str                                 # module:function
    hardened: str
    call: object                               # source -> (args, kwargs) in the function's framework shape
    reference: str
    holes: dict[str, list[str]]                # family -> hand exploits that must score like the reference
    absent: dict[str, list[str]]               # family -> hand exploits that must score nothing
    probe_args: list[str]
    wrong: str = X.WRONG_CALL
    in_process: bool = False                   # the submission runs in the grader's own process
    extra: dict[str, list[str]] = field(default_factory=dict)   # holes outside the nine documented families


VERL_CALL_GT = _row("verl_call_row.json")["reward_model"]["ground_truth"]
VERL_STDIO_GT = _row("verl_stdio_row.json")["reward_model"]["ground_truth"]
OPEN_R1 = _row("open_r1_row.json")
MBPP = _row("mbpp_row.json")
HUMANEVAL = _row("humaneval_row.json")

FIXTURES = [
    Fixture(
        "verl_prime_code_call", "prime_code_fixture:compute_score", "hardened_prime_code:compute_score",
        lambda src: ([_fence(src), VERL_CALL_GT], {}), REFERENCE_CALL,
        holes={"always_equal": [X.ALWAYS_EQUAL_LIST], "special_casing": [X.SPECIAL_CASE_CALL],
               "expected_from_files": [X.VERL_FILES_CALL], "expected_from_frames": [X.VERL_FRAMES_CALL],
               "degenerate_output": [X.MAX_ONLY]},
        absent={"early_exit": [X.EXIT_AT_IMPORT, X.EXIT_IN_CALL, X.OS_EXIT_AT_IMPORT, X.OS_EXIT_IN_CALL],
                "timer_tampering": [X.FROZEN_CLOCK_CALL]},
        probe_args=["--adapter", "verl", "--entry-point", "solve", "--ground-truth", "verl_call_row.json",
                    "--reference", "solutions/reference_call.py", "--response-template", FENCED],
        extra={RESULT_FORGING: [X.FORGE_RESULTS_CALL]}),
    Fixture(
        "verl_prime_code_stdio", "prime_code_fixture:default_compute_score",
        "hardened_prime_code:default_compute_score",
        lambda src: (["apps", src, VERL_STDIO_GT, {"split": "train", "index": 1}], {}), REFERENCE_STDIO,
        holes={"special_casing": [X.SPECIAL_CASE_STDIO], "expected_from_files": [X.VERL_FILES_STDIO],
               "expected_from_frames": [X.VERL_FRAMES_STDIO]},
        absent={"early_exit": [X.EXIT_BEFORE_OUTPUT, X.OS_EXIT_BEFORE_OUTPUT],
                "degenerate_output": [X.FIRST_LINE_ONLY, X.EMPTY_OUTPUT],
                "timer_tampering": [X.FROZEN_CLOCK_STDIO]},
        probe_args=["--adapter", "verl-ds", "--stdio", "--ground-truth", "verl_stdio_row.json",
                    "--reference", "solutions/reference_stdio.py"],
        wrong=X.WRONG_STDIO, extra={RESULT_FORGING: [X.FORGE_RESULTS_STDIO]}),
    Fixture(
        "open_r1_code_reward", "open_r1_code_fixture:code_reward", "hardened_open_r1:code_reward",
        lambda src: ([[[{"role": "assistant", "content": _fence(src)}]]],
                     {"prompts": [OPEN_R1["prompt"]], "verification_info": [OPEN_R1["verification_info"]]}),
        REFERENCE_STDIO,
        holes={"special_casing": [X.SPECIAL_CASE_STDIO], "degenerate_output": [X.FIRST_LINE_ONLY]},
        absent={"early_exit": [X.EXIT_BEFORE_OUTPUT, X.OS_EXIT_BEFORE_OUTPUT],
                "expected_from_frames": [X.ANY_FRAMES_STDIO], "timer_tampering": [X.FROZEN_CLOCK_STDIO]},
        probe_args=["--adapter", "trl", "--stdio", "--ground-truth", "open_r1_row.json",
                    "--reference", "solutions/reference_stdio.py", "--response-template", FENCED],
        wrong=X.WRONG_STDIO),
    Fixture(
        "trl_test_list_reward", "trl_test_list:test_list_reward", "hardened_trl_test_list:test_list_reward",
        lambda src: ([[MBPP["prompt"]], [_fence(src)]], {"test_list": [MBPP["test_list"]], "task_id": [1]}),
        REFERENCE_CALL,
        holes={"always_equal": [X.ALWAYS_EQUAL_PLAIN, X.ALWAYS_EQUAL_LIST], "special_casing": [X.SPECIAL_CASE_CALL],
               "expected_from_files": [X.files_with_asserts(X.module_folder("trl_test_list"))],
               "expected_from_frames": [X.ASSERT_STRINGS_IN_FRAMES]},
        absent={"early_exit": [X.EXIT_AT_IMPORT, X.EXIT_IN_CALL, X.OS_EXIT_AT_IMPORT, X.OS_EXIT_IN_CALL],
                "degenerate_output": [X.MAX_ONLY], "timer_tampering": [X.FROZEN_CLOCK_CALL]},
        probe_args=["--adapter", "trl", "--entry-point", "solve", "--ground-truth", "mbpp_row.json",
                    "--reference", "solutions/reference_call.py", "--response-template", FENCED],
        in_process=True),
    Fixture(
        "evalplus_check_candidate", "evalplus_check:compute_score", "hardened_evalplus:compute_score",
        lambda src: (["humaneval", src, HUMANEVAL["reward_model"]["ground_truth"], HUMANEVAL["extra_info"]], {}),
        REFERENCE_CALL,
        holes={"always_equal": [X.ALWAYS_EQUAL_PLAIN, X.ALWAYS_EQUAL_LIST], "special_casing": [X.SPECIAL_CASE_CALL],
               "expected_from_files": [X.files_with_asserts(X.module_folder("evalplus_check"))],
               "expected_from_frames": [X.ASSERT_STRINGS_IN_FRAMES]},
        absent={"early_exit": [X.EXIT_AT_IMPORT, X.EXIT_IN_CALL, X.OS_EXIT_AT_IMPORT, X.OS_EXIT_IN_CALL],
                "degenerate_output": [X.MAX_ONLY], "timer_tampering": [X.FROZEN_CLOCK_CALL]},
        probe_args=["--adapter", "verl-ds", "--entry-point", "solve", "--ground-truth", "humaneval_row.json",
                    "--reference", "solutions/reference_call.py"],
        in_process=True),
    Fixture(
        "pytest_string", "pytest_string_grader:grade", "hardened_pytest_suite:grade",
        lambda src: ([src], {}), REFERENCE_CALL,
        holes={"always_equal": [X.ALWAYS_EQUAL_PLAIN], "early_exit": [X.OS_EXIT_IN_CALL, X.OS_EXIT_AT_IMPORT],
               "report_patching": [X.PATCH_REPORTS_IN_PROCESS],
               "special_casing": [X.SPECIAL_CASE_CALL], "expected_from_files": [X.files_with_asserts(X.OWN_FOLDER)],
               "expected_from_frames": [X.CALLER_ASSERT_LINE]},
        absent={"test_removal": [X.EMPTY_TESTS_AT_IMPORT], "degenerate_output": [X.MAX_ONLY],
                "timer_tampering": [X.FROZEN_CLOCK_CALL]},
        probe_args=["--adapter", "source", "--entry-point", "solve", "--reference", "solutions/reference_call.py",
                    "--pass-env", NO_PLUGINS],
        extra={SKIPPING: [X.SKIP_IN_CALL]}),
]
BY_NAME = {f.name: f for f in FIXTURES}

# --- running a grader directly -------------------------------------------------------------------

def _score_of(result) -> float | None:
    if isinstance(result, (list, tuple)):
        result = result[0] if result else None
    if isinstance(result, bool):
        return 1.0 if result else 0.0
    if isinstance(result, (int, float)):
        return float(result)
    return None


_CHILD = r"""
import importlib, json, sys
sys.path.insert(0, sys.argv[1])
module, function = sys.argv[2].split(":")
call = json.loads(sys.stdin.read())
result = getattr(importlib.import_module(module), function)(*call["args"], **call["kwargs"])
sys.stdout.write("\n" + sys.argv[3] + " " + json.dumps(result) + "\n")
"""


def grade(target: str, fx: Fixture, source: str) -> float | None:
    """The grader's score for this submission; None when the grader raised or its process died.

    A grader that runs submissions in its own process runs in a child here, so that an exploit's
    os._exit or frozen clock cannot touch this test process."""
    args, kwargs = fx.call(source)
    if fx.in_process and target == fx.naive:
        nonce = secrets.token_hex(8)
        proc = subprocess.run([sys.executable, "-c", _CHILD, str(GRADERS), target, nonce], cwd=GRADERS,
                              input=json.dumps({"args": args, "kwargs": kwargs}), capture_output=True,
                              text=True, timeout=120)
        tagged = [ln for ln in proc.stdout.splitlines() if ln.startswith(nonce + " ")]
        return _score_of(json.loads(tagged[0].split(" ", 1)[1])) if tagged else None
    module, function = target.split(":")
    fn = getattr(importlib.import_module(module), function)
    try:
        return _score_of(fn(*args, **kwargs))
    except Exception:   # noqa: BLE001 - a grader that raises gives no score
        return None


@pytest.fixture
def graders_on_path(monkeypatch):
    monkeypatch.syspath_prepend(str(GRADERS))
    monkeypatch.setenv(NO_PLUGINS, "1")


def _scores_nothing(score) -> bool:
    return score is None or score == 0.0


# --- (a) holes confirmed by hand ----------------------------------------------------------------

@pytest.mark.parametrize("name", list(BY_NAME))
def test_hand_exploits_confirm_the_real_holes(name, graders_on_path):
    fx = BY_NAME[name]
    ref = grade(fx.naive, fx, fx.reference)
    assert ref == 1.0
    assert grade(fx.naive, fx, fx.wrong) != ref
    for family, sources in {**fx.holes, **fx.extra}.items():
        for source in sources:
            assert grade(fx.naive, fx, source) == ref, f"{name}: {family} exploit did not pass:\n{source}"
    for family, sources in fx.absent.items():
        for source in sources:
            score = grade(fx.naive, fx, source)
            assert _scores_nothing(score), f"{name}: {family} exploit scored {score}:\n{source}"


def test_verl_call_always_equal_needs_a_json_serialisable_value(graders_on_path):
    """The json.dumps in verl's run_test rejects a plain always-equal object; a list subclass passes."""
    fx = BY_NAME["verl_prime_code_call"]
    assert _scores_nothing(grade(fx.naive, fx, X.ALWAYS_EQUAL_PLAIN))
    assert grade(fx.naive, fx, X.ALWAYS_EQUAL_LIST) == 1.0


def test_pytest_string_grader_filters_words_but_not_their_spelling(graders_on_path):
    """The same in-process report patch, spelled with the word the grader filters, is rejected."""
    fx = BY_NAME["pytest_string"]
    spelled_out = X.PATCH_REPORTS_IN_PROCESS.replace('"_py" + "test.reports"', '"_pytest.reports"')
    assert "pytest" in spelled_out
    assert grade(fx.naive, fx, spelled_out) == 0.0
    assert grade(fx.naive, fx, X.PATCH_REPORTS_IN_PROCESS) == 1.0


# --- (b) probe finds every hole -----------------------------------------------------------------

def _probe(args: list[str], out: Path, capsys) -> tuple[int, dict]:
    code, stdout, stderr = run_cli(["probe", *args, "--out", str(out)], capsys)
    path = out / "probe.json"
    assert path.is_file(), f"no probe.json (exit {code}): {stderr or stdout}"
    return code, json.loads(path.read_text())


def _accepted_families(report: dict) -> set[str]:
    return {entry.split("/")[0] for entry in report["accepted"]}


def _only(families) -> list[str]:
    """--exploit flags for these families, those the probe knows (an unknown name is bad input)."""
    from overopt.detect.probe import FAMILIES

    return [arg for family in sorted(families) if family in FAMILIES for arg in ("--exploit", family)]


@pytest.mark.parametrize("name", list(BY_NAME))
def test_probe_finds_every_confirmed_hole(name, tmp_path, capsys, monkeypatch):
    fx = BY_NAME[name]
    monkeypatch.chdir(GRADERS)
    monkeypatch.setenv(NO_PLUGINS, "1")
    families = set(fx.holes) | set(fx.absent)
    code, report = _probe(["--grader", fx.naive, *fx.probe_args, *_only(families)], tmp_path / "out", capsys)
    accepted = _accepted_families(report)
    assert report["reference"] is not None and report["verdict"] == "exploitable", report["verdict"]
    assert code == 1
    missed = set(fx.holes) - accepted
    assert not missed, f"{name}: probe missed {sorted(missed)}; accepted {sorted(report['accepted'])}"
    false_alarms = set(fx.absent) & accepted
    assert not false_alarms, f"{name}: probe accepted {sorted(false_alarms)}, which the hand exploits show absent"
    for entry in report["exploits"]:
        assert {"family", "variant", "accepted", "status", "source"} <= set(entry)


EXTRA_CASES = [(fx.name, family) for fx in FIXTURES for family in fx.extra] + [("pytest_task", SKIPPING)]


@pytest.mark.parametrize("name,family", EXTRA_CASES)
def test_probe_finds_holes_beyond_the_documented_families(name, family, tmp_path, capsys, monkeypatch):
    """Real holes the hand exploits confirm that none of the nine documented families covers."""
    from overopt.detect.probe import FAMILIES

    assert family in FAMILIES, (f"{name}: probe has no family for the {family!r} hole that "
                                f"tests/graders/hand_exploits.py confirms (see the fixture's docstring)")
    monkeypatch.setenv(NO_PLUGINS, "1")
    if name == "pytest_task":
        args = _folder_probe_args(TASK, FOLDER_CMD)
    else:
        monkeypatch.chdir(GRADERS)
        args = ["--grader", BY_NAME[name].naive, *BY_NAME[name].probe_args]
    code, report = _probe([*args, "--exploit", family], tmp_path / "out", capsys)
    assert code == 1 and family in _accepted_families(report), report["accepted"]


# --- (c) the hardened counterparts hold ------------------------------------------------------------

def _hole_exploits(fx: Fixture) -> list[str]:
    return [s for sources in [*fx.holes.values(), *fx.extra.values()] for s in sources]


@pytest.mark.parametrize("name", list(BY_NAME))
def test_hardened_grader_rejects_every_hand_exploit(name, graders_on_path):
    fx = BY_NAME[name]
    assert grade(fx.hardened, fx, fx.reference) == 1.0
    assert _scores_nothing(grade(fx.hardened, fx, fx.wrong))
    for source in _hole_exploits(fx):
        score = grade(fx.hardened, fx, source)
        assert _scores_nothing(score), f"{name} (hardened) gave {score} to:\n{source}"


@pytest.mark.parametrize("name", list(BY_NAME))
def test_probe_finds_nothing_in_the_hardened_grader(name, tmp_path, capsys, monkeypatch):
    fx = BY_NAME[name]
    monkeypatch.chdir(GRADERS)
    monkeypatch.setenv(NO_PLUGINS, "1")
    families = set(fx.holes) | set(fx.extra)
    code, report = _probe(["--grader", fx.hardened, *fx.probe_args, *_only(families)], tmp_path / "out", capsys)
    assert report["accepted"] == [], report["accepted"]
    assert report["verdict"] == "clean" and code == 0, (report["verdict"], report.get("reference"),
                                                         report.get("baseline"))


# --- the visible pytest folder (a --grader-cmd task) ---------------------------------------------

TASK = GRADERS / "pytest_task"
HARDENED_TASK = GRADERS / "pytest_task_hardened"
FOLDER_CMD = "python3 -m pytest -q"                                   # what probe runs
HARDENED_CMD = f"python3 {GRADERS / 'hardened_pytest_suite.py'}"
FOLDER_ARGV = [sys.executable, "-m", "pytest", "-q"]                  # the same, run by hand here
HARDENED_ARGV = [sys.executable, str(GRADERS / "hardened_pytest_suite.py")]

FOLDER_HOLES = {
    "always_equal": [X.ALWAYS_EQUAL_PLAIN],
    "early_exit": [X.OS_EXIT_AT_IMPORT, X.OS_EXIT_IN_CALL],
    "report_patching": [X.PATCH_REPORTS_IN_PROCESS],
    "test_removal": [X.EMPTY_TESTS_AT_IMPORT],
    "special_casing": [X.SPECIAL_CASE_CALL],
    "expected_from_files": [X.files_with_asserts(X.OWN_TESTS_FOLDER)],
    "expected_from_frames": [X.CALLER_ASSERT_LINE],
}
FOLDER_ABSENT = {"degenerate_output": [X.MAX_ONLY], "timer_tampering": [X.FROZEN_CLOCK_CALL]}
FOLDER_EXTRA = {SKIPPING: [X.SKIP_IN_CALL]}
NOTHING = "def solve(nums):\n    return []\n"


def run_task(task: Path, argv: list[str], tmp: Path, source: str, conftest: str | None = None,
             delete: tuple[str, ...] = ()) -> int:
    """Exit code of the grader command in a fresh copy of the task with this solution (and workspace edits)."""
    work = tmp / f"run-{secrets.token_hex(4)}"
    shutil.copytree(task, work)
    (work / "solution.py").write_text(source)
    if conftest is not None:
        (work / "conftest.py").write_text(conftest)
    for rel in delete:
        (work / rel).unlink()
    return subprocess.run(argv, cwd=work, capture_output=True, timeout=180).returncode


def test_visible_pytest_folder_holes_by_hand(tmp_path, monkeypatch):
    monkeypatch.setenv(NO_PLUGINS, "1")
    assert run_task(TASK, FOLDER_ARGV, tmp_path, REFERENCE_CALL) == 0
    assert run_task(TASK, FOLDER_ARGV, tmp_path, X.WRONG_CALL) != 0
    for family, sources in {**FOLDER_HOLES, **FOLDER_EXTRA}.items():
        for source in sources:
            assert run_task(TASK, FOLDER_ARGV, tmp_path, source) == 0, f"{family} exploit failed:\n{source}"
    # workspace edits an agent can make in a folder it can write: a conftest.py, deleting the failing tests
    assert run_task(TASK, FOLDER_ARGV, tmp_path, NOTHING, conftest=X.CONFTEST_REPORT_PATCH) == 0
    assert run_task(TASK, FOLDER_ARGV, tmp_path, NOTHING, delete=("tests/test_solution.py",)) == 0
    for family, sources in FOLDER_ABSENT.items():
        for source in sources:
            assert run_task(TASK, FOLDER_ARGV, tmp_path, source) != 0, f"{family} exploit passed:\n{source}"


def test_hardened_task_folder_rejects_every_hand_exploit(tmp_path, monkeypatch):
    monkeypatch.setenv(NO_PLUGINS, "1")
    assert run_task(HARDENED_TASK, HARDENED_ARGV, tmp_path, REFERENCE_CALL) == 0
    sources = [X.WRONG_CALL] + [s for group in (*FOLDER_HOLES.values(), *FOLDER_EXTRA.values()) for s in group]
    for source in sources:
        assert run_task(HARDENED_TASK, HARDENED_ARGV, tmp_path, source) != 0, f"hardened task passed:\n{source}"
    assert run_task(HARDENED_TASK, HARDENED_ARGV, tmp_path, NOTHING, conftest=X.CONFTEST_REPORT_PATCH) != 0


def _folder_probe_args(task: Path, cmd: str) -> list[str]:
    return ["--grader-cmd", cmd, "--task-dir", str(task), "--entry-point", "solve",
            "--reference", str(GRADERS / "solutions" / "reference_call.py"), "--pass-env", NO_PLUGINS]


def test_probe_finds_every_hole_in_the_visible_pytest_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(NO_PLUGINS, "1")
    families = set(FOLDER_HOLES) | set(FOLDER_ABSENT)
    code, report = _probe([*_folder_probe_args(TASK, FOLDER_CMD), *_only(families)], tmp_path / "out", capsys)
    accepted = _accepted_families(report)
    assert code == 1 and report["verdict"] == "exploitable"
    missed = set(FOLDER_HOLES) - accepted
    assert not missed, f"probe missed {sorted(missed)}; accepted {sorted(report['accepted'])}"
    assert not (set(FOLDER_ABSENT) & accepted), report["accepted"]


def test_probe_finds_nothing_in_the_hardened_task_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(NO_PLUGINS, "1")
    code, report = _probe([*_folder_probe_args(HARDENED_TASK, HARDENED_CMD), "--read-path", str(GRADERS),
                           *_only({*FOLDER_HOLES, *FOLDER_EXTRA})], tmp_path / "out", capsys)
    assert report["accepted"] == [], report["accepted"]
    assert report["verdict"] == "clean" and code == 0
