"""The cassette leak scanner finds credentials and key-like strings, and passes clean cassettes."""

from __future__ import annotations

from pathlib import Path

import pytest

from modelreg.testing import scan_cassette, scan_text

CLEAN = """\
interactions:
- request:
    body: '{"name":"Cardiology EN","api_key":"***"}'
    headers:
      authorization:
      - '***'
      x-blocks-key:
      - '***'
    method: POST
    uri: https://api.example/models/?project_key=%2A%2A%2A
  response:
    body:
      string: '{"_id": "65f1c0ffee0123456789abcd", "item_id": "3f2b6c1e-9a7d-4c1b-8e2f-0a1b2c3d4e5f",
        "uuid_hex": "3f2b6c1e9a7d4c1b8e2f0a1b2c3d4e5f", "path": "/api/v3/custom_models/12/data/"}'
    headers: {}
    status: {code: 201, message: Created}
version: 1
"""


def _cassette(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "c.yaml"
    path.write_text(text)
    return path


def test_a_scrubbed_cassette_with_ids_and_paths_is_clean(tmp_path: Path) -> None:
    assert scan_cassette(_cassette(tmp_path, CLEAN), secrets=["fake-key-123"]) == []


@pytest.mark.parametrize(
    ("planted", "kind"),
    [
        ("sk-abcdef1234567890", "sk- key"),
        ("Bearer eyJhbGciOiJIUzI1NiJ9", "bearer token"),
        ("a" * 8 + "0123456789abcdef" * 2 + "deadbeef", "long hex run"),
        ("QWxhZGRpbjpvcGVuIHNlc2FtZTEyMzQ1Njc4OTBhYmNkZWZn", "long base64 run"),
        ("fake-key-123", "known secret"),
    ],
)
def test_each_kind_of_planted_credential_is_found(tmp_path: Path, planted: str, kind: str) -> None:
    path = _cassette(tmp_path, CLEAN.replace("Cardiology EN", planted))
    leaks = scan_cassette(path, secrets=["fake-key-123"])
    assert kind in {leak.kind for leak in leaks}
    assert all(planted not in str(leak) for leak in leaks), "a report must not repeat the secret"


@pytest.mark.parametrize("header", ["authorization", "x-blocks-key", "x-zoom-s2t-key"])
def test_an_unmasked_credential_header_is_found(tmp_path: Path, header: str) -> None:
    path = _cassette(
        tmp_path,
        CLEAN.replace(f"{header}:\n      - '***'", f"{header}:\n      - plain").replace(
            "authorization:\n      - '***'", f"{header}:\n      - plain"
        ),
    )
    assert f"unmasked {header} header" in {leak.kind for leak in scan_cassette(path)}


def test_words_and_paths_are_not_mistaken_for_base64() -> None:
    assert scan_text("/api/v3/custom_models/123/training_data/upload/confirmation_page") == []
