"""The control lab: train an agent on each world, measure observed vs hidden true performance.

For each environment: evaluate the scripted intended policy, train the agent while logging
learning curves (greedy evaluations: observed return and true performance), evaluate the final
agent on the same episodes as the intended policy, and record a GIF of each. Results land in a
run folder (see `overopt.runs`): curves.csv, summary.json, control.png, <env>.gif, report.md.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from overopt.errors import InputError
from overopt.worlds.control import ENVS
from overopt.worlds.control.agents import QLearningConfig
from overopt.worlds.control.ppo import PPOConfig

AGENTS = ("qlearning", "ppo")
CURVE_COLUMNS = ["env", "agent", "step", "episode", "epsilon", "observed_return", "true_performance"]
MAX_SEED = 2**31 - 1


@dataclass
class ControlConfig:
    """Settings of `overopt lab control` (presets are named instances, see `PRESETS`)."""

    preset: str = "quick"
    """Name of the preset these settings came from."""
    envs: list[str] = field(default_factory=lambda: list(ENVS))
    """Environment ids to run (overopt control worlds, each with a scripted intended policy)."""
    agent: str = "qlearning"
    """'qlearning' (built in) or 'ppo' (stable-baselines3, optional extra)."""
    qlearning: QLearningConfig = field(default_factory=QLearningConfig)
    ppo: PPOConfig = field(default_factory=PPOConfig)
    evaluations: int = 20
    """Points on each learning curve (greedy evaluations during training)."""
    eval_episodes: int = 3
    """Episodes per learning-curve point."""
    final_episodes: int = 20
    """Episodes behind the summary numbers (the same seeds for the agent and the intended policy)."""

    def validate(self) -> None:
        if self.agent not in AGENTS:
            raise InputError(f"unknown agent {self.agent!r}; choose one of: {', '.join(AGENTS)}")
        if not self.envs:
            raise InputError("no environments selected")
        for env_id in self.envs:
            if env_id not in ENVS:
                raise InputError(f"unknown environment {env_id!r}; choose from: {', '.join(ENVS)}")
        for name in ("evaluations", "eval_episodes", "final_episodes"):
            value = getattr(self, name)
            if not isinstance(value, int) or value <= 0:
                raise InputError(f"{name} must be a positive integer, got {value!r}")
        if self.agent == "qlearning":
            self.qlearning.validate()
        else:
            self.ppo.validate()
            from overopt.worlds.control.ppo import require_sb3

            require_sb3()


PRESETS: dict[str, ControlConfig] = {
    "quick": ControlConfig(preset="quick"),
    "full": ControlConfig(preset="full", qlearning=QLearningConfig(episodes=3000),
                          ppo=PPOConfig(timesteps=200_000), evaluations=50, eval_episodes=10,
                          final_episodes=100),
}


def env_name(env_id: str) -> str:
    """'overopt/BoatRace-v0' -> 'BoatRace' (used for file names and tables)."""
    return env_id.split("/")[-1].split("-v")[0]


def resolve_env(name: str) -> str:
    """Accept a full id ('overopt/BoatRace-v0') or a short name ('BoatRace', 'boatrace')."""
    for env_id in ENVS:
        if name == env_id or name.lower() in (env_name(env_id).lower(), env_id.lower()):
            return env_id
    short = ", ".join(env_name(e) for e in ENVS)
    raise InputError(f"unknown environment {name!r}; choose from: {short} (or their ids: {', '.join(ENVS)})")


def make_config(preset: str, agent: str = "qlearning", envs: list[str] | None = None) -> ControlConfig:
    """The named preset with the agent and environments chosen, validated."""
    if preset not in PRESETS:
        raise InputError(f"unknown preset {preset!r}; choose one of: {', '.join(PRESETS)}")
    cfg = dataclasses.replace(PRESETS[preset], agent=agent)
    if envs:
        cfg.envs = list(dict.fromkeys(resolve_env(e) for e in envs))
    cfg.validate()
    return cfg


def check_seed(seed: int) -> None:
    if not 0 <= seed <= MAX_SEED:
        raise InputError(f"seed must be between 0 and {MAX_SEED}, got {seed}")


def eval_seeds(seed: int, n: int, offset: int) -> list[int]:
    """Episode seeds for evaluation, disjoint from training and reproducible from `seed`."""
    return [(seed * 7919 + offset + i) % (2**32) for i in range(n)]


def run_env(env_id: str, cfg: ControlConfig, seed: int, curves, bar=None) -> dict[str, Any]:
    """Intended baseline, training with learning curves, final evaluation and GIF frames for one env."""
    import gymnasium as gym

    from overopt.worlds.control.agents import (QTable, evaluate, intended_policy, record_frames,
                                               train_qlearning)

    name = env_name(env_id)
    eval_env = gym.make(env_id)
    final = eval_seeds(seed, cfg.final_episodes, 1_000_000)
    curve = eval_seeds(seed, cfg.eval_episodes, 2_000_000)
    intended_observed, intended_true = evaluate(eval_env, intended_policy, final)
    task = bar.add_task(f"{name} ({cfg.agent})", total=cfg.qlearning.episodes
                        if cfg.agent == "qlearning" else cfg.ppo.timesteps) if bar else None
    rows: list[dict[str, Any]] = []

    def log(step: int, episode: int | str, epsilon: float | str, policy) -> None:
        observed, true = evaluate(eval_env, policy, curve)
        row = {"env": name, "agent": cfg.agent, "step": step, "episode": episode, "epsilon": epsilon,
               "observed_return": observed, "true_performance": true}
        rows.append(row)
        curves.write(row)

    train_env = gym.make(env_id)
    if cfg.agent == "qlearning":
        qc = cfg.qlearning
        every = max(1, qc.episodes // cfg.evaluations)

        def on_episode(episode, steps, eps, q):
            if episode % every == 0 or episode == qc.episodes:
                log(steps, episode, round(eps, 6), q.greedy)
            if bar is not None:
                bar.advance(task)

        log(0, 0, qc.epsilon_start, QTable(train_env.action_space.n, qc.q_init).greedy)
        policy = train_qlearning(train_env, qc, seed, on_episode).greedy
    else:
        from overopt.worlds.control.ppo import train_ppo

        every = max(1, cfg.ppo.timesteps // cfg.evaluations)

        def on_eval(steps, pol):
            log(steps, "", "", pol)
            if bar is not None:
                bar.update(task, completed=steps)

        policy = train_ppo(train_env, cfg.ppo, seed, every, on_eval)
    learned_observed, learned_true = evaluate(eval_env, policy, final)
    render_env = gym.make(env_id, render_mode="rgb_array")
    return {
        "name": name, "env_id": env_id, "rows": rows,
        "summary": {
            "env_id": env_id, "agent": cfg.agent,
            "learned_observed": round(learned_observed, 6), "learned_true": round(learned_true, 6),
            "intended_observed": round(intended_observed, 6),
            "intended_true": round(intended_true, 6),
            "observed_gap": round(learned_observed - intended_observed, 6),
            "true_gap": round(learned_true - intended_true, 6),
            "over_optimized": learned_observed > intended_observed and learned_true < intended_true,
            "episodes_evaluated": len(final),
        },
        "frames": record_frames(render_env, policy, final[0]),
        "intended_frames": record_frames(render_env, intended_policy, final[0]),
    }


def run_lab(cfg: ControlConfig, seed: int, out: str | Path, show_progress: bool = True) -> dict[str, Any]:
    """Run the control lab into the run folder `out`; return summary.json's content."""
    from overopt.progress import progress
    from overopt.runs import start_run
    from overopt.worlds.control import report

    cfg.validate()
    check_seed(seed)
    with start_run(out, kind="control", config=cfg, seed=seed) as run:
        if cfg.agent == "ppo":
            from overopt.seeding import seed_everything

            seed_everything(seed)
        curves = run.csv("curves.csv", CURVE_COLUMNS)
        results = []
        try:
            if show_progress:
                with progress() as bar:
                    for env_id in cfg.envs:
                        results.append(run_env(env_id, cfg, seed, curves, bar))
            else:
                for env_id in cfg.envs:
                    results.append(run_env(env_id, cfg, seed, curves))
        finally:
            curves.close()
        summary = {
            "preset": cfg.preset, "agent": cfg.agent, "seed": seed,
            "envs": {r["name"]: r["summary"] for r in results},
        }
        for r in results:
            report.save_gif(r["frames"], run.file(f"{r['name']}.gif"))
            report.save_gif(r["intended_frames"], run.file(f"{r['name']}-intended.gif"))
        report.plot_curves(results, run.file("control.png"))
        run.write_json("summary.json", summary)
        report.write_report(run.file("report.md"), summary, cfg)
    return summary
