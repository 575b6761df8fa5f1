def lab_rlhf(preset: str = "quick") -> None:
    """RLHF over-optimization lab (being written)."""
    raise SystemExit("not yet")
