"""A cassette registry given ``transport=`` records what that transport answers, and replays it without it."""

from __future__ import annotations

from pathlib import Path

import httpx

from modelreg.testing import Recording


def _scripted(calls: list[str]) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        return httpx.Response(200, json={"id": 41, "name": "scripted answer", "state": "live"})

    return httpx.MockTransport(answer)


def test_the_given_transport_answers_the_recording_and_the_replay_needs_it_no_more(toy: Path, tmp_path: Path) -> None:
    cassette = tmp_path / "scripted.yaml"
    calls: list[str] = []
    with Recording(cassette, record_mode="once") as recording:
        assert recording.connect("toy", transport=_scripted(calls)).get(41).name == "scripted answer"
    assert calls == ["/v1/models/41"]
    assert "scripted answer" in cassette.read_text()

    with Recording(cassette) as replay:
        assert replay.connect("toy", transport=_scripted(calls)).get(41).name == "scripted answer"
    assert calls == ["/v1/models/41"], "the replay reached the transport"
