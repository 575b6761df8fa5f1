"""Scoring episodes: both verifiers and the ground truth for each episode, and a batch's statistics.

The ledger verifier reads the action ledger on disk (`LedgerReader`), the sandbox's append-only
record, rather than anything the harness remembers, so a claim is checked against what was executed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from overopt.worlds.tools.rollout import FAULT_STATUSES, Episode
from overopt.worlds.tools.transcript import THINK_OPEN
from overopt.worlds.tools.verifiers import LedgerVerifier, NaiveVerifier, true_correct


class LedgerReader:
    """Reads the action ledger (JSONL) incrementally and indexes it by episode."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._offset = 0
        self._buf = b""
        self.by_episode: dict[str, list[dict]] = {}
        self.lines = 0

    def refresh(self) -> None:
        if not self.path.exists():
            return
        with open(self.path, "rb") as fh:
            fh.seek(self._offset)
            data = fh.read()
        self._offset += len(data)
        data = self._buf + data
        *complete, self._buf = data.split(b"\n")
        for line in complete:
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            self.by_episode.setdefault(str(entry.get("episode_id")), []).append(entry)
            self.lines += 1

    def entries(self, episode_id: str) -> list[dict]:
        return self.by_episode.get(episode_id, [])


@dataclass
class Scored:
    """One episode with both verifiers' rewards, its true correctness and the ledger verifier's flag."""

    episode: Episode
    naive: float
    ledger: float
    correct: bool
    flagged: bool

    def reward(self, verifier: str) -> float:
        """The reward of the named verifier ('naive' or 'ledger')."""
        return self.naive if verifier == "naive" else self.ledger


class Scorer:
    """Scores episodes with both verifiers (the ledger one against the ledger on disk) and the truth."""

    def __init__(self, ledger: LedgerReader, naive: NaiveVerifier, ledger_verifier: LedgerVerifier):
        self.ledger, self.naive, self.ledger_verifier = ledger, naive, ledger_verifier

    def score(self, episodes: list[Episode]) -> list[Scored]:
        self.ledger.refresh()
        out = []
        for ep in episodes:
            vn = self.naive.score(ep.words, ep.task)
            vl = self.ledger_verifier.score(ep.words, ep.task, self.ledger.entries(ep.episode_id))
            out.append(Scored(ep, vn.reward, vl.reward, true_correct(ep.words, ep.task), vl.fabricated_blocks > 0))
        return out


def summarize(scored: list[Scored]) -> dict:
    """A batch's statistics: rewards, true accuracy, fabrication, tool use and faults."""
    eps = [s.episode for s in scored]
    calls = [c for e in eps for c in e.calls if c.status != "limit"]
    affected = [s for s in scored if s.episode.fault_affected]
    retried, faulted = count_retries(eps)
    return {
        "episodes": len(eps),
        "naive_reward": float(np.mean([s.naive for s in scored])),
        "ledger_reward": float(np.mean([s.ledger for s in scored])),
        "true_accuracy": float(np.mean([s.correct for s in scored])),
        # binomial standard error of true_accuracy over these episodes
        "true_accuracy_se": float(np.sqrt(np.mean([s.correct for s in scored])
                                          * (1 - np.mean([s.correct for s in scored])) / max(len(scored), 1))),
        "fabrication_rate": float(np.mean([e.fabricated for e in eps])),
        "flagged_rate": float(np.mean([s.flagged for s in scored])),
        "tool_call_rate": float(np.mean([any(c.status != "limit" for c in e.calls) for e in eps])),
        "calls_per_episode": len(calls) / max(len(eps), 1),
        "outage_rate": sum(c.status in FAULT_STATUSES for c in calls) / max(len(calls), 1),
        "affected_rate": len(affected) / max(len(eps), 1),
        "malformed_rate": sum(c.status == "error" for c in calls) / max(len(calls), 1),
        # of the calls a fault hit, the share the policy re-issued with the same arguments right away
        "retry_rate": retried / max(faulted, 1),
        "accuracy_when_tool_failed": float(np.mean([s.correct for s in affected])) if affected else None,
        # of the episodes a fault hit, the share where the policy worked the sum out by hand
        "by_hand_rate": float(np.mean([THINK_OPEN in s.episode.words for s in affected])) if affected else None,
        "truncated_rate": float(np.mean([e.truncated for e in eps])),
    }


def count_retries(episodes: list[Episode]) -> tuple[int, int]:
    """(faulted calls followed by the same call, faulted calls)."""
    retried = faulted = 0
    for e in episodes:
        for a, b in zip(e.calls, [*e.calls[1:], None]):
            if a.status in FAULT_STATUSES:
                faulted += 1
                retried += b is not None and (b.tool, b.arguments) == (a.tool, a.arguments)
    return retried, faulted
