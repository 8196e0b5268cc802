"""The plumbing every explorer shares: controls from a spec, observe → redraw, errors shown inline.

An explorer is a :class:`Explorer` subclass (an ``ipywidgets.VBox``, so an
explorer alone in a cell shows it) that declares its controls and draws::

    class SquareExplorer(Explorer):
        name = "square"                                   # → CSS class cnn-explorer-square
        controls = {"n": IntControl("n (size)", 1, 9, 3)}

        def draw(self, values):
            n = values["n"]
            if n == 7:
                raise ValueError("n=7 is unlucky; use another n.")
            self.figure.value = svg(grid(shape=(n, n)), n * CELL, n * CELL)
            self.formula.value = formula_html(f"cells = {n}·{n} = {n * n}")

``draw`` reads plain values and sets widget values; a ``ValueError`` it raises
is caught and its message shown in the ``cnn-error`` element (the widget keeps
working, and the next valid move clears it). Only pure drawing functions (from
:mod:`cnn_lib.draw.base`) should compute what is shown, so they can be tested alone.

DOM conventions the browser tests rely on: the outer box has classes
``cnn-explorer`` and ``cnn-explorer-<name>``; the formula, error and check
elements have classes ``cnn-formula``, ``cnn-error`` and ``cnn-check``.
Works on ipywidgets 7.7 (Colab) and 8: core widgets only, no tooltips.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar

import ipywidgets as widgets

from cnn_lib.draw.base import error_html

__all__ = [
    "IntControl",
    "ChoiceControl",
    "CheckControl",
    "FloatControl",
    "Control",
    "make_control",
    "Explorer",
]

LABEL_STYLE = {"description_width": "initial"}


@dataclass(frozen=True)
class IntControl:
    """An integer slider: ``label`` shown beside it, ``minimum``–``maximum``, start ``value``."""

    label: str
    minimum: int
    maximum: int
    value: int
    step: int = 1


@dataclass(frozen=True)
class ChoiceControl:
    """A dropdown of ``options`` (strings, or (label, value) pairs), starting at ``value``."""

    label: str
    options: tuple
    value: Any


@dataclass(frozen=True)
class CheckControl:
    """A checkbox, starting ``value`` (True/False)."""

    label: str
    value: bool = False


@dataclass(frozen=True)
class FloatControl:
    """A number box (``FloatText``) for a free real number, starting at ``value``."""

    label: str
    value: float = 0.0
    width: str = "70px"


Control = IntControl | ChoiceControl | CheckControl | FloatControl


def make_control(spec: Control) -> widgets.Widget:
    """Return the ipywidget a control spec describes, with its label and a steady layout."""
    if isinstance(spec, IntControl):
        if not spec.minimum <= spec.value <= spec.maximum:
            raise ValueError(
                f"{spec.label}: start value {spec.value} is outside [{spec.minimum}, {spec.maximum}]."
            )
        return widgets.IntSlider(
            value=spec.value,
            min=spec.minimum,
            max=spec.maximum,
            step=spec.step,
            description=spec.label,
            continuous_update=True,
            style=LABEL_STYLE,
            layout=widgets.Layout(width="260px"),
        )
    if isinstance(spec, ChoiceControl):
        return widgets.Dropdown(
            options=list(spec.options),
            value=spec.value,
            description=spec.label,
            style=LABEL_STYLE,
            layout=widgets.Layout(width="260px"),
        )
    if isinstance(spec, CheckControl):
        return widgets.Checkbox(
            value=spec.value,
            description=spec.label,
            indent=False,
            style=LABEL_STYLE,
            layout=widgets.Layout(width="auto"),
        )
    if isinstance(spec, FloatControl):
        return widgets.FloatText(
            value=spec.value,
            description=spec.label,
            style=LABEL_STYLE,
            layout=widgets.Layout(width=spec.width),
        )
    raise ValueError(
        f"spec must be an IntControl, ChoiceControl, CheckControl or FloatControl, got {spec!r}."
    )


class Explorer(widgets.VBox):
    """Base class of the explorers: builds controls, redraws on every change, shows errors inline.

    Subclasses set ``name`` and ``controls`` and implement :meth:`draw`; they may
    override :meth:`body` (the widgets between controls and formula, default the
    SVG ``figure``), :meth:`on_error` (what to show beside the message) and
    :meth:`benchmark_moves` (value changes the redraw benchmark applies).

    Attributes: ``sliders`` (name → control widget, every kind of control),
    ``figure`` (HTML for SVG), ``formula`` / ``check`` / ``error`` (HTML with
    classes ``cnn-formula`` / ``cnn-check`` / ``cnn-error``),
    ``last_redraw_ms`` (how long the last redraw took) and ``last_error``.
    """

    name: ClassVar[str] = "explorer"
    controls: ClassVar[dict[str, Control]] = {}
    figure_height: ClassVar[str] = "340px"

    def __init__(self, **values: Any) -> None:
        if type(self) is Explorer:
            raise TypeError("Explorer is a base class; subclass it with name, controls and draw().")
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(
                f"unknown control(s) {sorted(unknown)} for {type(self).__name__}; "
                f"choose from {sorted(self.controls)}."
            )
        self.sliders: dict[str, widgets.Widget] = {
            key: make_control(spec) for key, spec in self.controls.items()
        }
        for key, value in values.items():
            self.sliders[key].value = value
        self.figure = widgets.HTML(layout=widgets.Layout(min_height=self.figure_height))
        self.formula = widgets.HTML()
        self.check = widgets.HTML()
        self.error = widgets.HTML(layout=widgets.Layout(display="none"))
        self.formula.add_class("cnn-formula")
        self.check.add_class("cnn-check")
        self.error.add_class("cnn-error")
        self.last_redraw_ms = 0.0
        self.last_error = ""
        self._held = False
        super().__init__(
            children=[self.controls_box(), *self.body(), self.formula, self.check, self.error]
        )
        self.add_class("cnn-explorer")
        self.add_class(f"cnn-explorer-{self.name}")
        for control in self.sliders.values():
            control.observe(self._on_change, names="value")
        self.redraw()

    # -- what subclasses provide -------------------------------------------------
    # draw(self, values) -> None: set the figure, formula and check for ``values``;
    # raise ValueError for an impossible combination. Every subclass must define it.

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not callable(getattr(cls, "draw", None)):
            raise TypeError(
                f"{cls.__name__} must define draw(self, values), the method that redraws."
            )

    def body(self) -> list[widgets.Widget]:
        """Return the widgets shown between the controls and the formula (default: the figure)."""
        return [self.figure]

    def controls_box(self) -> widgets.Widget:
        """Return the box that lays out the controls (default: wrapped in rows)."""
        return widgets.HBox(
            list(self.sliders.values()), layout=widgets.Layout(flex_flow="row wrap")
        )

    def on_error(self, values: dict[str, Any], error: ValueError) -> None:
        """Update the view beside the message after ``draw`` refused ``values`` (default: clear the check)."""
        self.check.value = ""

    def benchmark_moves(self) -> list[dict[str, Any]]:
        """Return value changes (one dict per move) that the redraw benchmark applies in turn."""
        moves = []
        for key, spec in self.controls.items():
            if isinstance(spec, IntControl):
                other = (
                    spec.value + spec.step if spec.value < spec.maximum else spec.value - spec.step
                )
                moves += [{key: other}, {key: spec.value}]
        return moves

    # -- the machinery -------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """Return the current value of every control, by name."""
        return {key: control.value for key, control in self.sliders.items()}

    @contextmanager
    def hold_redraw(self) -> Iterator[None]:
        """Change several controls inside this block; the explorer redraws once at the end."""
        held_before, self._held = self._held, True
        try:
            yield
        finally:
            self._held = held_before
        if not held_before:
            self.redraw()

    def set_values(self, **values: Any) -> None:
        """Set several controls at once (as a learner would, but with one redraw)."""
        unknown = set(values) - set(self.sliders)
        if unknown:
            raise ValueError(
                f"unknown control(s) {sorted(unknown)}; choose from {sorted(self.sliders)}."
            )
        with self.hold_redraw():
            for key, value in values.items():
                self.sliders[key].value = value

    def redraw(self) -> None:
        """Draw the current values; show a ValueError's message (or any other error) inline instead of raising it."""
        start = time.perf_counter()
        values = self.values()
        try:
            self.draw(values)
        except ValueError as error:  # an impossible combination: say why, keep working
            self.last_error = str(error)
            self.on_error(values, error)
        except Exception as error:  # a bug: show it inline too, instead of in a hidden log
            self.last_error = f"{type(error).__name__}: {error}"
            self.check.value = ""
        else:
            self.last_error = ""
        self.error.value = error_html(self.last_error)
        self.error.layout.display = "block" if self.last_error else "none"
        self.last_redraw_ms = (time.perf_counter() - start) * 1000

    def _on_change(self, change: dict) -> None:
        if not self._held:
            self.redraw()

    def __repr__(self) -> str:
        # Short, so a notebook's stored text fallback stays readable without a kernel.
        settings = ", ".join(f"{key}={value!r}" for key, value in self.values().items())
        return f"{type(self).__name__}({settings})"
