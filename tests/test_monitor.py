"""The monitor's online fit, stopping rule and the TRL callback inside a tiny real GRPO run."""

import json
import math

import numpy as np
import pytest
import torch

from overopt.monitor import KLSchedule, Monitor, MonitorConfig, OnlineGaoFit, RuleConfig, decide, strip_gold
from overopt.monitor.signals import repetition_rates


def test_online_fit_recovers_the_rl_law_and_its_peak():
    a, b = 1.0, 0.5                      # peak at d* = exp(a/b - 1) = e, value b d* = e / 2
    fit = OnlineGaoFit()
    ds = [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5]
    peaks = []
    for d in ds:
        y = 0.0 if d == 0 else d * (a - b * math.log(d))
        fit.update(d, y)
        peaks.append(fit.peak_d)
    assert peaks[:3] == [None, None, None]          # fewer than 3 points with d > 0
    assert fit.fit.a == pytest.approx(a) and fit.fit.b == pytest.approx(b)
    assert fit.peak_d == pytest.approx(math.e) and fit.peak_value == pytest.approx(math.e / 2)
    assert fit.past_peak(3.0, margin=0.1) and not fit.past_peak(2.9, margin=0.1)


def test_online_fit_has_no_peak_while_still_rising():
    fit = OnlineGaoFit()
    for d in [0.5, 1.0, 1.5, 2.0]:
        fit.update(d, 0.8 * d)                     # linear: b = 0, no turn predicted
    assert fit.peak_d is None or fit.peak_d > 100


def test_kl_schedule_predicts_the_step_of_a_given_sqrt_kl():
    s = KLSchedule()
    for step in [5, 10, 20, 40]:
        s.update(step, 0.1 * step ** 0.8)
    c, p = s.coefficients()
    assert c == pytest.approx(0.1) and p == pytest.approx(0.8)
    assert s.step_at(0.1 * 30 ** 0.8) == pytest.approx(30)
    assert KLSchedule().step_at(1.0) is None


def pt(step, test_rm, proxy=None, rep=0.0, d=None):
    return {"step": step, "sqrt_kl": d if d is not None else step / 10, "test_rm": test_rm,
            "proxy": proxy if proxy is not None else test_rm, "gap": (proxy or test_rm) - test_rm,
            "rep_bigrams_effect": rep, "rep_tokens_effect": 0.0}


def test_rule_plateau_keeps_the_best_checkpoint():
    cfg = RuleConfig(min_measurements=3, patience=2, plateau_steps=10, gap_rise=99, degradation_threshold=99)
    h = [pt(0, 0.0), pt(5, 0.5), pt(10, 0.9)]
    assert not decide(h + [pt(11, 0.8), pt(12, 0.85)], cfg).stop   # 2 measurements but only 2 steps
    assert not decide(h, cfg).stop and decide(h, cfg).best_index == 2
    h.append(pt(15, 0.7))
    assert not decide(h, cfg).stop
    h.append(pt(20, 0.8))
    d = decide(h, cfg)
    assert d.stop and d.best_index == 2 and d.reasons[0].startswith("plateau")


def test_rule_gap_fit_and_degradation_triggers():
    cfg = RuleConfig(min_measurements=3, patience=3, gap_rise=1.0, degradation_threshold=1.0)
    h = [pt(0, 0.0), pt(5, 1.0, proxy=1.5), pt(10, 0.9, proxy=3.0)]   # gap 0.5 -> 2.1
    d = decide(h, cfg)
    assert d.stop and any(r.startswith("gap") for r in d.reasons)
    h = [pt(0, 0.0), pt(5, 1.0), pt(10, 0.9, d=2.0)]
    assert decide(h, cfg, fit_peak_d=1.5).stop and not decide(h, cfg, fit_peak_d=1.9).stop
    h = [pt(0, 0.0), pt(5, 1.0, rep=1.5), pt(10, 1.2, rep=1.6), pt(15, 1.4, rep=2.0)]
    d = decide(h, cfg)
    assert d.stop and d.best_index == 0 and d.degraded  # degraded checkpoints are never kept
    assert any(r.startswith("degradation") for r in d.reasons)


def test_rule_keeps_the_checkpoint_nearest_the_predicted_peak_at_or_after_the_best():
    cfg = RuleConfig(min_measurements=3, patience=2, degradation_threshold=1.0)
    h = [pt(0, 0.0), pt(10, 0.5, d=1.0), pt(11, 0.6, d=1.1), pt(12, 0.7, rep=1.1, d=1.2), pt(13, 0.8, rep=1.2, d=1.3)]
    d = decide(h, cfg, predicted_peak_d=1.21)
    assert d.stop and d.best_index == 2 and d.keep_index == 3          # degraded from step 12: best 11, keep 12
    assert decide(h, cfg, predicted_peak_d=0.5).keep_index == 2        # never before the best checkpoint
    assert decide(h, cfg, predicted_peak_d=9.0).keep_index == 4        # at most the latest measurement
    assert decide(h, cfg).keep_index == 2                              # no prediction: the best
    assert decide(h, RuleConfig(keep="best"), predicted_peak_d=1.21).keep_index == 2
    with pytest.raises(ValueError, match="keep"):
        RuleConfig(keep="last")


def test_rule_refuses_gold():
    with pytest.raises(ValueError, match="gold"):
        decide([{**pt(0, 0.0), "gold": 1.0}], RuleConfig())
    assert "gold" not in strip_gold({**pt(0, 0.0), "gold": 1.0})


def test_repetition_rates():
    ids = torch.tensor([[5, 6, 5, 6, 2, 0], [5, 6, 7, 8, 2, 0]])
    mask = torch.tensor([[1, 1, 1, 1, 1, 0], [1, 1, 1, 1, 1, 0]])
    r = repetition_rates(ids, mask, eos_id=2)
    np.testing.assert_allclose(r["rep_tokens"], [0.5, 0.0])      # 5 6 5 6: two of four tokens repeat
    np.testing.assert_allclose(r["rep_bigrams"], [1 / 3, 0.0])   # (5,6) (6,5) (5,6): one of three


# ---- a tiny real model, tokenizer and TRL run -----------------------------------------------

class Countdown:
    """A scorer that gets worse at every call after the first (the reference fit): a monitor signal
    that peaks at step 0, so the plateau rule must fire after `patience` measurements."""

    def __init__(self, name):
        self.name, self.calls = name, 0

    def __call__(self, prompts, completions):
        self.calls += 1
        return np.full(len(prompts), -float(self.calls) if self.calls > 1 else 0.0)


class DistinctWords:
    name = "proxy"

    def __call__(self, prompts, completions):
        return np.array([float(len(set(c.split())) + c.split().count("because")) for c in completions])


@pytest.fixture(scope="module")
def tiny():
    from overopt.models.tiny import TinyConfig, causal_lm, word_tokenizer
    from overopt.worlds.rlhf.language import all_prompts, vocabulary

    tok = word_tokenizer(vocabulary())
    prompts = [p.text for p in all_prompts()]
    return tok, prompts, lambda: causal_lm(tok, TinyConfig(hidden_size=16, num_layers=1, num_heads=2,
                                                          intermediate_size=32), seed=0)


def _grpo(tiny, steps, callbacks, tmp_path):
    from overopt.optimize.rl import RLConfig, train_grpo

    tok, prompts, make = tiny
    model = make()
    cfg = RLConfig(steps=steps, learning_rate=1e-3, prompts_per_step=2, num_generations=4, eval_every=100,
                   max_new_tokens=6)
    trainer = train_grpo(model, tok, DistinctWords(), prompts[:40], cfg, seed=0, extra_callbacks=callbacks)
    return model, trainer


def _callback(tiny, tmp_path, mode, gold=None):
    from overopt.integrations.trl_callback import OverOptimizationCallback

    tok, prompts, _ = tiny
    cfg = MonitorConfig(every=2, per_prompt=2, max_prompts=6, reference_per_prompt=2, max_new_tokens=6,
                        mode=mode, tensorboard=True,
                        rule=RuleConfig(min_measurements=3, patience=2, plateau_steps=1, degradation_threshold=99,
                                                    gap_rise=99))
    return OverOptimizationCallback(prompts=prompts[40:], proxy=DistinctWords(), test_rm=Countdown("test_rm"),
                                    gold=gold, config=cfg, out_dir=tmp_path / mode)


def test_callback_stops_a_real_grpo_run_and_keeps_the_best_checkpoint(tiny, tmp_path):
    from transformers import AutoModelForCausalLM

    cb = _callback(tiny, tmp_path, "stop")
    with pytest.warns(RuntimeWarning, match="over-optimization at step 4"):
        model, trainer = _grpo(tiny, 10, [cb], tmp_path)
    assert trainer.state.global_step == 4                 # measured at 0, 2, 4: plateau fires at 4
    res = cb.result
    assert res.triggered_step == 4 and res.stop_step == 0 and res.measurements == 3
    kept = AutoModelForCausalLM.from_pretrained(res.checkpoint)
    ref = tiny[2]()                                       # step 0 = the initial weights
    for a, b in zip(kept.state_dict().values(), ref.state_dict().values()):
        assert torch.equal(a, b)
    lines = [json.loads(x) for x in (tmp_path / "stop" / "monitor.jsonl").read_text().splitlines()]
    assert [x["step"] for x in lines] == [0, 2, 4] and lines[-1]["stop"] is True
    assert lines[0]["kl"] == pytest.approx(0.0, abs=1e-6) and lines[-1]["kl"] > 0
    assert {"proxy", "test_rm", "gap", "rep_bigrams_effect", "length_effect"} <= set(lines[-1])
    assert json.loads((tmp_path / "stop" / "monitor_result.json").read_text())["stop_step"] == 0
    try:
        import tensorboard  # noqa: F401
    except ImportError:   # without the package the monitor logs JSONL only (and warns)
        assert not (tmp_path / "stop" / "tensorboard").exists()
    else:
        assert list((tmp_path / "stop" / "tensorboard").glob("events.out.tfevents.*"))


def test_warn_mode_neither_stops_nor_changes_training_and_ignores_gold(tiny, tmp_path):
    plain, _ = _grpo(tiny, 6, [], tmp_path)
    cb = _callback(tiny, tmp_path, "warn", gold=DistinctWords())
    with pytest.warns(RuntimeWarning, match="over-optimization"):
        watched, trainer = _grpo(tiny, 6, [cb], tmp_path)
    assert trainer.state.global_step == 6
    assert cb.result.triggered_step == 4 and cb.result.stop_step == 0
    lines = [json.loads(x) for x in (tmp_path / "warn" / "monitor.jsonl").read_text().splitlines()]
    assert [x["step"] for x in lines] == [0, 2, 4, 6] and "gold" in lines[-1]
    # the monitor samples with its own seed and restores the RNG: same weights as the unwatched run
    for a, b in zip(plain.state_dict().values(), watched.state_dict().values()):
        assert torch.equal(a, b)


def test_adaptive_interval_and_degradation_crossing_prediction():
    mon = Monitor(tokenizer=None, prompts=["p"], proxy=DistinctWords(), test_rm=DistinctWords(),
                  config=MonitorConfig(every=10, every_near=1))
    assert mon.due(10) and mon.due(0) and not mon.due(11)
    mon.near = True                                   # a signal is near its threshold: every step
    assert mon.due(11) and mon.due(12)
    mon.triggered_step = 12                           # decided, stop mode: nothing more to measure
    assert not mon.due(20)
    # repetition effect rising linearly in sqrt KL: 0.2 per unit -> crosses 1.0 at d = 5
    mon.history = [{"step": s, "sqrt_kl": d, "rep_tokens_effect": 0.2 * d, "rep_bigrams_effect": 0.0}
                   for s, d in [(0, 0.0), (10, 1.0), (20, 2.0)]]
    assert mon._degradation_crossing() == pytest.approx(5.0)
    mon.history = [{**h, "rep_tokens_effect": -h["sqrt_kl"]} for h in mon.history]
    assert mon._degradation_crossing() is None        # nothing rising: no prediction


def test_scoring_shares_one_tokenization_and_caches_repeats_exactly(tiny):
    from overopt.models.tiny import TinyConfig, sequence_classifier
    from overopt.rewards.reward_model import RewardModelScorer

    tok, prompts, _ = tiny
    size = TinyConfig(hidden_size=16, num_layers=1, num_heads=2, intermediate_size=32)
    rms = [RewardModelScorer(sequence_classifier(tok, size, i).eval(), tok, name=n, batch_size=3)
           for i, n in enumerate(["proxy", "test_rm"])]
    mon = Monitor(tokenizer=tok, prompts=prompts[:4], proxy=rms[0], test_rm=rms[1], gold=DistinctWords())
    ps = prompts[:4] * 2
    cs = ["the cat", "a dog because", "the cat", "x", "the cat", "a dog because", "new words here", "x"]
    got = mon._score(ps, cs)
    for name, sc in [("proxy", rms[0]), ("test_rm", rms[1]), ("gold", DistinctWords())]:
        np.testing.assert_allclose(got[name], sc(ps, cs), rtol=1e-6, atol=1e-6)
    assert mon.cache_hits == 3                        # pairs 4-7 repeat pairs 0-3 except "new words here"
    again = mon._score(ps[:2], cs[:2])                # all cached: no model call, same numbers
    assert mon.cache_hits == 5
    np.testing.assert_array_equal(again["proxy"], got["proxy"][:2])
