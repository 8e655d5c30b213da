"""The hooks a modelreg plugin may implement (pluggy, project name ``modelreg``).

A plugin is a module or object registered under the ``modelreg`` entry-point group::

    [project.entry-points.modelreg]
    acme = "modelreg_acme"

and implements one or more of these hooks with ``@modelreg.hookimpl``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("modelreg")
hookimpl = pluggy.HookimplMarker("modelreg")


@hookspec
def register_providers(register: Callable[[type[Any]], None]) -> None:
    """Register provider classes by calling ``register(ProviderSubclass)`` once for each.

    Each class must subclass ``modelreg.provider.Provider`` and set a unique ``name``. When two
    plugins register the same name, the first one loaded wins and the other is skipped with a
    warning. Return nothing.
    """


@hookspec
def register_commands(cli: Any) -> None:
    """Add subcommands to the ``modelreg`` command line.

    ``cli`` is the top-level ``click.Group``; call ``cli.add_command(...)`` or decorate with
    ``@cli.command()``. Called only when the CLI starts (never by the library). Return nothing.
    Inside a command, ``modelreg.cli.session()`` gives the CLI's session: ``.registry(name)`` is
    the registry the CLI would use (its ``--sandbox`` state and clock), ``.verbose`` its verbosity.
    """
