def solve(nums):
    raise NotImplementedError
