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

from dataclasses import dataclass, field
from typing import Any

from overopt.configs import check, setting
from overopt.labs import Lab, Preset, Result
from overopt.measure.overoptimization import MeasureConfig
from overopt.monitor.monitor import MonitorConfig
from overopt.optimize.rl import RLConfig
from overopt.progress import Progress
from overopt.rewards.reward_model import RewardModelConfig
from overopt.runs import RunDir
from overopt.worlds.mitigations._curves import (Curves, Measurement, best_of_n_curves, measure_kept_checkpoint,
                                                monitor_callback, normalizers_with_ensembles, rl_curves)
from overopt.worlds.mitigations._reward_models import (MEMBER_DATA, ensemble_columns, ensemble_scorers,
                                                       test_rm_pairs, train_reward_models)
from overopt.worlds.mitigations._summary import SUMMARY_COLUMNS, monitor_summary, single_rl_points, summary_rows
from overopt.worlds.rlhf.lab import PRESETS as RLHF_PRESETS
from overopt.worlds.rlhf.world import ReferenceConfig, build_world


@dataclass
class MitigationsConfig:
    """Settings of `overopt lab mitigations`."""

    preset: str = setting("quick", "Name of the preset these settings came from.")
    reference: ReferenceConfig = setting(factory=ReferenceConfig, help="The reference (SFT) policy: the rlhf "
                                         "lab's world.")
    reward_model: RewardModelConfig = setting(factory=RewardModelConfig, help="Every reward model: the proxy "
                                              "(ensemble member 0), the other members and the test RM.")
    measure: MeasureConfig = setting(factory=lambda: MeasureConfig(bon_pool_factor=1),
                                     help="How proxy, gold and KL are measured (a pool of 4,096 per prompt: every "
                                     "ensemble member scores it).")
    ensemble_size: int = setting(4, "Reward models in the ensemble, the single proxy RM included.")
    uwo_lambda: float = setting(0.5, "λ of the uncertainty-weighted ensemble (mean - λ·variance of the members).")
    member_data: str = setting("same", "Ensemble members' pairs: 'same' (all members on the proxy's pairs, "
                               "Coste et al.) or 'bootstrap' (members 1..k-1 on bootstrap resamples).")
    test_rm_pairs: int = setting(4000, "Fresh gold-labeled pairs for the held-out test RM (those the proxy "
                                 "trains on are dropped).")
    betas: list[float] = setting(factory=lambda: [0.05, 0.2, 0.5], help="KL coefficients of the sweep besides "
                                 "0 (the single-RM run).")
    ensemble_with_kl: bool = setting(True, "Also run the worst-case ensemble with the smallest β (Coste et al.'s "
                                     "best setting).")
    rl: RLConfig = setting(factory=lambda: RLConfig(steps=60, learning_rate=1e-4, eval_every=5),
                           help="GRPO, the same for every RL run (the sweep sets β).")
    monitor: MonitorConfig = setting(factory=MonitorConfig, help="The online monitor on the single-RM β = 0 run "
                                     "(the lab runs it in warn mode with the world's completion length).")

    def __post_init__(self) -> None:
        check(self.ensemble_size >= 2, f"ensemble_size must be >= 2 (an ensemble of one is the single RM), "
              f"got {self.ensemble_size}")
        check(self.uwo_lambda >= 0, f"uwo_lambda must be >= 0, got {self.uwo_lambda}")
        check(self.member_data in MEMBER_DATA, f"member_data must be 'same' or 'bootstrap', got {self.member_data!r}")
        check(self.test_rm_pairs >= 1, f"test_rm_pairs must be a positive integer, got {self.test_rm_pairs}")
        check(all(b >= 0 for b in self.betas), f"betas must be >= 0, got {self.betas}")
        check(self.rl.steps >= 1, f"rl.steps must be >= 1 (every method is compared on its RL curve), "
              f"got {self.rl.steps}")
        default = MonitorConfig()
        for key in ("mode", "max_new_tokens", "seed"):  # the lab sets these itself (see `monitor`'s help)
            check(getattr(self.monitor, key) == getattr(default, key),
                  f"monitor.{key} is set by the lab (warn mode, the world's completion length, seed + 61); "
                  f"leave it at {getattr(default, key)!r}")


def _smoke() -> MitigationsConfig:
    world = RLHF_PRESETS["smoke"].make()
    return MitigationsConfig(preset="smoke", reference=world.reference, reward_model=world.reward_model,
                             measure=world.measure, ensemble_size=2, test_rm_pairs=200, betas=[0.2], rl=world.rl,
                             monitor=MonitorConfig(every=2, every_near=1, per_prompt=2, max_prompts=8,
                                                   reference_per_prompt=4))


PRESETS = {
    "quick": Preset(MitigationsConfig, "several minutes on a laptop CPU (about 7 on 2 cores)"),
    "smoke": Preset(_smoke, "seconds; checks that the lab runs, too small to show anything (the rlhf lab's "
                    "smoke world, 2 members, one β)"),
}


@dataclass
class MitigationsResult(Result):
    """Curve points (rows of curves.csv), a row per method (mitigations.csv), the monitor's summary
    (monitor.json), the reward models' pair counts and accuracies (`info`), and the settings and seed."""

    points: list[dict[str, Any]] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    monitor: dict[str, Any] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)
    config: MitigationsConfig = field(default_factory=MitigationsConfig)
    seed: int = 0


class MitigationsLab(Lab[MitigationsConfig, MitigationsResult]):
    """Bend Goodhart's curve and stop at its peak: reward-model ensembles (mean / worst-case /
    uncertainty-weighted) for best-of-n and RL, a KL-penalty sweep, a held-out test RM, and the online
    monitor that stops without gold.

    Writes mitigations.csv, monitor.json, curves.csv, ensembles.png, kl_sweep.png, monitor.png, report.md,
    summary.json, monitor/ (the monitor's JSONL, TensorBoard logs, kept checkpoint), config.json and
    status.json to OUT.

    Example: overopt lab mitigations --preset quick --seed 0 --out runs/mitigations
    """

    name = "mitigations"
    title = "Ensembles, a KL sweep, a held-out test RM and an online monitor that stops at the gold peak"
    Config = MitigationsConfig
    presets = PRESETS
    flags = {"rl-steps": "rl.steps", "ensemble-size": "ensemble_size", "uwo-lambda": "uwo_lambda",
             "betas": "betas", "monitor-every": "monitor.every", "member-data": "member_data"}
    outputs = ("curves.csv", "mitigations.csv", "monitor.json", "ensembles.png", "kl_sweep.png", "monitor.png",
               "report.md", "monitor/monitor.jsonl")
    curve_index = ("run", "method", "setting", "step")
    curve_x = "sqrt_kl"
    curve_y = ("gold", "optimized")
    headlines = {
        "drop_vs_single.rl.mean": "RL: gold drop of the mean ensemble relative to a single RM",
        "drop_vs_single.rl.wco": "RL: gold drop of the worst-case ensemble relative to a single RM",
        "drop_vs_single.rl.uwo": "RL: gold drop of the uncertainty-weighted ensemble relative to a single RM",
        "drop_vs_single.bon.wco": "best-of-n: gold drop of the worst-case ensemble relative to a single RM",
        "monitor.kl_ratio": "monitor: KL at its kept checkpoint / KL at the true gold peak",
        "monitor.gold_ratio": "monitor: gold at its kept checkpoint / peak gold",
    }

    def run(self, config: MitigationsConfig, seed: int, run_dir: RunDir, progress: Progress) -> MitigationsResult:
        cfg, curves = config, Curves(run_dir)
        task = progress.task("reference policy (SFT, cached) and pairs")
        world = build_world(cfg.reference, cfg.reward_model, seed, task=task)
        test_pairs = test_rm_pairs(world, cfg.test_rm_pairs, cfg.reward_model, cfg.reference.max_new_tokens, seed)
        task.update(completed=1, total=1)
        task = progress.task(f"reward models: {cfg.ensemble_size} ensemble members + test RM",
                             total=cfg.ensemble_size + 1)
        rms = train_reward_models(world, test_pairs, cfg.reward_model, cfg.ensemble_size, cfg.member_data, seed, task)
        ensembles = ensemble_scorers(rms.members, world, cfg.uwo_lambda, seed, cfg.measure.batch_size)
        setup = world.setup(rms.proxy)
        setup.extra_scorers = {"test_rm": rms.test_rm}
        m = Measurement(setup, normalizers_with_ensembles(setup, ensembles, cfg.measure, seed), cfg.measure, seed,
                        curves)
        best_of_n_curves(m, rms.members, ensembles, progress)
        setup.extra_scorers = {"test_rm": rms.test_rm, **ensemble_columns(ensembles)}  # RL measures them all
        callback = monitor_callback(world, setup, rms, cfg.monitor, seed, run_dir.file("monitor"))
        rl_curves(m, progress, cfg.rl, cfg.betas, cfg.ensemble_with_kl, ensembles, callback)
        stopped = measure_kept_checkpoint(callback.result, m)
        curves.close()

        monitor = monitor_summary(callback.result, stopped, single_rl_points(curves.points))
        rows = summary_rows(curves.points, monitor, stopped)
        table = run_dir.csv("mitigations.csv", SUMMARY_COLUMNS)
        for row in rows:
            table.write(row)
        table.close()
        run_dir.write_json("monitor.json", monitor)
        drops = {opt: {r["method"]: r["drop_vs_single"] for r in rows if r["optimizer"] == opt} for opt in ("rl", "bon")}
        summary = {"info": rms.info, "rows": rows, "monitor": monitor, "drop_vs_single": drops}
        return MitigationsResult(summary=summary, points=curves.points,
                                 rows=rows, monitor=monitor, info=rms.info, config=cfg, seed=seed)

    def report(self, result: MitigationsResult, run_dir: RunDir) -> None:
        from overopt.worlds.mitigations.report import write_report

        write_report(run_dir, result)

    def print_summary(self, result: MitigationsResult, run_dir: RunDir) -> None:
        import typer

        m, out = result.monitor, run_dir.path
        typer.echo(f"monitor: kept step {m['stop_step']} (KL {m['stop_kl']}), true gold peak at step "
                   f"{m['gold_peak_step']} (KL {m['gold_peak_kl']:.2f}); stopped gold {m['stopped_gold']} vs peak "
                   f"{m['peak_gold']:.2f}", err=True)
        typer.echo(f"done: {out}/report.md, {out}/mitigations.csv, {out}/monitor.json", err=True)


MITIGATIONS_LAB = MitigationsLab()
