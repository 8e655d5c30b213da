"""Holding a flow's first answer unread and resuming it later gives the same result as running it whole."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import httpx
import pytest

from modelreg import NotFound
from modelreg._pagination import Held, hold_answer, resume
from modelreg.provider import Pause


def request(path: str) -> httpx.Request:
    return httpx.Request("GET", f"https://api.example{path}")


def answer(text: str) -> httpx.Response:
    return httpx.Response(200, text=text)


def drive(flow: Generator[Any, Any, Any], answers: dict[str, Any]) -> tuple[Any, list[str]]:
    """Run ``flow`` as the engine would: each request gets its answer (or has its error thrown in)."""
    asked: list[str] = []
    value: Any = None
    error: Exception | None = None
    while True:
        try:
            step = flow.throw(error) if error is not None else flow.send(value)
        except StopIteration as stop:
            return stop.value, asked
        error = None
        if isinstance(step, Pause):
            value = 0.0
            continue
        asked.append(step.url.path)
        outcome = answers[step.url.path]
        if isinstance(outcome, Exception):
            error, value = outcome, None
        else:
            value = outcome


def one_request() -> Generator[Any, Any, str]:
    response = yield request("/one")
    return f"parsed {response.text}"


def two_requests() -> Generator[Any, Any, str]:
    first = yield request("/one")
    second = yield request("/two")
    return f"{first.text}+{second.text}"


def test_the_answer_is_held_unread_and_parsed_on_resume_without_another_request() -> None:
    held, asked = drive(hold_answer(one_request()), {"/one": answer("page")})
    assert isinstance(held, Held) and held.answer.text == "page" and asked == ["/one"]
    result, asked = drive(resume(held), {})
    assert result == "parsed page" and asked == []


def test_a_flow_with_more_requests_sends_the_rest_on_resume() -> None:
    answers = {"/one": answer("a"), "/two": answer("b")}
    held, _ = drive(hold_answer(two_requests()), answers)
    result, asked = drive(resume(held), answers)
    assert result == "a+b" and asked == ["/two"]


def test_an_error_on_the_first_request_reaches_the_flow_which_may_handle_it() -> None:
    def tolerant() -> Generator[Any, Any, str]:
        try:
            yield request("/one")
        except NotFound:
            response = yield request("/two")
            return f"fallback {response.text}"
        return "unreachable"

    result, asked = drive(hold_answer(tolerant()), {"/one": NotFound("gone"), "/two": answer("b")})
    assert result == "fallback b" and asked == ["/one", "/two"]


def test_an_error_the_flow_does_not_handle_propagates() -> None:
    with pytest.raises(NotFound, match="gone"):
        drive(hold_answer(one_request()), {"/one": NotFound("gone")})


def test_a_flow_that_pauses_first_or_sends_nothing_runs_to_its_end() -> None:
    def pausing() -> Generator[Any, Any, str]:
        yield Pause(1.0)
        response = yield request("/one")
        return response.text

    def idle() -> Generator[Any, Any, str]:
        yield from ()  # a generator all the same
        return "nothing to send"

    assert drive(hold_answer(pausing()), {"/one": answer("x")})[0] == "x"
    assert drive(hold_answer(idle()), {}) == ("nothing to send", [])
