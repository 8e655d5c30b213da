"""``modelreg completion SHELL`` prints a completion script that completes commands, options and refs."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.cli.conftest import Invoke


@pytest.mark.parametrize(
    ("shell", "marker"), [("bash", "complete -o"), ("zsh", "compdef"), ("fish", "--command modelreg")]
)
def test_completion_prints_a_script_for_each_shell(cli: Invoke, shell: str, marker: str) -> None:
    result = cli("completion", shell)
    assert result.exit_code == 0
    assert "_MODELREG_COMPLETE" in result.stdout and marker in result.stdout


def test_an_unknown_shell_is_a_usage_error(cli: Invoke) -> None:
    result = cli("completion", "powershell")
    assert result.exit_code == 2 and "bash" in result.stderr


def _complete(words: str, env: dict[str, str] | None = None) -> list[str]:
    """What bash completion gets for the command line ``words`` (the last word is being typed)."""
    parts = words.split(" ")
    done = subprocess.run(
        [sys.executable, "-m", "modelreg"],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            **os.environ,
            **(env or {}),
            "_MODELREG_COMPLETE": "bash_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(parts) - 1),
        },
    )
    assert done.returncode == 0, done.stderr
    return [line.split(",", 1)[1] for line in done.stdout.splitlines()]


@pytest.mark.timeout(300)
def test_bash_completes_commands_options_providers_and_refs() -> None:
    """The script calls ``modelreg`` back with these variables: this is what a shell gets."""
    vendors = {"MODELREG_PLUGINS": "scriptix,selise"}
    assert "list" in _complete("modelreg li")
    assert {"configure", "config"} <= set(_complete("modelreg conf"))
    assert "--output" in _complete("modelreg --out")
    assert _complete("modelreg create sc", vendors) == ["scriptix"]
    assert _complete("modelreg get sel", vendors) == ["selise:"]
    assert set(_complete("modelreg list -o ", vendors)) == {"table", "json", "yaml", "csv", "tsv"}
