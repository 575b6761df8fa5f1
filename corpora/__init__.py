"""Synthetic labeled episodes for the scan detectors' tests and benchmarks; not part of the installed package.

- `corpora.main`: the main set (`generate`), the old holdout (`holdout`), `udiff` and `write_jsonl`.
- `corpora.independent_holdout`: the independent holdout (`generate`), written before reading the detectors.

Generated from a seed at test and benchmark time (same seed, same episodes). Import with the repository root on
`sys.path`: tests/conftest.py and the bench scripts put it there.
"""
