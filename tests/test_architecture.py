"""The layout is the architecture (docs/cau_truc.md): data flows one way, so imports do too.

Every import counts here, including those inside functions and under TYPE_CHECKING: a lazy
import only hides a circle, it does not remove it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from lib03.config import PACKAGE_DIR

ROOT = PACKAGE_DIR.parent
WINGS = ("ingest", "report", "forms")
# What each layer may import besides itself. The forms wing writes templates that the ingest
# wing reads back, so it shares the ingest wing's layout constants and registry reader.
ALLOWED = {
    "shared": {"shared"},
    "ingest": {"ingest", "shared"},
    "report": {"report", "shared"},
    "forms": {"forms", "ingest", "shared"},
    "cli": {"cli", "ingest", "report", "forms", "shared"},
}
# Where settings.toml may be read: the entry points. Everything else is handed its settings.
SETTINGS_ENTRY_POINTS = {"lib03.config", "lib03.cli", "lib03.report.notebook",
                         "lib03.ingest.pipeline"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE_DIR.rglob("*.py"))}


def layer(module: str) -> str:
    parts = module.split(".")
    if module in ("lib03.cli", "lib03.__main__"):
        return "cli"
    if len(parts) > 1 and parts[1] in WINGS:
        return parts[1]
    return "shared"


def imports_of(module: str) -> set[str]:
    """Every lib03 module that `module` imports, wherever the import stands."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "lib03"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                and node.module.split(".")[0] == "lib03":
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in MODULES else node.module)
    return {m for m in found if m in MODULES and m != module}


GRAPH = {m: imports_of(m) for m in MODULES}


def test_the_walker_sees_lazy_and_type_only_imports():
    assert "lib03.ingest.pipeline" in GRAPH["lib03.cli"]  # imported inside a function
    assert layer("lib03.ingest.read") == "ingest" and layer("lib03.text") == "shared"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_run_one_way(module):
    wrong = sorted(m for m in GRAPH[module] if layer(m) not in ALLOWED[layer(module)])
    assert not wrong, f"{module} ({layer(module)}) imports {wrong}"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_cycle_finder_finds_a_circle():
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]


def test_no_import_circles():
    assert _cycles(GRAPH) == []


def _calls(module: str, name: str) -> list[int]:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call) and (
        getattr(node.func, "id", None) == name or getattr(node.func, "attr", None) == name)]


def test_settings_are_read_only_at_entry_points():
    readers = {m: lines for m in MODULES if m not in SETTINGS_ENTRY_POINTS
               and (lines := _calls(m, "load_settings"))}
    assert readers == {}


def test_domain_tables_are_opened_by_one_reader():
    opened = {m for m, p in MODULES.items() if m != "lib03.domain"
              and re.search(r"DOMAIN_DIR\s*/", p.read_text(encoding="utf-8"))}
    assert opened == set()


CITATION = re.compile(r"\bSPEC\b|\b[Ii]ssues?\s*#?\d+|\(#\d+\)")


def test_code_cites_the_docs_not_outside_texts():
    sources = [*PACKAGE_DIR.rglob("*.py"), *(ROOT / "tests").glob("*.py"),
               *(PACKAGE_DIR / "notebooks").glob("*.ipynb"), *(ROOT / "benchmarks").glob("*.py"),
               *PACKAGE_DIR.glob("*.toml"), *(PACKAGE_DIR / "domain").glob("*.csv")]
    cited = [f"{p.relative_to(ROOT)}:{n}" for p in sources
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if CITATION.search(line) and p.name != "test_architecture.py"]
    assert cited == []
