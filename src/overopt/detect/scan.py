"""`overopt scan`: stream episodes through the detectors; write findings, a summary and a report.

Memory stays flat: episodes are read one at a time (a JSONL line, an .eval sample, a session file; JSON
documents are the exception: read whole), findings are written as they are found, and only counters plus a few
top examples per category are kept. Each file is read in its own format (overopt.detect.readers).
"""

from __future__ import annotations

import heapq
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from overopt.progress import SILENT, Progress
from overopt.detect.base import CATEGORIES, SIGNALS
from overopt.detect.detectors import run_detectors, select
from overopt.detect.episodes import Bad
from overopt.detect.judge import Judge, JudgeSettings
from overopt.detect.readers import iter_file

MAX_WARNINGS = 20


def wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score 95% interval for k successes in n trials."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    den = 1 + z * z / n
    center = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    lo = 0.0 if k == 0 else max(0.0, center - half)
    hi = 1.0 if k == n else min(1.0, center + half)
    return lo, hi


@dataclass
class ScanConfig:
    files: list[str]
    categories: list[str] | None = None
    min_confidence: float = 0.5
    top_examples: int = 3
    judge: JudgeSettings | None = None
    judge_max: int = 500          # flags sent to the judge at most (cost guard)
    format: str | None = None     # input format for every file (a name in readers.FORMATS); None: detect per file


@dataclass
class ScanResult:
    episodes: int = 0
    malformed: int = 0
    findings: int = 0
    flagged: dict[str, int] = field(default_factory=dict)
    confirmed: dict[str, int] = field(default_factory=dict)
    judged: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    summary: dict = field(default_factory=dict)


def scan(cfg: ScanConfig, out: Path, progress: Progress = SILENT) -> ScanResult:
    """Run the scan, writing DIR/findings.jsonl, DIR/malformed.jsonl, DIR/summary.json, DIR/report.md."""
    detectors = select(cfg.categories)
    cats = [c for c in (*CATEGORIES, *SIGNALS) if not cfg.categories or c in cfg.categories]
    tally = _Tally(cfg, cats, Judge(cfg.judge) if cfg.judge else None)
    paths = [Path(f) for f in cfg.files]
    total = sum(p.stat().st_size for p in paths)
    task = progress.task("scanning", total=max(1, total))
    pending = [0]

    def on_bytes(n: int) -> None:
        pending[0] += n
        if pending[0] >= 1 << 20:
            task.advance(pending[0])
            pending[0] = 0

    with open(out / "findings.jsonl", "w") as fout, open(out / "malformed.jsonl", "w") as fbad:
        for path in paths:
            for item in iter_file(path, cfg.format, on_bytes=on_bytes):
                if isinstance(item, Bad):
                    tally.malformed(item, fbad)
                    continue
                for r in tally.episode(item, detectors):
                    fout.write(json.dumps(r) + "\n")
    task.update(completed=max(1, total))
    res = tally.res
    res.summary = _summary(cfg, cats, tally)
    (out / "report.md").write_text(report_md(res.summary, {c: sorted(tally.top[c], reverse=True) for c in cats}))
    return res


class _Tally:
    """What a scan keeps while it streams: counters per category, per-signal kinds, the top examples per category,
    detector errors, formats read, and the judge's budget."""

    def __init__(self, cfg: ScanConfig, cats: list[str], judge: Judge | None):
        self.cfg, self.judge = cfg, judge
        self.res = ScanResult(flagged={c: 0 for c in cats}, confirmed={c: 0 for c in cats}, judged={c: 0 for c in cats})
        self.n_findings = {c: 0 for c in cats}
        self.top: dict[str, list] = {c: [] for c in cats}
        self.kinds: dict[str, dict[str, int]] = {c: {} for c in SIGNALS}  # per signal: flagged episodes by kind
        self.tiebreak = 0
        self.judge_budget = cfg.judge_max
        self.det_errors: dict[str, dict] = {}
        self.formats: dict[str, int] = {}  # episodes read per input format

    def malformed(self, item: Bad, fbad) -> None:
        res = self.res
        res.malformed += 1
        fbad.write(json.dumps({"path": item.path, "line": item.line, "error": item.error}) + "\n")
        if len(res.warnings) < MAX_WARNINGS:
            res.warnings.append(str(item))

    def episode(self, ep, detectors) -> list[dict]:
        """Run the detectors on one episode and count what they find; the finding records to write."""
        res = self.res
        res.episodes += 1
        fmt = ep.meta.get("format", "openai") if ep.meta else "openai"
        self.formats[fmt] = self.formats.get(fmt, 0) + 1
        by_cat: dict[str, tuple] = {}
        recs = []
        for det, f in run_detectors(ep, detectors, self.det_errors):
            if f.confidence < self.cfg.min_confidence or f.category not in self.n_findings:
                continue
            rec = f.to_dict(ep.id, det.version)
            recs.append(rec)
            if f.category not in by_cat or f.confidence > by_cat[f.category][0].confidence:
                by_cat[f.category] = (f, rec)
            self.n_findings[f.category] += 1
            res.findings += 1
        for cat, (f, rec) in by_cat.items():
            self._flag(ep, cat, f, rec, recs)
        return recs

    def _flag(self, ep, cat: str, f, rec: dict, recs: list[dict]) -> None:
        """Count the episode as flagged for `cat` (its strongest finding `f`), judge it, keep it among the top."""
        res = self.res
        res.flagged[cat] += 1
        if cat in self.kinds:
            self.kinds[cat][f.kind or "unspecified"] = self.kinds[cat].get(f.kind or "unspecified", 0) + 1
        if self.judge is not None and cat not in SIGNALS:   # a signal is not a claim for the judge
            self._judge(ep, cat, f, recs)
        self.tiebreak += 1
        entry = (f.confidence, -self.tiebreak, rec)
        heap = self.top[cat]
        if len(heap) < self.cfg.top_examples:
            heapq.heappush(heap, entry)
        elif entry > heap[0]:
            heapq.heapreplace(heap, entry)

    def _judge(self, ep, cat: str, f, recs: list[dict]) -> None:
        """One judge verdict per episode and category, written into every record of that category."""
        res = self.res
        if self.judge_budget > 0:
            self.judge_budget -= 1
            verdict, why = self.judge.judge(ep, cat, f.evidence, f.reason)
        else:
            verdict, why = "unjudged", "judge budget (--judge-max) spent"
        for r in recs:
            if r["category"] == cat:
                r["judge"], r["judge_reason"] = verdict, why
        if verdict != "unjudged":
            res.judged[cat] += 1
        if verdict == "confirmed":
            res.confirmed[cat] += 1


def _summary(cfg: ScanConfig, cats: list[str], tally: _Tally) -> dict:
    """summary.json: counts, rates and Wilson intervals per category and signal, detectors, judge and malformed input."""
    res, judge = tally.res, tally.judge
    n = res.episodes
    cats_out = {}
    for c in cats:
        k = res.flagged[c]
        lo, hi = wilson(k, n)
        entry = {"count": k, "findings": tally.n_findings[c], "rate": (k / n) if n else 0.0,
                 "ci95": [round(lo, 6), round(hi, 6)]}
        if c in SIGNALS:
            entry["kinds"] = dict(sorted(tally.kinds[c].items()))
        elif judge is not None:
            kc = res.confirmed[c]
            clo, chi = wilson(kc, n)
            entry.update({"flagged": k, "judged": res.judged[c], "confirmed": kc,
                          "confirmed_rate": (kc / n) if n else 0.0, "confirmed_ci95": [round(clo, 6), round(chi, 6)]})
        cats_out[c] = entry
    dets = select(cfg.categories)
    det_errors = tally.det_errors
    return {
        "episodes": n, "malformed": res.malformed, "findings": res.findings,
        "formats": tally.formats,
        "min_confidence": cfg.min_confidence,
        "detectors": [{"name": d.name, "version": d.version, "categories": list(d.categories),
                       "errors": det_errors.get(d.name, {}).get("count", 0)} for d in dets],
        "detector_errors": det_errors,
        "categories": {c: e for c, e in cats_out.items() if c not in SIGNALS},
        "signals": {c: e for c, e in cats_out.items() if c in SIGNALS},
        "judge": None if judge is None else {**cfg.judge.public(), "calls": judge.calls, "errors": judge.errors,
                                              "last_error": judge.last_error},
        "malformed_examples": res.warnings,
    }


def report_md(summary: dict, top: dict[str, list]) -> str:
    n = summary["episodes"]
    judged = summary.get("judge") is not None
    lines = ["# overopt scan report", "",
             f"{n} episodes scanned, {summary['malformed']} malformed lines skipped, "
             f"{summary['findings']} findings (confidence ≥ {summary['min_confidence']}).", ""]
    if summary.get("formats"):
        lines += ["Formats read: " + ", ".join(f"{k} ({v} episodes)" for k, v in summary["formats"].items()) + ".", ""]
    if judged:
        j = summary["judge"]
        lines += [f"Judge: `{j['model']}` at {j['base_url']} ({j['calls']} calls, {j['errors']} errors).", ""]
        lines += ["| category | flagged | rate | 95% CI | confirmed | confirmed rate |", "|---|---:|---:|---|---:|---:|"]
    else:
        lines += ["| category | flagged episodes | rate | 95% CI (Wilson) |", "|---|---:|---:|---|"]
    for c, e in summary["categories"].items():
        ci = f"{e['ci95'][0]:.2%} – {e['ci95'][1]:.2%}"
        if judged:
            lines.append(f"| {c} | {e['count']} | {e['rate']:.2%} | {ci} | {e['confirmed']} | {e['confirmed_rate']:.2%} |")
        else:
            lines.append(f"| {c} | {e['count']} | {e['rate']:.2%} | {ci} |")
    if summary.get("signals"):
        lines += ["", "Signals (behavior to track, not hacks in themselves):", "",
                  "| signal | episodes | rate | 95% CI (Wilson) | by kind |", "|---|---:|---:|---|---|"]
        for c, e in summary["signals"].items():
            by_kind = ", ".join(f"{k} {v}" for k, v in e.get("kinds", {}).items()) or "–"
            lines.append(f"| {c} | {e['count']} | {e['rate']:.2%} | {e['ci95'][0]:.2%} – {e['ci95'][1]:.2%} | {by_kind} |")
    lines += ["", "## Top examples", ""]
    any_ex = False
    for c, items in top.items():
        if not items:
            continue
        any_ex = True
        lines += [f"### {c}", ""]
        for conf, _, rec in items:
            verdict = f", judge: {rec['judge']}" if "judge" in rec else ""
            lines += [f"- `{rec['id']}` ({rec['detector']} {rec['detector_version']}, confidence {conf:.2f}{verdict}) "
                      f"at {rec['where']}: {rec['reason']}", "", "```", rec["evidence"].replace("```", "ʼʼʼ"), "```", ""]
    if not any_ex:
        lines.append("No findings.")
    errs = summary.get("detector_errors") or {}
    if errs:
        lines += ["", "## Detector errors", "",
                  "These detectors raised on some episodes; those episodes got no findings from them "
                  "(the counts below are not in the rates above):", ""]
        lines += [f"- `{name}`: {e['count']} episode(s), last `{e['last_episode']}`: {e['last_error']}"
                  for name, e in sorted(errs.items())]
    if summary["malformed"]:
        lines += ["", "## Malformed input", "", f"{summary['malformed']} records skipped "
                  "(all listed in malformed.jsonl); the first ones:", ""]
        lines += [f"- {w}" for w in summary["malformed_examples"]]
    return "\n".join(lines) + "\n"
