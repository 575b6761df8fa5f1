"""The child side of `LocalBackend`: confine this process, then exec the tool.

Run as ``python -I -S _child.py CONFIG_FD`` (a memfd holding the `marshal`-ed config) with the tool's stdin/stdout/stderr already wired, and a
status pipe (fd given in the config). It is stdlib-only (and only uses `ctypes` for the Linux calls
Python lacks), so it starts fast and imports nothing from the parent's environment.

Process tree::

    launcher (this script; its own session, so the parent can kill the whole group)
      -> unshare(pid, net, ipc [, user]) ; [unshare(mount) ; private tmpfs on /dev/shm] ; fork
         init (pid 1 of the new pid namespace): forks the tool, waits, reports; when it exits the
                kernel kills everything left in the namespace (daemons, fork-bomb children)
           -> tool: rlimits, new identity, no_new_privs, Landlock, fchdir(workdir), execve(argv)

Each stage writes one record (4-byte length + `marshal`; json would cost 10 ms of start-up) to the
status pipe: ``{"event": "ready", "applied": [...]}`` just
before exec, ``{"event": "setup_error" | "exec_error", ...}`` on failure, and
``{"event": "exit", "wait_status": ..., "cpu_seconds": ...}`` from init when the tool ends.
"""

from __future__ import annotations

import ctypes
import marshal
import os
import resource
import signal
import sys

# --- Linux constants (stable ABI) -----------------------------------------------------------------
CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWUSER = 0x00020000, 0x08000000, 0x10000000
CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 0x2, 0x4, 0x8, 0x4000, 0x40000
SHM_DIR = "/dev/shm"
PR_SET_PDEATHSIG, PR_SET_KEEPCAPS, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 1, 8, 24, 38
PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, PR_CAP_AMBIENT_CLEAR_ALL = 47, 2, 4
CAP_DAC_READ_SEARCH, CAP_LAST_CAP_GUESS = 2, 63
SYS_LANDLOCK_CREATE_RULESET, SYS_LANDLOCK_ADD_RULE, SYS_LANDLOCK_RESTRICT_SELF = 444, 445, 446
SYS_CAPSET = {"x86_64": 126, "aarch64": 91}
LANDLOCK_CREATE_RULESET_VERSION = 1
LANDLOCK_RULE_PATH_BENEATH = 1
# filesystem access rights, by the ABI version that introduced them
FS_EXECUTE, FS_WRITE_FILE, FS_READ_FILE, FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
FS_ABI1_ALL = (1 << 13) - 1
FS_REFER, FS_TRUNCATE, FS_IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
FS_FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV
NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def _check(ret: int, what: str) -> int:
    if ret < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")
    return ret


def prctl(option: int, arg2: int = 0, arg3: int = 0) -> int:
    return _check(_libc.prctl(option, ctypes.c_ulong(arg2), ctypes.c_ulong(arg3), ctypes.c_ulong(0),
                              ctypes.c_ulong(0)), f"prctl({option})")


def landlock_abi() -> int:
    """The Landlock ABI version of the running kernel, or 0 if Landlock is unavailable."""
    try:
        ret = _libc.syscall(SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0),
                            ctypes.c_uint32(LANDLOCK_CREATE_RULESET_VERSION))
    except Exception:  # noqa: BLE001 - no syscall() in this libc
        return 0
    return max(int(ret), 0)


def landlock_restrict(abi: int, read_paths: list[str], write_paths: list[str],
                      dev_paths: list[str]) -> list[str]:
    """Confine this process (and all it execs/forks) with Landlock; return what was enforced.

    Reads/executes are allowed under `read_paths`, everything under `write_paths`, read+write on the
    device files in `dev_paths`. With ABI >= 4 all TCP bind/connect is denied; with ABI >= 6 signals
    and abstract unix sockets cannot reach processes outside the sandbox.
    """
    fs = FS_ABI1_ALL
    if abi >= 2:
        fs |= FS_REFER
    if abi >= 3:
        fs |= FS_TRUNCATE
    if abi >= 5:
        fs |= FS_IOCTL_DEV
    attr = _RulesetAttr(fs, 0, 0)
    size = 8
    applied = ["landlock_fs"]
    if abi >= 4:
        attr.handled_access_net = NET_BIND_TCP | NET_CONNECT_TCP
        size = 16
        applied.append("landlock_tcp")
    if abi >= 6:
        attr.scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL
        size = 24
        applied.append("landlock_scope")
    ruleset = _check(_libc.syscall(SYS_LANDLOCK_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size),
                                   ctypes.c_uint32(0)), "landlock_create_ruleset")
    read = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR
    try:
        for rights, paths in ((read, read_paths), (fs, write_paths),
                              (FS_READ_FILE | FS_WRITE_FILE | FS_TRUNCATE, dev_paths)):
            for path in paths:
                try:
                    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
                except OSError:
                    continue  # a listed path that does not exist grants nothing
                try:
                    allowed = rights & fs
                    if not os.path.isdir(path):
                        allowed &= FS_FILE_RIGHTS
                    rule = _PathBeneathAttr(allowed, fd)
                    _check(_libc.syscall(SYS_LANDLOCK_ADD_RULE, ctypes.c_int(ruleset),
                                         ctypes.c_int(LANDLOCK_RULE_PATH_BENEATH), ctypes.byref(rule),
                                         ctypes.c_uint32(0)), f"landlock_add_rule({path})")
                finally:
                    os.close(fd)
        prctl(PR_SET_NO_NEW_PRIVS, 1)
        _check(_libc.syscall(SYS_LANDLOCK_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)),
               "landlock_restrict_self")
    finally:
        os.close(ruleset)
    return applied


def _capset(caps: int) -> None:
    nr = SYS_CAPSET.get(os.uname().machine)
    if nr is None:
        raise OSError(0, f"capset: unknown syscall number on {os.uname().machine}")
    header = _CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
    data = (_CapData * 2)(_CapData(caps, caps, caps), _CapData(0, 0, 0))
    _check(_libc.syscall(nr, ctypes.byref(header), data), "capset")


def drop_root(uid: int, keep_read_search: bool) -> list[str]:
    """As root: become `uid` with no capabilities (optionally keeping CAP_DAC_READ_SEARCH, so a Python
    under /root stays reachable; Landlock then decides what may be read)."""
    for cap in range(CAP_LAST_CAP_GUESS + 1):
        if keep_read_search and cap == CAP_DAC_READ_SEARCH:
            continue
        try:
            prctl(PR_CAPBSET_DROP, cap)
        except OSError:
            break  # past the kernel's last capability
    prctl(PR_SET_KEEPCAPS, int(keep_read_search))
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    if keep_read_search:
        _capset(1 << CAP_DAC_READ_SEARCH)
        prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_DAC_READ_SEARCH)
        return ["uid_drop", "cap_dac_read_search_only"]
    return ["uid_drop", "no_capabilities"]


def unshare(flags: int) -> None:
    _check(_libc.unshare(ctypes.c_int(flags)), "unshare")


def enter_namespaces(mode: str) -> list[str]:
    """mode "root": new pid+net+ipc namespaces; "user": the same inside a new user namespace."""
    base = CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC
    if mode == "root":
        unshare(base)
        return ["pid_ns", "net_ns"]
    uid, gid = os.getuid(), os.getgid()
    unshare(base | CLONE_NEWUSER)
    with open("/proc/self/setgroups", "w") as f:
        f.write("deny")
    with open("/proc/self/uid_map", "w") as f:
        f.write(f"{uid} {uid} 1")
    with open("/proc/self/gid_map", "w") as f:
        f.write(f"{gid} {gid} 1")
    return ["user_ns", "pid_ns", "net_ns"]


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None) -> None:
    enc = (lambda v: v.encode() if v is not None else None)
    _check(_libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)),
           f"mount({target})")


def private_shm(size_mb: int) -> list[str]:
    """Give this process (and all it forks) its own empty, writable tmpfs on /dev/shm, in a new mount
    namespace whose mounts do not propagate back to the host. Call after `enter_namespaces` (inside
    its user namespace when not root). Returns ["private_shm"], or [] if the host refuses: then
    nothing was mounted and /dev/shm stays the host's (Landlock keeps it read-only)."""
    try:
        unshare(CLONE_NEWNS)
        # First cut propagation: only then can a mount below never reach the host's namespace.
        _mount(None, "/", None, MS_REC | MS_PRIVATE, None)
        _mount("overopt-shm", SHM_DIR, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
               f"size={int(size_mb)}m,nr_inodes=4096,mode=1777")
    except OSError:
        return []
    return ["private_shm"]


def set_limits(cfg: dict) -> list[str]:
    lim = cfg["rlimits"]
    applied = []
    for name, value in lim.items():
        res = getattr(resource, name)
        soft, hard = (value, value + 1) if name == "RLIMIT_CPU" else (value, value)
        resource.setrlimit(res, (soft, hard))
        applied.append(name)
    return applied


def _send(fd: int, msg: dict) -> None:
    """One status record: 4-byte length, then `marshal` data (the parent runs the same Python)."""
    data = marshal.dumps(msg)
    try:
        os.write(fd, len(data).to_bytes(4, "little") + data)
    except OSError:
        pass


def _tool(cfg: dict, status_fd: int, applied: list[str]) -> None:
    """In the forked tool process: confine, then exec. Never returns."""
    stage = "setup"
    try:
        os.set_inheritable(status_fd, False)  # closed by exec; still open for an exec error
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        workdir_fd = os.open(cfg["workdir"], os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        applied = applied + set_limits(cfg)
        prctl(PR_SET_NO_NEW_PRIVS, 1)
        if cfg.get("landlock_abi", 0) > 0:  # before the uid drop, so every listed path can be opened
            writable = [cfg["workdir"]] + ([SHM_DIR] if "private_shm" in applied else [])
            applied += landlock_restrict(cfg["landlock_abi"], cfg["read_paths"], writable, cfg["dev_paths"])
        if cfg.get("uid") is not None:
            applied += drop_root(cfg["uid"], cfg.get("keep_read_search", False))
        os.fchdir(workdir_fd)
        os.close(workdir_fd)
        try:
            prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except OSError:
            pass
        _send(status_fd, {"event": "ready", "applied": applied, "pid": os.getpid()})
        if cfg.get("probe"):
            os._exit(0)
        stage = "exec"
        os.execvpe(cfg["argv"][0], cfg["argv"], cfg["env"])
    except BaseException as exc:  # noqa: BLE001 - report everything, then leave
        _send(status_fd, {"event": f"{stage}_error", "error": f"{type(exc).__name__}: {exc}",
                          "applied": applied})
        os._exit(127)


def main() -> None:
    cfg_fd = int(sys.argv[1])
    with os.fdopen(cfg_fd, "rb") as f:  # closes the config fd: the tool never sees it
        cfg = marshal.loads(f.read())
    status_fd = cfg["status_fd"]
    applied: list[str] = []
    try:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the sandbox's owner died: die too
        if cfg.get("namespaces"):
            applied += enter_namespaces(cfg["namespaces"])
            if cfg.get("shm_mb"):
                applied += private_shm(cfg["shm_mb"])
    except BaseException as exc:  # noqa: BLE001
        _send(status_fd, {"event": "setup_error", "error": f"{type(exc).__name__}: {exc}",
                          "applied": applied})
        os._exit(126)
    init = os.fork()
    if init == 0:
        try:
            prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except OSError:
            pass
        tool = os.fork()
        if tool == 0:
            _tool(cfg, status_fd, applied)
        _, wait_status, usage = os.wait4(tool, 0)
        _send(status_fd, {"event": "exit", "wait_status": wait_status,
                          "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 4),
                          "max_rss_kb": usage.ru_maxrss})
        os._exit(0)
    _send(status_fd, {"event": "init", "pid": init})  # the parent kills this pid to end the call
    _, status = os.waitpid(init, 0)  # returns once the kernel has killed everything in the namespace
    os._exit(0 if status == 0 else 125)


if __name__ == "__main__":
    main()
