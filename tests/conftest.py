import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory):
    """Lab models are cached by (config, seed); tests use their own cache, shared across the session."""
    os.environ["OVEROPT_CACHE"] = str(tmp_path_factory.mktemp("overopt-cache"))
    os.environ.setdefault("OVEROPT_THREADS", "2")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch

    torch.set_num_threads(int(os.environ["OVEROPT_THREADS"]))
    yield
