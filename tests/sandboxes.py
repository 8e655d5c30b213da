"""Typed access to the emulator behind a registry connected with ``sandbox=``.

``registry.sandbox`` is ``Sandbox | None``: None for a registry talking to a real API. Tests that
drive the emulator (advance its clock, mark a model in use, revoke tokens...) get it through
``sandbox_of``, which fails the test if there is none, or if it is not the provider's own kind.
"""

from __future__ import annotations

from typing import TypeVar, overload

from modelreg import AsyncModelRegistry, ModelRegistry
from modelreg.sandbox import Sandbox

S = TypeVar("S", bound=Sandbox)


@overload
def sandbox_of(registry: ModelRegistry | AsyncModelRegistry) -> Sandbox: ...


@overload
def sandbox_of(registry: ModelRegistry | AsyncModelRegistry, kind: type[S]) -> S: ...


def sandbox_of(registry: ModelRegistry | AsyncModelRegistry, kind: type[Sandbox] = Sandbox) -> Sandbox:
    """The emulator serving ``registry``, checked to be a ``kind`` (e.g. ``ScriptixSandbox``)."""
    sandbox = registry.sandbox
    assert isinstance(sandbox, kind), f"expected a {kind.__name__} behind the {registry.provider} registry: {sandbox!r}"
    return sandbox
