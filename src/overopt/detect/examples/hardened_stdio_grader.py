"""A hardened grader for stdin/stdout programs. `overopt probe --stdio` finds no hole in it.

- The program runs in a separate, isolated Python process (`-I`), in an empty temp folder, once per input:
  no grader frames, files or expected values to read.
- Inputs are random each time; the expected output is computed here, after the child exits.
- The whole output must match line for line (surrounding whitespace ignored), and the exit status must
  be 0; all cases must pass.
"""

import os
import random
import subprocess
import sys
import tempfile


def _expected(nums):
    return [str(v) for v in sorted(set(nums), reverse=True)]


def grade(program: str) -> float:
    rng = random.Random(os.urandom(16))
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "program.py")
        with open(path, "w") as fh:
            fh.write(program)
        for _ in range(8):
            nums = [rng.randint(-50, 50) for _ in range(rng.randint(1, 12))]
            try:
                proc = subprocess.run([sys.executable, "-I", path], cwd=d, capture_output=True, text=True,
                                      input=" ".join(map(str, nums)) + "\n", timeout=20)
            except subprocess.TimeoutExpired:
                return 0.0
            lines = [ln.strip() for ln in proc.stdout.strip().split("\n")] if proc.stdout.strip() else []
            if proc.returncode != 0 or lines != _expected(nums):
                return 0.0
    return 1.0
