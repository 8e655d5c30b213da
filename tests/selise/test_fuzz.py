"""Whatever a 2xx answer holds, the provider returns a record or raises a modelreg error, nothing else."""

from __future__ import annotations

from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import modelreg
from tests.selise.helpers import connect, model_doc

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12)
)
JSON = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=20,
)
KEYS = st.sampled_from(
    [
        "_id",
        "id",
        "ItemId",
        "IsActive",
        "is_active",
        "CreatedDate",
        "createdAt",
        "MaxTokens",
        "DefaultTemp",
        "validation_status",
        "provider",
        "display_name",
        "custom_headers",
        "api_key",
        "items",
        "total",
        "data",
        "is_success",
        "is_valid",
        "access_token",
        "model_id",
        "model_name",
        "capabilities",
        "pricing",
    ]
)
DOCS = st.dictionaries(KEYS, JSON, max_size=10)
ANSWERS = st.one_of(JSON, DOCS, st.lists(DOCS, max_size=3), st.builds(lambda d: {"items": [d], "total": 1}, DOCS))


def _outcome(body: Any, call: str) -> Any:
    reg, _ = connect(lambda request: httpx.Response(200, json=body))
    try:
        if call == "list":
            return reg.list_page()
        if call == "get":
            return reg.get("m1")
        if call == "validate":
            return reg.validate("m1")
        if call == "agents":
            return reg.agent_models()
        if call == "catalogue":
            return reg.catalogue("openai")
        return reg.delete("m1")
    except modelreg.ModelRegError as exc:
        return exc


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(body=ANSWERS, call=st.sampled_from(["list", "get", "validate", "agents", "catalogue", "delete"]))
def test_any_answer_is_a_record_or_a_modelreg_error(body: Any, call: str) -> None:
    _outcome(body, call)  # any other exception fails the test


@settings(max_examples=100, deadline=None)
@given(changes=st.dictionaries(KEYS, JSON, max_size=4))
def test_a_mangled_model_document_never_escapes_as_a_python_error(changes: dict) -> None:
    outcome = _outcome({**model_doc("m1"), **changes}, "get")
    assert isinstance(outcome, (modelreg.Model, modelreg.ModelRegError))
