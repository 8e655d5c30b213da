"""Cassette scenarios, one module per provider; ``scripts/record_cassettes.py`` records them.

A provider's module defines ``PROVIDER`` and ``SCENARIOS: dict[str, Scenario]``. Each scenario
is written twice, sync and async, so that ``tests/test_cassettes.py`` replays every cassette
through both registries (the same flows send the same requests).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import attrs

import modelreg
from modelreg import AsyncModelRegistry, ModelRegistry
from modelreg._plugins import provider_class
from modelreg.sandbox import Sandbox
from modelreg.testing import recordable_transport, refusing_transport


@attrs.frozen
class Scenario:
    """One recorded interaction: sandbox set-up, the sync steps and their async twin."""

    provider: str
    run: Callable[[ModelRegistry], Any]
    arun: Callable[[AsyncModelRegistry], Awaitable[Any]]
    prepare: Callable[[Sandbox], Any] | None = None
    settings: Mapping[str, Any] = attrs.field(factory=dict)
    """connect() settings used when recording against the sandbox and when replaying."""
    check: Callable[[Any], None] | None = None
    """Asserts on what ``run``/``arun`` returned (or raised), the same for both."""

    def connect(self, *, live: bool = False) -> ModelRegistry:
        """A registry to record with: the real API with env credentials, or a prepared sandbox."""
        if live:
            return modelreg.connect(self.provider, max_retries=0)
        sandbox = provider_class(self.provider).sandbox()
        if self.prepare is not None:
            self.prepare(sandbox)
        transport = recordable_transport(sandbox)
        return modelreg.connect(self.provider, sandbox=sandbox, transport=transport, max_retries=0, **self.settings)

    def secrets(self, registry: ModelRegistry | AsyncModelRegistry) -> tuple[str, ...]:
        """The credential values to scrub from what is recorded."""
        return registry._provider.config.secrets()

    def replay(self) -> ModelRegistry:
        """A sync registry whose transport refuses to send: only the cassette can answer.

        It runs on an (unused) sandbox's virtual clock, so replayed retries and polls are instant.
        """
        sandbox = provider_class(self.provider).sandbox()
        transport = refusing_transport()
        return modelreg.connect(self.provider, sandbox=sandbox, transport=transport, max_retries=0, **self.settings)

    def areplay(self) -> AsyncModelRegistry:
        """The async twin of ``replay``."""
        sandbox = provider_class(self.provider).sandbox()
        transport = refusing_transport()
        return modelreg.connect_async(
            self.provider, sandbox=sandbox, transport=transport, max_retries=0, **self.settings
        )


def succeeds(test: Callable[[Any], bool]) -> Callable[[Any], None]:
    """A scenario check: the scenario returned a value (no error) for which ``test`` holds."""

    def check(outcome: Any) -> None:
        assert not isinstance(outcome, Exception), outcome
        assert test(outcome), outcome

    return check


def raises(
    kind: type[Exception], test: Callable[[Any], bool] = lambda e: True, *, exact: bool = False
) -> Callable[[Any], None]:
    """A scenario check: the scenario raised ``kind`` (exactly that class with ``exact``) satisfying ``test``."""

    def check(outcome: Any) -> None:
        assert (type(outcome) is kind) if exact else isinstance(outcome, kind), repr(outcome)
        assert test(outcome), repr(outcome)

    return check
