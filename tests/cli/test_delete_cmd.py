"""``modelreg delete`` and ``prune``: shown first, confirmed, exported, training refused, summarized."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from modelreg import ModelStatus
from modelreg.sandbox import SqliteStore
from tests.cli.conftest import Invoke, create, parse

pytestmark = pytest.mark.usefixtures("toy_only")


def refs(cli: Invoke) -> list[str]:
    return [m["ref"] for m in parse(cli("--sandbox", "list", "--json"))]


def set_state(state_dir: Path, model_id: str, state: str) -> None:
    """Put a toy model in a vendor state directly in the sandbox's store."""
    store = SqliteStore(state_dir / "sandbox" / "toy.sqlite3")
    doc = store.get("models", model_id)
    assert doc is not None
    store.put("models", model_id, {**doc, "state": state})
    store.close()


@pytest.fixture
def training_state(monkeypatch: pytest.MonkeyPatch) -> None:
    """Teach the toy provider a vendor state that means training."""
    import modelreg_toy

    monkeypatch.setitem(modelreg_toy.STATUSES, "training", ModelStatus.TRAINING)


def test_delete_shows_the_models_and_asks_before_deleting(cli: Invoke) -> None:
    ref = create(cli, "Alpha")
    result = cli("--sandbox", "delete", ref, input="y\n")
    assert result.exit_code == 0
    assert "Alpha" in result.stderr and "Delete 1 model(s)?" in result.stderr
    assert "deleted" in result.stdout
    assert refs(cli) == []


def test_delete_declined_deletes_nothing_and_fails(cli: Invoke) -> None:
    ref = create(cli, "Alpha")
    result = cli("--sandbox", "delete", ref, input="n\n")
    assert result.exit_code == 1
    assert "not confirmed" in result.stdout
    assert refs(cli) == [ref]


def test_delete_with_no_answer_on_stdin_deletes_nothing_and_says_why(cli: Invoke) -> None:
    ref = create(cli, "Alpha")
    result = cli("--sandbox", "delete", ref, input="")
    assert result.exit_code == 1
    assert "--yes deletes without asking" in result.stdout
    assert refs(cli) == [ref]


def test_delete_of_an_uninstalled_provider_is_a_usage_error(cli: Invoke) -> None:
    result = cli("--sandbox", "delete", "acme:1", "--yes")
    assert result.exit_code == 2
    assert "REF" in result.stderr and "installed: toy" in result.stderr


def test_delete_yes_skips_the_question(cli: Invoke) -> None:
    ref = create(cli, "Alpha")
    result = cli("--sandbox", "delete", ref, "--yes")
    assert result.exit_code == 0
    assert "Delete 1 model" not in result.stderr
    assert refs(cli) == []


def test_delete_dry_run_shows_the_plan_and_deletes_nothing(cli: Invoke) -> None:
    first, second = create(cli, "Alpha"), create(cli, "Beta")
    result = cli("--sandbox", "delete", first, second, "--dry-run", "--json")
    assert result.exit_code == 0
    assert [row["result"] for row in parse(result)] == ["would be deleted (dry run)"] * 2
    assert "nothing was deleted" in result.stderr
    assert refs(cli) == [first, second]


def test_delete_export_writes_each_full_record_before_deleting(cli: Invoke, tmp_path: Path) -> None:
    ref = create(cli, "Alpha", "--description", "keep me")
    out = tmp_path / "exported"
    result = cli("--sandbox", "delete", ref, "--yes", "--export", str(out))
    assert result.exit_code == 0
    record = json.loads((out / "toy-1.json").read_text())
    assert record["ref"] == ref and record["description"] == "keep me"
    assert record["raw"]["state"] == "draft"
    assert refs(cli) == []


def test_delete_export_into_an_unwritable_place_is_a_usage_error(cli: Invoke, tmp_path: Path) -> None:
    ref = create(cli, "Alpha")
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = cli("--sandbox", "delete", ref, "--yes", "--export", str(blocker / "sub"))
    assert result.exit_code == 2
    assert refs(cli) == [ref]


@pytest.mark.usefixtures("training_state")
def test_delete_refuses_a_training_model_unless_forced(cli: Invoke, state_dir: Path) -> None:
    ref = create(cli, "Alpha")
    set_state(state_dir, "1", "training")
    refused = cli("--sandbox", "delete", ref, "--yes", "--json")
    assert refused.exit_code == 1
    assert "training" in parse(refused)[0]["result"]
    assert refs(cli) == [ref]
    forced = cli("--sandbox", "delete", ref, "--yes", "--force")
    assert forced.exit_code == 0
    assert refs(cli) == []


def test_delete_many_refs_gives_a_per_ref_summary(cli: Invoke) -> None:
    first, second = create(cli, "Alpha"), create(cli, "Beta")
    result = cli("--sandbox", "delete", first, "toy:99", second, "--yes", "--json")
    assert result.exit_code == 1
    summary = {row["ref"]: (row["ok"], row["result"]) for row in parse(result)}
    assert summary == {
        "toy:1": (True, "deleted"),
        "toy:99": (False, "not found (already deleted?)"),
        "toy:2": (True, "deleted"),
    }


def test_delete_missing_ok_treats_a_gone_model_as_success(cli: Invoke) -> None:
    result = cli("--sandbox", "delete", "toy:99", "--yes", "--missing-ok")
    assert result.exit_code == 0


def test_delete_the_same_ref_twice_deletes_it_once(cli: Invoke) -> None:
    ref = create(cli, "Alpha")
    result = cli("--sandbox", "delete", ref, ref, "--yes", "--json")
    assert result.exit_code == 0
    assert len(parse(result)) == 1


def test_delete_needs_a_ref(cli: Invoke) -> None:
    assert cli("--sandbox", "delete").exit_code == 2


def test_delete_with_a_malformed_ref_sends_nothing(cli: Invoke) -> None:
    ref = create(cli, "Alpha")
    result = cli("--sandbox", "delete", ref, "oops", "--yes")
    assert result.exit_code == 2
    assert refs(cli) == [ref]


def test_prune_deletes_only_models_in_the_status(cli: Invoke, state_dir: Path) -> None:
    create(cli, "Good")
    create(cli, "Broken one")
    create(cli, "Broken two")
    set_state(state_dir, "2", "broken")
    set_state(state_dir, "3", "broken")
    result = cli("--sandbox", "prune", "--status", "failed", "--yes", "--json")
    assert result.exit_code == 0
    assert sorted(row["ref"] for row in parse(result)) == ["toy:2", "toy:3"]
    assert refs(cli) == ["toy:1"]


def test_prune_dry_run_lists_what_it_would_delete(cli: Invoke, state_dir: Path) -> None:
    create(cli, "Broken")
    set_state(state_dir, "1", "broken")
    result = cli("--sandbox", "prune", "--status", "failed", "--dry-run")
    assert result.exit_code == 0
    assert "Broken" in result.stderr and "would be deleted" in result.stdout
    assert refs(cli) == ["toy:1"]


def test_prune_without_a_filter_is_a_usage_error(cli: Invoke) -> None:
    create(cli, "Alpha")
    result = cli("--sandbox", "prune", "--yes")
    assert result.exit_code == 2
    assert refs(cli) == ["toy:1"]


def test_prune_with_no_match_says_nothing_to_delete(cli: Invoke) -> None:
    create(cli, "Alpha")
    result = cli("--sandbox", "prune", "--status", "failed", "--yes")
    assert result.exit_code == 0
    assert "Nothing to delete" in result.stderr
