"""Small AST helpers shared by the code detectors."""

from __future__ import annotations

import ast

from overopt.detect.base import clip


def dotted(node: ast.AST) -> str:
    """`a.b.c` for a name or attribute chain (`f().x` through a call); "" for anything else."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    elif isinstance(node, ast.Call):
        parts.append(dotted(node.func) + "()")
    else:
        return ""
    return ".".join(reversed(parts))


def node_excerpt(text: str, node: ast.AST) -> str:
    """The node's source lines with two lines before and one after, clipped to evidence length."""
    lines = text.split("\n")
    a = getattr(node, "lineno", 1) - 1
    b = getattr(node, "end_lineno", a + 1) or a + 1
    return clip("\n".join(lines[max(0, a - 2): min(len(lines), b + 1)]))
