"""The rooms core has no import cycle: a module never needs, however indirectly, one that needs it.

Every import of ``rooms/`` is read from the source with ``ast``: at module level, inside functions,
and under ``if TYPE_CHECKING`` alike (a cycle hidden in a function or kept for the type checker
is still one a reader has to untangle). An import names the module it loads, not its parents:
``from rooms.live.hub import Hub`` is an edge to ``rooms.live.hub``, ``from rooms import wire`` one
to ``rooms.wire`` (a submodule), ``from rooms.presence import MemoryStore`` one to ``rooms.presence``.
"""

import ast
from pathlib import Path

import rooms

ROOT = Path(rooms.__file__).resolve().parent
PACKAGE = "rooms"


def module_name(path: Path) -> str:
    parts = [PACKAGE, *path.relative_to(ROOT).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for path in ROOT.rglob("*.py")
        if "migrations" not in path.relative_to(ROOT).parts
    }


def imports_of(name: str, path: Path, known: set[str]) -> dict[str, int]:
    """The modules of ``rooms`` that ``name`` imports, each with the line of its first import."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: dict[str, int] = {}
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for target in targets:
            if target in known and target != name:
                found.setdefault(target, node.lineno)
    return found


def import_graph() -> dict[str, dict[str, int]]:
    paths = modules()
    known = set(paths)
    return {name: imports_of(name, path, known) for name, path in paths.items()}


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), each as a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def describe(group: list[str], graph: dict[str, dict[str, int]]) -> str:
    members = set(group)
    edges = [
        f"  {source} imports {target} (line {line})"
        for source in group
        for target, line in sorted(graph[source].items())
        if target in members
    ]
    return "\n".join(edges)


def test_the_rooms_package_has_no_import_cycle():
    graph = import_graph()
    assert {"rooms.consumers", "rooms.services", "rooms.live.hub", "rooms.publish"} <= set(graph)
    found = cycles(graph)
    assert not found, "import cycles in rooms/:\n" + "\n\n".join(describe(group, graph) for group in found)


def test_the_walk_finds_imports_inside_functions_and_for_the_type_checker(tmp_path):
    """The walk sees what a reader sees: a cycle made by an import in a function, or one kept for
    the type checker, is reported (with the lines of its imports)."""
    source = {
        "rooms.a": "from rooms import b\n",
        "rooms.b": "def later():\n    from rooms.c import thing\n",
        "rooms.c": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from rooms.a import x\n",
        "rooms.d": "from rooms.a import y\n",
    }
    paths = {}
    for name, text in source.items():
        path = tmp_path / f"{name.rpartition('.')[2]}.py"
        path.write_text(text)
        paths[name] = path
    graph = {name: imports_of(name, path, set(source)) for name, path in paths.items()}
    assert graph["rooms.b"] == {"rooms.c": 2} and graph["rooms.c"] == {"rooms.a": 3}
    assert cycles(graph) == [["rooms.a", "rooms.b", "rooms.c"]]
    assert "rooms.c imports rooms.a (line 3)" in describe(cycles(graph)[0], graph)
