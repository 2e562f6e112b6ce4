"""Answers about a syntax tree's node that depend on that node (and the other arguments)
alone, kept while the node lives (`per_node`).

The history finder asks some questions of the same function or loop again at each call
that sends a list or sits in the loop (which loops fill a name, what a helper does to the
list it is handed, which names a loop gives a new value), each a walk of it: on a large
module that was most of a file's extraction (agno's 430 KB team runner: 3,000 such walks of
the same few functions per round), and the second phase asks a file again each round. The
answers are kept by node, weakly: they go with the tree.
"""
from __future__ import annotations

from functools import wraps

_answers = None  # node -> {question: answer}, a WeakKeyDictionary made at the first question


def per_node(function):
    """`function(node, *rest, **named)`, computed once per node and question: for a pure
    function of a syntax tree's node (the tree is never edited once parsed)."""

    @wraps(function)
    def remembered(node, *rest, **named):
        global _answers
        if _answers is None:
            import weakref

            _answers = weakref.WeakKeyDictionary()
        known = _answers.get(node)
        if known is None:
            known = _answers[node] = {}
        question = (function, rest, tuple(sorted(named.items()))) if named else (function, rest)
        if question not in known:
            known[question] = function(node, *rest, **named)
        return known[question]

    return remembered
