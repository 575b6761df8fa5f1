"""Example graders for `overopt probe`: naive ones that fall to several exploits, hardened ones that fall
to none. All grade the same task, the distinct values of a list of integers, largest first:

    solve(nums: list[int]) -> list[int]                 function submissions (--entry-point solve)
    stdin "3 1 2" -> stdout "3\\n2\\n1"                   stdin/stdout programs (--stdio)

Function graders (`--grader MODULE:FUNCTION --entry-point solve --reference REFERENCES["call"]`):
    overopt.detect.examples.naive_grader:grade            falls to several exploits
    overopt.detect.examples.hardened_grader:grade         falls to none

Program graders (`--grader MODULE:FUNCTION --stdio --reference REFERENCES["stdio"]`):
    overopt.detect.examples.naive_stdio_grader:grade      falls to several exploits
    overopt.detect.examples.hardened_stdio_grader:grade   falls to none

Command graders (`--grader-cmd "python3 check.py" --task-dir DIR --reference REFERENCES["call"]`), DIR from
`TASKS`:
    python3 -c "import overopt.detect.examples as e; print(e.TASKS['naive'], e.REFERENCES['call'])"
"""

from pathlib import Path

HERE = Path(__file__).resolve().parent
TASKS = {"naive": HERE / "naive_task", "hardened": HERE / "hardened_task"}
REFERENCES = {"call": HERE / "reference.py", "stdio": HERE / "reference_stdio.py"}
