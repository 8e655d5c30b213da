"""Testing helpers for modelreg users: sandbox fixtures, cassettes that never leak a secret, and
``ProviderContract``, the conformance checks a provider plugin runs in one subclass.

Also the pytest plugin (entry point ``pytest11``), active wherever modelreg is installed with
its ``testing`` extra; vcrpy is imported only when a cassette is used. See ``docs/testing.md``.
"""

from modelreg.plugins import reload_plugins
from modelreg.testing._cassettes import MATCH_ON, canonical_body, make_vcr, use_cassette, vcr_options
from modelreg.testing._contract import ProviderContract
from modelreg.testing._leaks import Leak, scan_cassette, scan_text
from modelreg.testing._mismatch import CassetteMismatch, Difference

# The pytest plugin's hooks and fixtures: pytest finds them in this module's namespace.
from modelreg.testing._plugin import (  # noqa: F401
    modelreg_async_registry,
    modelreg_async_sandbox,
    modelreg_cassette,
    modelreg_cassette_dir,
    modelreg_cassette_name,
    modelreg_provider,
    modelreg_record_mode,
    modelreg_registry,
    modelreg_sandbox,
    modelreg_vcr_config,
    pytest_addoption,
    pytest_configure,
    pytest_recording_configure,
    pytest_runtest_call,
)
from modelreg.testing._recording import Recording, recordable_transport, refusing_transport, require_credentials
from modelreg.testing._sandboxes import AsyncSandboxFactory, SandboxFactory
from modelreg.testing._scrub import SECRET_FIELDS, SECRET_HEADERS, Scrubber, canonical_json
from modelreg.testing._secrets import configured_secrets, secret_fields

__all__ = [
    "AsyncSandboxFactory",
    "CassetteMismatch",
    "Difference",
    "Leak",
    "MATCH_ON",
    "ProviderContract",
    "Recording",
    "SECRET_FIELDS",
    "SECRET_HEADERS",
    "SandboxFactory",
    "Scrubber",
    "canonical_body",
    "canonical_json",
    "configured_secrets",
    "make_vcr",
    "recordable_transport",
    "refusing_transport",
    "reload_plugins",
    "require_credentials",
    "scan_cassette",
    "scan_text",
    "secret_fields",
    "use_cassette",
    "vcr_options",
]
