"""Text helpers shared by the conversation detectors (and `claims`): literal word gates that let a scan skip rules
cheaply, and prose with its code blanked."""

from __future__ import annotations

import re

_PUNCT = ".,;:!?\"'()[]{}*`<>“”‘’-_/\\"


class WordGate:
    """Which of several literal gates a text passes, decided per distinct word (cached), so that a scan pays a split
    and a few dict lookups per text instead of one substring search per gate literal. A gate is a tuple of lowercase
    stems; it passes when a whitespace-separated word of the text contains one of them, or, for a stem written "=word",
    is that word (punctuation stripped). A stem with spaces is reduced to its first word: a looser gate, never a
    stricter one."""

    def __init__(self, gates: dict):
        self.gates = {name: tuple(s.strip().split()[0] for s in stems) for name, stems in gates.items()}
        self.cache: dict[str, frozenset] = {}

    def passed(self, low: str) -> frozenset:
        out: set = set()
        cache = self.cache
        for w in set(low.split()):
            k = cache.get(w)
            if k is None:
                bare = w.strip(_PUNCT)
                k = frozenset(name for name, stems in self.gates.items()
                              if any((s[1:] == bare) if s[0] == "=" else (s in w) for s in stems))
                if len(cache) < 500_000:
                    cache[w] = k
            if k:
                out |= k
        return frozenset(out)


def prose_for_cues(text: str) -> str:
    """Prose only: code blocks, file blocks, text-format tool calls and inline code are blanked (identifiers and code
    comments are not the model talking about the tests)."""
    if "`" in text or "<" in text or "~~~" in text:
        out = _CODE_SPANS.sub("\n", text)
        if "`" in out:
            out = _INLINE_CODE.sub(" code ", out)
        return out if out != text else text
    return text


_CODE_SPANS = re.compile(r"```.*?(?:```|\Z)|~~~.*?(?:~~~|\Z)|<code\b[^>]*>.*?(?:</code>|\Z)|<file\b[^>]*>.*?(?:</file>|\Z)"
                         r"|<function=.*?(?:</function>|\Z)|<tool_call>.*?(?:</tool_call>|\Z)", re.S | re.I)
_INLINE_CODE = re.compile(r"`[^`\n]{1,200}`")
