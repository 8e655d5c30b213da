"""Plugin loading: lazy, idempotent, from the ``modelreg`` entry-point group.

``MODELREG_PLUGINS`` pins which entry points load: a comma-separated list of names (empty:
none). A plugin that fails to import or to register is skipped with a warning naming it and
the reason; the others keep working.
"""

from __future__ import annotations

import os
import threading
import warnings
from typing import TYPE_CHECKING, Any

from modelreg.errors import ConfigurationError

if TYPE_CHECKING:
    import pluggy

    from modelreg.provider import Provider

ENTRY_POINT_GROUP = "modelreg"
PLUGINS_ENV = "MODELREG_PLUGINS"

_lock = threading.RLock()
_manager: pluggy.PluginManager | None = None
_providers: dict[str, type[Provider]] | None = None


def plugin_manager() -> pluggy.PluginManager:
    """The plugin manager, loading every permitted entry point on first use."""
    global _manager
    with _lock:
        if _manager is None:
            # Imported on first use: a program loads its plugins when it first connects.
            import pluggy

            from modelreg import hookspecs

            manager = pluggy.PluginManager("modelreg")
            manager.add_hookspecs(hookspecs)
            _load_entry_points(manager)
            _manager = manager
        return _manager


def _load_entry_points(manager: pluggy.PluginManager) -> None:
    import importlib.metadata

    pinned = os.environ.get(PLUGINS_ENV)
    allowed = None if pinned is None else {n.strip() for n in pinned.split(",") if n.strip()}
    # Sorted by name so that which plugin wins a name clash does not depend on directory order.
    found = sorted(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: (ep.name, ep.value))
    for entry_point in found:
        if allowed is not None and entry_point.name not in allowed:
            continue
        if manager.get_plugin(entry_point.name) is not None:
            continue  # the same distribution installed twice on sys.path
        try:
            manager.register(entry_point.load(), name=entry_point.name)
        except Exception as exc:  # a broken plugin must not take the others down
            _skip(entry_point.name, f"{type(exc).__name__}: {exc}")


def _skip(name: str, reason: str) -> None:
    warnings.warn(f"modelreg: skipped plugin {name!r}: {reason}", RuntimeWarning, stacklevel=3)


def provider_classes() -> dict[str, type[Provider]]:
    """Every registered provider class by name, in load order."""
    global _providers
    with _lock:
        if _providers is not None:
            return _providers
        found: dict[str, type[Provider]] = {}
        manager = plugin_manager()
        for plugin_name, plugin in manager.list_name_plugin():
            hook = getattr(plugin, "register_providers", None)
            if hook is None:
                continue
            registered: list[Any] = []
            try:
                hook(registered.append)
            except Exception as exc:
                _skip(plugin_name, f"register_providers failed: {type(exc).__name__}: {exc}")
                continue
            for cls in registered:
                _add(found, plugin_name, cls)
        _providers = found
        return found


def _add(found: dict[str, type[Provider]], plugin_name: str, cls: Any) -> None:
    from modelreg.provider import Provider  # with httpx: not needed to list the CLI's commands

    if not (isinstance(cls, type) and issubclass(cls, Provider)) or not getattr(cls, "name", ""):
        _skip(plugin_name, f"registered {cls!r}, which is not a named modelreg.provider.Provider subclass")
    elif cls.name in found:
        _skip(plugin_name, f"provider name {cls.name!r} is already registered by {found[cls.name].__module__}")
    else:
        found[cls.name] = cls


def provider_class(name: str) -> type[Provider]:
    """The provider class called ``name``, or ``ConfigurationError`` listing the installed ones."""
    classes = provider_classes()
    if name not in classes:
        installed = ", ".join(classes) or "none"
        raise ConfigurationError(
            f"no provider named {name!r} is installed (installed: {installed}); install its plugin "
            f"or check {PLUGINS_ENV}",
            provider=name,
        )
    return classes[name]


def reset() -> None:
    """Forget loaded plugins, so the next call loads them again (for tests)."""
    global _manager, _providers
    with _lock:
        _manager = None
        _providers = None
