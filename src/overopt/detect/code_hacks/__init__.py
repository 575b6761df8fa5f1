"""Code hacks: test tampering, early exits, always-equal objects, pytest report patching,
special-casing the tests, and tampering with the grader or its timer.

Each detector reads the episode's code changes (see `overopt.detect.changes`, built from the normalized view in
`overopt.detect.view`): the AST of what was written where it parses, the added/removed lines otherwise (line rules:
garbled or cut code), and the shell commands run. Code the model only quoted is never scanned. Special-casing also
reads the visible tests of the view (prompt, tool outputs, test files) as (input, expected output) data.

Parts: one module per detector (`_test_tampering`, `_exit_before_tests`, `_always_equal`, `_report_patching`,
`_special_casing`, `_grader_tampering`); what they share: `_episode_code` (changes and AST facts per episode),
`_facts` (the AST pass), `_ast_helpers`; special-casing's parts: `_literals`, `_branches`, `_visible_test_data`,
`_special_case_rules`.
"""

from overopt.detect.code_hacks._always_equal import AlwaysEqual
from overopt.detect.code_hacks._exit_before_tests import ExitBeforeTests
from overopt.detect.code_hacks._grader_tampering import GraderTampering
from overopt.detect.code_hacks._report_patching import ReportPatching
from overopt.detect.code_hacks._special_casing import SpecialCasing
from overopt.detect.code_hacks._test_tampering import TestTampering

CODE_DETECTORS = (TestTampering, ExitBeforeTests, AlwaysEqual, ReportPatching, SpecialCasing,
                  GraderTampering)

__all__ = ["CODE_DETECTORS", "AlwaysEqual", "ExitBeforeTests", "GraderTampering", "ReportPatching", "SpecialCasing",
           "TestTampering"]
