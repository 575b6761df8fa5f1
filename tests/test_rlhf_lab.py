"""End-to-end runs of `overopt lab rlhf` (smoke preset and tiny random checkpoints) and its bad input."""

import csv
import math
import json
import subprocess
import sys

import pytest

from overopt.cli import main


def run_cli(*args):
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    return exc.value.code


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("lab") / "run"
    assert run_cli("lab", "rlhf", "--preset", "smoke", "--seed", "3", "--out", str(out)) in (0, None)
    return out


def test_tiny_lab_writes_a_complete_run_folder(tiny_run):
    for name in ("curves.csv", "fits.json", "overoptimization.png", "config.json", "report.md", "summary.json"):
        assert (tiny_run / name).is_file(), name
    assert json.loads((tiny_run / "status.json").read_text())["state"] == "complete"
    config = json.loads((tiny_run / "config.json").read_text())
    assert config["seed"] == 3 and config["config"]["preset"] == "smoke"
    assert {"torch", "transformers", "trl", "python"} <= set(config["versions"])
    rows = list(csv.DictReader(open(tiny_run / "curves.csv")))
    assert {"method", "setting", "step", "kl", "sqrt_kl", "proxy", "gold", "implicit_margin"} <= set(rows[0])
    assert {r["method"] for r in rows} == {"bon", "rl", "dpo"}
    bon = [r for r in rows if r["method"] == "bon"]
    rl = [r for r in rows if r["method"] == "rl"]
    assert [int(r["setting"]) for r in bon] == [1, 2, 4, 8, 16, 32, 64]
    assert float(bon[0]["kl"]) == 0.0 and float(bon[-1]["kl"]) == pytest.approx(math.log(64) - 63 / 64, abs=1e-8)
    assert [int(r["step"]) for r in rl] == [0, 2, 4, 6]
    assert all(float(r["kl"]) >= 0 for r in rl)
    # best-of-n with a larger n can only raise the expected proxy score
    proxies = [float(r["proxy"]) for r in bon]
    assert all(b >= a - 1e-9 for a, b in zip(proxies, proxies[1:]))
    fits = json.loads((tiny_run / "fits.json").read_text())
    assert set(fits) == {"bon", "rl", "dpo"} and all("r2" in f for f in fits.values())
    assert "![proxy and gold vs sqrt KL](overoptimization.png)" in (tiny_run / "report.md").read_text()


def test_same_seed_gives_identical_curves(tiny_run, tmp_path):
    again = tmp_path / "again"
    assert run_cli("lab", "rlhf", "--preset", "smoke", "--seed", "3", "--out", str(again)) in (0, None)
    assert (again / "curves.csv").read_text() == (tiny_run / "curves.csv").read_text()


@pytest.mark.parametrize("args,needle", [
    (["--preset", "huge"], "unknown preset 'huge'"),
    (["--n-max", "0"], "measure.bon_max_n must be a positive integer"),
    (["--n-max", "-4"], "measure.bon_max_n must be a positive integer"),
    (["--n-max", "100"], "power of two"),
    (["--n-max", "lots"], "--n-max: expected an integer, got 'lots'"),
    (["--rl-steps", "-1"], "rl.steps must be >= 0"),
    (["--learning-rate", "0"], "rl.learning_rate must be positive"),
    (["--set", "rl.num_generations=1"], "rl.num_generations must be at least 2"),
    (["--set", "rl.stepz=3"], "unknown setting 'rl.stepz'"),
    (["--set", "rl=3"], "rl is a group of settings"),
    (["--set", "steps"], "--set expects key=value"),
    (["--gold-rm", "x"], "your own run needs --policy, --proxy-rm and --prompts"),
])
def test_bad_settings_give_one_line_and_exit_2(args, needle, tmp_path, capsys):
    out = tmp_path / "never"
    assert run_cli("lab", "rlhf", *args, "--out", str(out)) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and needle in err and "\n" not in err
    assert not out.exists()  # nothing half-written


def test_set_changes_any_setting_and_settings_lists_them(tmp_path, capsys):
    assert run_cli("lab", "rlhf", "--preset", "smoke", "--set", "rl.steps=2", "--set", "reward_model.lr=0.01",
                   "--n-max", "8", "--settings") in (0, None)
    out = capsys.readouterr().out
    for key, value in (("rl.steps", "2"), ("reward_model.lr", "0.01"), ("measure.bon_max_n", "8")):
        assert any(line.split("│")[1:3] and key in line.split("│")[1] and value in line.split("│")[2]
                   for line in out.splitlines() if line.count("│") >= 3), (key, value)
    assert not (tmp_path / "runs").exists()  # --settings runs nothing


def test_bad_input_from_a_subprocess_has_no_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "overopt", "lab", "rlhf", "--policy", str(tmp_path / "nope"),
                           "--proxy-rm", str(tmp_path), "--prompts", str(tmp_path / "p.jsonl"),
                           "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip() == f"error: {tmp_path / 'nope'}: policy not found (expected a local Hugging Face model folder)"


# ---- real checkpoints: tiny random models saved to a temp folder ------------------------------


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory):
    from transformers import LlamaConfig, LlamaForCausalLM, LlamaForSequenceClassification

    from overopt.models.tiny import word_tokenizer

    root = tmp_path_factory.mktemp("ckpt")
    tok = word_tokenizer([f"w{i}" for i in range(20)])
    common = dict(vocab_size=len(tok), hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                  num_attention_heads=2, num_key_value_heads=2, pad_token_id=tok.pad_token_id,
                  eos_token_id=tok.eos_token_id, bos_token_id=tok.bos_token_id)
    LlamaForCausalLM(LlamaConfig(**common)).save_pretrained(root / "policy")
    LlamaForSequenceClassification(LlamaConfig(**common, num_labels=1)).save_pretrained(root / "proxy")
    LlamaForSequenceClassification(LlamaConfig(**common, num_labels=1)).save_pretrained(root / "gold")
    for name in ("policy", "proxy", "gold"):
        tok.save_pretrained(root / name)
    prompts = root / "prompts.jsonl"
    prompts.write_text("".join(json.dumps({"prompt": f"<bos> w{i} w{i + 1}"}) + "\n" for i in range(10)))
    return root


def test_own_checkpoints_with_gold(checkpoints, tmp_path):
    out = tmp_path / "mine"
    code = run_cli("lab", "rlhf", "--policy", str(checkpoints / "policy"), "--proxy-rm", str(checkpoints / "proxy"),
                   "--gold-rm", str(checkpoints / "gold"), "--prompts", str(checkpoints / "prompts.jsonl"),
                   "--n-max", "8", "--rl-steps", "2", "--max-new-tokens", "6", "--out", str(out))
    assert code in (0, None)
    rows = list(csv.DictReader(open(out / "curves.csv")))
    assert {r["method"] for r in rows} == {"bon", "rl"}
    assert all(r["gold"] != "" for r in rows)
    assert json.loads((out / "status.json").read_text())["state"] == "complete"
    assert (out / "overoptimization.png").is_file()


def test_own_checkpoints_without_gold_measure_proxy_and_kl_only(checkpoints, tmp_path):
    out = tmp_path / "nogold"
    code = run_cli("lab", "rlhf", "--policy", str(checkpoints / "policy"), "--proxy-rm", str(checkpoints / "proxy"),
                   "--prompts", str(checkpoints / "prompts.jsonl"), "--n-max", "4", "--rl-steps", "0",
                   "--max-new-tokens", "5", "--out", str(out))
    assert code in (0, None)
    rows = list(csv.DictReader(open(out / "curves.csv")))
    assert rows and all(r["gold"] == "" and r["proxy"] != "" for r in rows)
    assert json.loads((out / "fits.json").read_text()) == {}
    assert "No gold reward model" in (out / "report.md").read_text()


@pytest.mark.parametrize("content,needle", [
    ('{"prompt": "<bos> w1"}\n{"prompt": \n', "prompts.jsonl:2: not a JSON line"),
    ('{"prompt": "<bos> w1"}\n["x"]\n', 'prompts.jsonl:2: expected an object with a non-empty string "prompt"'),
    ("\n\n", "prompts.jsonl: no prompts in file"),
])
def test_malformed_prompts_name_file_and_line(checkpoints, tmp_path, capsys, content, needle):
    bad = tmp_path / "prompts.jsonl"
    bad.write_text(content)
    code = run_cli("lab", "rlhf", "--policy", str(checkpoints / "policy"), "--proxy-rm", str(checkpoints / "proxy"),
                   "--prompts", str(bad), "--out", str(tmp_path / "out"))
    assert code == 2
    assert needle in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_model_folder_without_config_is_rejected(checkpoints, tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    code = run_cli("lab", "rlhf", "--policy", str(checkpoints / "policy"), "--proxy-rm", str(empty),
                   "--prompts", str(checkpoints / "prompts.jsonl"), "--out", str(tmp_path / "out"))
    assert code == 2
    assert "proxy reward model has no config.json" in capsys.readouterr().err


def test_sweeps_write_one_curve_per_value_and_a_figure_per_axis(tmp_path):
    from overopt.labs import run_lab
    from overopt.progress import SILENT
    from overopt.worlds.rlhf.lab import RLHF_LAB, SweepConfig

    cfg = RLHF_LAB.config("smoke")
    cfg.sweeps = SweepConfig(rm_hidden_sizes=[16], rm_pairs=[200, 400], betas=[0.0, 0.1])
    run_lab(RLHF_LAB, cfg, 1, tmp_path / "sweep", progress=SILENT)
    rows = list(csv.DictReader(open(tmp_path / "sweep" / "curves.csv")))
    for sweep, variants in {"rm_size": {"16"}, "rm_pairs": {"200", "400"}, "beta": {"0.0", "0.1"}}.items():
        assert {r["variant"] for r in rows if r["sweep"] == sweep} == variants
        assert (tmp_path / "sweep" / f"sweep_{sweep}.png").is_file()
    assert {r["method"] for r in rows if r["sweep"] == "rm_pairs"} == {"bon", "rl"}
    assert {r["method"] for r in rows if r["sweep"] == "beta"} == {"rl"}
    beta_rl = [r for r in rows if r["sweep"] == "beta" and r["variant"] == "0.1"]
    assert beta_rl and all(r["setting"] == "0.1" for r in beta_rl)
