"""Agents for the control worlds: tabular Q-learning (built in), scripted intended play, evaluation.

A *policy* here is `policy(obs, env) -> action`, where `env` is the unwrapped environment (the
scripted intended policies read the world from it; learned policies only use `obs`).
Evaluation reads the hidden true performance from `info`, never from the agent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

import gymnasium as gym
import numpy as np

from overopt.configs import setting
from overopt.errors import ConfigError, InputError
from overopt.integrations.true_objective import EPISODE_TRUE_KEY

Policy = Callable[[Any, gym.Env], int]


@dataclass
class QLearningConfig:
    """Tabular Q-learning with epsilon-greedy exploration decayed linearly over training."""

    episodes: int = setting(600, "Training episodes per environment.")
    alpha: float = setting(0.5, "Learning rate of the Q update.")
    gamma: float = setting(0.97, "Discount factor.")
    epsilon_start: float = setting(1.0, "Exploration rate at the first episode.")
    epsilon_end: float = setting(0.05, "Exploration rate once the decay is over.")
    explore_fraction: float = setting(0.7, "Fraction of the episodes over which epsilon decays from start to end.")
    q_init: float = setting(20.0, "Initial Q-value of unseen state-actions; optimistic (> 0) values make the agent explore.")

    def __post_init__(self) -> None:
        if not isinstance(self.episodes, int) or self.episodes <= 0:
            raise ConfigError(f"qlearning.episodes must be a positive integer, got {self.episodes!r}")
        for name in ("alpha", "epsilon_start", "epsilon_end", "explore_fraction"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ConfigError(f"qlearning.{name} must be between 0 and 1, got {value!r}")
        if not 0.0 < self.gamma <= 1.0:
            raise ConfigError(f"qlearning.gamma must be in (0, 1], got {self.gamma!r}")
        if self.alpha == 0:
            raise ConfigError("qlearning.alpha must be positive, got 0")

    def epsilon(self, episode: int) -> float:
        span = max(1.0, self.explore_fraction * self.episodes)
        frac = min(1.0, episode / span)
        return self.epsilon_start + frac * (self.epsilon_end - self.epsilon_start)


class QTable:
    """A Q-table over any discrete observation (keyed by the observation's bytes)."""

    def __init__(self, n_actions: int, init: float = 0.0):
        self.n_actions = n_actions
        self.init = init
        self.table: dict[bytes, np.ndarray] = {}

    def values(self, obs) -> np.ndarray:
        key = np.asarray(obs).tobytes()
        row = self.table.get(key)
        if row is None:
            row = self.table[key] = np.full(self.n_actions, self.init)
        return row

    def greedy(self, obs, env: gym.Env | None = None) -> int:
        """Greedy action (ties go to the lowest action, so evaluation is deterministic)."""
        return int(np.argmax(self.values(obs)))


def train_qlearning(env: gym.Env, cfg: QLearningConfig, seed: int,
                    on_episode: Callable[[int, int, float, QTable], None] | None = None) -> QTable:
    """Train a Q-table on `env`; call `on_episode(episode, env_steps, epsilon, q)` after each episode.

    Truncated episodes bootstrap from the last state (time limits are not terminal).
    """
    if not isinstance(env.action_space, gym.spaces.Discrete):
        raise InputError(f"Q-learning needs a Discrete action space, got {env.action_space}")
    rng = np.random.default_rng(seed)
    q = QTable(int(env.action_space.n), cfg.q_init)
    steps = 0
    obs, _ = env.reset(seed=seed)
    for episode in range(1, cfg.episodes + 1):
        if episode > 1:
            obs, _ = env.reset()
        eps = cfg.epsilon(episode - 1)
        row = q.values(obs)
        done = False
        while not done:
            a = int(rng.integers(q.n_actions)) if rng.random() < eps else int(np.argmax(row))
            obs, reward, terminated, truncated, _ = env.step(a)
            steps += 1
            nxt = q.values(obs)
            target = reward if terminated else reward + cfg.gamma * float(nxt.max())
            row[a] += cfg.alpha * (target - row[a])
            row = nxt
            done = terminated or truncated
        if on_episode is not None:
            on_episode(episode, steps, eps, q)
    return q


def evaluate(env: gym.Env, policy: Policy, seeds: Iterable[int]) -> tuple[float, float]:
    """Mean (observed return, hidden true performance) of `policy` over one episode per seed."""
    observed, true = [], []
    for seed in seeds:
        obs, info = env.reset(seed=int(seed))
        total, done = 0.0, False
        while not done:
            obs, reward, terminated, truncated, info = env.step(policy(obs, env.unwrapped))
            total += float(reward)
            done = terminated or truncated
        if EPISODE_TRUE_KEY not in info:
            raise InputError(f"{env.spec.id if env.spec else env}: info has no {EPISODE_TRUE_KEY!r}; "
                            "wrap the environment in overopt's TrueObjective(env, fn)")
        observed.append(total)
        true.append(float(info[EPISODE_TRUE_KEY]))
    return float(np.mean(observed)), float(np.mean(true))


def intended_policy(obs, env: gym.Env) -> int:
    """The scripted policy that plays as the designer intended (`env.intended_action()`)."""
    return env.intended_action()


def record_frames(env: gym.Env, policy: Policy, seed: int) -> list[np.ndarray]:
    """Play one episode of `policy` on an rgb_array env and return its frames (reset included)."""
    obs, _ = env.reset(seed=seed)
    frames, done = [env.render()], False
    while not done:
        obs, _, terminated, truncated, _ = env.step(policy(obs, env.unwrapped))
        frames.append(env.render())
        done = terminated or truncated
    return frames
