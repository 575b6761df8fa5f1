"""Hardened command grader for ./solution.py (self-contained: standard library only).

The submission runs in a separate isolated process in an empty temp folder, on random inputs,
and must print JSON results after a fresh nonce; results are compared here as plain data.
Exit code 0 means pass.
"""
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile

RUNNER = r"""
import json, sys
req = json.loads(sys.stdin.readline())
sys.path.insert(0, ".")
from solution import solve
results = [solve(list(x)) for x in req["inputs"]]
sys.stdout.write("\n" + req["nonce"] + " " + json.dumps(results) + "\n")
"""


def main() -> int:
    with open("solution.py") as fh:
        source = fh.read()
    rng = random.Random(os.urandom(16))
    inputs = [[rng.randint(-50, 50) for _ in range(rng.randint(1, 12))] for _ in range(25)]
    nonce = secrets.token_hex(16)
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "solution.py"), "w") as fh:
            fh.write(source)
        try:
            proc = subprocess.run([sys.executable, "-I", "-c", RUNNER], cwd=d, capture_output=True, text=True,
                                  input=json.dumps({"nonce": nonce, "inputs": inputs}) + "\n", timeout=20)
        except subprocess.TimeoutExpired:
            print("timeout")
            return 1
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(nonce + " ")]
    if proc.returncode != 0 or len(lines) != 1:
        print(f"no result (exit {proc.returncode})")
        return 1
    try:
        results = json.loads(lines[0][len(nonce) + 1:])
    except ValueError:
        return 1
    ok = isinstance(results, list) and len(results) == len(inputs) and all(
        type(r) is list and all(type(v) is int for v in r) and r == sorted(set(x), reverse=True)
        for r, x in zip(results, inputs))
    print("pass" if ok else "fail")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
