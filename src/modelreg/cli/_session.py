"""What every command shares: the global options and the registries they connect lazily."""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import click

import modelreg
from modelreg import ConfigurationError, parse_ref
from modelreg.cli import _redaction
from modelreg.profiles import missing_settings

if TYPE_CHECKING:
    from modelreg import ModelRegistry, Registries
    from modelreg.cli._state import SandboxClock
    from modelreg.sandbox import Sandbox

SANDBOX_HINT = "or add --sandbox to try the built-in emulators"


class Session:
    """The state of one CLI invocation: global options, sandboxes and connected registries.

    Global options may come before or after the command: those after it update the session
    while the command's own options are read, before anything is connected.
    """

    def __init__(
        self,
        *,
        sandbox: bool,
        verbose: int,
        profile: str | None = None,
        output: str | None = None,
        json: bool = False,
        no_headers: bool = False,
        timeout: float | None = None,
        deadline: float | None = None,
    ) -> None:
        self.sandbox = sandbox
        self.verbose = verbose
        self.profile = profile
        """The config-file profile to read settings from (``--profile``; else ``$MODELREG_PROFILE``)."""
        self.output = output
        """``-o``: table, json, yaml, csv or tsv; None lets the terminal decide (``_formats``)."""
        self.json = json
        self.no_headers = no_headers
        self.timeout = timeout
        self.deadline = deadline
        self._clock: SandboxClock | None = None
        self._sandboxes: dict[str, Sandbox] | None = None
        self._no_sandbox: dict[str, str] = {}
        self._registries: Registries | None = None

    def connect_options(self) -> dict[str, Any]:
        """The ``connect()`` options the global flags ask for (``--timeout``, ``--deadline``)."""
        options = {"timeout": self.timeout, "deadline": self.deadline}
        return {key: value for key, value in options.items() if value is not None}

    def command(self, *words: str) -> str:
        """A ``modelreg`` command line to suggest, pasteable as-is: it keeps ``--sandbox`` and ``--profile``."""
        prefix = ["modelreg"]
        if self.sandbox:
            prefix.append("--sandbox")
        if self.profile:
            prefix += ["--profile", self.profile]
        return shlex.join([*prefix, *words])

    @property
    def clock(self) -> SandboxClock:
        """The clock every sandbox of this invocation shares."""
        if self._clock is None:
            # The registries, sandboxes and their state load when a command first needs them:
            # ``modelreg --help`` stays quick.
            from modelreg.cli import _state

            self._clock = _state.open_clock()
        return self._clock

    def sandboxes(self) -> dict[str, Sandbox]:
        """The persistent sandbox of each installed provider that has one (opened once)."""
        if self._sandboxes is None:
            from modelreg.cli import _state

            self._sandboxes, self._no_sandbox = _state.open_sandboxes(self.clock)
        return self._sandboxes

    def registries(self) -> Registries:
        """Every provider that can be reached: configured ones, or every sandbox with ``--sandbox``."""
        if self._registries is not None:
            return self._registries

        connected: dict[str, ModelRegistry] = {}
        skipped: dict[str, str] = {}
        options = self.connect_options()
        if self.sandbox:
            sandboxes = self.sandboxes()
            skipped.update(self._no_sandbox)
            for name, emulator in sandboxes.items():
                connected[name] = modelreg.connect(name, sandbox=emulator, **options)
        else:
            for name in modelreg.providers():
                missing = missing_settings(name, profile=self.profile)
                if missing:
                    skipped[name] = (
                        f"not configured: set {', '.join(missing)} or run `{self.command('configure', name)}`"
                    )
                    continue
                try:
                    connected[name] = modelreg.connect(name, profile=self.profile, **options)
                except ConfigurationError as exc:
                    skipped[name] = str(exc)
        for registry in connected.values():
            _redaction.remember(registry.config.secrets())  # a profile's secrets are masked like the env's
        self._registries = modelreg.Registries(connected, skipped)
        return self._registries

    def connected(self, only: Iterable[str] | None = None) -> Registries:
        """The registries, failing with a fix when none (or a named one) is reachable."""
        registries = self.registries()
        for name in only or ():
            self.registry(name)
        if not len(registries):
            reasons = "; ".join(f"{name}: {why}" for name, why in registries.skipped.items())
            if not reasons:
                raise ConfigurationError("no provider is installed; install a modelreg provider plugin")
            raise ConfigurationError(f"no provider is configured ({reasons}); {SANDBOX_HINT}")
        return registries

    def registry(self, name: str) -> ModelRegistry:
        """The registry of provider ``name``, or an error saying how to configure it."""
        check_provider(name)
        registries = self.registries()
        if name not in registries:
            reason = registries.skipped.get(name, "it is not connected")
            hint = "" if self.sandbox else f"; {SANDBOX_HINT}"
            raise ConfigurationError(f"provider {name!r} is unavailable: {reason}{hint}", provider=name)
        registry: ModelRegistry = registries[name]
        return registry

    def resolve(self, ref: str) -> tuple[ModelRegistry, str]:
        """The registry and model id of a ``PROVIDER:ID`` ref."""
        name, model_id = parse_ref(ref)
        check_provider(name, param_hint="REF")
        return self.registry(name), model_id

    def close(self) -> None:
        """Close registries and sandbox files."""
        if self._registries is not None:
            self._registries.close()
        if self._sandboxes is not None:
            from modelreg.cli import _state

            _state.close_sandboxes(self._sandboxes)


def check_provider(name: str, param_hint: str = "PROVIDER") -> None:
    """A usage error naming the installed providers when ``name`` is not one of them."""
    installed = modelreg.providers()
    if name not in installed:
        known = ", ".join(sorted(installed)) or "none"
        raise click.BadParameter(f"no provider named {name!r} is installed (installed: {known})", param_hint=param_hint)
