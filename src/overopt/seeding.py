"""One place to make runs reproducible."""

from __future__ import annotations

import os
import random

import numpy as np


def torch_threads() -> int:
    """CPU threads for torch: $OVEROPT_THREADS, else min(2, cores). Results can depend on it, so
    run folders record it. Use 1 on a machine busy with other work (threads that wait on each
    other on oversubscribed cores slow tiny models down many times over)."""
    return int(os.environ.get("OVEROPT_THREADS", min(2, os.cpu_count() or 1)))


def seed_everything(seed: int, threads: int | None = None) -> None:
    """Seed python, numpy and torch; fix torch's CPU thread count (results depend on it)."""
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(threads or torch_threads())
