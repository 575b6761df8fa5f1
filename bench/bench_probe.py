"""Wall time of `overopt probe`'s full battery per grader, pinned to two cores (target: under 60 s each).

    python bench/bench_probe.py [--jobs 2] [--realdata ../shared/realdata/graders] [--only NAME]

Graders: the shipped examples (function, stdin/stdout and command graders, naive and hardened) and, when the
folder exists, the real graders of the development set (each run from a copy of its folder, with the
shared reference solution). Per grader it prints the wall time, the verdict and exit code, how many
exploits ran, and which were accepted.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _run import pin_two_cores, time_overopt  # noqa: E402

from overopt.detect.examples import REFERENCES, TASKS  # noqa: E402

EXAMPLES = [
    ("naive (function)", ["--grader", "overopt.detect.examples.naive_grader:grade", "--entry-point", "solve",
                          "--reference", str(REFERENCES["call"])]),
    ("hardened (function)", ["--grader", "overopt.detect.examples.hardened_grader:grade", "--entry-point", "solve",
                             "--reference", str(REFERENCES["call"])]),
    ("naive (stdio)", ["--grader", "overopt.detect.examples.naive_stdio_grader:grade", "--stdio",
                       "--reference", str(REFERENCES["stdio"])]),
    ("hardened (stdio)", ["--grader", "overopt.detect.examples.hardened_stdio_grader:grade", "--stdio",
                          "--reference", str(REFERENCES["stdio"])]),
    ("naive (command)", ["--grader-cmd", "python3 check.py", "--task-dir", str(TASKS["naive"]),
                         "--reference", str(REFERENCES["call"])]),
    ("hardened (command)", ["--grader-cmd", "python3 check.py", "--task-dir", str(TASKS["hardened"]),
                            "--reference", str(REFERENCES["call"])]),
]
# the development set: folder -> (grader, the options for its submissions, reference file)
REALDATA = {
    "verl_prime_call": ("verl_prime_call_grader:grade", ["--entry-point", "solve"], "reference_call.py"),
    "verl_prime_stdio": ("verl_prime_stdio_grader:grade", ["--stdio"], "reference_stdio.py"),
    "open_r1_code": ("open_r1_code_grader:grade", ["--stdio"], "reference_stdio.py"),
}


def run(name: str, args: list[str], jobs: int, tmp: Path, cwd: Path | None = None) -> dict:
    out = tmp / name.replace(" ", "_").replace("(", "").replace(")", "")
    import os

    here = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        wall, proc = time_overopt(["probe", *args, "--jobs", str(jobs), "--out", str(out)], threads=2)
    finally:
        os.chdir(here)
    path = out / "probe.json"
    if not path.is_file():
        return {"name": name, "wall": wall, "error": (proc.stderr or proc.stdout)[-300:]}
    d = json.loads(path.read_text())
    ran = sum(1 for e in d["exploits"] if e["applicable"])
    return {"name": name, "wall": wall, "code": proc.returncode, "verdict": d["verdict"], "ran": ran,
            "accepted": d["accepted"], "message": d["message"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--realdata", default=str(Path(__file__).resolve().parents[2] / "shared" / "realdata" / "graders"))
    ap.add_argument("--only", default=None, help="run only graders whose name contains this")
    ap.add_argument("--keep", default=None, help="keep the run folders here (default: a temp folder, removed)")
    args = ap.parse_args()
    print(f"overopt probe, full battery, --jobs {args.jobs}, {pin_two_cores()}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="overopt-bench-probe-") as tmp_name:
        tmp = Path(args.keep or tmp_name)
        tmp.mkdir(parents=True, exist_ok=True)
        plan = [(n, a, None) for n, a in EXAMPLES]
        real = Path(args.realdata)
        if real.is_dir():
            for folder, (grader, opts, ref) in REALDATA.items():
                if not (real / folder).is_dir():
                    continue
                copy = tmp / "graders" / folder
                shutil.copytree(real / folder, copy)
                shutil.copy(real / ref, tmp / "graders" / ref)
                plan.append((f"real: {folder}", ["--grader", grader, *opts, "--reference", f"../{ref}"], copy))
        else:
            print(f"(no development set at {real}: examples only)")
        for name, a, cwd in plan:
            if args.only and args.only not in name:
                continue
            r = run(name, a, args.jobs, tmp, cwd)
            rows.append(r)
            if "error" in r:
                print(f"{name:24} {r['wall']:6.1f} s  ERROR {r['error']}")
                continue
            print(f"{name:24} {r['wall']:6.1f} s  exit {r['code']} {r['verdict']:12} {r['ran']:2d} exploits run, "
                  f"{len(r['accepted'])} accepted: {', '.join(r['accepted']) or '-'}", flush=True)
            if r["code"] not in (0, 1):
                print(f"{'':24} {r['message']}")
    slow = [r["name"] for r in rows if r["wall"] >= 60]
    print(f"slowest: {max(r['wall'] for r in rows):.1f} s; over the 60 s target: {', '.join(slow) or 'none'}")


if __name__ == "__main__":
    main()
