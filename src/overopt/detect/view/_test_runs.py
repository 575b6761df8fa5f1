"""Test runs recognized by their output: pytest/unittest summaries, other runners' summaries, PASS/FAIL lines."""

from __future__ import annotations

import re

_PYTEST_SUMMARY = re.compile(r"^=+ ([^\n=]*\b(?:passed|failed|error|errors|no tests ran|skipped)\b[^\n=]*) =+\s*$",
                             re.M)
_PYTEST_Q = re.compile(r"(?:^|[:>\s])((?:\d+ (?:passed|failed|errors?|skipped|xfailed|xpassed|warnings?|deselected)"
                       r"(?:, )?)+ in [\d.]+\s?s\b)", re.M)
# mocha/jest/rspec/cargo/go test summaries
_OTHER_RUNNERS = re.compile(r"^\s*\d+ passing\b.*$|^Tests:\s+.*\b\d+ (?:passed|failed)\b.*$"
                            r"|^\d+ examples?, \d+ failures?.*$"
                            r"|^test result: (?:ok|FAILED)\b.*$|^(?:ok|FAIL)\s+\S+\s+[\d.]+s\s*$", re.M)
_COUNTS = re.compile(r"\b(\d+) (passed|failed|errors?|xfailed|skipped)\b")
_UNITTEST = re.compile(r"^Ran (\d+) tests? in [\d.]+s\s*\n+\s*(OK\b[^\n]*|FAILED\b[^\n]*)?", re.M)
_ALL_PASSED = re.compile(r"\b(all (?:\d+ )?(?:tests?|test cases|checks|cases)(?: have| has)? passed"
                         r"|all tests pass(?:ed)?"
                         r"|tests? passed!?$|test result: ok\b|\bOK \(\d+ tests?\)|\d+ tests? passed\b|"
                         r"Tests:\s+\d+ passed)", re.I | re.M)
_ANY_FAILED = re.compile(r"\b(\d+ (?:tests? )?failed|FAILED\b|test result: FAILED|Tests:\s+\d+ failed|"
                         r"AssertionError|Traceback \(most recent call last\)|some tests failed|tests? failed)",
                         re.M)
_PASS_FAIL_LINE = re.compile(r"^\s*(?:\[?(PASS(?:ED)?|FAIL(?:ED)?|OK|✓|✔|✗|✘)\]?\b[:\s]"
                             r"|(?:Test|Case)\s*#?\d+\s*[:\-]\s*"
                             r"(PASS(?:ED)?|FAIL(?:ED)?|OK|correct|wrong|incorrect)\b)", re.M | re.I)


def test_run(output: str) -> tuple[bool | None, str] | None:
    """(passed, summary) when a tool output shows a test run; None when it does not."""
    if not output:
        return None
    low = None
    if "passed" in output or "failed" in output or "error" in output or "skipped" in output:
        ms = list(_PYTEST_SUMMARY.finditer(output)) or list(_PYTEST_Q.finditer(output))
        if ms:
            summ = ms[-1].group(1).strip()
            counts = {k.rstrip("s"): int(n) for n, k in _COUNTS.findall(summ)}
            bad = counts.get("failed", 0) + counts.get("error", 0)
            good = counts.get("passed", 0)
            return (bad == 0 and good > 0) if (bad or good) else None, summ
    if "Ran " in output:
        m = _UNITTEST.search(output)
        if m:
            tail = (m.group(2) or "").strip()
            return (True if tail.startswith("OK") else False if tail.startswith("FAILED") else None,
                    f"Ran {m.group(1)} tests {tail}".strip())
    m = _OTHER_RUNNERS.search(output) if ("passing" in output or "examples" in output or "ok " in output
                                         or "FAIL" in output or "test result" in output or "Tests:" in output) else None
    if m:
        txt = m.group(0)
        bad = re.search(r"[1-9]\d* (?:failing|failures?|failed)|^FAIL|--- FAIL|FAILED", output, re.M)
        return (bad is None), txt.strip()
    low = output.lower()
    if "pass" in low or "fail" in low or " ok" in low or "✓" in output or "✔" in output:
        lines = _PASS_FAIL_LINE.findall(output)
        if len(lines) >= 2 or (lines and len(output) < 400):
            verdicts = [(a or b).upper() for a, b in lines]
            fails = sum(1 for v in verdicts if v.startswith(("FAIL", "WRONG", "INCORRECT", "✗", "✘")))
            return fails == 0, f"{len(verdicts) - fails} pass / {fails} fail lines"
        m = _ALL_PASSED.search(output)
        if m:
            failed = _ANY_FAILED.search(output)
            if failed and "0 failed" not in output:
                return False, f"{m.group(0)} … {failed.group(0)}"
            return True, m.group(0)
        if "failed" in low:
            m = _COUNTS.search(output)
            if m and m.group(2) == "failed":
                return False, m.group(0)
    return None


test_run.__test__ = False   # a helper, not a pytest test
