"""All SELISE wire conversion, on one explicit cattrs converter set up by ``configure_converter``.

Reading is case-tolerant (see ``_wire``): ``_id``/``id``/``ItemId``, ``CreatedDate``/``created_at``,
``IsActive``/``is_active``... Writing uses SELISE's documented names, including the PascalCase
``MaxTokens``/``DefaultTemp`` of the create body and the PascalCase catalogue upsert.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs
import cattrs
import httpx
from cattrs.gen import make_dict_unstructure_fn, override

from modelreg import Model
from modelreg.errors import ProtocolError
from modelreg.provider import excerpt, record_builder
from modelreg_selise._raw import RawDocument
from modelreg_selise._records import AgentModel, CatalogueEntry, NewModel, SeliseDetails, Validation
from modelreg_selise._status import UNREADABLE, mask_key, model_status, validation_kind
from modelreg_selise._wire import (
    BadField,
    Fields,
    as_int,
    as_map,
    as_number,
    as_text,
    as_time,
    boolean,
    flag,
    fold,
    integer,
    mapping,
    number,
    pick,
    read,
    strings,
    text,
    timestamp,
)

PROVIDER = "selise"

ID = ("id", "itemid", "modelid", "oid")
CREATED = ("createddate", "createdat", "created", "creationdate", "createdon")
UPDATED = ("lastupdateddate", "updatedat", "updateddate", "lastupdated", "lastmodifieddate", "modifiedat", "updatedon")
ACTIVE = ("isactive", "active")
VALIDATION = ("validationstatus", "status", "validation")

_MODEL_FIELDS: Fields = (
    ("id", ID),
    ("name", ("displayname", "name")),
    ("description", ("description",)),
    ("created", CREATED),
    ("updated", UPDATED),
    ("active", ACTIVE),
    ("validation", VALIDATION),
    ("is_valid", ("isvalid",)),
    ("vendor", ("provider", "vendor")),
    ("model_name", ("modelname", "model")),
    ("version", ("version",)),
    ("service_platform", ("serviceplatform",)),
    ("model_type", ("modeltype", "type")),
    ("base_url", ("baseurl",)),
    ("max_tokens", ("maxtokens",)),
    ("temperature", ("defaulttemp", "defaulttemperature", "temperature")),
    ("api_key", ("apikey",)),
    ("api_version", ("apiversion",)),
    ("deployment_name", ("deploymentname",)),
    ("openai_organization_id", ("openaiorganizationid", "organizationid")),
    ("openai_project_id", ("openaiprojectid",)),
    ("custom_parameters", ("customparameters",)),
    ("custom_headers", ("customheaders",)),
    ("validated", ("lastvalidateddate", "validatedat", "lastvalidatedat", "lastvalidated")),
    ("api_key_masked", ("apikeymasked", "maskedapikey")),  # modelreg's name for a key shown masked
)


# The text fields in _structure_model's order, by their wire names (for error messages).
_TEXTS: tuple[str, ...] = ("display_name", "description", "provider", "model_name", "version", "service_platform")
_TEXTS += ("model_type", "base_url", "api_version", "deployment_name", "openai_organization_id", "openai_project_id")


def _when(value: Any, field: str) -> datetime:
    if value.__class__ is str:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return as_time(value, field)
        if parsed.tzinfo is not None:
            return parsed
    return as_time(value, field)


def _text(value: Any, field: str) -> str | None:
    return value if value is None or value.__class__ is str else as_text(value, field)


def _structure_model(raw: Any, _: Any) -> Model:
    if not isinstance(raw, dict) and not isinstance(raw, Mapping):
        raise BadField("model", raw, "an object")
    layout, values, row = read(raw, _MODEL_FIELDS)
    (
        model_id,
        name,
        description,
        created,
        updated,
        active_value,
        validation,
        is_valid,
        vendor,
        model_name,
        version,
        platform,
        model_type,
        base_url,
        tokens,
        temperature,
        key,
        api_version,
        deployment,
        organization,
        project,
        parameters,
        headers,
        validated,
        masked,
    ) = row
    if model_id.__class__ is not str:
        if isinstance(model_id, Mapping) and "$oid" in model_id:
            model_id = model_id["$oid"]
        if not isinstance(model_id, (str, int)) or isinstance(model_id, bool):
            raise BadField("_id", model_id, "a string id")
        model_id = str(model_id)
    if not model_id:
        raise BadField("_id", model_id, "a string id")
    # One inline check for the common case (every text field a string or absent), no allocation.
    if not (
        (name is None or name.__class__ is str)
        and (description is None or description.__class__ is str)
        and (vendor is None or vendor.__class__ is str)
        and (model_name is None or model_name.__class__ is str)
        and (version is None or version.__class__ is str)
        and (platform is None or platform.__class__ is str)
        and (model_type is None or model_type.__class__ is str)
        and (base_url is None or base_url.__class__ is str)
        and (api_version is None or api_version.__class__ is str)
        and (deployment is None or deployment.__class__ is str)
        and (organization is None or organization.__class__ is str)
        and (project is None or project.__class__ is str)
    ):
        texts = (name, description, vendor, model_name, version, platform, model_type, base_url)
        name, description, vendor, model_name, version, platform, model_type, base_url = map(_text, texts, _TEXTS)
        api_version, deployment, organization, project = map(
            _text, (api_version, deployment, organization, project), _TEXTS[len(texts) :]
        )
    active = active_value if active_value.__class__ is bool else flag(active_value)
    if validation is None and is_valid is not None:
        validation = is_valid if flag(is_valid) is None else flag(is_valid)
    if validation is None or validation.__class__ is str:
        validation_status: str | None = validation
    elif isinstance(validation, bool):
        validation_status = "valid" if validation else "invalid"
    else:
        validation_status = as_text(validation, "validation_status")
    if key is not None:
        if key.__class__ is not str:
            raise BadField("api_key", key, "a string")
        masked = key if "..." in key else mask_key(key)
    elif masked is not None and masked.__class__ is not str:
        raise BadField("api_key_masked", masked, "a string")
    # A model never changed since it was made has one date thrice: parse it once.
    created_at = None if created is None else _when(created, "CreatedDate")
    updated_at = created_at if updated == created else None if updated is None else _when(updated, "LastUpdatedDate")
    if validated is None:
        validated_at = None
    elif validated == updated:
        validated_at = updated_at
    else:
        validated_at = _when(validated, "LastValidatedDate")
    # Positional, in SeliseDetails' field order (see _records.py).
    details = _new_details(
        vendor,
        model_name,
        version,
        platform,
        model_type,
        active,
        validation_status,
        base_url,
        tokens if tokens is None or tokens.__class__ is int else as_int(tokens, "MaxTokens"),
        temperature if temperature is None or temperature.__class__ is float else as_number(temperature, "DefaultTemp"),
        masked,
        api_version,
        deployment,
        organization,
        project,
        {} if not parameters else as_map(parameters, "custom_parameters"),
        {} if not headers else as_map(headers, "custom_headers"),
        validated_at,
    )
    status = model_status(UNREADABLE if active_value is not None and active is None else active, validation)
    # raw as received, without the dict: its values against the layout every model like it shares.
    kept = _new_raw(RawDocument)
    kept._layout, kept._values = layout, values
    model: Model = _new_model(
        PROVIDER, model_id, name or model_name or model_id, description, status, created_at, updated_at, details, kept
    )
    return model


# Builders of the records above, filled without attrs' per-field setattr (see modelreg.provider.record_builder).
_new_raw = object.__new__
_new_details = record_builder(SeliseDetails, tuple(field.name for field in attrs.fields(SeliseDetails)))
_new_model = record_builder(
    Model, ("provider", "id", "name", "description", "status", "created_at", "updated_at", "details", "raw")
)


def _structure_details(raw: Any, _: Any) -> SeliseDetails:
    if not isinstance(raw, Mapping):
        raise BadField("details", raw, "an object")
    # Details need no id: a placeholder lets the one model reader serve both.
    details: SeliseDetails = _structure_model({**raw, "_id": "-"}, None).details
    return details


def _unstructure_details(details: SeliseDetails) -> dict[str, Any]:
    when = details.validated_at
    return {
        "provider": details.vendor,
        "model_name": details.model_name,
        "version": details.version,
        "service_platform": details.service_platform,
        "model_type": details.model_type,
        "IsActive": details.is_active,
        "validation_status": details.validation_status,
        "base_url": details.base_url,
        "MaxTokens": details.max_tokens,
        "DefaultTemp": details.default_temperature,
        "api_key_masked": details.api_key_masked,
        "api_version": details.api_version,
        "deployment_name": details.deployment_name,
        "openai_organization_id": details.openai_organization_id,
        "openai_project_id": details.openai_project_id,
        "custom_parameters": dict(details.custom_parameters),
        "custom_headers": dict(details.custom_headers),
        "LastValidatedDate": when.isoformat() if when is not None else None,
    }


def _structure_validation(raw: Any, _: Any) -> Validation:
    if not isinstance(raw, Mapping):
        raise BadField("validation", raw, "an object")
    doc = fold(raw)
    valid = boolean(doc, ("isvalid", "valid"))
    if valid is None:
        kind = validation_kind(pick(doc, ("validationstatus", "status", "connectionstatus")))
        if kind not in ("valid", "invalid"):
            raise BadField("is_valid", None, "a boolean")
        valid = kind == "valid"
    error = pick(doc, ("error", "message", "detail", "reason"))
    if isinstance(error, Mapping):
        error = pick(fold(error), ("message", "detail", "msg", "code"))
    return Validation(
        model_id=text(doc, ID) or "",
        is_valid=valid,
        vendor=text(doc, ("provider", "vendor")),
        model_name=text(doc, ("modelname",)),
        connection_status=text(doc, ("connectionstatus",)),
        api_version=text(doc, ("apiversion",)),
        timestamp=timestamp(doc, ("timestamp", "validatedat", "checkedat")),
        message=str(error) if error not in (None, "", {}) else None,
        raw=raw,
    )


def _structure_agent_model(raw: Any, _: Any) -> AgentModel:
    if not isinstance(raw, Mapping):
        raise BadField("agent model", raw, "an object")
    doc = fold(raw)
    model_id = text(doc, ("modelid", "id", "itemid"))
    if not model_id:
        raise BadField("model_id", None, "a string")
    return AgentModel(
        model_id=model_id,
        model_name=text(doc, ("modelname", "displayname", "name")),
        vendor=text(doc, ("provider", "vendor")),
        model_type=text(doc, ("modeltype", "type")),
        max_tokens=integer(doc, ("maxtokens",)),
        supports_streaming=boolean(doc, ("supportsstreaming",)),
        supports_function_calling=boolean(doc, ("supportsfunctioncalling",)),
        description=text(doc, ("description",)),
        raw=raw,
    )


def _structure_catalogue_entry(raw: Any, _: Any) -> CatalogueEntry:
    if not isinstance(raw, Mapping):
        raise BadField("catalogue entry", raw, "an object")
    doc = fold(raw)
    name = text(doc, ("modelname", "model"))
    if not name:
        raise BadField("model_name", None, "a string")
    pricing = mapping(doc, ("pricing",))
    prices = fold(pricing)
    return CatalogueEntry(
        model_name=name,
        display_name=text(doc, ("displayname", "modelgoodname")),
        version=text(doc, ("version",)),
        description=text(doc, ("description",)),
        max_tokens=integer(doc, ("maxtokens",)),
        context_window=integer(doc, ("contextwindow", "contextlength")),
        default_temperature=number(doc, ("defaulttemperature", "defaulttemp")),
        capabilities=strings(doc, ("capabilities",)),
        supported_features=strings(doc, ("supportedfeatures", "features")),
        input_cost_per_million=number(doc, ("inputcostpermillion",)) or number(prices, ("inputpermillion", "input")),
        output_cost_per_million=number(doc, ("outputcostpermillion",))
        or number(prices, ("outputpermillion", "output")),
        pricing=pricing,
        raw=raw,
    )


def _unstructure_catalogue_entry(entry: CatalogueEntry) -> dict[str, Any]:
    return {
        "Model": entry.model_name,
        "ModelGoodName": entry.display_name,
        "MaxTokens": entry.max_tokens,
        "DefaultTemp": entry.default_temperature,
        "ContextLength": entry.context_window,
        "InputCostPerMillion": entry.input_cost_per_million,
        "OutputCostPerMillion": entry.output_cost_per_million,
    }


def configure_converter(converter: cattrs.Converter) -> None:
    """Teach ``converter`` SELISE's wire shapes (structure: tolerant reads; unstructure: wire names)."""
    # A predicate hook: registering the class itself would make cattrs resolve Model's
    # annotations, which is needless work for a hand-written hook.
    converter.register_structure_hook_func(lambda cls: cls is Model, _structure_model)
    converter.register_structure_hook(SeliseDetails, _structure_details)
    converter.register_unstructure_hook(SeliseDetails, _unstructure_details)
    converter.register_structure_hook(Validation, _structure_validation)
    converter.register_structure_hook(AgentModel, _structure_agent_model)
    converter.register_structure_hook(CatalogueEntry, _structure_catalogue_entry)
    converter.register_unstructure_hook(CatalogueEntry, _unstructure_catalogue_entry)
    converter.register_unstructure_hook(
        NewModel,
        make_dict_unstructure_fn(
            NewModel,
            converter,
            _cattrs_omit_if_default=True,
            vendor=override(rename="provider"),
            max_tokens=override(rename="MaxTokens"),
            default_temperature=override(rename="DefaultTemp"),
        ),
    )


CONVERTER = cattrs.Converter()
configure_converter(CONVERTER)


def protocol_error(response: httpx.Response, what: str, problem: str) -> ProtocolError:
    """A ``ProtocolError`` for an answer to ``what`` that is not the expected shape."""
    return ProtocolError(
        f"SELISE Blocks answered {what} with {problem}",
        provider=PROVIDER,
        status_code=response.status_code,
        excerpt=excerpt(response.content),
    )


def structure(value: Any, cls: type[Any], response: httpx.Response, what: str) -> Any:
    """``value`` as ``cls``, or a ``ProtocolError`` naming the bad field and showing the body."""
    try:
        return CONVERTER.structure(value, cls)
    except BadField as exc:
        raise protocol_error(response, what, f"an unexpected shape: {exc}") from None


def structure_all(values: list[Any], cls: type[Any], response: httpx.Response, what: str) -> list[Any]:
    """Every element of ``values`` as ``cls`` (see ``structure``)."""
    hook = CONVERTER.get_structure_hook(cls)
    try:
        return [hook(value, cls) for value in values]
    except BadField as exc:
        raise protocol_error(response, what, f"an unexpected shape: {exc}") from None


def unstructure(value: Any) -> Any:
    """``value`` in SELISE's wire names."""
    return CONVERTER.unstructure(value)
