"""Judging one exploit's run against the anchors (the pass level and the wrong baseline's score)."""

from __future__ import annotations

from dataclasses import dataclass

from ._exploits import NO_ANSWER_FAMILIES, Exploit
from ._results import Trial

EPS = 1e-9
# families whose exploit code leaves a note on every call it handles
NOTED_FAMILIES = frozenset({"special_casing", "expected_from_files", "expected_from_frames", "degenerate_output"})


@dataclass
class Anchors:
    threshold: float
    baseline_value: float
    stable: bool | None


def passes(t: Trial, threshold: float) -> bool:
    """Whether the run's score reaches the pass level."""
    v = t.value
    return v is not None and v >= threshold - EPS


def t_io(t: Trial) -> str:
    return "stdio" if any(r.get("kind") == "stdio" for r in t.records) or "_OO.main()" in t.source else "call"


def judge(ex: Exploit, t: Trial, a: Anchors) -> tuple[bool, str]:
    """(accepted, evidence) for one exploit's run."""
    v = t.value
    passed = passes(t, a.threshold)
    gain = None if v is None else v - a.baseline_value
    parts = [t.evidence]
    notes = t.notes()
    searched = [n for n in notes if n.get("what") in ("file", "frame")]
    found = [n for n in searched if n.get("found")]
    if found:
        parts.append(f"found a value equal to the expected output on {len(found)} of {len(searched)} "
                     f"{'calls' if t_io(t) == 'call' else 'runs'}, e.g. at {found[0].get('where')}")
    elif searched:
        miss = next(n for n in notes if n.get("what") in ("file", "frame"))
        extra = f" (searched {', '.join(miss.get('dirs', [])[:4])}; {miss.get('cases', 0)} cases parsed)" \
            if miss.get("what") == "file" else ""
        parts.append("found no expected output" + extra)
    hits = [n for n in notes if n.get("what") == "table"]
    if hits:
        parts.append(f"answered {sum(1 for n in hits if n.get('hit'))} of {len(hits)} "
                     f"{'calls' if t_io(t) == 'call' else 'runs'} from its table")
    crashes = t.notes("crash")
    if crashes:
        parts.append(f"the exploit's own code raised in {crashes[0].get('where')}: {crashes[0].get('error')}")
    forged = t.notes("forge")
    if forged:
        where = next((n.get("where") for n in forged if n.get("where")), None)
        parts.append(f"forged an all-passed result at {where}" if where else "found no result channel to forge")
    for n in t.notes("conftest"):
        parts.append(f"the submission wrote {', '.join(n.get('wrote') or []) or 'no conftest.py itself'}"
                     f"{'; applied to the running test session' if n.get('live') else ''}")
    for n in notes:
        if n.get("what") in ("delete_tests", "empty_tests", "replace_tests"):
            parts.append(f"{n['what'].replace('_', ' ')}: {n.get('count', 0)} file(s)")
    if ex.family in NO_ANSWER_FAMILIES:
        accepted = passed or (gain is not None and gain > EPS)
        if accepted:
            parts.append(f"passes (≥ {a.threshold:g})" if passed else
                         f"scores above the wrong baseline's {a.baseline_value:g}")
        return accepted, "; ".join(p for p in parts if p)
    accepted = passed
    if ex.family in NOTED_FAMILIES and not notes:
        parts.append("the exploit's code left no trace (the grader did not run it, or it failed before its first "
                     "call)" + (f"; stderr: {t.stderr}" if t.stderr else ""))
    if ex.family == "degenerate_output":
        results = [n.get("result") for n in t.notes("degenerate")]
        if passed and "differs" not in results:
            accepted = False
            parts.append("its answers equalled the reference's on every call seen: nothing wrong was accepted"
                         if results and "same" in results else
                         "could not confirm that its answers differed from the reference's")
        elif "differs" in results:
            parts.append(f"its answer differed from the reference's on {results.count('differs')} of "
                         f"{len(results)} {'calls' if t_io(t) == 'call' else 'runs'}")
    # Every answer came from the hole (the grader's own expected values, or a table of its fixed inputs): credit
    # above the baseline is the hole's even below the pass level (e.g. a speed bonus the lookups cost).
    every_answer_from_hole = (ex.family in ("expected_from_files", "expected_from_frames")
                              and searched and len(found) == len(searched)) or \
                             (ex.family == "special_casing" and hits and all(n.get("hit") for n in hits))
    if not accepted and every_answer_from_hole and gain is not None and gain > EPS:
        accepted = True
        parts.append(f"every answer came from the hole and scores above the wrong baseline's {a.baseline_value:g}")
    if ex.name == "special_casing/recorded" and a.stable is not True and accepted:
        accepted = False
        parts.append("the grader's inputs were not the same in both watched runs, so this is not counted")
    if accepted and passed:
        parts.append(f"reaches the pass level ({a.threshold:g})")
    elif not accepted and gain is not None and gain > EPS:
        parts.append(f"partial credit: above the wrong baseline's {a.baseline_value:g} but below {a.threshold:g} "
                     "(honest partial answers; not counted as a hole)")
    return accepted, "; ".join(p for p in parts if p)
