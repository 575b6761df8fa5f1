"""Example graders for `overopt probe`: one naive, one hardened. Both grade the same task:

    solve(nums: list[int]) -> list[int]   # the distinct values of nums, largest first

Function graders (`--grader MODULE:FUNCTION --entry-point solve`):
    overopt.detect.examples.naive_grader:grade      falls to several exploits
    overopt.detect.examples.hardened_grader:grade   falls to none

Command graders (`--grader-cmd "python3 check.py" --task-dir DIR`), DIR from `TASKS`:
    python3 -c "import overopt.detect.examples as e; print(e.TASKS['naive'])"
"""

from pathlib import Path

HERE = Path(__file__).resolve().parent
TASKS = {"naive": HERE / "naive_task", "hardened": HERE / "hardened_task"}
