import os
import sys
from pathlib import Path

import pytest

# the repository root, so tests can import the generated corpora (corpora/, kept out of the installed package)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory):
    """Lab models are cached by (config, seed); tests use their own cache, shared across the session."""
    os.environ["OVEROPT_CACHE"] = str(tmp_path_factory.mktemp("overopt-cache"))
    os.environ.setdefault("OVEROPT_THREADS", "2")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch

    torch.set_num_threads(int(os.environ["OVEROPT_THREADS"]))
    yield
