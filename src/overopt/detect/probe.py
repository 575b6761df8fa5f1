"""`overopt probe`: red-team a grader with the exploit battery, inside the sandbox, anchored on a reference.

1. **Anchors.** A correct reference (`--reference`) must pass and a wrong-but-honest submission must fail;
   if either check fails the verdict is "inconclusive" (exit 3), and without a reference it is at best
   "unverified" (exit 3 unless an exploit is accepted).
2. **Discovery.** The reference is run twice more, wrapped so every call of the entry point (or every
   run of a stdin/stdout program) records what the grader fed it and what the reference answered. That
   gives the grader's real test inputs in any format, and tells whether they are the same each run. Test
   cases parsed from the grader's files and dataset row (`probe_cases`) are a second source.
3. **The battery** (`exploits.py`): families of exploits, each in variants, run concurrently.

An exploit is *accepted* when its score reaches the reference's (or `--pass-score`). Exploits that never
hold a correct answer (always-equal objects, exits, report patches, test removal, clock tampering) are
also accepted on any score above the wrong baseline; answer-producing ones only count partial gains as
evidence. A degenerate answer counts only if it differed from the reference's on some call.

Two ways to name the grader: a Python callable `module:function` (called through an adapter, see
`probe_adapters`), or a shell command run in a fresh copy of a task folder (exit code 0 = pass).
"""

from __future__ import annotations

import base64
import contextlib
import importlib.util
import json
import os
import pickle
import re
import secrets
import shutil
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from overopt.detect import exploits as ex_mod
from overopt.detect import probe_runtime as rt
from overopt.detect.exploits import FAMILIES, NO_ANSWER_FAMILIES, TEST_FILE, BatteryContext, Exploit
from overopt.errors import InputError

RESULT_TAG = "OVEROPT_PROBE_RESULT"
RECORD_NAME = "_overopt_records.jsonl"
BOOT_NAME = "_overopt_probe_boot.py"
BOOT_SOURCE = (Path(__file__).resolve().parent / "probe_adapters.py").read_text()
EPS = 1e-9
# families whose exploit code leaves a note on every call it handles
NOTED_FAMILIES = frozenset({"special_casing", "expected_from_files", "expected_from_frames", "degenerate_output"})


@dataclass
class ProbeConfig:
    grader: str | None = None           # "module:function"
    grader_cmd: str | None = None
    task_dir: str | None = None
    solution_file: str = "solution.py"
    adapter: str = "auto"
    entry_point: str | None = None
    stdio: bool = False
    reference: str | None = None        # paths
    wrong: str | None = None
    ground_truth: str | None = None
    response_template: str | None = None
    score_key: str | None = None
    pass_score: float | None = None
    read_paths: list[str] = field(default_factory=list)
    pass_env: list[str] = field(default_factory=list)
    memory_mb: int = 4096
    timeout: float = 30.0
    jobs: int = 2
    user_dir: str = "."
    only: list[str] | None = None

    @property
    def io(self) -> str:
        return "stdio" if self.stdio else "call"

    @property
    def mode(self) -> str:
        return "function" if self.grader else "command"


@dataclass
class Inputs:
    """The validated files: sources and the dataset row."""
    reference: str | None
    wrong: str
    row: object = None
    has_row: bool = False


@dataclass
class Trial:
    """One grader run."""
    score: float | bool | None
    status: str                 # "ok": the grader ran (a score, or none because of what the submission did)
    error: str | None           # status "error": probe itself could not run it
    evidence: str
    exit_code: int | None
    records: list[dict]
    source: str
    adapter: str | None = None
    trl_form: str | None = None
    setup_error: str | None = None
    stderr: str = ""

    @property
    def value(self) -> float | None:
        return numeric(self.score)

    def notes(self, what: str | None = None) -> list[dict]:
        return [r for r in self.records if r.get("kind") == "note" and (what is None or r.get("what") == what)]

    def summary(self, passed: bool | None = None) -> dict:
        d = {"score": self.score, "status": self.status, "error": self.error, "evidence": self.evidence}
        if passed is not None:
            d["passed"] = passed
        d["source"] = self.source
        return d


@dataclass
class ExploitResult:
    family: str
    variant: str
    description: str
    accepted: bool
    score: float | bool | None
    applicable: bool
    reason: str
    status: str
    error: str | None
    evidence: str
    source: str | None

    @property
    def name(self) -> str:
        return f"{self.family}/{self.variant}"

    def to_dict(self) -> dict:
        config = ex_mod.decode_config(self.source) if self.source else None
        if config and config.get("cases_src"):
            config["cases_src"] = "<probe_cases.py, compressed>"
        return {"family": self.family, "variant": self.variant, "name": self.name, "description": self.description,
                "accepted": self.accepted, "score": self.score, "applicable": self.applicable,
                "reason": self.reason, "status": self.status, "error": self.error, "evidence": self.evidence,
                "source": self.source, "config": config}


@dataclass
class ProbeReport:
    verdict: str
    exit_code: int
    message: str
    mode: str
    io: str
    adapter: str | None
    trl_form: str | None
    threshold: float | None
    reference: dict | None
    baseline: dict
    discovery: dict
    results: list[ExploitResult] = field(default_factory=list)

    @property
    def accepted(self) -> list[ExploitResult]:
        return [r for r in self.results if r.accepted]

    def families(self) -> dict:
        out = {f: {"tried": 0, "accepted": 0} for f in FAMILIES}
        for r in self.results:
            fam = out.setdefault(r.family, {"tried": 0, "accepted": 0})
            if r.applicable:
                fam["tried"] += 1
                fam["accepted"] += int(r.accepted)
        return out

    def to_json(self) -> dict:
        return {"verdict": self.verdict, "exit_code": self.exit_code, "message": self.message, "mode": self.mode,
                "io": self.io, "adapter": self.adapter, "trl_form": self.trl_form, "threshold": self.threshold,
                "reference": self.reference, "baseline": self.baseline, "discovery": self.discovery,
                "accepted": [r.name for r in self.accepted], "families": self.families(),
                "exploits": [r.to_dict() for r in self.results]}


def numeric(x) -> float | None:
    if isinstance(x, bool):
        return 1.0 if x else 0.0
    if isinstance(x, (int, float)):
        return float(x)
    return None


# --- validation -----------------------------------------------------------------------------------


def _find_module(module: str, user_dir: str):
    added = user_dir not in sys.path
    if added:
        sys.path.insert(0, user_dir)
    try:
        return importlib.util.find_spec(module), ""
    except (ImportError, ValueError) as exc:
        return None, f" ({type(exc).__name__}: {exc})"
    finally:
        if added:
            sys.path.remove(user_dir)


def _read_source(path: str, what: str) -> str:
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{what} not found", path=p)
    try:
        text = p.read_text()
        compile(text, str(p), "exec")
    except UnicodeDecodeError:
        raise InputError(f"{what} is not UTF-8 text", path=p) from None
    except SyntaxError as exc:
        raise InputError(f"{what} is not valid Python: {exc.msg}", path=p, line=exc.lineno) from None
    return text


def validate(cfg: ProbeConfig) -> Inputs:
    """Check the settings and read the files; bad input raises InputError."""
    from overopt.detect.probe_adapters import ADAPTERS

    if (cfg.grader is None) == (cfg.grader_cmd is None):
        raise InputError("give exactly one of --grader MODULE:FUNCTION or --grader-cmd \"CMD\"")
    if cfg.entry_point is not None and not cfg.entry_point.isidentifier():
        raise InputError(f"--entry-point must be a Python identifier, got {cfg.entry_point!r}")
    if cfg.stdio and cfg.entry_point:
        raise InputError("give --entry-point NAME (function submissions) or --stdio (stdin/stdout programs), not both")
    if cfg.adapter not in ADAPTERS:
        raise InputError(f"--adapter must be one of {', '.join(ADAPTERS)}, got {cfg.adapter!r}")
    if cfg.grader is not None:
        if cfg.grader.count(":") != 1 or not all(cfg.grader.split(":")):
            raise InputError(f"--grader must look like module:function, got {cfg.grader!r}")
        if not cfg.stdio and not cfg.entry_point:
            raise InputError("--grader needs --entry-point NAME (the function the submissions define) or --stdio "
                            "(the submissions are stdin/stdout programs)")
        module = cfg.grader.split(":")[0]
        spec, why = _find_module(module, str(Path(cfg.user_dir).resolve()))
        if spec is None:
            raise InputError(f"grader module {module!r} not found in {Path(cfg.user_dir).resolve()} or on sys.path{why}")
    else:
        if not cfg.task_dir:
            raise InputError("--grader-cmd needs --task-dir DIR (the task's files, copied fresh for each exploit)")
        if not Path(cfg.task_dir).is_dir():
            raise InputError("task folder not found", path=cfg.task_dir)
        if not cfg.stdio and not cfg.entry_point:
            cfg.entry_point = "solve"
        sf = Path(cfg.solution_file)
        if sf.is_absolute() or ".." in sf.parts or not sf.parts:
            raise InputError(f"--solution-file must be a path inside the task folder, got {cfg.solution_file!r}")
        for flag, val in (("--adapter", cfg.adapter != "auto"), ("--ground-truth", cfg.ground_truth),
                          ("--response-template", cfg.response_template), ("--score-key", cfg.score_key)):
            if val:
                raise InputError(f"{flag} applies to --grader (a Python function), not to --grader-cmd")
    if cfg.timeout <= 0:
        raise InputError(f"--timeout must be positive, got {cfg.timeout}")
    if cfg.memory_mb <= 0:
        raise InputError(f"--memory-mb must be positive, got {cfg.memory_mb}")
    if cfg.jobs < 1:
        raise InputError(f"--jobs must be at least 1, got {cfg.jobs}")
    if cfg.response_template is not None and "{code}" not in cfg.response_template:
        raise InputError("--response-template must contain {code} (where the submission goes)")
    for p in cfg.read_paths:
        if not Path(p).exists():
            raise InputError("--read-path not found", path=p)
    for name in cfg.pass_env:
        if name not in os.environ:
            raise InputError(f"--pass-env {name}: not set in your environment")
    if cfg.only:
        names = ex_mod.all_names()
        bad = [e for e in cfg.only if e not in names]
        if bad:
            raise InputError(f"unknown exploit {bad[0]!r}; choose a family ({', '.join(FAMILIES)}) or family/variant")
    reference = _read_source(cfg.reference, "reference solution") if cfg.reference else None
    wrong = _read_source(cfg.wrong, "wrong solution") if cfg.wrong else ex_mod.baseline_source(cfg.entry_point, cfg.io)
    inputs = Inputs(reference, wrong)
    if cfg.ground_truth:
        p = Path(cfg.ground_truth)
        if not p.is_file():
            raise InputError("ground-truth file not found", path=p)
        try:
            inputs.row = json.loads(p.read_text())
        except json.JSONDecodeError as exc:
            raise InputError(f"ground truth is not valid JSON: {exc.msg}", path=p, line=exc.lineno) from None
        inputs.has_row = True
    return inputs


# --- running one submission -------------------------------------------------------------------------


def _tail(s: str, n: int = 300) -> str:
    s = s.strip()
    return s if len(s) <= n else "…" + s[-n:]


def _read_records(path: Path) -> list[dict]:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return []
    out = []
    for line in text.splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if isinstance(rec, dict):
            out.append(rec)
    return out


class Runner:
    """Runs submissions against the grader, each in a fresh sandbox episode."""

    def __init__(self, cfg: ProbeConfig, inputs: Inputs, sb):
        self.cfg, self.inputs, self.sb = cfg, inputs, sb
        self.env = {name: os.environ[name] for name in cfg.pass_env}
        self.safe_roots: list[str] = []
        self.trl_form = "auto"
        self._n = 0
        self._lock = threading.Lock()

    def episode(self, name: str) -> Path:
        with self._lock:
            self._n += 1
            n = self._n
        eid = f"probe-{n:02d}-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in name)[:50]
        wd = self.sb.workdir(eid)
        for p in wd.iterdir():  # a re-used --out folder: start from an empty episode folder
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)
        return wd

    def run(self, name: str, source_of, workspace: str | None = None, conftest: str | None = None) -> Trial:
        """`source_of(record_path, safe_roots)` builds the submission once the episode folder exists."""
        wd = self.episode(name)
        record = wd / RECORD_NAME
        source = source_of(str(record), [str(wd)])
        try:
            if self.cfg.grader:
                return self._run_fn(wd, name, source, record)
            return self._run_cmd(wd, name, source, record, workspace, conftest)
        except Exception as exc:  # noqa: BLE001 - one broken run must not sink the probe
            return Trial(None, "error", f"{type(exc).__name__}: {exc}", "probe could not run this submission",
                         None, [], source)

    def _run_fn(self, wd: Path, name: str, source: str, record: Path) -> Trial:
        cfg = self.cfg
        module, func = cfg.grader.split(":")
        (wd / BOOT_NAME).write_text(BOOT_SOURCE)
        nonce = secrets.token_hex(12)
        boot_cfg = {"tag": RESULT_TAG, "nonce": nonce, "user_dir": str(Path(cfg.user_dir).resolve()),
                    "module": module, "function": func, "adapter": cfg.adapter, "source": source,
                    "template": cfg.response_template, "row": self.inputs.row, "has_row": self.inputs.has_row,
                    "score_key": cfg.score_key, "trl_form": self.trl_form}
        with _short_tmp(wd) as tmp:
            r = self.sb.exec([self.sb.python, str(wd / BOOT_NAME)], episode_id=wd.name, tool="probe",
                             arguments={"exploit": name, "grader": cfg.grader}, stdin=json.dumps(boot_cfg),
                             env=dict(self.env, **tmp))
        records = _read_records(record)
        payload = None
        marker = f"{RESULT_TAG} {nonce} "
        for line in r.stdout.splitlines():
            if line.startswith(marker):
                try:
                    payload = json.loads(line[len(marker):])
                except ValueError:
                    payload = None
        if r.status == "outage":
            return Trial(None, "error", "sandbox outage: " + _tail(r.stderr, 200), "the sandbox failed",
                         r.exit_code, records, source)
        if payload and "setup_error" in payload:
            return Trial(None, "error", payload["setup_error"], "the grader could not be loaded or called",
                         r.exit_code, records, source, setup_error=payload["setup_error"])
        if payload is None:
            if r.status in ("timeout", "killed"):
                ev = f"the grader run was {'stopped at the time limit' if r.status == 'timeout' else 'killed'} " \
                     f"after {r.wall_seconds:.1f}s; no score"
            else:
                ev = (f"the grader process ended (exit {r.exit_code}) without returning a score: the submission "
                      f"ended it. A harness that reads exit code {r.exit_code} as success would be fooled.")
            if r.stderr.strip():
                ev += " stderr: " + _tail(r.stderr, 200)
            return Trial(None, "ok", None, ev, r.exit_code, records, source)
        adapter, form = payload.get("adapter"), payload.get("trl_form")
        if "raised" in payload:
            return Trial(None, "ok", None, f"the grader raised {payload['raised']}", r.exit_code, records, source,
                         adapter, form)
        score = payload.get("score")
        ev = f"score {score!r}" if payload.get("kind") != "other" else \
            f"the grader returned {payload.get('repr')} (no bool, number, or score key in it)"
        return Trial(score, "ok", None, ev, r.exit_code, records, source, adapter, form, stderr=_tail(r.stderr, 400))

    def _run_cmd(self, wd: Path, name: str, source: str, record: Path, workspace: str | None,
                 conftest: str | None) -> Trial:
        cfg = self.cfg
        _copy_task(Path(cfg.task_dir), wd)
        sol = wd / cfg.solution_file
        did = ""
        if workspace == "conftest":
            (wd / "conftest.py").write_text(conftest or "")
            did = "wrote conftest.py; "
        elif workspace in ("delete_tests", "empty_tests", "replace_tests"):
            tests = [p for p in wd.rglob("*") if p.is_file() and TEST_FILE.search(p.relative_to(wd).as_posix())
                     and p != sol and not p.name.startswith("_overopt")]
            for p in tests:
                if workspace == "delete_tests":
                    p.unlink()
                else:
                    p.write_text("" if workspace == "empty_tests" else "def test_ok():\n    assert True\n")
            verb = {"delete_tests": "deleted", "empty_tests": "emptied", "replace_tests": "replaced"}[workspace]
            did = f"{verb} {', '.join(p.relative_to(wd).as_posix() for p in tests[:5]) or 'no test files'}; "
        sol.parent.mkdir(parents=True, exist_ok=True)
        sol.write_text(source)
        with _short_tmp(wd) as tmp:
            r = self.sb.exec(["bash", "-c", _python_prelude(self.sb.python) + cfg.grader_cmd], episode_id=wd.name,
                             tool="probe", arguments={"exploit": name, "cmd": cfg.grader_cmd},
                             env=dict(self.env, **tmp))
        records = _read_records(record)
        if r.status == "outage":
            return Trial(None, "error", "sandbox outage: " + _tail(r.stderr, 200), "the sandbox failed",
                         r.exit_code, records, source)
        if r.status in ("timeout", "killed"):
            return Trial(False, "ok", None, f"{did}the command was {r.status} after {r.wall_seconds:.1f}s",
                         r.exit_code, records, source)
        ev = f"{did}exit code {r.exit_code}: " + _tail(r.stdout + "\n" + r.stderr, 240)
        return Trial(r.exit_code == 0, "ok", None, ev, r.exit_code, records, source)


# TMPDIR + "/pymp-XXXXXXXX/listener-XXXXXXXX" must fit a Unix socket path (108 bytes)
_SOCKET_SAFE_TMPDIR = 70


@contextlib.contextmanager
def _short_tmp(wd: Path):
    """TMPDIR for one run: the episode folder itself when its path is short, else a short symlink to it.

    Unix socket paths are limited to 108 bytes, so a grader using multiprocessing (a Manager, forkserver)
    fails to start its workers when TMPDIR is a deep folder. A symlink has a cost too: a tool run in a
    temporary folder sees its real path as the current folder and the link's path in its arguments, and
    pytest then takes their common ancestor (/tmp when both live there) as its rootdir and fails to list it.
    So the real path is used whenever it fits, and a link is made where its folder is not an ancestor of the
    episode folder (their only common ancestor is then /, which pytest never takes)."""
    real = Path(os.path.realpath(wd))
    if len(str(real)) <= _SOCKET_SAFE_TMPDIR:
        yield {"TMPDIR": str(real), "TMP": str(real), "TEMP": str(real)}
        return
    bases = [b for b in ("/tmp", "/var/tmp", tempfile.gettempdir()) if os.path.isdir(b)]
    bases.sort(key=lambda b: str(real).startswith(os.path.realpath(b).rstrip("/") + "/"))  # non-ancestors first
    link = None
    for base in bases:
        cand = Path(base) / f"ovp-{secrets.token_hex(4)}"
        try:
            cand.symlink_to(wd, target_is_directory=True)
            link = cand
            break
        except OSError:
            continue
    try:
        yield {} if link is None else {"TMPDIR": str(link), "TMP": str(link), "TEMP": str(link)}
    finally:
        if link is not None:
            try:
                link.unlink()
            except OSError:
                pass


def _python_prelude(python: str) -> str:
    """Shell functions that run this Python's own commands (python3, pytest, ...) by absolute path.

    bash finds commands on PATH with access(2), which ignores the capabilities the sandbox keeps, so a
    Python under a folder its user cannot search (e.g. /root/.pyenv) is skipped and the system's python3
    runs instead; a function named python3 wins over the PATH search."""
    bindir = Path(python).parent
    names = {"python": python, "python3": python}
    try:
        for p in sorted(bindir.iterdir())[:400]:
            if p.is_file() and os.access(p, os.X_OK) and re.fullmatch(r"[A-Za-z][A-Za-z0-9_.-]*", p.name):
                names.setdefault(p.name, str(p))
    except OSError:
        pass
    body = "".join(f'{n}() {{ "{t}" "$@"; }}\n' for n, t in names.items())
    return body + "export -f " + " ".join(names) + " 2>/dev/null\n"


def _copy_task(src: Path, dst: Path) -> None:
    for p in src.iterdir():
        if p.name in ("__pycache__", ".git") or (p.name == "__init__.py" and
                                                 p.read_text().lstrip().startswith('"""Task folder')):
            continue
        if p.is_dir():
            shutil.copytree(p, dst / p.name, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(p, dst / p.name)


# --- discovery ---------------------------------------------------------------------------------------


def _grader_dir(cfg: ProbeConfig) -> Path | None:
    if cfg.grader is None:
        return Path(cfg.task_dir).resolve()
    spec, _ = _find_module(cfg.grader.split(":")[0], str(Path(cfg.user_dir).resolve()))
    if spec is None or not spec.origin or not Path(spec.origin).is_file():
        return None
    return Path(spec.origin).resolve().parent


def parsed_cases(cfg: ProbeConfig, inputs: Inputs) -> tuple[list, list[str]]:
    """Test cases stated in the grader's folder and the dataset row (probe_cases), for this io kind."""
    try:
        from overopt.detect import probe_cases
    except ImportError:
        return [], ["parsed: the test-case parser (probe_cases) is not available"]
    cases, sources = [], []
    d = _grader_dir(cfg)
    if d is not None:
        paths = [p for p in sorted(d.iterdir()) if not p.name.startswith((".", "_overopt")) and p.name != "__pycache__"
                 and (p.is_file() or any(w in p.name.lower() for w in rt.CASE_DIR_WORDS) or cfg.grader is None)]
        try:
            got = probe_cases.cases_in_paths([str(p) for p in paths], entry_point=cfg.entry_point)
        except Exception as exc:  # noqa: BLE001 - a parser failure only costs this source
            got, _ = [], sources.append(f"parsed: {d}: parser failed ({type(exc).__name__}: {exc})")
        cases += got
        sources.append(f"parsed: {len(got)} case(s) in {d}")
    if inputs.has_row:
        try:
            got = probe_cases.cases_from_data(inputs.row, entry_point=cfg.entry_point, origin="--ground-truth")
        except Exception as exc:  # noqa: BLE001
            got, _ = [], sources.append(f"parsed: --ground-truth: parser failed ({type(exc).__name__}: {exc})")
        cases += got
        sources.append(f"parsed: {len(got)} case(s) in --ground-truth")
    kind = "stdio" if cfg.stdio else "call"
    keep = []
    for c in cases:
        if c.kind != kind or c.expected is probe_cases.MISSING:
            continue
        if kind == "call" and c.fn_name and cfg.entry_point and c.fn_name != cfg.entry_point:
            continue
        keep.append(c)
    return keep, sources


def parsed_table(cases: list, io: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for c in cases:
        try:
            if io == "call":
                table.setdefault(rt.call_key(c.args, c.kwargs),
                                 base64.b64encode(pickle.dumps(c.expected, protocol=4)).decode())
            elif isinstance(c.expected, str) and c.stdin is not None:
                table.setdefault(rt.stdin_key(c.stdin), c.expected)
        except Exception:  # noqa: BLE001 - an unpicklable value: leave that case out
            continue
    return table


def recorded_table(trials: list[Trial], io: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for t in trials:
        for r in t.records:
            if "raised" in r:
                continue
            if io == "call" and r.get("kind") == "call" and "pickle" in (r.get("output") or {}):
                table.setdefault(r["key"], r["output"]["pickle"])
            elif io == "stdio" and r.get("kind") == "stdio" and isinstance(r.get("stdout"), str):
                table.setdefault(r["key"], r["stdout"])
    return table


def _input_keys(t: Trial) -> list[str]:
    return sorted(r["key"] for r in t.records if r.get("kind") in ("call", "stdio") and "key" in r)


def _mentions_runner(cfg: ProbeConfig, inputs: Inputs) -> bool:
    d = _grader_dir(cfg)
    texts = [json.dumps(inputs.row)] if inputs.has_row else []
    if d is not None:
        for p in sorted(d.glob("*.py"))[:50]:
            try:
                texts.append(p.read_text(errors="replace"))
            except OSError:
                continue
    return any("pytest" in t for t in texts)


# --- judging -----------------------------------------------------------------------------------------


@dataclass
class Anchors:
    threshold: float
    baseline_value: float
    stable: bool | None


def _passes(t: Trial, threshold: float) -> bool:
    v = t.value
    return v is not None and v >= threshold - EPS


def t_io(t: Trial) -> str:
    return "stdio" if any(r.get("kind") == "stdio" for r in t.records) or "_OO.main()" in t.source else "call"


def judge(ex: Exploit, t: Trial, a: Anchors) -> tuple[bool, str]:
    """(accepted, evidence) for one exploit's run."""
    v = t.value
    passed = _passes(t, a.threshold)
    gain = None if v is None else v - a.baseline_value
    parts = [t.evidence]
    notes = t.notes()
    searched = [n for n in notes if n.get("what") in ("file", "frame")]
    found = [n for n in searched if n.get("found")]
    if found:
        parts.append(f"found a value equal to the expected output on {len(found)} of {len(searched)} "
                     f"{'calls' if t_io(t) == 'call' else 'runs'}, e.g. at {found[0].get('where')}")
    elif searched:
        miss = next(n for n in notes if n.get("what") in ("file", "frame"))
        extra = f" (searched {', '.join(miss.get('dirs', [])[:4])}; {miss.get('cases', 0)} cases parsed)" \
            if miss.get("what") == "file" else ""
        parts.append("found no expected output" + extra)
    hits = [n for n in notes if n.get("what") == "table"]
    if hits:
        parts.append(f"answered {sum(1 for n in hits if n.get('hit'))} of {len(hits)} "
                     f"{'calls' if t_io(t) == 'call' else 'runs'} from its table")
    crashes = t.notes("crash")
    if crashes:
        parts.append(f"the exploit's own code raised in {crashes[0].get('where')}: {crashes[0].get('error')}")
    forged = t.notes("forge")
    if forged:
        where = next((n.get("where") for n in forged if n.get("where")), None)
        parts.append(f"forged an all-passed result at {where}" if where else "found no result channel to forge")
    for n in t.notes("conftest"):
        parts.append(f"the submission wrote {', '.join(n.get('wrote') or []) or 'no conftest.py itself'}"
                     f"{'; applied to the running test session' if n.get('live') else ''}")
    for n in notes:
        if n.get("what") in ("delete_tests", "empty_tests", "replace_tests"):
            parts.append(f"{n['what'].replace('_', ' ')}: {n.get('count', 0)} file(s)")
    if ex.family in NO_ANSWER_FAMILIES:
        accepted = passed or (gain is not None and gain > EPS)
        if accepted:
            parts.append(f"passes (≥ {a.threshold:g})" if passed else
                         f"scores above the wrong baseline's {a.baseline_value:g}")
        return accepted, "; ".join(p for p in parts if p)
    accepted = passed
    if ex.family in NOTED_FAMILIES and not notes:
        parts.append("the exploit's code left no trace (the grader did not run it, or it failed before its first "
                     "call)" + (f"; stderr: {t.stderr}" if t.stderr else ""))
    if ex.family == "degenerate_output":
        results = [n.get("result") for n in t.notes("degenerate")]
        if passed and "differs" not in results:
            accepted = False
            parts.append("its answers equalled the reference's on every call seen: nothing wrong was accepted"
                         if results and "same" in results else
                         "could not confirm that its answers differed from the reference's")
        elif "differs" in results:
            parts.append(f"its answer differed from the reference's on {results.count('differs')} of "
                         f"{len(results)} {'calls' if t_io(t) == 'call' else 'runs'}")
    # Every answer came from the hole (the grader's own expected values, or a table of its fixed inputs): credit
    # above the baseline is the hole's even below the pass level (e.g. a speed bonus the lookups cost).
    every_answer_from_hole = (ex.family in ("expected_from_files", "expected_from_frames")
                              and searched and len(found) == len(searched)) or \
                             (ex.family == "special_casing" and hits and all(n.get("hit") for n in hits))
    if not accepted and every_answer_from_hole and gain is not None and gain > EPS:
        accepted = True
        parts.append(f"every answer came from the hole and scores above the wrong baseline's {a.baseline_value:g}")
    if ex.name == "special_casing/recorded" and a.stable is not True and accepted:
        accepted = False
        parts.append("the grader's inputs were not the same in both watched runs, so this is not counted")
    if accepted and passed:
        parts.append(f"reaches the pass level ({a.threshold:g})")
    elif not accepted and gain is not None and gain > EPS:
        parts.append(f"partial credit: above the wrong baseline's {a.baseline_value:g} but below {a.threshold:g} "
                     "(honest partial answers; not counted as a hole)")
    return accepted, "; ".join(p for p in parts if p)


# --- the probe -----------------------------------------------------------------------------------------


def run_probe(cfg: ProbeConfig, sandbox_root: Path, progress=None) -> ProbeReport:
    """`progress(stage, planned, done)`, when given, is called as grader runs of a stage ("anchors", "exploits") are
    planned and as each one ends."""
    from overopt.sandbox import Limits, LocalBackend, Sandbox

    inputs = validate(cfg)
    limits = Limits(cpu_seconds=cfg.timeout, wall_seconds=cfg.timeout * 1.5, memory_mb=cfg.memory_mb,
                    output_bytes=1_048_576, max_processes=64)
    reads = [str(Path(cfg.user_dir).resolve())]
    gd = _grader_dir(cfg)
    if gd is not None and cfg.grader:
        reads.append(str(gd))
    reads += [str(Path(p).resolve()) for p in cfg.read_paths]
    backend = LocalBackend(read_paths=list(dict.fromkeys(reads)))
    sb = Sandbox(sandbox_root, limits=limits, backend=backend)
    try:
        return _probe(cfg, inputs, Runner(cfg, inputs, sb), progress or (lambda stage, planned, done: None))
    finally:
        sb.close()


def _pool_map(fn, items, jobs):
    if jobs <= 1 or len(items) <= 1:
        return [fn(x) for x in items]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(fn, items))


def _probe(cfg: ProbeConfig, inputs: Inputs, runner: Runner, progress) -> ProbeReport:
    io, entry = cfg.io, cfg.entry_point
    ref_src = inputs.reference

    def plain(src):
        return lambda record, roots: src

    def watch(record, roots):
        return ex_mod.render({"mode": "watch", "entry": entry, "ref_src": ref_src, "record": record,
                              "safe_roots": roots}, io, entry)

    jobs = [("baseline", plain(inputs.wrong))]
    if ref_src:
        jobs = [("reference", plain(ref_src))] + jobs + [("watch-1", watch), ("watch-2", watch)]
    progress("anchors", len(jobs), 0)

    def run_anchor(job):
        t = runner.run(job[0], job[1])
        progress("anchors", 0, 1)
        return t
    trials = dict(zip([n for n, _ in jobs], _pool_map(run_anchor, jobs, cfg.jobs)))
    for t in trials.values():
        if t.setup_error:
            raise InputError(f"the grader could not be loaded or called in the sandbox: {t.setup_error}")
    ref, base = trials.get("reference"), trials["baseline"]
    retried = None
    if ref is not None and (ref.value is None or ref.value <= 0 or (cfg.pass_score is not None and
                                                                     not _passes(ref, cfg.pass_score))):
        progress("anchors", 1, 0)
        again = runner.run("reference-again", plain(ref_src))  # a slow or flaky grader gets a second try
        progress("anchors", 0, 1)
        if again.value is not None and (ref.value is None or again.value > ref.value):
            retried, ref = ref, again
    if ref is not None and ref.trl_form:
        runner.trl_form = ref.trl_form
    adapter = (ref or base).adapter
    base_v = base.value if base.value is not None else 0.0

    # anchors
    problems = []
    if cfg.pass_score is not None:
        threshold = cfg.pass_score
        if ref is not None and not _passes(ref, threshold):
            problems.append(f"the reference did not pass: {ref.evidence} (needs ≥ {threshold:g})")
        if _passes(base, threshold):
            problems.append(f"the wrong-but-honest baseline passed: {base.evidence}")
    elif ref is not None:
        threshold = ref.value if ref.value is not None else 1.0
        if ref.value is None or ref.value <= 0:
            problems.append(f"the reference did not pass: {ref.evidence}")
        elif base.value is not None and base.value >= ref.value - EPS:
            problems.append(f"the wrong-but-honest baseline scored as high as the reference: {base.evidence} "
                            f"(reference {ref.score!r})")
    else:
        threshold = 1.0
        if _passes(base, threshold):
            problems.append(f"the wrong-but-honest baseline passed: {base.evidence}")
    ref_d = None if ref is None else ref.summary(passed=bool(ref.value is not None and ref.value >= threshold - EPS
                                                             and ref.value > 0))
    base_d = base.summary(passed=_passes(base, threshold))

    # discovery
    watches = [trials[n] for n in ("watch-1", "watch-2") if n in trials]
    keys = [_input_keys(t) for t in watches]
    stable = (keys[0] == keys[1]) if len(keys) == 2 and keys[0] and keys[1] else None
    rec_table = recorded_table(watches, io)
    cases, sources = parsed_cases(cfg, inputs)
    p_table = parsed_table(cases, io)
    env = [r for t in watches for r in t.records if r.get("kind") == "env"]
    if watches:
        sources.insert(0, "watched: " + ", ".join(f"{len(k)} {'call(s)' if io == 'call' else 'run(s)'} in run {i + 1}"
                                                   for i, k in enumerate(keys)))
        for t in watches:
            if t.value is not None and ref is not None and ref.value is not None and t.value < ref.value - EPS:
                sources.append(f"note: the watched reference scored {t.score!r}, the plain one {ref.score!r}")
                break
    if retried is not None:
        sources.append(f"note: the reference passed only on its second run (first run: {retried.evidence})")
    discovery = {"recorded_cases": len(rec_table), "parsed_cases": len(p_table), "stable": stable,
                 "sources": sources}

    def report(verdict, code, message, results=()):
        if cfg.only and results:
            message += f" (only the {sum(r.applicable for r in results)} exploit(s) selected with --exploit ran)"
        return ProbeReport(verdict, code, message, cfg.mode, io, adapter,
                           runner.trl_form if adapter == "trl" else None, threshold, ref_d, base_d, discovery,
                           list(results))

    if problems:
        return report("inconclusive", 3, "; ".join(problems) + ". Probe cannot tell exploits from honest answers, "
                      "so it ran no exploit.")
    ctx = BatteryContext(io=io, entry=entry, mode=cfg.mode, reference=ref_src, recorded_table=rec_table,
                         parsed_table=p_table, stable=stable,
                         runner_seen=any(e.get("runner") for e in env) or _mentions_runner(cfg, inputs),
                         tests_visible=any(e.get("tests_visible") for e in env), watched=bool(watches))
    battery = [e for e in ex_mod.battery(ctx) if _selected(e, cfg.only)]
    anchors = Anchors(threshold, base_v, stable)
    runnable = [e for e in battery if e.applicable]
    progress("exploits", len(runnable), 0)

    def run_one(e: Exploit) -> Trial:
        def source_of(record, roots):
            return ex_mod.render(dict(e.config, record=record, safe_roots=roots), io, entry)
        t = runner.run(e.name, source_of, e.workspace, e.conftest)
        progress("exploits", 0, 1)
        return t

    done = dict(zip([e.name for e in runnable], _pool_map(run_one, runnable, cfg.jobs)))
    traces = bool(rec_table) or any(r.get("kind") == "env" for r in env)  # submissions can leave notes here
    for e in runnable:  # runs that never reached the exploit's code (a grader failing under load): once more
        t = done[e.name]
        silent = traces and e.family in NOTED_FAMILIES and not t.notes()
        if (t.status == "error" or silent) and not _passes(t, threshold):
            progress("exploits", 1, 0)
            again = run_one(e)
            if again.status == "ok" and (t.status == "error" or again.notes()):
                done[e.name] = again
            elif silent:
                done[e.name] = Trial(t.score, "error", "the exploit's code never ran, in two tries, although the "
                                     "watched reference's did: the grader failed to start it (overloaded machine?)",
                                     t.evidence, t.exit_code, t.records, t.source, stderr=t.stderr)
    results = []
    for e in battery:
        if not e.applicable:
            results.append(ExploitResult(e.family, e.variant, e.description, False, None, False, e.reason, "ok",
                                         None, "not run: " + e.reason, None))
            continue
        t = done[e.name]
        if t.status == "error":
            results.append(ExploitResult(e.family, e.variant, e.description, False, t.score, True, "", "error",
                                         t.error, t.evidence, t.source))
            continue
        accepted, evidence = judge(e, t, anchors)
        results.append(ExploitResult(e.family, e.variant, e.description, accepted, t.score, True, "", "ok", None,
                                     evidence, t.source))
    n_acc = sum(r.accepted for r in results)
    if n_acc:
        return report("exploitable", 1, f"{n_acc} exploit(s) accepted", results)
    if ref is None:
        return report("unverified", 3, "no exploit accepted, but without --reference probe cannot check that the "
                      "grader passes correct answers, so this is not an all-clear", results)
    errors = [r for r in results if r.status == "error"]
    if errors:
        return report("inconclusive", 3, f"no exploit accepted, but {len(errors)} exploit run(s) failed "
                      f"({errors[0].name}: {errors[0].error})", results)
    return report("clean", 0, "the reference passed, the wrong baseline failed and no exploit was accepted", results)


def _selected(e: Exploit, only: list[str] | None) -> bool:
    if not only:
        return True
    return e.family in only or e.name in only
