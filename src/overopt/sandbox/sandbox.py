"""`Sandbox`: run untrusted tool calls under limits, and record every call in the action ledger."""

from __future__ import annotations

import hashlib
import os
import random
import re
import sys
import tempfile
import threading
import time
import uuid
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from overopt.errors import ConfigError
from overopt.sandbox.backends import Backend, LocalBackend, RunOutcome, RunRequest
from overopt.sandbox.ledger import LEDGER_VERSION, ActionLedger, arguments_record, iso_utc, sha256_text
from overopt.sandbox.limits import Limits, SandboxWarning
from overopt.sandbox.tools import ToolError, calculate, validate

STATUSES = ("ok", "error", "timeout", "killed", "outage")
_SAFE_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")


@dataclass
class ExecResult:
    """The outcome of one call, as shown to the caller (and, for tools, to the policy)."""

    status: str          # "ok" | "error" | "timeout" | "killed" | "outage"
    exit_code: int | None
    stdout: str
    stderr: str
    truncated: bool
    wall_seconds: float
    call_id: str


class Sandbox:
    """Runs commands and tool calls for episodes, each in its own working directory.

    Every `exec`/`call_tool` appends exactly one line to the ledger and returns an `ExecResult`;
    nothing the child does (or a malformed call) raises. Limits or protections the backend cannot
    enforce on this host are announced at start-up as a `SandboxWarning` and listed in every
    ledger line under `not_enforced`.
    """

    def __init__(self, root: str | Path | None = None, *, limits: Limits = Limits(),
                 ledger_path: str | Path | None = None, backend: Backend | None = None,
                 outage_rate: float = 0.0, seed: int = 0):
        if not 0.0 <= float(outage_rate) <= 1.0:
            raise ConfigError(f"outage_rate must be between 0 and 1, got {outage_rate}")
        if root is None:
            root = tempfile.mkdtemp(prefix="overopt-sandbox-")
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        if self.root.stat().st_uid == os.geteuid():
            os.chmod(self.root, self.root.stat().st_mode | 0o111)
        self.limits = limits
        self.outage_rate = float(outage_rate)
        self.seed = seed
        self.backend = backend if backend is not None else LocalBackend()
        self.ledger = ActionLedger(ledger_path if ledger_path is not None else self.root / "ledger.jsonl")
        self._lock = threading.Lock()
        self._calls_per_episode: dict[str, int] = {}
        self.enforcement = self.backend.enforcement()
        self.not_enforced = sorted(k for k, v in self.enforcement.items() if v is None)
        for name in self.not_enforced:
            warnings.warn(f"overopt sandbox ({self.backend.name} backend): '{name}' is NOT enforced on "
                          f"this host", SandboxWarning, stacklevel=2)
        if self.not_enforced:
            print(f"WARNING: overopt sandbox cannot enforce {', '.join(self.not_enforced)} on this host "
                  f"(backend {self.backend.name}); see docs/sandbox.md", file=sys.stderr)
        self.python = getattr(self.backend, "python", sys.executable)

    # --- working directories ----------------------------------------------------------------------
    def workdir(self, episode_id: str) -> Path:
        """The episode's working directory (created on first use). Unusual ids map to a hash."""
        eid = str(episode_id)
        name = eid if _SAFE_ID.fullmatch(eid) and eid not in (".", "..") else \
            "ep-" + hashlib.sha256(eid.encode("utf-8", "surrogatepass")).hexdigest()[:24]
        path = self.root / name
        if not path.is_dir():
            self.backend.prepare_workdir(path, eid)
        return path

    def base_env(self, workdir: Path) -> dict[str, str]:
        """The child's whole environment before the caller's additions: nothing of the parent's."""
        bindir = os.path.dirname(self.python)
        return {"PATH": f"{bindir}:/usr/local/bin:/usr/bin:/bin", "HOME": str(workdir), "TMPDIR": str(workdir),
                "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1",
                "PYTHONUNBUFFERED": "1", "PYTHONHASHSEED": "0", "OMP_NUM_THREADS": "1",
                "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

    # --- calls ------------------------------------------------------------------------------------
    def exec(self, argv: list[str], *, episode_id: str, tool: str = "exec", arguments: dict | None = None,
             stdin: str | None = None, limits: Limits | None = None,
             env: dict[str, str] | None = None) -> ExecResult:
        """Run `argv` in the episode's workdir under `limits`; log one ledger line; never raise for
        anything the child does (a malformed argv is an "error" result too)."""
        call_id, start = uuid.uuid4().hex, time.time()
        lim = limits or self.limits
        args = arguments if arguments is not None else {"argv": argv}
        extra: dict[str, Any] = {}
        if stdin is not None:
            extra["stdin_sha256"] = sha256_text(str(stdin))
        problem = _argv_problem(argv, env)
        if problem:
            return self._finish(call_id, episode_id, tool, args, start, RunOutcome(
                error=problem, error_kind="exec"), lim, extra)
        try:
            wd = self.workdir(episode_id)
            env_all = {**self.base_env(wd), **(env or {})}
            req = RunRequest(list(argv), wd, env_all, lim, str(episode_id),
                             None if stdin is None else str(stdin).encode("utf-8", "replace"))
            out = self.backend.run(req)
        except Exception as exc:  # noqa: BLE001 - a sandbox failure never reaches the trainer
            out = RunOutcome(error=f"sandbox failure: {type(exc).__name__}: {exc}", error_kind="infrastructure")
        return self._finish(call_id, episode_id, tool, args, start, out, lim, extra)

    def call_tool(self, episode_id: str, tool: str, arguments: dict) -> ExecResult:
        """Run a tool call from (untrusted) policy output. Unknown tools and malformed arguments give
        an "error" result whose stderr says why; injected outages give "outage"."""
        call_id, start = uuid.uuid4().hex, time.time()
        with self._lock:
            n = self._calls_per_episode.get(str(episode_id), 0)
            self._calls_per_episode[str(episode_id)] = n + 1
        outage = self._outage(str(episode_id), n)
        if outage is not None:
            message = {"unavailable": "tool service unavailable (503); try again later",
                       "timeout": "tool call timed out: no response from the tool service"}[outage]
            return self._finish(call_id, episode_id, str(tool), arguments, start, RunOutcome(
                error=message, error_kind="outage"), self.limits, {"injected": True, "outage_kind": outage})
        try:
            validate(tool, arguments)
        except ToolError as exc:
            return self._finish(call_id, episode_id, str(tool), arguments, start,
                                RunOutcome(error=str(exc), error_kind="exec"), self.limits)
        if tool == "calculator":
            t0 = time.monotonic()
            try:
                out = RunOutcome(exit_code=0, stdout=(calculate(arguments["expression"]) + "\n").encode())
            except ToolError as exc:
                out = RunOutcome(exit_code=1, stderr=f"calculator error: {exc}\n".encode())
            except Exception as exc:  # noqa: BLE001
                out = RunOutcome(exit_code=1, stderr=f"calculator error: {type(exc).__name__}\n".encode())
            out.wall_seconds = round(time.monotonic() - t0, 6)
            out.applied = ["in_process_ast_evaluator"]
            return self._finish(call_id, episode_id, tool, arguments, start, out, self.limits,
                                {"backend": "calculator"})
        # -S skips site's .pth processing (about half the start-up time); site-packages stay importable
        # through PYTHONPATH. The environment is entirely ours, so honouring PYTHON* variables is safe.
        return self.exec([self.python, "-S", "-s", "-c", arguments["code"]], episode_id=episode_id,
                         tool=tool, arguments=arguments, env={"PYTHONPATH": os.pathsep.join(_site_dirs())})

    def _outage(self, episode_id: str, n: int) -> str | None:
        """Deterministic per (seed, episode, call number), so thread scheduling cannot change it."""
        if self.outage_rate <= 0:
            return None
        digest = hashlib.sha256(f"{self.seed}\0{episode_id}\0{n}".encode("utf-8", "surrogatepass")).digest()
        rng = random.Random(int.from_bytes(digest[:8], "big"))
        if rng.random() >= self.outage_rate:
            return None
        return rng.choice(("unavailable", "timeout"))

    # --- ledger -----------------------------------------------------------------------------------
    def _finish(self, call_id: str, episode_id: Any, tool: str, arguments: Any, start: float,
                out: RunOutcome, lim: Limits, extra: dict | None = None) -> ExecResult:
        status = _status(out)
        stdout = out.stdout.decode("utf-8", "replace")
        stderr = out.stderr.decode("utf-8", "replace")
        if out.error:
            stderr = (stderr + ("\n" if stderr and not stderr.endswith("\n") else "") + f"error: {out.error}\n")
        end = time.time()
        wall = out.wall_seconds or round(end - start, 4)
        entry: dict[str, Any] = {
            "v": LEDGER_VERSION, "call_id": call_id, "episode_id": str(episode_id), "tool": str(tool),
            **arguments_record(arguments), "status": status, "exit_code": out.exit_code,
            "limit_hit": out.limit_hit, "error": out.error,
            "result_sha256": sha256_text(stdout), "stdout_bytes": len(out.stdout),
            "stderr_sha256": sha256_text(stderr), "truncated": out.truncated,
            "start": iso_utc(start), "end": iso_utc(end), "wall_seconds": wall,
            "cpu_seconds": out.cpu_seconds, "max_rss_kb": out.max_rss_kb,
            "backend": self.backend.name, "applied": out.applied, "uid": out.uid,
            "limits": asdict(lim), "not_enforced": self.not_enforced, "injected": False, "pid": os.getpid(),
        }
        entry.update(extra or {})
        try:
            self.ledger.append(entry)
        except Exception as exc:  # noqa: BLE001 - a full disk must not crash the trainer
            warnings.warn(f"overopt sandbox: could not write the ledger: {exc}", SandboxWarning, stacklevel=3)
        return ExecResult(status=status, exit_code=out.exit_code, stdout=stdout, stderr=stderr,
                          truncated=out.truncated, wall_seconds=wall, call_id=call_id)

    def close(self) -> None:
        """Close the ledger and the backend. Later calls still work (the ledger reopens)."""
        self.ledger.close()
        self.backend.close()

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _site_dirs() -> list[str]:
    import site

    dirs = site.getsitepackages() if hasattr(site, "getsitepackages") else []
    return [d for d in dirs if os.path.isdir(d)]


def _status(out: RunOutcome) -> str:
    if out.error_kind in ("outage", "infrastructure"):
        return "outage"
    if out.error_kind == "exec":
        return "error"
    if out.timed_out or out.limit_hit == "cpu_seconds":
        return "timeout"
    if out.limit_hit == "output_bytes" or (out.exit_code is not None and out.exit_code < 0):
        return "killed"
    if out.exit_code == 0:
        return "ok"
    return "error"


def _argv_problem(argv: Any, env: Any) -> str | None:
    if not isinstance(argv, (list, tuple)) or not argv or not all(isinstance(a, str) for a in argv):
        return "argv must be a non-empty list of strings"
    if any("\0" in a for a in argv):
        return "argv must not contain NUL characters"
    if env is not None and (not isinstance(env, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and "=" not in k and "\0" not in k + v
            for k, v in env.items())):
        return "env must map names to strings"
    return None
