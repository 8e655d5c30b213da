"""The pytest plugin: sandbox registry fixtures and per-test cassettes, replay-only by default.

Registered through the ``pytest11`` entry point, so it is active wherever modelreg is
installed; vcrpy is imported only when a cassette fixture is used.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from modelreg import AsyncModelRegistry, ModelRegistry
from modelreg.testing._cassettes import RECORD_MODES, canonical_body, vcr_options
from modelreg.testing._mismatch import from_vcr, is_vcr_mismatch
from modelreg.testing._recording import Recording
from modelreg.testing._sandboxes import AsyncSandboxFactory, SandboxFactory
from modelreg.testing._secrets import scrubber

MARKER = "modelreg_cassette"


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--modelreg-record-mode`` and ``--modelreg-live``, and the ``modelreg_record_mode`` ini value."""
    group = parser.getgroup("modelreg", "modelreg cassettes")
    group.addoption(
        "--modelreg-record-mode",
        choices=RECORD_MODES,
        default=None,
        help="vcrpy record mode of modelreg_cassette tests (default: none, replay only, nothing is sent)",
    )
    group.addoption(
        "--modelreg-live",
        action="store_true",
        default=False,
        help="record against the vendors' live APIs with the credentials in the environment, not a sandbox",
    )
    parser.addini("modelreg_record_mode", "default record mode of modelreg_cassette tests", default="none")


def pytest_configure(config: pytest.Config) -> None:
    """Declare the ``modelreg_cassette`` marker."""
    config.addinivalue_line(
        "markers",
        f"{MARKER}(name=None, *, record_mode=None): the modelreg_cassette fixture's cassette name and record mode",
    )


@pytest.hookimpl(optionalhook=True)
def pytest_recording_configure(config: pytest.Config, vcr: Any) -> None:
    """Teach pytest-recording's VCR the ``canonical_body`` matcher of ``modelreg_vcr_config``."""
    vcr.register_matcher("canonical_body", canonical_body)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    """Report an unmatched replayed request (vcrpy or pytest-recording) as a ``CassetteMismatch``."""
    try:
        return (yield)
    except Exception as exc:
        if is_vcr_mismatch(exc):
            raise from_vcr(exc) from exc
        raise


# -- sandboxes -----------------------------------------------------------------------------


@pytest.fixture
def modelreg_sandbox() -> Iterator[SandboxFactory]:
    """Factory of sync registries on fresh in-memory sandboxes: ``modelreg_sandbox("scriptix")``."""
    factory = SandboxFactory()
    yield factory
    factory.close()


@pytest.fixture
def modelreg_async_sandbox() -> Iterator[AsyncSandboxFactory]:
    """Factory of async registries on fresh in-memory sandboxes: ``modelreg_async_sandbox("selise")``."""
    factory = AsyncSandboxFactory()
    yield factory
    factory.close()


@pytest.fixture
def modelreg_provider(request: pytest.FixtureRequest) -> str:
    """The provider ``modelreg_registry`` binds to: its indirect parameter, or override this fixture."""
    param = getattr(request, "param", None)
    if not isinstance(param, str):
        raise pytest.UsageError(
            "modelreg_registry needs a provider: parametrize it indirectly, e.g. "
            '@pytest.mark.parametrize("modelreg_registry", ["scriptix"], indirect=True), '
            "or override the modelreg_provider fixture"
        )
    return param


def _provider(request: pytest.FixtureRequest) -> str:
    param = getattr(request, "param", None)
    if isinstance(param, str):
        return param
    name: str = request.getfixturevalue("modelreg_provider")
    return name


@pytest.fixture
def modelreg_registry(request: pytest.FixtureRequest, modelreg_sandbox: SandboxFactory) -> ModelRegistry:
    """A sync registry on a fresh sandbox of the provider given as indirect parameter."""
    return modelreg_sandbox(_provider(request))


@pytest.fixture
def modelreg_async_registry(
    request: pytest.FixtureRequest, modelreg_async_sandbox: AsyncSandboxFactory
) -> AsyncModelRegistry:
    """An async registry on a fresh sandbox of the provider given as indirect parameter."""
    return modelreg_async_sandbox(_provider(request))


# -- cassettes -----------------------------------------------------------------------------


def _marker(request: pytest.FixtureRequest) -> pytest.Mark | None:
    node: pytest.Item = request.node
    return node.get_closest_marker(MARKER)


@pytest.fixture
def modelreg_record_mode(request: pytest.FixtureRequest) -> str:
    """The record mode: the marker's, else ``--modelreg-record-mode``, else the ini value (``none``)."""
    marker = _marker(request)
    if marker is not None and marker.kwargs.get("record_mode"):
        mode = str(marker.kwargs["record_mode"])
    else:
        mode = request.config.getoption("--modelreg-record-mode") or str(request.config.getini("modelreg_record_mode"))
    if mode not in RECORD_MODES:
        raise pytest.UsageError(f"modelreg record mode must be one of {', '.join(RECORD_MODES)}, got {mode!r}")
    return mode


@pytest.fixture
def modelreg_cassette_dir(request: pytest.FixtureRequest) -> Path:
    """Where this test's cassette lives: ``cassettes/<test module>/`` beside the test file."""
    path = Path(str(request.node.path))
    return path.parent / "cassettes" / path.stem


@pytest.fixture
def modelreg_cassette_name(request: pytest.FixtureRequest) -> str:
    """The cassette's file name: the marker's ``name``, else the test's name."""
    marker = _marker(request)
    name = (marker.args[0] if marker and marker.args else None) or (marker.kwargs.get("name") if marker else None)
    if not name:
        name = request.node.name if request.cls is None else f"{request.cls.__name__}.{request.node.name}"
    name = re.sub(r"[^\w.\-]+", "_", str(name)).strip("_")
    return name if name.endswith((".yaml", ".yml")) else f"{name}.yaml"


@pytest.fixture
def modelreg_cassette(
    request: pytest.FixtureRequest, modelreg_record_mode: str, modelreg_cassette_dir: Path, modelreg_cassette_name: str
) -> Iterator[Recording]:
    """This test's cassette; ``modelreg_cassette.connect("scriptix")`` gives a registry that replays it.

    Nothing is sent unless a record mode is given; recording goes to a fresh sandbox, or to the
    live API with ``--modelreg-live``. Every credential is scrubbed from what is written.
    """
    target = "live" if request.config.getoption("--modelreg-live") else "sandbox"
    path = modelreg_cassette_dir / modelreg_cassette_name
    with Recording(path, record_mode=modelreg_record_mode, target=target) as recording:
        yield recording


@pytest.fixture
def modelreg_vcr_config() -> dict[str, Any]:
    """vcrpy options that scrub every provider's credentials and match canonical bodies.

    With pytest-recording: ``def vcr_config(modelreg_vcr_config): return modelreg_vcr_config``.
    """
    return vcr_options(scrubber())
