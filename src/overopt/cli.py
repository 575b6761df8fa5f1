"""The `overopt` command line. Each command lives beside the code it drives; this file wires them up.

Heavy imports (torch, transformers) happen inside commands, so `overopt --help` stays fast.
"""

from __future__ import annotations

import sys

import click
import typer
from typer.core import TyperGroup

from overopt.errors import OveroptError

app = typer.Typer(
    help="Make reward over-optimization visible, measurable and stoppable.\n\n"
    "Start with `overopt lab rlhf --preset quick --out runs/rlhf` to watch Goodhart's law happen "
    "on a CPU in minutes.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
#: The `overopt lab` commands, in the order `overopt lab --help` lists them. The checkpoint mode is part of rlhf.
LAB_COMMANDS = ("rlhf", "mitigations", "tools", "control")


class _LabGroup(TyperGroup):
    """`overopt lab`: each lab's command is generated from its Lab when that lab is asked for, so
    `overopt --help` and the other commands never import the labs (and torch)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(LAB_COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in LAB_COMMANDS:
            return None
        from overopt._lab_command import lab_command
        from overopt.labs import get_lab

        lab = get_lab(name)
        command = lab_command(lab, mode=get_lab("checkpoints") if name == "rlhf" else None)
        single = typer.Typer()
        single.command(name, help=command.__doc__, short_help=lab.title)(command)
        return typer.main.get_command(single)


lab_app = typer.Typer(
    cls=_LabGroup, no_args_is_help=True,
    help="Reproducible labs, one per era of reward hacking: rlhf, mitigations, tools, control.",
)
app.add_typer(lab_app, name="lab")


def _register() -> None:
    from overopt.detect._scan_command import scan
    from overopt.detect.probe import probe
    from overopt.evals._command import build as eval_command
    from overopt.sweep._command import sweep

    app.command("sweep")(sweep)
    app.command("scan")(scan)
    app.command("probe")(probe)
    app.command("eval")(eval_command())


_register()


def quiet_libraries() -> None:
    """overopt shows its own progress; silence the libraries' bars, info logs and deprecation chatter."""
    import os
    import warnings

    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("HF_DATASETS_DISABLE_PROGRESS_BARS", "1")  # TRL's dataset preparation
    os.environ.setdefault("TQDM_DISABLE", "1")  # read when tqdm is imported: TRL's reference log-prob pass
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for the hub: everything is local
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning)


def main(argv: list[str] | None = None) -> None:
    """Entry point: bad input gives a one-line error and exit code 2, never a traceback.

    Commands signal other exit codes with `raise typer.Exit(code)`.
    """
    quiet_libraries()
    try:
        app(args=argv)  # standalone: usage errors print click's message and exit 2
    except OveroptError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
