"""Shared fixtures: the toy provider installed through a real entry point, and plugin resets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from modelreg import _plugins

pytest_plugins = ["pytester"]

TOY_DIR = Path(__file__).parent / "toy"
ACME_DIR = Path(__file__).parent / "acme"


def install_entry_points(
    root: Path, name: str, entry_points: dict[str, str], modules: dict[str, str] | None = None
) -> None:
    """Write a minimal installed distribution under ``root``: a dist-info with entry points (and modules)."""
    # A dist-info directory is named NAME-VERSION with dashes in NAME written as underscores;
    # importlib.metadata reads the name up to the first dash.
    dist_info = root / f"{name.replace('-', '_')}-1.0.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    lines = "\n".join(f"{k} = {v}" for k, v in entry_points.items())
    (dist_info / "entry_points.txt").write_text(f"[modelreg]\n{lines}\n")
    for module, source in (modules or {}).items():
        (root / f"{module}.py").write_text(source)


@pytest.fixture(autouse=True)
def isolated_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the real home's config: a fresh, absent config file and no profile chosen."""
    home = tmp_path_factory.mktemp("config-home")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    monkeypatch.setenv("MODELREG_CONFIG", str(home / "modelreg" / "config.toml"))
    monkeypatch.delenv("MODELREG_PROFILE", raising=False)
    return home / "modelreg" / "config.toml"


@pytest.fixture
def plugin_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh sys.path entry for fake installed distributions; plugins reload around the test."""
    root = tmp_path / "site"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))
    _plugins.reset()
    yield root
    _plugins.reset()


@pytest.fixture
def toy(plugin_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The toy provider, installed through a ``modelreg`` entry point like any third-party plugin."""
    monkeypatch.syspath_prepend(str(TOY_DIR))
    install_entry_points(plugin_path, "modelreg-toy", {"toy": "modelreg_toy"})
    monkeypatch.setenv("TOY_TOKEN", "toy-secret-token-123")
    return plugin_path


@pytest.fixture
def fake_keyring() -> Iterator[dict[tuple[str, str], str]]:
    """An in-memory keyring backend (``(service, username) -> secret``): no test touches the system keyring."""
    import keyring
    from keyring.backend import KeyringBackend
    from keyring.backends import fail

    entries: dict[tuple[str, str], str] = {}

    class MemoryKeyring(KeyringBackend):
        priority = 1

        def get_password(self, service: str, username: str) -> str | None:
            return entries.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            entries[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            entries.pop((service, username), None)

    keyring.set_keyring(MemoryKeyring())  # type: ignore[no-untyped-call]
    yield entries
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]


@pytest.fixture
def acme(plugin_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The cursor-paged Acme provider (docs/plugins.md's second example), installed through an entry point."""
    monkeypatch.syspath_prepend(str(ACME_DIR))
    install_entry_points(plugin_path, "modelreg-acme", {"acme": "modelreg_acme"})
    monkeypatch.setenv("ACME_KEY", "0123456789abcdef0123456789abcdef")
    monkeypatch.setenv("ACME_REGION", "westeurope")
    return plugin_path
