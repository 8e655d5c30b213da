"""The ``modelreg`` group: global options, logging, plugin commands and one-line error reports."""

from __future__ import annotations

import logging
import sys
import traceback
import warnings
from collections.abc import Callable
from typing import Any

import click

from modelreg import __version__, errors
from modelreg.cli import _globals
from modelreg.cli._errors import EXIT_FAILURE, EXIT_INTERRUPTED, describe, exit_code
from modelreg.cli._session import Session
from modelreg.plugins import plugin_manager

DETAILED = (errors.TransportError, errors.ProtocolError, errors.ServerError)
"""Errors whose -v output (requests, traceback) helps; the others say all there is in one line."""


class ModelregGroup(click.Group):
    """A click group that reports library errors as one line and maps them to exit codes (130 for Ctrl-C)."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; turn a modelreg error into ``Error: ...`` and exit 1 (2 for bad input)."""
        try:
            return super().invoke(ctx)
        except click.Abort as exc:
            if isinstance(exc.__context__, KeyboardInterrupt):  # Ctrl-C at a prompt: click says Abort
                _interrupted(ctx)
            raise
        except (click.exceptions.Exit, click.ClickException):
            raise
        except errors.ModelRegError as exc:
            _report(ctx, describe(exc), exit_code(exc), detail=isinstance(exc, DETAILED))
        except BrokenPipeError:
            raise  # main() stops quietly when the reader goes away (``modelreg list | head``)
        except KeyboardInterrupt:
            _interrupted(ctx)
        except Exception as exc:
            _report(ctx, f"unexpected {type(exc).__name__}: {exc} (this is a bug in modelreg)", EXIT_FAILURE)


def _interrupted(ctx: click.Context) -> None:
    """Stop after Ctrl-C with the shell's exit code for it, 130, in every command."""
    click.echo("\nInterrupted.", err=True)
    ctx.exit(EXIT_INTERRUPTED)


def _report(ctx: click.Context, message: str, code: int, *, detail: bool = True) -> None:
    session = ctx.find_object(Session)
    if session is not None and session.verbose:
        traceback.print_exc(file=sys.stderr)
    elif detail:
        message += " (run with -v for details)"
    click.echo(f"Error: {message}", err=True)
    ctx.exit(code)


def configure_logging(verbose: int) -> Callable[[], None]:
    """Log the ``modelreg`` logger to stderr: warnings by default, INFO with -v, DEBUG with -vv.

    Returns the function that puts the logger back as it was (the CLI may run inside a program).
    """
    logger = logging.getLogger("modelreg")
    before = (logger.level, logger.propagate)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(_globals.log_level(verbose))
    logger.propagate = False

    def restore() -> None:
        logger.removeHandler(handler)
        logger.setLevel(before[0])
        logger.propagate = before[1]

    return restore


def make_cli() -> click.Group:
    """A fresh ``modelreg`` command group with every built-in and plugin command added."""
    from modelreg.cli import _apply, _completion, _config_cmd, _delete, _models, _providers, _sandbox_cmd, _vendor

    @click.group(cls=ModelregGroup, name="modelreg", context_settings={"help_option_names": ["-h", "--help"]})
    @_globals.options
    @click.version_option(__version__, prog_name="modelreg")
    @click.pass_context
    def cli(ctx: click.Context, /, verbose: int, **options: Any) -> None:
        """Manage custom models at several vendors (Scriptix, SELISE Blocks, ...) from one command.

        Models are named by refs such as scriptix:123 or selise:model_abc. Settings come from
        arguments, then environment variables, then a profile of the config file (`modelreg
        configure PROVIDER` writes one; `modelreg config show` shows where each comes from);
        --sandbox needs none. Global options may come before or after the command.
        Exit codes: 0 success, 1 failure, 2 invalid usage, 130 interrupted (Ctrl-C).
        """
        ctx.call_on_close(configure_logging(verbose))
        session = Session(verbose=verbose, **options)
        ctx.obj = session
        ctx.call_on_close(session.close)

    for module in (_providers, _models, _delete, _vendor, _sandbox_cmd, _apply, _config_cmd, _completion):
        module.register(cli)
    _plugin_commands(cli)
    _globals.spread(cli)
    return cli


def _plugin_commands(cli: click.Group) -> None:
    built_in = dict(cli.commands)
    try:
        plugin_manager().hook.register_commands(cli=cli)
    except Exception as exc:  # a broken plugin must not take the built-in commands down
        warnings.warn(f"modelreg: a plugin failed to add its commands: {exc}", RuntimeWarning, stacklevel=2)
    for name, command in built_in.items():
        if cli.commands.get(name) is not command:
            # The core owns its command names: a plugin's clash is dropped, not silently obeyed.
            cli.commands[name] = command
            warnings.warn(
                f"modelreg: ignored a plugin's command {name!r}: it is built in", RuntimeWarning, stacklevel=2
            )
