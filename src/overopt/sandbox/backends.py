"""Sandbox backends: the interface, and `LocalBackend`, which confines a child process on plain Linux.

A backend runs one command in a working directory under `Limits` and reports what happened; it
never raises for anything the command does. Another isolation technology (bubblewrap, nsjail, a
container) is added by subclassing `Backend`.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import threading
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from overopt.sandbox import _child
from overopt.sandbox.limits import Limits

CHILD_SCRIPT = str(Path(_child.__file__).resolve())


@dataclass
class RunRequest:
    """One command to run: `env` is the complete environment (nothing is inherited)."""

    argv: list[str]
    workdir: Path
    env: dict[str, str]
    limits: Limits
    episode_id: str
    stdin: bytes | None = None


@dataclass
class RunOutcome:
    """What a backend observed. `error_kind`: None, "exec" (the command could not be started: the
    caller's fault), or "infrastructure" (the sandbox itself failed: not the command's fault)."""

    exit_code: int | None = None       # negative: killed by that signal
    stdout: bytes = b""
    stderr: bytes = b""
    truncated: bool = False
    timed_out: bool = False
    limit_hit: str | None = None       # the Limits field that ended the call, when known for sure
    cpu_seconds: float | None = None
    max_rss_kb: int | None = None
    wall_seconds: float = 0.0
    error: str | None = None
    error_kind: str | None = None
    applied: list[str] = field(default_factory=list)  # mechanisms actually applied to this call
    uid: int | None = None


class Backend(ABC):
    """Runs commands in isolation. Subclasses set `name` and implement `enforcement` and `run`."""

    name = "backend"

    @abstractmethod
    def enforcement(self) -> dict[str, str | None]:
        """For each limit (`Limits` field) and protection (`limits.PROTECTIONS`): how this backend
        enforces it on this host, or None if it cannot. Called once at `Sandbox` start-up."""

    def prepare_workdir(self, path: Path, episode_id: str) -> None:
        """Create the episode's working directory (and make it usable by the confined process)."""
        path.mkdir(mode=0o700, parents=True, exist_ok=True)

    @abstractmethod
    def run(self, request: RunRequest) -> RunOutcome:
        """Run `request.argv` in `request.workdir` under `request.limits`. Must not raise for anything
        the command does; backend failures are reported as error_kind="infrastructure"."""

    def close(self) -> None:
        """Release resources (nothing by default)."""


DEFAULT_READ_PATHS = (
    "/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/proc",
    "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime", "/etc/passwd",
    "/etc/group", "/etc/nsswitch.conf", "/etc/hosts", "/etc/ssl", "/etc/alternatives", "/etc/mime.types",
)
DEV_PATHS = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")
SHM_MAX_MB = 64  # the private /dev/shm holds at most min(memory_mb, this) MiB
UID_BASE, UID_SPAN = 1_000_000, 1_000_000

_probe_cache: dict[tuple, dict] = {}
_probe_lock = threading.Lock()


class LocalBackend(Backend):
    """Confines a child process with what this Linux host offers, each part probed at start-up:

    - rlimits: CPU time, address space, file size, open files, and (when the child runs under its own
      uid or user namespace) number of processes;
    - new pid, network and IPC namespaces (as root directly, else inside a user namespace): no network
      interfaces, and everything the call started dies with it;
    - a new mount namespace (same way) with a private tmpfs on /dev/shm, so POSIX semaphores and shared
      memory (`multiprocessing.Value/Array/Lock`) work without touching the host's /dev/shm;
    - Landlock: writes only under the workdir (and the private /dev/shm), reads only under `read_paths` (system and Python
      directories by default), no TCP bind/connect (ABI >= 4), no signals or abstract unix sockets
      out of the sandbox (ABI >= 6);
    - as root: a per-episode unprivileged uid with no capabilities (except CAP_DAC_READ_SEARCH when
      Landlock is on, so a Python installed under /root stays usable; Landlock confines the reads).

    Wall clock and output size are enforced by the parent (timer; pipes read with a byte cap), which
    SIGKILLs the child's process group.
    """

    name = "local"

    def __init__(self, *, read_paths: Sequence[str | Path] = (), python: str | None = None,
                 namespaces: bool = True, landlock: bool = True, drop_uid: bool = True):
        self.python = python or sys.executable
        self.extra_read_paths = [str(Path(p).resolve()) for p in read_paths]
        self.use_namespaces = namespaces
        self.use_landlock = landlock
        self.use_drop_uid = drop_uid
        self._config: dict | None = None

    # --- start-up probe -------------------------------------------------------------------------
    def read_paths(self) -> list[str]:
        paths = list(DEFAULT_READ_PATHS)
        for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(self.python)),
                  os.path.dirname(self.python), *sys.path):
            if p and os.path.isabs(p) and os.path.exists(p):
                paths.append(os.path.realpath(p) if os.path.isdir(p) else p)
        paths += self.extra_read_paths
        return list(dict.fromkeys(paths))

    def config(self) -> dict:
        """The mechanisms to use, found by trying them (cached per process and settings)."""
        if self._config is None:
            key = (os.geteuid(), self.python, self.use_namespaces, self.use_landlock, self.use_drop_uid,
                   tuple(self.extra_read_paths))
            with _probe_lock:
                if key not in _probe_cache:
                    _probe_cache[key] = self._probe()
            self._config = _probe_cache[key]
        return self._config

    def _probe(self) -> dict:
        root = os.geteuid() == 0
        abi = _child.landlock_abi() if self.use_landlock else 0
        candidates = []
        for ns in ([("root" if root else "user")] if self.use_namespaces else []) + [None]:
            for drop in ([True, False] if (root and self.use_drop_uid) else [False]):
                for ll in ([abi, 0] if abi else [0]):
                    candidates.append({"namespaces": ns, "drop_uid": drop, "landlock_abi": ll})
        notes: list[str] = []
        with tempfile.TemporaryDirectory(prefix="overopt-sandbox-probe-") as tmp:
            os.chmod(tmp, 0o711)
            for cand in candidates:
                self._config = dict(cand, probing=True)
                wd = Path(tmp) / f"w{len(notes)}"
                self.prepare_workdir(wd, "probe")
                out = self.run(RunRequest([self.python, "-I", "-S", "-c", "pass"], wd,
                                          {"PATH": "/usr/bin:/bin"}, Limits(wall_seconds=20), "probe"))
                if out.exit_code == 0 and out.error is None:
                    return dict(cand, applied=out.applied, notes=notes)
                notes.append(f"{cand}: {out.error or out.stderr.decode(errors='replace')[-300:]}")
        return {"namespaces": None, "drop_uid": False, "landlock_abi": 0, "applied": [], "notes": notes,
                "broken": True}

    def enforcement(self) -> dict[str, str | None]:
        cfg = self.config()
        applied = set(cfg.get("applied", []))
        uid = "uid_drop" in applied
        own_nproc = uid or "user_ns" in applied
        pid_ns, net_ns = "pid_ns" in applied, "net_ns" in applied

        def join(*parts: str | None) -> str | None:
            got = [p for p in parts if p]
            return "; ".join(got) if got else None

        return {
            "cpu_seconds": "RLIMIT_CPU (per process, whole seconds, rounded up)",
            "memory_mb": "RLIMIT_AS (virtual address space, per process)",
            "wall_seconds": join("parent timer, then SIGKILL to the process group",
                                 "pid namespace torn down" if pid_ns else None),
            "output_bytes": "parent reads stdout/stderr with a byte cap, then SIGKILLs",
            "max_processes": ("RLIMIT_NPROC on the sandbox's own uid" if uid else
                              "RLIMIT_NPROC counted in the sandbox's user namespace") if own_nproc else None,
            "file_size_mb": "RLIMIT_FSIZE (per file)",
            "network": join("empty network namespace" if net_ns else None,
                            "Landlock denies TCP bind/connect" if "landlock_tcp" in applied else None),
            "filesystem_writes": join("Landlock: writes only under the workdir" if "landlock_fs" in applied
                                      else None),
            "filesystem_reads": "Landlock: reads only under system/Python dirs and read_paths"
            if "landlock_fs" in applied else None,
            "signals": join("pid namespace (parent pids not addressable)" if pid_ns else None,
                            "Landlock signal scope" if "landlock_scope" in applied else None,
                            "unprivileged uid" if uid else None),
            "process_cleanup": "pid namespace: everything dies with the call" if pid_ns else None,
            "environment": "scrubbed: only the sandbox's own variables and those passed to exec",
            "private_shm": f"own tmpfs on /dev/shm (at most {SHM_MAX_MB} MiB) in a private mount namespace"
            if "private_shm" in applied else None,
        }

    # --- running --------------------------------------------------------------------------------
    def uid_for(self, path: Path) -> int:
        digest = hashlib.sha256(str(path.resolve()).encode()).digest()
        return UID_BASE + int.from_bytes(digest[:8], "big") % UID_SPAN

    def prepare_workdir(self, path: Path, episode_id: str) -> None:
        super().prepare_workdir(path, episode_id)
        cfg = self._config or {}
        if cfg.get("drop_uid"):
            uid = self.uid_for(path)
            os.chown(path, uid, uid)

    def run(self, request: RunRequest) -> RunOutcome:
        t0 = time.monotonic()
        try:
            out = self._run(request, t0)
        except Exception as exc:  # noqa: BLE001 - a backend failure must never reach the caller
            out = RunOutcome(error=f"sandbox failure: {type(exc).__name__}: {exc}",
                             error_kind="infrastructure")
        out.wall_seconds = round(time.monotonic() - t0, 4)
        return out

    def _run(self, req: RunRequest, t0: float) -> RunOutcome:
        cfg = self.config() if self._config is None else self._config
        if cfg.get("broken"):
            return RunOutcome(error="sandbox unusable on this host: " + " | ".join(cfg["notes"]),
                              error_kind="infrastructure")
        lim = req.limits
        uid = self.uid_for(req.workdir) if cfg["drop_uid"] else None
        rlimits = lim.rlimits()
        if uid is None and not cfg["namespaces"] == "user":
            rlimits.pop("RLIMIT_NPROC")  # would count all of this user's processes, not the sandbox's
        status_r, status_w = os.pipe()
        child_cfg = {
            "status_fd": status_w, "argv": req.argv, "env": req.env, "workdir": str(req.workdir),
            "rlimits": rlimits, "namespaces": cfg["namespaces"], "uid": uid,
            "keep_read_search": bool(uid is not None and cfg["landlock_abi"]),
            "landlock_abi": cfg["landlock_abi"], "read_paths": self.read_paths(), "dev_paths": list(DEV_PATHS),
            "shm_mb": min(int(lim.memory_mb), SHM_MAX_MB) if cfg["namespaces"] else 0,
        }
        cfg_fd = os.memfd_create("overopt-sandbox-config", os.MFD_CLOEXEC)
        os.write(cfg_fd, marshal.dumps(child_cfg))
        os.lseek(cfg_fd, 0, os.SEEK_SET)
        stdin_fd = None
        if req.stdin is not None:
            stdin_fd = os.memfd_create("overopt-stdin", os.MFD_CLOEXEC)
            os.write(stdin_fd, req.stdin)
            os.lseek(stdin_fd, 0, os.SEEK_SET)
        try:
            proc = subprocess.Popen(
                [self.python, "-I", "-S", CHILD_SCRIPT, str(cfg_fd)],
                stdin=stdin_fd if stdin_fd is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, pass_fds=(status_w, cfg_fd),
                start_new_session=True, env={"LANG": "C.UTF-8"}, cwd="/")
        finally:
            os.close(status_w)
            os.close(cfg_fd)
            if stdin_fd is not None:
                os.close(stdin_fd)
        out = RunOutcome(uid=uid)
        try:
            self._supervise(proc, status_r, lim, t0, out)
        finally:
            os.close(status_r)
            for f in (proc.stdout, proc.stderr):
                if f is not None:
                    f.close()
        return out

    def _supervise(self, proc: subprocess.Popen, status_r: int, lim: Limits, t0: float,
                   out: RunOutcome) -> None:
        deadline = t0 + lim.wall_seconds
        cap = lim.output_bytes
        bufs = {proc.stdout.fileno(): bytearray(), proc.stderr.fileno(): bytearray(), status_r: bytearray()}
        sel = selectors.DefaultSelector()
        for fd in bufs:
            os.set_blocking(fd, False)
            sel.register(fd, selectors.EVENT_READ)
        exit_seen_at = None
        killed = False
        try:
            while sel.get_map():
                now = time.monotonic()
                if now >= deadline:
                    out.timed_out, out.limit_hit = True, "wall_seconds"
                    break
                if exit_seen_at is not None and now - exit_seen_at > 0.25:
                    break  # the tool ended; something it left behind holds the pipes open
                for key, _ in sel.select(min(deadline - now, 0.25 if exit_seen_at else 1.0)):
                    try:
                        data = os.read(key.fd, 65536)
                    except BlockingIOError:
                        continue
                    if not data:
                        sel.unregister(key.fd)
                        continue
                    buf = bufs[key.fd]
                    buf += data
                    if key.fd == status_r:
                        if exit_seen_at is None and any(ev.get("event") == "exit" for ev in _records(buf)):
                            exit_seen_at = time.monotonic()
                    elif len(buf) > cap:
                        out.truncated, out.limit_hit = True, "output_bytes"
                        killed = True
                        break
                if killed:
                    break
        finally:
            sel.close()
        if not (killed or out.timed_out):
            # Wait for the launcher without reaping it, so its pid (= the group id) stays ours.
            while not _exited(proc.pid):
                if time.monotonic() >= deadline:
                    out.timed_out, out.limit_hit = True, out.limit_hit or "wall_seconds"
                    break
                time.sleep(0.002)
        if killed or out.timed_out:
            self._terminate(proc, bytes(bufs[status_r]))
        _killpg(proc.pid)  # stragglers left in the group
        proc.wait()
        try:
            while chunk := os.read(status_r, 65536):
                bufs[status_r] += chunk
        except (BlockingIOError, OSError):
            pass
        out.stdout = bytes(bufs[proc.stdout.fileno()][:cap])
        out.stderr = bytes(bufs[proc.stderr.fileno()][:cap])
        out.truncated = out.truncated or any(len(bufs[f.fileno()]) > cap for f in (proc.stdout, proc.stderr))
        self._interpret(bytes(bufs[status_r]), lim, out)

    @staticmethod
    def _terminate(proc: subprocess.Popen, status: bytes) -> None:
        """Kill the call. With a pid namespace, SIGKILL its init and wait for the launcher to reap it:
        the kernel has then killed everything in the namespace. Finally SIGKILL the process group."""
        init_pid = None
        for ev in _records(status):
            if ev.get("event") == "init" and isinstance(ev.get("pid"), int):
                init_pid = ev["pid"]
        if init_pid is not None and not _exited(proc.pid):
            try:
                os.kill(init_pid, signal.SIGKILL)
            except OSError:
                pass
            end = time.monotonic() + 3.0
            while time.monotonic() < end and not _exited(proc.pid):
                time.sleep(0.002)
        _killpg(proc.pid)

    @staticmethod
    def _interpret(status: bytes, lim: Limits, out: RunOutcome) -> None:
        for ev in _records(status):
            if ev.get("applied"):
                out.applied = ev["applied"]
            if ev["event"] == "setup_error":
                out.error, out.error_kind = f"sandbox setup failed: {ev['error']}", "infrastructure"
            elif ev["event"] == "exec_error":
                out.error, out.error_kind = f"could not start command: {ev['error']}", "exec"
                out.exit_code = 127
            elif ev["event"] == "exit" and out.error is None:
                out.exit_code = os.waitstatus_to_exitcode(ev["wait_status"])
                out.cpu_seconds, out.max_rss_kb = ev.get("cpu_seconds"), ev.get("max_rss_kb")
        if out.limit_hit is None and out.exit_code is not None and out.exit_code < 0:
            sig = -out.exit_code
            if sig == signal.SIGXCPU or (sig == signal.SIGKILL and (out.cpu_seconds or 0) >= lim.rlimits()[
                    "RLIMIT_CPU"] - 0.05):
                out.limit_hit = "cpu_seconds"
            elif sig == signal.SIGXFSZ:
                out.limit_hit = "file_size_mb"
        if out.error is None and out.exit_code is None and not out.timed_out and out.limit_hit is None:
            out.error, out.error_kind = "sandbox launcher ended without reporting", "infrastructure"


def _records(buf: bytes | bytearray) -> list[dict]:
    """Decode the complete status records in `buf` (see _child._send)."""
    out, i = [], 0
    while i + 4 <= len(buf):
        n = int.from_bytes(buf[i:i + 4], "little")
        if i + 4 + n > len(buf):
            break
        try:
            rec = marshal.loads(bytes(buf[i + 4:i + 4 + n]))
        except (ValueError, EOFError, TypeError):
            break
        if isinstance(rec, dict):
            out.append(rec)
        i += 4 + n
    return out


def _exited(pid: int) -> bool:
    """Whether our child `pid` has ended, without reaping it (its pid stays reserved)."""
    try:
        return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:
        return True


def _killpg(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
