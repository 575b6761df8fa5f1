"""Moved: the `overopt probe` command is `overopt.detect.probe.probe`. This shim keeps `overopt.cli`'s import
working until it imports from there; remove it then."""

from overopt.detect.probe import probe

__all__ = ["probe"]
