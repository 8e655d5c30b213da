"""The ``modelreg`` command line (needs the ``cli`` extra: ``pip install 'modelreg[cli]'``).

``main()`` is the console script; ``make_cli()`` builds the click group, plugin commands included.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from modelreg.cli._session import Session

EXIT_INTERRUPTED = 130
"""The exit code after Ctrl-C (128 + SIGINT), however early it comes."""


def main(args: list[str] | None = None) -> Any:
    """Run the ``modelreg`` command line."""
    try:
        try:
            from modelreg.cli._app import make_cli
        except ImportError as exc:
            if exc.name not in ("click", "rich"):
                raise
            hint = "install it with: pip install 'modelreg[cli]'"
            print(f"modelreg: the command line needs {exc.name}; {hint}", file=sys.stderr)
            return 1
        # click itself stops quietly when the reader goes away early (``modelreg list | head``).
        return make_cli().main(args=args, prog_name="modelreg")
    except KeyboardInterrupt:  # while starting up (loading plugins): commands handle their own
        print("\nInterrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED


def make_cli() -> Any:
    """A fresh ``modelreg`` click group with the built-in and plugin commands."""
    from modelreg.cli._app import make_cli as build

    return build()


def session() -> Session:
    """The session of the ``modelreg`` command being run, for commands that plugins add.

    ``session().registry("acme")`` is the registry the CLI itself would use: the persisted
    ``--sandbox`` state and its clock, or the configured credentials; ``.registries()`` is every
    provider, ``.sandbox`` and ``.verbose`` the global options. Call it inside a command.
    """
    import click

    from modelreg.cli._session import Session

    context = click.get_current_context(silent=True)
    found = context.find_object(Session) if context is not None else None
    if found is None:
        raise RuntimeError("modelreg.cli.session() works only inside a command the modelreg CLI is running")
    return found


def __getattr__(name: str) -> Any:
    # ``Session`` needs click: imported on first use, so that ``modelreg.cli`` imports without it.
    if name == "Session":
        from modelreg.cli._session import Session

        return Session
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Session", "main", "make_cli", "session"]
