"""The core's layering: no import cycle among its modules, and private modules kept private."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "modelreg"
CONSUMERS = ("modelreg.cli", "modelreg.testing", "modelreg.__main__")
"""What stands where a third-party package stands: it uses the core, the core never uses it."""


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _imports(path: Path, known: set[str]) -> set[str]:
    """Every modelreg module ``path`` imports: at the top, under TYPE_CHECKING or inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module in known:
            submodules = {f"{node.module}.{alias.name}" for alias in node.names} & known
            found.update(submodules or {node.module})
            if len(submodules) < len(node.names):
                found.add(node.module)
    return found


def _core_graph() -> dict[str, set[str]]:
    modules = _modules()
    core = {name for name in modules if not name.startswith(CONSUMERS)}
    return {name: _imports(modules[name], core) - {name} for name in core}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` (as the list of modules around it), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_core_has_no_import_cycle_type_only_imports_included() -> None:
    graph = _core_graph()
    # The package's front door imports everything, and nothing in the core imports it back.
    importers_of_front_door = sorted(name for name, targets in graph.items() if "modelreg" in targets)
    assert not importers_of_front_door, f"core modules importing the modelreg package itself: {importers_of_front_door}"
    cycle = _cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_the_core_never_imports_the_cli_or_the_testing_helpers() -> None:
    modules = _modules()
    offenders = {
        name: sorted(target for target in _imports(path, set(modules)) if target.startswith(CONSUMERS))
        for name, path in modules.items()
        if not name.startswith(CONSUMERS)
    }
    assert not {name: found for name, found in offenders.items() if found}


def test_every_private_core_module_is_banned_outside_the_core() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    banned = set(config["tool"]["ruff"]["lint"]["flake8-tidy-imports"]["banned-api"])
    private = {_module_name(path) for path in PACKAGE.glob("_*.py") if path.name not in ("__init__.py", "__main__.py")}
    assert private - banned == set(), f"add these to banned-api in pyproject.toml: {sorted(private - banned)}"
    assert banned - private == set(), f"banned modules that no longer exist: {sorted(banned - private)}"
