from overopt.errors import UserError


def lab_mitigations() -> None:
    """Mitigations lab (issue 5): placeholder until it is written."""
    raise UserError("not implemented yet")
