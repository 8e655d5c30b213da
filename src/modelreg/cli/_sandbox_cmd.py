"""``modelreg sandbox``: reset, inspect, move the clock of, or serve the persistent emulators.

``serve`` puts every provider's emulator behind one HTTP server on 127.0.0.1, one path prefix
per provider: ``http://127.0.0.1:8765/scriptix`` is a Scriptix base URL, ``.../selise`` a SELISE
one (followed by the path of the vendor's base URL, when it has one). Point a provider's base-URL
variable (``SCRIPTIX_BASE_URL``...) at it to use it over HTTP.
"""

from __future__ import annotations

import errno
import os
import re
import socket
import urllib.parse

import click

import modelreg
from modelreg.cli import _formats, _output
from modelreg.cli._session import Session

DEFAULT_PORT = 8765
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    """Seconds in ``90``, ``90s``, ``15m``, ``2h`` or ``1d``."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text.lower())
    if match is None:
        raise click.BadParameter(f"{text!r} is not a duration such as 90s, 15m, 2h or 1d", param_hint="DURATION")
    return float(match.group(1)) * _UNITS[match.group(2)]


def register(cli: click.Group) -> None:
    """Add the ``sandbox`` group to ``cli``."""

    @cli.group("sandbox")
    def sandbox_group() -> None:
        """The built-in emulators that --sandbox uses (state in $MODELREG_STATE_DIR)."""

    @sandbox_group.command("reset")
    @click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
    @click.option("--empty", is_flag=True, help="Start with no models instead of the seed models.")
    @click.pass_obj
    def reset_command(session: Session, yes: bool, empty: bool) -> None:
        """Forget every sandbox model and start again from the seed models."""
        # The sandboxes' state loads when a sandbox command runs, not to show --help.
        from modelreg.cli import _state

        if not yes:
            click.confirm(f"Reset the sandboxes in {_state.sandbox_dir()}?", default=False, abort=True, err=True)
        # Not session.sandboxes(): a corrupted store could not be opened, and reset must mend it.
        names = ", ".join(_state.reset_sandboxes(session.clock, seed=not empty)) or "no provider"
        what = "empty" if empty else "seeded"
        _output.note(f"Reset the sandboxes of {names} ({what}) in {_state.sandbox_dir()}.")

    @sandbox_group.command("info")
    @click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
    @click.pass_obj
    def info_command(session: Session, as_json: bool) -> None:
        """Show where the sandbox state lives and how far its clock is ahead."""
        from modelreg.cli import _state

        clock = session.clock
        info = {
            "state_dir": str(_state.state_dir()),
            "stores": {name: str(_state.store_path(name)) for name in modelreg.providers()},
            "clock_offset_seconds": round(clock.offset, 3),
            "speed": clock.speed,
        }
        grid = _output.table("FIELD", "VALUE")
        for key, value in info.items():
            shown = ", ".join(f"{k}: {v}" for k, v in value.items()) if isinstance(value, dict) else value
            grid.add_row(_output.plain(key, "bold"), _output.plain(shown))
        _formats.emit(grid, info, as_json=as_json)

    @sandbox_group.command("advance")
    @click.argument("duration", callback=lambda _c, _p, v: parse_duration(v))
    @click.pass_obj
    def advance_command(session: Session, duration: float) -> None:
        """Move sandbox time forward (e.g. `2h`), so that trainings progress without waiting."""
        clock = session.clock
        clock.advance(duration)
        _output.note(f"Sandbox time is now {clock.offset:.0f} s ahead of the wall clock.")

    @sandbox_group.command("serve")
    @click.option("--port", type=click.IntRange(1, 65535), default=DEFAULT_PORT, show_default=True)
    @click.pass_obj
    def serve_command(session: Session, port: int) -> None:
        """Serve the emulators over HTTP on 127.0.0.1, one path prefix per provider.

        http://127.0.0.1:PORT/scriptix is a Scriptix base URL, /selise a SELISE one: set
        SCRIPTIX_BASE_URL (and any API key) to it and use modelreg without --sandbox.
        """
        try:
            import uvicorn
        except ImportError:
            raise click.ClickException("serving needs uvicorn: pip install 'modelreg[server]'") from None
        sandboxes = session.sandboxes()
        if not sandboxes:
            raise click.ClickException("no installed provider ships a sandbox")
        from modelreg.sandbox import asgi_app, mounted_app

        app = mounted_app({name: asgi_app(sandbox) for name, sandbox in sandboxes.items()})
        # Bound before any URL is printed: a busy port is one line and exit 1, never a URL that lies.
        listener = listen(port)
        registries = session.registries()
        for name in sandboxes:
            # A base URL may carry a path (``.../speechtotext/v3.2``): the sandbox serves it under the prefix.
            path = (
                urllib.parse.urlsplit(registries[name].config.base_url).path.rstrip("/") if name in registries else ""
            )
            url = f"http://127.0.0.1:{port}/{name}{path}"
            env = modelreg.provider_info(name).base_url_env
            click.echo(f"{name}: {url}" + (f"   (export {env}={url})" if env else ""))
        level = "info" if session.verbose else "warning"
        server = uvicorn.Server(uvicorn.Config(app, log_level=level, lifespan="on"))
        try:
            server.run(sockets=[listener])  # Ctrl-C stops it cleanly, then exits 130 like any command
        finally:
            listener.close()


def listen(port: int) -> socket.socket:
    """A socket listening on 127.0.0.1:``port``; a usage-level error saying so when the port is busy."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if os.name == "posix":  # restart at once after a stop (TIME_WAIT); a live listener still refuses
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(("127.0.0.1", port))
        listener.listen(128)
    except OSError as exc:
        listener.close()
        if exc.errno == errno.EADDRINUSE:
            raise click.ClickException(
                f"port {port} on 127.0.0.1 is already in use (another `modelreg sandbox serve`?); "
                "stop that program or pick another port with --port"
            ) from None
        raise click.ClickException(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}") from None
    listener.set_inheritable(True)
    return listener
