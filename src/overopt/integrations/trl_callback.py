"""`OverOptimizationCallback`: the overopt monitor inside a Hugging Face / TRL trainer.

Works with any `transformers.Trainer` subclass that trains a causal LM, e.g. `trl.GRPOTrainer` and
`trl.RLOOTrainer`:

    from overopt.integrations.trl_callback import OverOptimizationCallback
    from overopt.monitor import MonitorConfig
    from overopt.rewards.reward_model import RewardModelScorer

    proxy = RewardModelScorer.from_pretrained("rm-train")       # the RM you optimize
    test_rm = RewardModelScorer.from_pretrained("rm-test")      # trained on disjoint comparisons
    cb = OverOptimizationCallback(tokenizer=tok, prompts=held_out_prompts, proxy=proxy, test_rm=test_rm,
                                  config=MonitorConfig(every=10, mode="stop"), out_dir="runs/monitor")
    trainer = GRPOTrainer(model=model, reward_funcs=[...], args=args, train_dataset=ds, callbacks=[cb])
    trainer.train()
    print(cb.result)      # stop step, its KL, the best checkpoint folder, predicted peak

Every `config.every` optimizer steps (every `config.every_near` once a degradation signal nears its
threshold) it measures the policy on held-out prompts (see
`overopt.monitor.Monitor`); with `mode="stop"` it sets `control.should_training_stop` once the
stopping rule fires, and the kept checkpoint (by the gold-free rule) is in `out_dir/best`.
"""

from __future__ import annotations

from transformers import TrainerCallback

from overopt.errors import ConfigError
from overopt.monitor.monitor import Monitor, MonitorResult


class OverOptimizationCallback(TrainerCallback):
    """A `TrainerCallback` driving an `overopt.monitor.Monitor`. Pass a built `monitor=`, or the
    Monitor's keyword arguments (tokenizer, prompts, proxy, test_rm, gold, reference, config, out_dir);
    `tokenizer` defaults to the trainer's processing class."""

    def __init__(self, monitor: Monitor | None = None, **monitor_kwargs):
        self._kwargs = monitor_kwargs
        self.monitor = monitor
        self.result: MonitorResult | None = None

    def _ensure(self, processing_class) -> Monitor:
        if self.monitor is None:
            kw = dict(self._kwargs)
            if kw.get("tokenizer") is None:
                if processing_class is None:
                    raise ConfigError("OverOptimizationCallback needs tokenizer= (the trainer has no processing class)")
                kw["tokenizer"] = getattr(processing_class, "tokenizer", processing_class)
            self.monitor = Monitor(**kw)
        return self.monitor

    def on_train_begin(self, args, state, control, model=None, processing_class=None, **kwargs):
        if not state.is_world_process_zero:
            return control
        self._ensure(processing_class).begin(model)
        return control

    def on_step_end(self, args, state, control, model=None, **kwargs):
        mon = self.monitor
        if mon is None or not state.is_world_process_zero:
            return control
        step = state.global_step
        if mon.due(step):
            mon.observe(step, model)
            if mon.should_stop:
                control.should_training_stop = True
        return control

    def on_train_end(self, args, state, control, **kwargs):
        if self.monitor is not None and self.result is None:
            self.result = self.monitor.close()
        return control
