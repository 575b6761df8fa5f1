"""Progress bars for long work (rich), one style across overopt.

On a terminal: live rich bars on stderr. Elsewhere (CI logs, batch jobs, `2> log`): a plain line per
task at most every `OVEROPT_PROGRESS_SECONDS` (default 30) and when it finishes, so a log shows where a
long run is without a screenful of redraws.
"""

from __future__ import annotations

import os
import time

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TaskID, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)

console = Console(stderr=True)


class _LogProgress(Progress):
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


def progress(transient: bool = False) -> Progress:
    """A rich Progress writing to stderr: `with progress() as p: task = p.add_task("...", total=n)`."""
    columns = (SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TimeRemainingColumn())
    if not console.is_terminal:
        return _LogProgress(*columns, console=console, every=float(os.environ.get("OVEROPT_PROGRESS_SECONDS", 30)))
    return Progress(*columns, console=console, transient=transient)
