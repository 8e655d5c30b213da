"""Records as plain data and back: ``Model.to_dict()`` / ``from_dict()`` (and ``Page``, ``Deletion``, ``BulkOutcome``).

Lossless: timestamps as ISO 8601 (offset kept), statuses as their values, ``details`` as its
fields and ``raw`` as received. Data is copied with the iterative walk of ``modelreg._walk``
(vendor JSON may nest deeper than Python recurses); typed records are rebuilt by one explicit
cattrs converter. ``from_dict`` rebuilds ``details`` as the provider's declared ``details_type``
(a plain dict when the provider is not installed or declares none), and an outcome's error as
the same modelreg error class with the same attributes.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, TypeVar

import attrs
import cattrs

from modelreg import errors
from modelreg._bulk import BulkOutcome, BulkStatus
from modelreg._codec import Record, install_codec
from modelreg._plugins import provider_class
from modelreg._records import Issue, Model, ModelStatus, Page
from modelreg._walk import Container, rebuild
from modelreg.errors import ConfigurationError, ModelRegError

RecordT = TypeVar("RecordT", bound=Record)

_ERROR_FIELDS = (
    "provider", "status_code", "error_code", "details", "request_id", "retry_after", "excerpt", "timeout",
)  # fmt: skip
"""Error attributes kept as they are (JSON values); ``issues``, ``reset_at`` and ``model`` are converted."""


def _converter() -> cattrs.Converter:
    converter = cattrs.Converter()
    converter.register_unstructure_hook(datetime, datetime.isoformat)
    converter.register_structure_hook(datetime, lambda value, _: _timestamp(value))
    return converter


def plain(value: Any) -> Any:
    """``value`` as JSON data, without recursion: attrs records and mappings as dicts, sequences as lists."""
    return rebuild(value, leaf=_leaf, expand=_open)


def _open(value: Any) -> Container | None:
    if attrs.has(type(value)):
        return {field.name: getattr(value, field.name) for field in attrs.fields(type(value))}
    if isinstance(value, Mapping):
        return value
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    return None


def _leaf(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _timestamp(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValueError(f"a timestamp must be an ISO 8601 string, got {value!r}")
    return datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)


class Serializer:
    """The conversion ``Record.to_dict`` and ``from_dict`` use."""

    def __init__(self) -> None:
        self.converter = _converter()

    # -- to data ---------------------------------------------------------------------------

    def unstructure(self, record: Any) -> dict[str, Any]:
        """``record`` as JSON-ready data."""
        if isinstance(record, Model):
            return self._model(record)
        if isinstance(record, Page):
            return {
                "items": [self._item(item) for item in record.items],
                "page": record.page,
                "page_size": record.page_size,
                "total": record.total,
                "has_more": record.has_more,
            }
        if isinstance(record, BulkOutcome):
            return {
                "provider": record.provider,
                "id": record.id,
                "status": record.status.value,
                "detail": record.detail,
                "error": None if record.error is None else self._error(record.error),
            }
        data: dict[str, Any] = self.converter.unstructure(record)
        return data

    def _item(self, item: Any) -> Any:
        return self.unstructure(item) if isinstance(item, Record) else self.converter.unstructure(item)

    def _model(self, model: Model) -> dict[str, Any]:
        return {
            "provider": model.provider,
            "id": model.id,
            "name": model.name,
            "description": model.description,
            "status": model.status.value,
            "created_at": None if model.created_at is None else model.created_at.isoformat(),
            "updated_at": None if model.updated_at is None else model.updated_at.isoformat(),
            "details": plain(model.details),
            "raw": plain(model.raw),
        }

    def _error(self, error: Exception) -> dict[str, Any]:
        base = next((cls for cls in type(error).__mro__ if vars(errors).get(cls.__name__) is cls), Exception)
        data: dict[str, Any] = {"type": type(error).__name__, "base": base.__name__, "message": str(error)}
        for name in _ERROR_FIELDS:
            if name in vars(error) or hasattr(type(error), name):
                data[name] = plain(getattr(error, name, None))
        if isinstance(error, errors.ValidationFailed):
            data["issues"] = [self.converter.unstructure(issue) for issue in error.issues]
        if isinstance(error, errors.RateLimited):
            data["reset_at"] = None if error.reset_at is None else error.reset_at.isoformat()
        model = getattr(error, "model", None)
        if isinstance(model, Model):
            data["model"] = self._model(model)
        return data

    # -- from data -------------------------------------------------------------------------

    def structure(self, data: Mapping[str, Any], cls: type[RecordT], **options: Any) -> RecordT:
        """A ``cls`` from data ``unstructure`` made; ``ValueError`` naming what is wrong otherwise."""
        if not isinstance(data, Mapping):
            raise ValueError(f"{cls.__name__}.from_dict needs a mapping, got {type(data).__name__}")
        try:
            if issubclass(cls, Model):
                built: Any = self._model_from(data)
            elif issubclass(cls, Page):
                item_type = options.get("item_type", Model)
                items = tuple(self._item_from(item, item_type) for item in data["items"])
                fields = {key: data[key] for key in ("page", "page_size", "total", "has_more") if key in data}
                built = Page(items=items, **fields)
            elif issubclass(cls, BulkOutcome):
                error = data.get("error")
                built = BulkOutcome(
                    data["provider"], data["id"], BulkStatus(data["status"]), data.get("detail"),
                    None if error is None else self._error_from(error),
                )  # fmt: skip
            else:
                built = self.converter.structure(dict(data), cls)
        except (KeyError, TypeError, ValueError, cattrs.BaseValidationError) as exc:
            raise ValueError(f"{cls.__name__}.from_dict: the data does not describe one ({_why(exc)})") from None
        result: RecordT = built
        return result

    def _item_from(self, item: Any, item_type: type[Any]) -> Any:
        if isinstance(item_type, type) and issubclass(item_type, Record):
            return self.structure(item, item_type)
        return self.converter.structure(item, item_type)

    def _model_from(self, data: Mapping[str, Any]) -> Model:
        provider = data["provider"]
        details = data.get("details")
        details_type = _details_type(provider)
        if details_type is not None and isinstance(details, Mapping):
            details = self.converter.structure(dict(details), details_type)
        created, updated = data.get("created_at"), data.get("updated_at")
        return Model(
            provider=provider,
            id=str(data["id"]),
            name=data["name"],
            description=data.get("description"),
            status=ModelStatus(data.get("status", ModelStatus.UNKNOWN.value)),
            created_at=None if created is None else _timestamp(created),
            updated_at=None if updated is None else _timestamp(updated),
            details=details,
            raw=plain(data.get("raw") or {}),
        )

    def _error_from(self, data: Mapping[str, Any]) -> Exception:
        found = vars(errors).get(data.get("type", "")) or vars(errors).get(data.get("base", ""))
        cls: type[Exception] = found if isinstance(found, type) and issubclass(found, Exception) else ModelRegError
        error = cls.__new__(cls)
        message = str(data.get("message", ""))
        Exception.__init__(error, message)
        error.__dict__["message"] = message
        for name in _ERROR_FIELDS:
            if name in data:
                error.__dict__[name] = plain(data[name])
        if "issues" in data:
            error.__dict__["issues"] = tuple(self.converter.structure(issue, Issue) for issue in data["issues"])
        if "reset_at" in data:
            error.__dict__["reset_at"] = None if data["reset_at"] is None else _timestamp(data["reset_at"])
        if isinstance(data.get("model"), Mapping):
            error.__dict__["model"] = self._model_from(data["model"])
        return error


def _details_type(provider: Any) -> type[Any] | None:
    """The provider's declared details class, or None (details then stay a plain dict)."""
    try:
        return provider_class(str(provider)).details_type
    except ConfigurationError:
        return None


def _why(exc: BaseException) -> str:
    if isinstance(exc, cattrs.BaseValidationError):
        return "; ".join(cattrs.transform_error(exc))
    if isinstance(exc, KeyError):
        return f"missing {exc.args[0]!r}"
    return str(exc)


install_codec(Serializer())
