"""After a server's 429 with a long Retry-After, the next refusal blames the server, not a client-side limit."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

import modelreg
from modelreg.errors import RateLimited
from modelreg.provider import Limit


def _always_429(request: httpx.Request) -> httpx.Response:
    return httpx.Response(429, headers={"retry-after": "3600"}, json={"message": "slow down"})


def test_a_call_refused_during_the_servers_back_off_says_the_server_asked_and_does_not_suggest_limits(
    toy: Path,
) -> None:
    # The toy declares a client-side list limit (100 a minute): the wait is the server's, not that one.
    with modelreg.connect("toy", transport=httpx.MockTransport(_always_429), max_retries=0) as reg:
        with pytest.raises(RateLimited):
            reg.list_page()
        with pytest.raises(RateLimited) as refused:
            reg.list_page()
    message = str(refused.value)
    assert "the server asked to wait" in message, message
    assert "client-side limit" not in message and "limits=" not in message, message
    assert refused.value.retry_after is not None and refused.value.retry_after > 3000


def test_a_wait_imposed_by_the_client_side_limit_still_says_so_and_suggests_limits(toy: Path) -> None:
    served = httpx.MockTransport(lambda request: httpx.Response(200, json={"items": [], "total": 0}))
    limits = {"list": Limit(calls=1, period=3600)}
    with modelreg.connect("toy", transport=served, limits=limits) as reg:
        reg.list_page()
        with pytest.raises(RateLimited) as refused:
            reg.list_page()
    message = str(refused.value)
    assert "client-side limit" in message and "limits=" in message, message
