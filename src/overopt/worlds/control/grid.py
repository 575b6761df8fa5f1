"""Shared machinery of the control worlds: a character-map grid, four moves, and rgb rendering.

Each world subclasses `GridWorld`, parses its map once, and reports the hidden true performance
in `info` under the keys of `overopt.integrations.true_objective` (never in the observation).
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np

from overopt.errors import ConfigError, InputError
from overopt.integrations.true_objective import EPISODE_TRUE_KEY, TRUE_KEY

MOVES = ((-1, 0), (0, 1), (1, 0), (0, -1))  # up, right, down, left (row, col)
ACTION_NAMES = ("up", "right", "down", "left")
CELL = 32  # pixels per grid cell in rgb_array renders
HUD = 40  # pixels of text under the grid

COLORS = {
    "wall": (58, 62, 70), "floor": (228, 222, 205), "water": (86, 156, 214),
    "agent": (250, 250, 250), "agent_edge": (20, 20, 20), "text": (20, 20, 20),
    "hud": (245, 245, 240), "hidden": (170, 40, 40),
}


def parse(layout: tuple[str, ...]) -> np.ndarray:
    """The layout as a 2-D array of single characters; every row must have the same width."""
    widths = {len(row) for row in layout}
    if len(widths) != 1:
        raise ConfigError(f"grid layout rows differ in width: {sorted(widths)}")
    return np.array([list(row) for row in layout])


def find(grid: np.ndarray, chars: str) -> list[tuple[int, int]]:
    """Positions (row, col) of the characters in `chars`, in reading order."""
    return [(int(r), int(c)) for r, c in zip(*np.nonzero(np.isin(grid, list(chars))))]


class GridWorld(gym.Env):
    """A grid of walls (`#`) and open cells; the agent moves up/right/down/left, walls block.

    Subclasses set `layout`, and implement `_obs()`, `_reset_world()`, `_enter(pos)` (returns the
    observed reward and the hidden true performance of the step), `_draw(draw)` and `_hud()`.
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": 6}
    layout: tuple[str, ...] = ()

    def __init__(self, render_mode: str | None = None, max_steps: int = 100):
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ConfigError(f"render_mode must be one of {self.metadata['render_modes']} or None, "
                            f"got {render_mode!r}")
        if not isinstance(max_steps, (int, np.integer)) or max_steps <= 0:
            raise ConfigError(f"max_steps must be a positive integer, got {max_steps!r}")
        self.render_mode = render_mode
        self.max_steps = int(max_steps)
        self.grid = parse(self.layout)
        self.height, self.width = self.grid.shape
        self.action_space = gym.spaces.Discrete(4)
        self.pos = (0, 0)
        self.t = 0
        self.observed_return = 0.0
        self.true_return = 0.0

    # --- subclass hooks -------------------------------------------------------------------
    def _obs(self) -> np.ndarray:
        raise NotImplementedError

    def _reset_world(self) -> None:
        raise NotImplementedError

    def _enter(self, pos: tuple[int, int], moved: bool) -> tuple[float, float, bool]:
        """The agent is now at `pos`: update the world, return (observed, true, terminated)."""
        raise NotImplementedError

    def _tick(self) -> None:
        """Advance the world's own clock (respawns, drying) before the agent moves."""

    def _draw(self, draw: Any) -> None:
        """Draw the world's objects (the agent is drawn afterwards)."""

    def _hud(self) -> tuple[str, str]:
        raise NotImplementedError

    # --- gymnasium API ---------------------------------------------------------------------
    def open(self, pos: tuple[int, int]) -> bool:
        r, c = pos
        return 0 <= r < self.height and 0 <= c < self.width and self.grid[r, c] != "#"

    def target(self, pos: tuple[int, int], action: int) -> tuple[int, int]:
        """Where `action` from `pos` leads (the same cell when a wall is in the way)."""
        dr, dc = MOVES[action]
        nxt = (pos[0] + dr, pos[1] + dc)
        return nxt if self.open(nxt) else pos

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        self.t = 0
        self.observed_return = 0.0
        self.true_return = 0.0
        self._reset_world()
        return self._obs(), self._info(0.0)

    def step(self, action):
        if not self.action_space.contains(action):
            raise InputError(f"action must be one of 0..3 ({', '.join(ACTION_NAMES)}), got {action!r}")
        self.t += 1
        self._tick()
        nxt = self.target(self.pos, int(action))
        moved = nxt != self.pos
        self.pos = nxt
        observed, true, terminated = self._enter(nxt, moved)
        self.observed_return += observed
        self.true_return += true
        truncated = not terminated and self.t >= self.max_steps
        return self._obs(), float(observed), bool(terminated), bool(truncated), self._info(true)

    def _info(self, true: float) -> dict[str, Any]:
        return {TRUE_KEY: float(true), EPISODE_TRUE_KEY: float(self.true_return)}

    def render(self):
        if self.render_mode != "rgb_array":
            return None
        from PIL import Image, ImageDraw

        h, w = self.height * CELL, self.width * CELL
        img = Image.new("RGB", (w, h + HUD), COLORS["hud"])
        draw = ImageDraw.Draw(img)
        for r in range(self.height):
            for c in range(self.width):
                color = COLORS["wall"] if self.grid[r, c] == "#" else self.floor_color
                draw.rectangle(self.box(r, c), fill=color)
        self._draw(draw)
        x0, y0, x1, y1 = self.box(*self.pos, pad=6)
        draw.ellipse((x0, y0, x1, y1), fill=COLORS["agent"], outline=COLORS["agent_edge"], width=2)
        line1, line2 = self._hud()
        draw.text((6, h + 4), line1, fill=COLORS["text"])
        draw.text((6, h + 21), line2, fill=COLORS["hidden"])
        return np.asarray(img, dtype=np.uint8).copy()

    floor_color = COLORS["floor"]

    @staticmethod
    def box(r: int, c: int, pad: int = 0) -> tuple[int, int, int, int]:
        return (c * CELL + pad, r * CELL + pad, (c + 1) * CELL - 1 - pad, (r + 1) * CELL - 1 - pad)

    def shortest_step(self, goals: set[tuple[int, int]], avoid: set[tuple[int, int]] = frozenset()
                      ) -> int | None:
        """First action of a shortest path from the agent to any of `goals` (None if unreachable).

        Used by the scripted "intended" policies; breadth-first over open cells, ties broken by
        action order, cells in `avoid` never entered.
        """
        from collections import deque

        if self.pos in goals:
            return None
        first: dict[tuple[int, int], int] = {self.pos: -1}
        queue = deque([self.pos])
        while queue:
            cur = queue.popleft()
            for a in range(4):
                nxt = self.target(cur, a)
                if nxt in first or nxt in avoid:
                    continue
                first[nxt] = a if cur == self.pos else first[cur]
                if nxt in goals:
                    return first[nxt]
                queue.append(nxt)
        return None
