"""Shared test helpers (pytest puts this folder on sys.path)."""

from overopt.cli import main


def run_cli(args, capsys):
    """Run `overopt ARGS` in-process; return (exit code, stdout, stderr)."""
    code = 0
    try:
        main(args)
    except SystemExit as e:
        code = e.code or 0
    cap = capsys.readouterr()
    return code, cap.out, cap.err
