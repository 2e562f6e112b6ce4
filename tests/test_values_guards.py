"""A request's key set in place under a test of the request's own model (`if "opus-4-7" not in
model: kwargs["temperature"] = t`) is sent only to the models the test lets through (CL014)."""
from __future__ import annotations

import pytest

WRAPPER = (
    "import anthropic\nclient = anthropic.Anthropic()\n\n"
    "def call(text, model, temperature=0.5):\n"
    "    kwargs = dict(model=model, max_tokens=500, messages=[{'role': 'user', 'content': text}])\n"
    "    if GUARD:\n        kwargs['temperature'] = temperature\n"
    "    return client.messages.create(**kwargs)\n\n"
    "call('hi', MODEL)\n"
)


def rejected(project, guard: str, model: str):
    found = project({"app.py": WRAPPER.replace("GUARD", guard).replace("MODEL", repr(model))}, select=("CL014",))
    return [d.loc.row for d in found.diagnostics if d.code == "CL014"]


@pytest.mark.parametrize("guard, model", [
    ("'opus-4-7' not in model", "claude-opus-4-7"),  # the model the guard leaves out
    ("'opus-4-7' in model", "claude-sonnet-4-6"),  # a model that accepts it anyway
    ("not model.startswith('claude-opus-4-7')", "claude-opus-4-7"),
    ("not ('opus-4-7' in model)", "claude-opus-4-7"),
])
def test_a_set_guarded_by_the_model_is_not_sent_to_the_models_it_excludes(project, guard, model):
    assert rejected(project, guard, model) == []


@pytest.mark.parametrize("guard, model", [
    ("'opus-4-7' in model", "claude-opus-4-7"),  # sent to exactly the model that rejects it
    ("'sonnet' not in model", "claude-opus-4-7"),  # the guard lets this model through
    ("model.startswith('claude-opus-4-7')", "claude-opus-4-7"),
    ("not model.startswith('claude-sonnet')", "claude-opus-4-7"),
    ("temperature != 1.0", "claude-opus-4-7"),  # a condition on something else: counted as made
])
def test_a_set_the_guard_lets_through_is_reported(project, guard, model):
    assert rejected(project, guard, model) == [7]  # where the key is set
