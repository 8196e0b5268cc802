"""The exercise checker: ``q1.check(answer)``, ``q1.hint()``, ``q1.solution()``.

Kaggle Learn's pattern, kept small. An :class:`Exercise` knows its reference answer and the
typical mistakes a learner makes on the way to it; :meth:`Exercise.check` compares an answer
with both and prints one or two sentences that say what is right or wrong. Output is plain
``print``, so it reads the same in JupyterLab, Colab and the static HTML build, and a committed
notebook whose answer cell still holds ``None`` stores only the prompt, never the solution.

A worked example::

    q1 = Exercise(
        "q1",
        expected=conv_output_size(28, 5),              # 24, computed, not typed
        kind=number,                                   # how an answer is read
        mistakes=[Mistake(lambda a: a == (28 - 5) / 2 + 1, "That is the /2 misprint …")],
        hint="Count the positions of the kernel …",
        solution="conv_output_size(28, 5) = 24 …",
    )
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

PROMPT = "Write your answer above (answer = ...), then run this cell."


class AnswerFormError(ValueError):
    """An answer of the wrong form (a word where a number belongs, a list where a shape does)."""


def number(answer: Any) -> int | float:
    """Read a number: ints stay ints, a float equal to a whole number becomes an int."""
    if (
        isinstance(answer, bool)
        or not isinstance(answer, int | float)
        and not hasattr(answer, "item")
    ):
        raise AnswerFormError("a number, like 12")
    value = answer.item() if hasattr(answer, "item") else answer
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def shape(answer: Any) -> tuple[int, ...]:
    """Read a shape: a tuple, list or ``torch.Size`` of whole numbers."""
    if isinstance(answer, str) or not hasattr(answer, "__iter__"):
        raise AnswerFormError("a shape, like (1, 16, 14, 14)")
    values = tuple(answer)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        raise AnswerFormError("a shape of whole numbers, like (1, 16, 14, 14)")
    return values


def choice(letters: str) -> Callable[[Any], str]:
    """Return a reader for a multiple-choice answer among ``letters`` (``"abc"``)."""

    def read(answer: Any) -> str:
        if not isinstance(answer, str) or answer.strip().lower() not in letters:
            raise AnswerFormError(f"one of the letters {', '.join(repr(c) for c in letters)}")
        return answer.strip().lower()

    return read


def set_of(read_item: Callable[[Any], Any]) -> Callable[[Any], frozenset]:
    """Return a reader for a collection whose order does not matter (each item read by read_item)."""

    def read(answer: Any) -> frozenset:
        if isinstance(answer, str) or not hasattr(answer, "__iter__"):
            raise AnswerFormError("a list, like [(3, 2, 1), (4, 2, 1)]")
        return frozenset(read_item(item) for item in answer)

    return read


def pair(read_first: Callable[[Any], Any], read_second: Callable[[Any], Any]):
    """Return a reader for a two-part answer ``(first, second)``."""

    def read(answer: Any) -> tuple:
        if isinstance(answer, str) or not hasattr(answer, "__len__") or len(answer) != 2:
            raise AnswerFormError("two things in a tuple, like (256, 'fc')")
        return read_first(answer[0]), read_second(answer[1])

    return read


def word(answer: Any) -> str:
    """Read a name: a string, compared without case or surrounding spaces."""
    if not isinstance(answer, str):
        raise AnswerFormError("a name in quotes, like 'conv1'")
    return answer.strip().lower()


@dataclass(frozen=True)
class Mistake:
    """A typical wrong answer: ``matches(answer)`` says whether it is this one; ``message`` teaches.

    ``message`` is a sentence, or a function of the answer that returns one (to name the part
    of the answer that is wrong).
    """

    matches: Callable[[Any], bool]
    message: str | Callable[[Any], str]

    def says(self, answer: Any) -> str:
        """Return the message for this answer."""
        return self.message(answer) if callable(self.message) else self.message


def equals(value: Any) -> Callable[[Any], bool]:
    """Return a test for one particular wrong answer (numbers compared with a tolerance)."""

    def matches(answer: Any) -> bool:
        if isinstance(value, float) or isinstance(answer, float):
            try:
                return math.isclose(answer, value, rel_tol=1e-6, abs_tol=1e-9)
            except TypeError:
                return False
        return answer == value

    return matches


def _shown(answer: Any) -> str:
    """Return the answer as the learner wrote it, or "that" when it would not fit on a line."""
    text = repr(answer)
    return text if len(text) <= 60 and "\n" not in text else "that"


def _default_same(answer: Any, expected: Any) -> bool:
    return equals(expected)(answer)


@dataclass
class Exercise:
    """One exercise: the reference answer, how to read an answer, typical mistakes, hint, solution."""

    name: str
    expected: Any
    kind: Callable[[Any], Any]
    hint_text: str
    solution_text: str
    mistakes: Sequence[Mistake] = field(default_factory=list)
    correct_note: str = ""
    wrong_note: str = "Check each step again, or ask for a hint"
    same: Callable[[Any, Any], bool] = _default_same

    def feedback(self, answer: Any) -> tuple[bool, str]:
        """Return (correct?, the message check prints), without printing."""
        if answer is None or answer is Ellipsis:
            return False, PROMPT
        try:
            value = self.kind(answer)
        except AnswerFormError as error:
            return False, f"✗ The answer should be {error}; got {answer!r}."
        if self.same(value, self.expected):
            note = f" {self.correct_note}" if self.correct_note else ""
            return True, f"✓ Correct.{note}"
        for mistake in self.mistakes:
            try:
                if mistake.matches(value):
                    return False, f"✗ Not {_shown(answer)}. {mistake.says(value)}"
            except (TypeError, ValueError, IndexError):
                continue
        return False, f"✗ Not {_shown(answer)}. {self.wrong_note}: {self.name}.hint()."

    def check(self, answer: Any) -> None:
        """Print whether ``answer`` is right, and if not, what is wrong with it."""
        print(self.feedback(answer)[1])

    def hint(self) -> None:
        """Print a hint that points the way without giving the answer."""
        print(f"Hint: {self.hint_text}")

    def solution(self) -> None:
        """Print the solution, with the code that computes it."""
        print(f"Solution: {self.solution_text}")

    def __repr__(self) -> str:
        return f"Exercise {self.name}: answer it, then {self.name}.check(answer)"
