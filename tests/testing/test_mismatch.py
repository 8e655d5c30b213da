"""A replayed request that the cassette does not hold fails with the closest recorded request."""

from __future__ import annotations

from pathlib import Path

import pytest

import modelreg
from modelreg.testing import CassetteMismatch, recordable_transport, refusing_transport, use_cassette


def _record(path: Path) -> None:
    sandbox = modelreg.provider_info("toy").sandbox()
    with (
        modelreg.connect("toy", sandbox=sandbox, transport=recordable_transport(sandbox)) as registry,
        use_cassette(path, record_mode="once"),
    ):
        registry.create(name="Cardiology EN", description="heart")


def _replay(**fields: str) -> None:
    with modelreg.connect("toy", transport=refusing_transport(), max_retries=0) as registry:
        registry.create(**fields)


def test_the_same_body_in_another_key_order_replays(toy: Path, tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    _record(path)
    with use_cassette(path) as cassette:
        _replay(description="heart", name="Cardiology EN")
    assert cassette.play_count == 1


def test_a_changed_body_names_the_closest_request_and_the_body_matcher(toy: Path, tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    _record(path)
    with pytest.raises(CassetteMismatch) as caught, use_cassette(path):
        _replay(name="Cardiology EN", description="lungs")
    error = caught.value
    assert [d.matcher for d in error.differences] == ["canonical_body"]
    assert error.closest is not None and '"description":"heart"' in error.closest.replace(" ", "")
    assert "lungs" in error.request
    assert "differs in: canonical_body" in str(error)
    assert "--modelreg-record-mode" in str(error)


def test_a_missing_cassette_says_to_record_it(toy: Path, tmp_path: Path) -> None:
    with (
        pytest.raises(CassetteMismatch, match="missing or empty: record it first"),
        use_cassette(tmp_path / "absent.yaml"),
    ):
        _replay(name="x")


def test_a_request_played_more_often_than_recorded_says_so(toy: Path, tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    _record(path)
    with pytest.raises(CassetteMismatch, match="already played"), use_cassette(path):
        _replay(name="Cardiology EN", description="heart")
        _replay(name="Cardiology EN", description="heart")


def test_an_unknown_record_mode_is_refused(tmp_path: Path) -> None:
    with (
        pytest.raises(ValueError, match="record_mode must be one of"),
        use_cassette(tmp_path / "c.yaml", record_mode="sometimes"),
    ):
        pass
