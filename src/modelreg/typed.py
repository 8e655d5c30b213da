"""Typed registries: a provider's own operations with real signatures, for ``mypy --strict`` users.

A registry exposes a provider's operations (``reg.publish(id)``) whatever the provider, so a plain
``ModelRegistry`` types them as ``Any``. A plugin declares the types once, from its flows::

    from modelreg.typed import AsyncTypedRegistry, TypedRegistry, operation

    class AcmeRegistry(TypedRegistry, provider=AcmeProvider):
        '''Acme models, with Acme's own operations typed.'''

        deploy = operation(AcmeProvider.deploy)

    class AsyncAcmeRegistry(AsyncTypedRegistry, provider=AcmeProvider):
        '''The async twin.'''

        deploy = operation(AcmeProvider.deploy)

``operation`` takes a provider flow ``(self, *args) -> Flow[T]`` and gives the method
``(*args) -> T`` on a sync registry and ``(*args) -> Awaitable[T]`` on an async one. From then on
``modelreg.connect("acme")`` builds an ``AcmeRegistry`` (``isinstance`` narrows the type), and a
name that is not one of its operations is a type error (``UnknownOperation``).
The built-in providers' registries are what ``connect("scriptix")`` and ``connect("selise")``
are typed to return.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator
from typing import TYPE_CHECKING, Any, Concatenate, Generic, NoReturn, ParamSpec, Protocol, TypeVar, overload

from modelreg._async_registry import AsyncModelRegistry
from modelreg._registry import ModelRegistry

P = ParamSpec("P")
T = TypeVar("T")

__all__ = ["AsyncTypedRegistry", "TypedRegistry", "UnknownOperation", "operation"]


class UnknownOperation(Protocol):
    """What a typed registry's misspelt or missing operation is to a type checker: nothing can call it."""

    def __call__(self, unknown_operation: NoReturn, /) -> Any:
        """Not callable with any argument: the name is not one of the provider's operations."""


class operation(Generic[P, T]):  # lower case: a descriptor used like ``property``
    """A provider-only operation on a typed registry, with the signature and result of the provider's flow."""

    def __init__(self, flow: Callable[Concatenate[Any, P], Generator[Any, Any, T]]) -> None:
        self.__modelreg_operation__ = flow.__name__
        self.__doc__ = flow.__doc__

    @overload
    def __get__(self, registry: None, owner: type[Any] | None = None) -> operation[P, T]: ...

    @overload
    def __get__(self, registry: AsyncModelRegistry, owner: type[Any] | None = None) -> Callable[P, Awaitable[T]]: ...

    @overload
    def __get__(self, registry: ModelRegistry, owner: type[Any] | None = None) -> Callable[P, T]: ...

    def __get__(self, registry: Any, owner: type[Any] | None = None) -> Any:
        if registry is None:
            return self
        # The registries' own lookup: checks the name against the provider's operations.
        return type(registry).__getattr__(registry, self.__modelreg_operation__)


class TypedRegistry(ModelRegistry):
    """The base of a provider's typed registry: ``class AcmeRegistry(TypedRegistry, provider=AcmeProvider)``."""

    if TYPE_CHECKING:

        def __getattr__(self, name: str) -> UnknownOperation: ...


class AsyncTypedRegistry(AsyncModelRegistry):
    """The base of a provider's typed async registry: ``class AsyncAcmeRegistry(AsyncTypedRegistry, provider=...)``."""

    if TYPE_CHECKING:

        def __getattr__(self, name: str) -> UnknownOperation: ...
