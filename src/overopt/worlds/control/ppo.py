"""PPO on the control worlds through stable-baselines3 (optional extra: `pip install 'overopt[sb3]'`).

stable-baselines3 is imported only when PPO is asked for; without it you get a DependencyMissing that
says how to install it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import gymnasium as gym

from overopt.configs import check_positive, setting
from overopt.errors import ConfigError, DependencyMissing
from overopt.worlds.control.agents import Policy

INSTALL_HINT = "PPO needs stable-baselines3: pip install 'overopt[sb3]' (or pip install stable-baselines3)"


def require_sb3():
    """Import stable_baselines3, or raise DependencyMissing with the install command."""
    try:
        import stable_baselines3
    except ImportError as exc:
        raise DependencyMissing(f"{INSTALL_HINT} ({exc})") from None
    return stable_baselines3


def sb3_available() -> bool:
    try:
        require_sb3()
    except DependencyMissing:
        return False
    return True


@dataclass
class PPOConfig:
    """stable-baselines3 PPO settings (MlpPolicy; MultiDiscrete observations are one-hot encoded)."""

    timesteps: int = setting(60_000, "Environment steps of training per environment.")
    n_steps: int = setting(1024, "Steps collected per update.")
    batch_size: int = setting(256, "Minibatch size.")
    learning_rate: float = setting(3e-4, "Adam learning rate.")
    gamma: float = setting(0.97, "Discount factor.")
    ent_coef: float = setting(0.01, "Entropy bonus (exploration).")

    def __post_init__(self) -> None:
        check_positive(self, "timesteps", "n_steps", "batch_size", group="ppo.")
        if self.learning_rate <= 0:
            raise ConfigError(f"ppo.learning_rate must be positive, got {self.learning_rate!r}")
        if not 0.0 < self.gamma <= 1.0:
            raise ConfigError(f"ppo.gamma must be in (0, 1], got {self.gamma!r}")


def train_ppo(env: gym.Env, cfg: PPOConfig, seed: int, eval_every: int,
              on_eval: Callable[[int, Policy], None] | None = None) -> Policy:
    """Train PPO on `env`; every `eval_every` steps call `on_eval(env_steps, policy)`.

    Returns the trained deterministic policy `policy(obs, env) -> action`.
    """
    sb3 = require_sb3()
    from stable_baselines3.common.callbacks import BaseCallback

    model = sb3.PPO("MlpPolicy", env, n_steps=cfg.n_steps, batch_size=cfg.batch_size,
                    learning_rate=cfg.learning_rate, gamma=cfg.gamma, ent_coef=cfg.ent_coef,
                    seed=seed, device="cpu", verbose=0)

    def policy(obs, _env=None) -> int:
        action, _ = model.predict(obs, deterministic=True)
        return int(action)

    class EvalCallback(BaseCallback):
        def _on_step(self) -> bool:
            if on_eval is not None and self.num_timesteps % eval_every == 0:
                on_eval(self.num_timesteps, policy)
            return True

    model.learn(total_timesteps=cfg.timesteps, callback=EvalCallback())
    return policy
