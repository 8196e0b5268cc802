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
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

PROMPT = "Write your answer above (answer = ...), then run this cell."


class AnswerFormError(ValueError):
    """An answer of the wrong form (a word where a number belongs, a list where a shape does)."""


def _plain_number(answer: Any) -> int | float | None:
    """Return ``answer`` as a Python int or float, or None when it is not one number.

    NumPy scalars (``np.float64``, ``np.int64``), 0-d or one-element arrays and tensors are
    numbers too: a learner who computes an answer with NumPy or PyTorch gets one of those.
    """
    if isinstance(answer, str | bytes):
        return None
    if hasattr(answer, "item") and not isinstance(answer, int | float):
        try:
            answer = answer.item()
        except (ValueError, RuntimeError, TypeError):  # more than one element
            return None
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        return None
    if isinstance(answer, numbers.Integral):
        return int(answer)
    return float(answer)


def number(answer: Any) -> int | float:
    """Read a number: ints stay ints, a float equal to a whole number becomes an int.

    NumPy and PyTorch numbers (``np.float64(24.0)``, ``torch.tensor(24)``) read as plain ones.
    """
    value = _plain_number(answer)
    if value is None:
        raise AnswerFormError("a number, like 12")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def whole_number(answer: Any) -> int:
    """Read a whole number (``3``, ``np.int64(3)``, ``torch.tensor(3)``, ``3.0``)."""
    value = _plain_number(answer)
    if value is None or isinstance(value, float) and not value.is_integer():
        raise AnswerFormError("a whole number, like 3")
    return int(value)


def shape(answer: Any) -> tuple[int, ...]:
    """Read a shape: a tuple, list, ``torch.Size``, array or tensor of whole numbers."""
    if isinstance(answer, str) or not hasattr(answer, "__iter__"):
        raise AnswerFormError("a shape, like (1, 16, 14, 14)")
    try:
        return tuple(whole_number(v) for v in answer)
    except AnswerFormError:
        raise AnswerFormError("a shape of whole numbers, like (1, 16, 14, 14)") from None


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


def _plain(answer: Any) -> Any:
    """Return ``answer`` with NumPy and PyTorch values turned into plain Python ones (for messages)."""
    value = _plain_number(answer)
    if value is not None:
        return value
    if hasattr(answer, "tolist") and not isinstance(answer, str):
        return answer.tolist()
    if isinstance(answer, tuple | list):
        return type(answer)(_plain(item) for item in answer)
    if isinstance(answer, set | frozenset):
        return sorted((_plain(item) for item in answer), key=repr)
    return answer


def _shown(answer: Any) -> str:
    """Return the answer as the learner wrote it, or "that" when it would not fit on a line.

    Numbers are written plainly: ``-1.0``, never ``np.float64(-1.0)``.
    """
    text = repr(_plain(answer))
    return text if len(text) <= 60 and "\n" not in text else "that"


def _default_same(answer: Any, expected: Any) -> bool:
    return equals(expected)(answer)


def _sentence(text: str) -> str:
    """Return ``text`` ending in a full stop, question or exclamation mark."""
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else f"{text}."


def _within(value: Any, expected: Any, tolerance: float) -> bool:
    """Return True when two numbers (or tuples of numbers) differ by at most ``tolerance`` each."""
    if isinstance(expected, tuple):
        return (
            isinstance(value, tuple)
            and len(value) == len(expected)
            and all(_within(v, e, tolerance) for v, e in zip(value, expected, strict=True))
        )
    if _plain_number(value) is None or _plain_number(expected) is None:
        return equals(expected)(value)
    return abs(value - expected) <= tolerance * (1 + 1e-9)


def _rounded_to(value: Any, expected: Any, decimals: int) -> int | None:
    """Return n < decimals when ``value`` is ``expected`` rounded to n decimals, else None."""
    if _plain_number(value) is None or _plain_number(expected) is None:
        return None
    for places in range(decimals):
        if math.isclose(value, round(expected, places), rel_tol=0, abs_tol=1e-12):
            return places
    return None


@dataclass
class Exercise:
    """One exercise: the reference answer, how to read an answer, typical mistakes, hint, solution.

    ``decimals``: where the question asks for a number to so many decimal places, every answer
    within half a unit of the last place is right (``decimals=3`` accepts 8.000025 for 8 and
    2.1269 or 2.127 for 2.12693), and an answer rounded to fewer places is told to give more.
    Without it a float must match to about six significant digits.
    """

    name: str
    expected: Any
    kind: Callable[[Any], Any]
    hint_text: str
    solution_text: str
    mistakes: Sequence[Mistake] = field(default_factory=list)
    correct_note: str = ""
    wrong_note: str = "Check each step again."
    same: Callable[[Any, Any], bool] = _default_same
    decimals: int | None = None

    def is_right(self, value: Any) -> bool:
        """Return True when an answer, already read by ``kind``, is the expected one."""
        if self.decimals is not None and _within(value, self.expected, 0.5 * 10**-self.decimals):
            return True
        return self.same(value, self.expected)

    def feedback(self, answer: Any) -> tuple[bool, str]:
        """Return (correct?, the message check prints), without printing."""
        if answer is None or answer is Ellipsis:
            return False, PROMPT
        try:
            value = self.kind(answer)
        except AnswerFormError as error:
            return False, f"✗ The answer should be {error}; got {_shown(answer)}."
        if self.is_right(value):
            note = f" {self.correct_note}" if self.correct_note else ""
            return True, f"✓ Correct.{note}"
        for mistake in self.mistakes:
            try:
                if mistake.matches(value):
                    return False, f"✗ Not {_shown(answer)}. {mistake.says(value)}"
            except (TypeError, ValueError, IndexError):
                continue
        if self.decimals is not None:
            places = _rounded_to(value, self.expected, self.decimals)
            if places is not None:
                return False, (
                    f"✗ Not {_shown(answer)}: that is the answer rounded to {places} decimal "
                    f"place{'s' if places != 1 else ''}. Give {self.decimals}."
                )
        return False, f"✗ Not {_shown(answer)}. {_sentence(self.wrong_note)} {self.ask_for_hint()}"

    def ask_for_hint(self) -> str:
        """Return the sentence that tells where the hint is."""
        return f"For a hint, run {self.name}.hint()."

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


# Coding exercises: the learner writes a function, the check runs it.

CODE_PROMPT = "Write the body of {name} above (replace the ...), then run this cell."


def is_unfilled(function: Callable) -> bool:
    """Return True when ``function``'s body is still only ``...`` or ``pass`` (after a docstring).

    Read from the compiled code, not the source: such a body compiles to "return None" alone
    (LOAD_CONST None + RETURN_VALUE, or RETURN_CONST None from Python 3.12), whatever the
    arguments and docstring. The source can be missing (``python -c``) or, for code made by
    ``exec``, be another snippet's that ``linecache`` keeps under the same ``<string>`` name.
    """
    return _returns_none_only(function)


def _returns_none_only(function: Callable) -> bool:
    """Return True when ``function``'s bytecode does nothing but return None."""
    import dis

    code = getattr(function, "__code__", None)
    if code is None:
        return False
    steps = [
        (step.opname, step.argval)
        for step in dis.get_instructions(code)
        if step.opname not in {"RESUME", "NOP", "CACHE"}
    ]
    return steps in ([("RETURN_CONST", None)], [("LOAD_CONST", None), ("RETURN_VALUE", None)])


@dataclass(frozen=True)
class CodeMistake:
    """A typical wrong implementation: ``implementation`` is it, ``message`` names the mistake.

    A learner's function is recognised as this mistake when it returns what ``implementation``
    returns on the failing case.
    """

    implementation: Callable
    message: str


def _same_value(received: Any, expected: Any) -> bool:
    """Return True when two results agree: tensors and arrays exactly in shape and value."""
    if hasattr(expected, "shape") and hasattr(expected, "dtype"):
        if not (hasattr(received, "shape") and tuple(received.shape) == tuple(expected.shape)):
            return False
        import numpy as np

        return bool(np.array_equal(np.asarray(received), np.asarray(expected)))
    if isinstance(received, bool) != isinstance(expected, bool):
        return False
    return equals(expected)(received)


def _call_text(function_name: str, args: tuple) -> str:
    parts = []
    for value in args:
        size = value.numel() if hasattr(value, "numel") else getattr(value, "size", None)
        if hasattr(value, "tolist") and isinstance(size, int) and size <= 40:
            parts.append(f"{type(value).__name__.lower()}({value.tolist()})")
            continue
        text = repr(value)
        parts.append(text if len(text) <= 40 and "\n" not in text else _describe(value))
    return f"{function_name}({', '.join(parts)})"


def _describe(value: Any) -> str:
    """Return a short description of a value too long to print (a tensor by its shape)."""
    if hasattr(value, "shape"):
        return f"<{type(value).__name__} of shape {tuple(value.shape)}>"
    return f"<{type(value).__name__}>"


def _shown_value(value: Any) -> str:
    number_value = _plain_number(value) if getattr(value, "ndim", 0) == 0 else None
    if number_value is not None:
        return repr(number_value)
    size = value.numel() if hasattr(value, "numel") else getattr(value, "size", None)
    if (
        hasattr(value, "tolist")
        and hasattr(value, "shape")
        and isinstance(size, int)
        and size <= 40
    ):
        return f"{value.tolist()} (shape {tuple(value.shape)})"
    text = repr(value)
    return text if len(text) <= 200 else _describe(value)


@dataclass
class CodingExercise:
    """An exercise answered with a function: ``qN.check(my_function)`` runs it on test cases.

    ``cases`` are argument tuples, fixed ones first (they are the clearest to read back);
    ``random_cases(generator)`` adds more from a seeded ``random.Random``. The check stops at the
    first case where the learner's function differs from ``reference`` and prints the call, what
    was expected, what came back, and the mistake by name when a :class:`CodeMistake` returns
    the same. A function whose body is still ``...`` is reported as unfilled, not run.

    A worked example::

        q2 = CodingExercise(
            "q2",
            reference=locally_connected_parameters,
            cases=[(28, 3, 1, 1, 1), (5, 3, 1, 2, 0)],
            random_cases=lambda rng: [(rng.randint(3, 30), 3, 1, 1, 0) for _ in range(20)],
            mistakes=[CodeMistake(no_bias, "Each position has its own bias too: add it.")],
            hint_text="…",
            solution_text="…",
        )
    """

    name: str
    reference: Callable
    cases: Sequence[tuple]
    hint_text: str
    solution_text: str
    random_cases: Callable[[Any], Sequence[tuple]] | None = None
    mistakes: Sequence[CodeMistake] = field(default_factory=list)
    same: Callable[[Any, Any], bool] = _same_value
    seed: int = 0

    def all_cases(self) -> list[tuple]:
        """Return the fixed cases, then the random ones (the same every time: seeded)."""
        import random

        extra = self.random_cases(random.Random(self.seed)) if self.random_cases else []
        return [tuple(case) for case in [*self.cases, *extra]]

    def feedback(self, function: Any) -> tuple[bool, str]:
        """Return (correct?, the message check prints), without printing."""
        if function is None or function is Ellipsis:
            return False, CODE_PROMPT.format(name="your function")
        if not callable(function):
            return (
                False,
                f"✗ Pass the function itself, like {self.name}.check(my_function); got {function!r}.",
            )
        label = getattr(function, "__name__", "your function")
        if is_unfilled(function):
            return False, CODE_PROMPT.format(name=label)
        cases = self.all_cases()
        for args in cases:
            expected = self.reference(*_copied(args))
            try:
                received = function(*_copied(args))
            except Exception as error:  # the learner's code: report any error, do not crash
                return False, (
                    f"✗ {_call_text(label, args)} raised {type(error).__name__}: {error}"
                )
            if not self.same(received, expected):
                return False, self._wrong(label, args, expected, received)
        return (
            True,
            f"✓ Correct on all {len(cases)} cases ({len(self.cases)} fixed, the rest random).",
        )

    def _wrong(self, label: str, args: tuple, expected: Any, received: Any) -> str:
        text = (
            f"✗ {_call_text(label, args)} returned {_shown_value(received)}; "
            f"expected {_shown_value(expected)}."
        )
        if received is None:
            return f"{text} Did you forget the return statement?"
        for mistake in self.mistakes:
            try:
                if self.same(received, mistake.implementation(*_copied(args))):
                    return f"{text} {mistake.message}"
            except (
                Exception
            ):  # a mistake's version may fail on other inputs; it is then not this one
                continue
        return f"{text} Work this case out by hand. For a hint, run {self.name}.hint()."

    def check(self, function: Any) -> None:
        """Print whether ``function`` agrees with the reference, and if not, where and why."""
        print(self.feedback(function)[1])

    def hint(self) -> None:
        """Print a hint that points the way without giving the answer."""
        print(f"Hint: {self.hint_text}")

    def solution(self) -> None:
        """Print the solution, with the code that computes it."""
        print(f"Solution: {self.solution_text}")

    def __repr__(self) -> str:
        return f"Exercise {self.name}: write the function, then {self.name}.check(your_function)"


def _copied(args: tuple) -> tuple:
    """Return the arguments with tensors and arrays copied, so a function that edits its input
    in place cannot change the case for the reference (or the next call)."""
    return tuple(
        value.clone()
        if hasattr(value, "clone")
        else value.copy()
        if hasattr(value, "copy")
        else value
        for value in args
    )
