"""Fresh in-memory sandbox registries for tests, sync and async, closed when the test ends."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any

import modelreg
from modelreg import AsyncModelRegistry, ModelRegistry, provider_info
from modelreg.sandbox import Sandbox


class SandboxFactory:
    """Makes registries bound to fresh emulators: ``factory("scriptix")`` → a ``ModelRegistry``.

    Each call gets its own in-memory sandbox (no state shared between calls or tests) unless
    ``sandbox=`` passes one; ``prepare`` runs on the new sandbox first (seed models, faults).
    """

    def __init__(self) -> None:
        self.opened: list[ModelRegistry | AsyncModelRegistry] = []

    @staticmethod
    def new_sandbox(provider: str, **options: Any) -> Sandbox:
        """A fresh emulator of ``provider``'s API (``options`` go to the provider's ``sandbox()``)."""
        return provider_info(provider).sandbox(**options)

    def _sandbox(self, provider: str, sandbox: Sandbox | None, prepare: Callable[[Sandbox], Any] | None) -> Sandbox:
        emulator = sandbox if sandbox is not None else self.new_sandbox(provider)
        if prepare is not None:
            prepare(emulator)
        return emulator

    def __call__(
        self,
        provider: str,
        *,
        sandbox: Sandbox | None = None,
        prepare: Callable[[Sandbox], Any] | None = None,
        **settings: Any,
    ) -> ModelRegistry:
        """A sync registry on a fresh sandbox of ``provider``; ``settings`` go to ``modelreg.connect``."""
        registry = modelreg.connect(provider, sandbox=self._sandbox(provider, sandbox, prepare), **settings)
        self.opened.append(registry)
        return registry

    def connect_async(
        self,
        provider: str,
        *,
        sandbox: Sandbox | None = None,
        prepare: Callable[[Sandbox], Any] | None = None,
        **settings: Any,
    ) -> AsyncModelRegistry:
        """An async registry on a fresh sandbox of ``provider``."""
        registry = modelreg.connect_async(provider, sandbox=self._sandbox(provider, sandbox, prepare), **settings)
        self.opened.append(registry)
        return registry

    def close(self) -> None:
        """Close every registry this factory made and the test left open."""
        close_all(self.opened)
        self.opened.clear()


class AsyncSandboxFactory(SandboxFactory):
    """Like ``SandboxFactory``, but calling it gives an ``AsyncModelRegistry``."""

    def __call__(  # type: ignore[override]
        self,
        provider: str,
        *,
        sandbox: Sandbox | None = None,
        prepare: Callable[[Sandbox], Any] | None = None,
        **settings: Any,
    ) -> AsyncModelRegistry:
        """An async registry on a fresh sandbox of ``provider``."""
        return self.connect_async(provider, sandbox=sandbox, prepare=prepare, **settings)


def close_all(registries: Iterable[ModelRegistry | AsyncModelRegistry]) -> None:
    """Close sync registries, and async ones the test did not close (outside any running event loop)."""
    for registry in registries:
        if isinstance(registry, ModelRegistry):
            registry.close()
        elif not registry._client.is_closed:
            try:
                asyncio.get_running_loop()
            except RuntimeError:
                asyncio.run(registry.aclose())
