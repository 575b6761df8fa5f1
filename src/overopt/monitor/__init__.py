"""Online over-optimization monitor: measure during RL, predict the peak without gold, stop in time.

    from overopt.monitor import Monitor, MonitorConfig
    mon = Monitor(tokenizer=tok, prompts=held_out, proxy=proxy_rm, test_rm=test_rm, out_dir="runs/mon")
    mon.begin(model)
    ... every K steps: mon.observe(step, model); if mon.should_stop: break
    result = mon.close()

With TRL: `overopt.integrations.trl_callback.OverOptimizationCallback`.
"""

from overopt.monitor.monitor import MODES, Monitor, MonitorConfig, MonitorResult
from overopt.monitor.online import KLSchedule, OnlineGaoFit
from overopt.monitor.rule import Decision, RuleConfig, decide, strip_gold
from overopt.monitor.signals import repetition_rates

__all__ = ["MODES", "Monitor", "MonitorConfig", "MonitorResult", "KLSchedule", "OnlineGaoFit", "Decision",
           "RuleConfig", "decide", "strip_gold", "repetition_rates"]
