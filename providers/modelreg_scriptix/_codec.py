"""Wire conversion for Scriptix, in one place: JSON bodies to records on an explicit cattrs converter.

``configure_converter(converter)`` registers one hand-written structure hook per record (and
unstructures timestamps the way Scriptix writes them). Models are read by one flat loop per page
(``_models``): each key layout is planned once and each model read by position, the records are
filled through their plain slot bases (``modelreg.provider.RecordSlots``), and ``raw`` is a
``RawModel`` rebuilt from the typed fields whenever they hold everything the answer said (see
``_raw``). A body that is not the documented shape raises ``ProtocolError`` naming the field,
never ``KeyError``/``TypeError``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import Any, TypeVar

import cattrs
import httpx

from modelreg import Model, ModelStatus, Page
from modelreg.errors import ProtocolError
from modelreg.provider import excerpt, parse_timestamp, read_json, record_builder
from modelreg_scriptix._raw import FIELDS, KNOWN, METRICS_KEYS, RawModel
from modelreg_scriptix._records import (
    STATUS_BY_CODE,
    STATUS_MESSAGES,
    ScriptixDetails,
    TrainingData,
    TrainingDataUpload,
    TrainingMetrics,
    _DetailsSlots,
    _MetricsSlots,
)

PROVIDER = "scriptix"
T = TypeVar("T")

_UNKNOWN = ModelStatus.UNKNOWN
_UTC = timezone.utc
_fromisoformat = datetime.fromisoformat
_KINDS = {1: "train", 2: "test", "train": "train", "test": "test"}


class Malformed(ValueError):
    """A field of a Scriptix answer does not have the documented type."""


def configure_converter(converter: cattrs.Converter) -> None:
    """Register Scriptix's structure hooks (models, details, metrics, training data) on ``converter``."""
    converter.register_structure_hook(datetime, lambda value, _: _timestamp(value, "timestamp"))
    converter.register_structure_hook(TrainingMetrics, lambda value, _: _metrics(value))
    converter.register_structure_hook(ScriptixDetails, lambda value, _: _details(value))
    # By predicate: registering the class itself makes cattrs resolve Model's annotations in the
    # module it claims (``modelreg``, rewritten for tracebacks), where they do not resolve.
    converter.register_structure_hook_func(lambda cls: cls is Model, lambda value, _: _model(value))
    converter.register_structure_hook(TrainingDataUpload, lambda value, _: _upload(value))
    converter.register_structure_hook(TrainingData, lambda value, _: _dataset(value))
    converter.register_unstructure_hook(datetime, _wire_timestamp)


def make_converter() -> cattrs.Converter:
    """A new converter set up for Scriptix (never the global one)."""
    converter = cattrs.Converter()
    configure_converter(converter)
    return converter


# -- entry points used by the provider: response -> record, malformed -> ProtocolError ---------


def model(response: httpx.Response) -> Model:
    """The model in a 200/201 answer."""
    body = read_json(response, PROVIDER)
    return _guard(response, lambda: _structure_model(body, Model))


def page(response: httpx.Response, number: int, page_size: int) -> Page[Model]:
    """One page of a listing: ``{"count", "total_results", "result": [...]}``."""
    body = read_json(response, PROVIDER)
    return _guard(response, lambda: _page(body, number, page_size))


def upload(response: httpx.Response, model_id: str) -> TrainingDataUpload:
    """The answer to a training-data upload (an empty body gives a record with only the id)."""
    body = read_json(response, PROVIDER) if response.content.strip() else {}
    return _guard(response, lambda: _upload(body, model_id))


def datasets(response: httpx.Response, model_id: str) -> list[TrainingData]:
    """A model's datasets: ``{"result": [...]}`` (or a bare list)."""
    body = read_json(response, PROVIDER)

    def parse() -> list[TrainingData]:
        items = body.get("result") if isinstance(body, dict) else body
        if not isinstance(items, list):
            raise Malformed("a dataset listing needs a 'result' array")
        return [_dataset(item, model_id) for item in items]

    return _guard(response, parse)


def dataset(response: httpx.Response, model_id: str) -> TrainingData:
    """One dataset: ``{"result": {...}}`` (or a bare object)."""
    body = read_json(response, PROVIDER)

    def parse() -> TrainingData:
        item = body.get("result", body) if isinstance(body, dict) else body
        return _dataset(item, model_id)

    return _guard(response, parse)


def _guard(response: httpx.Response, parse: Callable[[], T]) -> T:
    try:
        return parse()
    except (Malformed, cattrs.BaseValidationError) as exc:
        raise ProtocolError(
            f"Scriptix answered {response.status_code} with a body that is not the documented shape: {exc}",
            provider=PROVIDER,
            status_code=response.status_code,
            excerpt=excerpt(response.content),
        ) from None


# -- hooks -----------------------------------------------------------------------------------


def _page(body: Any, number: int, page_size: int) -> Page[Model]:
    if type(body) is not dict or type(body.get("result")) is not list:
        raise Malformed("a listing needs an object with a 'result' array")
    items = tuple(_models(body["result"]))
    total = body.get("total_results")
    if total is not None and (type(total) is not int or total < 0):
        raise Malformed(f"'total_results' must be a non-negative integer, got {total!r}")
    # With a total, more pages exist while this one ends before it; without one, the vendor's
    # own sample keeps going while pages come back full.
    has_more = number * page_size < total if total is not None else len(items) >= page_size
    return Page(items=items, page=number, page_size=page_size, total=total, has_more=has_more and bool(items))


def _models(items: Iterable[Any]) -> list[Model]:
    """Models from their JSON objects, in one loop (one call per page rather than per model)."""
    found: list[Model] = []
    append, shared = found.append, _VOCABULARY.get
    for data in items:
        # One flat loop with the checks inlined: it runs for every model of a page, and each Python
        # operation here costs about as much as decoding a field of the JSON.
        if type(data) is not dict:
            if type(data) is not RawModel:
                raise Malformed(f"a model must be a JSON object, got {type(data).__name__}")
            data = data.to_dict()
        # A listing has a few key layouts (one per training state): each is planned once, and each
        # model is then read by position, in one call.
        keys = tuple(data)
        plan = _plans.get(keys)
        if plan is None:
            plan = _plan(keys)
        (
            model_id,
            name,
            description,
            model_key,
            language,
            base_model,
            code,
            message,
            progress,
            created_text,
            updated_text,
            started_text,
            finished_text,
            metrics,
            error,
        ) = plan[1]((*data.values(), None))
        # ``exact``: the typed fields give the answer back as it came (see _raw), so its dict need not
        # be kept. Any value they would not give back exactly clears it.
        exact = plan[2]
        if type(name) is not str or (
            (description is not None and type(description) is not str)
            or (model_key is not None and type(model_key) is not str)
            or (language is not None and type(language) is not str)
            or (base_model is not None and type(base_model) is not str)
            or (message is not None and type(message) is not str)
        ):
            raise _not_text(data)
        # The same few status messages recur in every page: a kept model holds the one shared copy
        # of a documented message rather than its own (the longest text most models have).
        message = shared(message, message)
        try:
            # Every documented timestamp carries an offset ("Z"): parsed in C, and aware already.
            # A model never changed since training ended (or since it was made) has one time twice.
            created = None if created_text is None else _fromisoformat(created_text)
            started = None if started_text is None else _fromisoformat(started_text)
            finished = None if finished_text is None else _fromisoformat(finished_text)
            if updated_text is None:
                updated = None
            elif updated_text == finished_text:
                updated = finished
            elif updated_text == created_text:
                updated = created
            else:
                updated = _fromisoformat(updated_text)
            # Scriptix's own form, YYYY-MM-DDTHH:MM:SSZ, is written back exactly from the datetime:
            # fromisoformat took only ASCII digits, and this layout leaves no other reading of them.
            if not (
                exact
                and (created_text is None or created_text[7::3] == "-T::Z")
                and (started_text is None or started_text[7::3] == "-T::Z")
                and (finished_text is None or finished_text[7::3] == "-T::Z")
                and (updated_text is None or updated is finished or updated is created or updated_text[7::3] == "-T::Z")
            ):
                exact = False
                if not (
                    (created is None or created.tzinfo is not None)
                    and (updated is None or updated.tzinfo is not None)
                    and (started is None or started.tzinfo is not None)
                    and (finished is None or finished.tzinfo is not None)
                ):
                    raise ValueError("a timestamp without an offset")
        except (TypeError, ValueError):
            exact = False
            created, updated = _timestamp(created_text, "created_at"), _timestamp(updated_text, "updated_at")
            started = _timestamp(started_text, "started_training_at")
            finished = _timestamp(finished_text, "finished_training_at")
        if progress is not None and type(progress) is not int:
            if type(progress) is not float or not math.isfinite(progress):
                raise Malformed(f"'training_progress' must be a finite number, got {progress!r}")
            progress, exact = round(progress), False
        if type(code) is int:
            status = STATUS_BY_CODE.get(code, _UNKNOWN)
        else:
            exact = exact and code is None
            code, status = None, _UNKNOWN
        if metrics is not None:
            if type(metrics) is not dict:
                raise Malformed(f"training_metrics must be a JSON object, got {type(metrics).__name__}")
            rate, gain = metrics.get("word_error_rate"), metrics.get("accuracy_improvement")
            if type(rate) is float and type(gain) is float:
                exact = exact and tuple(metrics) == METRICS_KEYS
            else:
                exact = (
                    exact
                    and tuple(metrics) == METRICS_KEYS
                    and (rate is None or type(rate) is float)
                    and (gain is None or type(gain) is float)
                )
                rate, gain = _number(rate, "word_error_rate"), _number(gain, "accuracy_improvement")
            filled: Any = _MetricsSlots()  # becomes a TrainingMetrics below
            filled.word_error_rate, filled.accuracy_improvement = rate, gain
            filled.__class__ = TrainingMetrics
            metrics = filled
        if error is not None and type(error) is not str:
            error, exact = _error_text(error), False
        # Filled as record_builder would fill them, without a call per record (see _records).
        details: Any = _DetailsSlots()  # becomes a ScriptixDetails below
        details.model_key, details.language, details.base_model = model_key, language, base_model
        details.training_status, details.status_message, details.training_progress = code, message, progress
        details.started_training_at, details.finished_training_at = started, finished
        details.training_metrics, details.error = metrics, error
        details.__class__ = ScriptixDetails
        if type(model_id) is int:
            model_id = str(model_id)
        else:
            model_id, exact = _id(model_id, "model"), False
        if exact:
            # Filled here rather than through RawModel.__init__: a call less per model.
            raw = _new(RawModel)
            raw._keys, raw._id, raw._name, raw._description = plan[0], model_id, name, description
            raw._created, raw._updated, raw._details = created, updated, details
        else:
            raw = data
        append(_new_model(PROVIDER, model_id, name, description, status, created, updated, details, raw))
    return found


def _model(data: Any) -> Model:
    """One model from its JSON object."""
    return _models((data,))[0]


Plan = tuple[tuple[str, ...], Callable[[tuple[Any, ...]], tuple[Any, ...]], bool]
"""A key layout, the picker of ``FIELDS`` from its values (and a final None), and whether RawModel covers it."""
_plans: dict[tuple[str, ...], Plan] = {}
_PLAN_LIMIT = 64


def _plan(keys: tuple[str, ...]) -> Plan:
    """How to read a model with the keys ``keys`` (remembered for the next ones, up to a limit)."""
    where = {key: index for index, key in enumerate(keys)}
    pick = operator.itemgetter(*(where.get(field, len(keys)) for field in FIELDS))
    plan = (keys, pick, KNOWN.issuperset(keys))
    if len(_plans) < _PLAN_LIMIT:
        _plans[keys] = plan
    return plan


_new = object.__new__
_VOCABULARY: dict[str | None, str | None] = {text: text for text in STATUS_MESSAGES}
"""The documented status messages, each one string object that every model shares."""
# _models fills details and metrics in place, as record_builder would: only while it may.
if not (_DetailsSlots.fills(ScriptixDetails) and _MetricsSlots.fills(TrainingMetrics)):
    raise TypeError("ScriptixDetails and TrainingMetrics must stay plain records over their slot bases")


def _details(data: Any) -> ScriptixDetails:
    """A model's details alone (for ``structure(..., ScriptixDetails)``): parsed with their model."""
    data = _object(data, "model")
    details: ScriptixDetails = _model({**data, "id": data.get("id", 0), "name": data.get("name", "")}).details
    return details


def _not_text(data: dict[str, Any]) -> Malformed:
    if type(data.get("name")) is not str:
        return Malformed(f"model 'name' must be a string, got {data.get('name')!r}")
    for key in ("description", "model_key", "language", "base_model", "status_message"):
        value = data.get(key)
        if value is not None and type(value) is not str:
            return Malformed(f"{key!r} must be a string, got {value!r}")
    return Malformed("a text field is not a string")


def _metrics(value: Any) -> TrainingMetrics:
    if type(value) is not dict:
        raise Malformed(f"training_metrics must be a JSON object, got {type(value).__name__}")
    rate, gain = value.get("word_error_rate"), value.get("accuracy_improvement")
    metrics: TrainingMetrics = _new_metrics(
        rate if type(rate) is float else _number(rate, "word_error_rate"),
        gain if type(gain) is float else _number(gain, "accuracy_improvement"),
    )
    return metrics


# Argument orders of the builders, as the calls above pass them.
_new_model = record_builder(
    Model, ("provider", "id", "name", "description", "status", "created_at", "updated_at", "details", "raw")
)
_new_metrics = record_builder(TrainingMetrics, ("word_error_rate", "accuracy_improvement"))


def _upload(value: Any, model_id: str = "") -> TrainingDataUpload:
    value = _object(value, "upload answer")
    code = value.get("training_status")
    return TrainingDataUpload(
        model_id=model_id,
        message=_text(value, "message"),
        data_type=_text(value, "data_type"),
        filename=_text(value, "filename"),
        transcript_filename=_text(value, "transcript_filename"),
        training_status=code if type(code) is int else None,
        status=STATUS_BY_CODE.get(code, _UNKNOWN) if type(code) is int else _UNKNOWN,
        raw=value,
    )


def _dataset(value: Any, model_id: str = "") -> TrainingData:
    value = _object(value, "dataset")
    kind = value.get("type", value.get("data_type"))
    language_id = value.get("language_id")
    if language_id is not None and type(language_id) is not int:
        raise Malformed(f"dataset 'language_id' must be an integer, got {language_id!r}")
    return TrainingData(
        id=_id(value.get("id"), "dataset"),
        model_id=model_id,
        name=_text(value, "name") or _text(value, "filename"),
        kind=_KINDS.get(kind) if isinstance(kind, (int, str)) else None,
        language_id=language_id,
        media_url=_text(value, "media_url"),
        url=_text(value, "url"),
        transcript_filename=_text(value, "transcript_filename"),
        created_at=_timestamp(value.get("created_at"), "created_at"),
        raw=value,
    )


# -- field helpers -----------------------------------------------------------------------------


def _object(value: Any, what: str) -> dict[str, Any]:
    if type(value) is not dict:
        raise Malformed(f"{what} must be a JSON object, got {type(value).__name__}")
    return value


def _id(value: Any, what: str) -> str:
    if type(value) is int:
        return str(value)
    if type(value) is str and value.isdigit():
        return value
    raise Malformed(f"{what} 'id' must be an integer, got {value!r}")


def _text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None or type(value) is str:
        return value
    raise Malformed(f"{key!r} must be a string, got {value!r}")


def _number(value: Any, key: str) -> float | None:
    if value is None:
        return None
    if type(value) is float:
        return value
    if type(value) is int:
        try:
            return float(value)
        except OverflowError:
            raise Malformed(f"{key!r} is too large for a number: {str(value)[:20]}...") from None
    raise Malformed(f"{key!r} must be a number, got {value!r}")


def _error_text(value: Any) -> str | None:
    # Only sample code mentions a failed model's ``error``; accept a string or an error object.
    if value is None or type(value) is str:
        return value
    if type(value) is dict:
        message = value.get("message") or value.get("error_description") or value.get("detail")
        return message if type(message) is str else None
    return None


def _timestamp(value: Any, key: str) -> datetime | None:
    if value is None:
        return None
    if type(value) is not str:
        raise Malformed(f"{key!r} must be an ISO 8601 string, got {value!r}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            # Python 3.10's fromisoformat does not take a trailing Z; the shared helper does.
            return parse_timestamp(value)
        except ValueError:
            raise Malformed(f"{key!r} is not an ISO 8601 timestamp: {value!r}") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=_UTC)


def _wire_timestamp(value: datetime) -> str:
    """A timestamp as Scriptix writes it: UTC, seconds, ``Z``."""
    return value.astimezone(_UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


CONVERTER = make_converter()
_structure_model: Callable[[Any, Any], Model] = CONVERTER.get_structure_hook(Model)
