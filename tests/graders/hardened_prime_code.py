"""Hardened counterpart of prime_code_fixture: the same verl signatures, none of its holes.

`compute_score(solution_str, ground_truth, extra_info=None)` and
`default_compute_score(data_source, solution_str, ground_truth, extra_info=None)` read the row
only to learn the task's form (`fn_name`: a function; none: a stdin program). The row's cases
are visible to the policy, so they are not what is scored: the submission runs in an isolated
process (see isolation.py) on fresh random inputs, and passes only if every answer is exactly
right (plain JSON with exact types for functions; every output line for programs). 1.0 or 0.0.
"""

import json

from isolation import calls_pass, program_passes
from prime_code_fixture import CODE_DATA_SOURCES


def compute_score(solution_str, ground_truth, extra_info=None) -> float:
    row = ground_truth if isinstance(ground_truth, dict) else json.loads(ground_truth)
    code = solution_str.split("```python")[-1].split("```")[0]
    if row.get("fn_name"):
        return 1.0 if calls_pass(code, row["fn_name"]) else 0.0
    return 1.0 if program_passes(code) else 0.0


def default_compute_score(data_source, solution_str, ground_truth, extra_info=None) -> float:
    if data_source not in CODE_DATA_SOURCES:
        raise NotImplementedError(f"Reward function is not implemented for {data_source=}")
    return compute_score(solution_str, ground_truth, extra_info)
