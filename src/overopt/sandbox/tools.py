"""The tools a policy may call, and the checks that turn a malformed call into an error message.

`python` runs a snippet in the sandbox's child process. `calculator` evaluates arithmetic with a
small AST walker in the parent (no `eval`, bounded number sizes), so it needs no child process.
"""

from __future__ import annotations

import ast
import math
import operator
from typing import Any

MAX_CODE_BYTES = 100_000  # fits in one argv string (Linux caps those at 128 KiB)
MAX_EXPRESSION_CHARS = 1_000
MAX_INT_BITS = 20_000        # about 6,000 decimal digits
MAX_EXPONENT = 10_000


class ToolError(Exception):
    """A malformed or failed tool call; its message is shown to the policy as stderr."""


TOOL_SCHEMAS: dict[str, dict[str, type]] = {
    "python": {"code": str},
    "calculator": {"expression": str},
}


def validate(tool: Any, arguments: Any) -> None:
    """Raise ToolError unless `tool` is known and `arguments` has exactly its fields and types."""
    if not isinstance(tool, str) or tool not in TOOL_SCHEMAS:
        known = ", ".join(sorted(TOOL_SCHEMAS))
        raise ToolError(f"unknown tool {tool!r} (known tools: {known})")
    if not isinstance(arguments, dict):
        raise ToolError(f"arguments for {tool} must be an object, got {type(arguments).__name__}")
    schema = TOOL_SCHEMAS[tool]
    missing = [k for k in schema if k not in arguments]
    extra = [str(k) for k in arguments if k not in schema]
    if missing or extra:
        raise ToolError(f"arguments for {tool} must be exactly {sorted(schema)}; "
                        f"missing {missing}, unexpected {extra}")
    for key, typ in schema.items():
        if not isinstance(arguments[key], typ):
            raise ToolError(f"argument {key!r} of {tool} must be {typ.__name__}, "
                            f"got {type(arguments[key]).__name__}")
    if tool == "python":
        code = arguments["code"]
        if len(code.encode("utf-8", "surrogatepass")) > MAX_CODE_BYTES:
            raise ToolError(f"code is longer than {MAX_CODE_BYTES} bytes")
        if "\0" in code:
            raise ToolError("code must not contain NUL characters")
    if tool == "calculator" and len(arguments["expression"]) > MAX_EXPRESSION_CHARS:
        raise ToolError(f"expression is longer than {MAX_EXPRESSION_CHARS} characters")


# --- calculator -----------------------------------------------------------------------------------

def _check_size(value: Any) -> Any:
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise ToolError("result too large")
    if isinstance(value, float) and not math.isfinite(value):
        raise ToolError("result is not a finite number")
    return value


def _pow(a: Any, b: Any) -> Any:
    if isinstance(b, int) and abs(b) > MAX_EXPONENT:
        raise ToolError(f"exponent larger than {MAX_EXPONENT}")
    if isinstance(a, int) and isinstance(b, int) and b > 0 and a.bit_length() * b > MAX_INT_BITS:
        raise ToolError("result too large")
    if isinstance(b, float) or (isinstance(b, int) and b < 0) or isinstance(a, float):
        try:
            return math.pow(a, b)
        except (OverflowError, ValueError) as exc:
            raise ToolError(str(exc)) from None
    return a ** b


def _mul(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int) and a.bit_length() + b.bit_length() > MAX_INT_BITS:
        raise ToolError("result too large")
    return a * b


_BINOPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: _mul, ast.Div: operator.truediv,
           ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: _pow}
_UNARY = {ast.UAdd: operator.pos, ast.USub: operator.neg}
_FUNCS = {"abs": abs, "round": round, "min": min, "max": max, "sqrt": math.sqrt, "floor": math.floor,
          "ceil": math.ceil, "log": math.log, "exp": math.exp}
_CONSTS = {"pi": math.pi, "e": math.e}


def _eval(node: ast.AST) -> Any:
    if isinstance(node, ast.Expression):
        return _eval(node.body)
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        return _check_size(_BINOPS[type(node.op)](_eval(node.left), _eval(node.right)))
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_eval(node.operand))
    if isinstance(node, ast.Name) and node.id in _CONSTS:
        return _CONSTS[node.id]
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCS
            and not node.keywords and 0 < len(node.args) <= 8):
        return _check_size(_FUNCS[node.func.id](*[_eval(a) for a in node.args]))
    raise ToolError(f"unsupported expression element: {type(node).__name__}"
                    + (f" {node.id!r}" if isinstance(node, ast.Name) else ""))


def calculate(expression: str) -> str:
    """Evaluate arithmetic (+ - * / // % **, parentheses, abs/round/min/max/sqrt/floor/ceil/log/exp,
    pi, e) and return the result as text. Raises ToolError with a short message on bad input."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise ToolError(f"invalid expression: {type(exc).__name__}") from None
    try:
        value = _eval(tree)
    except ToolError:
        raise
    except ZeroDivisionError:
        raise ToolError("division by zero") from None
    except (OverflowError, ValueError, TypeError, RecursionError) as exc:
        raise ToolError(f"{type(exc).__name__}: {exc}") from None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value)) if not isinstance(value, bool) else str(value)
    return str(value)
