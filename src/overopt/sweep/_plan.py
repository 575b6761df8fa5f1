"""What a sweep runs: one lab, a preset, fixed settings, a grid of settings and seeds -> named runs."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from overopt.configs import apply_settings
from overopt.errors import ConfigError
from overopt.labs import MAX_SEED, get_lab


@dataclass(frozen=True)
class RunSpec:
    """One lab run of a sweep: its folder name, seed and settings (`key=value`, the grid's last)."""

    name: str
    seed: int
    settings: tuple[str, ...]
    point: tuple[tuple[str, str], ...] = ()
    """The grid point (key, value) pairs; runs at the same point differ only by seed."""


@dataclass
class SweepPlan:
    """A sweep: `lab` with `preset`, `settings` for every run, each `grid` combination, each seed."""

    lab: str
    seeds: list[int]
    preset: str | None = None
    settings: list[str] = field(default_factory=list)
    grid: dict[str, list[str]] = field(default_factory=dict)

    def runs(self) -> list[RunSpec]:
        """Every run, grid points in order, seeds within each point."""
        keys = list(self.grid)
        out = []
        for values in itertools.product(*(self.grid[k] for k in keys)) if keys else [()]:
            point = tuple(zip(keys, values))
            label = ",".join(f"{k}={v}" for k, v in point)
            for seed in self.seeds:
                name = _safe(f"{label},seed={seed}" if label else f"seed={seed}")
                out.append(RunSpec(name, seed, (*self.settings, *(f"{k}={v}" for k, v in point)), point))
        return out

    def check(self) -> None:
        """Build every run's config once, so a bad lab, preset, setting or grid value fails before any run."""
        lab = get_lab(self.lab)
        if not self.seeds:
            raise ConfigError("no seeds: give --seeds, e.g. 0-9 or 0,3,7")
        for spec in self.runs():
            apply_settings(lab.config(self.preset), list(spec.settings))


def parse_seeds(text: str) -> list[int]:
    """'0-9' -> 0..9; '0,3,7' -> [0, 3, 7]; '0-2,5' -> [0, 1, 2, 5] (duplicates dropped, order kept)."""
    seeds: list[int] = []
    for part in (p.strip() for p in text.split(",")):
        m = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not m:
            raise ConfigError(f"--seeds expects numbers and ranges like 0-9 or 0,3,7, got {text!r}")
        lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
        if hi < lo or hi > MAX_SEED:
            raise ConfigError(f"--seeds: bad range {part!r} (need lo <= hi <= {MAX_SEED})")
        seeds += range(lo, hi + 1)
    return list(dict.fromkeys(seeds))


def parse_grid(items: list[str]) -> dict[str, list[str]]:
    """['rl.beta=0,0.1', 'measure.bon_max_n=1024,4096'] -> {'rl.beta': ['0', '0.1'], ...}."""
    grid: dict[str, list[str]] = {}
    for item in items:
        key, sep, values = item.partition("=")
        parts = [v.strip() for v in values.split(",") if v.strip()]
        if not sep or not key.strip() or not parts:
            raise ConfigError(f"--grid expects key=v1,v2,..., got {item!r}")
        if key.strip() in grid:
            raise ConfigError(f"--grid names {key.strip()!r} twice")
        grid[key.strip()] = parts
    return grid


def _safe(name: str) -> str:
    """A folder name: the run's label with anything but letters, digits and ._=,+- replaced."""
    return re.sub(r"[^A-Za-z0-9._=,+-]", "_", name)
