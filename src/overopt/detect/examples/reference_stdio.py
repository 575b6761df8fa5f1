# A correct stdin/stdout solution for the example task: one line of integers in, the distinct values,
# largest first, one per line out. Pass it to probe as --reference with --stdio.
import sys

nums = [int(x) for x in sys.stdin.read().split()]
for v in sorted(set(nums), reverse=True):
    print(v)
