"""``modelreg sandbox``: where state lives, reset, the shared clock, and serving over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from modelreg import ConfigurationError
from modelreg.cli import _state
from modelreg.cli._sandbox_cmd import parse_duration
from modelreg.sandbox import asgi_app, mounted_app
from tests.cli.conftest import Invoke, parse


def test_state_dir_comes_from_modelreg_state_dir_first(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MODELREG_STATE_DIR", str(tmp_path / "explicit"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    assert _state.state_dir() == tmp_path / "explicit"


def test_state_dir_falls_back_to_xdg_then_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MODELREG_STATE_DIR")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    assert _state.state_dir() == tmp_path / "xdg" / "modelreg"
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert _state.state_dir() == tmp_path / "home" / ".local" / "state" / "modelreg"


def test_speed_must_be_a_positive_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODELREG_SANDBOX_SPEED", "0")
    with pytest.raises(ConfigurationError, match="MODELREG_SANDBOX_SPEED"):
        _state.speed()


def test_clock_offset_is_shared_through_the_state_file(tmp_path: Path) -> None:
    one = _state.SandboxClock(tmp_path / "clock.json")
    two = _state.SandboxClock(tmp_path / "clock.json")
    before = two.now()
    one.advance(3600)
    assert two.offset == pytest.approx(3600)
    assert two.now() - before == pytest.approx(3600, abs=5)
    one.reset()
    assert two.offset == 0


def test_clock_sleep_passes_sandbox_time_faster_than_real_time(tmp_path: Path) -> None:
    clock = _state.SandboxClock(tmp_path / "clock.json", speed=1000)
    started, sandbox_started = time.monotonic(), clock.now()
    clock.sleep(100)
    assert time.monotonic() - started < 1
    assert clock.now() - sandbox_started >= 100


def test_parse_duration_reads_units() -> None:
    assert [parse_duration(t) for t in ("90", "90s", "15m", "2h", "1d", "1.5h")] == [90, 90, 900, 7200, 86400, 5400]


@pytest.mark.usefixtures("toy_only")
def test_advance_moves_the_shared_clock(cli: Invoke) -> None:
    assert cli("sandbox", "advance", "2h").exit_code == 0
    info = parse(cli("sandbox", "info", "--json"))
    assert info["clock_offset_seconds"] == pytest.approx(7200, abs=1)


@pytest.mark.usefixtures("toy_only")
def test_advance_with_a_bad_duration_is_a_usage_error(cli: Invoke) -> None:
    assert cli("sandbox", "advance", "soon").exit_code == 2


@pytest.mark.usefixtures("toy_only")
def test_info_names_the_state_directory_and_stores(cli: Invoke, state_dir: Path) -> None:
    info = parse(cli("sandbox", "info", "--json"))
    assert info["state_dir"] == str(state_dir)
    assert info["stores"] == {"toy": str(state_dir / "sandbox" / "toy.sqlite3")}
    plain = cli("sandbox", "info")
    assert str(state_dir) in plain.stdout


@pytest.mark.usefixtures("vendors")
def test_reset_brings_back_the_seed_models(cli: Invoke) -> None:
    seeded = [m["ref"] for m in parse(cli("--sandbox", "list", "--json"))]
    scriptix = [ref for ref in seeded if ref.startswith("scriptix:")]
    assert cli("--sandbox", "delete", *scriptix, "--yes", "--force").exit_code == 0
    assert parse(cli("--sandbox", "list", "--json", "--provider", "scriptix")) == []
    result = cli("--sandbox", "sandbox", "reset", "--yes")
    assert result.exit_code == 0
    assert "scriptix, selise" in result.stderr
    assert [m["ref"] for m in parse(cli("--sandbox", "list", "--json"))] == seeded


@pytest.mark.usefixtures("vendors")
def test_reset_empty_leaves_no_models_and_does_not_reseed_later(cli: Invoke) -> None:
    assert cli("sandbox", "reset", "--yes", "--empty").exit_code == 0
    assert parse(cli("--sandbox", "list", "--json")) == []
    assert parse(cli("--sandbox", "list", "--json")) == []


@pytest.mark.usefixtures("vendors")
def test_reset_asks_first_and_declining_changes_nothing(cli: Invoke) -> None:
    assert cli("--sandbox", "delete", "scriptix:1", "--yes").exit_code == 0
    result = cli("sandbox", "reset", input="n\n")
    assert result.exit_code == 1
    assert "scriptix:1" not in {m["ref"] for m in parse(cli("--sandbox", "list", "--json"))}


@pytest.mark.usefixtures("vendors")
def test_seed_models_are_added_once_per_store(cli: Invoke) -> None:
    first = parse(cli("--sandbox", "list", "--json"))
    again = parse(cli("--sandbox", "list", "--json"))
    assert [m["ref"] for m in first] == [m["ref"] for m in again]


@pytest.mark.usefixtures("toy_only")
async def test_mounted_app_routes_each_prefix_to_its_sandbox() -> None:
    from modelreg_toy import ToyProvider

    sandbox = ToyProvider.sandbox()
    sandbox.store.put("models", "1", {"id": 1, "name": "Alpha", "description": None, "state": "live"})
    app = mounted_app({"toy": asgi_app(sandbox)})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as client:
        found = await client.get("/toy/v1/models/1", headers={"authorization": "Bearer x"})
        assert found.status_code == 200 and found.json()["name"] == "Alpha"
        missing = await client.get("/nowhere/v1/models")
        assert missing.status_code == 404 and "/toy/" in missing.json()["error"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.mark.usefixtures("vendors")
def test_serve_answers_over_http_and_the_cli_can_use_it(cli: Invoke, state_dir: Path) -> None:
    port = _free_port()
    env = {**os.environ, "MODELREG_STATE_DIR": str(state_dir)}
    # The with block closes the server's pipes too (else a ResourceWarning each).
    with subprocess.Popen(
        [sys.executable, "-m", "modelreg", "sandbox", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    ) as server:
        try:
            _use_the_served_sandbox(server, port, cli)
        finally:
            server.terminate()
            server.wait(timeout=10)


def _use_the_served_sandbox(server: subprocess.Popen[str], port: int, cli: Invoke) -> None:
    """Wait for the server's banner and port, then list its models through the CLI over HTTP."""
    assert server.stdout is not None
    banner = server.stdout.readline()
    assert f"http://127.0.0.1:{port}/scriptix" in banner and "SCRIPTIX_BASE_URL" in banner
    deadline = time.monotonic() + 20
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            break
        except httpx.TransportError:
            assert time.monotonic() < deadline, "the sandbox server did not start"
            time.sleep(0.1)
    over_http = {
        "SCRIPTIX_BASE_URL": f"http://127.0.0.1:{port}/scriptix",
        "SCRIPTIX_API_KEY": "any-key-works-here",
        "MODELREG_PLUGINS": "scriptix",
    }
    result = cli("list", "--json", env=over_http)
    assert result.exit_code == 0, result.stderr
    assert {m["provider"] for m in parse(result)} == {"scriptix"} and parse(result)


@pytest.mark.usefixtures("toy_only")
def test_serve_without_uvicorn_says_how_to_install_it(cli: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    result = cli("sandbox", "serve")
    assert result.exit_code == 1
    assert "modelreg[server]" in result.stderr


def test_serve_on_a_busy_port_says_so_and_prints_no_url(cli: Invoke) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = cli("--sandbox", "sandbox", "serve", "--port", str(port))
    assert result.exit_code == 1
    assert result.stdout == ""  # no URL that would point at someone else's server
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr and "--port" in result.stderr


@pytest.mark.timeout(300)
def test_serve_on_a_busy_port_in_a_real_process_exits_1_before_any_url(state_dir: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "modelreg", "--sandbox", "sandbox", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "MODELREG_STATE_DIR": str(state_dir)},
        )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith(f"Error: port {port} on 127.0.0.1 is already in use")
