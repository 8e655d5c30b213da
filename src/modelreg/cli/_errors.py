"""How the command line reports a library error: one line that says how to fix it, and an exit code."""

from __future__ import annotations

from modelreg import errors
from modelreg.cli._session import SANDBOX_HINT

EXIT_FAILURE = 1
EXIT_USAGE = 2


def exit_code(exc: errors.ModelRegError) -> int:
    """2 for input modelreg rejected before sending anything, 1 for every other failure."""
    if isinstance(exc, errors.ValidationFailed) and exc.status_code is None:
        return EXIT_USAGE
    return EXIT_FAILURE


def describe(exc: errors.ModelRegError) -> str:
    """One line saying what went wrong and how to fix it."""
    message = " ".join(str(exc).split())
    if isinstance(exc, errors.ConfigurationError) and "needs credentials" in message:
        message += f" ({SANDBOX_HINT})"
    elif isinstance(exc, errors.AuthenticationFailed):
        message += "; check the provider's credentials (`modelreg providers` lists their env vars)"
    elif isinstance(exc, errors.RateLimited) and exc.retry_after is not None:
        message += f"; wait {exc.retry_after:.0f} s and try again"
    elif isinstance(exc, errors.TransportError) and "check" not in message:
        message += "; check the network connection and the provider's base URL"
    return message
