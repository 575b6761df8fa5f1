"""Containment: untrusted code hits each limit; the ledger records it and the parent carries on."""

from __future__ import annotations

import os
import select
import socket
import time
from pathlib import Path

import pytest

from overopt.sandbox import Limits, Sandbox

SMALL = Limits(cpu_seconds=1, wall_seconds=4, memory_mb=256, output_bytes=4096, max_processes=16,
               file_size_mb=1)


@pytest.fixture(scope="module")
def sb(tmp_path_factory):
    box = Sandbox(tmp_path_factory.mktemp("sandbox"), limits=SMALL)
    yield box
    box.close()


def run(sb: Sandbox, episode: str, code: str):
    result = sb.call_tool(episode, "python", {"code": code})
    entries = sb.ledger.entries(episode)
    assert entries[-1]["call_id"] == result.call_id
    assert entries[-1]["status"] == result.status
    return result, entries[-1]


def assert_parent_carries_on(sb: Sandbox, episode: str) -> None:
    result, entry = run(sb, episode, "print(6 * 7)")
    assert (result.status, result.stdout, entry["status"]) == ("ok", "42\n", "ok")


def processes_of_uid(uid: int | None) -> list[int]:
    if uid is None:
        return []
    pids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if d.stat().st_uid == uid:
                    pids.append(int(d.name))
            except FileNotFoundError:
                pass
    return pids


def test_enforces_everything_on_this_host(sb):
    # CI and dev boxes are Linux with Landlock, namespaces and root: nothing may be missing here.
    assert sb.not_enforced == [], sb.enforcement


def test_infinite_loop_hits_cpu_limit(sb):
    t0 = time.monotonic()
    result, entry = run(sb, "loop", "while True:\n    pass")
    assert result.status == entry["status"] == "timeout"
    assert entry["limit_hit"] == "cpu_seconds"
    assert time.monotonic() - t0 < SMALL.wall_seconds + 2
    assert_parent_carries_on(sb, "loop")


def test_sleeping_forever_hits_wall_clock(sb):
    t0 = time.monotonic()
    result, entry = run(sb, "sleep", "import time\ntime.sleep(1000)")
    assert result.status == entry["status"] == "timeout"
    assert entry["limit_hit"] == "wall_seconds" and result.exit_code is None
    assert time.monotonic() - t0 < SMALL.wall_seconds + 2
    assert_parent_carries_on(sb, "sleep")


def test_fork_bomb_is_contained_and_cleaned_up(sb):
    t0 = time.monotonic()
    result, entry = run(sb, "forkbomb", "import os\nwhile True:\n    try:\n        os.fork()\n"
                                        "    except OSError:\n        pass")
    assert result.status == entry["status"] == "timeout"
    assert time.monotonic() - t0 < SMALL.wall_seconds + 3
    assert processes_of_uid(entry["uid"]) == []  # nothing of the bomb survives the call
    assert_parent_carries_on(sb, "forkbomb")


def test_process_count_is_capped_and_background_children_die(sb):
    code = ("import os, time\nn = 0\nfor _ in range(200):\n    try:\n        pid = os.fork()\n"
            "    except OSError:\n        break\n    if pid == 0:\n        os.setsid()\n        time.sleep(600)\n"
            "        os._exit(0)\n    n += 1\nprint(n)")
    result, entry = run(sb, "nproc", code)
    assert result.status == entry["status"] == "ok", result.stderr
    assert 0 < int(result.stdout) < SMALL.max_processes
    assert processes_of_uid(entry["uid"]) == []  # the sleeping, setsid()-ed children died with the call


def test_memory_bomb_fails_inside_the_child(sb):
    result, entry = run(sb, "membomb", "blocks = []\nwhile True:\n    blocks.append(bytearray(50 * 2**20))")
    assert result.status == entry["status"] == "error"
    assert "MemoryError" in result.stderr
    assert_parent_carries_on(sb, "membomb")


def test_huge_output_is_truncated_and_killed(sb):
    t0 = time.monotonic()
    result, entry = run(sb, "output", "import sys\nchunk = 'x' * 2**20\nfor _ in range(100):\n"
                                      "    sys.stdout.write(chunk)")
    assert result.status == entry["status"] == "killed"
    assert entry["limit_hit"] == "output_bytes" and result.truncated and entry["truncated"]
    assert len(result.stdout) <= SMALL.output_bytes
    assert time.monotonic() - t0 < SMALL.wall_seconds
    assert_parent_carries_on(sb, "output")


def test_cannot_write_outside_the_workdir(sb, tmp_path):
    outside = tmp_path / "escaped.txt"
    other = sb.workdir("someone-else") / "planted.txt"
    code = (f"import os\nopen('inside.txt', 'w').write('ok')\nfails = 0\n"
            f"for p in [{str(outside)!r}, '/tmp/overopt-escaped.txt', {str(other)!r}, '../planted.txt']:\n"
            f"    try:\n        open(p, 'w').write('x')\n    except OSError:\n        fails += 1\n"
            f"print(fails)")
    result, entry = run(sb, "writer", code)
    assert result.status == entry["status"] == "ok", result.stderr
    assert result.stdout == "4\n"
    assert not outside.exists() and not other.exists() and not Path("/tmp/overopt-escaped.txt").exists()
    assert not (sb.root / "planted.txt").exists()
    assert (sb.workdir("writer") / "inside.txt").read_text() == "ok"
    # and an uncaught attempt is an error status in the ledger
    result, entry = run(sb, "writer", f"open({str(outside)!r}, 'w').write('x')")
    assert result.status == entry["status"] == "error" and "PermissionError" in result.stderr
    assert not outside.exists()


def test_cannot_connect_to_loopback(sb):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    try:
        # the same connection from the parent succeeds: the listener is real
        probe = socket.create_connection(("127.0.0.1", port), timeout=2)
        conn, _ = listener.accept()
        conn.close()
        probe.close()
        result, entry = run(sb, "net", f"import socket\ns = socket.create_connection(('127.0.0.1', {port}), "
                                       f"timeout=2)\nprint('connected')")
        assert result.status == entry["status"] == "error"
        assert "connected" not in result.stdout
        readable, _, _ = select.select([listener], [], [], 0.2)
        assert readable == []  # no connection ever arrived
    finally:
        listener.close()
    assert_parent_carries_on(sb, "net")


def test_parent_environment_does_not_leak(sb, monkeypatch):
    secret = "overopt-secret-7c1f0e"
    monkeypatch.setenv("OVEROPT_TEST_SECRET", secret)
    code = (f"import os\nprint(sorted(os.environ.items()))\n"
            f"for pid in [os.getppid(), {os.getpid()}, 1]:\n"
            f"    try:\n        print(open(f'/proc/{{pid}}/environ', 'rb').read())\n"
            f"    except OSError as e:\n        print('denied', pid, e.errno)")
    result, entry = run(sb, "env", code)
    assert result.status == entry["status"] == "ok", result.stderr
    assert secret not in result.stdout and "OVEROPT_TEST_SECRET" not in result.stdout
    assert f"denied {os.getpid()}" in result.stdout


def test_cannot_kill_the_parent(sb):
    me = os.getpid()
    code = (f"import os, signal\nfor pid in [os.getppid(), {me}, {os.getppid()}, 1, -1]:\n"
            f"    try:\n        os.kill(pid, signal.SIGKILL)\n        print('killed', pid)\n"
            f"    except OSError as e:\n        print('refused', pid, e.errno)")
    result, entry = run(sb, "killer", code)
    assert entry["status"] == result.status
    assert result.status in ("ok", "killed")  # kill(-1) may take out the snippet itself
    assert f"killed {me}" not in result.stdout
    os.kill(me, 0)  # still here
    assert_parent_carries_on(sb, "killer")


def test_signal_to_process_group_of_parent_is_refused(sb):
    code = f"import os, signal\nos.killpg({os.getpgid(0)}, signal.SIGTERM)"
    result, entry = run(sb, "killpg", code)
    assert result.status == entry["status"] == "error"
    assert_parent_carries_on(sb, "killpg")


def test_big_file_is_capped(sb):
    result, entry = run(sb, "bigfile", "open('big.bin', 'wb').write(b'x' * (5 * 2**20))")
    assert result.status == entry["status"] == "error"
    assert "File too large" in result.stderr or "EFBIG" in result.stderr or "Errno 27" in result.stderr
    assert (sb.workdir("bigfile") / "big.bin").stat().st_size <= SMALL.file_size_mb * 2**20


SHARED_MEMORY_CODE = """
import multiprocessing as mp
counter = mp.Value('i', 0, lock=True)
squares = mp.Array('i', 4)

def work(k):
    with counter.get_lock():
        counter.value += 1
    squares[k] = k * k

procs = [mp.Process(target=work, args=(k,)) for k in range(4)]
for p in procs:
    p.start()
for p in procs:
    p.join()
print(counter.value, list(squares), [p.exitcode for p in procs])
"""


def test_multiprocessing_shared_memory_works(sb):
    result, entry = run(sb, "shm", SHARED_MEMORY_CODE)
    assert result.status == entry["status"] == "ok", result.stderr
    assert result.stdout == "4 [0, 1, 4, 9] [0, 0, 0, 0]\n"
    assert "private_shm" in entry["applied"]


def test_dev_shm_is_private_to_the_call(sb):
    host_file = Path("/dev/shm") / f"overopt-host-{os.getpid()}"
    child_name = f"overopt-child-{os.getpid()}"
    host_file.write_text("host secret")
    try:
        code = (f"import ctypes, os\nprint(sorted(os.listdir('/dev/shm')))\n"
                f"open('/dev/shm/{child_name}', 'w').write('x')\n"
                f"libc = ctypes.CDLL(None, use_errno=True)\n"
                f"print('umount', libc.umount2(b'/dev/shm', 2))\nprint(sorted(os.listdir('/dev/shm')))")
        result, entry = run(sb, "shm-private", code)
        assert result.status == entry["status"] == "ok", result.stderr
        assert result.stdout == f"[]\numount -1\n['{child_name}']\n"  # the host's file is not visible
        assert not (Path("/dev/shm") / child_name).exists()  # the child's file never reached the host
        # and the next call in the same episode starts with an empty /dev/shm again
        result, _ = run(sb, "shm-private", "import os\nprint(os.listdir('/dev/shm'))")
        assert result.stdout == "[]\n"
    finally:
        host_file.unlink()
