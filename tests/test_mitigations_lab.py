"""`overopt lab mitigations` on the smoke preset: the lab contract, every output, the command's flags, the
monitor; and the summary arithmetic on hand-made curves."""

import csv
import json
import math

import pytest

from overopt.cli import main
from overopt.labs import check_lab, get_lab
from overopt.worlds.mitigations._summary import monitor_summary, summarize_curve, summary_rows


@pytest.fixture
def one_thread(monkeypatch):
    """Tiny models run fastest on one thread (and do not slow down on a busy machine)."""
    import torch

    before = torch.get_num_threads()
    monkeypatch.setenv("OVEROPT_THREADS", "1")
    yield
    torch.set_num_threads(before)


def test_mitigations_lab_keeps_the_contract_and_writes_every_output(tmp_path, one_thread):
    out = tmp_path / "m"
    result = check_lab(get_lab("mitigations"), out)  # the smoke preset: 2 members, β = 0.2, 6 GRPO steps
    rows = list(csv.DictReader(open(out / "mitigations.csv")))
    rl = {r["method"] for r in rows if r["optimizer"] == "rl"}
    assert {"single", "mean", "wco", "uwo", "beta=0.2", "wco+beta=0.2", "monitor"} <= rl
    assert {r["method"] for r in rows if r["optimizer"] == "bon"} == {"single", "mean", "wco", "uwo"}
    for r in rows:
        for col in ("final_gold", "peak_gold", "gold_drop", "kl_at_peak"):
            float(r[col])
        assert float(r["gold_drop"]) >= 0
    assert [r["method"] for r in result.rows] == [r["method"] for r in rows]
    mon = json.loads((out / "monitor.json").read_text())
    for key in ("stop_step", "stop_kl", "gold_peak_kl", "stopped_gold", "peak_gold"):
        assert mon[key] is not None
    assert mon["stop_step"] in (0, 2, 4, 6)
    assert mon == result.monitor
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary) == {"info", "rows", "monitor", "drop_vs_single"}
    for r in summary["rows"]:  # the headline table restates each row's ratio
        if r["method"] != "monitor":
            assert summary["drop_vs_single"][r["optimizer"]][r["method"]] == r["drop_vs_single"]
    assert len(summary["info"]["rm"]["member_held_out_accuracy"]) == 2
    curves = list(csv.DictReader(open(out / "curves.csv")))
    assert {"test_rm", "ens_wco", "gold", "optimized"} <= set(curves[0])
    assert len(curves) == len(result.points)
    ens = [c for c in curves if c["run"] == "wco" and c["method"] == "rl"]
    assert ens and all(c["optimized"] == c["ens_wco"] for c in ens)  # the reward each run maximized
    assert (out / "monitor/monitor.jsonl").stat().st_size > 0
    assert "monitor" in (out / "report.md").read_text()


def test_lab_mitigations_command_applies_its_flags(tmp_path, capsys, one_thread):
    out = tmp_path / "m"
    with pytest.raises(SystemExit) as e:
        main(["lab", "mitigations", "--preset", "smoke", "--seed", "1", "--out", str(out), "--rl-steps", "2",
              "--betas", "0.3", "--member-data", "bootstrap", "--monitor-every", "3", "--uwo-lambda", "1.5"])
    assert e.value.code == 0
    config = json.loads((out / "config.json").read_text())
    assert config["kind"] == "mitigations" and config["seed"] == 1
    cfg = config["config"]
    assert (cfg["rl"]["steps"], cfg["betas"], cfg["member_data"], cfg["monitor"]["every"], cfg["uwo_lambda"]) \
        == (2, [0.3], "bootstrap", 3, 1.5)
    rl = {r["method"] for r in csv.DictReader(open(out / "mitigations.csv")) if r["optimizer"] == "rl"}
    assert {"beta=0.3", "wco+beta=0.3"} <= rl and "beta=0.2" not in rl
    steps = {int(c["step"]) for c in csv.DictReader(open(out / "curves.csv")) if c["method"] == "rl"}
    assert steps == {0, 2}
    err = capsys.readouterr().err
    assert "monitor: kept step" in err and f"done: {out}/report.md" in err


@pytest.mark.parametrize("args, words", [
    (["--preset", "huge"], "unknown preset"),
    (["--betas", "0.1,x"], "--betas"),
    (["--betas", "-0.1"], "betas must be >= 0"),
    (["--ensemble-size", "1"], "ensemble_size must be >= 2"),
    (["--uwo-lambda", "-1"], "uwo_lambda must be >= 0"),
    (["--member-data", "half"], "member_data must be 'same' or 'bootstrap'"),
    (["--monitor-every", "0"], "monitor.every must be a positive integer"),
    (["--rl-steps", "0"], "rl.steps must be >= 1"),
    (["--set", "test_rm_pairs=0"], "test_rm_pairs must be a positive integer"),
    (["--set", "monitor.mode=loud"], "monitor.mode must be one of"),
])
def test_lab_mitigations_rejects_bad_values(tmp_path, capsys, args, words):
    out = tmp_path / "x"
    with pytest.raises(SystemExit) as e:
        main(["lab", "mitigations", "--out", str(out), *args])
    err = capsys.readouterr().err.strip()
    assert e.value.code == 2 and err.startswith("error: ") and "\n" not in err and words in err
    assert not out.exists()  # checked before the run folder is made


def _point(run, method, step, gold, kl=0.0, setting=0):
    return {"run": run, "method": method, "step": step, "setting": setting, "kl": kl, "gold": gold,
            "optimized": 10.0 + step, "test_rm": -gold}


def test_summary_rows_measure_drops_against_the_single_rm():
    points = [_point("single", "rl", s, g, kl=s / 10) for s, g in ((0, 0.0), (5, 2.0), (10, 1.0), (15, 0.5))]
    points += [_point("wco", "rl", s, g, kl=s / 10) for s, g in ((0, 0.0), (5, 1.0), (10, 1.5), (15, 1.25))]
    points += [_point("single", "bon", 0, g, setting=n) for n, g in ((1, 0.0), (2, 1.0), (4, 0.0), (8, 0.5))]
    single = summarize_curve([p for p in points if p["run"] == "single" and p["method"] == "rl"])
    assert (single["peak_gold"], single["peak_step"], single["final_gold"]) == (2.0, 5, 0.5)
    assert single["gold_drop"] == single["max_dip"] == 1.5 and single["final_optimized"] == 25.0
    bon = summarize_curve([p for p in points if p["method"] == "bon"])
    assert bon["max_dip"] == 1.0 and bon["gold_drop"] == 0.5 and bon["peak_setting"] == 2

    stopped = {"gold": 1.8, "kl": 0.55, "proxy": 3.0, "test_rm": 0.2}
    monitor = monitor_summary(None, stopped, [p for p in points if p["run"] == "single" and p["method"] == "rl"])
    assert monitor["stopped_gold"] is None  # no monitor result: nothing stopped
    rows = summary_rows(points, {**monitor, "stopped_gold": 1.8}, stopped)
    by = {(r["optimizer"], r["method"]): r for r in rows}
    assert list(by) == [("rl", "single"), ("rl", "wco"), ("bon", "single"), ("rl", "monitor")]
    assert by["rl", "single"]["drop_vs_single"] == 1.0
    assert math.isclose(by["rl", "wco"]["drop_vs_single"], 0.25 / 1.5)
    assert math.isclose(by["rl", "monitor"]["gold_drop"], 0.2) and by["rl", "monitor"]["peak_step"] == 5
    assert math.isclose(by["rl", "monitor"]["drop_vs_single"], 0.2 / 1.5)
    assert by["bon", "single"]["drop_vs_single"] == 1.0
