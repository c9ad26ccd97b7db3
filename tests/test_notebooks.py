"""The notebooks as committed: thin, parameterised, and without outputs."""

import ast
from pathlib import Path

import nbformat
import pytest

from lib03.config import NOTEBOOKS_DIR, OVERRIDABLE, Settings
from lib03.report import notebook
from lib03.report.build import notebooks, parameters

NOTEBOOKS = notebooks()
PARAMETERS = {"period", "processed_dir", "charts_dir", "deadline", "settings_file",
              *OVERRIDABLE}


def test_the_four_report_notebooks_are_there():
    names = [p.name[:3] for p in NOTEBOOKS]
    assert names == ["01_", "02_", "03_", "04_"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a cell has outputs (clear them)"
            assert cell.execution_count is None, f"{path.name}: a cell has an execution count"
    nbformat.validate(nb)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_cell_is_the_parameters_cell(path):
    first = nbformat.read(path, as_version=4).cells[0]
    assert first.cell_type == "code" and "parameters" in first.metadata.get("tags", [])
    names = {t.id for node in ast.parse(first.source).body if isinstance(node, ast.Assign)
             for t in node.targets}
    assert names == PARAMETERS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_parameters_cell_is_made_from_the_settings_table(path):
    # Each threshold is described once, in domain/settings.csv; the notebooks show that text.
    first = nbformat.read(path, as_version=4).cells[0]
    assert first.source == notebook.parameters_cell()


def test_setup_reads_every_parameter_the_build_passes():
    passed = parameters("2014-H1", Path("processed"), Settings(), None, None)
    assert set(passed) == set(notebook.PARAMETERS) == PARAMETERS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_setup_cell_is_one_call_after_the_parameters(path):
    setup_cell = nbformat.read(path, as_version=4).cells[1]
    lines = [line for line in setup_cell.source.splitlines() if line.strip()]
    assert len(lines) <= 3 and lines[-1].startswith("ctx = setup(globals())")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_read_the_figures_computed_once(path):
    # Figures come from ctx.facts (PeriodFacts), never from a metrics call of the notebook's own.
    tree = ast.parse("\n".join(c.source for c in nbformat.read(path, as_version=4).cells[1:]
                               if c.cell_type == "code"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names |= {node.module or "", *(a.name for a in node.names)}
        elif isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
    modules = {name.split(".")[-1] for name in names}
    assert not modules & {"metrics", "checks", "inspection", "tallies", "facts"}, modules


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_thin_and_tell_a_story(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells[1:] if c.cell_type == "code"]
    markdown = [c for c in nb.cells if c.cell_type == "markdown"]
    assert markdown and markdown[0].source.startswith("# "), "a Vietnamese title comes first"
    assert len(markdown) >= len(code) - 1
    for cell in code:
        tree = ast.parse(cell.source)
        assert not any(isinstance(n, (ast.FunctionDef, ast.ClassDef)) for n in ast.walk(tree)), \
            "logic belongs in lib03, not in a notebook"
        imports = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        imports |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert all(m.startswith("lib03") for m in imports), imports


def test_notebooks_ship_inside_the_package():
    # An installed wheel must be able to report: the notebooks travel with the code.
    from lib03.config import PACKAGE_DIR

    assert NOTEBOOKS_DIR == PACKAGE_DIR / "notebooks" and len(notebooks()) == 4
