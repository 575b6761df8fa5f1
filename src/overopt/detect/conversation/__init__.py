"""Conversation detectors: metagaming, repetition/gibberish, stock phrases (over-refusal lives in `refusal`).

Modules: `_text` (word gates, prose without code), `_rules` (metagaming phrase rules), `_cues` (the metagaming cue
model), `_declines` (what declines a cue or phrase), `_metagaming`, `_repetition` and `_stock` (the detectors).
"""

from overopt.detect.conversation._cues import CUE_SUM_THRESHOLD, CUE_THRESHOLD, CUES, OBJ, cue_score
from overopt.detect.conversation._metagaming import Metagaming
from overopt.detect.conversation._repetition import Repetition
from overopt.detect.conversation._rules import METAGAMING
from overopt.detect.conversation._stock import STOCK_CLOSER, STOCK_IDENTITY, STOCK_OPENER, StockPhrase
from overopt.detect.conversation._text import WordGate

CONVERSATION_DETECTORS = (Metagaming, Repetition, StockPhrase)

__all__ = ["CONVERSATION_DETECTORS", "CUES", "CUE_SUM_THRESHOLD", "CUE_THRESHOLD", "METAGAMING", "OBJ", "STOCK_CLOSER",
           "STOCK_IDENTITY", "STOCK_OPENER", "Metagaming", "Repetition", "StockPhrase", "WordGate", "cue_score"]
