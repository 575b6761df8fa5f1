from overopt.errors import UserError


def lab_tools() -> None:
    """Tool-use lab (issue 3): placeholder until it is written."""
    raise UserError("not implemented yet")
