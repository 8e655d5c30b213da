"""(Re)record every cassette under ``cassettes/``: against the sandboxes, or live with ``--live``.

Each ``tests/scenarios/<provider>.py`` module defines ``PROVIDER`` and ``SCENARIOS`` (name ->
``Scenario``). By default each scenario runs against a fresh, prepared sandbox. ``--live``
connects with the credentials in the environment (``SCRIPTIX_API_KEY``, ``SELISE_BLOCKS_KEY``...)
instead, and refuses to start when any is missing; scenarios whose ``prepare`` sets up sandbox
state are skipped live. Every credential is scrubbed as the cassette is written, and each cassette
is then scanned for anything key-like; a cassette that fails the scan is deleted.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from modelreg.errors import ConfigurationError  # noqa: E402 - after the path set-up above
from modelreg.testing import require_credentials, scan_cassette, use_cassette  # noqa: E402

CASSETTES = ROOT / "cassettes"
HEADER = "# Recorded by `make cassettes{flag}` (scripts/record_cassettes.py) against {target}; credentials scrubbed.\n"


def scenario_modules() -> list[Any]:
    """Every ``tests/scenarios/<provider>.py`` module."""
    import tests.scenarios as package

    return [importlib.import_module(f"tests.scenarios.{info.name}") for info in pkgutil.iter_modules(package.__path__)]


def record(name: str, scenario: Any, path: Path, *, live: bool) -> None:
    """Run one scenario against its target, writing the scrubbed cassette at ``path``."""
    path.unlink(missing_ok=True)
    registry = scenario.connect(live=live)
    with registry, use_cassette(path, record_mode="all", secrets=scenario.secrets(registry)):
        try:
            outcome = scenario.run(registry)
        except Exception as exc:  # the scenario's check decides whether the error was expected
            outcome = exc
    if scenario.check is not None:
        scenario.check(outcome)
    elif isinstance(outcome, Exception):
        raise outcome
    if not path.exists():
        raise RuntimeError(f"scenario {name} sent no request, so no cassette was written")
    target = f"the live {scenario.provider} API" if live else f"the {scenario.provider} sandbox"
    text = path.read_text(encoding="utf-8")
    path.write_text(HEADER.format(flag=" --live" if live else "", target=target) + text, encoding="utf-8")
    leaks = scan_cassette(path, secrets=scenario.secrets(registry))
    if leaks:
        path.unlink()
        raise RuntimeError(f"{path} would leak credentials, not written: " + "; ".join(map(str, leaks)))


def write_readme() -> None:
    """List every cassette and what it was recorded against in ``cassettes/README.md``."""
    lines = [
        "# Cassettes",
        "",
        "Recorded HTTP interactions replayed offline by `tests/test_cassettes.py` (sync and async registries).",
        "Re-record them all with `make cassettes` (against the in-process sandboxes), one provider with",
        "`.venv/bin/python -m scripts.record_cassettes scriptix`, or against the live APIs with",
        "`.venv/bin/python -m scripts.record_cassettes --live` and real credentials in the environment.",
        "The scenarios are in `tests/scenarios/<provider>.py`; credentials are scrubbed when written and",
        "`tests/security/test_cassette_leaks.py` scans every cassette for anything key-like.",
        "",
        "| cassette | recorded against |",
        "|---|---|",
    ]
    for path in sorted(CASSETTES.glob("*/*.yaml")):
        first = path.read_text(encoding="utf-8").partition("\n")[0]
        target = first.partition(" against ")[2].partition(";")[0] or "unknown"
        lines.append(f"| `{path.relative_to(CASSETTES)}` | {target} |")
    (CASSETTES / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Record the cassettes of every (or the named) provider's scenarios."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("providers", nargs="*", help="only these providers (default: all with scenarios)")
    parser.add_argument("--live", action="store_true", help="record against the real APIs (needs credentials)")
    args = parser.parse_args(argv)
    modules = [m for m in scenario_modules() if not args.providers or m.PROVIDER in args.providers]
    unknown = set(args.providers) - {m.PROVIDER for m in modules}
    if unknown:
        print(f"no scenarios for {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    if args.live:
        try:
            for module in modules:
                require_credentials(module.PROVIDER)
        except ConfigurationError as exc:
            print(f"refusing to record live: {exc}", file=sys.stderr)
            return 2
    recorded = skipped = 0
    for module in modules:
        folder = CASSETTES / module.PROVIDER
        folder.mkdir(parents=True, exist_ok=True)
        for name, scenario in module.SCENARIOS.items():
            path = folder / f"{name}.yaml"
            if args.live and scenario.prepare is not None:
                print(f"skipped {path.relative_to(ROOT)}: its set-up needs the sandbox")
                skipped += 1
                continue
            record(name, scenario, path, live=args.live)
            recorded += 1
            print(f"recorded {path.relative_to(ROOT)}")
    write_readme()
    print(f"{recorded} cassettes recorded ({'live' if args.live else 'sandbox'}), {skipped} skipped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
