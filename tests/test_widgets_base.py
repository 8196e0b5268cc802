"""The shared explorer plumbing: controls from specs, redraw on change, errors inline, the registry."""

import re
from pathlib import Path

import ipywidgets as widgets
import pytest

from cnn_lib.draw.base import CELL, formula_html, grid, svg
from cnn_lib.widgets import EXPLORERS, load_all, register
from cnn_lib.widgets.base import (
    CheckControl,
    ChoiceControl,
    Explorer,
    FloatControl,
    IntControl,
    make_control,
)

BROWSER_TESTS = Path(__file__).parent / "browser"


class SquareExplorer(Explorer):
    """A toy explorer: an n×n grid, refusing n = 7."""

    name = "square-test"
    controls = {"n": IntControl("n", 1, 9, 3), "label": ChoiceControl("label", ("a", "b"), "a")}

    def draw(self, values):
        n = values["n"]
        self.draws = getattr(self, "draws", 0) + 1
        if n == 7:
            raise ValueError("n=7 is refused; use another n.")
        if n == 9:
            raise ZeroDivisionError("division by zero")
        self.figure.value = svg(grid(shape=(n, n)), n * CELL, n * CELL)
        self.formula.value = formula_html(f"{values['label']}: cells = {n}·{n} = {n * n}")


def test_make_control_builds_the_widget_each_spec_names():
    assert isinstance(make_control(IntControl("n", 0, 5, 2)), widgets.IntSlider)
    assert isinstance(make_control(ChoiceControl("c", ("x", "y"), "y")), widgets.Dropdown)
    assert isinstance(make_control(CheckControl("c", True)), widgets.Checkbox)
    assert isinstance(make_control(FloatControl("w", 1.5)), widgets.FloatText)


def test_make_control_refuses_a_start_value_outside_the_range_and_unknown_specs():
    with pytest.raises(ValueError, match="outside"):
        make_control(IntControl("n", 0, 5, 9))
    with pytest.raises(ValueError, match="spec"):
        make_control({"label": "n"})


def test_explorer_draws_on_creation_and_carries_the_dom_classes():
    explorer = SquareExplorer()
    assert "cells = 3·3 = 9" in explorer.formula.value
    assert {"cnn-explorer", "cnn-explorer-square-test"} <= set(explorer._dom_classes)
    assert "cnn-formula" in explorer.formula._dom_classes
    assert "cnn-error" in explorer.error._dom_classes and "cnn-check" in explorer.check._dom_classes
    assert explorer.error.value == "" and explorer.error.layout.display == "none"


def test_changing_a_control_redraws_and_times_the_redraw():
    explorer = SquareExplorer()
    explorer.sliders["n"].value = 5
    assert "cells = 5·5 = 25" in explorer.formula.value
    assert explorer.last_redraw_ms > 0


def test_a_value_error_shows_inline_and_the_next_valid_move_clears_it():
    explorer = SquareExplorer()
    explorer.sliders["n"].value = 7
    assert "n=7 is refused" in explorer.error.value and explorer.error.layout.display == "block"
    assert explorer.last_error.startswith("n=7")
    explorer.sliders["n"].value = 4
    assert explorer.error.value == "" and explorer.error.layout.display == "none"
    assert "cells = 4·4 = 16" in explorer.formula.value


def test_set_values_redraws_once_for_several_controls():
    explorer = SquareExplorer()
    before = explorer.draws
    explorer.set_values(n=2, label="b")
    assert explorer.draws == before + 1 and "b: cells = 2·2 = 4" in explorer.formula.value


def test_start_values_are_taken_and_unknown_names_refused():
    assert "cells = 6·6" in SquareExplorer(n=6).formula.value
    with pytest.raises(ValueError, match="unknown control"):
        SquareExplorer(m=3)
    with pytest.raises(ValueError, match="unknown control"):
        SquareExplorer().set_values(m=3)


def test_benchmark_moves_default_to_one_step_and_back_per_slider():
    assert SquareExplorer().benchmark_moves() == [{"n": 4}, {"n": 3}]


def test_repr_is_short_and_names_the_values():
    assert repr(SquareExplorer(n=2)) == "SquareExplorer(n=2, label='a')"


def test_explorer_base_class_and_a_subclass_without_draw_are_refused():
    with pytest.raises(TypeError, match="base class"):
        Explorer()
    with pytest.raises(TypeError, match="draw"):
        type("NoDraw", (Explorer,), {"name": "no-draw"})


def test_register_adds_explorers_by_name_and_refuses_clashes_and_non_explorers():
    register(SquareExplorer)
    assert EXPLORERS["square-test"] is SquareExplorer
    clash = type("Other", (Explorer,), {"name": "square-test", "draw": lambda self, values: None})
    with pytest.raises(ValueError, match="already registered"):
        register(clash)
    with pytest.raises(ValueError, match="Explorer subclass"):
        register(int)
    del EXPLORERS["square-test"]


def test_every_explorer_is_driven_by_a_browser_test():
    # load_all imports every module of cnn_lib.widgets; a browser test names each explorer it
    # drives, in EXPLORER or in notebook.explorer("…"). An explorer nobody drives fails here.
    browser_tests = "".join(
        path.read_text(encoding="utf-8") for path in BROWSER_TESTS.glob("test_*.py")
    )
    named = set(re.findall(r'EXPLORER = "([\w-]+)"', browser_tests))
    named |= set(re.findall(r'notebook\.explorer\("([\w-]+)"\)', browser_tests))
    assert set(load_all()) - named == set()


def test_an_unexpected_error_is_shown_inline_with_its_type():
    explorer = SquareExplorer()
    explorer.sliders["n"].value = 9
    assert "ZeroDivisionError: division by zero" in explorer.error.value
    explorer.sliders["n"].value = 2
    assert explorer.error.value == ""
