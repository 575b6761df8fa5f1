"""Per-call overhead of the sandbox: calls/s for a trivial Python snippet (and for comparison, a bare
Python start-up without the sandbox, `/bin/true` through the sandbox, and the in-process calculator).

    python bench/bench_sandbox.py [--calls 40] [--threads 2]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

from overopt.sandbox import Sandbox


def rate(fn, n: int, threads: int = 1) -> float:
    t0 = time.perf_counter()
    if threads == 1:
        for i in range(n):
            fn(i)
    else:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(fn, range(n)))
    return n / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=40)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="overopt-bench-") as tmp:
        t0 = time.perf_counter()
        sb = Sandbox(tmp)
        startup = time.perf_counter() - t0
        code = {"code": "print(1 + 1)"}

        def python_call(i: int) -> None:
            r = sb.call_tool(f"ep{i % 4}", "python", code)
            assert r.status == "ok", r

        rows = [
            ("bare python -S -c (no sandbox)", rate(lambda i: subprocess.run(
                [sys.executable, "-S", "-s", "-c", "print(1 + 1)"], capture_output=True, check=True), args.calls)),
            ("sandbox exec /bin/true", rate(lambda i: sb.exec(["/bin/true"], episode_id="ep"), args.calls)),
            ("sandbox python tool", rate(python_call, args.calls)),
            (f"sandbox python tool, {args.threads} threads", rate(python_call, args.calls, args.threads)),
            ("sandbox calculator tool", rate(lambda i: sb.call_tool("ep", "calculator", {"expression": "2+2"}),
                                             args.calls * 50)),
        ]
        sb.close()
    print(f"sandbox start-up (probe): {startup * 1000:.0f} ms; enforced on this host: "
          f"{'everything' if not sb.not_enforced else 'NOT ' + ', '.join(sb.not_enforced)}")
    for name, r in rows:
        print(f"{name:42s} {r:9.1f} calls/s  {1000 / r:8.2f} ms/call")


if __name__ == "__main__":
    main()
