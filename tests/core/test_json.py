"""Answers decode the same with orjson (the fast extra) as with the standard library alone."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

import modelreg
from modelreg import _json
from tests.fuzz.strategies import FUZZ, documented_bodies

pytestmark = pytest.mark.skipif(_json.orjson_loads is None, reason="the fast extra (orjson) is not installed")
DECODERS = {"orjson": _json.orjson_loads, "json": _json.stdlib_loads}
SCALARS = st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.floats(allow_nan=False) | st.text()
DOCUMENTS = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4), max_leaves=20
)


def test_orjson_is_the_decoder_when_installed() -> None:
    assert _json.BACKEND == "orjson" and _json.loads is _json.orjson_loads


@FUZZ
@given(DOCUMENTS)
def test_both_decoders_give_the_same_values(document: Any) -> None:
    assert _json.orjson_loads is not None
    content = json.dumps(document).encode()
    assert _json.orjson_loads(content) == _json.stdlib_loads(content)


@pytest.mark.parametrize(
    "content",
    [b"[NaN, Infinity, -Infinity]", b'"\\ud800"', b"\xef\xbb\xbf{}", '{"\u00e9": 1}'.encode("utf-16"), b"[1E400]"],
    ids=["nan", "lone-surrogate", "bom", "utf-16", "overflow"],
)
def test_what_orjson_refuses_is_read_as_the_standard_library_reads_it(content: bytes) -> None:
    assert _json.orjson_loads is not None
    assert repr(_json.orjson_loads(content)) == repr(json.loads(content))


@pytest.mark.parametrize("content", [b"", b"{", b'"\xff"', b"[1,]"])
def test_what_neither_accepts_fails_as_the_standard_library_fails(content: bytes) -> None:
    assert _json.orjson_loads is not None
    with pytest.raises((ValueError, UnicodeDecodeError)) as expected:
        json.loads(content)
    with pytest.raises(expected.type):
        _json.orjson_loads(content)


@pytest.mark.parametrize("provider", ["scriptix", "selise"])
def test_documented_answers_make_the_same_records_with_either_decoder(
    provider: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every recorded answer that parses as a page or a model parses the same whichever decoder read it."""
    bodies = [json.dumps(body).encode() for body in documented_bodies(provider)]
    results: dict[str, list[Any]] = {}
    for name, decoder in DECODERS.items():
        monkeypatch.setattr(_json, "loads", decoder)
        results[name] = [_parse(provider, body) for body in bodies]
    assert results["orjson"] == results["json"]
    assert sum(1 for outcome in results["json"] if not isinstance(outcome, str)) >= 3


def _parse(provider: str, content: bytes) -> Any:
    """The models (with their raw) a provider's list and get parsers make of ``content``, or the error's type."""
    registry = modelreg.connect(provider, sandbox=True)
    try:
        model_id = "123" if provider == "scriptix" else "mdl_000001"
        flows = [registry._provider.list_page(1, 25, {}), registry._provider.get(model_id)]
    finally:
        registry.close()
    outcomes: list[Any] = []
    for flow in flows:
        request = next(flow)
        assert isinstance(request, httpx.Request)
        response = httpx.Response(200, content=content, headers={"content-type": "application/json"}, request=request)
        try:
            flow.send(response)
        except StopIteration as stop:
            items = getattr(stop.value, "items", (stop.value,))
            outcomes.append([(model, dict(model.raw)) for model in items])
        except Exception as exc:  # a body that is not this operation's shape
            outcomes.append(type(exc).__name__)
    return outcomes


@pytest.mark.parametrize("decoder", DECODERS)
@pytest.mark.parametrize("provider", ["scriptix", "selise"])
def test_a_sandbox_listing_reads_the_same_with_either_decoder(
    provider: str, decoder: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_json, "loads", DECODERS[decoder])
    with modelreg.connect(provider, sandbox=True) as reg:
        assert reg.sandbox is not None
        reg.sandbox.seed()
        models = list(reg.list())
        again = [reg.get(model.id) for model in models]
    assert models and models == again
    assert [dict(model.raw) for model in models] == [dict(model.raw) for model in again]


def test_without_orjson_the_standard_library_decodes_everything() -> None:
    """With orjson not importable, modelreg decodes with json alone and a sandbox listing still works."""
    script = textwrap.dedent(
        """
        import sys
        sys.modules["orjson"] = None  # as if the fast extra were not installed
        import modelreg
        from modelreg import _json
        assert _json.BACKEND == "json" and _json.orjson_loads is None, _json.BACKEND
        with modelreg.connect("scriptix", sandbox=True) as reg:
            print(len(list(reg.list())))
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert int(out) == 5
