"""overopt: make reward over-optimization visible, measurable and stoppable.

The public API. Every name below is importable from `overopt` itself and loads its module on first use
(so `import overopt` stays fast and pulls in neither torch nor transformers):

    import overopt

    result = overopt.run_lab(overopt.get_lab("rlhf"), overopt.RLHFLabConfig(), seed=0, out="runs/rlhf")
    fit = overopt.fit_gao("rl", d, gold)
    callback = overopt.OverOptimizationCallback(tokenizer=tok, prompts=held_out, proxy=rm, test_rm=test_rm)

Other modules are implementation; their names may change between versions.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    # labs: the contract, the runner, each lab's config
    "Lab": "overopt.labs", "Preset": "overopt.labs", "Result": "overopt.labs", "run_lab": "overopt.labs",
    "check_lab": "overopt.labs", "get_lab": "overopt.labs", "LABS": "overopt.labs",
    "RLHFLabConfig": "overopt.worlds.rlhf.lab", "CheckpointConfig": "overopt.worlds.rlhf.checkpoints",
    "MitigationsConfig": "overopt.worlds.mitigations.lab", "ToolsConfig": "overopt.worlds.tools.lab",
    "ControlConfig": "overopt.worlds.control.lab",
    # settings and errors
    "setting": "overopt.configs", "check": "overopt.configs", "apply_settings": "overopt.configs",
    "OveroptError": "overopt.errors", "ConfigError": "overopt.errors", "InputError": "overopt.errors",
    "DependencyMissing": "overopt.errors",
    # progress
    "Progress": "overopt.progress", "Task": "overopt.progress", "progress_bars": "overopt.progress",
    "SILENT": "overopt.progress",
    # measuring over-optimization, and mitigating it
    "fit_gao": "overopt.measure.fits", "GaoFit": "overopt.measure.fits",
    "EnsembleScorer": "overopt.rewards.ensemble",
    "OverOptimizationCallback": "overopt.integrations.trl_callback",
    "Monitor": "overopt.monitor", "MonitorConfig": "overopt.monitor", "MonitorResult": "overopt.monitor",
    "TrueObjective": "overopt.integrations.true_objective",
    # running untrusted actions
    "Sandbox": "overopt.sandbox", "Limits": "overopt.sandbox", "ActionLedger": "overopt.sandbox",
    # detecting hacks: transcripts (scan) and graders (probe)
    "scan": "overopt.detect.scan", "ScanConfig": "overopt.detect.scan", "ScanResult": "overopt.detect.scan",
    "run_probe": "overopt.detect.probe", "ProbeConfig": "overopt.detect.probe", "ProbeReport": "overopt.detect.probe",
    "EvalConfig": "overopt.evals", "run_eval": "overopt.evals",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'overopt' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
