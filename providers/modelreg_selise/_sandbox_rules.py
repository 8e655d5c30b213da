"""The SELISE emulator's rules, free of HTTP: FastAPI-style checks, masking, key validity, seed data."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from modelreg_selise._records import MODEL_TYPES, VALIDATION_STATUSES, VENDORS

ID_FORMAT = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
REQUIRED = ("provider", "service_platform", "version", "model_name", "project_key", "display_name", "api_key")
TEXT = ("base_url", "openai_organization_id", "openai_project_id", "api_version", "deployment_name")
CATALOGUE_FIELDS = (
    "Model",
    "ModelGoodName",
    "MaxTokens",
    "DefaultTemp",
    "ContextLength",
    "InputCostPerMillion",
    "OutputCostPerMillion",
)
SERVICE_PLATFORMS = ("official_api", "azure", "custom")
"""The platforms the docs name; the sandbox knows no others (the client cannot check this)."""
KEY_PREFIXES = {"openai": "sk-", "anthropic": "sk-ant-"}
MIN_KEY_LENGTH = 20

Entry = dict[str, Any]


def iso(seconds: float) -> str:
    """A sandbox clock reading as the API writes dates (UTC, ``Z``)."""
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def error(loc: list[Any], msg: str, kind: str, value: Any = None, echo: bool = False) -> Entry:
    """One FastAPI ``detail`` entry; ``echo`` adds pydantic 2's ``input`` (the offending value)."""
    entry: Entry = {"loc": loc, "msg": msg, "type": kind}
    if echo:
        entry["input"] = value
    return entry


def enum_error(loc: list[Any], value: Any, allowed: tuple[str, ...], echo: bool) -> Entry:
    """The 422 entry for a value outside an enumeration."""
    permitted = ", ".join(f"'{v}'" for v in allowed)
    return error(
        loc, f"value is not a valid enumeration member; permitted: {permitted}", "type_error.enum", value, echo
    )


def parse_bool(value: str) -> bool | None:
    """FastAPI's query booleans."""
    lowered = value.lower()
    if lowered in ("true", "1", "yes", "on"):
        return True
    if lowered in ("false", "0", "no", "off"):
        return False
    return None


def check_query(params: Mapping[str, str], echo: bool) -> tuple[dict[str, Any], list[Entry]]:
    """The list query's values, or its 422 entries."""
    errors: list[Entry] = []
    values: dict[str, Any] = {}
    for name, default, upper in (("page", 1, None), ("page_size", 20, 100)):
        raw = params.get(name)
        if raw is None:
            values[name] = default
            continue
        try:
            number = int(raw)
        except ValueError:
            errors.append(error(["query", name], "value is not a valid integer", "type_error.integer", raw, echo))
            continue
        if number < 1:
            errors.append(
                error(
                    ["query", name],
                    "ensure this value is greater than or equal to 1",
                    "value_error.number.not_ge",
                    raw,
                    echo,
                )
            )
        elif upper is not None and number > upper:
            errors.append(
                error(
                    ["query", name],
                    f"ensure this value is less than or equal to {upper}",
                    "value_error.number.not_le",
                    raw,
                    echo,
                )
            )
        values[name] = number
    for name, allowed in (("provider", VENDORS), ("model_type", MODEL_TYPES), ("status", VALIDATION_STATUSES)):
        raw = params.get(name)
        if raw is not None and raw not in allowed:
            errors.append(enum_error(["query", name], raw, allowed, echo))
        values[name] = raw
    active = params.get("is_active")
    values["is_active"] = None if active is None else parse_bool(active)
    if active is not None and values["is_active"] is None:
        errors.append(
            error(["query", "is_active"], "value could not be parsed to a boolean", "type_error.bool", active, echo)
        )
    values["search"] = params.get("search")
    return values, errors


def check_create(body: Any, echo: bool) -> list[Entry]:
    """The 422 entries for a create body (pydantic v1 messages; unknown fields are ignored)."""
    if not isinstance(body, dict):
        return [error(["body"], "value is not a valid dict", "type_error.dict", body, echo)]
    errors = []
    for name in REQUIRED:
        value = body.get(name)
        if value is None:
            errors.append(error(["body", name], "field required", "value_error.missing", body, echo))
        elif not isinstance(value, str):
            errors.append(error(["body", name], "str type expected", "type_error.str", value, echo))
    provider = body.get("provider")
    if isinstance(provider, str) and provider not in VENDORS:
        errors.append(enum_error(["body", "provider"], provider, VENDORS, echo))
    platform = body.get("service_platform")
    if isinstance(platform, str) and platform not in SERVICE_PLATFORMS:
        errors.append(enum_error(["body", "service_platform"], platform, SERVICE_PLATFORMS, echo))
    for name in TEXT:
        if body.get(name) is not None and not isinstance(body[name], str):
            errors.append(error(["body", name], "str type expected", "type_error.str", body[name], echo))
    for name in ("custom_parameters", "custom_headers"):
        if body.get(name) is not None and not isinstance(body[name], dict):
            errors.append(error(["body", name], "value is not a valid dict", "type_error.dict", body[name], echo))
    tokens = body.get("MaxTokens")
    if tokens is not None and (isinstance(tokens, bool) or not isinstance(tokens, int) or tokens <= 0):
        errors.append(
            error(
                ["body", "MaxTokens"], "ensure this value is greater than 0", "value_error.number.not_gt", tokens, echo
            )
        )
    temp = body.get("DefaultTemp")
    if temp is not None and (isinstance(temp, bool) or not isinstance(temp, (int, float)) or not 0 <= temp <= 2):
        errors.append(
            error(
                ["body", "DefaultTemp"],
                "ensure this value is between 0 and 2",
                "value_error.number.not_in_range",
                temp,
                echo,
            )
        )
    return errors


def check_catalogue(body: Any, echo: bool) -> list[Entry]:
    """The 422 entries for a catalogue upsert body (an array of PascalCase entries)."""
    if not isinstance(body, list):
        return [error(["body"], "value is not a valid list", "type_error.list", body, echo)]
    errors = []
    for index, entry in enumerate(body):
        if not isinstance(entry, dict):
            errors.append(error(["body", index], "value is not a valid dict", "type_error.dict", entry, echo))
            continue
        for name in CATALOGUE_FIELDS:
            value = entry.get(name)
            if value is None:
                errors.append(error(["body", index, name], "field required", "value_error.missing", entry, echo))
            elif name in ("Model", "ModelGoodName") and not isinstance(value, str):
                errors.append(error(["body", index, name], "str type expected", "type_error.str", value, echo))
            elif name not in ("Model", "ModelGoodName") and (
                isinstance(value, bool) or not isinstance(value, (int, float))
            ):
                errors.append(
                    error(["body", index, name], "value is not a valid number", "type_error.number", value, echo)
                )
    return errors


def mask(key: str) -> str:
    """How the API shows a stored key: ``sk-...abcd``."""
    return f"{key[:3]}...{key[-4:]}" if len(key) >= 12 else "****"


def key_works(vendor: str, key: str) -> bool:
    """The sandbox's deterministic stand-in for "the vendor accepted this key"."""
    return (
        len(key) >= MIN_KEY_LENGTH
        and not any(c.isspace() for c in key)
        and key.startswith(KEY_PREFIXES.get(vendor, ""))
    )


def model_type(model_name: str) -> str:
    """The type the sandbox infers from a model name (create takes no model_type)."""
    lowered = model_name.lower()
    if "embed" in lowered:
        return "embedding"
    if "instruct" in lowered or "davinci" in lowered:
        return "completion"
    return "chat"


PLATFORM_AGENT_MODELS: list[Entry] = [
    {
        "model_id": "gpt-4-turbo",
        "model_name": "GPT-4 Turbo",
        "provider": "openai",
        "model_type": "chat",
        "max_tokens": 128000,
        "supports_streaming": True,
        "supports_function_calling": True,
        "description": "Most capable GPT-4 model with improved performance",
    },
    {
        "model_id": "gpt-3.5-turbo",
        "model_name": "GPT-3.5 Turbo",
        "provider": "openai",
        "model_type": "chat",
        "max_tokens": 16385,
        "supports_streaming": True,
        "supports_function_calling": True,
        "description": "Fast and efficient model for most tasks",
    },
    {
        "model_id": "claude-3-opus",
        "model_name": "Claude 3 Opus",
        "provider": "anthropic",
        "model_type": "chat",
        "max_tokens": 200000,
        "supports_streaming": True,
        "supports_function_calling": True,
        "description": "Most intelligent Claude model for complex tasks",
    },
]
"""The platform models every project's agents may use (the documented example answer)."""

SEED_CATALOGUE: dict[str, list[Entry]] = {
    "openai": [
        {
            "Model": "gpt-4-turbo-preview",
            "ModelGoodName": "GPT-4 Turbo",
            "MaxTokens": 4096,
            "DefaultTemp": 0.7,
            "ContextLength": 128000,
            "InputCostPerMillion": 10.0,
            "OutputCostPerMillion": 30.0,
        },
        {
            "Model": "gpt-3.5-turbo",
            "ModelGoodName": "GPT-3.5 Turbo",
            "MaxTokens": 4096,
            "DefaultTemp": 0.7,
            "ContextLength": 16385,
            "InputCostPerMillion": 0.5,
            "OutputCostPerMillion": 1.5,
        },
    ],
    "anthropic": [
        {
            "Model": "claude-3-opus-20240229",
            "ModelGoodName": "Claude 3 Opus",
            "MaxTokens": 4096,
            "DefaultTemp": 1.0,
            "ContextLength": 200000,
            "InputCostPerMillion": 15.0,
            "OutputCostPerMillion": 75.0,
        }
    ],
}
"""The documented upsert example (openai) plus one anthropic entry."""

SEED_MODELS: list[Entry] = [
    {
        "provider": "openai",
        "service_platform": "official_api",
        "version": "gpt-4",
        "model_name": "gpt-4-turbo-preview",
        "display_name": "GPT-4 Turbo",
        "api_key": "sk-sandbox-openai-0000000000000001",
        "base_url": "https://api.openai.com/v1",
        "MaxTokens": 8192,
        "DefaultTemp": 0.7,
    },
    {
        "provider": "anthropic",
        "service_platform": "official_api",
        "version": "claude-3",
        "model_name": "claude-3-opus-20240229",
        "display_name": "Claude 3 Opus",
        "api_key": "sk-ant-sandbox-0000000000000002",
        "MaxTokens": 4096,
        "DefaultTemp": 1.0,
    },
    {
        "provider": "azure",
        "service_platform": "azure",
        "version": "2024-02-01",
        "model_name": "text-embedding-3-small",
        "display_name": "Embeddings (Azure)",
        "api_key": "azure-sandbox-00000000000000000003",
        "base_url": "https://example-resource.openai.azure.com",
        "api_version": "2024-02-01",
        "deployment_name": "embeddings",
    },
    {
        "provider": "openai",
        "service_platform": "official_api",
        "version": "gpt-3.5",
        "model_name": "gpt-3.5-turbo",
        "display_name": "Legacy FAQ assistant",
        "api_key": "sk-expired",
        "MaxTokens": 2048,
        "DefaultTemp": 0.2,
    },
]
"""Four realistic configurations: validated, pending, deactivated, and one whose validation failed."""


def catalogue_view(entry: Entry) -> Entry:
    """A stored (PascalCase) catalogue entry as the GET answers it (snake_case)."""
    return {
        "model_name": entry["Model"],
        "version": entry.get("version") or entry["Model"],
        "display_name": entry["ModelGoodName"],
        "description": entry.get("description") or f"{entry['ModelGoodName']} ({entry['Model']})",
        "max_tokens": entry["MaxTokens"],
        "context_window": entry["ContextLength"],
        "capabilities": ["embedding"] if model_type(entry["Model"]) == "embedding" else ["chat", "completion"],
        "default_temperature": entry["DefaultTemp"],
        "supported_features": ["streaming", "function_calling"],
        "pricing": {
            "input_per_million": entry["InputCostPerMillion"],
            "output_per_million": entry["OutputCostPerMillion"],
            "currency": "USD",
        },
    }
