"""Running one submission against the grader, in a fresh sandbox episode: a Python grader called through the
bootstrap (`_adapters.py`, run there as a script), or a shell command in a fresh copy of the task folder."""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import tempfile
import threading
from pathlib import Path

from ._config import Inputs, ProbeConfig
from ._exploits import TEST_FILE
from ._results import Trial

RESULT_TAG = "OVEROPT_PROBE_RESULT"
RECORD_NAME = "_overopt_records.jsonl"
BOOT_NAME = "_overopt_probe_boot.py"
BOOT_SOURCE = (Path(__file__).resolve().parent / "_adapters.py").read_text()


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
