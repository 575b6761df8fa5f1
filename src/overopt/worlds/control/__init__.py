"""Control-era worlds: specification gaming in small gymnasium environments, true objective hidden.

Importing this package registers the environments with gymnasium:

    import gymnasium as gym
    import overopt.worlds.control  # registers overopt/BoatRace-v0, overopt/TomatoWatering-v0

    env = gym.make("overopt/BoatRace-v0", render_mode="rgb_array")

The agent gets the observed reward from `step`; the hidden true performance is only in `info`
(`info["true_performance"]` per step, `info["episode_true_performance"]` for the episode so far).
"""

from __future__ import annotations

import gymnasium as gym

from overopt.integrations.true_objective import EPISODE_TRUE_KEY, TRUE_KEY, TrueObjective

ENVS = {
    "overopt/BoatRace-v0": "overopt.worlds.control.boat_race:BoatRaceEnv",
    "overopt/TomatoWatering-v0": "overopt.worlds.control.tomato_watering:TomatoWateringEnv",
}


def register_envs() -> None:
    """Register every overopt control world with gymnasium (safe to call more than once)."""
    for env_id, entry_point in ENVS.items():
        if env_id not in gym.registry:
            gym.register(id=env_id, entry_point=entry_point)


register_envs()


def __getattr__(name: str):
    if name == "BoatRaceEnv":
        from overopt.worlds.control.boat_race import BoatRaceEnv

        return BoatRaceEnv
    if name == "TomatoWateringEnv":
        from overopt.worlds.control.tomato_watering import TomatoWateringEnv

        return TomatoWateringEnv
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["ENVS", "EPISODE_TRUE_KEY", "TRUE_KEY", "BoatRaceEnv", "TomatoWateringEnv",
           "TrueObjective", "register_envs"]
