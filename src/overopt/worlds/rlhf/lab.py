"""The RLHF over-optimization lab: Gao et al.'s curves, end to end on a CPU.

reference policy (SFT, cached) -> gold-labeled preference pairs with label noise -> proxy RM
(Bradley-Terry) -> best-of-n from one pool, GRPO against the proxy, and DPO/IPO on the proxy's own pairs
-> proxy and gold vs sqrt(KL) -> Gao fits -> plots and report. `full` adds sweeps over RM size, RM data
size and the KL penalty, and more β values and IPO for direct alignment.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from overopt.configs import check, setting
from overopt.labs import Lab, Preset, Result
from overopt.measure.fits import fit_points, main_points
from overopt.measure.overoptimization import (CURVE_COLUMNS, MeasureConfig, OptimizationSetup, measure_best_of_n,
                                              normalizers, sample_bon_pool, train_and_measure_dpo,
                                              train_and_measure_rl)
from overopt.models.tiny import TinyConfig
from overopt.optimize.dpo import DirectAlignmentConfig, spaced_pairs
from overopt.optimize.rl import RLConfig
from overopt.progress import Progress
from overopt.rewards.reward_model import RewardModelConfig
from overopt.runs import RunDir
from overopt.worlds.rlhf.world import ReferenceConfig, World, build_world, train_proxy, with_rm


@dataclass
class SweepConfig:
    """`full` preset: one curve per value on each axis (Gao et al. §3.2, §3.3, §3.6)."""

    rm_hidden_sizes: list[int] = setting(factory=lambda: [32, 64, 128], help="Proxy RM hidden sizes to sweep.")
    rm_pairs: list[int] = setting(factory=lambda: [1000, 4000, 16000], help="Proxy RM training pairs to sweep.")
    betas: list[float] = setting(factory=lambda: [0.0, 0.02, 0.1, 0.5], help="GRPO KL coefficients to sweep.")

    def __post_init__(self) -> None:
        check(all(h >= 16 for h in self.rm_hidden_sizes), f"sweeps.rm_hidden_sizes must be >= 16, got {self.rm_hidden_sizes}")
        check(all(n >= 1 for n in self.rm_pairs), f"sweeps.rm_pairs must be positive, got {self.rm_pairs}")
        check(all(b >= 0 for b in self.betas), f"sweeps.betas must be >= 0, got {self.betas}")


@dataclass
class RLHFLabConfig:
    """Settings of `overopt lab rlhf`."""

    preset: str = setting("quick", "Name of the preset these settings came from.")
    reference: ReferenceConfig = setting(factory=ReferenceConfig, help="The reference (SFT) policy.")
    reward_model: RewardModelConfig = setting(factory=RewardModelConfig, help="The proxy reward model.")
    measure: MeasureConfig = setting(factory=MeasureConfig, help="How proxy, gold and KL are measured.")
    rl: RLConfig = setting(factory=lambda: RLConfig(steps=100, learning_rate=1e-4, eval_every=5),
                           help="GRPO against the proxy.")
    dpo: DirectAlignmentConfig = setting(factory=lambda: DirectAlignmentConfig(
        steps=300, betas=[0.01, 0.1]),
        help="Direct alignment (DPO/IPO) on the proxy RM's training pairs, no reward model.")
    sweeps: SweepConfig | None = setting(None, "Sweeps over RM size, RM data and β (the `full` preset).")


PRESETS = {
    "quick": Preset(lambda: RLHFLabConfig(), "minutes on a laptop CPU"),
    "full": Preset(lambda: RLHFLabConfig(
        preset="full", measure=MeasureConfig(bon_prompts=48, eval_per_prompt=16),
        rl=RLConfig(steps=200, learning_rate=1e-4, eval_every=5), sweeps=SweepConfig(),
        dpo=DirectAlignmentConfig(steps=300, betas=[0.01, 0.03, 0.1, 0.3, 1.0], losses=["dpo", "ipo"])),
        "adds sweeps over RM size, RM data size and KL coefficient β, and DPO and IPO at five β; tens of minutes"),
    "smoke": Preset(lambda: RLHFLabConfig(
        preset="smoke",
        reference=ReferenceConfig(policy=TinyConfig(hidden_size=32, num_layers=1), corpus_size=2000, epochs=1),
        reward_model=RewardModelConfig(size=TinyConfig(hidden_size=32, num_layers=1), pairs=400, epochs=1),
        measure=MeasureConfig(eval_per_prompt=2, norm_per_prompt=4, bon_prompts=4, bon_max_n=64, bon_pool_factor=1),
        rl=RLConfig(steps=6, learning_rate=1e-3, eval_every=2, prompts_per_step=2, num_generations=4),
        dpo=DirectAlignmentConfig(steps=4, betas=[0.1, 1.0], learning_rate=1e-3, batch_size=16, eval_every=2,
                                  margin_pairs=32)),
        "seconds; checks that the lab runs, too small to show the curves"),
}


@dataclass
class RLHFResult(Result):
    """Curve points (rows of curves.csv), and the title and notes of the report."""

    points: list[dict[str, Any]] = field(default_factory=list)
    title: str = ""
    notes: list[str] = field(default_factory=list)


class _Curves:
    """curves.csv, written point by point, and the points kept for the report."""

    def __init__(self, run_dir: RunDir):
        self.points: list[dict[str, Any]] = []
        self._csv = run_dir.csv("curves.csv", CURVE_COLUMNS)

    def record(self, point: dict, sweep: str = "main", variant: object = "") -> None:
        point = {**point, "sweep": sweep, "variant": variant}
        self.points.append(point)
        self._csv.write(point)

    def close(self) -> None:
        self._csv.close()


def _rl_curve(curves: _Curves, progress: Progress, rl: RLConfig, setup: OptimizationSetup, z: dict,
              cfg: RLHFLabConfig, seed: int, sweep: str = "main", variant: object = "") -> list[dict]:
    task = progress.task(f"GRPO β={rl.beta}" + (f" [{sweep}={variant}]" if sweep != "main" else ""), total=rl.steps)
    return train_and_measure_rl(setup, rl, z, cfg.measure, seed=seed, task=task,
                                on_point=lambda p: curves.record(p, sweep, variant))


def _direct_alignment(curves: _Curves, progress: Progress, cfg: RLHFLabConfig, setup: OptimizationSetup,
                      pairs, z: dict, seed: int) -> None:
    """One DPO/IPO run per (loss, β) from the reference policy, on the pairs the proxy RM was trained on."""
    for loss, beta in cfg.dpo.runs():
        task = progress.task(f"{loss.upper()} β={beta}", total=cfg.dpo.steps)
        train_and_measure_dpo(setup, pairs, cfg.dpo, z, cfg.measure, loss=loss, beta=beta, seed=seed, task=task,
                              on_point=curves.record)


def _sweeps(curves: _Curves, progress: Progress, cfg: RLHFLabConfig, world: World, pool, seed: int,
            setup: OptimizationSetup, z: dict, rl_points: list[dict]) -> None:
    """The `full` preset's sweeps: a proxy per RM size and data size (best-of-n and RL each), RL per β."""
    sw = cfg.sweeps
    rm_variants = [("rm_size", h, with_rm(cfg.reward_model, hidden=h)) for h in sw.rm_hidden_sizes]
    rm_variants += [("rm_pairs", n, with_rm(cfg.reward_model, pairs=n)) for n in sw.rm_pairs]
    for sweep, value, rm in rm_variants:
        if rm == cfg.reward_model:  # the main run is this curve
            for p in [p for p in curves.points if p["sweep"] == "main" and p["method"] in ("bon", "rl")]:
                curves.record(p, sweep, value)
            continue
        scorer, _ = train_proxy(world, rm, seed, task=progress.task(f"proxy RM [{sweep}={value}]"))
        swept = world.setup(scorer)
        zs = normalizers(swept, cfg.measure, seed)
        for p in measure_best_of_n(pool.rescored("proxy", scorer), zs, cfg.measure.bon_ns):
            curves.record(p, sweep, value)
        _rl_curve(curves, progress, cfg.rl, swept, zs, cfg, seed, sweep, value)
    for beta in sw.betas:
        if beta == cfg.rl.beta:
            for p in rl_points:
                curves.record(p, "beta", beta)
            continue
        _rl_curve(curves, progress, replace(cfg.rl, beta=beta), setup, z, cfg, seed, "beta", beta)


class RLHFLab(Lab[RLHFLabConfig, RLHFResult]):
    """Watch Goodhart's law: optimize a learned proxy reward with best-of-n and RL, and align on its preference
    pairs with DPO/IPO (no reward model); measure the gold (true) reward against sqrt(KL), fit Gao et al.'s laws.

    Writes curves.csv, fits.json, overoptimization.png, methods.png, direct_alignment.png, summary.json and
    report.md to OUT.

    With --policy, --proxy-rm and --prompts (and optionally --gold-rm and --dpo-pairs) it measures your own
    checkpoints instead: a local Hugging Face causal LM, a sequence-classification proxy RM, a JSONL prompts
    file and JSONL preference pairs.

    Examples: overopt lab rlhf --preset quick --out runs/rlhf; overopt lab rlhf --policy ./sft --proxy-rm ./rm
    --gold-rm ./gold-rm --prompts prompts.jsonl --device cuda --dtype bfloat16 --out runs/mine
    """

    name = "rlhf"
    title = "Gao et al.'s curves: gold rises, peaks and falls vs sqrt(KL) under best-of-n and RL"
    Config = RLHFLabConfig
    presets = PRESETS
    flags = {"n-max": "measure.bon_max_n", "rl-steps": "rl.steps", "beta": "rl.beta",
             "learning-rate": "rl.learning_rate", "dpo-steps": "dpo.steps"}
    outputs = ("curves.csv", "fits.json", "overoptimization.png", "report.md")
    curve_index = ("sweep", "variant", "method", "setting", "step")
    curve_x = "sqrt_kl"
    curve_y = ("gold", "proxy", "implicit_margin")
    headlines = {
        "rl_gold_drop": "RL: gold's fall from its peak to the last step (z)",
        "rl_peak_gold": "RL: peak gold (z)",
        "rl_observed_peak_sqrt_kl": "RL: sqrt(KL) at the observed gold peak",
        "rl_fit_peak_sqrt_kl": "RL: sqrt(KL) of the peak predicted by Gao's fit d(a - b ln d)",
        "bon_peak_n": "best-of-n: n at the gold peak",
        "bon_decline": "best-of-n: gold's fall from its peak to the largest n (z)",
        "proxy_rm_held_out_accuracy": "proxy RM: accuracy on clean held-out pairs",
        "dpo_gold_drop": "DPO at its smallest β: gold's fall from its peak to the last step (z)",
        "dpo_margin_gain_after_peak": "DPO at its smallest β: implicit reward margin's rise after the gold peak",
        "dpo_peak_sqrt_kl": "DPO at its smallest β: sqrt(KL) at the gold peak",
        "dpo_kl_falls_with_beta": "DPO: final KL falls as β grows (1 = on every β)",
    }

    def run(self, config: RLHFLabConfig, seed: int, run_dir: RunDir, progress: Progress) -> RLHFResult:
        cfg, curves = config, _Curves(run_dir)
        max_pairs = max([cfg.reward_model.pairs, *(cfg.sweeps.rm_pairs if cfg.sweeps else [])])
        world = build_world(cfg.reference, cfg.reward_model, seed, max_pairs=max_pairs,
                            task=progress.task("reference policy (SFT, cached)"))
        proxy, rm_info = train_proxy(world, cfg.reward_model, seed, task=progress.task("proxy RM (Bradley-Terry)"))
        setup = world.setup(proxy)
        z = normalizers(setup, cfg.measure, seed)
        task = progress.task("best-of-n pool", total=len(setup.eval_prompts[:cfg.measure.bon_prompts])
                             * cfg.measure.bon_pool)
        pool = sample_bon_pool(setup, cfg.measure, seed, task=task)
        for p in measure_best_of_n(pool, z, cfg.measure.bon_ns):
            curves.record(p)
        rl_points = _rl_curve(curves, progress, cfg.rl, setup, z, cfg, seed) if cfg.rl.steps > 0 else []
        if cfg.dpo.steps > 0:
            pairs = spaced_pairs(world.pairs.subset(range(min(cfg.reward_model.pairs, len(world.pairs)))),
                                 world.tokenizer.eos_token)
            _direct_alignment(curves, progress, cfg, setup, pairs, z, seed)
        if cfg.sweeps is not None:
            _sweeps(curves, progress, cfg, world, pool, seed, setup, z, rl_points)
        curves.close()
        summary = _summary(curves.points, rm_info)
        return RLHFResult(summary={"proxy_rm": rm_info, **summary}, points=curves.points, notes=[GOLD_NOTE],
                          title=f"RLHF over-optimization lab ({cfg.preset} preset, seed {seed})")

    def report(self, result: RLHFResult, run_dir: RunDir) -> None:
        from overopt.report.overoptimization import finish

        headline = {k: v for k, v in result.summary.items() if k != "proxy_rm"}
        finish(run_dir, result.points, title=result.title, summary=headline, notes=result.notes)

    def print_summary(self, result: RLHFResult, run_dir: RunDir) -> None:
        import typer

        s = result.summary
        if "rl_peak_gold" in s:
            typer.echo(f"RL: gold peaked at {s['rl_peak_gold']:.2f} (step {s['rl_peak_step']}) and ended at "
                       f"{s['rl_final_gold']:.2f}; proxy went from {s['rl_proxy_at_gold_peak']:.2f} to "
                       f"{s['rl_final_proxy']:.2f} (z-scores).", err=True)
        for name, run in s.get("direct_alignment", {}).items():
            if "peak_gold" in run:
                loss, beta = name.split(" ", 1)
                typer.echo(f"{loss.upper()} {beta}: gold peaked at {run['peak_gold']:.2f} (step {run['peak_step']}, "
                           f"sqrt KL {run['peak_sqrt_kl']:.2f}) and ended at {run['final_gold']:.2f}; implicit margin "
                           f"{run['margin_at_peak']:.3f} -> {run['final_margin']:.3f}.", err=True)
        typer.echo(f"done: {run_dir.path}/report.md, {run_dir.path}/overoptimization.png, "
                   f"{run_dir.path}/curves.csv", err=True)


def _summary(points: list[dict], rm_info: dict) -> dict:
    out: dict = {"proxy_rm_held_out_accuracy": rm_info["held_out_accuracy"]}
    rl = [p for p in points if p["method"] == "rl" and p["sweep"] == "main"]
    if rl:
        peak = max(rl, key=lambda p: p["gold"])
        out.update(rl_peak_gold=peak["gold"], rl_peak_step=peak["step"], rl_proxy_at_gold_peak=peak["proxy"],
                   rl_final_gold=rl[-1]["gold"], rl_final_proxy=rl[-1]["proxy"],
                   rl_gold_drop=peak["gold"] - rl[-1]["gold"], rl_final_kl=rl[-1]["kl"])
    bon = [p for p in points if p["method"] == "bon" and p["sweep"] == "main"]
    if bon:
        peak = max(bon, key=lambda p: p["gold"])
        out.update(bon_peak_gold=peak["gold"], bon_peak_n=peak["setting"], bon_max_n_gold=bon[-1]["gold"],
                   bon_max_n_proxy=bon[-1]["proxy"], bon_decline=peak["gold"] - bon[-1]["gold"])
    fits = fit_points(main_points(points))
    if "rl" in fits:  # Gao's RL form fitted to gold vs sqrt(KL): where it puts the peak, and where it was
        fit = fits["rl"]
        out.update(rl_fit_peak_sqrt_kl=fit.predicted_peak_d, rl_observed_peak_sqrt_kl=fit.observed_peak_d,
                   rl_fit_r2=fit.r2)
    out.update(direct_alignment_summary(main_points(points), fits))
    return out


def direct_alignment_summary(points: list[dict], fits: dict) -> dict:
    """Per DPO/IPO run (loss, β): where gold peaked, how far it fell, and the implicit margin then and at the
    end. Headlines for DPO at its smallest β (the run with the widest KL budget) and whether smaller β reached
    larger KL."""
    runs: dict[str, dict] = {}
    final_kl: dict[str, dict[float, float]] = {}
    for loss in ("dpo", "ipo"):
        for beta in sorted({p["setting"] for p in points if p["method"] == loss}):
            pts = [p for p in points if p["method"] == loss and p["setting"] == beta]
            last = pts[-1]
            run = {"final_kl": last["kl"], "final_sqrt_kl": last["sqrt_kl"],
                   "final_margin": last["implicit_margin"], "final_proxy": last["proxy"]}
            if pts[0].get("gold") is not None:
                peak = max(pts, key=lambda p: p["gold"])
                run.update(peak_gold=peak["gold"], peak_step=peak["step"], peak_sqrt_kl=peak["sqrt_kl"],
                           final_gold=last["gold"], gold_drop=peak["gold"] - last["gold"],
                           margin_at_peak=peak["implicit_margin"],
                           margin_gain_after_peak=last["implicit_margin"] - peak["implicit_margin"])
            runs[f"{loss} β={beta:g}"] = run
            final_kl.setdefault(loss, {})[beta] = last["kl"]
    if not runs:
        return {}
    out: dict = {"direct_alignment": runs}
    if "dpo" in final_kl:
        smallest = runs[f"dpo β={min(final_kl['dpo']):g}"]
        out.update({f"dpo_{k}": smallest[k] for k in ("gold_drop", "peak_sqrt_kl", "final_sqrt_kl",
                                                      "margin_gain_after_peak") if k in smallest})
    for loss, by_beta in final_kl.items():
        kls = [by_beta[b] for b in sorted(by_beta)]
        if len(kls) > 1:  # smaller β, larger KL: the final KL falls as β grows
            out[f"{loss}_kl_falls_with_beta"] = all(a > b for a, b in zip(kls, kls[1:]))
        if loss in fits:
            out.update({f"{loss}_fit_r2": fits[loss].r2, f"{loss}_fit_peak_sqrt_kl": fits[loss].predicted_peak_d})
    return out


GOLD_NOTE = """## What the gold reward is

The gold reward is the world's fixed true objective (see `overopt/worlds/rlhf/gold.py`): on-topic words
with diminishing returns and a penalty past the second use, answering the prompt's focus word, distinct
quality words, coherent `because`/`example` + topic-word pairs, and penalties for stock phrases, off-topic
words, excess length and repeated bigrams. The proxy reward model only ever saw gold-labeled (25% flipped)
comparisons of reference samples, which rarely repeat words or run long; optimization goes exactly there.
All rewards are z-scores against the reference policy's own samples on held-out prompts.
"""


RLHF_LAB = RLHFLab()
