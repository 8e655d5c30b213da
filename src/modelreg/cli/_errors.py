"""How the command line reports a library error: one line that says how to fix it, and an exit code.

The library's messages name its Python arguments (``raise deadline=``); on the command line the
same advice names the flag or variable to use instead, and any command it suggests is pasteable
(it keeps ``--sandbox`` and ``--profile``).
"""

from __future__ import annotations

import re

import click

from modelreg import errors
from modelreg.cli._session import SANDBOX_HINT, Session

EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
"""The shell's convention for a command stopped by Ctrl-C (128 + SIGINT)."""

CLI_ADVICE: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(deadline passed.*?)raise timeout="), r"\1raise --deadline SECONDS"),
    (re.compile(r"raise deadline= or try (again )?later"), "raise --deadline SECONDS or try again later"),
    (re.compile(r"raise deadline="), "raise --deadline SECONDS"),
    (re.compile(r"raise timeout="), "raise --timeout SECONDS"),
    (
        re.compile(r"try again later, or pass limits= \(and max_wait=\) to connect\(\) if your plan allows more"),
        "try again later",
    ),
    (re.compile(r"pass allow_insecure=True \(or set (\w+=1)\)"), r"set \1"),
    (re.compile(r"pass \w+=\.\.\. or set (\w+)"), r"set \1"),
    (re.compile(r"\bcheck base_url\b"), "check the provider's base URL"),
    (re.compile(r"\band base_url\b"), "and the provider's base URL"),
]
"""The library's advice in Python terms, and the same advice on the command line."""


def exit_code(exc: errors.ModelRegError) -> int:
    """2 for input modelreg rejected before sending anything, 1 for every other failure."""
    if isinstance(exc, errors.ValidationFailed) and exc.status_code is None:
        return EXIT_USAGE
    return EXIT_FAILURE


def for_the_cli(message: str) -> str:
    """``message`` with its advice in command-line terms: flags and variables, not Python arguments."""
    for pattern, replacement in CLI_ADVICE:
        message = pattern.sub(replacement, message)
    return message


def command(*words: str) -> str:
    """A ``modelreg`` command to suggest, pasteable in this invocation (``--sandbox``, ``--profile`` kept)."""
    context = click.get_current_context(silent=True)
    session = context.find_object(Session) if context is not None else None
    return (session or Session(sandbox=False, verbose=0)).command(*words)


def describe(exc: errors.ModelRegError) -> str:
    """One line saying what went wrong and how to fix it."""
    message = for_the_cli(" ".join(str(exc).split()))
    if isinstance(exc, errors.ConfigurationError) and "needs credentials" in message:
        if exc.provider:
            message += f", or run `{command('configure', exc.provider)}`"
        message += f" ({SANDBOX_HINT})"
    elif isinstance(exc, errors.AuthenticationFailed):
        message += f"; check the provider's credentials (`{command('config', 'show')}` shows where each comes from)"
    elif isinstance(exc, errors.RateLimited) and exc.retry_after is not None:
        message += f"; wait {exc.retry_after:.0f} s and try again"
    elif isinstance(exc, errors.TransportError) and "check" not in message:
        message += "; check the network connection and the provider's base URL"
    return message
