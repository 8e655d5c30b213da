"""The pytest plugin end to end (with the toy provider), through pytest's own ``pytester``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import vcr  # noqa: F401  imported here so that in-process pytester runs share one yaml module
import yaml  # noqa: F401

RUN = ("-p", "no:cacheprovider", "-o", "asyncio_default_fixture_loop_scope=function")

RECORDED = """
def test_creates_and_lists(modelreg_cassette):
    with modelreg_cassette.connect("toy") as registry:
        created = registry.create(name="Cardiology EN")
        assert [m.name for m in registry.list()] == ["Cardiology EN"]
        assert registry.get(created.id).name == "Cardiology EN"
"""


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(*RUN, *args)


def test_sandbox_fixtures_give_fresh_sync_async_and_parametrized_registries(
    toy: Path, pytester: pytest.Pytester
) -> None:
    pytester.makeini("[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(
        """
        import pytest

        def test_sync(modelreg_sandbox):
            registry = modelreg_sandbox("toy")
            registry.create(name="a")
            assert [m.name for m in registry.list()] == ["a"]
            assert list(modelreg_sandbox("toy").list()) == []

        def test_next_test_starts_empty(modelreg_sandbox):
            assert list(modelreg_sandbox("toy").list()) == []

        def test_prepare_runs_on_the_new_sandbox(modelreg_sandbox):
            def seed(sandbox):
                sandbox.store.put("models", "7", {"id": 7, "name": "seeded", "state": "live"})
            assert modelreg_sandbox("toy", prepare=seed).get(7).name == "seeded"

        async def test_async(modelreg_async_sandbox):
            async with modelreg_async_sandbox("toy") as registry:
                await registry.create(name="b")
                assert [m.name async for m in registry.list()] == ["b"]

        @pytest.mark.parametrize("modelreg_registry", ["toy"], indirect=True)
        def test_indirect(modelreg_registry):
            assert modelreg_registry.provider == "toy"
            assert modelreg_registry.sandbox is not None

        @pytest.mark.parametrize("modelreg_async_registry", ["toy"], indirect=True)
        async def test_indirect_async(modelreg_async_registry):
            assert (await modelreg_async_registry.list_page()).items == ()
        """
    )
    _run(pytester).assert_outcomes(passed=6)


def test_registry_fixture_without_a_provider_says_how_to_give_one(toy: Path, pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_x(modelreg_registry):\n    pass\n")
    result = _run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*parametrize it indirectly*"])


def test_records_once_then_replays_without_credentials(
    toy: Path, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_example=RECORDED)
    _run(pytester, "--modelreg-record-mode=once").assert_outcomes(passed=1)
    cassette = pytester.path / "cassettes" / "test_example" / "test_creates_and_lists.yaml"
    text = cassette.read_text()
    assert "toy-secret-token-123" not in text
    assert "authorization:\n      - '***'" in text
    monkeypatch.delenv("TOY_TOKEN")
    _run(pytester).assert_outcomes(passed=1)


def test_replay_is_the_default_and_a_missing_cassette_fails_clearly(toy: Path, pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_example=RECORDED)
    result = _run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*CassetteMismatch*", "*missing or empty: record it first*"])
    assert not (pytester.path / "cassettes").exists() or not list((pytester.path / "cassettes").rglob("*.yaml"))


def test_the_marker_sets_the_record_mode_and_name(toy: Path, pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_example=RECORDED.replace(
            "def test_", 'import pytest\n\n@pytest.mark.modelreg_cassette("shared", record_mode="once")\ndef test_'
        )
    )
    _run(pytester).assert_outcomes(passed=1)
    assert (pytester.path / "cassettes" / "test_example" / "shared.yaml").exists()


def test_a_changed_request_in_replay_shows_the_closest_recording(toy: Path, pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_example=RECORDED)
    _run(pytester, "--modelreg-record-mode=once").assert_outcomes(passed=1)
    pytester.makepyfile(test_example=RECORDED.replace('create(name="Cardiology EN")', 'create(name="Oncology")'))
    result = _run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*CassetteMismatch*", "*closest: POST https://api.toy.example/v1/models*"])
    result.stdout.fnmatch_lines(["*differs in: canonical_body*"])


def test_async_registries_record_and_replay(toy: Path, pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(
        """
        async def test_async(modelreg_cassette):
            async with modelreg_cassette.connect_async("toy") as registry:
                await registry.create(name="b")
                assert [m.name async for m in registry.list()] == ["b"]
        """
    )
    _run(pytester, "--modelreg-record-mode=once").assert_outcomes(passed=1)
    _run(pytester).assert_outcomes(passed=1)


def test_live_recording_refuses_without_credentials(
    toy: Path, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TOY_TOKEN")
    pytester.makepyfile(test_example=RECORDED)
    result = _run(pytester, "--modelreg-record-mode=once", "--modelreg-live")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*needs real credentials in the environment: set TOY_TOKEN*"])


def test_pytest_recording_uses_modelreg_scrubbing_and_matching(toy: Path, pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture
        def vcr_config(modelreg_vcr_config):
            return modelreg_vcr_config
        """
    )
    test = """
        import pytest
        import modelreg
        from modelreg.testing import recordable_transport

        @pytest.mark.vcr
        def test_create():
            sandbox = modelreg.connect("toy", sandbox=True).sandbox
            transport = recordable_transport(sandbox)
            with modelreg.connect("toy", sandbox=sandbox, transport=transport) as registry:
                assert registry.create(name="NAME").name == "NAME"
        """
    pytester.makepyfile(test_rec=test.replace("NAME", "Cardiology EN"))
    _run(pytester, "--record-mode=once").assert_outcomes(passed=1)
    cassette = pytester.path / "cassettes" / "test_rec" / "test_create.yaml"
    assert "toy-secret-token-123" not in cassette.read_text()
    _run(pytester).assert_outcomes(passed=1)
    pytester.makepyfile(test_rec=test.replace("NAME", "Oncology"))
    result = _run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*CassetteMismatch*", "*differs in: canonical_body*"])


def test_the_plugin_module_imports_without_vcrpy() -> None:
    code = "import sys; sys.modules['vcr'] = None; import modelreg.testing; print('ok')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_the_ini_value_sets_the_default_record_mode(toy: Path, pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nmodelreg_record_mode = once\n")
    pytester.makepyfile(test_example=RECORDED)
    _run(pytester).assert_outcomes(passed=1)
    assert (pytester.path / "cassettes" / "test_example" / "test_creates_and_lists.yaml").exists()


def test_async_registries_left_open_are_closed_after_the_test(toy: Path) -> None:
    import modelreg
    from modelreg.testing import AsyncSandboxFactory

    factory = AsyncSandboxFactory()
    registry = factory("toy")
    assert isinstance(registry, modelreg.AsyncModelRegistry)
    factory.close()
    assert registry._client.is_closed
