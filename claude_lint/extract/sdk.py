"""The call shapes of LLM SDKs, as data.

Supporting another SDK is an entry here, not new visitor code. A shape is recognised
when a call's method chain matches `chain` on a receiver that resolves to one of the
shape's client classes (or, for `FUNCTIONS`, when the called name's qualified name
matches). `roles` says which keyword holds what a rule needs, in order of preference.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Tuple

# Client classes by qualified name -> provider.
CLIENT_CLASSES: Dict[str, str] = {
    "anthropic.Anthropic": "anthropic",
    "anthropic.AsyncAnthropic": "anthropic",
    "anthropic.Client": "anthropic",
    "anthropic.AsyncClient": "anthropic",
    "anthropic.AnthropicBedrock": "bedrock",
    "anthropic.AsyncAnthropicBedrock": "bedrock",
    "anthropic.lib.bedrock.AnthropicBedrock": "bedrock",
    "anthropic.lib.bedrock.AsyncAnthropicBedrock": "bedrock",
    "anthropic.AnthropicVertex": "vertex",
    "anthropic.AsyncAnthropicVertex": "vertex",
    "anthropic.lib.vertex.AnthropicVertex": "vertex",
    "anthropic.lib.vertex.AsyncAnthropicVertex": "vertex",
}

ANTHROPIC_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("model",)),
    ("max_tokens", ("max_tokens",)),
    ("system", ("system",)),
    ("messages", ("messages",)),
    ("tools", ("tools",)),
    ("stream", ("stream",)),
    ("cache_control", ("cache_control",)),
    ("thinking", ("thinking",)),
    ("timeout", ("timeout",)),
)


@dataclass(frozen=True)
class MethodShape:
    chain: Tuple[str, ...]  # attribute names after the client, e.g. ("messages", "create")
    api: str
    providers: Tuple[str, ...]
    roles: Tuple[Tuple[str, Tuple[str, ...]], ...]
    streaming: bool = False
    batch: bool = False  # requests=[{"custom_id", "params": {...}}]; each params is a call


_ANTHROPIC_FAMILY = ("anthropic", "bedrock", "vertex")

METHODS: Tuple[MethodShape, ...] = (
    MethodShape(("messages", "create"), "messages.create", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES),
    MethodShape(("messages", "stream"), "messages.stream", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES, streaming=True),
    MethodShape(("messages", "parse"), "messages.parse", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES),
    MethodShape(("beta", "messages", "create"), "beta.messages.create", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES),
    MethodShape(("beta", "messages", "stream"), "beta.messages.stream", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES, streaming=True),
    MethodShape(("messages", "batches", "create"), "messages.batches.create", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES, batch=True),
    MethodShape(("beta", "messages", "batches", "create"), "beta.messages.batches.create", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES, batch=True),
)

METHODS_LONGEST_FIRST = tuple(sorted(METHODS, key=lambda m: -len(m.chain)))

# Keywords that together prove an Anthropic messages call when the receiver's type is
# not known statically (a client passed in as a parameter, or imported from another
# module): `messages.create` with both `model` and `max_tokens` is the Anthropic shape;
# Django's `thread.messages.create` and most look-alikes never carry both.
UNTYPED_RECEIVER_PROOF = ("model", "max_tokens")

# Modules whose import makes a file worth parsing (byte-level pre-filter).
SDK_MODULES: Tuple[str, ...] = ("anthropic",)

# Byte patterns: a file must contain one SDK name (or the untyped-receiver proof) and one
# call shape to be parsed.
PREFILTER_NAMES: Tuple[bytes, ...] = tuple(m.encode() for m in SDK_MODULES) + (b"max_tokens",)
PREFILTER_SHAPES: Tuple[bytes, ...] = (b"messages",)


def method_shape(chain: Tuple[str, ...]) -> "MethodShape | None":
    for shape in METHODS:
        if shape.chain == chain:
            return shape
    return None
