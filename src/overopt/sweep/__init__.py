"""`overopt sweep`: run a lab across seeds (and a grid of settings) on Ray or local worker processes, then
report its curves with 95% bootstrap bands and its headline statistics with intervals.

    from overopt.sweep import SweepPlan, run_sweep
    summary = run_sweep(SweepPlan("control", seeds=list(range(10)), preset="quick"), "runs/sweep-control")
"""

from overopt.sweep._aggregate import bootstrap_mean, statistics
from overopt.sweep._command import sweep
from overopt.sweep._plan import RunSpec, SweepPlan, parse_grid, parse_seeds
from overopt.sweep._sweep import aggregate, run_sweep

__all__ = ["SweepPlan", "RunSpec", "run_sweep", "aggregate", "parse_seeds", "parse_grid", "bootstrap_mean",
           "statistics", "sweep"]
