"""The structure every notebook of the series shares (cheap; keeps the series consistent)."""

import importlib
import re
from pathlib import Path

import nbformat
import pytest

from cnn_lib.exercises.base import CODE_PROMPT, PROMPT
from tools.notebook_opening import SERIES, colab_badge, navigation, repository_url, setup_source

ROOT = Path(__file__).resolve().parents[1]

NOTEBOOK_PATHS = sorted((ROOT / "notebooks").glob("*.ipynb"))
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def markdown(notebook) -> str:
    return "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")


@pytest.fixture(params=NOTEBOOK_PATHS, ids=lambda path: path.name)
def notebook_path(request):
    return request.param


def test_every_notebook_is_part_of_the_series(notebook_path):
    assert notebook_path.name in SERIES


def test_notebook_opens_with_numbered_title_navigation_and_colab_badge(notebook_path):
    notebook = nbformat.read(notebook_path, as_version=4)
    first = notebook.cells[0]
    assert first.cell_type == "markdown"
    assert re.match(rf"# {notebook_path.name[:2]} · \S", first.source)
    assert navigation(notebook_path.name) in first.source
    assert colab_badge(notebook_path.name) in first.source


def test_notebook_second_cell_is_the_standard_setup_cell(notebook_path):
    notebook = nbformat.read(notebook_path, as_version=4)
    assert notebook.cells[1].cell_type == "code"
    assert notebook.cells[1].source == setup_source()


def test_setup_cell_installs_from_the_repository_url_in_pyproject():
    assert f"git+{repository_url()}" in setup_source()


@pytest.mark.parametrize(
    "heading", ["## You will learn", "## You should know", "## Exercises", "## Summary"]
)
def test_notebook_has_the_standard_sections(notebook_path, heading):
    notebook = nbformat.read(notebook_path, as_version=4)
    assert re.search(rf"^{re.escape(heading)}\s*$", markdown(notebook), flags=re.MULTILINE)


def test_notebook_ends_with_navigation(notebook_path):
    notebook = nbformat.read(notebook_path, as_version=4)
    assert navigation(notebook_path.name) in notebook.cells[-1].source


def test_notebook_links_and_images_resolve(notebook_path):
    notebook = nbformat.read(notebook_path, as_version=4)
    targets = re.findall(r"\]\(([^)\s]+)\)|src=\"([^\"]+)\"", markdown(notebook))
    for link in (a or b for a, b in targets):
        if re.match(r"https?://|#|mailto:", link):
            continue
        assert (notebook_path.parent / link.split("#")[0]).exists(), link


def test_notebook_has_kernelspec_and_no_saved_widget_state(notebook_path):
    notebook = nbformat.read(notebook_path, as_version=4)
    assert notebook.metadata.get("kernelspec") == KERNELSPEC
    assert "widgets" not in notebook.metadata


def test_notebook_is_committed_executed_without_errors_and_small(notebook_path):
    notebook = nbformat.read(notebook_path, as_version=4)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code_cells), "run `make notebooks` to store outputs"
    assert not [o for c in code_cells for o in c.outputs if o.output_type == "error"]
    assert notebook_path.stat().st_size < 2_000_000


def test_checked_cells_have_stored_output_and_use_the_tag_not_a_comment(notebook_path):
    notebook = nbformat.read(notebook_path, as_version=4)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    for cell in code_cells:
        # The tag, not the `# NBVAL_CHECK_OUTPUT` comment, which learners would read past.
        assert "NBVAL_CHECK_OUTPUT" not in cell.source, cell.source[:80]
        if "nbval-check-output" in cell.metadata.get("tags", []):
            assert cell.outputs, cell.source[:80]


CHECK_CELL = re.compile(r"^(?:#[^\n]*\n)*answer = None  # your answer\n(q\d+)\.check\(answer\)$")
# A coding exercise: a function whose body is `...` (after an optional docstring), then its check.
CODE_CHECK_CELL = re.compile(
    r'^def (\w+)\([^)]*\):\n(?:    """[^\n]*"""\n)?    \.\.\.\n\n\n(q\d+)\.check\(\1\)$'
)


def exercise_module(notebook_path: Path):
    return importlib.import_module(f"cnn_lib.exercises.nb{notebook_path.name[:2]}")


def output_text(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append("".join(output.get("text", "")))
        for value in output.get("data", {}).values():
            parts.append(value if isinstance(value, str) else "")
    return "".join(parts)


def test_no_cell_hides_its_source_and_no_solutions_section(notebook_path):
    # GitHub and Colab ignore `source_hidden`: a hidden solution is a visible one there.
    notebook = nbformat.read(notebook_path, as_version=4)
    for cell in notebook.cells:
        assert not cell.metadata.get("jupyter", {}).get("source_hidden"), cell.source[:80]
        if cell.cell_type == "markdown":
            assert not re.search(r"^#+ .*Solution", cell.source, flags=re.MULTILINE), cell.source[
                :80
            ]
            assert "<details>" not in cell.source, cell.source[:80]


def test_every_exercise_is_answered_in_a_cell_and_checked(notebook_path):
    notebook = nbformat.read(notebook_path, as_version=4)
    sources = [cell.source for cell in notebook.cells]
    start = next(i for i, text in enumerate(sources) if text.startswith("## Exercises"))
    end = next(i for i, text in enumerate(sources) if text.startswith("## Summary"))
    section = notebook.cells[start:end]
    module = exercise_module(notebook_path)
    names = sorted(n for n in vars(module) if re.fullmatch(r"q\d+", n))
    imports = f"from cnn_lib.exercises.nb{notebook_path.name[:2]} import {', '.join(names)}"
    assert any(cell.source == imports for cell in section), imports
    checked = []
    for index, cell in enumerate(section):
        is_code = cell.cell_type == "code"
        match = CHECK_CELL.match(cell.source) if is_code else None
        coded = CODE_CHECK_CELL.match(cell.source) if is_code else None
        if not (match or coded):
            continue
        name = match.group(1) if match else coded.group(2)
        prompt = PROMPT if match else CODE_PROMPT.format(name=coded.group(1))
        checked.append(name)
        # The committed answer is None (or the body `...`), so the stored output is the prompt
        # (tag-checked by nbval).
        assert "nbval-check-output" in cell.metadata.get("tags", []), name
        assert output_text(cell).strip() == prompt, name
        hint_cell = section[index + 1]
        assert hint_cell.source == f"# {name}.hint()\n# {name}.solution()", name
    assert checked == names


def test_no_stored_output_or_cell_source_gives_a_solution_away(notebook_path):
    notebook = nbformat.read(notebook_path, as_version=4)
    module = exercise_module(notebook_path)
    solutions = [getattr(module, n).solution_text for n in vars(module) if re.fullmatch(r"q\d+", n)]
    for cell in notebook.cells:
        text = output_text(cell)
        assert "Solution:" not in text and "Hint:" not in text and "✓ Correct" not in text
        for solution in solutions:
            assert solution not in text and solution not in cell.source


def test_going_further_sections_are_marked_one_way(notebook_path):
    notebook = nbformat.read(notebook_path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and re.search(r"^#+ .*Going further", cell.source, re.M):
            assert re.search(r"^## Going further: \S", cell.source, re.M), cell.source[:80]
            assert "*Optional. Skip it on a first reading" in cell.source, cell.source[:80]
