"""Policies answer questions; they never call their own app's services (``docs/architecture.md``):
what follows a status change travels as ``rooms.signals.room_status_changed``."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("app", ["classrooms", "hearings", "rooms", "scheduling", "notifications"])
def test_a_policy_module_imports_no_services(app):
    path = ROOT / app / "policies.py"
    if not path.exists():
        pytest.skip(f"{app} has no policies")
    assert not {name for name in imported_modules(path) if name.split(".")[-1] == "services"}
