"""Every operation of both providers, callable on any registry, with fixed fake credentials.

Shared by the fuzz tests (a registry whose transport answers a fuzzed body) and the secret
hygiene tests (a registry whose transport echoes the credentials back).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, cast

import attrs
import httpx

import modelreg
from modelreg import AsyncModelRegistry, ModelRegistry
from modelreg._plugins import provider_class
from modelreg.sandbox import Sandbox

SCRIPTIX_KEY = "sk-scriptix-HYGIENE-5d41402abc4b2a76"
SELISE_BLOCKS_KEY = "blocks-HYGIENE-7f3c9e21aa40"
SELISE_PROJECT_KEY = "project-HYGIENE-0c1d2e3f4a5b"
SELISE_TOKEN = "eyJhbGciOiJIUzI1NiJ9.HYGIENE.token-93ab"
SELISE_CLIENT_ID = "client-id-HYGIENE-4411"
SELISE_CLIENT_SECRET = "client-secret-HYGIENE-8822"
THIRD_PARTY_KEY = "sk-openai-HYGIENE-third-party-3344"
"""The OpenAI key a SELISE create sends in its body: a credential of the user's, never ours to show."""

Call = Callable[[ModelRegistry], Any]
AsyncCall = Callable[[AsyncModelRegistry], Awaitable[Any]]
"""A ``Call`` run on an async registry: the same methods return awaitables (all but ``list``, which iterates)."""


@attrs.frozen
class Profile:
    """How to connect to one provider and call each of its operations."""

    provider: str
    settings: dict[str, Any]
    calls: dict[str, Call]

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every credential this profile configures or sends (SELISE's create sends a third-party key)."""
        return (*self.settings.values(), THIRD_PARTY_KEY) if self.provider == "selise" else (*self.settings.values(),)

    def acall(self, name: str) -> AsyncCall:
        """The operation ``name`` for an async registry: the same call, which returns an awaitable there."""
        return cast(AsyncCall, self.calls[name])

    def sandbox(self) -> Sandbox:
        """A fresh emulator of this profile's provider that accepts its credentials."""
        sandbox = provider_class(self.provider).sandbox()
        token = self.settings.get("access_token")
        if token:
            # SELISE's emulator accepts only tokens it issued: issue this one.
            sandbox.store.put("tokens", token, {"token": token, "expires_at": float("inf")})
        return sandbox

    def connect(self, transport: httpx.BaseTransport | None = None, **options: Any) -> ModelRegistry:
        """A registry with this profile's credentials on a sandbox's virtual clock, over ``transport``.

        Without a transport the sandbox itself answers.
        """
        sandbox = self.sandbox()
        options.setdefault("max_retries", 0)
        return modelreg.connect(self.provider, sandbox=sandbox, transport=transport, **self.settings, **options)

    def connect_async(self, transport: httpx.AsyncBaseTransport | None = None) -> AsyncModelRegistry:
        """The async twin of ``connect``."""
        sandbox = self.sandbox()
        return modelreg.connect_async(
            self.provider, sandbox=sandbox, transport=transport, max_retries=0, **self.settings
        )


SCRIPTIX_CALLS: dict[str, Call] = {
    "list_page": lambda r: r.list_page(1, page_size=5, language="en"),
    "list": lambda r: list(r.list(limit=7)),
    "get": lambda r: r.get(1),
    "create": lambda r: r.create(name="Cardiology EN", language="en", base_model="medical", description="heart"),
    "update": lambda r: r.update(1, name="Cardiology EN v2"),
    "delete": lambda r: r.delete(1),
    "delete_missing_ok": lambda r: r.delete(1, missing_ok=True),
    "train": lambda r: r.train(1),
    "validate": lambda r: r.validate(1),
    "upload_training_data": lambda r: r.upload_training_data(
        1, ("a.mp3", b"ID3 audio"), ("a.txt", "the transcript"), "train"
    ),
    "training_data": lambda r: r.training_data(1),
    "get_training_data": lambda r: r.get_training_data(1, 2),
    "delete_training_data": lambda r: r.delete_training_data(1, 2),
    "wait_for_training": lambda r: r.wait_for_training(1, timeout=30, poll_interval=10),
}

SELISE_CREATE = {
    "vendor": "openai",
    "service_platform": "official_api",
    "version": "gpt-4",
    "model_name": "gpt-4-turbo-preview",
    "display_name": "GPT-4 Turbo",
    "api_key": THIRD_PARTY_KEY,
    "base_url": "https://api.openai.com/v1",
    "max_tokens": 8192,
    "default_temperature": 0.7,
}

CATALOGUE_ENTRY = {"model_name": "gpt-4o", "display_name": "GPT-4o", "max_tokens": 4096}

SELISE_CALLS: dict[str, Call] = {
    "list_page": lambda r: r.list_page(1, page_size=5, vendor="openai"),
    "list": lambda r: list(r.list(limit=7)),
    "get": lambda r: r.get("model_123"),
    "create": lambda r: r.create(**SELISE_CREATE),
    "update": lambda r: r.update("model_123", display_name="x"),
    "delete": lambda r: r.delete("model_123"),
    "delete_missing_ok": lambda r: r.delete("model_123", missing_ok=True),
    "train": lambda r: r.train("model_123"),
    "validate": lambda r: r.validate("model_123"),
    "agent_models": lambda r: r.agent_models(),
    "catalogue": lambda r: r.catalogue("openai"),
    "upsert_catalogue": lambda r: r.upsert_catalogue("openai", [CATALOGUE_ENTRY]),
    "activate": lambda r: r.activate("model_123"),
    "deactivate": lambda r: r.deactivate("model_123"),
}

PROFILES: dict[str, Profile] = {
    "scriptix": Profile("scriptix", {"api_key": SCRIPTIX_KEY}, SCRIPTIX_CALLS),
    "selise": Profile(
        "selise",
        {"blocks_key": SELISE_BLOCKS_KEY, "project_key": SELISE_PROJECT_KEY, "access_token": SELISE_TOKEN},
        SELISE_CALLS,
    ),
    "selise-oauth": Profile(
        "selise",
        {"blocks_key": SELISE_BLOCKS_KEY, "client_id": SELISE_CLIENT_ID, "client_secret": SELISE_CLIENT_SECRET},
        SELISE_CALLS,
    ),
}


def check_extra_operations_are_covered() -> None:
    """Fail when a provider grew an operation these tables do not call."""
    for profile in PROFILES.values():
        missing = set(provider_class(profile.provider).extra_operations) - set(profile.calls)
        assert not missing, f"{profile.provider} operations not exercised: {sorted(missing)}"
