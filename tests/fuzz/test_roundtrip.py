"""Records round-trip through each provider's cattrs converter without losing anything.

Each provider's codec module offers ``configure_converter(converter)``; on a fresh converter:
details survive unstructure → structure unchanged, a wire model built from details parses back
into the same details with ``raw`` kept as received, and a parsed model parses again from its
own ``raw`` (documented answers and generated ones alike).
"""

from __future__ import annotations

import importlib
import types
import typing
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

import attrs
import cattrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from modelreg import Model
from modelreg._plugins import provider_class
from tests.fuzz.strategies import EXAMPLES, FUZZ, documented_bodies

PROVIDERS = ("scriptix", "selise")
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=10,
)
# Vendors write timestamps to the second, in UTC.
TIMES = st.datetimes(min_value=datetime(1971, 1, 2), max_value=datetime(2999, 1, 1)).map(
    lambda t: t.replace(microsecond=0, tzinfo=timezone.utc)
)


def codec(provider: str) -> types.ModuleType:
    """The provider's codec module: the one defining ``configure_converter``."""
    package = provider_class(provider).__module__.rpartition(".")[0] or provider_class(provider).__module__
    return importlib.import_module(f"{package}._codec")


def converter(provider: str) -> cattrs.Converter:
    """A fresh converter set up by the provider's ``configure_converter``."""
    fresh = cattrs.Converter()
    codec(provider).configure_converter(fresh)
    return fresh


def details_class(provider: str) -> type:
    """The provider's details record class, found on the ``Model`` its codec builds."""
    module = codec(provider)
    classes = [v for v in vars(module).values() if isinstance(v, type) and v.__name__.endswith("Details")]
    assert len(classes) == 1, f"{module.__name__} should import exactly one *Details record"
    return classes[0]


def strategy_for(tp: Any) -> st.SearchStrategy[Any]:
    """Values of an attrs field type: optional scalars, timestamps, mappings, tuples, nested records."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(strategy_for(a) for a in args))
    if tp is type(None):
        return st.none()
    if tp is str:
        return st.text(max_size=30)
    if tp is bool:
        return st.booleans()
    if tp is int:
        return st.integers(min_value=-(2**53), max_value=2**53)
    if tp is float:
        return st.floats(allow_nan=False, allow_infinity=False).map(lambda f: f + 0.0)
    if tp is datetime:
        return TIMES
    if origin is tuple and args and args[-1] is Ellipsis:
        return st.lists(strategy_for(args[0]), max_size=3).map(tuple)
    if origin in (Mapping, dict, typing.Mapping):
        return st.dictionaries(st.text(max_size=8), JSON, max_size=3)
    if attrs.has(tp):
        return records(tp)
    return JSON


def records(cls: type) -> st.SearchStrategy[Any]:
    """Instances of an attrs class with every field drawn from its type."""
    hints = typing.get_type_hints(cls)
    return st.builds(cls, **{f.name: strategy_for(hints[f.name]) for f in attrs.fields(cls) if f.init})


@pytest.mark.parametrize("provider", PROVIDERS)
def test_details_survive_unstructure_then_structure(provider: str) -> None:
    conv, cls = converter(provider), details_class(provider)

    @FUZZ
    @given(records(cls))
    def check(details: Any) -> None:
        EXAMPLES[f"roundtrip-details[{provider}]"] += 1
        assert conv.structure(conv.unstructure(details), cls) == details

    check()


def _model_from_raw_again(conv: cattrs.Converter, wire: dict[str, Any]) -> Model:
    model = conv.structure(wire, Model)
    assert model.raw == wire, "raw must be the answer as received"
    again = conv.structure(model.raw, Model)
    assert again == model
    assert again.details == model.details
    assert again.raw == model.raw
    return model


def _documented_models(provider: str) -> list[dict[str, Any]]:
    conv = converter(provider)
    found = []
    for body in documented_bodies(provider):
        candidates = [body, *(body.values() if isinstance(body, dict) else body)]
        for item in candidates:
            items = item if isinstance(item, list) else [item]
            for candidate in items:
                try:
                    conv.structure(candidate, Model)
                except Exception:  # only the documented bodies that are models are kept
                    continue
                found.append(candidate)
    return found


@pytest.mark.parametrize("provider", PROVIDERS)
def test_documented_models_parse_again_from_their_raw(provider: str) -> None:
    wires = _documented_models(provider)
    assert len(wires) >= 3, f"expected documented {provider} models in the cassettes, found {len(wires)}"
    conv = converter(provider)
    for wire in wires:
        _model_from_raw_again(conv, wire)


def _same_type(value: Any) -> st.SearchStrategy[Any]:
    """Another value of the JSON type of ``value`` (timestamps stay timestamps)."""
    if isinstance(value, bool):
        return st.booleans()
    if isinstance(value, int):
        return st.integers(min_value=0, max_value=2**53)
    if isinstance(value, float):
        return st.floats(allow_nan=False, allow_infinity=False)
    if isinstance(value, str):
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return st.text(max_size=30)
        return TIMES.map(lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return st.just(value)


@st.composite
def varied_models(draw: st.DrawFn, provider: str) -> dict[str, Any]:
    """A documented model with each field, except its id, given another value of the same type."""
    base = draw(st.sampled_from(_documented_models(provider)))
    return {
        key: value if key.lower().replace("_", "").endswith("id") else draw(_same_type(value))
        for key, value in base.items()
    }


@pytest.mark.parametrize("provider", PROVIDERS)
def test_varied_documented_models_parse_again_from_their_raw(provider: str) -> None:
    conv = converter(provider)

    @FUZZ
    @given(varied_models(provider))
    def check(wire: dict[str, Any]) -> None:
        EXAMPLES[f"roundtrip-models[{provider}]"] += 1
        _model_from_raw_again(conv, wire)

    check()


def test_scriptix_details_unstructure_to_its_wire_form() -> None:
    """Scriptix details carry the vendor's own field names: a wire model built from them gives them back."""
    conv, cls = converter("scriptix"), details_class("scriptix")

    @FUZZ
    @given(details=records(cls), model_id=st.integers(min_value=1, max_value=2**31), name=st.text(max_size=30))
    def check(details: Any, model_id: int, name: str) -> None:
        EXAMPLES["roundtrip-wire[scriptix]"] += 1
        model = _model_from_raw_again(conv, {**conv.unstructure(details), "id": model_id, "name": name})
        assert model.details == details
        assert model.id == str(model_id)

    check()
