"""One place to make runs reproducible."""

from __future__ import annotations

import os
import random

import numpy as np


def seed_everything(seed: int, threads: int | None = None) -> None:
    """Seed python, numpy and torch; fix torch's CPU thread count (results depend on it)."""
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if threads is None:
        threads = int(os.environ.get("OVEROPT_THREADS", min(2, os.cpu_count() or 1)))
    torch.set_num_threads(threads)
