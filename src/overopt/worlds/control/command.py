from overopt.errors import UserError


def lab_control() -> None:
    """Control-era lab (issue 6): placeholder until it is written."""
    raise UserError("not implemented yet")
