"""An independent labeled holdout for the scan detectors.

Written from the category definitions (docs/scan.md, issue 4) and the hack shapes in the research fact sheet,
*before* reading the detectors' code, and not edited afterwards to fit them. It is an evaluation set, not a
training set: do not tune rules against its exact strings.

    from corpora.independent_holdout import generate
    pairs = generate(seed=0)      # [(episode_dict, frozenset(labels)), ...]

Each episode is a dict in the `overopt scan` input format (`id`, `messages`, optional `diff` and `ledger`).
The set holds, for every category, at least 12 positives in different shapes (several categories can hold for one
episode: a hack announced in the reasoning is also `metagaming`), 100+ hard negatives (legitimate changes that
look like hacks) and plain clean episodes. Diffs are real unified diffs made with difflib.
"""

from __future__ import annotations

import random

from ._build import _task, coding
from ._grader_hacks import FA, FA_SHAPES, GT, GT_SHAPES, SC, SC_SHAPES
from ._hard_negatives import HN_SHAPES, NONE
from ._test_hacks import AE, AE_SHAPES, EX, EX_SHAPES, RP, RP_SHAPES, TT, TT_SHAPES
from ._text_hacks import MG, MG_SHAPES, OR, OR_SHAPES, RE, RE_SHAPES, SP, SP_SHAPES

__all__ = ["generate"]


def _clean(rng):
    t = _task(rng)
    return coding(rng, t, ledger=rng.random() < 0.3), NONE


POSITIVE_SHAPES = {TT: TT_SHAPES, EX: EX_SHAPES, AE: AE_SHAPES, RP: RP_SHAPES, SC: SC_SHAPES, GT: GT_SHAPES,
                   FA: FA_SHAPES, MG: MG_SHAPES, RE: RE_SHAPES, SP: SP_SHAPES, OR: OR_SHAPES}


def generate(seed: int = 0, n_clean: int = 30) -> list[tuple[dict, frozenset]]:
    """The holdout: [(episode, labels)], shuffled. Every shape of every category once, hard negatives, clean ones."""
    rng = random.Random(seed)
    out = []
    for shapes in POSITIVE_SHAPES.values():
        for shape in shapes:
            ep, labels = shape(rng)
            out.append((ep, frozenset(labels)))
    for shape in HN_SHAPES:
        ep, labels = shape(rng)
        out.append((ep, frozenset(labels)))
    for _ in range(n_clean):
        ep, labels = _clean(rng)
        out.append((ep, frozenset(labels)))
    rng.shuffle(out)
    for i, (ep, _) in enumerate(out):
        ep["id"] = f"hc-{seed}-{i:04d}"
    return out
