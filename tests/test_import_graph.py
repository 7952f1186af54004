"""The import graph of index/ and reader/, built from the source: the layers hold.

Every import counts: module level, inside functions, and under TYPE_CHECKING
(a cycle that only the type checker sees is still a cycle in the design).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

GROUND = {
    "index", "index.models", "index.errors", "index.paths", "index.codec", "index.text",
    "index.sqlite",
}  # fmt: skip
"""The core's ground floor: every wing may stand on it."""

WINGS_BELOW = {
    # wing: the wings it may import (besides itself and the ground floor)
    "index.analysis": set(),
    "index.search": {"index.analysis"},  # relative dates in queries, passages
    "index.sources": set(),
    "index.bookmarks": set(),
    "index.feeds": {"index.sources", "index.analysis"},
    "index.home": {
        "index.analysis",
        "index.search",
        "index.sources",
        "index.bookmarks",
        "index.feeds",
    },
}

PUBLIC_FACES = {
    "index.models",
    "index.errors",
    "index.paths",
    "index.codec",
    "index.home",
    "index.search.clauses",
    "index.analysis.passages",
    "index.text",
}
"""What reader/ may import from the core: the data types, the errors, where a home is,
the JSON codec, the home's service face (``index.home``), the query clauses the UI
builds, the sentence/paragraph seams the article view walks, and the one rule for
outside text on a terminal."""


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for top in ("index", "reader")
        for path in (ROOT / top).rglob("*.py")
    }


MODULES = _modules()


def _imports(name: str, path: Path) -> Iterator[tuple[str, int]]:
    """(imported project module, line) for every import in a module, wherever it stands."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield from _known(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            for alias in node.names:
                child = f"{module}.{alias.name}"
                if child in MODULES:
                    yield child, node.lineno
                else:
                    yield from _known(module, node.lineno)


def _known(module: str, line: int) -> Iterator[tuple[str, int]]:
    if module in MODULES:
        yield module, line


GRAPH = {
    name: sorted({target for target, _ in _imports(name, path) if target != name})
    for name, path in MODULES.items()
}


def _wing(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "index" or module in GROUND or len(parts) < 2:
        return None
    return ".".join(parts[:2])


def test_the_graph_is_read_from_the_source() -> None:
    # The test would pass vacuously on an empty graph.
    assert len(MODULES) > 60
    assert "index.home.library" in GRAPH["index.home.service"]
    assert "index.search.storage" in GRAPH["index.home.library"]


def test_no_import_cycles() -> None:
    visiting: list[str] = []
    done: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        if node in done:
            return
        if node in visiting:
            cycles.append([*visiting[visiting.index(node) :], node])
            return
        visiting.append(node)
        for target in GRAPH.get(node, []):
            visit(target)
        visiting.pop()
        done.add(node)

    for module in sorted(GRAPH):
        visit(module)
    assert cycles == [], "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("index")))
def test_the_wings_import_only_downwards(module: str) -> None:
    wing = _wing(module)
    allowed = GROUND | ({wing} | WINGS_BELOW.get(wing, set()) if wing else set())
    for target in GRAPH[module]:
        assert not target.startswith("reader"), f"{module} imports the UI ({target})"
        target_wing = _wing(target)
        ok = target in GROUND or (target_wing in allowed) or target == "index.data"
        assert ok, f"{module} ({wing or 'ground floor'}) imports {target} ({target_wing})"


def test_the_ground_floor_stands_on_nothing_above_it() -> None:
    for module in GROUND:
        for target in GRAPH.get(module, []):
            assert target in GROUND, f"{module} imports {target}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("reader")))
def test_the_reader_uses_only_the_cores_public_faces(module: str) -> None:
    for target in GRAPH[module]:
        if target.startswith("index"):
            assert target in PUBLIC_FACES, f"{module} imports {target}, not a public face"
