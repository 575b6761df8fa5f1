"""Throughput and memory of `overopt scan` (rule detectors, no judge) on a generated JSONL file.

    python3 bench/bench_scan_throughput.py [--size-mb 1024] [--mix traffic|corpus] [--keep]

Writes a file of the given size from the labeled corpus (unique ids), runs
`python3 -m overopt scan FILE --out DIR -q` in a child process, and prints episodes per second per
core (episodes / the child's CPU seconds: the scanner is single-threaded) and the child's peak RSS.
It also scans a file a tenth of the size, so flat memory shows as the same peak on both.
Mixes: `traffic` = 5% hacking episodes, 15% hard negatives, 80% clean episodes (a third of them
agentic coding episodes with tool calls and a diff, the rest chat); `corpus` = the benchmark corpus
as is (about half hacking, code-heavy: the slow case).
The generated files are deleted afterwards unless --keep.
"""

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))  # corpora/: the generated sets, kept out of the package

from corpora.main import generate  # noqa: E402


def lines_for(mix: str, seed: int) -> list[str]:
    pairs = generate(seed=seed)
    if mix == "corpus":
        return [json.dumps(ep) for ep, _ in pairs]
    rng = random.Random(seed)
    clean = [ep for ep, labels in pairs if not labels and ep["id"].startswith("clean")]
    hard = [ep for ep, labels in pairs if not labels and ep["id"].startswith("neg")]
    hacks = [ep for ep, labels in pairs if labels]
    out = []
    for _ in range(4000):
        u = rng.random()
        out.append(rng.choice(hacks) if u < 0.05 else rng.choice(hard) if u < 0.20 else rng.choice(clean))
    return [json.dumps(ep) for ep in out]


def write_file(path: Path, size: int, lines: list[str]) -> int:
    n = 0
    written = 0
    with open(path, "w") as fh:
        while written < size:
            for ln in lines:
                rec = ln.replace('"id": "', f'"id": "{n}-', 1) + "\n"
                fh.write(rec)
                written += len(rec)
                n += 1
                if written >= size:
                    break
    return n


def scan(path: Path, out: Path) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run([sys.executable, "-m", "overopt", "scan", str(path), "--out", str(out), "-q"],
                          env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"scan failed: {proc.stderr[-2000:]}")
    summary = json.loads((out / "summary.json").read_text())
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"episodes": summary["episodes"], "wall_s": wall, "cpu_s": cpu,
            "eps_per_core": summary["episodes"] / cpu, "peak_rss_mb": after.ru_maxrss / 1024}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mb", type=float, default=1024)
    ap.add_argument("--mix", choices=["traffic", "corpus"], default="traffic")
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="overopt-bench-"))
    try:
        lines = lines_for(a.mix, 0)
        results = {}
        # the small file first: ru_maxrss is a running maximum over children
        for label, mb in (("small", a.size_mb / 10), ("full", a.size_mb)):
            f = tmp / f"{label}.jsonl"
            t0 = time.perf_counter()
            n = write_file(f, int(mb * 1024 * 1024), lines)
            gen = time.perf_counter() - t0
            r = scan(f, tmp / f"out-{label}")
            f.unlink()
            results[label] = r
            print(f"{label:5s} {mb:8.0f} MB  {n:9d} episodes (generated in {gen:.0f}s)  scan wall {r['wall_s']:.1f}s  "
                  f"cpu {r['cpu_s']:.1f}s  {r['eps_per_core']:,.0f} episodes/s/core  peak RSS {r['peak_rss_mb']:.0f} MB")
        s, f = results["small"], results["full"]
        print(f"\nmix={a.mix}: {f['eps_per_core']:,.0f} episodes/s/core on {a.size_mb:.0f} MB "
              f"(target >= 5,000); peak RSS {s['peak_rss_mb']:.0f} MB at {a.size_mb / 10:.0f} MB vs "
              f"{f['peak_rss_mb']:.0f} MB at {a.size_mb:.0f} MB (flat memory: about equal)")
    finally:
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
