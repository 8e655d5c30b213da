"""The plugin machinery, public for tools that host modelreg plugins (the CLI, test suites).

Providers and CLI commands come from the ``modelreg`` entry-point group; ``MODELREG_PLUGINS``
pins which entry points load. ``plugin_manager()`` gives the pluggy manager to call hooks on
(``plugin_manager().hook.register_commands(cli=group)``); ``reload_plugins()`` forgets what was
loaded so that the next use loads the entry points again, e.g. after a test installs a plugin.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

from modelreg._plugins import ENTRY_POINT_GROUP, PLUGINS_ENV, plugin_manager
from modelreg._plugins import reset as _reset


def reload_plugins() -> None:
    """Forget every loaded plugin: the next call that needs one loads the entry points again."""
    _reset()


def lazy_exports(
    namespace: MutableMapping[str, Any], modules: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A package's ``__getattr__`` and ``__dir__`` that import each exported name's module on first use.

    ``modules`` maps a name to its module: ``"_codec"`` within the package, or a full dotted path.
    Loading a plugin (every ``modelreg`` command, ``--help`` included) then costs nothing until
    its provider is used: ``__getattr__, __dir__ = lazy_exports(globals(), {"AcmeProvider": "_provider"})``.
    """
    package = str(namespace["__name__"])

    def __getattr__(name: str) -> Any:
        module = modules.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        path = module if "." in module else f"{package}.{module}"
        value = getattr(importlib.import_module(path), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *namespace.get("__all__", ())})

    return __getattr__, __dir__


__all__ = ["ENTRY_POINT_GROUP", "PLUGINS_ENV", "lazy_exports", "plugin_manager", "reload_plugins"]
