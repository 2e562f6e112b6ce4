"""The extractors' tree walk visits exactly the nodes of ast.walk, in its order: rules
that stop at the first match would otherwise change what they find."""
import ast
from pathlib import Path

import pytest

from claude_lint.extract.walk import child_nodes, walk

SOURCES = sorted((Path(__file__).resolve().parent.parent / "claude_lint").rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES[::7], ids=lambda p: p.name)
def test_same_nodes_in_the_same_order_as_ast(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert [id(n) for n in walk(tree)] == [id(n) for n in ast.walk(tree)]
    for node in ast.walk(tree):
        assert [id(c) for c in child_nodes(node)] == [id(c) for c in ast.iter_child_nodes(node)]


def test_a_node_missing_an_optional_field_is_walked_like_ast():
    node = ast.Return()  # built by hand: no `value` attribute at all
    assert list(walk(node)) == [node] and child_nodes(node) == []
