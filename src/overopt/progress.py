"""Progress for long work: one callback object passed down, drawn as rich bars, one style across overopt.

Library code takes a `Progress` and opens a `Task` per stage (`task = progress.task("GRPO", total=steps)`,
then `task.update(completed=k)` or `task.advance()`). `progress_bars()` draws them; `SILENT` draws nothing.

On a terminal: live rich bars on stderr. Elsewhere (CI logs, batch jobs, `2> log`): a plain line per
task at most every `OVEROPT_PROGRESS_SECONDS` (default 30) and when it finishes, so a log shows where a
long run is without a screenful of redraws.
"""

from __future__ import annotations

import os
import time

from contextlib import contextmanager
from typing import Iterator, Protocol

from rich.console import Console
from rich.progress import Progress as RichProgress
from rich.progress import (BarColumn, MofNCompleteColumn, SpinnerColumn, TaskID, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)

console = Console(stderr=True)


class _LogProgress(RichProgress):
    """A Progress that prints plain status lines instead of redrawing (for non-terminals)."""

    def __init__(self, *args, every: float, **kwargs):
        super().__init__(*args, **kwargs, disable=True)
        self._every = every
        self._last: dict[TaskID, float] = {}
        self._done: set[TaskID] = set()

    def _report(self, task_id: TaskID) -> None:
        task = self._tasks[task_id]
        now = time.monotonic()
        finished = task.total is not None and task.completed >= task.total
        if task_id in self._done or (not finished and now - self._last.get(task_id, now - self._every - 1) < self._every):
            return
        self._last[task_id] = now
        if finished:
            self._done.add(task_id)
        total = "?" if task.total is None else f"{task.total:g}"
        console.print(f"[{task.elapsed or 0:7.1f}s] {task.description}: {task.completed:g}/{total}"
                      + (" done" if finished else ""), highlight=False, markup=False)

    def update(self, task_id: TaskID, **kwargs) -> None:
        super().update(task_id, **kwargs)
        self._report(task_id)

    def advance(self, task_id: TaskID, advance: float = 1) -> None:
        super().advance(task_id, advance)
        self._report(task_id)


def progress(transient: bool = False) -> RichProgress:
    """A rich Progress writing to stderr: `with progress() as p: task = p.add_task("...", total=n)`."""
    columns = (SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TimeRemainingColumn())
    if not console.is_terminal:
        return _LogProgress(*columns, console=console, every=float(os.environ.get("OVEROPT_PROGRESS_SECONDS", 30)))
    return RichProgress(*columns, console=console, transient=transient)


class Task(Protocol):
    """One stage of long work, as seen by the code doing it."""

    def update(self, completed: float | None = None, total: float | None = None) -> None: ...

    def advance(self, amount: float = 1) -> None: ...


class Progress(Protocol):
    """What library code receives: it opens one `Task` per stage."""

    def task(self, description: str, total: float | None = None) -> Task: ...


class _Silent:
    def task(self, description: str, total: float | None = None) -> "_Silent":
        return self

    def update(self, completed: float | None = None, total: float | None = None) -> None:
        pass

    def advance(self, amount: float = 1) -> None:
        pass


SILENT = _Silent()
"""Shows nothing: the default `Progress` and `Task` of every library function."""


class _BarTask:
    def __init__(self, bars: "ProgressBars", task_id: TaskID):
        self._bars, self._id = bars, task_id

    def update(self, completed: float | None = None, total: float | None = None) -> None:
        kwargs = {k: v for k, v in (("completed", completed), ("total", total)) if v is not None}
        self._bars.rich.update(self._id, **kwargs)

    def advance(self, amount: float = 1) -> None:
        self._bars.rich.advance(self._id, amount)


class ProgressBars:
    """A `Progress` drawn as rich bars (see `progress_bars`)."""

    def __init__(self, rich: RichProgress):
        self.rich = rich

    def task(self, description: str, total: float | None = None) -> Task:
        return _BarTask(self, self.rich.add_task(description, total=total))


@contextmanager
def progress_bars(transient: bool = False) -> Iterator[ProgressBars]:
    """`with progress_bars() as p: run(..., progress=p)`: bars on stderr while the block runs."""
    with progress(transient) as rich:
        yield ProgressBars(rich)
