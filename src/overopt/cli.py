"""The `overopt` command line. Each command lives beside the code it drives; this file wires them up.

Heavy imports (torch, transformers) happen inside commands, so `overopt --help` stays fast.
"""

from __future__ import annotations

import sys

import typer

from overopt.errors import OveroptError

app = typer.Typer(
    help="Make reward over-optimization visible, measurable and stoppable.\n\n"
    "Start with `overopt lab rlhf --preset quick --out runs/rlhf` to watch Goodhart's law happen "
    "on a CPU in minutes.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
lab_app = typer.Typer(
    help="Reproducible labs, one per era of reward hacking: rlhf, mitigations, tools, control.",
    no_args_is_help=True,
)
app.add_typer(lab_app, name="lab")


def _register() -> None:
    from overopt.detect.command import scan
    from overopt.detect.probe import probe
    from overopt.lab_command import lab_command, lab_help
    from overopt.labs import get_lab

    lab_app.command("rlhf", help=lab_help(get_lab("rlhf")), short_help=get_lab("rlhf").title)(
        lab_command(get_lab("rlhf"), mode=get_lab("checkpoints")))
    for name in ("mitigations", "control", "tools"):
        lab = get_lab(name)
        command = lab_command(lab)
        lab_app.command(name, help=command.__doc__, short_help=lab.title)(command)
    app.command("scan")(scan)
    app.command("probe")(probe)


_register()


def _quiet_libraries() -> None:
    """overopt shows its own progress; silence the libraries' bars, info logs and deprecation chatter."""
    import os
    import warnings

    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for the hub: everything is local
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning)


def main(argv: list[str] | None = None) -> None:
    """Entry point: bad input gives a one-line error and exit code 2, never a traceback.

    Commands signal other exit codes with `raise typer.Exit(code)`.
    """
    _quiet_libraries()
    try:
        app(args=argv)  # standalone: usage errors print click's message and exit 2
    except OveroptError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
