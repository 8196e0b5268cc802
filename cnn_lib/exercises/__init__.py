"""Exercises that answer back: one module per notebook (``nb00`` … ``nb07``) defining q1, q2, ….

In a notebook::

    from cnn_lib.exercises.nb02 import q1, q2
    answer = ...          # your answer
    q1.check(answer)      # says whether it is right, and if not, what is wrong
    q1.hint()             # a hint, only when asked
    q1.solution()         # the solution, only when asked

The checker (:mod:`cnn_lib.exercises.base`) prints plain text, so it works in JupyterLab,
Colab and the static HTML build alike; nothing is stored in a notebook until a learner asks.
"""

from cnn_lib.exercises.base import Exercise, Mistake

__all__ = ["Exercise", "Mistake"]
