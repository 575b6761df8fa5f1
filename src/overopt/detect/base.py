"""Findings and the detector interface shared by every detector family."""

from __future__ import annotations

from dataclasses import dataclass

from overopt.detect.episodes import Episode

CATEGORIES = (
    "test_tampering", "exit_before_tests", "always_equal", "report_patching", "special_casing",
    "grader_tampering", "fabricated_action", "metagaming", "repetition", "stock_phrase",
    "over_refusal", "sycophancy",
)
# the categories that game the grader or the record of what happened (the rest are degenerate behavior)
GRADER_HACKS = CATEGORIES[:CATEGORIES.index("fabricated_action") + 1]
# signals: behavior users track that is not a hack in itself (findings with these categories are counted apart)
SIGNALS = ("refusal",)
EVIDENCE_CHARS = 600


@dataclass
class Finding:
    category: str
    detector: str
    evidence: str       # the span or diff hunk that triggered the finding
    confidence: float   # 0..1, the detector's own estimate that this is real
    where: str = ""     # "messages[3].reasoning", "diff:tests/test_x.py", ...
    reason: str = ""    # one line: what the rule saw
    kind: str = ""      # sub-kind where a category has several (refusal: "full", "deflection", ...)

    def to_dict(self, episode_id: str, detector_version: str) -> dict:
        d = {"id": episode_id, "category": self.category, "detector": self.detector,
             "detector_version": detector_version, "evidence": self.evidence,
             "confidence": round(float(self.confidence), 3), "where": self.where,
             "reason": self.reason}
        if self.kind:
            d["kind"] = self.kind
        return d


class Detector:
    """A named, versioned rule set. `detect` returns findings for one episode."""

    name: str = "detector"
    version: str = "0"
    categories: tuple[str, ...] = ()   # hack categories it can report
    signals: tuple[str, ...] = ()      # signals (SIGNALS) it can report besides

    def detect(self, episode: Episode) -> list[Finding]:  # pragma: no cover - interface
        raise NotImplementedError


def span(text: str, start: int, end: int, pad: int = 120) -> str:
    """The matched span with some context either side, clipped to EVIDENCE_CHARS."""
    a, b = max(0, start - pad), min(len(text), end + pad)
    s = text[a:b].strip()
    if a > 0:
        s = "…" + s
    if b < len(text):
        s = s + "…"
    return clip(s)


def clip(s: str, n: int = EVIDENCE_CHARS) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"
