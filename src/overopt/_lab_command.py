"""`overopt lab NAME`: one command per lab, generated from its Lab declaration.

Every command takes `--preset`, `--seed`, `--out`, `--set key=value` (any setting, dotted keys, repeatable)
and `--settings` (print every setting with its value and help, then exit), plus the lab's `flags`, whose
help, type and validation come from the settings they name. A new setting is one line in a Config; a new
flag is one line in a Lab's `flags`.
"""

from __future__ import annotations

import inspect
import types
import typing
from pathlib import Path
from typing import Any, Optional

import typer

from overopt.configs import apply_settings, assign, describe_settings, field_for
from overopt.errors import ConfigError
from overopt.labs import Lab

def lab_command(lab: Lab, *, mode: Lab | None = None):
    """The typer command for `lab`. With `mode`, the command runs `mode` instead when any flag that only
    `mode` declares is given (the RLHF lab's checkpoint mode: `--policy ...`)."""
    labs = [lab] if mode is None else [lab, mode]
    params = _builtin_params(lab)
    seen: set[str] = set()
    for each in labs:
        for flag, key in each.flags.items():
            if flag not in seen:
                seen.add(flag)
                params.append(config_option(flag, key, each.config()))

    def command(**values: Any) -> None:
        chosen, preset = _choose(lab, mode, values), values.pop("preset")
        if chosen is not lab and preset is not None:
            raise ConfigError(f"--preset does not apply to {chosen.title[0].lower() + chosen.title[1:]}")
        config = chosen.config(preset)
        out, seed = values.pop("out") or Path("runs") / chosen.name, values.pop("seed")
        sets, show = values.pop("set") or [], values.pop("settings")
        _apply_flags(chosen, config, values)
        apply_settings(config, sets)  # after the flags: --set has the last word; validates the config
        if show:
            _print_settings(chosen, config)
            return
        from overopt.labs import run_lab
        from overopt.runs import RunDir

        result = run_lab(chosen, config, seed, out)
        chosen.print_summary(result, RunDir(Path(out)))

    command.__signature__ = inspect.Signature(params)
    command.__annotations__ = {p.name: p.annotation for p in params}
    command.__doc__ = lab_help(lab)
    command.__name__ = f"lab_{lab.name}"
    return command


def lab_help(lab: Lab) -> str:
    """The lab class's docstring with each paragraph on one line (the terminal wraps it)."""
    paragraphs = inspect.cleandoc(type(lab).__doc__ or lab.title).split("\n\n")
    return "\n\n".join(" ".join(line.strip() for line in p.splitlines()) for p in paragraphs)


def _escape(text: str) -> str:
    """Help text is rendered as rich markup: keep literal brackets (`overopt[sb3]`)."""
    return text.replace("[", "\\[")


def _builtin_params(lab: Lab) -> list[inspect.Parameter]:
    presets = "; ".join(f"'{name}': {p.help}" for name, p in lab.presets.items())

    def opt(name: str, annotation: Any, default: Any) -> inspect.Parameter:
        return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)

    return [
        opt("preset", Optional[str], typer.Option(None, "--preset", help=_escape(f"Preset: {presets}. "
                                                  f"Default: {next(iter(lab.presets))}."))),
        opt("seed", int, typer.Option(0, "--seed", help="Seed for everything; the same seed, machine and thread "
                                      "count give a byte-identical curves.csv.")),
        opt("out", Optional[Path], typer.Option(None, "--out", "-o", help=f"Run folder to write (created; "
                                                f"default runs/{lab.name}).")),
        opt("set", Optional[list[str]], typer.Option(None, "--set", metavar="KEY=VALUE", help=_escape(
            f"Change any setting, e.g. --set {_example(lab)} (repeatable; lists are comma-separated). --settings lists "
            "every key."))),
        opt("settings", bool, typer.Option(False, "--settings", help="Print every setting of the chosen preset "
                                           "with its value and help, and exit.")),
    ]


def _example(lab: Lab) -> str:
    """A `key=value` of the lab's default preset, preferring a nested key (shows the dotted form)."""
    rows = [(k, v) for k, v, _ in describe_settings(lab.config()) if isinstance(v, (int, float)) and not isinstance(v, bool)]
    key, value = next(((k, v) for k, v in rows if "." in k), rows[0] if rows else ("preset", "quick"))
    return f"{key}={value}"


def config_option(flag: str, key: str, config: Any) -> inspect.Parameter:
    """A typer option `--FLAG` for the setting `key` of `config`: its help, type and default come from the
    setting; the value arrives as a string (or bool, or list) for `assign` to parse."""
    holder, f, tp = field_for(config, key)
    base = _unwrap_optional(tp)
    default = getattr(holder, f.name)
    help_text = _escape(f"{f.metadata.get('help', '')} (setting {key}; default {_show(default)})")
    name = flag.replace("-", "_")
    if base is bool:
        option, annotation = typer.Option(None, f"--{flag}/--no-{flag}", help=help_text), Optional[bool]
    elif typing.get_origin(base) in (list, tuple):
        option = typer.Option(None, f"--{flag}", help=help_text + " Repeatable or comma-separated.")
        annotation = Optional[list[str]]
    else:
        metavar = {int: "INTEGER", float: "NUMBER"}.get(base, "TEXT")
        option, annotation = typer.Option(None, f"--{flag}", help=help_text, metavar=metavar), Optional[str]
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=option, annotation=annotation)


def _unwrap_optional(tp: Any) -> Any:
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    return args[0] if typing.get_origin(tp) in (typing.Union, types.UnionType) and len(args) == 1 else tp


def _show(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value) or "none"
    return str(value)


def _given(values: dict[str, Any], flag: str) -> bool:
    return values.get(flag.replace("-", "_")) not in (None, [])


def _choose(lab: Lab, mode: Lab | None, values: dict[str, Any]) -> Lab:
    if mode is None:
        return lab
    own = [f for f in mode.flags if f not in lab.flags]
    return mode if any(_given(values, f) for f in own) else lab


def _apply_flags(lab: Lab, config: Any, values: dict[str, Any]) -> None:
    for name, value in values.items():
        flag = name.replace("_", "-")
        if value in (None, []):
            continue
        if flag not in lab.flags:
            raise ConfigError(f"--{flag} does not apply to `overopt lab {lab.name}`")
        assign(config, lab.flags[flag], ",".join(value) if isinstance(value, list) else value, f"--{flag}")


def _print_settings(lab: Lab, config: Any) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"overopt lab {lab.name}: settings (change any with --set KEY=VALUE)")
    for col in ("key", "value", "help"):
        table.add_column(col, overflow="fold")
    for key, value, help_text in describe_settings(config):
        table.add_row(Text(key), Text(_show(value)), Text(help_text))
    Console().print(table)
