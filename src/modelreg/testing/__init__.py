"""Testing helpers for modelreg users: cassettes that never leak a secret, and sandbox fixtures.

Also a pytest plugin (entry point ``pytest11``); it needs the ``testing`` extra.
"""

from modelreg.testing._cassettes import canonical_json, make_vcr, use_cassette

__all__ = ["canonical_json", "make_vcr", "use_cassette"]
