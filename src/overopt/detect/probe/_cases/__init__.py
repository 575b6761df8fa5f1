"""Test cases stated in the common code-test formats, read without running any of their code (see `_values.py`).

Its parts use only the standard library and the parts listed before them in `PARTS`; a submission that
searches a grader's files at grading time loads their text joined in that order as one module
(`_exploits.embedded_source`).
"""

from ._files import cases_in_paths
from ._values import MISSING, TestCase
from ._walk import cases_from_data, cases_from_text

__all__ = ["MISSING", "PARTS", "TestCase", "cases_from_data", "cases_from_text", "cases_in_paths"]

# in dependency order
PARTS = ("_values.py", "_literals.py", "_asserts.py", "_python.py", "_examples.py", "_rows.py", "_walk.py",
         "_files.py")
