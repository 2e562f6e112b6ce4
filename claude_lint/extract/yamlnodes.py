"""YAML to the position-keeping tree of `nodes`.

YAML goes through `yaml.compose` with the safe loader: composing never constructs
objects, so custom tags cannot run code, and every node carries its start and end
marks. A module of its own so that PyYAML (about 30 ms to import) is loaded only when a
YAML file is read.
"""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List

import yaml

from claude_lint.extract.nodes import MAX_NODES, Node, ParseError

# CSafeLoader is SafeLoader in C (libyaml): the same safe composer, much faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_YAML_SCALARS = yaml.SafeLoader("")


def parse_yaml(text: str, row_offset: int = 0) -> List[Node]:
    """Every document of a YAML stream; ParseError with the position on bad YAML."""
    try:
        docs = list(yaml.compose_all(text, Loader=_LOADER))
    except UnicodeEncodeError:
        raise ParseError("text holds characters that are not valid Unicode", 1 + row_offset) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        row = (mark.line + 1 if mark else 1) + row_offset
        raise ParseError(message, row, mark.column + 1 if mark else 1) from None
    except yaml.YAMLError as exc:
        raise ParseError(str(exc).splitlines()[0] if str(exc) else "invalid YAML", 1 + row_offset) from None
    budget = [MAX_NODES]
    return [_from_yaml(d, row_offset, budget, 0) for d in docs if d is not None]


def _from_yaml(node, row_offset: int, budget: List[int], depth: int) -> Node:
    budget[0] -= 1
    if budget[0] < 0 or depth > 100:
        raise ParseError("document is too large or too deeply nested (aliases?)")
    start, end = node.start_mark, node.end_mark
    pos = (start.line + 1 + row_offset, start.column + 1, end.line + 1 + row_offset, end.column + 1)
    if isinstance(node, yaml.MappingNode):
        entries = []
        for k, v in node.value:
            key = k.value if isinstance(k, yaml.ScalarNode) else None
            entries.append((str(key) if key is not None else None, _from_yaml(k, row_offset, budget, depth + 1), _from_yaml(v, row_offset, budget, depth + 1)))
        return Node("map", entries, *pos)
    if isinstance(node, yaml.SequenceNode):
        return Node("seq", [_from_yaml(v, row_offset, budget, depth + 1) for v in node.value], *pos)
    return Node("scalar", _yaml_scalar(node), *pos)


def _yaml_scalar(node) -> object:
    tag = node.tag or ""
    try:
        if tag.endswith(":int"):
            return _YAML_SCALARS.construct_yaml_int(node)
        if tag.endswith(":float"):
            return _YAML_SCALARS.construct_yaml_float(node)
        if tag.endswith(":bool"):
            return _YAML_SCALARS.construct_yaml_bool(node)
        if tag.endswith(":null"):
            return None
    except (ValueError, yaml.YAMLError):
        return node.value
    return node.value
