"""Hardened counterpart of evalplus_check: the same verl custom-reward signature, none of its holes.

`compute_score(data_source, solution_str, ground_truth, extra_info)`: the check string's fixed
asserts are visible to the policy, so the entry point is instead run in an isolated process (see
isolation.py) on fresh random inputs, its results returned as plain JSON and compared exactly.
"""

from isolation import calls_pass


def compute_score(data_source, solution_str, ground_truth, extra_info=None) -> float:
    entry_point = (extra_info or {}).get("entry_point", "solve")
    return 1.0 if calls_pass(solution_str, entry_point) else 0.0
