"""Which registry class serves a provider: ``ModelRegistry``, or the typed subclass its plugin declares.

A plugin declares a typed registry with a class keyword, ``class AcmeRegistry(TypedRegistry,
provider=AcmeProvider)`` (see ``modelreg.typed``); ``connect("acme")`` then builds an
``AcmeRegistry``. The table is filled as the plugin's module is imported, which loading the
plugin does before anything connects.
"""

from __future__ import annotations

import threading
from typing import Any, TypeVar

from modelreg.provider import Provider

R = TypeVar("R")

_bound: dict[type[Provider], list[type[Any]]] = {}
_lock = threading.Lock()


def bind(registry: type[Any], provider: Any) -> None:
    """Declare ``registry`` the registry class of ``provider``; ``TypeError`` when it cannot be."""
    if not (isinstance(provider, type) and issubclass(provider, Provider)):
        raise TypeError(
            f"{registry.__name__}: provider= must be a modelreg.provider.Provider subclass, got {provider!r}"
        )
    offered = set(provider.extra_operations)
    for attribute, value in vars(registry).items():
        name = getattr(value, "__modelreg_operation__", None)
        if name is not None and name not in offered:
            raise TypeError(
                f"{registry.__name__}.{attribute} declares operation {name!r}, which {provider.__name__} does not "
                f"list in extra_operations ({', '.join(offered) or 'none'})"
            )
    with _lock:
        _bound.setdefault(provider, []).append(registry)


def registry_class(provider: type[Provider], base: type[R]) -> type[R]:
    """The latest class bound to ``provider`` (or to a class it derives from) that is a ``base``; else ``base``."""
    with _lock:
        for klass in provider.__mro__:
            for registry in reversed(_bound.get(klass, ())):
                if isinstance(registry, type) and issubclass(registry, base):
                    found: type[R] = registry
                    return found
    return base
