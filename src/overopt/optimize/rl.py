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


from overopt.configs import check, check_positive, setting
from overopt.progress import SILENT, Task
from overopt.rewards.base import Scorer


@dataclass
class RLConfig:
    steps: int = setting(150, "GRPO steps (0 skips RL).")
    beta: float = setting(0.0, "KL coefficient β of GRPO (0, as in most of Gao et al.'s runs).")
    learning_rate: float = setting(1e-3, "GRPO learning rate (constant).")
    prompts_per_step: int = setting(8, "Prompts per GRPO step.")
    num_generations: int = setting(8, "Completions per prompt (GRPO's group size, at least 2).")
    eval_every: int = setting(10, "Measure the policy every this many steps (and at step 0 and the end).")
    max_new_tokens: int = setting(20, "Completion length cap.")
    device: str = setting("cpu", "Torch device to train on, e.g. cpu, cuda, cuda:1.")

    def __post_init__(self) -> None:
        check(self.steps >= 0, f"rl.steps must be >= 0, got {self.steps}")
        check(self.beta >= 0, f"rl.beta must be >= 0, got {self.beta}")
        check(self.learning_rate > 0, f"rl.learning_rate must be positive, got {self.learning_rate}")
        check(self.num_generations >= 2, f"rl.num_generations must be at least 2 (GRPO compares completions "
              f"of one prompt), got {self.num_generations}")
        check_positive(self, "prompts_per_step", "eval_every", "max_new_tokens", group="rl.")


def proxy_reward_function(scorer: Scorer) -> Callable:
    """Wrap a Scorer as a TRL reward function (`prompts`, `completions` -> list of floats)."""

    def reward(prompts, completions, **_):
        return [float(x) for x in scorer(list(prompts), [c.strip() for c in completions])]

    reward.__name__ = getattr(scorer, "name", "proxy")
    return reward


def measuring_callback(on_eval: Callable[[int, object], None] | None, eval_every: int, steps: int, task: Task):
    """A TrainerCallback that shows the steps on `task` and calls `on_eval(step, model)` before the first step,
    every `eval_every` steps and at the last one."""
    from transformers import TrainerCallback

    class _Measure(TrainerCallback):
        def on_train_begin(self, args, state, control, model=None, **kw):
            if on_eval is not None:
                on_eval(0, model)

        def on_step_end(self, args, state, control, model=None, **kw):
            step = state.global_step
            task.update(completed=step)
            if on_eval is not None and (step % eval_every == 0 or step == steps):
                on_eval(step, model)

    return _Measure()


def train_grpo(policy, tokenizer, reward: Scorer, train_prompts: Sequence[str], cfg: RLConfig, *,
               seed: int, on_eval: Callable[[int, object], None] | None = None, task: Task = SILENT,
               extra_callbacks: Sequence = ()) -> object:
    """Optimize `policy` in place against `reward`. `on_eval(step, model)` runs at step 0 and every
    `eval_every` steps (and at the last step); `task` shows the steps. Returns the trainer."""
    from datasets import Dataset
    from transformers import PrinterCallback
    from trl import GRPOConfig, GRPOTrainer

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
                          callbacks=[measuring_callback(on_eval, cfg.eval_every, cfg.steps, task), *extra_callbacks])
    trainer.remove_callback(PrinterCallback)  # overopt shows its own progress
    try:
        trainer.train()
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)  # save_strategy="no": nothing of value is written there
    return trainer
