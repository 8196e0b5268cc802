"""The structure every notebook of the series shares (cheap; keeps the series consistent)."""

import re
from pathlib import Path

import nbformat
import pytest

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


def test_solutions_are_hidden(notebook_path):
    notebook = nbformat.read(notebook_path, as_version=4)
    cells = notebook.cells
    for index, cell in enumerate(cells[:-1]):
        if cell.cell_type == "markdown" and re.match(r"#+ .*Solution", cell.source):
            following = cells[index + 1]
            if following.cell_type == "code":
                assert following.metadata.get("jupyter", {}).get("source_hidden") is True
