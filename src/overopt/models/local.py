"""Local Hugging Face model folders: what a user points overopt at (nothing is ever downloaded)."""

from __future__ import annotations

from pathlib import Path

from overopt.errors import InputError

#: Torch dtypes a local model can be loaded in.
DTYPES = ("float32", "bfloat16", "float16")


def model_dir(path: str | Path, what: str) -> Path:
    """`path` as a Hugging Face model folder (with config.json), or an InputError naming `what`."""
    p = Path(path)
    if not p.is_dir():
        raise InputError(f"{what} not found (expected a local Hugging Face model folder)", path=p)
    if not (p / "config.json").is_file():
        raise InputError(f"{what} has no config.json: not a Hugging Face model folder", path=p)
    return p
