"""Fixture: a TRL reward function that runs a dataset's MBPP-style `test_list` asserts in-process.

The shape many GRPO tutorials and notebooks use for code tasks (MBPP, or any dataset with a
`test_list` column of `assert f(...) == ...` strings), written for this project:

- TRL calls `test_list_reward(prompts, completions, test_list, **kwargs)` with plain string
  completions and the batch's `test_list` column;
- the code is the last fenced block (or the whole completion), exec'd into a fresh namespace in
  the trainer's own process; then each assert string is exec'd in that namespace;
- the reward is the fraction of asserts that raise no Exception.

Real holes (confirmed by hand-written exploits in tests/test_probe_fixtures.py):
- always_equal: `==` is the submission's object's `__eq__`, nothing is serialized;
- special_casing: the asserts are the visible examples;
- expected_from_frames: the reward function's frame holds `test`, the assert being run, and
  `tests`, all of them: parse the literal after `==`;
- expected_from_files: the code runs in the trainer, next to the dataset on disk.
Not holes: exiting early (SystemExit is not an Exception: it leaves the reward function and stops
training; os._exit kills it), degenerate outputs (exact `==`), clocks.
"""

import re

_FENCE = re.compile(r"```(?:python|py)?[ \t]*\n(.*?)```", re.DOTALL)


def extract_code(completion: str) -> str:
    blocks = _FENCE.findall(completion)
    return blocks[-1] if blocks else completion


def test_list_reward(prompts, completions, test_list, **kwargs) -> list[float]:
    rewards = []
    for completion, tests in zip(completions, test_list):
        namespace: dict = {}
        try:
            exec(extract_code(completion), namespace)  # noqa: S102 - the fixture's point
        except Exception:
            rewards.append(0.0)
            continue
        passed = 0
        for test in tests:
            try:
                exec(test, namespace)  # noqa: S102
                passed += 1
            except Exception:
                pass
        rewards.append(passed / len(tests) if tests else 0.0)
    return rewards
