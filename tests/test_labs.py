"""The lab contract: every lab passes `check_lab`; the runner, settings, generated commands and public API."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from dataclasses import dataclass

import pytest

import overopt
from overopt.configs import apply_settings, check, describe_settings, parse_value, setting
from overopt.errors import ConfigError, OveroptError
from overopt.labs import LABS, Lab, Preset, Result, check_lab, get_lab, run_lab
from overopt.progress import SILENT


@pytest.mark.parametrize("name", sorted(LABS))
def test_every_lab_keeps_the_contract(name, tmp_path):
    result = check_lab(get_lab(name), tmp_path / name, seed=1)
    assert isinstance(result, Result)


# ---- a toy lab, to show what check_lab catches ----------------------------------------------------------


@dataclass
class ToyConfig:
    steps: int = setting(3, "Points on the curve.")

    def __post_init__(self) -> None:
        check(self.steps >= 1, f"steps must be >= 1, got {self.steps}")


class ToyLab(Lab[ToyConfig, Result]):
    """A toy lab: a straight line."""

    name = "toy"
    title = "a straight line"
    Config = ToyConfig
    presets = {"quick": Preset(ToyConfig, "three points"), "smoke": Preset(lambda: ToyConfig(steps=1), "one point")}
    flags = {"steps": "steps"}

    def run(self, config, seed, run_dir, progress):
        curves = run_dir.csv("curves.csv", ["step", "value"])
        task = progress.task("toy", total=config.steps)
        for step in range(config.steps):
            curves.write({"step": step, "value": step * 2.0})
            task.advance()
        curves.close()
        return Result(summary={"last": 2.0 * (config.steps - 1)})

    def report(self, result, run_dir):
        run_dir.file("report.md").write_text(f"last: {result.summary['last']}\n")


def test_a_lab_that_keeps_the_contract_passes(tmp_path):
    check_lab(ToyLab(), tmp_path / "toy")
    config = json.loads((tmp_path / "toy" / "config.json").read_text())
    assert config["kind"] == "toy" and config["config"] == {"steps": 1}


@pytest.mark.parametrize("breakage,message", [
    (lambda lab: setattr(lab, "presets", {"quick": lab.presets["quick"]}), "smoke"),
    (lambda lab: setattr(lab, "flags", {"steps": "stepz"}), "unknown setting"),
    (lambda lab: setattr(lab, "report", lambda result, run_dir: None), "report.md"),
    (lambda lab: setattr(lab, "run", lambda c, s, r, p: {"not": "a Result"}), "Result"),
])
def test_check_lab_catches_a_broken_lab(breakage, message, tmp_path):
    lab = ToyLab()
    breakage(lab)
    with pytest.raises((AssertionError, ConfigError, TypeError), match=message):
        check_lab(lab, tmp_path / "broken")


def test_a_failing_run_leaves_a_failed_status_and_the_rows_so_far(tmp_path):
    lab = ToyLab()
    original = lab.run

    def crash(config, seed, run_dir, progress):
        original(config, seed, run_dir, progress)
        raise RuntimeError("boom")

    lab.run = crash
    with pytest.raises(RuntimeError):
        run_lab(lab, ToyConfig(steps=2), 0, tmp_path / "crash", progress=SILENT)
    status = json.loads((tmp_path / "crash" / "status.json").read_text())
    assert status["state"] == "failed" and "boom" in status["error"]
    assert len((tmp_path / "crash" / "curves.csv").read_text().splitlines()) == 3


def test_the_runner_rejects_a_bad_seed_or_config_before_writing(tmp_path):
    with pytest.raises(ConfigError, match="seed must be between"):
        run_lab(ToyLab(), ToyConfig(), -1, tmp_path / "a", progress=SILENT)
    bad = ToyConfig()
    bad.steps = 0
    with pytest.raises(ConfigError, match="steps must be >= 1"):
        run_lab(ToyLab(), bad, 0, tmp_path / "b", progress=SILENT)
    with pytest.raises(ConfigError, match="takes a ToyConfig"):
        run_lab(ToyLab(), {"steps": 1}, 0, tmp_path / "c", progress=SILENT)
    assert not any((tmp_path / d).exists() for d in "abc")


# ---- settings declared once ------------------------------------------------------------------------------


def test_settings_parse_validate_and_describe_themselves():
    from overopt.worlds.rlhf.lab import RLHFLabConfig

    cfg = apply_settings(RLHFLabConfig(), ["rl.steps=7", "measure.bon_max_n=64", "reward_model.size.hidden_size=32"])
    assert (cfg.rl.steps, cfg.measure.bon_max_n, cfg.reward_model.size.hidden_size) == (7, 64, 32)
    assert cfg.measure.bon_ns == [1, 2, 4, 8, 16, 32, 64]
    keys = {key for key, _, help_text in describe_settings(cfg) if help_text}
    assert {"rl.steps", "measure.bon_max_n", "reference.policy.hidden_size"} <= keys
    with pytest.raises(ConfigError, match="multiple of num_heads"):
        apply_settings(RLHFLabConfig(), ["reward_model.size.hidden_size=30"])
    with pytest.raises(ConfigError, match="rl.steps: expected an integer, got '1.5'"):
        apply_settings(RLHFLabConfig(), ["rl.steps=1.5"])


@pytest.mark.parametrize("text,tp,value", [
    ("3", int, 3), ("0.5", float, 0.5), ("yes", bool, True), ("off", bool, False), ("a,b", list[str], ["a", "b"]),
    ("1, 2", tuple[int, ...], (1, 2)), ("none", int | None, None), ("4", int | None, 4), ("x", str, "x"),
])
def test_values_parse_from_the_command_line(text, tp, value):
    assert parse_value(text, tp, "key") == value


def test_a_setting_needs_its_help_and_config_errors_are_value_errors():
    with pytest.raises(TypeError, match="help"):
        setting(3)
    assert issubclass(ConfigError, ValueError) and issubclass(ConfigError, OveroptError)


def test_every_lab_config_field_is_a_setting_with_help():
    for name in LABS:
        lab = get_lab(name)
        for key, _, help_text in describe_settings(lab.config()):
            assert help_text, f"{name}: {key}"
        assert all(f.metadata.get("help") for f in dataclasses.fields(lab.Config)), name


# ---- the public API --------------------------------------------------------------------------------------


def test_every_public_name_resolves():
    for name in overopt.__all__:
        assert getattr(overopt, name) is not None, name
    assert overopt.get_lab("rlhf").Config is overopt.RLHFLabConfig


def test_importing_overopt_loads_no_heavy_library():
    code = "import sys, overopt; print(sorted(m for m in ('torch', 'transformers', 'trl') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
