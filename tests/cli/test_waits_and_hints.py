"""Bounded waits (--timeout, --deadline) and advice in command-line terms: flags, variables, pasteable commands."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from modelreg import ConfigurationError, RateLimited, TransportError
from modelreg.cli._errors import describe, for_the_cli
from tests.cli.conftest import Invoke


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A server that accepts connections and never answers (the wait the issue measured at 92 s)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except (TimeoutError, OSError):
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(5)
    for connection in held:
        connection.close()
    listener.close()


def _run(args: list[str], base_url: str, tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    env = {
        **os.environ,
        "SCRIPTIX_BASE_URL": base_url,
        "SCRIPTIX_API_KEY": "sk-waits-0123456789",
        "MODELREG_PLUGINS": "scriptix",
        "MODELREG_STATE_DIR": str(tmp_path),
    }
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "modelreg", *args], capture_output=True, text=True, env=env, timeout=120
    )
    return done, time.monotonic() - started


@pytest.mark.timeout(300)
def test_timeout_bounds_a_get_from_a_server_that_never_answers(silent_server: str, tmp_path: Path) -> None:
    done, took = _run(["get", "scriptix:1", "--timeout", "1"], silent_server, tmp_path)
    assert done.returncode == 1
    assert took < 30  # three tries of one second and their backoff, plus starting Python
    assert "raise --timeout SECONDS" in done.stderr and "timeout=" not in done.stderr


@pytest.mark.timeout(300)
def test_deadline_bounds_a_create_whatever_the_retries(silent_server: str, tmp_path: Path) -> None:
    done, took = _run(
        ["create", "scriptix", "--name", "x", "--set", "language=en", "--deadline", "2"], silent_server, tmp_path
    )
    assert done.returncode == 1
    assert took < 30
    assert "may or may not have been made" in done.stderr  # a write whose answer never came
    assert "deadline=" not in done.stderr and "timeout=" not in done.stderr


def test_library_advice_is_rewritten_with_the_flags_to_use() -> None:
    engine = [
        ("x; check the network and base_url, or raise timeout=", "raise --timeout SECONDS"),
        ("the call's deadline of 5 s has passed; raise deadline=", "raise --deadline SECONDS"),
        ("waiting 9.0 s; raise deadline= or try again later", "raise --deadline SECONDS or try again later"),
        (
            "deadline passed before the whole answer arrived; check the network and base_url, or raise timeout=",
            "--deadline",
        ),
        ("try again later, or pass limits= (and max_wait=) to connect() if your plan allows more", "try again later"),
        ("or pass allow_insecure=True (or set MODELREG_ALLOW_INSECURE=1) if", "set MODELREG_ALLOW_INSECURE=1"),
    ]
    for message, advice in engine:
        rewritten = for_the_cli(message)
        assert advice in rewritten, (message, rewritten)
        assert "=" not in rewritten.replace("MODELREG_ALLOW_INSECURE=1", ""), rewritten


def test_missing_credentials_name_the_variable_and_the_configure_command() -> None:
    error = ConfigurationError(
        "scriptix needs credentials: pass api_key=... or set SCRIPTIX_API_KEY", provider="scriptix"
    )
    assert describe(error) == (
        "scriptix needs credentials: set SCRIPTIX_API_KEY, or run `modelreg configure scriptix` "
        "(or add --sandbox to try the built-in emulators)"
    )
    assert "wait 4 s" in describe(RateLimited("slow down", retry_after=4.0))
    assert describe(TransportError("reset")).endswith("check the network connection and the provider's base URL")


@pytest.mark.usefixtures("vendors")
def test_an_unconfigured_provider_says_how_to_configure_it(cli: Invoke) -> None:
    result = cli("list", "--provider", "scriptix")
    assert result.exit_code == 1
    assert "set SCRIPTIX_API_KEY or run `modelreg configure scriptix`" in result.stderr


@pytest.mark.usefixtures("vendors")
def test_a_hint_keeps_sandbox_and_profile_so_that_it_can_be_pasted(cli: Invoke) -> None:
    started = cli("train", "scriptix:3", "--sandbox")
    assert started.exit_code == 0, started.stderr
    assert "follow it with `modelreg --sandbox get scriptix:3`" in started.stderr
    hint = started.stderr.split("`")[1]
    pasted = cli(*hint.split()[1:])  # the hint as typed, without the program name
    assert pasted.exit_code == 0 and "scriptix:3" in pasted.stdout


def test_suggested_commands_keep_the_profile_and_quote_what_the_shell_would_split() -> None:
    from modelreg.cli._session import Session

    session = Session(sandbox=True, verbose=0, profile="my prod")
    assert session.command("get", "scriptix:3") == "modelreg --sandbox --profile 'my prod' get scriptix:3"
    assert Session(sandbox=False, verbose=0).command("providers") == "modelreg providers"
