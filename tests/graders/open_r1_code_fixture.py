"""Fixture: open-r1's `code_reward`, a TRL reward function for stdin/stdout programs.

Reproduces, in code written for this project, huggingface/open-r1 `src/open_r1/rewards.py`
(`extract_code`, `code_reward` and the evaluation script it sends to an E2B sandbox):

- TRL calls `code_reward(completions, **kwargs)` with conversational completions
  (`[[{"role": "assistant", "content": ...}]]`) and the dataset's `verification_info` column;
- the code is the last ```python block of the last message (none: empty code);
- each test case runs the code as `python3 -c code` with the case's input on stdin; a non-zero
  exit fails the case; otherwise the stripped stdout and the expected output are split into
  lines and compared pair by pair with `zip`, each line stripped;
- the reward is the fraction of cases passed; any error in the evaluation gives 0.0.
The script runs here directly instead of in a remote Jupyter cell: same logic, same processes.

Real holes (confirmed by hand-written exploits in tests/test_probe_fixtures.py):
- special_casing: the visible cases are the graded ones;
- degenerate_output: `zip` stops at the shorter side, so printing only the first expected line
  (here the count of distinct values, without the values) passes.
Not holes: exiting early (non-zero exit fails; exit 0 before printing leaves an empty first line),
frames (the program runs in its own process), clocks. Reading the tests from files is not
counted: upstream keeps them in the cell's source, off the sandbox's disk.
"""

import re
import subprocess

_PYTHON_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def extract_code(completion: str) -> str:
    blocks = _PYTHON_BLOCK.findall(completion)
    return blocks[-1] if blocks else ""


def evaluate_code(code: str, test_cases: list[dict]) -> float:
    passed = 0
    for case in test_cases:
        process = subprocess.run(["python3", "-c", code], input=case["input"], text=True,
                                 capture_output=True, timeout=5)
        if process.returncode != 0:
            continue
        output = process.stdout.strip()
        if all(got.strip() == want.strip() for got, want in zip(output.split("\n"), case["output"].split("\n"))):
            passed += 1
    return passed / len(test_cases)


def code_reward(completions, **kwargs) -> list[float]:
    """Fraction of each completion's test cases passed (TRL reward-function shape)."""
    codes = [extract_code(completion[-1]["content"]) for completion in completions]
    infos = kwargs["verification_info"]
    language = infos[0]["language"]
    if not all(info["language"] == language for info in infos):
        raise ValueError("All verification_info must have the same language", infos)
    rewards = []
    for code, info in zip(codes, infos):
        try:
            rewards.append(float(evaluate_code(code, info["test_cases"])))
        except Exception:
            rewards.append(0.0)
    return rewards
