"""Checks made before anything is sent: create fields, list filters, ids and catalogue entries.

Every violation becomes one ``Issue``; all of them are raised together in one
``ValidationFailed`` (status_code None: nothing was sent). Messages never quote the value of a
credential (``api_key``, custom headers).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from modelreg import Issue, ModelStatus, ValidationFailed
from modelreg_selise._records import MODEL_TYPES, VALIDATION_STATUSES, VENDORS, CatalogueEntry, NewModel

PROVIDER = "selise"

REQUIRED_TEXT = ("vendor", "service_platform", "version", "model_name", "display_name", "api_key")
OPTIONAL_TEXT = (
    "project_key",
    "base_url",
    "openai_organization_id",
    "openai_project_id",
    "api_version",
    "deployment_name",
)
OPTIONAL_MAPS = ("custom_parameters", "custom_headers")
ALIASES = {"MaxTokens": "max_tokens", "DefaultTemp": "default_temperature"}
"""SELISE's PascalCase body names, accepted beside modelreg's snake_case ones."""
CREATE_FIELDS = (
    *REQUIRED_TEXT, *OPTIONAL_TEXT, *OPTIONAL_MAPS, "max_tokens", "default_temperature", "name", *ALIASES
)  # fmt: skip
FILTERS = ("vendor", "model_type", "is_active", "status", "validation_status", "search")
FIELD_TYPES: dict[str, type] = {
    **dict.fromkeys((*REQUIRED_TEXT, *OPTIONAL_TEXT, "name", *FILTERS), str),
    **dict.fromkeys(OPTIONAL_MAPS, dict),
    "max_tokens": int,
    "MaxTokens": int,
    "default_temperature": float,
    "DefaultTemp": float,
    "is_active": bool,
}
"""What each create field and filter holds, for tools that read values as text (the CLI's ``--set``)."""
SECRET_FIELDS = frozenset({"api_key", "custom_headers", "project_key"})

_HINTS = {
    "provider": "SELISE's provider field (openai, anthropic...) is called vendor in modelreg: pass vendor=...",
    "project_key": "project_key is a connection setting: pass it to connect() (or set SELISE_PROJECT_KEY)",
}
_CATALOGUE_NAMES = {
    "model_name": "Model",
    "display_name": "ModelGoodName",
    "max_tokens": "MaxTokens",
    "default_temperature": "DefaultTemp",
    "context_window": "ContextLength",
    "input_cost_per_million": "InputCostPerMillion",
    "output_cost_per_million": "OutputCostPerMillion",
}
_STATUS_QUERIES: dict[ModelStatus, dict[str, str]] = {
    ModelStatus.AVAILABLE: {"status": "valid", "is_active": "true"},
    # FAILED and PENDING models are active by definition (an inactive one is INACTIVE).
    ModelStatus.FAILED: {"status": "invalid", "is_active": "true"},
    ModelStatus.INACTIVE: {"is_active": "false"},
    ModelStatus.PENDING: {"is_active": "true"},
}


def _unknown(section: str, given: Iterable[str], allowed: Iterable[str]) -> list[Issue]:
    known = sorted(allowed)
    issues = []
    for key in given:
        if key in known:
            continue
        hint = _HINTS.get(key, f"known: {', '.join(known)}")
        issues.append(Issue((section, key), f"unknown {section} field {key!r}; {hint}", "unknown_field"))
    return issues


def _one_of(loc: tuple[str, ...], value: Any, allowed: tuple[str, ...]) -> Issue | None:
    if isinstance(value, str) and value in allowed:
        return None
    return Issue(loc, f"must be one of {', '.join(allowed)}; got {value!r}", "enum")


def _fail(issues: list[Issue]) -> None:
    if issues:
        raise ValidationFailed(issues, provider=PROVIDER)


def check_model_id(model_id: str) -> str:
    """A model id that is safe to put in a path."""
    if not model_id.strip() or any(c in model_id for c in "/?#") or model_id in (".", ".."):
        _fail([Issue(("path", "model_id"), f"must be a model id (no '/', '?' or '#'), got {model_id!r}", "value")])
    return model_id


def check_create(fields: Mapping[str, Any], project_key: str | None) -> NewModel:
    """The create request for ``fields``, or ``ValidationFailed`` listing every problem."""
    issues = _unknown("body", fields, CREATE_FIELDS)
    if "name" in fields:
        # modelreg's common ``name`` is SELISE's display_name, so one create call fits every provider.
        if "display_name" in fields:
            issues.append(Issue(("body", "name"), "give either name or display_name, not both", "duplicate"))
        fields = {("display_name" if key == "name" else key): value for key, value in fields.items()}
    values: dict[str, Any] = {}
    for name in REQUIRED_TEXT:
        value = fields.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            issues.append(Issue(("body", name), f"{name} is required", "missing"))
        elif not isinstance(value, str):
            issues.append(Issue(("body", name), f"must be a string, got {type(value).__name__}", "type"))
        else:
            values[name] = value
    if "vendor" in values and (issue := _one_of(("body", "vendor"), values["vendor"], VENDORS)):
        issues.append(issue)
    for name in OPTIONAL_TEXT:
        value = fields.get(name)
        if value is not None and not (isinstance(value, str) and value.strip()):
            issues.append(Issue(("body", name), f"must be a non-empty string, got {type(value).__name__}", "type"))
        elif value is not None:
            values[name] = value
    base_url = values.get("base_url")
    if base_url is not None and not base_url.startswith(("http://", "https://")):
        issues.append(Issue(("body", "base_url"), f"must start with http:// or https://, got {base_url!r}", "value"))
    for name in OPTIONAL_MAPS:
        value = fields.get(name)
        if value is None:
            continue
        problem = _map_problem(value)
        if problem:
            issues.append(Issue(("body", name), problem, "type"))
        else:
            values[name] = dict(value)
    for wire, name in ALIASES.items():
        if wire in fields and name in fields:
            issues.append(Issue(("body", wire), f"give either {wire} or {name}, not both", "duplicate"))
    tokens = fields.get("max_tokens", fields.get("MaxTokens"))
    if tokens is not None:
        if isinstance(tokens, bool) or not isinstance(tokens, int) or tokens <= 0:
            issues.append(Issue(("body", "MaxTokens"), f"must be a positive integer, got {tokens!r}", "value"))
        else:
            values["max_tokens"] = tokens
    temperature = fields.get("default_temperature", fields.get("DefaultTemp"))
    if temperature is not None:
        if not _is_number(temperature) or not 0 <= temperature <= 2:
            issues.append(Issue(("body", "DefaultTemp"), f"must be a number from 0 to 2, got {temperature!r}", "value"))
        else:
            values["default_temperature"] = float(temperature)
    values.setdefault("project_key", project_key)
    if not values.get("project_key"):
        issues.append(Issue(("body", "project_key"), "project_key is required: pass it to connect()", "missing"))
    _fail(issues)
    return NewModel(**values)


def _is_number(value: Any) -> bool:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


def _map_problem(value: Any) -> str | None:
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        return f"must be an object with string keys, got {type(value).__name__}"
    try:
        json.dumps(dict(value))
    except (TypeError, ValueError):
        return "must hold JSON values only (strings, numbers, booleans, null, lists, objects)"
    return None


@attrs.frozen
class Query:
    """Checked list filters: the query parameters to send and what to keep client-side."""

    params: dict[str, str]
    pending_only: bool = False
    """``status=PENDING``: the API cannot filter on "not validated", so it is done client-side."""


def check_filters(filters: Mapping[str, Any]) -> Query:
    """The query for ``filters``, or ``ValidationFailed`` listing every problem."""
    issues = _unknown("query", filters, FILTERS)
    params: dict[str, str] = {}
    sources: dict[str, str] = {}

    def put(key: str, value: str, source: str) -> None:
        if key in params and params[key] != value:
            issues.append(
                Issue(("query", source), f"contradicts {sources[key]} (asks {key}={value}, not {params[key]})", "value")
            )
            return
        params[key] = value
        sources[key] = source

    for name in ("vendor", "model_type"):
        if name in filters:
            issue = _one_of(("query", name), filters[name], VENDORS if name == "vendor" else MODEL_TYPES)
            if issue:
                issues.append(issue)
            else:
                put("provider" if name == "vendor" else name, filters[name], name)
    if "is_active" in filters:
        if isinstance(filters["is_active"], bool):
            put("is_active", "true" if filters["is_active"] else "false", "is_active")
        else:
            issues.append(Issue(("query", "is_active"), f"must be True or False, got {filters['is_active']!r}", "type"))
    if "validation_status" in filters:
        issue = _one_of(("query", "validation_status"), filters["validation_status"], VALIDATION_STATUSES)
        if issue:
            issues.append(issue)
        else:
            put("status", filters["validation_status"], "validation_status")
    pending = False
    if "status" in filters:
        status = filters["status"]
        if isinstance(status, str) and status in VALIDATION_STATUSES:
            put("status", status, "status")
        else:
            wanted = _model_status(status)
            if wanted is None:
                choices = ", ".join(s.name for s in _STATUS_QUERIES)
                issues.append(
                    Issue(
                        ("query", "status"), f"must be ModelStatus.{{{choices}}} or 'valid'/'invalid'; got {status!r}"
                    )
                )
            else:
                for key, value in _STATUS_QUERIES[wanted].items():
                    put(key, value, "status")
                pending = wanted is ModelStatus.PENDING
    if "search" in filters:
        search = filters["search"]
        if isinstance(search, str) and search.strip():
            params["search"] = search
        else:
            issues.append(Issue(("query", "search"), f"must be a non-empty string, got {search!r}", "type"))
    _fail(issues)
    return Query(params, pending)


def _model_status(value: Any) -> ModelStatus | None:
    if isinstance(value, ModelStatus):
        return value if value in _STATUS_QUERIES else None
    if isinstance(value, str):
        try:
            status = ModelStatus(value.lower())
        except ValueError:
            return None
        return status if status in _STATUS_QUERIES else None
    return None


def check_vendor(vendor: Any) -> str:
    """A documented vendor name for the catalogue paths (matched case-insensitively)."""
    lowered = vendor.lower() if isinstance(vendor, str) else vendor
    issue = _one_of(("path", "provider"), lowered, VENDORS)
    _fail([issue] if issue else [])
    return str(lowered)


def check_catalogue(entries: Any) -> list[CatalogueEntry]:
    """Catalogue entries to upsert: ``CatalogueEntry`` records or mappings in either naming."""
    if isinstance(entries, (str, bytes, Mapping)) or not isinstance(entries, Iterable):
        _fail([Issue(("body",), "entries must be a list of catalogue entries", "type")])
    items = list(entries)
    issues: list[Issue] = [] if items else [Issue(("body",), "give at least one catalogue entry", "missing")]
    checked = []
    for index, item in enumerate(items):
        entry, problems = _catalogue_entry(item, str(index))
        issues.extend(problems)
        if entry is not None:
            checked.append(entry)
    _fail(issues)
    return checked


def _catalogue_entry(item: Any, index: str) -> tuple[CatalogueEntry | None, list[Issue]]:
    if isinstance(item, CatalogueEntry):
        item = {name: getattr(item, name) for name in _CATALOGUE_NAMES}
    if not isinstance(item, Mapping):
        return None, [Issue(("body", index), f"must be a catalogue entry, got {type(item).__name__}", "type")]
    wire_names = {wire: name for name, wire in _CATALOGUE_NAMES.items()}
    issues = [
        Issue(("body", index, issue.loc[-1]), issue.message, issue.type)
        for issue in _unknown("body", item, [*_CATALOGUE_NAMES, *wire_names])
    ]
    values: dict[str, Any] = {}
    for name, wire in _CATALOGUE_NAMES.items():
        value = item.get(name, item.get(wire))
        loc = ("body", index, wire)
        if value is None:
            issues.append(Issue(loc, f"{wire} ({name}) is required", "missing"))
        elif name in ("model_name", "display_name"):
            if not isinstance(value, str) or not value.strip():
                issues.append(Issue(loc, f"must be a non-empty string, got {value!r}", "type"))
        elif name in ("max_tokens", "context_window"):
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                issues.append(Issue(loc, f"must be a positive integer, got {value!r}", "value"))
        elif not _is_number(value) or value < 0 or (name == "default_temperature" and value > 2):
            upper = " to 2" if name == "default_temperature" else ""
            issues.append(Issue(loc, f"must be a number from 0{upper}, got {value!r}", "value"))
        values[name] = value
    if issues:
        return None, issues
    for name in ("default_temperature", "input_cost_per_million", "output_cost_per_million"):
        values[name] = float(values[name])
    return CatalogueEntry(**values), []
