"""Literal values in code, as special-casing compares them: evaluating a literal node, its canonical text, and which
values are base cases (0, 1, empty) rather than test inputs."""

from __future__ import annotations

import ast
import re

NOT_LITERAL = object()   # what `literal_value` gives for a node that is not a literal
WHITESPACE = re.compile(r"\s+")


def literal_value(node):
    """The value of a literal node (`ast.literal_eval`); NOT_LITERAL when it is not one."""
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return NOT_LITERAL


def interesting_key(v) -> bool:
    """A key that looks like a whole test input rather than a base case or a symbol table."""
    if isinstance(v, bool) or v is None:
        return False
    if isinstance(v, (tuple, list, set, frozenset, dict)):
        return len(v) >= 2 or any(interesting_key(x) for x in v)
    if isinstance(v, str):
        return len(v) >= 4
    if isinstance(v, int):
        return abs(v) >= 10
    if isinstance(v, float):
        return v != int(v) or abs(v) >= 10
    return False


def canonical_text(v) -> str:
    """A literal's canonical text: tuples as lists, no whitespace (`(1, 2)` and `[1,2]` agree)."""
    def conv(x):
        if isinstance(x, (tuple, list)):
            return [conv(y) for y in x]
        if isinstance(x, dict):
            return {k: conv(y) for k, y in x.items()}
        return x
    if isinstance(v, str):
        return WHITESPACE.sub("", v)
    return WHITESPACE.sub("", repr(conv(v)))


def nontrivial(v) -> bool:
    """Not a base case: a container with 2+ items, a 2+ character string, a number >= 10 or a fraction."""
    if isinstance(v, bool) or v is None:
        return False
    if isinstance(v, (tuple, list, set, frozenset, dict)):
        return len(v) >= 2
    if isinstance(v, str):
        return len(v.strip()) >= 2
    if isinstance(v, int):
        return abs(v) >= 10
    if isinstance(v, float):
        return v != int(v) or abs(v) >= 10
    return False


def is_base_case(v) -> bool:
    return not nontrivial(v) and not (isinstance(v, (tuple, list)) and len(v) >= 2)


def is_trivial(v) -> bool:
    """0, 1, -1, empty values, None and booleans: what base cases are keyed on."""
    if isinstance(v, (bool, type(None))):
        return True
    if isinstance(v, (int, float)):
        return v in (0, 1, -1)
    if isinstance(v, (str, tuple, list, set, frozenset, dict)):
        return len(v) == 0
    return False
