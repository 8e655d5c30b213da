"""Global options, where people type them: before the command (``modelreg --sandbox list``) or after it.

The ``modelreg`` group declares them; ``spread`` gives every command (plugin commands included)
a hidden copy, whose value updates the ``Session`` while the command's options are read, before
anything is connected. A command that has an option of the same spelling keeps its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import click
from click.core import ParameterSource

from modelreg.cli._formats import FORMATS
from modelreg.cli._session import Session

F = TypeVar("F", bound=Callable[..., Any])

SECONDS = click.FloatRange(min=0, min_open=True)
OPTIONS: list[tuple[tuple[str, ...], str, dict[str, Any]]] = [
    (
        ("--sandbox",),
        "sandbox",
        {
            "is_flag": True,
            "envvar": "MODELREG_SANDBOX",
            "help": "Use the built-in vendor emulators (or set MODELREG_SANDBOX=1), with state kept under "
            "$MODELREG_STATE_DIR (default: $XDG_STATE_HOME/modelreg or ~/.local/state/modelreg).",
        },
    ),
    (
        ("--profile",),
        "profile",
        {
            "metavar": "NAME",
            "help": "Read settings from this profile of the config file (default: $MODELREG_PROFILE, "
            "else the profile named default); `modelreg configure` writes one.",
        },
    ),
    (
        ("-o", "--output"),
        "output",
        {
            "type": click.Choice(FORMATS),
            "envvar": "MODELREG_OUTPUT",
            "help": "Output format (default: a table on a terminal, tab-separated lines in a pipe).",
        },
    ),
    (("--json",), "json", {"is_flag": True, "help": "The same as -o json."}),
    (("--no-headers",), "no_headers", {"is_flag": True, "help": "Leave out the header of tables, csv and tsv."}),
    (
        ("--timeout",),
        "timeout",
        {
            "type": SECONDS,
            "metavar": "SECONDS",
            "envvar": "MODELREG_TIMEOUT",
            "help": "Give up on an answer after this long (each try; default 30, connecting 5).",
        },
    ),
    (
        ("--deadline",),
        "deadline",
        {
            "type": SECONDS,
            "metavar": "SECONDS",
            "envvar": "MODELREG_DEADLINE",
            "help": "Bound each call, retries and waits included (default: none).",
        },
    ),
    (
        ("-v", "--verbose"),
        "verbose",
        {"count": True, "help": "Log requests (-v) and their details (-vv); show tracebacks."},
    ),
]
EPILOG = "Global options (--sandbox, --profile, -o, --json, --no-headers, --timeout, --deadline, -v) also work here."


def options(func: F) -> F:
    """Add the global options to the ``modelreg`` group."""
    for decls, name, settings in reversed(OPTIONS):
        func = click.option(*decls, name, **settings)(func)
    return func


def log_level(verbose: int) -> int:
    """The ``modelreg`` logger's level for ``-v`` counted ``verbose`` times."""
    return logging.DEBUG if verbose >= 2 else logging.INFO if verbose == 1 else logging.WARNING


def _update(name: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        session = ctx.find_object(Session)
        if session is None or param.name is None or ctx.get_parameter_source(param.name) is ParameterSource.DEFAULT:
            return value
        if name == "verbose":
            session.verbose += value
            logging.getLogger("modelreg").setLevel(log_level(session.verbose))
        else:
            setattr(session, name, value)
        return value

    return callback


def spread(group: click.Group) -> None:
    """Give every command under ``group`` a hidden copy of each global option it does not spell itself."""
    for command in group.commands.values():
        taken = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
        added = False
        for decls, name, settings in OPTIONS:
            if taken & set(decls):
                continue
            copied = {key: value for key, value in settings.items() if key not in ("envvar", "help")}
            command.params.append(
                click.Option(
                    [*decls, f"global_{name}"], expose_value=False, hidden=True, callback=_update(name), **copied
                )
            )
            added = True
        if added and command.epilog is None:
            command.epilog = EPILOG
        if isinstance(command, click.Group):
            spread(command)
