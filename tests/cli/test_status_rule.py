"""The CLI and ``connect_all`` follow one rule: a vendor that cannot have the status asked for contributes nothing."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Invoke, parse


@pytest.mark.usefixtures("vendors")
def test_listing_selise_alone_by_a_status_it_cannot_have_shows_no_models(cli: Invoke) -> None:
    result = cli("--sandbox", "list", "--provider", "selise", "--status", "training", "--json")
    assert result.exit_code == 0, result.stderr
    assert parse(result) == []


@pytest.mark.usefixtures("vendors")
def test_listing_both_by_training_shows_only_scriptix_models(cli: Invoke) -> None:
    result = cli("--sandbox", "list", "--status", "training", "--json")
    assert result.exit_code == 0, result.stderr
    assert {model["provider"] for model in parse(result)} <= {"scriptix"}
