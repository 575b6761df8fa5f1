"""Hardened counterpart of open_r1_code_fixture: the same TRL signature, none of its holes.

`code_reward(completions, **kwargs)` takes the last ```python block of each conversational
completion, like open-r1, but runs it in an isolated process (see isolation.py) on fresh random
inputs and compares every output line (no `zip` truncation); all or nothing per completion.
"""

from isolation import program_passes
from open_r1_code_fixture import extract_code


def code_reward(completions, **kwargs) -> list[float]:
    infos = kwargs["verification_info"]
    if any(info["language"] != "python" for info in infos):
        raise ValueError("only python is graded")
    return [1.0 if program_passes(extract_code(completion[-1]["content"])) else 0.0
            for completion in completions]
