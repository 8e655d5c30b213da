"""The pytest plugin end to end with the toy provider: record against the sandbox, replay offline."""

from __future__ import annotations

from pathlib import Path

import pytest
import vcr  # noqa: F401  imported here so that in-process pytester runs share one yaml module
import yaml  # noqa: F401

EXAMPLE = """
import modelreg

def test_creates_and_lists(modelreg_cassette):
    with modelreg_cassette.connect("toy") as registry:
        created = registry.create(name="Cardiology EN")
        assert [m.name for m in registry.list()] == ["Cardiology EN"]
        assert registry.get(created.id).name == "Cardiology EN"
"""


def test_records_then_replays(toy: Path, pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_example=EXAMPLE)
    recorded = pytester.runpytest("--modelreg-record-mode=once", "-p", "no:cacheprovider")
    recorded.assert_outcomes(passed=1)
    cassette = pytester.path / "cassettes" / "test_example" / "test_creates_and_lists.yaml"
    assert cassette.exists()
    text = cassette.read_text()
    assert "toy-secret-token-123" not in text
    replayed = pytester.runpytest("-p", "no:cacheprovider")
    replayed.assert_outcomes(passed=1)
