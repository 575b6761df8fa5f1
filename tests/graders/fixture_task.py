"""The task all fixture graders grade, and what the hardened graders check it with.

    solve(nums: list[int]) -> list[int]     the distinct values of nums, largest first
    stdin "3 1 2"  ->  stdout "3\\n3 2 1"    the same as a program: the count, then the values

The naive graders take their test cases from the dataset rows (`*_row.json`), as the real ones do.
The hardened graders never trust a visible case: they test fresh random inputs each run and
compute the expected answers here, after the submission has finished.
"""

import os
import random


def reference(nums: list[int]) -> list[int]:
    return sorted(set(nums), reverse=True)


def random_inputs(count: int) -> list[list[int]]:
    """Fresh inputs from the OS's randomness: never the same twice, never seen by the submission."""
    rng = random.Random(os.urandom(16))
    return [[rng.randint(-60, 60) for _ in range(rng.randint(1, 12))] for _ in range(count)]


def as_stdin(nums: list[int]) -> str:
    return " ".join(map(str, nums)) + "\n"


def stdout_lines(nums: list[int]) -> list[str]:
    """The expected output of the program form, one string per line."""
    values = reference(nums)
    return [str(len(values)), " ".join(map(str, values))]


def exact_answer(result, nums: list[int]) -> bool:
    """A plain list of plain ints equal to the reference: no subclasses, floats or bools."""
    return type(result) is list and all(type(v) is int for v in result) and result == reference(nums)
