"""Ctrl-C stops every command with exit code 130, at a prompt, while waiting, or while serving."""

from __future__ import annotations

import os
import pty
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import NoReturn

import pytest

from modelreg.cli._session import Session
from tests.cli.conftest import Invoke
from tests.docs.console import read_all


def _interrupt(*_args: object, **_kwargs: object) -> NoReturn:
    raise KeyboardInterrupt


@pytest.mark.usefixtures("vendors")
@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["get", "scriptix:1"],
        ["create", "scriptix", "--name", "x", "--set", "language=en"],
        ["update", "scriptix:1", "--name", "y"],
        ["delete", "scriptix:1", "--yes"],
        ["prune", "--status", "failed", "--yes"],
        ["train", "scriptix:3", "--wait"],
        ["upload-data", "scriptix:3", "README.md", "--transcript", "README.md"],
        ["validate", "selise:mdl_000001"],
    ],
)
def test_ctrl_c_in_any_command_that_talks_to_a_vendor_exits_130(
    cli: Invoke, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.setattr(Session, "registries", _interrupt)
    result = cli("--sandbox", *args)
    assert result.exit_code == 130, result.stderr
    assert result.stderr.strip().endswith("Interrupted.")


@pytest.mark.usefixtures("vendors")
@pytest.mark.parametrize(
    "args",
    [["providers"], ["config", "show"], ["sandbox", "info"], ["sandbox", "reset", "--yes"], ["completion", "bash"]],
)
def test_ctrl_c_in_the_local_commands_exits_130_too(
    cli: Invoke, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.setattr("modelreg.cli._formats.emit", _interrupt)
    monkeypatch.setattr("modelreg.cli._output.note", _interrupt)
    monkeypatch.setattr("click.shell_completion.BashComplete.source", _interrupt)
    assert cli("--sandbox", *args).exit_code == 130


def _prompted(args: list[str], tmp_path: Path, prompt: str) -> tuple[int, str]:
    """Run ``modelreg ARGS`` on a terminal, press Ctrl-C once it shows ``prompt``; the exit code and stderr."""
    primary, secondary = pty.openpty()
    environment = {**os.environ, "MODELREG_STATE_DIR": str(tmp_path / "state"), "MODELREG_PLUGINS": "scriptix,selise"}
    process = subprocess.Popen(
        [sys.executable, "-m", "modelreg", *args],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=environment,
        start_new_session=True,
    )
    os.close(secondary)
    seen = b""
    deadline = time.monotonic() + 120
    while prompt.encode() not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([primary], [], [], 0.5)
        if ready:
            seen += os.read(primary, 4096)
    assert prompt.encode() in seen, seen.decode(errors="replace")
    # A Ctrl-C that lands after the prompt is written but before the terminal read starts is only
    # noted by Python, and the read then blocks: a person presses Ctrl-C again, and so does this.
    for _ in range(10):
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=3)
            break
        except subprocess.TimeoutExpired:
            continue
    rest = read_all(primary)
    return process.wait(timeout=60), seen.decode(errors="replace") + rest


@pytest.mark.timeout(300)
def test_ctrl_c_at_the_delete_confirmation_deletes_nothing_and_exits_130(tmp_path: Path) -> None:
    code, shown = _prompted(["--sandbox", "delete", "scriptix:1"], tmp_path, "Delete 1 model(s)?")
    assert code == 130, shown
    done = subprocess.run(
        [sys.executable, "-m", "modelreg", "--sandbox", "get", "scriptix:1"],
        env={**os.environ, "MODELREG_STATE_DIR": str(tmp_path / "state")},
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0  # still there


@pytest.mark.timeout(300)
def test_ctrl_c_at_a_hidden_prompt_exits_130(tmp_path: Path) -> None:
    code, shown = _prompted(["configure", "scriptix"], tmp_path, "api_key")
    assert code == 130, shown


def _start(args: list[str], tmp_path: Path, **env: str) -> subprocess.Popen[str]:
    environment = {
        **os.environ,
        "MODELREG_STATE_DIR": str(tmp_path / "state"),
        "MODELREG_PLUGINS": "scriptix,selise",
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "modelreg", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )


def _stop(process: subprocess.Popen[str], ready: str) -> tuple[int, str]:
    """Wait until ``ready`` shows on stderr (or a moment), press Ctrl-C, return the exit code and stderr."""
    assert process.stderr is not None
    if ready:
        line = ""
        while ready not in line:
            line = process.stderr.readline()
            assert line, "the command ended before it was ready"
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    return process.returncode, err


@pytest.mark.timeout(300)
def test_ctrl_c_while_waiting_for_a_training_exits_130_and_says_how_to_follow_it(tmp_path: Path) -> None:
    process = _start(["--sandbox", "train", "scriptix:3", "--wait"], tmp_path, MODELREG_SANDBOX_SPEED="1")
    code, err = _stop(process, "training")
    assert code == 130, err
    assert "modelreg --sandbox train scriptix:3 --wait" in err


@pytest.mark.timeout(300)
def test_ctrl_c_while_waiting_for_a_silent_server_exits_130(tmp_path: Path) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(120)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        process = _start(["get", "scriptix:1"], tmp_path, SCRIPTIX_BASE_URL=url, SCRIPTIX_API_KEY="sk-ctrl-c-0123456")
        with listener.accept()[0]:  # the request is on its way: now it waits for an answer that never comes
            code, err = _stop(process, "")
    assert code == 130, err
    assert err.strip().endswith("Interrupted.")


@pytest.mark.timeout(300)
def test_ctrl_c_stops_sandbox_serve_with_130(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = _start(["--sandbox", "sandbox", "serve", "--port", str(port)], tmp_path)
    assert process.stdout is not None
    assert process.stdout.readline().startswith("scriptix: http://127.0.0.1")
    _wait_for_port(port)
    code, err = _stop(process, "")
    assert code == 130, err


def _wait_for_port(port: int) -> None:
    """Wait until the server answers on ``port`` (it is then past its start-up)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                connection.sendall(b"GET /scriptix/x HTTP/1.0\r\n\r\n")
                if connection.recv(16).startswith(b"HTTP/"):
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing answered on port {port}")


def test_ctrl_c_while_starting_up_exits_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from modelreg.cli import main

    monkeypatch.setattr("modelreg.cli._app.make_cli", _interrupt)  # e.g. while plugins load
    assert main(["list"]) == 130
    assert capsys.readouterr().err.strip() == "Interrupted."
