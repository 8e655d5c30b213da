"""(Re)record every cassette under ``cassettes/``: against the sandboxes, or live with ``--live``.

Each ``tests/scenarios/<provider>.py`` module defines ``PROVIDER``, ``SCENARIOS`` (name ->
``Scenario``) and optionally ``prepare(sandbox)`` to set up sandbox state before a scenario.
``--live`` connects with the credentials in the environment (``SCRIPTIX_API_KEY``...) instead
of the sandbox. Secrets are scrubbed from every cassette as it is written.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path

from modelreg.testing import use_cassette

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    """Record the cassettes of every (or the named) provider's scenarios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("providers", nargs="*", help="only these providers (default: all with scenarios)")
    parser.add_argument("--live", action="store_true", help="record against the real APIs (needs credentials)")
    args = parser.parse_args(argv)
    import tests.scenarios as package

    recorded = 0
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"tests.scenarios.{info.name}")
        provider = module.PROVIDER
        if args.providers and provider not in args.providers:
            continue
        folder = ROOT / "cassettes" / provider
        folder.mkdir(parents=True, exist_ok=True)
        for name, scenario in module.SCENARIOS.items():
            path = folder / f"{name}.yaml"
            path.unlink(missing_ok=True)
            registry = scenario.connect(live=args.live)
            with registry, use_cassette(path, record_mode="all", secrets=scenario.secrets(registry)):
                scenario.run(registry)
            recorded += 1
            print(f"recorded {path.relative_to(ROOT)}")
    print(f"{recorded} cassettes recorded ({'live' if args.live else 'sandbox'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
