"""Chain of thought written inline: `<think>`/`<thinking>`/`<reasoning>`/`<reflection>` blocks."""

from __future__ import annotations

import re

_REASON_OPEN = re.compile(r"<(think|thinking|reasoning|reflection)>", re.I)
_REASON_CLOSE = re.compile(r"</(think|thinking|reasoning|reflection)>", re.I)
_REASON_ANY = re.compile(r"</?(?:think|thinking|reasoning|reflection)>", re.I)


def split_reasoning(text: str) -> tuple[str, str]:
    """(reasoning, visible): <think>/<thinking>/<reasoning>/<reflection> blocks, closed or not (an unclosed
    opening tag runs to the end; a closing tag with no opening tag means everything before it was
    reasoning), go to reasoning; the rest is the visible text."""
    if "<" not in text or _REASON_ANY.search(text) is None:
        return "", text
    reasoning: list[str] = []
    visible: list[str] = []
    pos = 0
    first_open = _REASON_OPEN.search(text)
    first_close = _REASON_CLOSE.search(text)
    if first_close and (first_open is None or first_close.start() < first_open.start()):
        reasoning.append(text[:first_close.start()])
        pos = first_close.end()
    while True:
        m = _REASON_OPEN.search(text, pos)
        if m is None:
            visible.append(text[pos:])
            break
        visible.append(text[pos:m.start()])
        c = re.compile(rf"</{m.group(1)}>", re.I).search(text, m.end()) or _REASON_CLOSE.search(text, m.end())
        if c is None:
            reasoning.append(text[m.end():])
            break
        reasoning.append(text[m.end():c.start()])
        pos = c.end()
    return "\n".join(r.strip("\n") for r in reasoning if r.strip()), "".join(visible).strip("\n")
