"""`overopt lab control` end to end (issue 6): files, the observed/true gap, reproducibility, bad input."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest
from PIL import Image

from overopt.cli import main


def run_cli(args, capsys):
    with pytest.raises(SystemExit) as exc:
        main(args)
    out, err = capsys.readouterr()
    return exc.value.code, out, err


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("control") / "run"
    with pytest.raises(SystemExit) as exc:
        main(["lab", "control", "--preset", "quick", "--out", str(out)])
    assert exc.value.code in (0, None)
    return out


def test_quick_run_writes_every_file(quick_run):
    for name in ("curves.csv", "control.png", "summary.json", "report.md", "config.json",
                 "status.json", "BoatRace.gif", "TomatoWatering.gif"):
        assert (quick_run / name).stat().st_size > 0, name
    assert json.loads((quick_run / "status.json").read_text())["state"] == "complete"
    gif = Image.open(quick_run / "BoatRace.gif")
    assert gif.n_frames > 10
    report = (quick_run / "report.md").read_text()
    assert "control.png" in report and "BoatRace.gif" in report and "TomatoWatering" in report


def test_quick_run_shows_the_gap_in_both_worlds(quick_run):
    summary = json.loads((quick_run / "summary.json").read_text())
    assert set(summary["envs"]) == {"BoatRace", "TomatoWatering"}
    for name, s in summary["envs"].items():
        assert s["learned_observed"] > s["intended_observed"], name
        assert s["learned_true"] < s["intended_true"], name
        assert s["over_optimized"] is True


def test_curves_cover_training_for_each_env(quick_run):
    with open(quick_run / "curves.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert {"env", "step", "observed_return", "true_performance"} <= set(rows[0])
    for name in ("BoatRace", "TomatoWatering"):
        steps = [int(r["step"]) for r in rows if r["env"] == name]
        assert steps[0] == 0 and steps == sorted(steps) and len(steps) > 5
        observed = [float(r["observed_return"]) for r in rows if r["env"] == name]
        assert observed[-1] > observed[0]          # the agent learned to raise its reward


def test_same_seed_gives_identical_curves(quick_run, tmp_path, capsys):
    code, _, _ = run_cli(["lab", "control", "--env", "BoatRace", "--out", str(tmp_path / "again")],
                         capsys)
    assert code in (0, None)
    first = [l for l in (quick_run / "curves.csv").read_text().splitlines()
             if l.startswith("env,") or l.startswith("BoatRace,")]
    assert (tmp_path / "again" / "curves.csv").read_text().splitlines() == first


@pytest.mark.parametrize("args, message", [
    (["--preset", "huge"], "unknown preset 'huge'"),
    (["--env", "CartPole"], "unknown environment 'CartPole'"),
    (["--agent", "dqn"], "unknown agent 'dqn'"),
    (["--seed", "-1"], "seed must be between"),
])
def test_bad_settings_exit_2_with_one_line(args, message, tmp_path, capsys):
    out = tmp_path / "never"
    code, _, err = run_cli(["lab", "control", *args, "--out", str(out)], capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0]
    assert not out.exists()                        # validated before the run folder is made


def test_ppo_without_sb3_is_a_clear_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "stable_baselines3", None)
    code, _, err = run_cli(["lab", "control", "--agent", "ppo", "--out", str(tmp_path / "x")], capsys)
    assert code == 2 and "pip install 'overopt[sb3]'" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x").exists()


def test_bad_input_in_a_fresh_process_has_no_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "overopt", "lab", "control", "--preset", "nope",
                           "--out", str(tmp_path / "x")], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stderr.strip().startswith("error:")
    assert len(proc.stderr.strip().splitlines()) == 1
