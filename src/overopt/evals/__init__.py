"""`overopt eval`: sample the same prompts many times from a model (and a baseline), score every sample, and
report the distribution: pass@k, pass^k, hack@k, rates per category with intervals, and what changed.

    from overopt.evals import EvalConfig, run_eval
    summary = run_eval(EvalConfig(model="./rl-ckpt", baseline="./sft", prompts="prompts.jsonl", samples=16),
                       "runs/eval")

Modules: `_run` (the run and its settings), `_local` and `_endpoint` (samplers), `_scoring` (grader, reward
model, detectors), `_stats` and `_summary` (the numbers), `_report` (files and figures), `_demo`, `_command`.
"""

from overopt.evals._run import EvalConfig, run_eval

__all__ = ["EvalConfig", "run_eval"]
