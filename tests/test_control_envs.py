"""Control worlds (issue 6): gymnasium registration and API, observed vs hidden true objective,
the TrueObjective wrapper, Q-learning and the optional PPO path."""

from __future__ import annotations

import sys
import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import overopt.worlds.control as control
from overopt.errors import ConfigError, DependencyMissing, InputError
from overopt.integrations.true_objective import EPISODE_TRUE_KEY, TRUE_KEY, TrueObjective
from overopt.worlds.control.agents import (QLearningConfig, evaluate, intended_policy,
                                           train_qlearning)
from overopt.worlds.control.boat_race import BoatRaceEnv
from overopt.worlds.control.tomato_watering import TomatoWateringEnv

IDS = list(control.ENVS)


def play(env, actions_or_policy, seed=0, steps=None):
    """Run an episode (or `steps` steps); return observations, rewards and infos."""
    obs, info = env.reset(seed=seed)
    observations, rewards, infos = [obs], [], [info]
    t = 0
    while True:
        if callable(actions_or_policy):
            action = actions_or_policy(obs, env.unwrapped)
        else:
            action = actions_or_policy[t % len(actions_or_policy)]
        obs, reward, terminated, truncated, info = env.step(action)
        observations.append(obs), rewards.append(reward), infos.append(info)
        t += 1
        if terminated or truncated or (steps is not None and t >= steps):
            return observations, rewards, infos, terminated


@pytest.mark.parametrize("env_id", IDS)
def test_registered_and_passes_gymnasium_check_env(env_id):
    assert env_id in gym.registry
    env = gym.make(env_id, render_mode="rgb_array")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_env(env.unwrapped)
    assert [str(w.message) for w in caught if "gymnasium" in str(w.filename)] == []
    env.reset(seed=0)
    frame = env.render()
    assert frame.dtype == np.uint8 and frame.ndim == 3 and frame.shape[2] == 3
    env.step(env.unwrapped.intended_action())
    assert not np.array_equal(env.render(), frame)  # the picture follows the world


@pytest.mark.parametrize("env_id", IDS)
def test_true_performance_only_in_info(env_id):
    env = gym.make(env_id)
    obs, rewards, infos, _ = play(env, intended_policy)
    assert all(env.observation_space.contains(o) for o in obs)
    assert all(TRUE_KEY in i and EPISODE_TRUE_KEY in i for i in infos)
    # the per-episode total is the running sum of the per-step values
    assert infos[-1][EPISODE_TRUE_KEY] == pytest.approx(sum(i[TRUE_KEY] for i in infos))
    assert infos[-1][EPISODE_TRUE_KEY] > 0


def test_boat_race_laps_are_hidden_from_the_observation():
    env = gym.make("overopt/BoatRace-v0", laps=3)
    obs, rewards, infos, _ = play(env, intended_policy)
    lap_ends = [t for t, i in enumerate(infos) if i[TRUE_KEY] == 1.0]
    assert len(lap_ends) == 3
    # after the first lap the boat is back at the start with everything respawned: the agent sees
    # exactly what it saw at t=0, although the true performance went from 0 to 1
    assert np.array_equal(obs[lap_ends[0]], obs[0])
    assert infos[lap_ends[0]][EPISODE_TRUE_KEY] == 1.0 and infos[0][EPISODE_TRUE_KEY] == 0.0


def test_boat_race_intended_policy_wins_the_race_and_lagoon_loop_scores_more():
    env = gym.make("overopt/BoatRace-v0")
    u = env.unwrapped
    _, rewards, infos, terminated = play(env, intended_policy)
    assert terminated and infos[-1][EPISODE_TRUE_KEY] == u.laps
    intended_return = sum(rewards)
    # Drive to the lagoon along the left side and the bottom, then circle it.
    to_lagoon = [2, 2, 2, 2, 1, 1, 1, 0]           # down x4, right x3, up into the lagoon
    loop = [0, 1, 2, 3]                              # up, right, down, left around the 2x2 lagoon
    _, rewards, infos, terminated = play(env, to_lagoon + loop * 100)
    assert not terminated                            # truncated: the race never ends
    assert infos[-1][EPISODE_TRUE_KEY] == 0.0
    assert sum(rewards) > intended_return
    assert rewards[-4:] == [1.0] * 4                 # one buoy a step, forever


def test_wrong_way_laps_do_not_count():
    env = gym.make("overopt/BoatRace-v0", max_steps=100)
    counter_clockwise = [2] * 4 + [1] * 6 + [0] * 4 + [3] * 6
    _, _, infos, _ = play(env, counter_clockwise, steps=80)
    assert infos[-1][EPISODE_TRUE_KEY] == 0.0


def test_tomato_bucket_fakes_observation_and_reward():
    env = gym.make("overopt/TomatoWatering-v0", dry_prob=0.5)
    u = env.unwrapped
    obs, rewards, infos, _ = play(env, [2, 2, 1, 2] + [2] * 30)   # down, down, right, down: bucket
    assert u.pos == u.bucket
    n = len(u.tomatoes)
    assert list(obs[-1][2:]) == [1] * n              # every tomato looks watered
    assert rewards[-1] == pytest.approx(n * u.reward_per_tomato)
    assert infos[-1][TRUE_KEY] < rewards[-1]         # ...but they are drying in truth
    assert infos[-1][TRUE_KEY] == pytest.approx(u.watered.sum() * u.reward_per_tomato)


def test_tomato_is_reproducible_per_seed():
    env = gym.make("overopt/TomatoWatering-v0", dry_prob=0.3)
    a = play(env, intended_policy, seed=5)
    b = play(env, intended_policy, seed=5)
    c = play(env, intended_policy, seed=6)
    assert a[1] == b[1] and all(np.array_equal(x, y) for x, y in zip(a[0], b[0]))
    assert a[1] != c[1]


@pytest.mark.parametrize("make", [
    lambda: BoatRaceEnv(laps=0), lambda: BoatRaceEnv(respawn=-1), lambda: BoatRaceEnv(max_steps=0),
    lambda: BoatRaceEnv(render_mode="human"), lambda: TomatoWateringEnv(dry_prob=1.5),
    lambda: gym.make("overopt/BoatRace-v0", laps=2.5),
])
def test_bad_settings_raise_config_error(make):
    with pytest.raises(ConfigError):
        make()


def test_bad_action_raises_input_error():
    env = BoatRaceEnv()
    env.reset(seed=0)
    with pytest.raises(InputError, match="action"):
        env.step(7)


def test_true_objective_wrapper_on_any_env():
    base = gym.make("CartPole-v1")
    env = TrueObjective(gym.make("CartPole-v1"), lambda obs, action, reward, info: 1.0 - abs(obs[0]))
    o1, _ = base.reset(seed=3)
    o2, info = env.reset(seed=3)
    assert np.array_equal(o1, o2) and info[EPISODE_TRUE_KEY] == 0.0
    done, total_true, steps = False, 0.0, 0
    while not done:
        a = steps % 2
        b = base.step(a)
        obs, reward, term, trunc, info = env.step(a)
        assert np.array_equal(obs, b[0]) and reward == b[1]       # observations, rewards untouched
        assert info[TRUE_KEY] == pytest.approx(1.0 - abs(obs[0]))
        total_true += info[TRUE_KEY]
        steps += 1
        done = term or trunc
    assert info[EPISODE_TRUE_KEY] == pytest.approx(total_true)
    assert env.last_performance == pytest.approx(total_true)
    assert env.episode_observed_returns == [float(steps)]
    assert env.overall_performance == pytest.approx(total_true)
    # the evaluation loop of the control lab reads it like a built-in world
    observed, true = evaluate(env, lambda obs, e: 0, [0, 1])
    assert observed > 0 and 0 < true <= observed
    with pytest.raises(InputError, match="callable"):
        TrueObjective(gym.make("CartPole-v1"), 3.0)
    with pytest.raises(InputError, match="TrueObjective"):
        evaluate(gym.make("CartPole-v1"), lambda obs, e: 0, [0])


def test_qlearning_is_reproducible_and_validates():
    cfg = QLearningConfig(episodes=40)
    tables = []
    for _ in range(2):
        q = train_qlearning(gym.make("overopt/TomatoWatering-v0"), cfg, seed=4)
        tables.append({k: v.copy() for k, v in q.table.items()})
    assert tables[0].keys() == tables[1].keys()
    assert all(np.array_equal(tables[0][k], tables[1][k]) for k in tables[0])
    for bad in (dict(episodes=0), dict(alpha=1.5), dict(gamma=0.0), dict(epsilon_end=-0.1)):
        with pytest.raises(ConfigError):
            QLearningConfig(**bad)


def test_ppo_without_stable_baselines3_gives_install_hint(monkeypatch):
    from overopt.worlds.control import ppo

    monkeypatch.setitem(sys.modules, "stable_baselines3", None)  # as if not installed
    with pytest.raises(DependencyMissing, match=r"pip install 'overopt\[sb3\]'"):
        ppo.require_sb3()
    assert ppo.sb3_available() is False
