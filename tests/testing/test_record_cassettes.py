"""The cassette recorder: sandbox by default, live only with credentials, never a leaky cassette."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from modelreg._plugins import provider_classes
from scripts import record_cassettes
from tests.scenarios import Scenario


async def _never(registry: Any) -> None:
    raise AssertionError("not replayed here")


def test_live_recording_refuses_and_names_the_missing_variables(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for cls in provider_classes().values():
        for setting in cls.settings:
            if setting.env:
                monkeypatch.delenv(setting.env, raising=False)
    assert record_cassettes.main(["--live", "scriptix"]) == 2
    err = capsys.readouterr().err
    assert "refusing to record live" in err
    assert "SCRIPTIX_API_KEY" in err


def test_an_unknown_provider_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert record_cassettes.main(["nosuchvendor"]) == 2
    assert "no scenarios for nosuchvendor" in capsys.readouterr().err


def test_a_scenario_is_recorded_against_the_sandbox_scrubbed_and_labelled(toy: Path, tmp_path: Path) -> None:
    scenario = Scenario("toy", run=lambda r: r.create(name="Cardiology EN"), arun=_never)
    path = tmp_path / "create.yaml"
    record_cassettes.record("create", scenario, path, live=False)
    text = path.read_text()
    assert text.startswith("# Recorded by `make cassettes` (scripts/record_cassettes.py) against the toy sandbox")
    assert "Cardiology EN" in text
    assert "toy-secret-token-123" not in text


def test_a_cassette_that_would_hold_a_key_is_not_written(toy: Path, tmp_path: Path) -> None:
    leaky = Scenario("toy", run=lambda r: r.create(name="sk-live-0123456789abcdef"), arun=_never)
    path = tmp_path / "leaky.yaml"
    with pytest.raises(RuntimeError, match="would leak credentials"):
        record_cassettes.record("leaky", leaky, path, live=False)
    assert not path.exists()


def test_an_unexpected_error_while_recording_fails_the_recording(toy: Path, tmp_path: Path) -> None:
    failing = Scenario("toy", run=lambda r: r.get(999), arun=_never)
    with pytest.raises(Exception, match="no such model"):
        record_cassettes.record("failing", failing, tmp_path / "failing.yaml", live=False)
