"""Size bounds on the values extraction and linking build.

A value is a tree that may share subtrees: `A2 = [A1, A1]` holds one `A1` twice. Built
that way it is small, but everything that walks it (linking, rules, reports) walks the
tree, whose size doubles per line of such code. So a value is measured as the tree it
stands for, and one past these bounds becomes `Unknown("too large")`, on which rules
stay silent. Sizes are memoised per object, so measuring costs what the sharing graph
costs, not what the tree does.
"""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, Tuple

from claude_lint.facts import Dynamic, FileRead, Mapping, Param, Ref, Seq, Text, Transform, Unknown

# Tree nodes in one value (strings, items, entries): hundreds of times a real request
# literal (a few-shot list of a hundred messages is a few thousand), and what one rule
# may walk per argument without being noticed.
MAX_VALUE_NODES = 100_000
# Characters in one value: the largest prompt file linking reads (link_values.MAX_PROMPT_BYTES),
# about 250,000 tokens, more than any model's context window takes in one system prompt.
MAX_TEXT_CHARS = 1_000_000
# Path pieces in one path expression: far deeper than any file system allows.
MAX_PATH_SEGMENTS = 256
# Characters linking may create in one run (prompt files read, dedent/strip/format and
# Jinja results): each within MAX_TEXT_CHARS, a project with thousands of call sites each
# transforming a different megabyte prompt would otherwise hold gigabytes.
MAX_RUN_CHARS = 200_000_000

TOO_LARGE = "too large"

# The values one run-time value (a OneOf) lists: a name bound in many places is only a
# run-time value, and each option is judged where it is written.
MAX_OPTIONS = 8
# Nesting followed when evaluating one expression (names through names, calls in calls):
# real request arguments are a few levels deep; past this the value is Unknown rather
# than a RecursionError on generated or hostile code.
MAX_EXPRESSION_DEPTH = 40

# Bytes of one source file read (from disk, standard input or an editor's buffer): a
# larger one is skipped with a CL902. Hand-written code is far smaller; this is generated data.
MAX_FILE_BYTES = 5_000_000


class Sizes:
    """(nodes, characters) of values, memoised by object. The memo keeps each measured
    object alive, so an id is never reused for another object while it is looked up."""

    def __init__(self) -> None:
        self._memo: Dict[int, Tuple[object, int, int]] = {}

    def too_large(self, value: object) -> bool:
        nodes, chars = self.of(value)
        return nodes > MAX_VALUE_NODES or chars > MAX_TEXT_CHARS

    def of(self, value: object) -> Tuple[int, int]:
        if value is None or isinstance(value, (bool, int, float)):
            return 1, 0
        if isinstance(value, str):
            return 1, len(value)
        found = self._memo.get(id(value))
        if found is not None and found[0] is value:
            return found[1], found[2]
        nodes, chars = 1, 0
        if isinstance(value, Text):
            # Most parts are strings: measured in bulk, the rest one by one.
            parts = value.parts
            if len(parts) > MAX_VALUE_NODES:
                return self._keep(value, MAX_VALUE_NODES + 1, 0)
            strings = [p for p in parts if type(p) is str]
            nodes += len(strings)
            chars += sum(map(len, strings))
            children: Tuple[object, ...] = tuple(p for p in parts if type(p) is not str) if len(strings) < len(parts) else ()
        elif isinstance(value, Seq):
            children = value.items
        elif isinstance(value, Mapping):
            children = tuple(x for entry in value.entries for x in entry)
        elif isinstance(value, Transform):
            children = (value.inner,)
        elif isinstance(value, Param):
            children = (value.default,)
        elif isinstance(value, Dynamic):
            children, chars = (), len(value.source)
        elif isinstance(value, FileRead):
            children, chars = (), sum(len(s) for s in value.segments)
        elif isinstance(value, (Ref, Unknown)):
            children = ()
        else:
            children = ()
        for child in children:
            n, c = self.of(child)
            # Capped: a tree of 8**20 nodes is only ever compared with the bounds.
            nodes = min(nodes + n, MAX_VALUE_NODES + 1)
            chars = min(chars + c, MAX_TEXT_CHARS + 1)
        return self._keep(value, nodes, min(chars, MAX_TEXT_CHARS + 1))

    def _keep(self, value: object, nodes: int, chars: int) -> Tuple[int, int]:
        self._memo[id(value)] = (value, nodes, chars)
        return nodes, chars
