def solve(nums):
    return sorted(nums)
