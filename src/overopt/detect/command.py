from overopt.errors import UserError


def scan() -> None:
    """Scanner (issue 4): placeholder until it is written."""
    raise UserError("not implemented yet")
