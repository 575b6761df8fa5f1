"""RL against a proxy reward with TRL's GRPOTrainer, measured along the way.

The proxy is passed to GRPO as a plain reward function; a `TrainerCallback` measures the policy
every `eval_every` steps (and before the first step) with a `PolicyEvaluator`, so the curve's
x-axis is the sequence-level KL on fresh samples, not TRL's logged per-token `kl`.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from overopt.rewards.base import Scorer


@dataclass
class RLConfig:
    steps: int = 150
    beta: float = 0.0
    learning_rate: float = 1e-3
    prompts_per_step: int = 8
    num_generations: int = 8
    eval_every: int = 10
    max_new_tokens: int = 20
    device: str = "cpu"


def proxy_reward_function(scorer: Scorer) -> Callable:
    """Wrap a Scorer as a TRL reward function (`prompts`, `completions` -> list of floats)."""

    def reward(prompts, completions, **_):
        return [float(x) for x in scorer(list(prompts), [c.strip() for c in completions])]

    reward.__name__ = getattr(scorer, "name", "proxy")
    return reward


def train_grpo(policy, tokenizer, reward: Scorer, train_prompts: Sequence[str], cfg: RLConfig, *,
               seed: int, on_eval: Callable[[int, object], None] | None = None,
               on_step: Callable[[int], None] | None = None, extra_callbacks: Sequence = ()) -> object:
    """Optimize `policy` in place against `reward`. `on_eval(step, model)` runs at step 0 and every
    `eval_every` steps (and at the last step); `on_step(step)` after every step. Returns the trainer."""
    from datasets import Dataset
    from transformers import PrinterCallback, TrainerCallback
    from trl import GRPOConfig, GRPOTrainer

    class _Measure(TrainerCallback):
        def on_train_begin(self, args, state, control, model=None, **kw):
            if on_eval is not None:
                on_eval(0, model)

        def on_step_end(self, args, state, control, model=None, **kw):
            step = state.global_step
            if on_step is not None:
                on_step(step)
            if on_eval is not None and (step % cfg.eval_every == 0 or step == cfg.steps):
                on_eval(step, model)

    batch = cfg.prompts_per_step * cfg.num_generations
    out_dir = tempfile.mkdtemp(prefix="overopt-grpo-")
    args = GRPOConfig(
        output_dir=out_dir, max_steps=cfg.steps, learning_rate=cfg.learning_rate, beta=cfg.beta,
        per_device_train_batch_size=batch, num_generations=cfg.num_generations,
        max_completion_length=cfg.max_new_tokens, temperature=1.0, top_p=1.0, top_k=0,
        lr_scheduler_type="constant", warmup_steps=0, weight_decay=0.0, max_grad_norm=1.0,
        logging_steps=10, save_strategy="no", report_to="none", seed=seed, data_seed=seed,
        disable_tqdm=True, use_cpu=cfg.device == "cpu", bf16=False, fp16=False,
        dataloader_num_workers=0, log_level="error", shuffle_dataset=True,
    )
    n_rows = max(len(train_prompts), batch * cfg.steps // cfg.num_generations + 1)
    rows = [train_prompts[i % len(train_prompts)] for i in range(n_rows)]
    dataset = Dataset.from_dict({"prompt": rows})
    trainer = GRPOTrainer(model=policy, reward_funcs=proxy_reward_function(reward), args=args,
                          train_dataset=dataset, processing_class=tokenizer,
                          callbacks=[_Measure(), *extra_callbacks])
    trainer.remove_callback(PrinterCallback)  # overopt shows its own progress
    try:
        trainer.train()
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)  # save_strategy="no": nothing of value is written there
    return trainer
