"""How the hardened fixture graders run a submission: in a separate, isolated Python process.

- `python -I` in an empty temporary folder: no grader frames to walk, no test files or dataset
  rows beside it, no conftest.py that a test runner would load;
- the process is given inputs only, fresh random ones each run (`fixture_task.random_inputs`);
  the expected answers are computed by the grader after the process has exited;
- function results come back as one JSON line after a fresh nonce: exiting early leaves no such
  line, and an object with a lying `__eq__` is serialized to what it really holds;
- the grader compares plain data with exact types, all or nothing; no clock enters the score.
"""

import json
import secrets
import subprocess
import sys
import tempfile

from fixture_task import as_stdin, exact_answer, random_inputs, stdout_lines

RUNNER = r"""
import json, sys
_request = json.loads(sys.stdin.readline())
_namespace = {"__name__": "solution"}
exec(compile(_request["source"], "solution.py", "exec"), _namespace)
_function = _namespace[_request["entry_point"]]
_results = [_function(*args) for args in _request["calls"]]
sys.stdout.write("\n" + _request["nonce"] + " " + json.dumps(_results) + "\n")
"""


def call_results(source: str, entry_point: str, calls: list[list], timeout: float = 20.0) -> list | None:
    """The entry point's results for each argument list, decoded from JSON; None if it gave none."""
    nonce = secrets.token_hex(16)
    request = json.dumps({"source": source, "entry_point": entry_point, "calls": calls, "nonce": nonce})
    with tempfile.TemporaryDirectory() as empty:
        try:
            proc = subprocess.run([sys.executable, "-I", "-c", RUNNER], cwd=empty, input=request + "\n",
                                  capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
    tagged = [line for line in proc.stdout.splitlines() if line.startswith(nonce + " ")]
    if proc.returncode != 0 or len(tagged) != 1:
        return None
    try:
        results = json.loads(tagged[0][len(nonce) + 1:])
    except ValueError:
        return None
    return results if isinstance(results, list) and len(results) == len(calls) else None


def program_output(source: str, stdin: str, timeout: float = 10.0) -> str | None:
    """What the program prints for this stdin; None if it failed or timed out."""
    with tempfile.TemporaryDirectory() as empty:
        try:
            proc = subprocess.run([sys.executable, "-I", "-c", source], cwd=empty, input=stdin,
                                  capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
    return proc.stdout if proc.returncode == 0 else None


def calls_pass(source: str, entry_point: str = "solve", count: int = 20) -> bool:
    """True when the function answers `count` fresh random inputs exactly right."""
    inputs = random_inputs(count)
    results = call_results(source, entry_point, [[nums] for nums in inputs])
    return results is not None and all(exact_answer(r, nums) for r, nums in zip(results, inputs))


def program_passes(source: str, count: int = 5) -> bool:
    """True when the program prints exactly the right lines (ends of lines aside) for fresh inputs."""
    for nums in random_inputs(count):
        out = program_output(source, as_stdin(nums))
        if out is None or [line.rstrip() for line in out.rstrip().split("\n")] != stdout_lines(nums):
            return False
    return True
