"""Hardened counterpart of trl_test_list: the same TRL signature, none of its holes.

`test_list_reward(prompts, completions, test_list, **kwargs)` reads the asserts only for the name
of the function they call; the function then runs in an isolated process (see isolation.py) on
fresh random inputs, its results come back as plain JSON, and every one must be exactly right.
"""

import ast

from isolation import calls_pass
from trl_test_list import extract_code


def _called_function(tests: list[str]) -> str | None:
    for test in tests:
        for node in ast.walk(ast.parse(test)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                return node.func.id
    return None


def test_list_reward(prompts, completions, test_list, **kwargs) -> list[float]:
    rewards = []
    for completion, tests in zip(completions, test_list):
        name = _called_function(tests)
        rewards.append(1.0 if name and calls_pass(extract_code(completion), name) else 0.0)
    return rewards
