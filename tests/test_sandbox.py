"""Sandbox API: tools, malformed calls, the ledger, outage injection, start-up warnings."""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from pathlib import Path

import pytest

from overopt.errors import ConfigError
from overopt.sandbox import Limits, LocalBackend, Sandbox, SandboxWarning, calculate, ToolError

FAST = Limits(cpu_seconds=2, wall_seconds=5, memory_mb=256)


@pytest.fixture(scope="module")
def sb(tmp_path_factory):
    box = Sandbox(tmp_path_factory.mktemp("sandbox"), limits=FAST)
    yield box
    box.close()


def test_python_tool_runs_in_its_workdir_and_files_persist(sb):
    r1 = sb.call_tool("ep-files", "python", {"code": "open('notes.txt', 'w').write('hi')\nprint(2 ** 100)"})
    assert (r1.status, r1.exit_code, r1.stdout) == ("ok", 0, f"{2 ** 100}\n")
    r2 = sb.call_tool("ep-files", "python", {"code": "import os\nprint(open('notes.txt').read(), os.getcwd())"})
    assert r2.stdout == f"hi {sb.workdir('ep-files')}\n"
    assert sb.workdir("ep-files") != sb.workdir("ep-other")


def test_python_error_is_error_result(sb):
    r = sb.call_tool("ep-err", "python", {"code": "1/0"})
    assert r.status == "error" and r.exit_code == 1 and "ZeroDivisionError" in r.stderr


def test_exec_with_stdin_and_env(sb):
    r = sb.exec([sb.python, "-c", "import os, sys; print(sys.stdin.read().upper(), os.environ['X'])"],
                episode_id="ep-exec", stdin="abc", env={"X": "1"})
    assert (r.status, r.stdout) == ("ok", "ABC 1\n")
    entry = sb.ledger.entries("ep-exec")[-1]
    assert entry["tool"] == "exec" and entry["arguments"]["argv"][0] == sb.python
    assert entry["stdin_sha256"] == hashlib.sha256(b"abc").hexdigest()


@pytest.mark.parametrize("tool, arguments", [
    ("nonexistent", {"code": "print(1)"}),
    ("python", "print(1)"),
    ("python", None),
    ("python", {}),
    ("python", {"code": 42}),
    ("python", {"code": "print(1)", "extra": True}),
    ("calculator", {"expr": "1+1"}),
    (None, {"code": "print(1)"}),
    ("python", {"code": "x" * 200_000}),
])
def test_malformed_tool_call_is_an_error_result_never_an_exception(sb, tool, arguments):
    before = len(sb.ledger.entries())
    r = sb.call_tool("ep-malformed", tool, arguments)
    assert r.status == "error" and r.stderr.startswith("error: ") and r.stdout == ""
    entries = sb.ledger.entries()
    assert len(entries) == before + 1 and entries[-1]["status"] == "error"
    assert entries[-1]["call_id"] == r.call_id


@pytest.mark.parametrize("argv", [[], "python -c 1", [1, 2], ["/no/such/binary"], ["a\0b"]])
def test_malformed_exec_is_an_error_result(sb, argv):
    r = sb.exec(argv, episode_id="ep-bad-exec")
    assert r.status == "error" and "error:" in r.stderr
    assert sb.ledger.entries("ep-bad-exec")[-1]["call_id"] == r.call_id


@pytest.mark.parametrize("expression, expected", [
    ("123456789 * 987654321", "121932631112635269"), ("(2 + 3) * 4 - 5 / 5", "19"),
    ("2 ** 64", "18446744073709551616"), ("-7 // 2", "-4"), ("7 % 3", "1"), ("1 / 4", "0.25"),
    ("sqrt(16) + abs(-2)", "6"), ("max(3, 9, 4)", "9"), ("  42  ", "42"),
])
def test_calculator(sb, expression, expected):
    assert calculate(expression) == expected
    r = sb.call_tool("ep-calc", "calculator", {"expression": expression})
    assert (r.status, r.stdout) == ("ok", expected + "\n")
    assert sb.ledger.entries("ep-calc")[-1]["result_sha256"] == hashlib.sha256(r.stdout.encode()).hexdigest()


@pytest.mark.parametrize("expression", [
    "__import__('os').system('true')", "open('/etc/passwd')", "(1).__class__", "9 ** 9 ** 9",
    "10 ** 100000", "1 / 0", "x + 1", "", "1 +", "[1, 2]", "'a' * 3", "lambda: 1", "(" * 300 + "1",
])
def test_calculator_rejects_anything_but_arithmetic(sb, expression):
    with pytest.raises(ToolError):
        calculate(expression)
    r = sb.call_tool("ep-calc-bad", "calculator", {"expression": expression})
    assert r.status == "error" and "calculator error" in r.stderr


def test_ledger_lines_are_complete_and_verifiable(sb):
    r = sb.call_tool("ep-ledger", "python", {"code": "print('tool says 7')"})
    lines = sb.ledger.path.read_text().splitlines()
    entry = json.loads(lines[-1])
    for key in ("call_id", "episode_id", "tool", "arguments", "arguments_sha256", "status", "exit_code",
                "result_sha256", "start", "end", "backend", "limits", "not_enforced", "applied"):
        assert key in entry, key
    assert entry["call_id"] == r.call_id and entry["episode_id"] == "ep-ledger"
    assert entry["arguments"] == {"code": "print('tool says 7')"}
    assert entry["result_sha256"] == hashlib.sha256("tool says 7\n".encode()).hexdigest()
    assert entry["start"] <= entry["end"] and entry["limits"]["wall_seconds"] == FAST.wall_seconds
    # large arguments are stored as their hash only
    code = "# " + "y" * 10_000 + "\nprint(1)"
    sb.call_tool("ep-ledger", "python", {"code": code})
    big = sb.ledger.entries("ep-ledger")[-1]
    assert big["arguments"] is None and big["arguments_bytes"] > 10_000
    assert big["arguments_sha256"] == hashlib.sha256(
        json.dumps({"code": code}, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def test_ledger_is_append_only_across_sandboxes(tmp_path):
    ledger = tmp_path / "ledger.jsonl"
    for i in range(2):
        with Sandbox(tmp_path / "root", ledger_path=ledger, limits=FAST) as box:
            box.call_tool(f"ep{i}", "calculator", {"expression": "1+1"})
    with Sandbox(tmp_path / "root", ledger_path=ledger, limits=FAST) as box:
        assert [e["episode_id"] for e in box.ledger.entries()] == ["ep0", "ep1"]
        assert len(box.ledger.entries("ep1")) == 1


def test_outage_injection_is_seeded_and_counted(tmp_path):
    def pattern(seed):
        with Sandbox(tmp_path / f"s{seed}-{len(list(tmp_path.iterdir()))}", outage_rate=0.3, seed=seed, limits=FAST) as box:
            statuses = [box.call_tool(f"ep{i % 10}", "calculator", {"expression": "2+2"}).status
                        for i in range(300)]
            entries = box.ledger.entries()
        assert [e["status"] for e in entries] == statuses
        outages = [e for e in entries if e["status"] == "outage"]
        assert all(e["injected"] and e["outage_kind"] in ("unavailable", "timeout") for e in outages)
        assert all(not e["injected"] for e in entries if e["status"] != "outage")
        return statuses

    a = pattern(1)
    assert 0.2 < a.count("outage") / len(a) < 0.4
    assert set(a) == {"ok", "outage"}
    assert pattern(1) == a and pattern(2) != a


def test_outage_on_python_tool_never_runs_the_code(tmp_path):
    with Sandbox(tmp_path / "r", outage_rate=1.0, limits=FAST) as box:
        r = box.call_tool("ep", "python", {"code": "open('ran', 'w')"})
        assert r.status == "outage" and r.stderr.startswith("error: tool")
        assert not (box.workdir("ep") / "ran").exists()


def test_fallback_is_announced_loudly_and_recorded(tmp_path):
    with pytest.warns(SandboxWarning) as record:
        box = Sandbox(tmp_path / "r", limits=FAST, backend=LocalBackend(landlock=False, namespaces=False))
    named = " ".join(str(w.message) for w in record)
    for name in ("filesystem_writes", "process_cleanup", "private_shm"):
        assert name in named and name in box.not_enforced
    r = box.call_tool("ep", "python", {"code": "print(1)"})
    assert r.status == "ok"
    assert "private_shm" not in box.ledger.entries("ep")[-1]["applied"]
    assert "filesystem_writes" in box.ledger.entries("ep")[-1]["not_enforced"]


def test_without_private_shm_the_hosts_dev_shm_stays_read_only(tmp_path):
    target = Path("/dev/shm") / f"overopt-fallback-{os.getpid()}"
    with pytest.warns(SandboxWarning):
        box = Sandbox(tmp_path / "r", limits=FAST, backend=LocalBackend(namespaces=False))
    with box:
        assert "private_shm" in box.not_enforced and "filesystem_writes" not in box.not_enforced
        r = box.call_tool("ep", "python", {"code": f"open({str(target)!r}, 'w').write('x')"})
    assert r.status == "error" and "PermissionError" in r.stderr
    assert not target.exists()


def test_default_sandbox_gives_no_warnings(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error", SandboxWarning)
        Sandbox(tmp_path / "r", limits=FAST).close()


def test_bad_settings_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="cpu_seconds"):
        Limits(cpu_seconds=0)
    with pytest.raises(ConfigError, match="outage_rate"):
        Sandbox(tmp_path, outage_rate=1.5)


def test_unusual_episode_ids_stay_inside_the_root(sb):
    for eid in ["../../etc", "/abs", "a b", "", "x" * 300]:
        wd = sb.workdir(eid)
        assert wd.parent == sb.root and wd.is_dir()


def test_concurrent_calls_each_get_one_ledger_line(sb):
    from concurrent.futures import ThreadPoolExecutor

    def call(i):
        return sb.call_tool(f"ep-conc{i % 3}", "python", {"code": f"print({i} * 3)"})

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(call, range(8)))
    assert [r.stdout for r in results] == [f"{i * 3}\n" for i in range(8)]
    ids = {e["call_id"] for e in sb.ledger.entries() if e["episode_id"].startswith("ep-conc")}
    assert ids == {r.call_id for r in results}
