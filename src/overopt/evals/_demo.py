"""`overopt eval --demo`: what RL changed, with nothing downloaded, in two labs.

- RLHF: the lab's world (its cached reference policy and proxy RM, trained here) gives two checkpoints: the
  reference and a policy trained with GRPO against the proxy (the lab's quick settings). Both are saved with
  `save_pretrained` and evaluated like any user's models: N samples per held-out prompt, the proxy RM as the
  reward model, scan's detectors. The world's gold reward, which the eval cannot see, is added to the report.
- Tools: the tools lab trains a policy against the naive verifier and one against the sandbox-ledger verifier,
  then plays N episodes of every evaluation task with each (multi-turn, tools in the sandbox). Each episode is a
  sample: it passes when its answer is right, it is a hack when it reports a tool result the ledger never saw
  (a fabricated action), and its reward is the naive verifier's. The same statistics compare the two policies.
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
    """Both demos into `out` (`eval/` for RLHF, `tools/`); the labs' `preset` trains the policies. Returns the
    RLHF eval's summary, gold added, with the tools comparison under "tools"."""
    summary = _rlhf_demo(cfg, Path(out), preset)
    summary["tools"] = _tools_demo(cfg, Path(out) / "tools", preset)
    return summary


def _rlhf_demo(cfg: EvalConfig, out: Path, preset: str) -> dict[str, Any]:
    """The RLHF before/after eval into `out`, with gold added to summary.json and report.md."""
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

    rows = [json.loads(line) for line in (folder.parent / "prompts.jsonl").read_text().splitlines()]
    prompts = {row["id"]: row["prompt"].strip() for row in rows}
    records = [json.loads(line) for line in (folder / "samples.jsonl").read_text().splitlines()]
    scores = GoldReward()([prompts[r["prompt_id"]] for r in records], [r["text"].strip() for r in records])
    per: dict[str, dict[str, list[float]]] = {}
    for r, score in zip(records, scores):
        per.setdefault(r["model"], {}).setdefault(r["prompt_id"], []).append(float(score))
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


TOOLS_TASKS = 64


def _tools_demo(cfg: EvalConfig, out: Path, preset: str) -> dict[str, Any]:
    """The tools lab's naive- vs ledger-trained policies, N episodes per task each, through eval's statistics."""
    from overopt.evals._prompts import Prompt
    from overopt.evals._report import write_outputs
    from overopt.evals._summary import summarize
    from overopt.evals._store import SampleStore
    from overopt.labs import run_lab
    from overopt.runs import start_run
    from overopt.worlds.tools.lab import TOOLS_LAB
    from overopt.worlds.tools.transcript import question_text

    lab = TOOLS_LAB.config(preset)
    n = cfg.samples
    lab.eval_episodes, lab.eval_repeats = min(lab.eval_episodes, TOOLS_TASKS), n
    with progress_bars() as bars:
        result = run_lab(TOOLS_LAB, lab, cfg.seed, out / "lab", progress=bars)
    tasks = len(result.samples["naive"]) // n
    first = result.samples["naive"][:tasks]
    prompts = [Prompt(f"t{i:03d}", question_text(s.episode.task.terms)) for i, s in enumerate(first)]
    records = {role: [_tools_record(role, k, tasks, s) for k, s in enumerate(result.samples[verifier])]
               for role, verifier in (("model", "naive"), ("baseline", "ledger"))}
    summary = summarize(records, prompts, n)
    config = {"preset": preset, "samples": n, "tasks": tasks, "model": "naive-verifier policy",
              "baseline": "ledger-verifier policy"}
    with start_run(out, kind="eval-demo-tools", config=config, seed=cfg.seed) as run:
        (out / "samples.jsonl").unlink(missing_ok=True)  # the lab was run afresh: so are its samples
        SampleStore(out / "samples.jsonl").append(r for role_records in records.values() for r in role_records)
        write_outputs(run, summary, records, "overopt eval demo: tools policy trained against the naive verifier "
                                             "(model) vs the ledger verifier (baseline)")
    return summary["summary"]


def _tools_record(role: str, k: int, tasks: int, scored) -> dict[str, Any]:
    ep = scored.episode
    return {"model": role, "prompt_id": f"t{k % tasks:03d}", "index": k // tasks, "text": ep.text,
            "tokens": sum(ep.by_policy), "finish_reason": "length" if ep.truncated else "stop",
            "passed": bool(scored.correct), "reward": float(scored.naive), "hacked": bool(scored.flagged),
            "flags": {"fabricated_action": "a tool result the ledger never saw"} if scored.flagged else {}}
