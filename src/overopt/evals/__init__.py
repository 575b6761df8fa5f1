"""`overopt eval`: sample the same prompts many times from a model (and a baseline), score every sample, and
report the distribution: pass@k, pass^k, hack@k, rates per category with intervals, and what changed.

Under construction (issue 14): parts land one module at a time.
"""
