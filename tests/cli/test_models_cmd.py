"""``modelreg list``, ``get``, ``create`` and ``update`` against the toy provider's sandbox."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke, create, parse

pytestmark = pytest.mark.usefixtures("toy_only")

FIELDS = ["provider", "id", "ref", "name", "description", "status", "created_at", "updated_at", "details"]


def test_list_json_is_one_document_with_stable_field_names(cli: Invoke) -> None:
    create(cli, "Alpha", "--description", "first")
    create(cli, "Beta")
    result = cli("--sandbox", "list", "--json")
    assert result.exit_code == 0
    models = parse(result)
    assert [m["ref"] for m in models] == ["toy:1", "toy:2"]
    assert list(models[0]) == FIELDS
    assert models[0]["status"] == "pending"
    assert models[0]["description"] == "first"


def test_list_jsonl_prints_one_object_per_line(cli: Invoke) -> None:
    create(cli, "Alpha")
    create(cli, "Beta")
    lines = cli("--sandbox", "list", "--jsonl").stdout.splitlines()
    assert [json.loads(line)["name"] for line in lines] == ["Alpha", "Beta"]


def test_list_table_shows_refs_names_and_statuses(cli: Invoke) -> None:
    create(cli, "Alpha")
    result = cli("--sandbox", "list", "-o", "table")
    assert result.exit_code == 0
    header = result.stdout.splitlines()[0]
    assert header.split() == ["REF", "NAME", "STATUS", "UPDATED", "DESCRIPTION"]
    assert "toy:1" in result.stdout and "Alpha" in result.stdout and "pending" in result.stdout


def test_list_in_a_pipe_is_one_tab_separated_line_per_model_without_a_header(cli: Invoke) -> None:
    create(cli, "Alpha")
    create(cli, "Beta", "--description", "second\tone")
    lines = cli("--sandbox", "list").stdout.splitlines()
    assert [line.split("\t")[:3] for line in lines] == [["toy:1", "Alpha", "pending"], ["toy:2", "Beta", "pending"]]
    assert lines[1].split("\t")[4] == "second one"  # a tab in a value never makes another column


def test_list_state_persists_between_invocations(cli: Invoke, state_dir: Path) -> None:
    create(cli, "Alpha")
    assert (state_dir / "sandbox" / "toy.sqlite3").is_file()
    assert [m["name"] for m in parse(cli("--sandbox", "list", "--json"))] == ["Alpha"]


def test_list_search_and_limit_narrow_the_listing(cli: Invoke) -> None:
    for name in ("Alpha", "Beta", "Alphabet"):
        create(cli, name)
    searched = parse(cli("--sandbox", "list", "--json", "--search", "Alpha"))
    assert [m["name"] for m in searched] == ["Alpha", "Alphabet"]
    limited = parse(cli("--sandbox", "list", "--json", "--limit", "2"))
    assert len(limited) == 2


def test_list_with_an_unknown_filter_is_a_usage_error_before_sending(cli: Invoke) -> None:
    result = cli("--sandbox", "list", "--filter", "colour=red")
    assert result.exit_code == 2
    assert "colour" in result.stderr
    assert "Traceback" not in result.stderr


def test_list_with_malformed_filter_pair_is_a_usage_error(cli: Invoke) -> None:
    result = cli("--sandbox", "list", "--filter", "colour")
    assert result.exit_code == 2
    assert "KEY=VALUE" in result.stderr


def test_list_when_empty_says_so_on_stderr(cli: Invoke) -> None:
    result = cli("--sandbox", "list")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "No models match" in result.stderr


def test_list_of_an_uninstalled_provider_is_a_usage_error(cli: Invoke) -> None:
    result = cli("--sandbox", "list", "--provider", "nope")
    assert result.exit_code == 2
    assert "no provider named 'nope'" in result.stderr and "toy" in result.stderr


def test_json_and_jsonl_together_are_a_usage_error(cli: Invoke) -> None:
    assert cli("--sandbox", "list", "--json", "--jsonl").exit_code == 2


def test_list_without_credentials_explains_which_variable_to_set(cli: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TOY_TOKEN")
    result = cli("list")
    assert result.exit_code == 1
    assert "TOY_TOKEN" in result.stderr and "--sandbox" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_list_reports_an_unreachable_provider_in_one_line(cli: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOY_BASE_URL", "http://127.0.0.1:9")
    result = cli("list")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: toy:")
    assert "Traceback" not in result.stderr


def test_get_shows_one_model(cli: Invoke) -> None:
    ref = create(cli, "Alpha", "--description", "Cardiology [draft]")
    result = cli("--sandbox", "get", ref)
    assert result.exit_code == 0
    assert "Alpha" in result.stdout
    assert "Cardiology [draft]" in result.stdout  # names and descriptions are not rich markup


def test_get_json_raw_adds_the_vendor_record(cli: Invoke) -> None:
    ref = create(cli, "Alpha")
    data = parse(cli("--sandbox", "get", ref, "--json", "--raw"))
    assert data["ref"] == ref
    raw = data["raw"]
    assert {k: raw[k] for k in ("id", "name", "description", "state")} == {
        "id": 1,
        "name": "Alpha",
        "description": None,
        "state": "draft",
    }
    assert raw["created_at"] == data["created_at"]


def test_get_missing_model_fails_in_one_line_without_traceback(cli: Invoke) -> None:
    result = cli("--sandbox", "get", "toy:404")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "404" in lines[0]


def test_get_missing_model_with_verbose_shows_the_traceback(cli: Invoke) -> None:
    result = cli("--sandbox", "-v", "get", "toy:404")
    assert result.exit_code == 1
    assert "Traceback" in result.stderr and "NotFound" in result.stderr


def test_get_with_a_malformed_ref_is_a_usage_error(cli: Invoke) -> None:
    result = cli("--sandbox", "get", "toy-1")
    assert result.exit_code == 2
    assert "PROVIDER:ID" in result.stderr


def test_create_sets_vendor_fields_with_set(cli: Invoke) -> None:
    result = cli("--sandbox", "create", "toy", "--set", "name=From set", "--set", 'description="quoted"', "--json")
    assert result.exit_code == 0
    assert parse(result)["name"] == "From set"
    assert parse(result)["description"] == "quoted"


def test_create_reports_the_new_ref_on_stderr(cli: Invoke) -> None:
    result = cli("--sandbox", "create", "toy", "--name", "Alpha")
    assert result.exit_code == 0
    assert "Created toy:1." in result.stderr
    assert "Alpha" in result.stdout


def test_create_with_an_unknown_field_is_rejected_before_sending(cli: Invoke, state_dir: Path) -> None:
    result = cli("--sandbox", "create", "toy", "--name", "x", "--set", "colour=red")
    assert result.exit_code == 2
    assert "nothing was sent" in result.stderr and "colour" in result.stderr
    assert parse(cli("--sandbox", "list", "--json")) == []


def test_create_without_a_required_field_names_it(cli: Invoke) -> None:
    result = cli("--sandbox", "create", "toy")
    assert result.exit_code == 2
    assert "name is required" in result.stderr


def test_create_with_a_field_given_twice_is_a_usage_error(cli: Invoke) -> None:
    result = cli("--sandbox", "create", "toy", "--name", "a", "--set", "name=b")
    assert result.exit_code == 2
    assert "give it once" in result.stderr


def test_create_at_an_unknown_provider_is_a_usage_error(cli: Invoke) -> None:
    result = cli("--sandbox", "create", "acme", "--name", "a")
    assert result.exit_code == 2
    assert "installed: toy" in result.stderr


def test_update_changes_fields(cli: Invoke) -> None:
    ref = create(cli, "Alpha")
    result = cli("--sandbox", "update", ref, "--name", "Omega", "--set", "description=new", "--json")
    assert result.exit_code == 0
    assert (parse(result)["name"], parse(result)["description"]) == ("Omega", "new")
    assert parse(cli("--sandbox", "get", ref, "--json"))["name"] == "Omega"


def test_update_with_nothing_to_change_is_a_usage_error(cli: Invoke) -> None:
    ref = create(cli, "Alpha")
    result = cli("--sandbox", "update", ref)
    assert result.exit_code == 2
    assert "nothing to update" in result.stderr


def test_set_parses_json_values(cli: Invoke) -> None:
    ref = create(cli, "Alpha")
    result = cli("--sandbox", "update", ref, "--set", "description=[1, 2]")
    # The toy vendor stores whatever it gets; the value arrived as a JSON list, not a string.
    assert result.exit_code == 0
    raw = parse(cli("--sandbox", "get", ref, "--json", "--raw"))["raw"]
    assert raw["description"] == [1, 2]
