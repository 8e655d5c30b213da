"""``modelreg plan`` and ``apply`` against the CLI's sandboxes: tables, JSON, exit codes, confirmation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke, cli, parse, state_dir, vendors
from tests.manifest.conftest import SECRET, WriteManifest, scriptix_entry, selise_entry

__all__ = ["cli", "state_dir", "vendors"]  # fixtures shared with the CLI suite
pytestmark = pytest.mark.usefixtures("vendors")

PRUNE = '[prune]\nscriptix = { name_prefix = "team-a/" }\n'


@pytest.fixture
def path(write_manifest: WriteManifest) -> Path:
    return write_manifest(scriptix_entry("team-a/Cardiology EN"), selise_entry("team-a/Support bot"), PRUNE)


def test_plan_prints_a_table_and_a_summary(cli: Invoke, path: Path) -> None:
    result = cli("--sandbox", "plan", "-f", str(path))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(
        line.split()[:2] == ["create", "scriptix"] and "team-a/Cardiology EN / en / medical" in line for line in lines
    )
    assert any(line.split()[:2] == ["create", "selise"] for line in lines)
    assert "Plan: 2 to create, 0 to update, 0 to replace, 0 to delete, 0 unchanged." in result.stdout


def test_plan_json_lists_action_provider_key_ref_and_changes(cli: Invoke, path: Path) -> None:
    for option in (("-o", "json"), ("--json",)):
        result = cli("--sandbox", "plan", "-f", str(path), *option)
        assert result.exit_code == 0, result.stderr
        assert parse(result)[0] == {
            "action": "create",
            "provider": "scriptix",
            "key": {"name": "team-a/Cardiology EN", "language": "en", "base_model": "medical"},
            "ref": None,
            "changes": {},
        }


def test_plan_check_exits_3_with_changes_pending_and_0_in_sync(cli: Invoke, path: Path) -> None:
    assert cli("--sandbox", "plan", "-f", str(path), "--check").exit_code == 3
    assert cli("--sandbox", "apply", "-f", str(path), "--yes").exit_code == 0
    assert cli("--sandbox", "plan", "-f", str(path), "--check").exit_code == 0


def test_plan_check_exits_2_for_an_invalid_manifest_and_1_for_a_failure(
    cli: Invoke, write_manifest: WriteManifest, path: Path
) -> None:
    bad = cli(
        "--sandbox", "plan", "--check", "-f", str(write_manifest('[[models]]\nprovider = "acme"\n', name="bad.toml"))
    )
    assert bad.exit_code == 2
    assert "entry 1 (line 2), provider: no provider named 'acme' is installed" in bad.stderr
    assert cli("--sandbox", "plan", "--check", "-f", str(path.parent / "absent.toml")).exit_code == 2
    unconfigured = cli("plan", "--check", "-f", str(path))  # no --sandbox and no credentials
    assert unconfigured.exit_code == 1
    assert "provider 'scriptix' is unavailable: not configured: set SCRIPTIX_API_KEY" in unconfigured.stderr


def test_apply_asks_and_applies_nothing_when_declined(cli: Invoke, path: Path) -> None:
    result = cli("--sandbox", "apply", "-f", str(path), input="n\n")
    assert result.exit_code == 1
    assert "Apply 2 change(s)?" in result.stderr and "Nothing was applied." in result.stderr
    assert cli("--sandbox", "plan", "-f", str(path), "--check").exit_code == 3


def test_apply_then_plan_again_is_all_noop(cli: Invoke, path: Path) -> None:
    applied = cli("--sandbox", "apply", "-f", str(path), input="y\n")
    assert applied.exit_code == 0, applied.stderr
    assert "applied: created" in applied.stdout
    again = parse(cli("--sandbox", "plan", "-f", str(path), "--json"))
    assert [action["action"] for action in again] == ["noop", "noop"]
    assert all(action["ref"] for action in again)
    second = cli("--sandbox", "apply", "-f", str(path))
    assert second.exit_code == 0 and "Nothing to do" in second.stdout  # in sync: nothing asked


def test_apply_dry_run_sends_nothing(cli: Invoke, path: Path) -> None:
    result = cli("--sandbox", "apply", "-f", str(path), "--dry-run", "--json")
    assert result.exit_code == 0, result.stderr
    assert [outcome["status"] for outcome in parse(result)] == ["would_apply", "would_apply"]
    assert "Dry run: nothing was sent." in result.stderr
    assert cli("--sandbox", "plan", "-f", str(path), "--check").exit_code == 3


def test_apply_prunes_only_with_prune_and_reports_one_outcome_per_action(cli: Invoke, path: Path) -> None:
    created = cli("--sandbox", "create", "scriptix", "--name", "team-a/stray", "--set", "language=nl", "--json")
    stray = parse(created)["ref"]
    plain = cli("--sandbox", "apply", "-f", str(path), "--yes", "--json")
    assert [o["action"] for o in parse(plain)] == ["create", "create"]
    assert "(--prune deletes them)" in plain.stderr and stray in plain.stderr
    pruned = parse(cli("--sandbox", "apply", "-f", str(path), "--yes", "--prune", "--json"))
    assert [(o["action"], o["ref"], o["status"]) for o in pruned][-1] == ("delete", stray, "applied")


def test_apply_refuses_a_replace_without_allow_replace_before_sending(
    cli: Invoke, path: Path, write_manifest: WriteManifest
) -> None:
    assert cli("--sandbox", "apply", "-f", str(path), "--yes").exit_code == 0
    changed = write_manifest(selise_entry("team-a/Support bot", version="gpt-4o"), name="changed.toml")
    refused = cli("--sandbox", "apply", "-f", str(changed), "--yes")
    assert refused.exit_code == 2
    assert "replace (blocked)" in refused.stderr and "pass --allow-replace" in refused.stderr
    allowed = cli("--sandbox", "apply", "-f", str(changed), "--yes", "--allow-replace")
    assert allowed.exit_code == 0 and "applied: replaced selise:" in allowed.stdout


def test_no_output_or_log_line_shows_the_secret(cli: Invoke, path: Path) -> None:
    runs = [
        cli("--sandbox", "-vv", "plan", "-f", str(path), "--json"),
        cli("--sandbox", "-vv", "apply", "-f", str(path), "--yes", "--json"),
        cli("--sandbox", "-vv", "plan", "-f", str(path)),
    ]
    for result in runs:
        assert result.exit_code == 0, result.stderr
        assert SECRET not in result.stdout and SECRET not in result.stderr
    assert json.loads(runs[1].stdout)[1]["status"] == "applied"


def test_a_long_rate_limited_apply_is_announced_with_an_estimate(cli: Invoke, write_manifest: WriteManifest) -> None:
    path = write_manifest(*(scriptix_entry(f"team-a/model {n}") for n in range(12)))
    result = cli("--sandbox", "plan", "-f", str(path))
    assert result.exit_code == 0, result.stderr
    assert (
        "Vendor rate limits make this slow (the sandbox does not enforce them unless asked): "
        "12 scriptix creates at 10/h: about 1 h"
    ) in result.stderr
