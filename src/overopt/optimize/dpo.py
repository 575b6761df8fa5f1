"""Direct alignment (DPO, IPO) on preference pairs with TRL's DPOTrainer, measured along the way.

No reward model is involved: the policy is trained on the pairs themselves. The reference log-probabilities are
computed once, from the policy before its first step (TRL's `precompute_ref_log_probs`), so the caller's
reference model is never handed to TRL (which patches the `forward` of the models it is given). As for RL, a
`TrainerCallback` hands the policy to `on_eval` before the first step, every `eval_every` steps and at the last
one, so the curve is measured on fresh samples (Rafailov et al. 2024).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from typing import Callable

from overopt.configs import check, check_positive, setting
from overopt.progress import SILENT, Task
from overopt.rewards.reward_model import PreferencePairs

#: overopt's method names -> TRL's `loss_type`.
LOSS_TYPES = {"dpo": "sigmoid", "ipo": "ipo"}


@dataclass
class DirectAlignmentConfig:
    """DPO/IPO runs: one per (loss, β), each from the reference policy on the same pairs."""

    steps: int = setting(0, "Training steps per run (0 skips direct alignment).")
    betas: list[float] = setting(factory=lambda: [0.01], help="β values: one run per β and loss. Smaller β "
                                 "allows a larger KL from the reference.")
    losses: list[str] = setting(factory=lambda: ["dpo"], help="Losses: dpo (sigmoid) and/or ipo.")
    learning_rate: float = setting(3e-5, "AdamW learning rate (constant).")
    batch_size: int = setting(64, "Preference pairs per step.")
    eval_every: int = setting(20, "Measure the policy every this many steps (and at step 0 and the end).")
    margin_pairs: int = setting(256, "Training pairs on which the implicit reward margin is measured.")
    device: str = setting("cpu", "Torch device to train on, e.g. cpu, cuda, cuda:1.")

    def __post_init__(self) -> None:
        check(self.steps >= 0, f"dpo.steps must be >= 0, got {self.steps}")
        check(bool(self.betas) and all(b > 0 for b in self.betas), f"dpo.betas must be positive, got {self.betas}")
        bad = [x for x in self.losses if x not in LOSS_TYPES]
        check(bool(self.losses) and not bad, f"dpo.losses must be some of {sorted(LOSS_TYPES)}, got {self.losses}")
        check(self.learning_rate > 0, f"dpo.learning_rate must be positive, got {self.learning_rate}")
        check_positive(self, "batch_size", "eval_every", "margin_pairs", group="dpo.")

    def runs(self) -> list[tuple[str, float]]:
        """(loss, β) of every run, largest β first."""
        return [(loss, beta) for loss in self.losses for beta in sorted(self.betas, reverse=True)]


def spaced_pairs(pairs: PreferencePairs, eos_token: str) -> PreferencePairs:
    """Pairs of whitespace-joined completions (the lab's) in TRL's convention, where prompt + chosen is the
    text: each completion gets a leading space and a closing EOS, so it tokenizes like a sampled sequence."""
    def spaced(text: str) -> str:
        return f" {text} {eos_token}" if text else f" {eos_token}"

    return PreferencePairs(list(pairs.prompts), [spaced(c) for c in pairs.chosen],
                           [spaced(r) for r in pairs.rejected])


def train_dpo(policy, tokenizer, pairs: PreferencePairs, cfg: DirectAlignmentConfig, *, loss: str,
              beta: float, seed: int, on_eval: Callable[[int, object], None] | None = None,
              task: Task = SILENT) -> object:
    """Train `policy` in place with DPO or IPO (`loss`) at `beta`, its starting point as the reference, on `pairs`
    in TRL's convention (prompt + chosen is the chosen text; TRL appends EOS if missing). `on_eval(step, model)`
    runs at step 0, every `eval_every` steps and at the last step. Returns the trainer."""
    from datasets import Dataset
    from transformers import PrinterCallback
    from trl import DPOConfig, DPOTrainer

    from overopt.optimize.rl import measuring_callback

    out_dir = tempfile.mkdtemp(prefix="overopt-dpo-")
    args = DPOConfig(
        output_dir=out_dir, max_steps=cfg.steps, learning_rate=cfg.learning_rate, beta=beta,
        loss_type=[LOSS_TYPES[loss]], per_device_train_batch_size=cfg.batch_size,
        lr_scheduler_type="constant", warmup_steps=0, weight_decay=0.0, max_grad_norm=1.0,
        logging_steps=10, save_strategy="no", report_to="none", seed=seed, data_seed=seed,
        disable_tqdm=True, use_cpu=cfg.device == "cpu", bf16=False, fp16=False,
        dataloader_num_workers=0, log_level="error", precompute_ref_log_probs=True,
        max_length=None, dataset_num_proc=None,
    )
    dataset = Dataset.from_dict({"prompt": pairs.prompts, "chosen": pairs.chosen, "rejected": pairs.rejected})
    trainer = DPOTrainer(model=policy, ref_model=None, args=args, train_dataset=dataset,
                         processing_class=tokenizer,
                         callbacks=[measuring_callback(on_eval, cfg.eval_every, cfg.steps, task)])
    trainer.remove_callback(PrinterCallback)  # overopt shows its own progress
    try:
        trainer.train()
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)  # save_strategy="no": nothing of value is written there
    return trainer
