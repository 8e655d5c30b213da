"""Whatever a vendor answers, every operation returns a record or raises a modelreg error, nothing else.

Each example drives one operation of a provider through a real registry whose transport answers
every request of the flow (token fetch, pages, polls, the get after a create) with a fuzzed status,
headers and body: the documented answer to that request mutated, arbitrary JSON, or bytes that are
not JSON.
"""

from __future__ import annotations

import math
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from modelreg import ModelRegError
from modelreg._plugins import provider_class
from modelreg.provider import Limit
from tests.fuzz.operations import PROFILES, Profile
from tests.fuzz.strategies import (
    EXAMPLES,
    FUZZ,
    HUGE_INT,
    OUTCOMES,
    bodies,
    documented_answers,
    encode,
    field_paths,
    headers,
    mutate,
    pattern,
    statuses,
)

MIN_EXAMPLES = 50
"""Fewer examples than this means hypothesis gave up early: the test fails rather than pass quietly."""


class Answers:
    """Draws each answer from the running example as the request arrives."""

    def __init__(self, provider: str) -> None:
        self.provider = provider
        self.data: Any = None
        self.requests = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        status = self.data.draw(statuses, label="status")
        body = self.data.draw(bodies(self.provider, request.method, request.url.path), label="body")
        return httpx.Response(status, headers=self.data.draw(headers(), label="headers"), content=body)


def _outcome(profile: Profile, registry: Any, operation: str) -> Any:
    try:
        return profile.calls[operation](registry)
    except ModelRegError as exc:
        return exc


def one_at_a_time(provider: str) -> dict[str, Limit]:
    """Limits that fetch one page at a time and pace nothing: hypothesis draws from one thread at a time."""
    return {operation: Limit(concurrency=1) for operation in {*provider_class(provider).limits, "list", "*"}}


@pytest.mark.parametrize("profile", list(PROFILES.values()), ids=list(PROFILES))
def test_any_answer_gives_a_record_or_a_modelreg_error(profile: Profile) -> None:
    answers = Answers(profile.provider)
    name = f"parsers[{profile.provider}:{','.join(sorted(profile.settings))}]"
    limits = one_at_a_time(profile.provider)

    @FUZZ
    @given(operation=st.sampled_from(sorted(profile.calls)), data=st.data())
    def check(operation: str, data: st.DataObject) -> None:
        answers.data = data
        # A fresh registry each time: no token, pacing or clock state carries over between examples.
        with profile.connect(httpx.MockTransport(answers), limits=limits) as registry:
            outcome = _outcome(profile, registry, operation)
        EXAMPLES[name] += 1
        OUTCOMES[name]["error" if isinstance(outcome, ModelRegError) else "record"] += 1

    check()
    assert EXAMPLES[name] >= MIN_EXAMPLES
    assert answers.requests >= EXAMPLES[name] // 2, "most examples must reach the transport"


SWEEP_VALUES: tuple[Any, ...] = (None, HUGE_INT, -1, 1.5, math.inf, math.nan, "x", [], {}, True)
TOKEN_PATH = "/authentication/v1/OAuth/Token"
GOOD_TOKEN = b'{"access_token": "sweep-token-0001", "token_type": "Bearer", "expires_in": 3600}'
SWEEP_PATHS = 40


class Sweep:
    """Answers each request with its first documented answer, one field at any depth (or all) swapped."""

    def __init__(self, provider: str) -> None:
        self.provider = provider
        self.index: int | None = None
        self.value: Any = None

    def swap(self, body: Any) -> Any:
        if self.index is None:
            return {key: self.value for key in body} if isinstance(body, dict) and body else self.value
        # Field paths at any depth, the first element standing for every element of a list.
        paths = [p for p in field_paths(body) if p and all(step == 0 for step in p if isinstance(step, int))]
        if not paths:
            return body
        return mutate(body, paths[self.index % len(paths)], "retype", self.value)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == TOKEN_PATH:  # the token parser is fuzzed above; here the token is good
            return httpx.Response(200, headers={"content-type": "application/json"}, content=GOOD_TOKEN)
        bases = documented_answers(self.provider).get((request.method, pattern(request.url.path)), ({},))
        return httpx.Response(200, headers={"content-type": "application/json"}, content=encode(self.swap(bases[0])))


@pytest.mark.parametrize("profile", list(PROFILES.values()), ids=list(PROFILES))
def test_each_documented_field_of_the_wrong_type_gives_a_record_or_a_modelreg_error(profile: Profile) -> None:
    """A deterministic sweep: every operation, every field position, every wrong type (and all fields at once)."""
    sweep = Sweep(profile.provider)
    name = f"sweep[{profile.provider}:{','.join(sorted(profile.settings))}]"
    with profile.connect(httpx.MockTransport(sweep)) as registry:
        for operation in sorted(profile.calls):
            for index in (None, *range(SWEEP_PATHS)):
                for value in SWEEP_VALUES:
                    sweep.index, sweep.value = index, value
                    registry._provider.reauthorize()
                    outcome = _outcome(profile, registry, operation)
                    EXAMPLES[name] += 1
                    OUTCOMES[name]["error" if isinstance(outcome, ModelRegError) else "record"] += 1
    assert OUTCOMES[name]["record"] > 0
