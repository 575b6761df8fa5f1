"""The lab contract: what every lab declares, the one runner that drives any lab, and `check_lab`.

A lab reproduces one era of reward hacking end to end. Like Gymnasium's `Env`, a lab is a small class;
set these in every lab:

- `name`: the command (`overopt lab NAME`) and the `kind` recorded in config.json;
- `title`: one line for `overopt lab --help`;
- `Config`: its config dataclass. Every field is a `setting(default, help)`; `__post_init__` checks the
  values with messages that say how to fix them (see `overopt.configs`);
- `presets`: named `Preset`s, the first being the default. `smoke` is the smallest: seconds, to check that
  the lab runs, too small to show its effect;
- `flags`: the command-line flags besides `--preset/--seed/--out/--set`: flag name -> dotted setting key;
- `outputs`: the files every finished run folder holds besides config.json, status.json and summary.json;
- for `overopt sweep`: `curve_index` (the curves.csv columns that identify a point across seeds; its figures
  draw one line per value of the index columns other than `step` and `setting`), `curve_x` and `curve_y` (the
  columns they draw, y with a band across seeds) and `headlines` (dotted keys of summary.json -> what each
  means; the statistics the sweep reports with intervals);

and implement:

- `run(config, seed, run_dir, progress) -> Result`: the work. Write `curves.csv` as points come (so a crash
  keeps them) and return a typed `Result` whose `summary` holds the headline statistics;
- `report(result, run_dir)`: figures and report.md from the result;
- optionally `prepare(config)`, which checks inputs (paths, files) before anything is written, and
  `print_summary(result, run_dir)`, the lines printed when the command ends.

`run_lab(lab, config, seed, out)` owns everything else: validation, the run folder, config.json,
status.json (`running`, then `complete` or `failed`), seeding, progress bars, summary.json and the
report step. Every lab, the checkpoint mode included, runs through it; `check_lab` runs a lab's `smoke`
preset and checks that contract.
"""

from __future__ import annotations

import abc
import csv
import dataclasses
import importlib
import json
import tempfile
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from overopt.configs import describe_settings, field_for, validate
from overopt.errors import ConfigError
from overopt.progress import SILENT, Progress, progress_bars
from overopt.runs import RunDir, start_run, to_jsonable

__all__ = ["Lab", "Preset", "Result", "run_lab", "check_lab", "LABS", "get_lab", "MAX_SEED", "flatten_summary"]

MAX_SEED = 2**31 - 1

#: Every lab overopt ships: name -> "module:attribute" of its Lab instance (imported on first use).
LABS = {
    "rlhf": "overopt.worlds.rlhf.lab:RLHF_LAB",
    "checkpoints": "overopt.worlds.rlhf.checkpoints:CHECKPOINTS_LAB",
    "mitigations": "overopt.worlds.mitigations.lab:MITIGATIONS_LAB",
    "tools": "overopt.worlds.tools.lab:TOOLS_LAB",
    "control": "overopt.worlds.control.lab:CONTROL_LAB",
}


@dataclass(frozen=True)
class Preset:
    """A named preset: `make()` returns a fresh Config; `help` says what it is for and how long it takes."""

    make: Callable[[], Any]
    help: str


@dataclass
class Result:
    """What a lab's `run` returns. Labs subclass it with their own typed fields."""

    summary: dict[str, Any] = field(default_factory=dict)
    """Headline statistics; the runner writes them to summary.json."""


ConfigT = TypeVar("ConfigT")
ResultT = TypeVar("ResultT", bound=Result)


class Lab(abc.ABC, Generic[ConfigT, ResultT]):
    """Base class of every lab; see the module docstring for what to set."""

    name: ClassVar[str]
    title: ClassVar[str]
    Config: ClassVar[type]
    presets: ClassVar[Mapping[str, Preset]]
    flags: ClassVar[Mapping[str, str]] = {}
    outputs: ClassVar[tuple[str, ...]] = ("curves.csv", "report.md")
    curve_index: ClassVar[tuple[str, ...]] = ()
    curve_x: ClassVar[str] = "step"
    curve_y: ClassVar[tuple[str, ...]] = ()
    headlines: ClassVar[Mapping[str, str]] = {}

    def config(self, preset: str | None = None) -> ConfigT:
        """A fresh config from the named preset (default: the first)."""
        name = preset or next(iter(self.presets))
        if name not in self.presets:
            raise ConfigError(f"unknown preset {name!r} for lab {self.name}; choose one of: {', '.join(self.presets)}")
        return self.presets[name].make()

    def prepare(self, config: ConfigT) -> None:
        """Check inputs (paths, files) before anything is written. Raise InputError on a bad one."""

    @abc.abstractmethod
    def run(self, config: ConfigT, seed: int, run_dir: RunDir, progress: Progress) -> ResultT:
        """Do the lab's work into `run_dir` and return its Result."""

    @abc.abstractmethod
    def report(self, result: ResultT, run_dir: RunDir) -> None:
        """Write figures and report.md from `result`."""

    def print_summary(self, result: ResultT, run_dir: RunDir) -> None:
        """Print what the command shows when it ends (default: nothing)."""


def get_lab(name: str) -> Lab:
    """The Lab instance registered under `name` (see `LABS`)."""
    if name not in LABS:
        raise ConfigError(f"unknown lab {name!r}; choose one of: {', '.join(LABS)}")
    module, attr = LABS[name].split(":")
    return getattr(importlib.import_module(module), attr)


def run_lab(lab: Lab, config: Any, seed: int = 0, out: str | Path | None = None, *,
            progress: Progress | None = None) -> Result:
    """Run `lab` with `config` and `seed` into the run folder `out` (default `runs/<lab>`); return its Result.

    Progress bars are drawn unless `progress` is given (`overopt.progress.SILENT` draws nothing).
    """
    from overopt.seeding import seed_everything

    if not isinstance(config, lab.Config):
        raise ConfigError(f"lab {lab.name} takes a {lab.Config.__name__}, got {type(config).__name__}")
    if not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise ConfigError(f"seed must be between 0 and {MAX_SEED}, got {seed!r}")
    validate(config)
    lab.prepare(config)
    with start_run(out or Path("runs") / lab.name, kind=lab.name, config=config, seed=seed) as run:
        seed_everything(seed)
        with progress_bars() if progress is None else nullcontext(progress) as bars:
            result = lab.run(config, seed, run, bars)
        if not isinstance(result, Result):
            raise TypeError(f"lab {lab.name}: run() must return a Result, got {type(result).__name__}")
        run.write_json("summary.json", result.summary)
        lab.report(result, run)
    return result


def check_lab(lab: Lab, out: str | Path | None = None, *, seed: int = 0) -> Result:
    """Check that `lab` keeps the lab contract, like gymnasium's `check_env`; raise AssertionError if not.

    Checks the declarations (a `smoke` preset, fresh configs, help on every setting, flags that name real
    settings), then runs the `smoke` preset into `out` (a temporary folder by default) and checks the run
    folder: config.json records kind, seed, config and versions; status.json says complete; summary.json
    holds the result's summary; every declared output exists; curves.csv has a header and rows.
    """
    _check_declarations(lab)
    with (nullcontext(out) if out is not None else tempfile.TemporaryDirectory()) as folder:
        path = Path(folder)
        result = run_lab(lab, lab.config("smoke"), seed, path, progress=SILENT)
        _check_run_folder(lab, result, path, seed)
    return result


def _check_declarations(lab: Lab) -> None:
    for attr in ("name", "title", "Config", "presets"):
        assert getattr(lab, attr, None), f"{type(lab).__name__} must set `{attr}`"
    assert dataclasses.is_dataclass(lab.Config), f"{lab.name}: Config must be a dataclass"
    assert "smoke" in lab.presets, f"{lab.name}: needs a `smoke` preset (the smallest, for check_lab)"
    for name, preset in lab.presets.items():
        a, b = preset.make(), preset.make()
        assert isinstance(a, lab.Config), f"{lab.name}: preset {name} must make a {lab.Config.__name__}"
        assert a is not b and a == b, f"{lab.name}: preset {name} must return a fresh, equal config each time"
        assert preset.help, f"{lab.name}: preset {name} needs its help text"
    for key, _, help_text in describe_settings(lab.config()):
        assert help_text, f"{lab.name}: setting {key} has no help (declare it with `setting(default, help)`)"
    for flag, key in lab.flags.items():
        field_for(lab.config(), key)  # raises ConfigError for a flag that names no setting
        assert flag not in ("preset", "seed", "out", "set", "settings"), f"{lab.name}: flag --{flag} is reserved"


def _check_run_folder(lab: Lab, result: Result, path: Path, seed: int) -> None:
    assert isinstance(result, Result), f"{lab.name}: run() must return a Result, got {type(result).__name__}"
    config = json.loads((path / "config.json").read_text())
    for key in ("kind", "seed", "config", "versions", "torch_threads"):
        assert key in config, f"{lab.name}: config.json lacks {key!r}"
    assert config["kind"] == lab.name and config["seed"] == seed, f"{lab.name}: config.json kind/seed wrong"
    status = json.loads((path / "status.json").read_text())
    assert status["state"] == "complete", f"{lab.name}: status.json says {status['state']!r}"
    written = json.dumps(json.loads((path / "summary.json").read_text()), sort_keys=True)
    assert written == json.dumps(to_jsonable(result.summary), sort_keys=True), \
        f"{lab.name}: summary.json differs from the result's summary"
    for name in lab.outputs:
        assert (path / name).is_file() and (path / name).stat().st_size > 0, f"{lab.name}: no {name} in the run folder"
    if "curves.csv" in lab.outputs:
        with open(path / "curves.csv", newline="") as fh:
            rows = list(csv.reader(fh))
        assert len(rows) >= 2 and all(rows[0]), f"{lab.name}: curves.csv needs a header and at least one row"
        missing = [c for c in (*lab.curve_index, lab.curve_x, *lab.curve_y) if c not in rows[0]]
        assert not missing, f"{lab.name}: curve_index/curve_x/curve_y name columns curves.csv lacks: {missing}"
    absent = [k for k in lab.headlines if not _has_key(result.summary, k)]
    assert not absent, f"{lab.name}: headlines name numbers summary.json lacks: {absent}"


def _has_key(summary: dict[str, Any], dotted: str) -> bool:
    node: Any = summary
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def flatten_summary(summary: dict[str, Any], prefix: str = "") -> dict[str, float]:
    """The numbers of a summary under dotted keys (`naive.fabrication_rate`); booleans count as 0/1."""
    out: dict[str, float] = {}
    for key, value in summary.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten_summary(value, name + "."))
        elif isinstance(value, bool):
            out[name] = float(value)
        elif isinstance(value, (int, float)) and value == value:  # not NaN
            out[name] = float(value)
    return out

