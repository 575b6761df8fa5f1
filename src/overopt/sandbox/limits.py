"""Resource limits for one sandboxed call, and the warning raised when the host cannot enforce one."""

from __future__ import annotations

import math
from dataclasses import dataclass

from overopt.errors import ConfigError


@dataclass(frozen=True)
class Limits:
    """Per-call limits. Times in seconds, sizes in MiB except `output_bytes` (per stream)."""

    cpu_seconds: float = 5.0
    wall_seconds: float = 10.0
    memory_mb: int = 512
    output_bytes: int = 65_536
    max_processes: int = 32
    file_size_mb: int = 16

    def __post_init__(self) -> None:
        for name in ("cpu_seconds", "wall_seconds", "memory_mb", "output_bytes", "max_processes",
                     "file_size_mb"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
                raise ConfigError(f"sandbox limit {name} must be a positive number, got {value!r}")

    def rlimits(self) -> dict[str, int]:
        """The setrlimit values (names from the `resource` module) these limits map to."""
        return {
            "RLIMIT_CPU": max(1, math.ceil(self.cpu_seconds)),
            "RLIMIT_AS": int(self.memory_mb) * 1024 * 1024,
            "RLIMIT_FSIZE": int(self.file_size_mb) * 1024 * 1024,
            "RLIMIT_NPROC": int(self.max_processes),
            "RLIMIT_NOFILE": 256,
            "RLIMIT_CORE": 0,
        }


# The protections besides the numeric limits, named as they appear in warnings and the ledger.
PROTECTIONS = ("network", "filesystem_writes", "filesystem_reads", "signals", "process_cleanup",
               "environment", "private_shm")
LIMIT_NAMES = ("cpu_seconds", "wall_seconds", "memory_mb", "output_bytes", "max_processes",
               "file_size_mb")


class SandboxWarning(RuntimeWarning):
    """A limit or protection the sandbox cannot enforce on this host."""
