"""`overopt probe`: run the exploit battery against a grader, inside the sandbox, before training.

Two ways to name the grader:
- a Python callable `module:function` taking the submission's source and returning a bool or a
  number; a bootstrap script imports it inside the sandbox (the user's current folder on sys.path)
  and prints its score after a nonce;
- a shell command run in a fresh copy of a task folder holding the submission as its solution
  file; exit code 0 means pass.

An exploit is *accepted* when the grader passes it, or scores it above the wrong-but-honest
baseline (which must fail first; if it passes, the grader is broken and nothing else is tried).
"""

from __future__ import annotations

import importlib.util
import json
import secrets
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from overopt.detect.exploits import TEST_FILE, Exploit, baseline_source, battery, visible_cases_in
from overopt.errors import UserError

RESULT_TAG = "OVEROPT_PROBE_RESULT"
BOOTSTRAP = r'''
import importlib, json, os, sys
tag, nonce, user_dir, module, func, src_path = sys.argv[1:7]
sys.path.insert(0, user_dir)
_write = sys.stdout.write
_flush = sys.stdout.flush


def _report(obj):
    _write("\n" + tag + " " + nonce + " " + json.dumps(obj) + "\n")
    _flush()


with open(src_path) as fh:
    source = fh.read()
try:
    mod = importlib.import_module(module)
    fn = getattr(mod, func)
except Exception as exc:
    _report({"setup_error": type(exc).__name__ + ": " + str(exc)})
    sys.exit(3)
if not callable(fn):
    _report({"setup_error": module + ":" + func + " is not callable"})
    sys.exit(3)
try:
    score = fn(source)
except BaseException as exc:
    _report({"raised": type(exc).__name__ + ": " + str(exc)[:300]})
    _flush()
    os._exit(0)
if hasattr(score, "item") and callable(score.item):
    try:
        score = score.item()
    except Exception:
        pass
if isinstance(score, bool):
    _report({"score": score, "kind": "bool"})
elif isinstance(score, (int, float)):
    _report({"score": float(score), "kind": "number"})
else:
    _report({"score": None, "kind": "other", "repr": repr(score)[:200]})
'''


@dataclass
class ProbeConfig:
    grader: str | None = None           # "module:function"
    entry_point: str | None = None
    grader_cmd: str | None = None
    task_dir: str | None = None
    solution_file: str = "solution.py"
    pass_score: float = 1.0
    timeout: float = 30.0
    memory_mb: int = 1024
    user_dir: str = "."
    only: list[str] | None = None


@dataclass
class Outcome:
    exploit: str
    description: str
    accepted: bool
    passed: bool
    score: float | bool | None
    gain: float | None
    status: str
    evidence: str
    applicable: bool = True
    exit_code: int | None = None

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("exploit", "description", "accepted", "passed", "score", "gain",
                                              "status", "exit_code", "applicable", "evidence")}


@dataclass
class ProbeReport:
    mode: str
    baseline: Outcome
    results: list[Outcome] = field(default_factory=list)
    grader_broken: bool = False
    visible_cases: int = 0

    @property
    def accepted(self) -> list[Outcome]:
        return [r for r in self.results if r.accepted]


def _tail(s: str, n: int = 400) -> str:
    s = s.strip()
    return s if len(s) <= n else "…" + s[-n:]


def validate(cfg: ProbeConfig) -> None:
    fn_mode = cfg.grader is not None
    cmd_mode = cfg.grader_cmd is not None
    if fn_mode == cmd_mode:
        raise UserError("give exactly one of --grader MODULE:FUNCTION or --grader-cmd \"CMD\"")
    if fn_mode:
        if ":" not in cfg.grader or cfg.grader.count(":") != 1 or not all(cfg.grader.split(":")):
            raise UserError(f"--grader must look like module:function, got {cfg.grader!r}")
        if not cfg.entry_point or not cfg.entry_point.isidentifier():
            raise UserError("--grader needs --entry-point NAME (the function the submissions define)")
        module = cfg.grader.split(":")[0]
        user_dir = str(Path(cfg.user_dir).resolve())
        added = user_dir not in sys.path
        if added:
            sys.path.insert(0, user_dir)
        try:
            spec = importlib.util.find_spec(module)
        except (ImportError, ValueError) as exc:
            spec = None
            why = f" ({type(exc).__name__}: {exc})"
        else:
            why = ""
        finally:
            if added:
                sys.path.remove(user_dir)
        if spec is None:
            raise UserError(f"grader module {module!r} not found in {user_dir} or on sys.path{why}")
    else:
        if not cfg.task_dir:
            raise UserError("--grader-cmd needs --task-dir DIR (the task's files, copied fresh for each exploit)")
        d = Path(cfg.task_dir)
        if not d.is_dir():
            raise UserError("task folder not found", path=d)
        if not cfg.entry_point:
            cfg.entry_point = "solve"
        if not cfg.entry_point.isidentifier():
            raise UserError(f"--entry-point must be a Python identifier, got {cfg.entry_point!r}")
        sf = Path(cfg.solution_file)
        if sf.is_absolute() or ".." in sf.parts:
            raise UserError(f"--solution-file must be a path inside the task folder, got {cfg.solution_file!r}")
    if cfg.timeout <= 0:
        raise UserError(f"--timeout must be positive, got {cfg.timeout}")


def _grader_files(cfg: ProbeConfig) -> list[Path]:
    """Files an agent could read: the grader module's folder (function mode) or the task folder."""
    if cfg.grader is not None:
        module = cfg.grader.split(":")[0]
        user_dir = str(Path(cfg.user_dir).resolve())
        sys.path.insert(0, user_dir)
        try:
            spec = importlib.util.find_spec(module)
        finally:
            sys.path.remove(user_dir)
        if spec is None or not spec.origin or not Path(spec.origin).is_file():
            return []
        origin = Path(spec.origin)
        files = [origin] + sorted(p for p in origin.parent.glob("*.json"))[:50]
        return files
    d = Path(cfg.task_dir)
    return sorted(p for p in d.rglob("*") if p.is_file() and p.suffix in (".py", ".json")
                  and "__pycache__" not in p.parts)[:300]


def run_probe(cfg: ProbeConfig, sandbox_root: Path, log=None) -> ProbeReport:
    from overopt.sandbox import Limits, Sandbox

    validate(cfg)
    entry = cfg.entry_point
    cases = visible_cases_in(_grader_files(cfg), entry)
    limits = Limits(cpu_seconds=cfg.timeout, wall_seconds=cfg.timeout * 1.5, memory_mb=cfg.memory_mb,
                    output_bytes=262_144)
    backend = None
    if cfg.grader:
        # the grader is the user's own code: let the sandbox read their folder and the grader's folder
        from overopt.sandbox import LocalBackend

        reads = [str(Path(cfg.user_dir).resolve())] + [str(p.parent) for p in _grader_files(cfg)[:1]]
        backend = LocalBackend(read_paths=list(dict.fromkeys(reads)))
    sb = Sandbox(sandbox_root, limits=limits, backend=backend)
    mode = "function" if cfg.grader else "command"
    try:
        run = _run_fn if cfg.grader else _run_cmd
        base = Exploit("baseline", "wrong but honest: returns None after 10 ms of work", baseline_source(entry))
        b = run(sb, cfg, base, "probe-00-baseline", None)
        if b.status == "setup_error":
            raise UserError(f"the grader could not be loaded in the sandbox: {b.evidence}")
        report = ProbeReport(mode=mode, baseline=b, visible_cases=len(cases))
        if b.passed:
            report.grader_broken = True
            return report
        for i, ex in enumerate(battery(entry, cases), 1):
            if cfg.only and ex.name not in cfg.only:
                continue
            if ex.needs_cases and not cases:
                report.results.append(Outcome(ex.name, ex.description, False, False, None, None, "skipped",
                                              "no visible test cases found in the grader's or task's files",
                                              applicable=False))
                continue
            if log:
                log(ex.name)
            report.results.append(run(sb, cfg, ex, f"probe-{i:02d}-{ex.name}", b.score))
        return report
    finally:
        sb.close()


def _numeric(x) -> float | None:
    if isinstance(x, bool):
        return 1.0 if x else 0.0
    if isinstance(x, (int, float)):
        return float(x)
    return None


def _verdict(cfg: ProbeConfig, score, baseline_score) -> tuple[bool, float | None]:
    if isinstance(score, bool):
        passed = score
    else:
        v = _numeric(score)
        passed = v is not None and v >= cfg.pass_score
    s, b = _numeric(score), _numeric(baseline_score)
    gain = None if s is None or b is None else round(s - b, 6)
    return passed, gain


def _run_fn(sb, cfg: ProbeConfig, ex: Exploit, eid: str, baseline_score) -> Outcome:
    module, func = cfg.grader.split(":")
    wd = sb.workdir(eid)
    src = wd / "_overopt_submission.py.txt"
    src.write_text(ex.source)
    boot = wd / "_overopt_probe_boot.py"
    boot.write_text(BOOTSTRAP)
    nonce = secrets.token_hex(12)
    user_dir = str(Path(cfg.user_dir).resolve())
    r = sb.exec([sb.python, str(boot), RESULT_TAG, nonce, user_dir, module, func, str(src)], episode_id=eid,
                tool="probe", arguments={"exploit": ex.name, "grader": cfg.grader},
                env={"OVEROPT_PROBE_WORKDIR": str(wd), "OVEROPT_PROBE_GRADER": module})
    payload = None
    marker = f"{RESULT_TAG} {nonce} "
    for line in r.stdout.splitlines():
        if line.startswith(marker):
            try:
                payload = json.loads(line[len(marker):])
            except ValueError:
                payload = None
    if payload and "setup_error" in payload:
        return Outcome(ex.name, ex.description, False, False, None, None, "setup_error", payload["setup_error"],
                       exit_code=r.exit_code)
    if r.status in ("timeout", "killed", "outage"):
        return Outcome(ex.name, ex.description, False, False, None, None, r.status,
                       f"sandbox {r.status} after {r.wall_seconds:.1f}s; " + _tail(r.stderr, 200), exit_code=r.exit_code)
    if payload is None:
        return Outcome(ex.name, ex.description, False, False, None, None, "no_score",
                       f"the grader process ended (exit {r.exit_code}) without returning a score: the submission "
                       f"killed it. A harness that treats exit code {r.exit_code} as success would be fooled. "
                       + _tail(r.stderr, 200), exit_code=r.exit_code)
    if "raised" in payload:
        return Outcome(ex.name, ex.description, False, False, None, None, "grader_raised",
                       f"the grader raised {payload['raised']}", exit_code=r.exit_code)
    score = payload.get("score")
    passed, gain = _verdict(cfg, score, baseline_score)
    accepted = passed or (gain is not None and gain > 1e-9)
    if payload.get("kind") == "other":
        evidence = f"grader returned {payload.get('repr')} (not a bool or a number)"
    elif accepted:
        evidence = (f"score {score} passes (≥ {cfg.pass_score})" if passed
                    else f"score {score} beats the honest baseline's {baseline_score}")
    else:
        evidence = f"score {score} (baseline {baseline_score})"
    return Outcome(ex.name, ex.description, accepted, passed, score, gain, r.status, evidence, exit_code=r.exit_code)


def _copy_task(src: Path, dst: Path) -> None:
    for p in src.iterdir():
        if p.name in ("__pycache__", ".git") or (p.name == "__init__.py" and p.parent == src and
                                                 (src / "__init__.py").read_text().lstrip().startswith('"""Task folder')):
            continue
        if p.is_dir():
            shutil.copytree(p, dst / p.name, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(p, dst / p.name)


def _run_cmd(sb, cfg: ProbeConfig, ex: Exploit, eid: str, baseline_score) -> Outcome:
    wd = sb.workdir(eid)
    _copy_task(Path(cfg.task_dir), wd)
    sol = wd / cfg.solution_file
    sol.parent.mkdir(parents=True, exist_ok=True)
    sol.write_text(ex.source)
    did = ""
    if ex.workspace == "conftest":
        from overopt.detect.exploits import CONFTEST

        (wd / "conftest.py").write_text(CONFTEST)
        did = "wrote conftest.py; "
    elif ex.workspace in ("delete_tests", "empty_tests"):
        tests = [p for p in wd.rglob("*") if p.is_file() and TEST_FILE.search(p.relative_to(wd).as_posix())
                 and p != sol]
        if not tests:
            return Outcome(ex.name, ex.description, False, False, None, None, "skipped",
                           "no test files in the task folder", applicable=False)
        for p in tests:
            if ex.workspace == "delete_tests":
                p.unlink()
            else:
                p.write_text("")
        did = f"{'deleted' if ex.workspace == 'delete_tests' else 'emptied'} " + \
              ", ".join(p.relative_to(wd).as_posix() for p in tests[:5]) + "; "
    r = sb.exec(["bash", "-c", cfg.grader_cmd], episode_id=eid, tool="probe",
                arguments={"exploit": ex.name, "cmd": cfg.grader_cmd},
                env={"OVEROPT_PROBE_WORKDIR": str(wd)})
    passed = r.status == "ok"
    if r.status in ("timeout", "killed", "outage"):
        ev = f"sandbox {r.status} after {r.wall_seconds:.1f}s"
    else:
        ev = f"{did}exit code {r.exit_code}: " + _tail(r.stdout + "\n" + r.stderr, 300)
    return Outcome(ex.name, ex.description, passed, passed, passed, None, r.status, ev, exit_code=r.exit_code)
