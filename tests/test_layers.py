"""The layering import-linter cannot see: flows/ lives outside src/ (installed as claimledger.flows), so these
read the imports of every module, lazy ones included, and hold the contracts that involve it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from conftest import REPO

SRC = REPO / "src" / "claimledger"


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _importers(folder: Path, prefix: str) -> dict[str, list[str]]:
    return {
        str(path.relative_to(REPO)): sorted(i for i in _imports(path) if i == prefix or i.startswith(prefix + "."))
        for path in sorted(folder.rglob("*.py"))
    }


@pytest.mark.parametrize(
    "folder, forbidden",
    [
        (SRC / "dashboard", "claimledger.flows"),  # the dashboard plans and runs rechecks through claimledger.pipeline
        (SRC / "claims", "claimledger.flows"),
        (SRC / "checks", "claimledger.flows"),
        (SRC / "ledger", "claimledger.flows"),
        (REPO / "flows", "claimledger.cli"),  # wiring below the command line
        (REPO / "flows", "claimledger.dashboard"),
        (REPO / "flows", "sqlalchemy"),  # the ledger speaks SQL for everyone
    ],
)
def test_no_module_reaches_across_a_layer(folder, forbidden):
    assert {path: found for path, found in _importers(folder, forbidden).items() if found} == {}


def test_the_contracts_see_every_package():
    """A package missing from the layers contract would be checked by nothing."""
    text = (REPO / "pyproject.toml").read_text()
    packages = {p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    modules = {p.stem for p in SRC.glob("*.py") if p.stem != "__init__"}
    layers = text.split('name = "Layers', 1)[1].split("[[tool.importlinter.contracts]]", 1)[0]
    assert {name for name in packages | modules if not re.search(rf"\bclaimledger\.{name}\b", layers)} == set()
