"""`overopt eval --demo`: what RL changed, with nothing downloaded. The RLHF lab's world (its cached reference
policy and proxy RM, trained here) gives two checkpoints: the reference and a policy trained with GRPO against
the proxy (the lab's quick settings). Both are saved with `save_pretrained` and evaluated like any user's models:
N samples per held-out prompt, the proxy RM as the reward model, scan's detectors. The world's gold reward,
which the eval cannot see, is added to the report for comparison: the proxy goes up, gold goes down.

Not yet here: the tools lab's naive- vs ledger-trained policies (their samples are multi-turn tool episodes).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from overopt.evals._run import EvalConfig
from overopt.progress import progress_bars

DEMO_PROMPTS = 32


def _checkpoints(root: Path, seed: int, preset: str, progress) -> tuple[Path, list[str]]:
    """Reference, RL policy and proxy RM saved under `root` (trained on a miss); the held-out prompts."""
    from overopt.optimize.rl import train_grpo
    from overopt.worlds.rlhf.lab import RLHF_LAB
    from overopt.worlds.rlhf.world import build_world, train_proxy

    lab = RLHF_LAB.config(preset)
    world = build_world(lab.reference, lab.reward_model, seed, task=progress.task("reference policy (cached)"))
    prompts = world.eval_prompts[:DEMO_PROMPTS]
    if (root / "rl" / "config.json").is_file():
        return root, prompts
    proxy, _ = train_proxy(world, lab.reward_model, seed, task=progress.task("proxy RM"))
    policy = world.setup(proxy).load_policy()
    train_grpo(policy, world.tokenizer, proxy, world.train_prompts, lab.rl, seed=seed,
               task=progress.task("GRPO against the proxy", total=lab.rl.steps))
    for name, model in (("reference", world.reference), ("proxy", proxy.model), ("rl", policy)):
        model.save_pretrained(root / name)
        world.tokenizer.save_pretrained(root / name)
    return root, prompts


def run_demo(cfg: EvalConfig, out: str | Path, preset: str = "quick") -> dict[str, Any]:
    """The RLHF before/after eval into `out` (the RLHF lab's `preset` trains the checkpoints), with gold added
    to summary.json and report.md."""
    from overopt.evals._run import run_eval

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with progress_bars() as bars:
        root, prompts = _checkpoints(out / "models", cfg.seed, preset, bars)
    rows = [{"id": f"q{i:02d}", "prompt": p + " ", "category": p.split()[2]} for i, p in enumerate(prompts)]
    (out / "prompts.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    demo = replace(cfg, model=str(root / "rl"), baseline=str(root / "reference"), prompts=str(out / "prompts.jsonl"),
                   reward_model=str(root / "proxy"), reward_template="{prompt}{completion} <eos>",  # as trained
                   max_new_tokens=20, samples=max(cfg.samples, 16))
    summary = run_eval(demo, out / "eval")
    summary["gold"] = _gold(out / "eval")
    (out / "eval" / "summary.json").write_text(json.dumps(summary, indent=2))
    with open(out / "eval" / "report.md", "a") as fh:
        fh.write(_gold_md(summary["gold"]))
    return summary


def _gold(folder: Path) -> dict[str, Any]:
    """The world's gold reward of every sample, per model, and the difference paired by prompt."""
    from overopt.evals._stats import per_prompt_difference, summary_stats
    from overopt.worlds.rlhf.gold import GoldReward

    prompts = {json.loads(line)["id"]: json.loads(line)["prompt"]
               for line in (folder.parent / "prompts.jsonl").read_text().splitlines()}
    records = [json.loads(line) for line in (folder / "samples.jsonl").read_text().splitlines()]
    gold = GoldReward()
    per: dict[str, dict[str, list[float]]] = {}
    for r in records:
        score = float(gold([prompts[r["prompt_id"]].strip()], [r["text"].strip()])[0])
        per.setdefault(r["model"], {}).setdefault(r["prompt_id"], []).append(score)
    means = {m: {pid: sum(v) / len(v) for pid, v in by.items()} for m, by in per.items()}
    ids = sorted(set(means.get("model", {})) & set(means.get("baseline", {})))
    return {**{m: summary_stats([x for v in by.values() for x in v]) for m, by in per.items()},
            "model_minus_baseline": per_prompt_difference([means["model"][i] for i in ids],
                                                          [means["baseline"][i] for i in ids])}


def _gold_md(gold: dict[str, Any]) -> str:
    d = gold["model_minus_baseline"]
    return ("\n## Gold (the world's true objective, not seen by the eval)\n\n"
            f"- RL policy: mean {gold['model']['mean']:.3f} [{gold['model']['low']:.3f}, {gold['model']['high']:.3f}]\n"
            f"- reference: mean {gold['baseline']['mean']:.3f} [{gold['baseline']['low']:.3f}, "
            f"{gold['baseline']['high']:.3f}]\n"
            f"- RL minus reference, paired by prompt: {d['mean']:.3f} [{d['low']:.3f}, {d['high']:.3f}] "
            f"({d['n']} prompts)\n")
