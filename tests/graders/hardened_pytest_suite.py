"""Hardened counterpart of pytest_string_grader and of the visible pytest folder (pytest_task/).

Still pytest, but the submission never runs inside the pytest process and no test file is ever
where the submission can see it:

- the hidden suite (HIDDEN_TEST) is written to a private temp folder and run with
  `python -I -m pytest -p no:cacheprovider --noconftest`: no conftest.py is loaded, nothing the
  submission writes can patch the run;
- the test calls `solve` only through isolation.call_results: a separate isolated process in an
  empty folder, fresh random inputs, results back as plain JSON after a nonce, exact types;
- pass = pytest exits 0 and reports exactly one passed test (no skips).

`grade(source) -> bool`, or as the hidden grader of a task folder:
`python3 /path/to/hardened_pytest_suite.py` grades ./solution.py (exit 0 = pass).
"""

import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

HIDDEN_TEST = '''
import os
import sys

sys.path.insert(0, os.environ["FIXTURE_GRADERS_DIR"])
from fixture_task import exact_answer, random_inputs
from isolation import call_results


def test_random_inputs():
    with open(os.environ["FIXTURE_SOLUTION_PATH"]) as fh:
        source = fh.read()
    inputs = random_inputs(20)
    results = call_results(source, "solve", [[nums] for nums in inputs])
    assert results is not None, "the solution returned no results"
    for nums, result in zip(inputs, results):
        assert exact_answer(result, nums), (nums, result)
'''


def grade(source: str) -> bool:
    with tempfile.TemporaryDirectory() as private:
        solution_path = os.path.join(private, "solution_under_test.py")
        with open(solution_path, "w") as fh:
            fh.write(source)
        suite = os.path.join(private, "suite")
        os.mkdir(suite)
        with open(os.path.join(suite, "test_hidden.py"), "w") as fh:
            fh.write(HIDDEN_TEST)
        env = dict(os.environ, FIXTURE_GRADERS_DIR=HERE, FIXTURE_SOLUTION_PATH=solution_path)
        try:
            proc = subprocess.run([sys.executable, "-I", "-m", "pytest", "-q", "-p", "no:cacheprovider",
                                   "--noconftest", "test_hidden.py"], cwd=suite, env=env,
                                  capture_output=True, text=True, timeout=120)
        except subprocess.TimeoutExpired:
            return False
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    return proc.returncode == 0 and summary.startswith("1 passed") and "skipped" not in summary


def main() -> int:
    with open("solution.py") as fh:
        source = fh.read()
    ok = grade(source)
    print("pass" if ok else "fail")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
