"""The command line against the two shipped providers' sandboxes: the demo, Scriptix and SELISE commands."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke, parse

pytestmark = pytest.mark.usefixtures("vendors")


def by_status(cli: Invoke, provider: str, status: str) -> str:
    models = parse(cli("--sandbox", "list", "--json", "--provider", provider, "--status", status))
    assert models, f"the {provider} sandbox seeds no {status} model"
    ref: str = models[0]["ref"]
    return ref


def test_sandbox_list_shows_seeded_models_of_both_vendors(cli: Invoke) -> None:
    result = cli("--sandbox", "list")
    assert result.exit_code == 0
    assert "scriptix:" in result.stdout and "selise:" in result.stdout


def test_sandbox_list_json_parses_and_carries_details(cli: Invoke) -> None:
    models = parse(cli("--sandbox", "list", "--json"))
    assert {m["provider"] for m in models} == {"scriptix", "selise"}
    scriptix = next(m for m in models if m["provider"] == "scriptix")
    assert isinstance(scriptix["details"], dict) and "training_status" in scriptix["details"]


def test_demo_commands_run_as_the_makefile_runs_them(state_dir: Path) -> None:
    """``make demo``: reset the sandboxes, then list them, in fresh processes."""
    command = [sys.executable, "-m", "modelreg", "--sandbox"]
    reset = subprocess.run([*command, "sandbox", "reset", "--yes"], capture_output=True, text=True, timeout=60)
    assert reset.returncode == 0, reset.stderr
    listed = subprocess.run([*command, "list", "--json"], capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0, listed.stderr
    assert {m["provider"] for m in json.loads(listed.stdout)} == {"scriptix", "selise"}


def test_vendor_filter_options_reach_their_provider(cli: Invoke) -> None:
    models = parse(cli("--sandbox", "list", "--json", "--language", "en"))
    assert models and {m["provider"] for m in models} == {"scriptix"}
    assert {m["details"]["language"] for m in models} == {"en"}


def test_providers_in_sandbox_mode_are_all_usable(cli: Invoke) -> None:
    rows = parse(cli("--sandbox", "providers", "--json"))
    assert {r["name"]: r["configured"] for r in rows} == {"scriptix": True, "selise": True}
    assert "upload_training_data" in next(r for r in rows if r["name"] == "scriptix")["operations"]
    assert "validate" in next(r for r in rows if r["name"] == "selise")["operations"]


def test_providers_without_credentials_name_the_variables(cli: Invoke) -> None:
    result = cli("providers")
    assert result.exit_code == 0
    assert "SCRIPTIX_API_KEY" in result.stdout and "SELISE_BLOCKS_KEY" in result.stdout


def test_upload_then_train_wait_ends_with_an_available_model(cli: Invoke, tmp_path: Path) -> None:
    ref = by_status(cli, "scriptix", "pending")
    audio = tmp_path / "call_01.wav"
    audio.write_bytes(b"RIFF....WAVEfmt ")
    (tmp_path / "call_01.txt").write_text("Good morning, this is the helpdesk.\n")
    uploaded = cli("--sandbox", "upload-data", ref, str(audio), "--json")
    assert uploaded.exit_code == 0, uploaded.stderr
    assert parse(uploaded)["transcript_filename"] == "call_01.txt"
    trained = cli("--sandbox", "train", ref, "--wait", "--json")
    assert trained.exit_code == 0, trained.stderr
    assert parse(trained)["status"] == "available"
    assert "100%" in trained.stderr  # progress lines, since stderr is not a terminal here


def test_train_wait_on_a_model_already_training_waits_for_it(cli: Invoke) -> None:
    models = parse(cli("--sandbox", "list", "--json", "--provider", "scriptix", "--status", "training"))
    if not models:
        pytest.skip("sandbox time has already finished the seeded training")
    trained = cli("--sandbox", "train", models[0]["ref"], "--wait", "--json", "--poll-interval", "30")
    assert trained.exit_code == 0, trained.stderr
    assert parse(trained)["status"] == "available" and "already training" in trained.stderr


def test_upload_without_a_transcript_next_to_the_audio_is_a_usage_error(cli: Invoke, tmp_path: Path) -> None:
    audio = tmp_path / "lonely.mp3"
    audio.write_bytes(b"ID3")
    result = cli("--sandbox", "upload-data", "scriptix:1", str(audio))
    assert result.exit_code == 2
    assert "--transcript" in result.stderr


def test_train_without_wait_starts_training(cli: Invoke) -> None:
    ref = by_status(cli, "scriptix", "ready")
    result = cli("--sandbox", "train", ref, "--json")
    assert result.exit_code == 0, result.stderr
    assert parse(result)["status"] == "training"


def test_train_of_a_model_without_data_fails_with_the_vendors_reason(cli: Invoke) -> None:
    ref = by_status(cli, "scriptix", "pending")
    result = cli("--sandbox", "train", ref)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "Traceback" not in result.stderr


def test_poll_interval_needs_wait(cli: Invoke) -> None:
    assert cli("--sandbox", "train", "scriptix:1", "--poll-interval", "5").exit_code == 2


def test_validate_prints_the_verdict(cli: Invoke) -> None:
    ref = by_status(cli, "selise", "pending")
    result = cli("--sandbox", "validate", ref, "--json")
    assert result.exit_code == (0 if parse(result)["is_valid"] else 1)
    assert "is_valid" in parse(result)


@pytest.mark.parametrize(
    ("command", "ref", "offered_by"),
    [
        (["validate"], "scriptix:1", "selise"),
        (["train"], "selise:mdl_000001", "scriptix"),
        (["upload-data"], "selise:mdl_000001", "scriptix"),
    ],
)
def test_a_vendor_command_on_the_other_vendor_says_where_it_works(
    cli: Invoke, tmp_path: Path, command: list[str], ref: str, offered_by: str
) -> None:
    extra = []
    if command == ["upload-data"]:
        (tmp_path / "a.wav").write_bytes(b"RIFF")
        (tmp_path / "a.txt").write_text("a")
        extra = [str(tmp_path / "a.wav")]
    result = cli("--sandbox", *command, ref, *extra)
    assert result.exit_code == 1
    assert "does not support" in result.stderr and offered_by in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_delete_refuses_the_seeded_training_model(cli: Invoke) -> None:
    models = parse(cli("--sandbox", "list", "--json", "--status", "training"))
    if not models:
        pytest.skip("sandbox time has already finished the seeded training")
    result = cli("--sandbox", "delete", models[0]["ref"], "--yes", "--json")
    assert result.exit_code == 1
    assert "training" in parse(result)[0]["result"]


def test_prune_failed_deletes_the_failed_models_of_both_vendors(cli: Invoke, tmp_path: Path) -> None:
    failed = {m["ref"] for m in parse(cli("--sandbox", "list", "--json", "--status", "failed"))}
    assert failed
    result = cli("--sandbox", "prune", "--status", "failed", "--yes", "--export", str(tmp_path / "out"), "--json")
    assert result.exit_code == 0, result.stdout
    assert {row["ref"] for row in parse(result)} == failed
    assert len(list((tmp_path / "out").glob("*.json"))) == len(failed)
    assert parse(cli("--sandbox", "list", "--json", "--status", "failed")) == []


def test_scriptix_update_through_set(cli: Invoke) -> None:
    result = cli("--sandbox", "update", "scriptix:1", "--set", "description=Cardiology v2", "--json")
    assert result.exit_code == 0, result.stderr
    assert parse(result)["description"] == "Cardiology v2"


def test_selise_update_is_unsupported_in_one_line(cli: Invoke) -> None:
    result = cli("--sandbox", "update", "selise:mdl_000001", "--set", "max_tokens=1024")
    assert result.exit_code == 1
    assert "does not support update" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_status_unknown_to_one_vendor_lists_the_other(cli: Invoke) -> None:
    result = cli("--sandbox", "list", "--json", "--status", "training")
    assert result.exit_code == 0, result.stderr
    assert {m["provider"] for m in parse(result)} <= {"scriptix"}


def test_status_unknown_to_the_named_vendor_is_a_usage_error(cli: Invoke) -> None:
    result = cli("--sandbox", "list", "--provider", "selise", "--status", "training")
    assert result.exit_code == 2
    assert "status" in result.stderr


def test_search_across_vendors_matches_names_even_where_the_vendor_cannot_search(cli: Invoke) -> None:
    result = cli("--sandbox", "list", "--json", "--search", "cardiology")
    assert result.exit_code == 0, result.stderr
    assert [m["name"] for m in parse(result)] == ["Medical Cardiology EN"]


def test_limit_counts_only_models_that_match(cli: Invoke) -> None:
    everything = parse(cli("--sandbox", "list", "--json", "--status", "available"))
    assert len(everything) >= 2
    limited = parse(cli("--sandbox", "list", "--json", "--status", "available", "--limit", "2"))
    assert [m["ref"] for m in limited] == [m["ref"] for m in everything[:2]]


def test_train_wait_on_a_model_already_training_follows_it(cli: Invoke) -> None:
    training = parse(cli("--sandbox", "list", "--json", "--status", "training"))
    assert training, "the scriptix sandbox seeds a model in training"
    result = cli("--sandbox", "train", training[0]["ref"], "--wait", "--json")
    assert result.exit_code == 0, result.stderr
    assert "already training" in result.stderr
    assert parse(result)["status"] == "available"


def test_ctrl_c_while_waiting_says_the_training_goes_on(cli: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    ref = by_status(cli, "scriptix", "ready")

    def interrupt(_model: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("modelreg.cli._vendor.progress_of", interrupt)
    result = cli("--sandbox", "train", ref, "--wait")
    assert result.exit_code == 130
    assert "the training goes on" in result.stderr
    assert parse(cli("--sandbox", "get", ref, "--json"))["status"] == "training"


def test_modelreg_sandbox_variable_works_like_the_flag(cli: Invoke) -> None:
    result = cli("list", "--json", env={"MODELREG_SANDBOX": "1"})
    assert result.exit_code == 0
    assert {m["provider"] for m in parse(result)} == {"scriptix", "selise"}


def test_two_spellings_of_one_ref_delete_it_once(cli: Invoke) -> None:
    result = cli("--sandbox", "delete", "scriptix:3", "scriptix:03", "--yes", "--json")
    assert result.exit_code == 0, result.stdout
    assert [(row["ref"], row["result"]) for row in parse(result)] == [("scriptix:3", "deleted")]


def test_list_table_notes_the_providers_it_could_not_ask(cli: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCRIPTIX_API_KEY", "key-for-a-host-that-is-not-there")
    monkeypatch.setenv("SCRIPTIX_BASE_URL", "http://127.0.0.1:9")
    result = cli("list")
    assert result.exit_code == 1  # scriptix is unreachable
    assert "Note: selise is not listed: not configured: set SELISE_BLOCKS_KEY" in result.stderr
    assert "key-for-a-host" not in result.stderr


def test_a_third_party_api_key_given_with_set_never_shows_in_output_or_logs(cli: Invoke) -> None:
    secret = "sk-live-0123456789abcdef"
    fields = {
        "display_name": "My GPT",
        "vendor": "openai",
        "service_platform": "official_api",
        "version": "v1",
        "model_name": "gpt-4o",
        "api_key": secret,
    }
    pairs = [f"--set={key}={value}" for key, value in fields.items()]
    result = cli("-vv", "--sandbox", "create", "selise", *pairs, "--json")
    assert result.exit_code == 0, result.stderr
    assert parse(result)["name"] == "My GPT"
    assert "POST" in result.stderr
    assert secret not in result.stdout + result.stderr
    shown = cli("--sandbox", "get", parse(result)["ref"], "--json", "--raw")
    assert secret not in shown.stdout
