"""`Monitor`: measure a policy during RL every K steps, predict the gold peak without gold, keep the
best checkpoint and stop (or warn) when over-optimization starts.

Framework-free: call `begin(model)` once and `observe(step, model)` every K steps. The TRL adapter
(`overopt.integrations.trl_callback.OverOptimizationCallback`) does exactly that from a
`TrainerCallback`. Each measurement samples `per_prompt` completions for each held-out prompt with
the same seed every time (common random numbers), measures the sequence-level KL to the reference
(exact per-token KL summed over the completion, see `overopt.measure.kl`), the proxy, the test RM,
gold when given (logged for evaluation, never seen by the rule), repetition and length. The torch
RNG state is saved and restored around each measurement, so monitoring does not change training.
"""

from __future__ import annotations

import copy
import json
import time
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import torch

from overopt.configs import check, check_positive, setting
from overopt.errors import ConfigError
from overopt.monitor.online import KLSchedule, OnlineGaoFit
from overopt.monitor.rule import Decision, RuleConfig, decide, strip_gold
from overopt.monitor.signals import repetition_rates, token_lengths
from overopt.optimize.sampling import Samples, sample
from overopt.rewards.base import Scorer, ZScore

MODES = ("stop", "warn")


@dataclass
class MonitorConfig:
    """Settings of the online monitor (`Monitor`, `OverOptimizationCallback`)."""

    every: int = setting(10, "Measure the policy every this many optimizer steps (every `every_near` steps "
                         "near a threshold).")
    every_near: int = setting(1, "Measure every this many steps once a degradation signal nears its threshold.")
    near_fraction: float = setting(0.3, "'Near': a degradation effect >= near_fraction x "
                                   "rule.degradation_threshold.")
    per_prompt: int = setting(2, "Completions per held-out prompt per measurement.")
    max_prompts: int = setting(48, "Held-out prompts used (the first ones).")
    reference_per_prompt: int = setting(4, "Reference completions per prompt for the z-scores (sampled once).")
    max_new_tokens: int = setting(20, "Completion length cap when sampling.")
    mode: str = setting("stop", "'stop': stop training when the rule fires; 'warn': only warn and log.")
    save_best: bool = setting(True, "Save the kept checkpoint (save_pretrained) under out_dir/best.")
    tensorboard: bool = setting(True, "Also log to out_dir/tensorboard (needs the tensorboard package).")
    batch_size: int = setting(256, "Sequences per generate / scoring batch.")
    seed: int = setting(0, "Seed of the monitor's samples (the same every measurement).")
    rule: RuleConfig = setting(factory=RuleConfig, help="The stopping rule (it never sees gold).")

    def __post_init__(self) -> None:
        check(self.mode in MODES, f"monitor.mode must be one of {', '.join(MODES)}, got {self.mode!r}")
        check_positive(self, "every", "every_near", "per_prompt", "max_prompts", "reference_per_prompt",
                       "max_new_tokens", "batch_size", group="monitor.")
        check(self.near_fraction >= 0, f"monitor.near_fraction must be >= 0, got {self.near_fraction}")


@dataclass
class MonitorResult:
    """What the monitor decided. `stop_step` is the step of the checkpoint it keeps (the best one when
    it stopped); `triggered_step` the step at which it decided to stop (None: never)."""

    triggered_step: int | None
    reasons: list[str]
    stop_step: int | None
    stop_kl: float | None
    stop_signal: float | None
    checkpoint: str | None
    predicted_peak_sqrt_kl: float | None   # earliest of the two gold-free predictions below
    predicted_peak_step: float | None
    fit_peak_sqrt_kl: float | None         # Gao RL law fitted online to the test RM (or proxy)
    degradation_peak_sqrt_kl: float | None  # where the fastest-rising degradation signal crosses its threshold
    measurements: int
    seconds: float

    def to_dict(self) -> dict:
        return asdict(self)


class _Logger:
    def __init__(self, out_dir: Path | None, tensorboard: bool):
        self.jsonl = self.tb = None
        if out_dir is None:
            return
        out_dir.mkdir(parents=True, exist_ok=True)
        self.jsonl = open(out_dir / "monitor.jsonl", "w")
        if tensorboard:
            try:
                from torch.utils.tensorboard import SummaryWriter
            except ImportError:
                warnings.warn("overopt monitor: the tensorboard package is not installed; logging to "
                              "monitor.jsonl only (pip install tensorboard)", RuntimeWarning, stacklevel=3)
            else:
                self.tb = SummaryWriter(str(out_dir / "tensorboard"))

    def write(self, point: dict) -> None:
        if self.jsonl is not None:
            self.jsonl.write(json.dumps(point) + "\n")
            self.jsonl.flush()
        if self.tb is not None:
            for k, v in point.items():
                if isinstance(v, (int, float)) and not isinstance(v, bool) and k != "step" and v is not None:
                    self.tb.add_scalar(f"overopt/{k}", v, point["step"])
            self.tb.flush()

    def close(self) -> None:
        if self.jsonl is not None:
            self.jsonl.close()
            self.jsonl = None
        if self.tb is not None:
            self.tb.close()
            self.tb = None


class Monitor:
    """Online over-optimization monitor. `gold` (optional) is measured and logged, never used to decide.

    `reference`: the initial policy (for KL); None -> a frozen copy of the model taken at `begin`.
    `prompts`: held-out prompt texts (never trained on), already in the policy's input format.
    """

    def __init__(self, *, tokenizer, prompts: Sequence[str], proxy: Scorer, test_rm: Scorer | None = None,
                 gold: Scorer | None = None, reference=None, config: MonitorConfig | None = None,
                 out_dir: str | Path | None = None):
        if not prompts:
            raise ConfigError("the monitor needs at least one held-out prompt")
        self.cfg = config or MonitorConfig()
        self.tokenizer, self.reference = tokenizer, reference
        self.prompts = list(prompts)[:self.cfg.max_prompts]
        self.scorers: dict[str, Scorer] = {"proxy": proxy}
        if test_rm is not None:
            self.scorers["test_rm"] = test_rm
        if gold is not None:
            self.scorers["gold"] = gold
        self.signal = "test_rm" if test_rm is not None else "proxy"
        if test_rm is None:
            warnings.warn("overopt monitor without a test RM: the optimized proxy stands in for true reward, "
                          "which rarely turns down; stopping relies on degradation signals", RuntimeWarning,
                          stacklevel=2)
        self.out_dir = None if out_dir is None else Path(out_dir)
        self.history: list[dict] = []
        self.fit = OnlineGaoFit()
        self.near = False
        self.schedule = KLSchedule()
        self.z: dict[str, ZScore] = {}
        self.baseline: dict[str, tuple[float, float]] = {}
        self.decision = Decision(False)
        self.triggered_step: int | None = None
        self._trigger_index = -1
        self._reasons: list[str] = []
        self.frozen_best: int | None = None
        self.saved_step: int | None = None
        self.seconds = 0.0
        self._log: _Logger | None = None
        self._enc: dict[int, list[tuple[torch.Tensor, torch.Tensor]]] = {}  # per_prompt -> prompt chunks
        self._snapshots: dict[int, dict[str, torch.Tensor]] = {}  # history index -> CPU state dict
        self._model = None
        self._keep_index: int | None = None
        self._score_cache: dict[tuple[str, str], dict[str, float]] = {}
        self.cache_hits = 0

    # ---- measurement -------------------------------------------------------------------------

    def _sample(self, model, per_prompt: int, seed: int) -> Samples:
        with torch.random.fork_rng(devices=[]):
            return sample(model, self.tokenizer, self.prompts, per_prompt=per_prompt,
                          max_new_tokens=self.cfg.max_new_tokens, seed=seed, batch_size=self.cfg.batch_size)

    @torch.no_grad()
    def _sample_and_kl(self, model, per_prompt: int, seed: int) -> tuple[Samples, torch.Tensor]:
        """`sample()` plus the sequence KL to the reference, reusing the logits `generate` computed for
        the policy (one reference forward pass instead of two passes). Same estimator as
        `overopt.measure.kl.sequence_kl`: exact per-token KL summed over each completion."""
        from overopt.optimize.sampling import (
            cat_left_padded,
            completion_mask,
            position_ids,
        )

        tok, cfg = self.tokenizer, self.cfg
        device = next(model.parameters()).device
        ref_device = next(self.reference.parameters()).device
        model.eval()
        flat = [p for p in self.prompts for _ in range(per_prompt)]
        pad_id, eos_id = tok.pad_token_id, tok.eos_token_id
        gen = torch.Generator(device="cpu").manual_seed(seed)
        p_ids, p_mask, c_ids, texts, kls = [], [], [], [], []
        if per_prompt not in self._enc:  # the prompts never change: tokenize them once
            self._enc[per_prompt] = []
            for start in range(0, len(flat), cfg.batch_size):
                enc = tok(flat[start:start + cfg.batch_size], return_tensors="pt", padding=True,
                          add_special_tokens=False, padding_side="left")
                self._enc[per_prompt].append((enc["input_ids"], enc["attention_mask"]))
        with torch.random.fork_rng(devices=[]):
            for enc_ids, enc_attn in self._enc[per_prompt]:
                ids, attn = enc_ids.to(device), enc_attn.to(device)
                torch.manual_seed(int(torch.randint(0, 2**31 - 1, (1,), generator=gen)))
                out = model.generate(input_ids=ids, attention_mask=attn, do_sample=True, temperature=1.0, top_k=0,
                                     top_p=1.0, max_new_tokens=cfg.max_new_tokens, pad_token_id=pad_id,
                                     eos_token_id=eos_id, output_logits=True, return_dict_in_generate=True)
                comp = out.sequences[:, ids.shape[1]:]
                mask = completion_mask(comp, eos_id)
                comp = comp.masked_fill(mask == 0, pad_id)
                lp = torch.log_softmax(torch.stack(out.logits, 1).float(), -1)
                full = torch.cat([ids, comp], 1).to(ref_device)
                full_attn = torch.cat([attn, mask.to(attn.dtype)], 1).to(ref_device)
                ref_logits = self.reference(input_ids=full, attention_mask=full_attn,
                                            position_ids=position_ids(full_attn)).logits
                lq = torch.log_softmax(ref_logits[:, ids.shape[1] - 1:-1].float(), -1).to(lp.device)
                per_token = (lp.exp() * (lp - lq)).sum(-1)
                kls.append((per_token * mask).sum(-1).cpu())
                width = cfg.max_new_tokens - comp.shape[1]
                comp = torch.nn.functional.pad(comp.cpu(), (0, width), value=pad_id)
                p_ids.append(ids.cpu())
                p_mask.append(attn.cpu())
                c_ids.append(comp)
                texts += tok.batch_decode(comp, skip_special_tokens=True)
        completion_ids = torch.cat(c_ids)
        s = Samples(flat, [t.strip() for t in texts], cat_left_padded(p_ids, pad_id), cat_left_padded(p_mask, 0),
                    completion_ids, completion_mask(completion_ids, eos_id))
        return s, torch.cat(kls)

    @torch.no_grad()
    def _score(self, prompts: list[str], completions: list[str]) -> dict[str, np.ndarray]:
        """Raw scores of every scorer. Reward models that share a tokenizer and a template (the proxy
        and the test RM, usually) share one tokenization of the texts: the same numbers as calling
        each `RewardModelScorer`, with one tokenizer pass instead of one per model."""
        # scores depend only on the text: a (prompt, completion) pair scored at an earlier measurement
        # (common random numbers make repeats frequent) is looked up, not scored again
        pairs = list(zip(prompts, completions))
        new = list(dict.fromkeys(pr for pr in pairs if pr not in self._score_cache))
        if new:
            fresh = self._score_uncached([p for p, _ in new], [c for _, c in new])
            if len(self._score_cache) + len(new) > 200_000:
                self._score_cache.clear()
            for j, pr in enumerate(new):
                self._score_cache[pr] = {n: v[j] for n, v in fresh.items()}
        self.cache_hits += len(pairs) - len(new)
        return {n: np.array([self._score_cache[pr][n] for pr in pairs], dtype=np.float64) for n in self.scorers}

    def _score_uncached(self, prompts: list[str], completions: list[str]) -> dict[str, np.ndarray]:
        from overopt.rewards.reward_model import RewardModelScorer

        out, encoded = {}, {}
        for name, sc in self.scorers.items():
            if type(sc) is not RewardModelScorer:
                out[name] = np.asarray(sc(prompts, completions), dtype=np.float64)
                continue
            key = (id(sc.tokenizer), sc.template, sc.batch_size)
            if key not in encoded:
                texts = sc.texts(prompts, completions)
                encoded[key] = [sc.tokenizer(texts[i:i + sc.batch_size], return_tensors="pt", padding=True,
                                             add_special_tokens=False, padding_side="right")
                                for i in range(0, len(texts), sc.batch_size)]
            sc.model.eval()
            device = next(sc.model.parameters()).device
            parts = [sc.model(**{k: v.to(device) for k, v in enc.items()}).logits[:, 0].float().cpu()
                     for enc in encoded[key]]
            out[name] = torch.cat(parts).numpy().astype(np.float64) if parts else np.zeros(0)
        return out

    def _degradation(self, s: Samples) -> dict[str, np.ndarray]:
        rates = repetition_rates(s.completion_ids, s.completion_mask, self.tokenizer.eos_token_id)
        return {**rates, "length": token_lengths(s.completion_mask)}

    def begin(self, model) -> None:
        """Fix the reference, the z-scores and the degradation baselines; measure step 0."""
        t0 = time.perf_counter()
        if self.reference is None:
            self.reference = copy.deepcopy(model).eval()
            # trainers (accelerate) patch `model.forward` on the instance; its deep copy would still run
            # the live model's forward, so give the frozen copy back its class's own forward
            self.reference.__dict__.pop("forward", None)
            self.reference.__dict__.pop("_original_forward", None)
            for p in self.reference.parameters():
                p.requires_grad_(False)
        was_training = model.training
        ref = self._sample(self.reference, self.cfg.reference_per_prompt, self.cfg.seed + 1)
        self.z = {n: ZScore.fit(raw) for n, raw in self._score(ref.prompts, ref.completions).items()}
        self.baseline = {k: (float(v.mean()), float(v.std()) or 1.0) for k, v in self._degradation(ref).items()}
        model.train(was_training)
        self._log = _Logger(self.out_dir, self.cfg.tensorboard)
        self.seconds += time.perf_counter() - t0
        self.observe(0, model)

    @torch.no_grad()
    def measure(self, step: int, model) -> dict:
        was_training = model.training
        s, kls = self._sample_and_kl(model, self.cfg.per_prompt, self.cfg.seed)
        kl = max(float(kls.mean()), 0.0)
        model.train(was_training)
        point: dict = {"step": int(step), "kl": kl, "sqrt_kl": float(np.sqrt(kl))}
        for name, raw in self._score(s.prompts, s.completions).items():
            point[name] = float(self.z[name](raw).mean())
        if "test_rm" in point:
            point["gap"] = point["proxy"] - point["test_rm"]
        for k, v in self._degradation(s).items():
            mean, std = self.baseline[k]
            point[k] = float(v.mean())
            point[f"{k}_effect"] = (float(v.mean()) - mean) / std
        return point

    def observe(self, step: int, model) -> Decision:
        """Measure at `step`, update the online fit, decide, keep CPU copies of candidate checkpoints."""
        if self._log is None:
            raise RuntimeError("call Monitor.begin(model) before observe()")
        t0 = time.perf_counter()
        point = self.measure(step, model)
        clean = strip_gold(point)
        self.fit.update(clean["sqrt_kl"], clean[self.signal])
        self.schedule.update(step, clean["sqrt_kl"])
        self.history.append(point)
        deg_d = self._degradation_crossing()
        peak_d = min((d for d in (self.fit.peak_d, deg_d) if d is not None), default=None)
        self.decision = decide([strip_gold(p) for p in self.history], self.cfg.rule, signal=self.signal,
                               fit_peak_d=self.fit.peak_d, predicted_peak_d=peak_d)
        fit = self.fit.fit
        thr = self.cfg.rule.degradation_threshold
        self.near = any(clean.get(k, 0.0) >= self.cfg.near_fraction * thr for k in self.cfg.rule.degradation_keys)
        point.update(fit_a=None if fit is None else fit.a, fit_b=None if fit is None else fit.b,
                     fit_peak_sqrt_kl=self.fit.peak_d, degradation_peak_sqrt_kl=deg_d,
                     predicted_peak_sqrt_kl=peak_d, predicted_peak_step=self.schedule.step_at(peak_d),
                     near=self.near,
                     best_step=None if self.decision.best_index is None
                     else self.history[self.decision.best_index]["step"],
                     keep_step=None if self.decision.keep_index is None
                     else self.history[self.decision.keep_index]["step"],
                     degraded=self.decision.degraded, stop=self.decision.stop)
        if self.triggered_step is None:
            best = self.decision.keep_index
            self._keep_index = best
            t1 = time.perf_counter()
            self._snapshot(model)
            if self.decision.stop:
                self.triggered_step = int(step)
                self._trigger_index = len(self.history) - 1
                self._reasons = list(self.decision.reasons)
                self.frozen_best = best
                self._write_kept()
                msg = (f"overopt monitor: over-optimization at step {step} ({'; '.join(self.decision.reasons)}); "
                       f"kept checkpoint: step {point['keep_step']}")
                warnings.warn(msg, RuntimeWarning, stacklevel=2)
            point["save_seconds"] = time.perf_counter() - t1
        point["seconds"] = time.perf_counter() - t0
        self.seconds += point["seconds"]
        self._log.write(point)
        return self.decision

    def due(self, step: int) -> bool:
        """Whether to measure at `step`: every `every` steps, every `every_near` near a threshold."""
        if self.triggered_step is not None:  # decided: stop mode is over; warn mode keeps a coarse log
            return self.cfg.mode == "warn" and step % self.cfg.every == 0
        return step % self.cfg.every == 0 or (self.near and step % self.cfg.every_near == 0)

    def _degradation_crossing(self, window: int = 3) -> float | None:
        """sqrt KL at which a degradation effect, extrapolated linearly in sqrt KL over the last
        `window` measurements, reaches the threshold (the earliest over the signals; None if none rises)."""
        pts = [strip_gold(p) for p in self.history[-window:]]
        if len(pts) < 2:
            return None
        d = np.array([p["sqrt_kl"] for p in pts])
        if np.ptp(d) <= 0:
            return None
        best = None
        for key in self.cfg.rule.degradation_keys:
            y = np.array([p.get(key, 0.0) for p in pts])
            slope, icpt = np.polyfit(d, y, 1)
            if slope <= 0:
                continue
            cross = (self.cfg.rule.degradation_threshold - icpt) / slope
            cross = max(cross, 0.0)
            best = cross if best is None else min(best, cross)
        return None if best is None else float(best)

    @property
    def should_stop(self) -> bool:
        return self.triggered_step is not None and self.cfg.mode == "stop"

    def _saving(self, model) -> bool:
        return self.cfg.save_best and self.out_dir is not None and hasattr(model, "save_pretrained")

    def _snapshot(self, model) -> None:
        """Keep a CPU copy of the weights of every checkpoint that may still be kept: the best one and
        those measured after it (the kept one is chosen among them). Written to disk (`best/`) once,
        when the rule fires or at `close()`, instead of after every new best."""
        if not self._saving(model):
            return
        self._model = model
        i = len(self.history) - 1
        self._snapshots[i] = {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}
        lo = min(j for j in (self.decision.best_index, self._keep_index, i) if j is not None)
        for j in [j for j in self._snapshots if j < lo]:
            del self._snapshots[j]
        # bound the memory if the rule never fires: the best, the kept and the latest few copies
        pinned = {self.decision.best_index, self._keep_index, i}
        extra = sorted(j for j in self._snapshots if j not in pinned)
        for j in extra[:max(0, len(self._snapshots) - 6)]:
            del self._snapshots[j]

    def _write_kept(self) -> None:
        i = self._keep_index
        if self._model is None or i is None or i not in self._snapshots:
            return
        step = int(self.history[i]["step"])
        if self.saved_step == step:
            return
        path = self.out_dir / "best"
        self._model.save_pretrained(path, state_dict=self._snapshots[i])
        if self.saved_step is None and hasattr(self.tokenizer, "save_pretrained"):
            self.tokenizer.save_pretrained(path)
        (path / "overopt_monitor.json").write_text(json.dumps({"step": step}))
        self.saved_step = step
        if self.triggered_step is not None:  # the choice is frozen: the other copies are not needed
            self._snapshots = {i: self._snapshots[i]}

    # ---- result ------------------------------------------------------------------------------

    def result(self) -> MonitorResult:
        best = self.frozen_best if self.triggered_step is not None else self.decision.keep_index
        bp = None if best is None else self.history[best]
        # predictions as of the decision (or the last measurement when the rule never fired)
        last = self.history[self._trigger_index] if self.triggered_step is not None else (
            self.history[-1] if self.history else {})
        ckpt = None
        if bp is not None and self.saved_step == bp["step"] and self.out_dir is not None:
            ckpt = str(self.out_dir / "best")
        return MonitorResult(
            triggered_step=self.triggered_step, reasons=list(self._reasons), stop_step=None if bp is None else bp["step"], stop_kl=None if bp is None else bp["kl"],
            stop_signal=None if bp is None else bp[self.signal], checkpoint=ckpt,
            predicted_peak_sqrt_kl=last.get("predicted_peak_sqrt_kl"),
            predicted_peak_step=last.get("predicted_peak_step"), fit_peak_sqrt_kl=last.get("fit_peak_sqrt_kl"),
            degradation_peak_sqrt_kl=last.get("degradation_peak_sqrt_kl"),
            measurements=len(self.history), seconds=self.seconds)

    def close(self) -> MonitorResult:
        t0 = time.perf_counter()
        self._write_kept()
        self.seconds += time.perf_counter() - t0
        res = self.result()
        if self._log is not None:
            self._log.close()
        if self.out_dir is not None:
            (self.out_dir / "monitor_result.json").write_text(json.dumps(res.to_dict(), indent=2))
        return res
