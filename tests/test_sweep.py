"""`overopt sweep`: the plan, the bootstrap, local workers and Ray giving the same results, resume, failures."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from overopt.cli import main
from overopt.errors import ConfigError, InputError
from overopt.sweep import SweepPlan, bootstrap_mean, parse_grid, parse_seeds, run_sweep
from overopt.sweep._execute import local_workers


def run_cli(*args):
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    return exc.value.code


def test_seeds_and_grid_parse_and_name_the_runs():
    assert parse_seeds("0-3,7,2") == [0, 1, 2, 3, 7]
    for bad in ("x", "3-1", "1-", ""):
        with pytest.raises(ConfigError, match="--seeds"):
            parse_seeds(bad)
    grid = parse_grid(["rl.beta=0,0.1", "measure.bon_max_n=64"])
    assert grid == {"rl.beta": ["0", "0.1"], "measure.bon_max_n": ["64"]}
    for bad in (["rl.beta"], ["=1"], ["a=1", "a=2"]):
        with pytest.raises(ConfigError, match="--grid"):
            parse_grid(bad)
    runs = SweepPlan("rlhf", [0, 1], settings=["rl.steps=3"], grid=grid).runs()
    assert [r.name for r in runs] == ["rl.beta=0,measure.bon_max_n=64,seed=0", "rl.beta=0,measure.bon_max_n=64,seed=1",
                                      "rl.beta=0.1,measure.bon_max_n=64,seed=0", "rl.beta=0.1,measure.bon_max_n=64,seed=1"]
    assert runs[2].settings == ("rl.steps=3", "rl.beta=0.1", "measure.bon_max_n=64")


def test_a_bad_plan_fails_before_any_run(tmp_path):
    with pytest.raises(ConfigError, match="unknown setting"):
        run_sweep(SweepPlan("control", [0], preset="smoke", grid={"qlearning.episodez": ["1"]}), tmp_path / "s")
    with pytest.raises(ConfigError, match="unknown lab"):
        run_sweep(SweepPlan("nope", [0]), tmp_path / "s")
    assert not (tmp_path / "s").exists()


def test_bootstrap_interval_has_its_nominal_coverage():
    rng = np.random.default_rng(1)
    covered = 0
    for trial in range(300):
        x = rng.normal(2.0, 1.0, size=20)
        mean, lo, hi = bootstrap_mean(list(x), seed=trial)
        assert mean == pytest.approx(x.mean()) and lo < mean < hi
        covered += lo <= 2.0 <= hi
    assert 0.88 <= covered / 300 <= 0.99
    assert bootstrap_mean([3.0, 3.0, 3.0]) == (3.0, 3.0, 3.0)
    assert bootstrap_mean([1.5]) == (1.5, None, None)
    assert bootstrap_mean([1.0, 2.0, 4.0]) == bootstrap_mean([1.0, 2.0, 4.0])  # seeded: the same every time


def test_workers_times_threads_never_exceed_the_cores():
    import os

    cores = len(os.sched_getaffinity(0))
    for threads in (1, 2, 3, cores, cores + 1):
        assert local_workers(threads) == max(1, cores // threads)


@pytest.fixture(scope="module")
def local_sweep(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep") / "control"
    plan = SweepPlan("control", [0, 1, 2], preset="smoke", grid={"qlearning.episodes": ["10", "30"]})
    return out, plan, run_sweep(plan, out, use_ray=False)


def test_local_sweep_aggregates_every_seed(local_sweep):
    out, plan, summary = local_sweep
    assert summary["complete"] == 6 and not summary["failed"] and "local worker processes" in summary["engine"]
    assert [p["label"] for p in summary["points"]] == ["qlearning.episodes=10", "qlearning.episodes=30"]
    for i, point in enumerate(summary["points"]):
        assert (out / f"bands-{i}.png").is_file() and point["seeds"] == [0, 1, 2]
        runs = [f"qlearning.episodes={point['point']['qlearning.episodes']},seed={s}" for s in (0, 1, 2)]
        gaps = [json.loads((out / "runs" / r / "summary.json").read_text())["envs"]["TomatoWatering"]["true_gap"]
                for r in runs]
        stat = point["statistics"]["envs.TomatoWatering.true_gap"]
        assert stat["values"] == gaps and stat["mean"] == pytest.approx(np.mean(gaps)) and stat["n"] == 3
    # each aggregate row is the mean of the seeds' rows at that point
    rows = list(csv.DictReader(open(out / "aggregate.csv")))
    row = next(r for r in rows if r["qlearning.episodes"] == "30" and r["env"] == "BoatRace" and r["step"] != "0")
    values = []
    for s in (0, 1, 2):
        seed_rows = csv.DictReader(open(out / "runs" / f"qlearning.episodes=30,seed={s}" / "curves.csv"))
        values += [float(r["observed_return"]) for r in seed_rows if r["env"] == "BoatRace" and r["step"] == row["step"]]
    assert float(row["observed_return_mean"]) == pytest.approx(np.mean(values)) and row["seeds"] == "3"
    report = (out / "report.md").read_text()
    assert "envs.BoatRace.true_gap" in report and "![curves across seeds](bands-1.png)" in report


def test_a_second_call_resumes_and_a_different_plan_is_refused(local_sweep):
    out, plan, _ = local_sweep
    stamps = {p: p.stat().st_mtime_ns for p in (out / "runs").glob("*/status.json")}
    (out / "runs" / "qlearning.episodes=10,seed=1" / "status.json").unlink()  # as if killed mid-run
    summary = run_sweep(plan, out, use_ray=False)
    assert summary["complete"] == 6
    rerun = [p for p in stamps if not p.exists() or p.stat().st_mtime_ns != stamps[p]]
    assert [p.parent.name for p in rerun] == ["qlearning.episodes=10,seed=1"]
    with pytest.raises(InputError, match="different sweep"):
        run_sweep(SweepPlan("control", [0, 1], preset="smoke"), out, use_ray=False)


def test_a_failing_run_is_retried_once_then_recorded(tmp_path, capsys):
    out = tmp_path / "fail"
    code = run_cli("sweep", "checkpoints", "--seeds", "0", "--local", "--set", f"policy={tmp_path / 'nope'}",
                   "--set", f"proxy_rm={tmp_path}", "--set", f"prompts={tmp_path / 'p.jsonl'}", "--out", str(out))
    assert code == 1
    state = json.loads((out / "sweep.json").read_text())["runs"]["seed=0"]
    assert state["state"] == "failed" and state["attempts"] == 2 and "policy not found" in state["error"]
    assert "policy not found" in (out / "report.md").read_text()


@pytest.mark.parametrize("args,needle", [
    (["control", "--seeds", "a-b"], "--seeds expects"),
    (["nope", "--seeds", "0"], "unknown lab 'nope'"),
    (["control", "--grid", "agent"], "--grid expects"),
    (["control", "--threads-per-run", "0"], "--threads-per-run must be a positive integer"),
])
def test_bad_sweep_input_gives_one_line_and_exit_2(args, needle, tmp_path, capsys):
    assert run_cli("sweep", *args, "--out", str(tmp_path / "x")) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and needle in err and "\n" not in err


def test_ray_gives_the_same_results_as_local_workers(local_sweep, tmp_path):
    out, plan, local = local_sweep
    on_ray = run_sweep(plan, tmp_path / "ray", use_ray=True)
    assert on_ray["engine"].startswith("Ray (local") and on_ray["complete"] == 6
    assert on_ray["points"] == json.loads(json.dumps(local["points"]))
    assert (tmp_path / "ray" / "aggregate.csv").read_text() == (out / "aggregate.csv").read_text()


def test_band_series_are_training_runs_or_settings_of_one_method():
    from overopt.sweep._aggregate import _series
    from overopt.worlds.rlhf.lab import RLHF_LAB

    def row(method, setting, step):
        return {"sweep": "main", "variant": "", "method": method, "setting": setting, "step": step}

    rows = ([row("bon", str(n), "0") for n in (1, 2, 4)] + [row("rl", "0.0", str(s)) for s in (0, 5, 10)]
            + [row("dpo", b, str(s)) for b in ("0.01", "0.1") for s in (0, 20)])
    series = _series(RLHF_LAB, rows)
    sizes = {" ".join(v for v in key if v and v != "main"): len(pts) for key, pts in series.items()}
    assert sizes == {"bon": 3, "rl 0.0": 3, "dpo 0.01": 2, "dpo 0.1": 2}
