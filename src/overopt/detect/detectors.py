"""The registry of rule detectors, and running them over one episode."""

from __future__ import annotations

from overopt.detect.base import CATEGORIES, SIGNALS, Detector, Finding
from overopt.detect.claims import FabricatedAction
from overopt.detect.code_hacks import CODE_DETECTORS
from overopt.detect.conversation import CONVERSATION_DETECTORS
from overopt.detect.episodes import Episode
from overopt.detect.refusal import Refusals
from overopt.detect.sycophancy import Sycophancy
from overopt.errors import InputError


def all_detectors() -> list[Detector]:
    return [cls() for cls in (*CODE_DETECTORS, FabricatedAction, *CONVERSATION_DETECTORS, Refusals, Sycophancy)]


def select(categories: list[str] | None = None) -> list[Detector]:
    """The detectors that report any of `categories` (hack categories or signals); all of them when none given."""
    dets = all_detectors()
    if not categories:
        return dets
    unknown = [c for c in categories if c not in CATEGORIES and c not in SIGNALS]
    if unknown:
        raise InputError(f"unknown category {unknown[0]!r}; choose from {', '.join(CATEGORIES + SIGNALS)}")
    return [d for d in dets if (set(d.categories) | set(d.signals)) & set(categories)]


def run_detectors(ep: Episode, detectors: list[Detector],
                  errors: dict[str, dict] | None = None) -> list[tuple[Detector, Finding]]:
    """All findings for one episode. A detector that crashes on odd input yields nothing for that episode, never a
    crash of the scan; the failure is counted in `errors` (per detector name: `count`, `last_error`,
    `last_episode`) when a dict is given, so a broken rule shows up in summary.json instead of vanishing."""
    out = []
    for d in detectors:
        try:
            found = d.detect(ep)
        except Exception as e:  # noqa: BLE001 - any rule bug must not stop a multi-GB scan; it is counted
            if errors is not None:
                rec = errors.setdefault(d.name, {"count": 0, "last_error": "", "last_episode": ""})
                rec["count"] += 1
                rec["last_error"] = f"{type(e).__name__}: {e}"[:300]
                rec["last_episode"] = ep.id
            continue
        out.extend((d, f) for f in found)
    return out
