"""The run-time helper `overopt probe` embeds in every submission it builds (see `_base.py`).

Its parts use only the standard library and the parts listed before them in `PARTS`; a submission loads
their text joined in that order as one module (`_exploits.embedded_source`). Probe itself uses the input
keys and the folder words from here.
"""

from ._base import call_key, stdin_key
from ._files import CASE_DIR_WORDS

__all__ = ["CASE_DIR_WORDS", "PARTS", "call_key", "stdin_key"]

# in dependency order
PARTS = ("_base.py", "_matching.py", "_files.py", "_frames.py", "_actions.py", "_entry.py")
