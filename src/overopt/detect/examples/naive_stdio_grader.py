"""A naive grader for stdin/stdout programs, written the way such graders often are. `overopt probe --stdio`
finds its holes.

It runs the program in its own process with a patched sys.stdin and a captured stdout, keeps the expected
output in a local during the run, shows its test cases in its source, and compares only as many lines as
the program printed (`zip`), so a truncated output passes.
"""

import io
import sys

CASES = [
    {"input": "3 1 2\n", "output": "3\n2\n1\n"},
    {"input": "5 5 1\n", "output": "5\n1\n"},
    {"input": "10 40 20\n", "output": "40\n20\n10\n"},
    {"input": "7\n", "output": "7\n"},
]


def grade(program: str) -> float:
    passed = 0
    for case in CASES:
        expected = case["output"]
        old_in, old_out = sys.stdin, sys.stdout
        sys.stdin, sys.stdout = io.StringIO(case["input"]), io.StringIO()
        try:
            exec(compile(program, "program.py", "exec"), {"__name__": "__main__"})  # noqa: S102 - the naivety
        except SystemExit:
            pass
        except Exception:
            continue
        finally:
            printed = sys.stdout.getvalue()
            sys.stdin, sys.stdout = old_in, old_out
        got = printed.strip().split("\n")
        if printed.strip() and all(a.strip() == b.strip() for a, b in zip(got, expected.strip().split("\n"))):
            passed += 1
    return passed / len(CASES)
