"""A correct solution for the example task (pass it to probe as --reference)."""


def solve(nums):
    return sorted(set(nums), reverse=True)
