"""SELISE Blocks' own records: model details, validation results, agent models and catalogue entries."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from modelreg.provider import RecordSlots

VENDORS = (
    "openai",
    "azure",
    "anthropic",
    "google",
    "mistral",
    "deepseek",
    "openrouter",
    "grok",
    "perplexity",
    "together",
    "fireworks",
    "groq",
    "custom",
)
"""The 13 values SELISE documents for its ``provider`` field (modelreg calls it ``vendor``)."""

MODEL_TYPES = ("chat", "embedding", "completion")
"""The documented ``model_type`` values."""

VALIDATION_STATUSES = ("valid", "invalid")
"""The documented validation statuses (the list filter ``status``)."""


def _keys_only(value: Mapping[str, Any]) -> str:
    # Custom headers and parameters may carry credentials for the third-party vendor:
    # a repr shows which keys are set, never their values.
    return "{" + ", ".join(f"{key!r}: ***" for key in value) + "}"


class _DetailsSlots(RecordSlots):
    # The slots of SeliseDetails, in a plain base: the codec fills them at C speed (see
    # modelreg.provider.record_builder).
    __slots__ = (
        "__weakref__",
        "api_key_masked",
        "api_version",
        "base_url",
        "custom_headers",
        "custom_parameters",
        "default_temperature",
        "deployment_name",
        "is_active",
        "max_tokens",
        "model_name",
        "model_type",
        "openai_organization_id",
        "openai_project_id",
        "service_platform",
        "validated_at",
        "validation_status",
        "vendor",
        "version",
    )


# Not kw_only: the codec builds one per model positionally, which is markedly faster.
@attrs.frozen
class SeliseDetails(_DetailsSlots):
    """Every documented field of a SELISE AI model configuration, typed (``Model.details``)."""

    vendor: str | None = None
    """SELISE's ``provider`` field: openai, anthropic, azure... (not modelreg's provider name)."""
    model_name: str | None = None
    version: str | None = None
    service_platform: str | None = None
    model_type: str | None = None
    is_active: bool | None = None
    validation_status: str | None = None
    base_url: str | None = None
    max_tokens: int | None = None
    default_temperature: float | None = None
    api_key_masked: str | None = None
    """The third-party API key as the server shows it (masked); never the key itself."""
    api_version: str | None = None
    deployment_name: str | None = None
    openai_organization_id: str | None = None
    openai_project_id: str | None = None
    custom_parameters: Mapping[str, Any] = attrs.field(factory=dict, hash=False, repr=_keys_only)
    custom_headers: Mapping[str, Any] = attrs.field(factory=dict, hash=False, repr=_keys_only)
    validated_at: datetime | None = None


@attrs.frozen(kw_only=True)
class Validation:
    """The outcome of ``POST /models/{id}/validate``: whether SELISE could use the configuration."""

    model_id: str
    is_valid: bool
    vendor: str | None = None
    model_name: str | None = None
    connection_status: str | None = None
    api_version: str | None = None
    timestamp: datetime | None = None
    message: str | None = None
    """Why the validation failed, when the server says."""
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class AgentModel:
    """One model usable by SELISE AI agents (``GET /agents/models``)."""

    model_id: str
    model_name: str | None = None
    """A display name here, unlike ``model_name`` of a configuration (the vendor's model id)."""
    vendor: str | None = None
    model_type: str | None = None
    max_tokens: int | None = None
    supports_streaming: bool | None = None
    supports_function_calling: bool | None = None
    description: str | None = None
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class CatalogueEntry:
    """One model a vendor offers, from SELISE's seed catalogue (``/models/seed/providers/{vendor}``)."""

    model_name: str
    display_name: str | None = None
    version: str | None = None
    description: str | None = None
    max_tokens: int | None = None
    context_window: int | None = None
    default_temperature: float | None = None
    capabilities: tuple[str, ...] = ()
    supported_features: tuple[str, ...] = ()
    input_cost_per_million: float | None = None
    output_cost_per_million: float | None = None
    pricing: Mapping[str, Any] = attrs.field(factory=dict, hash=False)
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class CatalogueUpdate:
    """The outcome of upserting catalogue entries for one vendor."""

    vendor: str
    count: int
    """How many entries were sent (and accepted)."""
    detail: str | None = None


@attrs.frozen(kw_only=True)
class NewModel:
    """A checked create request, in modelreg's names; the codec writes SELISE's wire names."""

    vendor: str
    service_platform: str
    version: str
    model_name: str
    project_key: str = attrs.field(repr=False)
    display_name: str
    api_key: str = attrs.field(repr=False)
    base_url: str | None = None
    openai_organization_id: str | None = None
    openai_project_id: str | None = None
    api_version: str | None = None
    deployment_name: str | None = None
    custom_parameters: Mapping[str, Any] | None = attrs.field(default=None, hash=False, repr=False)
    custom_headers: Mapping[str, Any] | None = attrs.field(default=None, hash=False, repr=False)
    max_tokens: int | None = None
    default_temperature: float | None = None
