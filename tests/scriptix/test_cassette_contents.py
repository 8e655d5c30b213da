"""Scriptix cassettes: what the recorded interactions show, and that no key is in them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tests.scenarios.scriptix import API_KEY

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes" / "scriptix"


def interactions(name: str) -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = yaml.safe_load((CASSETTES / f"{name}.yaml").read_text())["interactions"]
    return loaded


def steps(name: str) -> list[tuple[str, str, int]]:
    return [
        (
            i["request"]["method"],
            i["request"]["uri"].split("/api/v3/custom_models", 1)[1],
            i["response"]["status"]["code"],
        )
        for i in interactions(name)
    ]


def test_every_request_was_recorded_with_a_masked_bearer_key() -> None:
    for path in sorted(CASSETTES.glob("*.yaml")):
        for interaction in interactions(path.stem):
            headers = interaction["request"]["headers"]
            assert headers["authorization"] == ["***"], path.name
        assert API_KEY not in path.read_text()


def test_the_lifecycle_cassette_walks_the_documented_statuses() -> None:
    assert steps("lifecycle") == [
        ("POST", "", 201),
        ("PUT", "/1/data", 200),
        ("PUT", "/1/data", 200),
        ("POST", "/1/run", 200),
        ("GET", "/1", 200),
        ("GET", "?page=1&per_page=100", 200),
        ("POST", "/1", 200),
        ("DELETE", "/1", 204),
    ]
    statuses = [
        yaml.safe_load(i["response"]["body"]["string"]).get("training_status")
        for i in interactions("lifecycle")
        if i["response"]["body"]["string"] and i["request"]["method"] != "GET"
    ]
    assert statuses == [1, 2, 2, 3, 4]


def test_the_upload_cassette_is_one_multipart_put() -> None:
    (interaction,) = interactions("upload_training_data")
    request = interaction["request"]
    assert request["headers"]["content-type"][0].startswith("multipart/form-data; boundary=")
    assert 'name="audio_file"; filename="cardiology_02.mp3"' in request["body"]
    assert 'name="transcript_file"; filename="cardiology_02.txt"' in request["body"]


def test_the_error_cassettes_hold_the_documented_answers() -> None:
    assert steps("delete_409") == [("DELETE", "/1", 409)]
    assert steps("create_402") == [("POST", "", 402)]
    assert steps("unauthorized_401") == [("GET", "/1", 401)]
    assert steps("train_204") == [("POST", "/3/run", 204), ("GET", "/3", 200)]
    assert steps("rate_limited_429") == [("POST", "", 201), ("POST", "", 429)]
    assert interactions("rate_limited_429")[1]["response"]["headers"]["retry-after"] == ["3600"]
