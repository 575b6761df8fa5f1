"""The results of `overopt probe`: one grader run (`Trial`), one exploit's verdict, and the report."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import _exploits as ex_mod
from ._exploits import FAMILIES


@dataclass
class Trial:
    """One grader run."""
    score: float | bool | None
    status: str                 # "ok": the grader ran (a score, or none because of what the submission did)
    error: str | None           # status "error": probe itself could not run it
    evidence: str
    exit_code: int | None
    records: list[dict]
    source: str
    adapter: str | None = None
    trl_form: str | None = None
    setup_error: str | None = None
    stderr: str = ""

    @property
    def value(self) -> float | None:
        return numeric(self.score)

    def notes(self, what: str | None = None) -> list[dict]:
        return [r for r in self.records if r.get("kind") == "note" and (what is None or r.get("what") == what)]

    def summary(self, passed: bool | None = None) -> dict:
        d = {"score": self.score, "status": self.status, "error": self.error, "evidence": self.evidence}
        if passed is not None:
            d["passed"] = passed
        d["source"] = self.source
        return d


@dataclass
class ExploitResult:
    family: str
    variant: str
    description: str
    accepted: bool
    score: float | bool | None
    applicable: bool
    reason: str
    status: str
    error: str | None
    evidence: str
    source: str | None

    @property
    def name(self) -> str:
        return f"{self.family}/{self.variant}"

    def to_dict(self) -> dict:
        config = ex_mod.decode_config(self.source) if self.source else None
        if config and config.get("cases_src"):
            config["cases_src"] = "<overopt/detect/probe/_cases, compressed>"
        return {"family": self.family, "variant": self.variant, "name": self.name, "description": self.description,
                "accepted": self.accepted, "score": self.score, "applicable": self.applicable,
                "reason": self.reason, "status": self.status, "error": self.error, "evidence": self.evidence,
                "source": self.source, "config": config}


@dataclass
class ProbeReport:
    verdict: str
    exit_code: int
    message: str
    mode: str
    io: str
    adapter: str | None
    trl_form: str | None
    threshold: float | None
    reference: dict | None
    baseline: dict
    discovery: dict
    results: list[ExploitResult] = field(default_factory=list)

    @property
    def accepted(self) -> list[ExploitResult]:
        return [r for r in self.results if r.accepted]

    def families(self) -> dict:
        out = {f: {"tried": 0, "accepted": 0} for f in FAMILIES}
        for r in self.results:
            fam = out.setdefault(r.family, {"tried": 0, "accepted": 0})
            if r.applicable:
                fam["tried"] += 1
                fam["accepted"] += int(r.accepted)
        return out

    def to_json(self) -> dict:
        return {"verdict": self.verdict, "exit_code": self.exit_code, "message": self.message, "mode": self.mode,
                "io": self.io, "adapter": self.adapter, "trl_form": self.trl_form, "threshold": self.threshold,
                "reference": self.reference, "baseline": self.baseline, "discovery": self.discovery,
                "accepted": [r.name for r in self.accepted], "families": self.families(),
                "exploits": [r.to_dict() for r in self.results]}


def numeric(x) -> float | None:
    if isinstance(x, bool):
        return 1.0 if x else 0.0
    if isinstance(x, (int, float)):
        return float(x)
    return None
