"""The mitigations lab: does anything bend Goodhart's curve, and can we stop at its peak without gold?

On the rlhf lab's world (same reference policy, prompts and gold-labeled pairs with 25% noise):

* **ensembles** (Coste et al. 2023): k proxy RMs on the same pairs, different seeds, members
  standardized against reference samples, combined as mean / wco (min) / uwo (mean - λ·var);
  each used as the best-of-n selector and as the RL reward;
* **KL sweep** (Gao et al. §3.6): GRPO against the single proxy for several β;
* **held-out test RM** (Bai et al. 2022): a proxy trained on fresh pairs disjoint from the train
  proxy's, measured alongside everything;
* **the online monitor** (`overopt.monitor`) riding along on the single-RM β=0 run through its TRL
  callback: no gold in its rule; its kept checkpoint is re-measured with gold afterwards.

One world, one best-of-n pool and one set of normalizers serve every method.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field, replace

import numpy as np

from overopt.measure.overoptimization import bon_pool, measure_best_of_n, measure_rl, normalizers
from overopt.monitor.monitor import MonitorConfig
from overopt.optimize.rl import RLConfig
from overopt.rewards.ensemble import EnsembleScorer
from overopt.rewards.reward_model import PreferencePairs, pair_accuracy, train_reward_model
from overopt.worlds.rlhf.lab import RLHFLabConfig, _gold_pairs, build_world, preset as lab_preset, train_proxy
from overopt.worlds.rlhf.world import SCORE_TEMPLATE

ENSEMBLE_METHODS = ("mean", "wco", "uwo")
CURVE_COLUMNS = ["run", "method", "setting", "step", "kl", "sqrt_kl", "optimized", "proxy", "test_rm",
                 "ens_mean", "ens_wco", "ens_uwo", "gold", "length"]
SUMMARY_COLUMNS = ["optimizer", "method", "final_gold", "peak_gold", "gold_drop", "kl_at_peak", "peak_step",
                   "peak_setting", "final_kl", "final_optimised", "final_test_rm", "drop_vs_single", "max_dip"]


@dataclass
class MitigationsConfig:
    preset: str = "quick"
    lab: RLHFLabConfig = field(default_factory=RLHFLabConfig)
    ensemble_size: int = 4
    uwo_lambda: float = 0.5
    member_data: str = "same"          # "same": all members on all pairs (Coste); "bootstrap": resampled
    test_rm_pairs: int = 4000          # fresh pairs, disjoint from the train proxy's
    betas: list[float] = field(default_factory=lambda: [0.05, 0.2, 0.5])  # β = 0 is the single run
    ensemble_with_kl: bool = True      # also run wco with the smallest β (Coste et al.'s best setting)
    rl: RLConfig = field(default_factory=lambda: RLConfig(steps=60, learning_rate=1e-4, eval_every=5))
    monitor: MonitorConfig = field(default_factory=MonitorConfig)


def preset(name: str) -> MitigationsConfig:
    if name == "quick":
        return MitigationsConfig()
    if name == "tiny":  # tests: seconds; too small to show anything
        lab = lab_preset("tiny")
        return MitigationsConfig(preset="tiny", lab=lab, ensemble_size=2, test_rm_pairs=200, betas=[0.2],
                                 rl=lab.rl, monitor=MonitorConfig(every=2, every_near=1, per_prompt=2, max_prompts=8,
                                                                  reference_per_prompt=4))
    raise ValueError(name)


PRESETS = ("quick", "tiny")


def _disjoint(pairs: PreferencePairs, taken: PreferencePairs) -> PreferencePairs:
    seen = {(p, c, r) for p, c, r in zip(taken.prompts, taken.chosen, taken.rejected)}
    seen |= {(p, r, c) for p, c, r in seen}
    keep = [i for i, t in enumerate(zip(pairs.prompts, pairs.chosen, pairs.rejected)) if t not in seen]
    return pairs.subset(keep)


def _summarize(points: list[dict], key: str = "gold") -> dict:
    peak = max(points, key=lambda p: p[key])
    final = points[-1]
    running, dip = -math.inf, 0.0  # the largest fall from the running maximum along the curve
    for p in points:
        running = max(running, p[key])
        dip = max(dip, running - p[key])
    return {"max_dip": dip, "final_gold": final[key], "peak_gold": peak[key], "gold_drop": peak[key] - final[key],
            "kl_at_peak": peak["kl"], "peak_step": peak["step"], "peak_setting": peak["setting"],
            "final_kl": final["kl"], "final_optimised": final.get("optimized"),
            "final_test_rm": final.get("test_rm")}


def run_mitigations(cfg: MitigationsConfig, seed: int, run) -> dict:
    """Run the lab into `run` (a RunDir). Returns {"summary": rows, "monitor": monitor.json dict}."""
    from overopt.integrations.trl_callback import OverOptimizationCallback
    from overopt.measure.evaluate import PolicyEvaluator
    from overopt.optimize.sampling import sample
    from overopt.progress import progress
    from overopt.seeding import seed_everything

    seed_everything(seed)
    lab, mcfg = cfg.lab, cfg.lab.measure
    curves = run.csv("curves.csv", CURVE_COLUMNS)
    points: list[dict] = []
    info: dict = {}

    def record(p: dict, run_name: str, optimized: str) -> dict:
        p = {**p, "run": run_name, "optimized": p.get(optimized)}
        points.append(p)
        curves.write(p)
        return p

    with progress() as bar:
        t = bar.add_task("reference policy (SFT, cached) and pairs", total=None)
        world = build_world(lab, seed, on_sft_step=lambda s, n, _: bar.update(t, completed=s, total=n))
        test_pairs = _disjoint(_gold_pairs(world.reference, world.tokenizer, world.train_prompts,
                                           cfg.test_rm_pairs, lab.reward_model.label_noise,
                                           lab.reference.max_new_tokens, seed + 101), world.pairs)
        bar.update(t, total=1, completed=1)

        k = cfg.ensemble_size
        t = bar.add_task(f"reward models: {k} ensemble members + test RM", total=k + 1)
        proxy, rm_info = train_proxy(world, lab.reward_model, seed)  # member 0 = the single RM
        bar.advance(t)
        members = [proxy]
        train_pairs = world.pairs.subset(range(min(lab.reward_model.pairs, len(world.pairs))))
        for i in range(1, k):
            pairs = train_pairs
            if cfg.member_data == "bootstrap":
                idx = np.random.default_rng(seed + 1000 * i).integers(len(train_pairs), size=len(train_pairs))
                pairs = train_pairs.subset(idx.tolist())
            members.append(train_reward_model(world.tokenizer, pairs, lab.reward_model, seed=seed + 1000 * i,
                                              template=SCORE_TEMPLATE))
            bar.advance(t)
        test_rm = train_reward_model(world.tokenizer, test_pairs, lab.reward_model, seed=seed + 7,
                                     template=SCORE_TEMPLATE)
        test_rm.name = "test_rm"
        bar.advance(t)
        info["rm"] = {"train_pairs": len(train_pairs), "test_pairs": len(test_pairs),
                      "proxy_held_out_accuracy": rm_info["held_out_accuracy"],
                      "member_held_out_accuracy": [pair_accuracy(m, world.held_out_pairs) for m in members],
                      "test_rm_held_out_accuracy": pair_accuracy(test_rm, world.held_out_pairs)}

        ref = sample(world.reference, world.tokenizer, world.train_prompts, per_prompt=4,
                     max_new_tokens=world.max_new_tokens, seed=seed + 53, batch_size=mcfg.batch_size)
        base = EnsembleScorer.standardized(members, ref.prompts, ref.completions, "mean",
                                           uwo_lambda=cfg.uwo_lambda, name="ens_mean")
        ensembles = {"mean": base, "wco": base.with_aggregation("wco", name="ens_wco"),
                     "uwo": base.with_aggregation("uwo", name="ens_uwo")}
        setup = world.setup(proxy)
        setup.extra_scorers = {"test_rm": test_rm}
        z = normalizers(setup, mcfg, seed)
        ens_cols = {f"ens_{m}": e for m, e in ensembles.items()}
        z.update({k: v for k, v in normalizers(replace(setup, extra_scorers=ens_cols), mcfg, seed).items()
                  if k in ens_cols})

        t = bar.add_task("best-of-n pool", total=len(setup.eval_prompts[:mcfg.bon_prompts]) * mcfg.bon_pool)
        pool = bon_pool(setup, mcfg, seed, on_batch=lambda n: bar.advance(t, n))
        # each member scores the pool once (member 0 is the proxy: already scored); the three
        # aggregations are computed from those matrices
        t = bar.add_task("best-of-n pool: ensemble members", total=k - 1)
        raw = [pool.scores["proxy"]]
        for m in members[1:]:
            raw.append(m(pool.prompts, pool.completions).reshape(pool.lengths.shape))
            bar.advance(t)
        for col, e in ens_cols.items():
            pool.scores[col] = e.combine(raw)
        del raw
        setup.extra_scorers = {"test_rm": test_rm, **ens_cols}
        selectors = {"single": "proxy", **{m: f"ens_{m}" for m in ENSEMBLE_METHODS}}
        for method, col in selectors.items():
            for p in measure_best_of_n(pool, z, mcfg.bon_ns, selector=col):
                record(p, method, col)
        del pool

        def rl_run(name: str, rl: RLConfig, reward_col: str, reward=None, callbacks=()):
            task = bar.add_task(f"GRPO [{name}]", total=rl.steps)
            return measure_rl(setup, rl, z, mcfg, seed=seed, reward=reward, extra_callbacks=callbacks,
                              on_step=lambda s: bar.update(task, completed=s),
                              on_point=lambda p: record(p, name, reward_col))

        mon_cfg = replace(cfg.monitor, mode="warn", max_new_tokens=world.max_new_tokens, seed=seed + 61)
        callback = OverOptimizationCallback(tokenizer=world.tokenizer, prompts=world.eval_prompts, proxy=proxy,
                                            test_rm=test_rm, gold=setup.gold, reference=world.reference,
                                            config=mon_cfg, out_dir=run.file("monitor"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # the monitor's warning goes to monitor.json
            rl_run("single", cfg.rl, "proxy", callbacks=[callback])
        for method in ENSEMBLE_METHODS:
            rl_run(method, cfg.rl, f"ens_{method}", reward=ensembles[method])
        for beta in cfg.betas:
            rl_run(f"beta={beta:g}", replace(cfg.rl, beta=beta), "proxy")
        if cfg.ensemble_with_kl and cfg.betas:  # Coste et al.: ensembles plus a small KL penalty
            beta = min(cfg.betas)
            rl_run(f"wco+beta={beta:g}", replace(cfg.rl, beta=beta), "ens_wco", reward=ensembles["wco"])

        # the monitor's kept checkpoint, re-measured with the same evaluator (and gold) as every curve
        result = callback.result
        stopped = None
        if result is not None and result.checkpoint is not None:
            from transformers import AutoModelForCausalLM

            model = AutoModelForCausalLM.from_pretrained(result.checkpoint).eval()
            evaluator = PolicyEvaluator(setup.reference, setup.tokenizer, setup.eval_prompts, setup.scorers(), z,
                                        per_prompt=mcfg.eval_per_prompt, max_new_tokens=setup.max_new_tokens,
                                        seed=seed + 41, batch_size=mcfg.batch_size)
            stopped = evaluator(model)
    curves.close()

    rows = []
    single_rl = [p for p in points if p["run"] == "single" and p["method"] == "rl"]
    for optimizer in ("rl", "bon"):
        runs = list(dict.fromkeys(p["run"] for p in points if p["method"] == optimizer))
        for name in runs:
            pts = [p for p in points if p["run"] == name and p["method"] == optimizer]
            rows.append({"optimizer": optimizer, "method": name, **_summarize(pts)})
    monitor = _monitor_summary(result, stopped, single_rl)
    if stopped is not None:
        rows.append({"optimizer": "rl", "method": "monitor", "final_gold": stopped["gold"],
                     "peak_gold": monitor["peak_gold"], "gold_drop": monitor["peak_gold"] - stopped["gold"],
                     "kl_at_peak": monitor["gold_peak_kl"], "peak_step": monitor["gold_peak_step"],
                     "final_kl": stopped["kl"], "final_optimised": stopped["proxy"],
                     "final_test_rm": stopped["test_rm"]})
    single = next(r for r in rows if r["optimizer"] == "rl" and r["method"] == "single")
    for r in rows:
        ref_row = single if r["optimizer"] == "rl" else next(
            x for x in rows if x["optimizer"] == "bon" and x["method"] == "single")
        r["drop_vs_single"] = (r["gold_drop"] / ref_row["gold_drop"]) if ref_row["gold_drop"] > 1e-9 else None
    table = run.csv("mitigations.csv", SUMMARY_COLUMNS)
    for r in rows:
        table.write(r)
    table.close()
    run.write_json("monitor.json", monitor)
    run.write_json("summary.json", {"info": info, "rows": rows, "monitor": monitor})

    from overopt.worlds.rlhf.mitigations_report import write_report

    write_report(run, cfg, seed, points, rows, monitor, info)
    return {"rows": rows, "monitor": monitor, "points": points, "info": info}


def _monitor_summary(result, stopped: dict | None, single: list[dict]) -> dict:
    peak = max(single, key=lambda p: p["gold"])
    out = {"stop_step": None, "stop_kl": None, "gold_peak_kl": peak["kl"], "gold_peak_step": peak["step"],
           "stopped_gold": None, "peak_gold": peak["gold"], "final_gold": single[-1]["gold"],
           "final_step": single[-1]["step"]}
    if result is None:
        return out
    out.update(stop_step=result.stop_step, stop_kl=result.stop_kl, triggered_step=result.triggered_step,
               reasons=result.reasons, predicted_peak_sqrt_kl=result.predicted_peak_sqrt_kl,
               predicted_peak_step=result.predicted_peak_step, monitor_seconds=result.seconds,
               measurements=result.measurements, checkpoint=result.checkpoint)
    if stopped is not None:  # the kept checkpoint, measured like every curve point (same samples' seed)
        out["stopped_gold"] = stopped["gold"]
        out["monitor_stop_kl"] = out["stop_kl"]  # the monitor's own estimate, on its own samples
        out["stop_kl"] = stopped["kl"]
    if out["stop_kl"] is not None and peak["kl"] > 0:
        out["kl_ratio"] = out["stop_kl"] / peak["kl"]
        out["kl_within_20pct"] = abs(out["kl_ratio"] - 1) <= 0.2
    if out["stopped_gold"] is not None and peak["gold"] > 0:
        out["gold_ratio"] = out["stopped_gold"] / peak["gold"]
        out["gold_at_least_90pct"] = out["gold_ratio"] >= 0.9
    return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in out.items()}
