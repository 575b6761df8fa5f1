"""Settings declared once, TRL-style: a dataclass field carries its default and its help, and the
dataclass's `__post_init__` checks its value. Everything else is derived from that declaration:
the command-line flags, `--set key=value`, `--settings` and the validation of overridden values.

    @dataclass
    class RLConfig:
        steps: int = setting(100, "GRPO steps (0 skips RL).")

        def __post_init__(self):
            check(self.steps >= 0, f"rl.steps must be >= 0, got {self.steps}")

Nested configs are settings too (`rl: RLConfig = setting(factory=RLConfig, help=...)`), addressed by
dotted keys (`rl.steps`).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

from overopt.errors import ConfigError

__all__ = ["setting", "check", "check_positive", "validate", "apply_settings", "assign", "describe_settings", "field_for",
           "parse_value"]

_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def setting(default: Any = dataclasses.MISSING, help: str = "", *, factory: Any = dataclasses.MISSING) -> Any:
    """A dataclass field with its help text (`factory` for mutable defaults, as `default_factory`)."""
    if not help:
        raise TypeError("every setting needs its help text")
    return dataclasses.field(default=default, default_factory=factory, metadata={"help": help})


def check(condition: bool, message: str) -> None:
    """Raise ConfigError(message) unless `condition`; the message should say how to fix the value."""
    if not condition:
        raise ConfigError(message)


def check_positive(config: Any, *names: str, group: str = "") -> None:
    """Check that each named setting of `config` is a positive integer (`group` prefixes the key, e.g. "rl.")."""
    for name in names:
        value = getattr(config, name)
        check(isinstance(value, int) and not isinstance(value, bool) and value >= 1,
              f"{group}{name} must be a positive integer, got {value!r}")


def validate(config: Any) -> Any:
    """Re-run every `__post_init__` in `config` and its nested configs (after values were changed)."""
    for f in dataclasses.fields(config):
        value = getattr(config, f.name)
        if dataclasses.is_dataclass(value):
            validate(value)
    post_init = getattr(config, "__post_init__", None)
    if post_init is not None:
        post_init()
    return config


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def field_for(config: Any, key: str) -> tuple[Any, dataclasses.Field, Any]:
    """(the dataclass holding `key`, its field, the field's type) for a dotted key like `rl.steps`."""
    obj, *parents = config, *key.split(".")[:-1]
    for name in parents:
        obj = getattr(obj, name, None) if dataclasses.is_dataclass(obj) else None
        if obj is None or not dataclasses.is_dataclass(obj):
            raise ConfigError(f"unknown setting {key!r} ({name!r} is not a group of settings); "
                              "`--settings` lists them all")
    name = key.split(".")[-1]
    found = {f.name: f for f in dataclasses.fields(obj)}
    if name not in found or not found[name].init:
        raise ConfigError(f"unknown setting {key!r}; `--settings` lists them all")
    return obj, found[name], _hints(type(obj))[name]


def parse_value(text: str, tp: Any, key: str) -> Any:
    """Parse a command-line string into a value of type `tp` (int, float, bool, str, optional, list, tuple)."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        if text.lower() in ("none", "null", "") and len(inner) < len(args):
            return None
        return parse_value(text, inner[0], key)
    if origin in (list, tuple):
        items = [parse_value(part.strip(), args[0], key) for part in text.split(",") if part.strip()]
        return items if origin is list else tuple(items)
    if tp is bool:
        if text.lower() in _TRUE | _FALSE:
            return text.lower() in _TRUE
        raise ConfigError(f"{key}: expected true or false, got {text!r}")
    if tp in (int, float):
        try:
            return tp(text)
        except ValueError:
            raise ConfigError(f"{key}: expected {'an integer' if tp is int else 'a number'}, got {text!r}") from None
    if tp is str:
        return text
    raise ConfigError(f"{key} cannot be set from the command line (it is a {tp})")


def apply_settings(config: Any, assignments: list[str]) -> Any:
    """Apply `key=value` strings (dotted keys) to `config` in place, then validate it; returns it."""
    for item in assignments:
        key, sep, text = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--set expects key=value, got {item!r}")
        assign(config, key.strip(), text.strip())
    return validate(config)


def assign(config: Any, key: str, value: Any, label: str | None = None) -> None:
    """Set the setting `key` (dotted) of `config`: a string is parsed for its type (errors name `label`, default
    the key); a bool is taken as it is. Does not validate."""
    holder, f, tp = field_for(config, key)
    if dataclasses.is_dataclass(getattr(holder, f.name)):
        raise ConfigError(f"{key} is a group of settings; set one of its keys, e.g. {key}.<name>=...")
    setattr(holder, f.name, value if isinstance(value, bool) else parse_value(value, tp, label or key))


def describe_settings(config: Any, prefix: str = "") -> list[tuple[str, Any, str]]:
    """(dotted key, current value, help) for every setting, nested groups flattened."""
    rows = []
    for f in dataclasses.fields(config):
        if not f.init:
            continue
        value = getattr(config, f.name)
        key = prefix + f.name
        if dataclasses.is_dataclass(value):
            rows += describe_settings(value, key + ".")
        else:
            rows.append((key, value, f.metadata.get("help", "")))
    return rows
