"""The ``modelreg`` command line (needs the ``cli`` extra: ``pip install 'modelreg[cli]'``).

``main()`` is the console script; ``make_cli()`` builds the click group, plugin commands included.
"""

from __future__ import annotations

import sys
from typing import Any

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


__all__ = ["main", "make_cli"]
