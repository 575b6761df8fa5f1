"""`TrueObjective`: add a hidden performance measure to any gymnasium environment.

The agent keeps seeing the environment's own observation and reward (the *observed* objective).
The wrapper computes what you actually want (the *true* objective) from each transition and puts
it only in `info`, where an agent never looks but an evaluator can:

    info["true_performance"]          this step's true performance
    info["episode_true_performance"]  the running total over the episode (the episode's total
                                      once `terminated or truncated`)

The same keys are reported by overopt's own control worlds (`overopt/BoatRace-v0`, ...), so one
evaluation loop reads both. Works with stable-baselines3: the keys arrive in each step's `infos`.
"""

from __future__ import annotations

from typing import Any, Callable, SupportsFloat

import gymnasium as gym

TRUE_KEY = "true_performance"
EPISODE_TRUE_KEY = "episode_true_performance"

#: fn(obs, action, reward, info) -> this step's true performance. `obs` is the observation after
#: the step. Close over the env (`env.unwrapped`) when the measure needs hidden state.
TrueFn = Callable[[Any, Any, float, dict], SupportsFloat]


class TrueObjective(gym.Wrapper):
    """Report a hidden true objective `fn` in `info`, leaving observations and rewards untouched.

    Per step `fn(obs, action, reward, info)` returns a number; the wrapper adds it to
    `info["true_performance"]` and keeps the episode total in `info["episode_true_performance"]`.
    Finished episodes' totals are kept in `episode_true_totals` (and their observed returns in
    `episode_observed_returns`), like AI Safety Gridworlds' `get_overall_performance()`.
    """

    def __init__(self, env: gym.Env, fn: TrueFn):
        if not callable(fn):
            from overopt.errors import InputError

            raise InputError(f"TrueObjective needs a callable fn(obs, action, reward, info), got {fn!r}")
        super().__init__(env)
        self.fn = fn
        self.episode_true = 0.0
        self.episode_observed = 0.0
        self.episode_true_totals: list[float] = []
        self.episode_observed_returns: list[float] = []

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        obs, info = self.env.reset(seed=seed, options=options)
        self.episode_true = 0.0
        self.episode_observed = 0.0
        info = dict(info)
        info[TRUE_KEY] = 0.0
        info[EPISODE_TRUE_KEY] = 0.0
        return obs, info

    def step(self, action):
        obs, reward, terminated, truncated, info = self.env.step(action)
        info = dict(info)
        value = float(self.fn(obs, action, float(reward), info))
        self.episode_true += value
        self.episode_observed += float(reward)
        info[TRUE_KEY] = value
        info[EPISODE_TRUE_KEY] = self.episode_true
        if terminated or truncated:
            self.episode_true_totals.append(self.episode_true)
            self.episode_observed_returns.append(self.episode_observed)
        return obs, reward, terminated, truncated, info

    @property
    def last_performance(self) -> float | None:
        """True performance of the last finished episode (None before the first one ends)."""
        return self.episode_true_totals[-1] if self.episode_true_totals else None

    @property
    def overall_performance(self) -> float | None:
        """Mean true performance over all finished episodes (None before the first one ends)."""
        if not self.episode_true_totals:
            return None
        return sum(self.episode_true_totals) / len(self.episode_true_totals)
