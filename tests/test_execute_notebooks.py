"""`make notebooks`: executed notebooks are stored clean, with progress bars at their final state."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from tools.execute_notebooks import KERNELSPEC, execute

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow  # starts a kernel
def test_an_executed_progress_bar_is_stored_at_its_final_state_without_widget_state(tmp_path):
    path = tmp_path / "bar.ipynb"
    notebook = nbformat.v4.new_notebook()
    notebook.cells.append(
        nbformat.v4.new_code_cell(
            "from tqdm.auto import tqdm\n"
            "for _ in tqdm(range(3), desc='training'):\n"
            "    pass\n"
            "print('done')"
        )
    )
    nbformat.write(notebook, path)

    execute(path, timeout=120)

    stored = nbformat.read(path, as_version=4)
    outputs = stored.cells[0].outputs
    bar = [o for o in outputs if o.output_type == "display_data"]
    assert len(bar) == 1 and set(bar[0].data) == {"text/plain"}
    assert bar[0].data["text/plain"].startswith("training: 100%|██████████| 3/3 [")
    assert outputs[-1].text == "done\n"
    assert "widgets" not in stored.metadata and stored.metadata.kernelspec == KERNELSPEC
