"""Direct alignment (DPO, IPO): the optimizer, the KL and implicit-margin measurements on its checkpoints, the
lab's curve rows, summary and figures, and the checkpoint mode's --dpo-pairs."""

import copy
import csv
import json

import numpy as np
import pytest
import torch

from helpers import run_cli
from overopt.errors import ConfigError
from overopt.measure.fits import fit_points
from overopt.measure.implicit import ImplicitMargin
from overopt.measure.kl import completion_log_prob, sequence_kl
from overopt.models.tiny import TinyConfig, causal_lm, word_tokenizer
from overopt.optimize.dpo import DirectAlignmentConfig, spaced_pairs, train_dpo
from overopt.optimize.sampling import encode, sample
from overopt.rewards.reward_model import PreferencePairs
from overopt.worlds.rlhf.lab import direct_alignment_summary
from test_kl import _exact_sequence_kl

SIZE = TinyConfig(hidden_size=16, num_layers=1, num_heads=2, intermediate_size=32, max_positions=16)


@pytest.fixture(scope="module")
def trained():
    """A tiny reference and a DPO-trained copy that prefers 'a' over 'b' after '<bos>'."""
    tok = word_tokenizer(["a", "b"])
    reference = causal_lm(tok, SIZE, seed=1).eval()
    pairs = spaced_pairs(PreferencePairs(["<bos>"] * 32, ["a"] * 16 + ["a b"] * 16, ["b"] * 16 + ["b b"] * 16),
                         tok.eos_token)
    cfg = DirectAlignmentConfig(steps=12, betas=[0.1], learning_rate=2e-2, batch_size=8, eval_every=4)
    seen = []
    policy = copy.deepcopy(reference).train()
    train_dpo(policy, tok, pairs, cfg, loss="dpo", beta=0.1, seed=0,
              on_eval=lambda step, model: seen.append(step))
    return tok, reference, policy.eval(), pairs, seen


def test_dpo_measures_at_step_zero_every_eval_every_and_the_end(trained):
    *_, seen = trained
    assert seen == [0, 4, 8, 12]


def test_a_copy_of_the_reference_trains_again_after_a_dpo_run(trained):
    """TRL patches `forward` on the models it is given; the reference is never given, so its copies still train."""
    tok, reference, _, pairs, _ = trained
    assert "forward" not in vars(reference)
    again = copy.deepcopy(reference).train()
    train_dpo(again, tok, pairs, DirectAlignmentConfig(steps=3, learning_rate=2e-2, batch_size=8), loss="ipo",
              beta=0.1, seed=1)
    moved = sum(float((a - b).detach().abs().sum()) for a, b in zip(again.parameters(), reference.parameters()))
    assert moved > 0.1


def test_sequence_kl_on_a_dpo_checkpoint_matches_enumeration(trained):
    tok, reference, policy, *_ = trained
    max_new = 3
    exact = _exact_sequence_kl(policy, reference, tok, [tok.bos_token_id], max_new)
    s = sample(policy, tok, ["<bos>"], per_prompt=4000, max_new_tokens=max_new, seed=0)
    est = sequence_kl(policy, reference, s)
    se = float(est.std()) / np.sqrt(len(est))
    assert exact > 0.05  # DPO moved the policy away from the reference
    assert abs(float(est.mean()) - exact) < 4 * se + 1e-3, (float(est.mean()), exact, se)


def test_completion_log_prob_matches_a_direct_forward_pass(trained):
    tok, reference, *_ = trained
    enc = encode(tok, ["<bos>", "<bos> a"], [" a b <eos>", " b"])  # EOS appended to the second
    assert enc.completion_mask.sum(-1).tolist() == [3, 2]
    got = completion_log_prob(reference, enc)
    for i, (prompt, completion) in enumerate([("<bos>", "a b <eos>"), ("<bos> a", "b <eos>")]):
        p_ids = tok(prompt, add_special_tokens=False)["input_ids"]
        c_ids = tok(completion, add_special_tokens=False)["input_ids"]
        with torch.no_grad():
            logits = reference(torch.tensor([p_ids + c_ids])).logits[0]
        lp = torch.log_softmax(logits[len(p_ids) - 1:-1], -1).gather(-1, torch.tensor(c_ids)[:, None]).sum()
        assert float(got[i]) == pytest.approx(float(lp), abs=1e-4)


def test_implicit_margin_is_zero_for_the_reference_and_grows_with_dpo(trained):
    tok, reference, policy, pairs, _ = trained
    margin = ImplicitMargin.build(reference, tok, pairs.prompts, pairs.chosen, pairs.rejected)
    at_start = margin(reference, 0.1)
    assert at_start["implicit_margin"] == pytest.approx(0.0, abs=1e-6)
    after = margin(policy, 0.1)
    assert after["implicit_margin"] > 0.05 and after["implicit_accuracy"] == 1.0
    assert margin(policy, 1.0)["implicit_margin"] == pytest.approx(10 * after["implicit_margin"], rel=1e-5)


@pytest.mark.parametrize("kwargs,needle", [
    ({"losses": ["kto"]}, "dpo.losses must be some of"),
    ({"betas": [0.1, 0.0]}, "dpo.betas must be positive"),
    ({"steps": -1}, "dpo.steps must be >= 0"),
    ({"batch_size": 0}, "dpo.batch_size must be a positive integer"),
])
def test_bad_direct_alignment_settings_are_config_errors(kwargs, needle):
    with pytest.raises(ConfigError, match=needle):
        DirectAlignmentConfig(**kwargs)


def _run(loss, beta, golds, kls, margins):
    return [{"method": loss, "setting": beta, "step": 10 * i, "kl": k, "sqrt_kl": float(np.sqrt(k)), "gold": g,
             "proxy": 0.0, "implicit_margin": m, "sweep": "main"}
            for i, (g, k, m) in enumerate(zip(golds, kls, margins))]


def test_direct_alignment_summary_finds_peak_fall_and_kl_order():
    points = (_run("dpo", 0.01, [0, 0.5, 0.9, 0.4], [0, 1, 4, 9], [0, 0.01, 0.02, 0.03])
              + _run("dpo", 0.1, [0, 0.4, 0.6, 0.6], [0, 0.5, 1, 2], [0, 0.1, 0.2, 0.3]))
    s = direct_alignment_summary(points, fit_points(points))
    small = s["direct_alignment"]["dpo β=0.01"]
    assert small["peak_step"] == 20 and small["gold_drop"] == pytest.approx(0.5)
    assert small["margin_gain_after_peak"] == pytest.approx(0.01)
    assert s["dpo_gold_drop"] == pytest.approx(0.5) and s["dpo_final_sqrt_kl"] == pytest.approx(3.0)
    assert s["dpo_kl_falls_with_beta"] is True
    assert "dpo_fit_r2" in s  # the RL form, both β pooled
    swapped = (_run("dpo", 0.01, [0, 0.1, 0.2, 0.3], [0, 0.1, 0.2, 0.3], [0] * 4)
               + _run("dpo", 0.1, [0, 0.1, 0.2, 0.3], [0, 1, 2, 3], [0] * 4))
    assert direct_alignment_summary(swapped, {})["dpo_kl_falls_with_beta"] is False


def test_fits_pool_every_beta_of_a_direct_method_with_the_rl_form():
    d = np.linspace(0.2, 3, 12)
    gold = d * (1.0 - 0.6 * np.log(d))
    points = [{"method": "ipo", "setting": 0.01 if i % 2 else 0.1, "sqrt_kl": x, "gold": g}
              for i, (x, g) in enumerate(zip(d, gold))]
    fit = fit_points(points)["ipo"]
    assert fit.a == pytest.approx(1.0, abs=1e-6) and fit.b == pytest.approx(0.6, abs=1e-6)
    assert fit.predicted_peak_d == pytest.approx(np.exp(1 / 0.6 - 1), rel=1e-6)


def test_lab_smoke_run_writes_dpo_rows_summary_and_figures(tmp_path):
    from overopt.labs import run_lab
    from overopt.progress import SILENT
    from overopt.worlds.rlhf.lab import RLHF_LAB

    cfg = RLHF_LAB.config("smoke")
    cfg.rl.steps = 0
    cfg.dpo.betas, cfg.dpo.losses = [0.05, 0.5], ["dpo", "ipo"]
    run_lab(RLHF_LAB, cfg, 2, tmp_path / "run", progress=SILENT)
    rows = list(csv.DictReader(open(tmp_path / "run" / "curves.csv")))
    direct = [r for r in rows if r["method"] in ("dpo", "ipo")]
    assert {(r["method"], r["setting"]) for r in direct} == {(m, b) for m in ("dpo", "ipo") for b in ("0.05", "0.5")}
    assert all(r["implicit_margin"] != "" and float(r["kl"]) >= 0 for r in direct)
    assert all(float(r["kl"]) > 0 for r in direct if r["step"] == "4")  # every run moved, not just the first
    assert all(r["implicit_margin"] == "" for r in rows if r["method"] == "bon")
    steps = [int(r["step"]) for r in direct if r["method"] == "dpo" and r["setting"] == "0.05"]
    assert steps == [0, 2, 4]
    assert all(float(r["implicit_margin"]) == 0.0 for r in direct if r["step"] == "0")
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert set(summary["direct_alignment"]) == {"dpo β=0.05", "dpo β=0.5", "ipo β=0.05", "ipo β=0.5"}
    assert "dpo_gold_drop" in summary and "dpo_kl_falls_with_beta" in summary
    for name in ("methods.png", "direct_alignment.png"):
        assert (tmp_path / "run" / name).stat().st_size > 10_000, name
    report = (tmp_path / "run" / "report.md").read_text()
    assert "## Direct alignment (DPO, IPO)" in report and "| IPO β=0.5 |" in report


def test_own_checkpoints_with_dpo_pairs(tmp_path, capsys):
    from overopt.models.tiny import random_checkpoints

    root = random_checkpoints(tmp_path / "ckpt")
    out = tmp_path / "mine"
    args = ["lab", "rlhf", "--policy", str(root / "policy"), "--proxy-rm", str(root / "proxy"),
            "--gold-rm", str(root / "gold"), "--prompts", str(root / "prompts.jsonl"), "--n-max", "4",
            "--rl-steps", "0", "--max-new-tokens", "5", "--dpo-steps", "2", "--set", "dpo.eval_every=1",
            "--set", "dpo.batch_size=4", "--set", "dpo.learning_rate=1e-3"]
    assert run_cli([*args, "--dpo-pairs", str(root / "pairs.jsonl"), "--out", str(out)], capsys)[0] == 0
    rows = list(csv.DictReader(open(out / "curves.csv")))
    dpo = [r for r in rows if r["method"] == "dpo"]
    assert [int(r["step"]) for r in dpo] == [0, 1, 2] and all(r["gold"] != "" for r in dpo)
    assert float(dpo[-1]["kl"]) > 0
    assert "dpo β=0.1" in json.loads((out / "summary.json").read_text())["direct_alignment"]
    bad = tmp_path / "pairs.jsonl"
    bad.write_text('{"prompt": "<bos> w1", "chosen": " w2", "rejected": " w3"}\n{"prompt": "<bos>", "chosen": ""}\n')
    code, _, err = run_cli([*args, "--dpo-pairs", str(bad), "--out", str(tmp_path / "bad")], capsys)
    assert code == 2
    assert 'pairs.jsonl:2: expected an object with non-empty strings "prompt", "chosen" and "rejected"' in err
    assert not (tmp_path / "bad").exists()
