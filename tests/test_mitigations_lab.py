"""`overopt lab mitigations` end to end on the tiny preset: every output, the columns, the monitor."""

import csv
import json

import pytest

from overopt.cli import main


@pytest.fixture
def one_thread(monkeypatch):
    """Tiny models run fastest on one thread (and do not slow down on a busy machine)."""
    import torch

    before = torch.get_num_threads()
    monkeypatch.setenv("OVEROPT_THREADS", "1")
    yield
    torch.set_num_threads(before)


def test_lab_mitigations_tiny_writes_its_outputs(tmp_path, capsys, one_thread):
    out = tmp_path / "m"
    with pytest.raises(SystemExit) as e:
        main(["lab", "mitigations", "--preset", "tiny", "--seed", "0", "--out", str(out), "--rl-steps", "4",
              "--betas", "0.2"])
    assert e.value.code == 0
    rows = list(csv.DictReader(open(out / "mitigations.csv")))
    rl = {r["method"] for r in rows if r["optimizer"] == "rl"}
    assert {"single", "mean", "wco", "uwo", "beta=0.2", "wco+beta=0.2", "monitor"} <= rl
    assert {r["method"] for r in rows if r["optimizer"] == "bon"} == {"single", "mean", "wco", "uwo"}
    for r in rows:
        for col in ("final_gold", "peak_gold", "gold_drop", "kl_at_peak"):
            float(r[col])
        assert float(r["gold_drop"]) >= 0
    mon = json.loads((out / "monitor.json").read_text())
    for key in ("stop_step", "stop_kl", "gold_peak_kl", "stopped_gold", "peak_gold"):
        assert mon[key] is not None
    assert mon["stop_step"] in (0, 2, 4)
    curves = list(csv.DictReader(open(out / "curves.csv")))
    assert {"test_rm", "ens_wco", "gold", "optimized"} <= set(curves[0])
    for f in ("ensembles.png", "kl_sweep.png", "monitor.png", "report.md", "monitor/monitor.jsonl"):
        assert (out / f).stat().st_size > 0
    assert json.loads((out / "status.json").read_text())["state"] == "complete"
    assert "monitor" in (out / "report.md").read_text()


def test_lab_mitigations_rejects_bad_options(tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        main(["lab", "mitigations", "--preset", "huge", "--out", str(tmp_path / "x")])
    assert e.value.code == 2 and "unknown preset" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        main(["lab", "mitigations", "--betas", "0.1,x", "--out", str(tmp_path / "y")])
    assert e.value.code == 2 and "--betas" in capsys.readouterr().err
