"""Sandbox for untrusted tool calls, with an append-only action ledger (see docs/sandbox.md).

    from overopt.sandbox import Sandbox, Limits
    sb = Sandbox("runs/x/sandbox", limits=Limits(wall_seconds=5))
    r = sb.call_tool("ep0", "python", {"code": "print(6*7)"})   # r.status == "ok", r.stdout == "42\\n"
    sb.ledger.entries("ep0")                                      # [{... "status": "ok", ...}]
"""

from overopt.sandbox.backends import Backend, LocalBackend, RunOutcome, RunRequest
from overopt.sandbox.ledger import ActionLedger, sha256_text
from overopt.sandbox.limits import Limits, SandboxWarning
from overopt.sandbox.sandbox import STATUSES, ExecResult, Sandbox
from overopt.sandbox.tools import TOOL_SCHEMAS, ToolError, calculate

__all__ = [
    "ActionLedger", "Backend", "ExecResult", "Limits", "LocalBackend", "RunOutcome", "RunRequest",
    "STATUSES", "Sandbox", "SandboxWarning", "TOOL_SCHEMAS", "ToolError", "calculate", "sha256_text",
]
