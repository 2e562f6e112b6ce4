"""Money: what sending the same prompt tokens many times costs, cached or not, and what an
answer costs, from the catalogue's prices (USD per million tokens). The one place the
rules that state money (CL001, CL002, CL006, CL010, CL012, CL013) and `estimate`
(`claude-lint report`) do these sums, so that the saving a finding states and the
report's figures cannot drift apart. The order of each sum is
part of its result (floats): messages that quote it stay as they were.
"""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Optional, Tuple

from claude_lint.catalog import Model


def plain_usd(tokens: int, price: float, calls: int) -> float:
    """`tokens` sent on each of `calls` calls at `price`, no cache involved."""
    return calls * tokens * price / 1e6


def cached_usd(tokens: int, write: float, read: float, calls: int) -> float:
    """A cached prefix of `tokens`: the first call writes it, the `calls - 1` after it read
    it (all within the cache's lifetime)."""
    return (tokens * write + (calls - 1) * tokens * read) / 1e6


def rewritten_usd(tokens: int, write: float, calls: int) -> float:
    """A cached prefix that every call writes anew and no call reads (a per-request value,
    or per-call content, before the breakpoint)."""
    return tokens * write * calls / 1e6


def cache_saving(tokens: int, model: Optional[Model], calls: int = 1000) -> Optional[Tuple[float, float]]:
    """(uncached, cached) USD for a prefix of `tokens` sent `calls` times, without and with a
    cache breakpoint on it; None when the catalogue lacks the model's input or cache prices."""
    if model is None or not model.input or model.cache_read is None or not model.cache_write:
        return None
    return plain_usd(tokens, model.input, calls), cached_usd(tokens, model.cache_write, model.cache_read, calls)


def unread_cache_usd(tokens: int, model: Optional[Model], calls: int = 1000) -> Optional[float]:
    """What a prefix that every call writes to the cache and no call reads wastes over `calls`
    calls against one write and `calls - 1` reads (CL006, CL013); None without the prices."""
    if model is None or not model.cache_write or model.cache_read is None:
        return None
    return (calls - 1) * tokens * (model.cache_write - model.cache_read) / 1e6


def lost_reads_usd(tokens: int, model: Optional[Model], calls: int = 1000) -> Optional[float]:
    """What `tokens` that could be read from the cache cost at the input price instead over
    `calls` calls, the first being a write either way (CL006); None without the prices."""
    if model is None or model.input is None or model.cache_read is None:
        return None
    return (calls - 1) * tokens * (model.input - model.cache_read) / 1e6


def output_usd(tokens: int, model: Model) -> float:
    """`tokens` of output at the model's output price (the caller checks that it has one)."""
    return tokens * model.output / 1e6
