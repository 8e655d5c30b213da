"""What ``connect("scriptix")`` returns, to a type checker: the built-in providers' typed registries.

``connect`` and ``connect_async`` keep their own signatures; ``by_provider`` only tells type
checkers that a literal built-in name gives that provider's typed registry (``ScriptixRegistry``,
``SeliseRegistry``...), whose own operations are typed. Any other name gives a plain registry.
The built-in providers ship in the same distribution as the core, so naming their classes here,
for type checkers only, adds no import at run time (the core never imports a provider).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, ParamSpec, Protocol, overload

if TYPE_CHECKING:
    from modelreg_scriptix import AsyncScriptixRegistry, ScriptixRegistry
    from modelreg_selise import AsyncSeliseRegistry, SeliseRegistry

    from modelreg._async_registry import AsyncModelRegistry
    from modelreg._registry import ModelRegistry

P = ParamSpec("P")


class _Connect(Protocol[P]):
    def __call__(self, provider: str, *args: P.args, **kwargs: P.kwargs) -> ModelRegistry: ...


class Connect(Protocol[P]):
    """``connect``'s type: its own parameters, and the built-in providers' typed registries by name."""

    @overload
    def __call__(self, provider: Literal["scriptix"], *args: P.args, **kwargs: P.kwargs) -> ScriptixRegistry: ...

    @overload
    def __call__(self, provider: Literal["selise"], *args: P.args, **kwargs: P.kwargs) -> SeliseRegistry: ...

    @overload
    def __call__(self, provider: str, *args: P.args, **kwargs: P.kwargs) -> ModelRegistry: ...


class _AsyncConnect(Protocol[P]):
    def __call__(self, provider: str, *args: P.args, **kwargs: P.kwargs) -> AsyncModelRegistry: ...


class AsyncConnect(Protocol[P]):
    """``connect_async``'s type: as ``Connect``, with the async registries."""

    @overload
    def __call__(self, provider: Literal["scriptix"], *args: P.args, **kwargs: P.kwargs) -> AsyncScriptixRegistry: ...

    @overload
    def __call__(self, provider: Literal["selise"], *args: P.args, **kwargs: P.kwargs) -> AsyncSeliseRegistry: ...

    @overload
    def __call__(self, provider: str, *args: P.args, **kwargs: P.kwargs) -> AsyncModelRegistry: ...


def by_provider(connect: _Connect[P]) -> Connect[P]:
    """``connect`` itself, typed to return the built-in providers' typed registries by name."""
    return connect  # type: ignore[return-value]  # the same function: only its declared type differs


def by_provider_async(connect: _AsyncConnect[P]) -> AsyncConnect[P]:
    """``connect_async`` itself, typed to return the built-in providers' typed async registries by name."""
    return connect  # type: ignore[return-value]  # the same function: only its declared type differs
