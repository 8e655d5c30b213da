"""One test's cassette: registries that record against a sandbox (or the live API) or replay it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

import modelreg
from modelreg import AsyncModelRegistry, ModelRegistry
from modelreg.errors import ConfigurationError
from modelreg.sandbox import Sandbox
from modelreg.testing._cassettes import RECORD_MODES, use_cassette
from modelreg.testing._sandboxes import close_all
from modelreg.testing._secrets import registry_secrets
from modelreg.testing._secrets import scrubber as default_scrubber

TARGETS = ("sandbox", "live")


def _refuse(request: httpx.Request) -> httpx.Response:
    raise AssertionError(
        f"a replayed test tried to reach the network: {request.method} {request.url} "
        "(record the cassette with --modelreg-record-mode=once)"
    )


def refusing_transport() -> httpx.MockTransport:
    """A transport (sync and async) that fails any request: only a cassette may answer."""
    return httpx.MockTransport(_refuse)


def recordable_transport(sandbox: Sandbox) -> httpx.MockTransport:
    """A transport serving ``sandbox`` that vcrpy can record (it patches httpx's own transports only)."""
    served = sandbox.transport()
    return httpx.MockTransport(served.handle_request)


def require_credentials(provider: str) -> None:
    """Raise ``ConfigurationError`` naming the env vars to set when ``provider``'s credentials are missing."""
    missing = modelreg.provider_info(provider).missing
    if missing:
        raise ConfigurationError(
            f"recording {provider} live needs real credentials in the environment: set {', '.join(missing)} "
            "(or record against the sandbox, the default)",
            provider=provider,
        )


class Recording:
    """A cassette opened for one test; ``connect()`` gives registries that record to or replay from it.

    In record mode ``"none"`` (the default) every answer comes from the cassette and nothing
    is sent. In the other modes requests go to a fresh in-memory sandbox (target
    ``"sandbox"``) or, with target ``"live"``, to the vendor with the credentials in the
    environment; what is recorded is scrubbed of every credential.
    """

    def __init__(self, path: str | Path, *, record_mode: str = "none", target: str = "sandbox") -> None:
        if record_mode not in RECORD_MODES:
            raise ValueError(f"record_mode must be one of {', '.join(RECORD_MODES)}, got {record_mode!r}")
        if target not in TARGETS:
            raise ValueError(f"target must be one of {', '.join(TARGETS)}, got {target!r}")
        self.path = Path(path)
        self.record_mode = record_mode
        self.target = target
        self.scrubber = default_scrubber()
        self.cassette: Any = None
        self._stack = ExitStack()
        self._sync: list[ModelRegistry] = []
        self._async: list[AsyncModelRegistry] = []

    @property
    def recording(self) -> bool:
        """Whether requests may reach a server (a sandbox or the live API) and be recorded."""
        return self.record_mode != "none"

    def __enter__(self) -> Recording:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.cassette = self._stack.enter_context(
            use_cassette(self.path, record_mode=self.record_mode, scrubber=self.scrubber)
        )
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        try:
            close_all(self.registries())
        finally:
            self._stack.__exit__(kind, exc, traceback)

    def add_secrets(self, *values: str) -> None:
        """Also scrub these values (credentials your application holds besides modelreg's)."""
        self.scrubber.add(*values)

    def _arguments(self, provider: str, sandbox: Sandbox | None, settings: dict[str, Any]) -> dict[str, Any]:
        settings.setdefault("max_retries", 0)
        if self.recording and self.target == "live":
            if sandbox is not None:
                raise ValueError("a live recording cannot use a sandbox; drop sandbox= or record against the sandbox")
            require_credentials(provider)
            return settings
        # A sandbox's virtual clock makes replayed retries and training polls instant.
        emulator = sandbox if sandbox is not None else modelreg.provider_info(provider).sandbox()
        settings["sandbox"] = emulator
        if settings.get("transport") is None:
            settings["transport"] = recordable_transport(emulator) if self.recording else refusing_transport()
        # Else the caller's own transport is the server: recorded through like any other (a
        # replay never reaches it, since the cassette answers or refuses every request).
        return settings

    def connect(self, provider: str, *, sandbox: Sandbox | None = None, **settings: Any) -> ModelRegistry:
        """A ``ModelRegistry`` for ``provider`` whose traffic goes to (or comes from) this cassette.

        ``settings`` are ``connect()`` arguments; ``sandbox=`` records against a prepared emulator,
        ``transport=`` against any httpx transport (a ``MockTransport`` serving scripted answers).
        """
        registry = modelreg.connect(provider, **self._arguments(provider, sandbox, dict(settings)))
        self.scrubber.add(*registry_secrets(registry))
        self._sync.append(registry)
        return registry

    def connect_async(self, provider: str, *, sandbox: Sandbox | None = None, **settings: Any) -> AsyncModelRegistry:
        """The async twin of ``connect()``; close it with ``async with`` or ``await registry.aclose()``."""
        registry = modelreg.connect_async(provider, **self._arguments(provider, sandbox, dict(settings)))
        self.scrubber.add(*registry_secrets(registry))
        self._async.append(registry)
        return registry

    def registries(self) -> Iterator[ModelRegistry | AsyncModelRegistry]:
        """Every registry this recording connected."""
        yield from self._sync
        yield from self._async
