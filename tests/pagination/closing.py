"""Close a listing when done with it, as a caller that stops early should.

``list()`` and the walks behind it are annotated as plain iterators, but they are generators:
closing one cancels the pages it fetched ahead. These check that and give the context managers.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterator
from typing import Any, TypeVar

T = TypeVar("T")


def closing_listing(models: Iterator[T]) -> contextlib.closing[Generator[T, Any, Any]]:
    """``contextlib.closing`` for a sync listing."""
    assert isinstance(models, Generator), f"a listing is a generator, to be closed early: {models!r}"
    return contextlib.closing(models)


def aclosing_listing(models: AsyncIterator[T]) -> contextlib.aclosing[AsyncGenerator[T, Any]]:
    """``contextlib.aclosing`` for an async listing."""
    assert isinstance(models, AsyncGenerator), f"a listing is an async generator, to be closed early: {models!r}"
    return contextlib.aclosing(models)
