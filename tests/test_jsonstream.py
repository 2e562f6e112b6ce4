"""claude_lint.jsonstream: records read from any chunking of a file, in bounded memory."""
from __future__ import annotations

import io
import json
import tracemalloc

from claude_lint.jsonstream import Stream, StreamError


def span(i: int) -> dict:
    """A GenAI span of about 1 KB, whose prompt text holds what looks like the envelope."""
    return {"traceId": "0" * 32, "spanId": f"{i:016x}", "name": "chat claude-sonnet-4-6", "startTimeUnixNano": "1793491200000000000",
            "attributes": [{"key": "gen_ai.request.model", "value": {"stringValue": "claude-sonnet-4-6"}},
                           {"key": "gen_ai.usage.input_tokens", "value": {"intValue": str(100 + i % 7)}},
                           {"key": "gen_ai.usage.output_tokens", "value": {"intValue": str(i % 500)}},
                           {"key": "code.filepath", "value": {"stringValue": "/srv/app/support.py"}},
                           {"key": "code.lineno", "value": {"intValue": "17"}},
                           {"key": "gen_ai.input.messages", "value": {"stringValue": "x" * 600 + '"spans": [{'}}]}


class _Generated(io.RawIOBase):
    """One OTLP JSON document of `n` spans, made while it is read: never whole in memory."""

    def __init__(self, n: int):
        def parts():
            yield b'{"resourceSpans": [{"resource": {"attributes": []}, "scopeSpans": [{"scope": {}, "spans": [\n'
            for i in range(n):
                yield (b",\n" if i else b"") + json.dumps(span(i)).encode()
            yield b"\n]}]}]}\n"
        self._parts = parts()
        self._pending = b""

    def readable(self):
        return True

    def readinto(self, b):
        while len(self._pending) < len(b):
            try:
                self._pending += next(self._parts)
            except StopIteration:
                break
        n = min(len(b), len(self._pending))
        b[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


def test_stream_holds_one_chunk_and_one_record():
    n = 5_000  # about 4.5 MB
    tracemalloc.start()
    count = 0
    try:
        for event in Stream(io.BufferedReader(_Generated(n), 1 << 16), chunk=1 << 16).values():
            assert not isinstance(event, StreamError)
            count += event.path[-1:] == ("spans",)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == n
    assert peak < 1 << 20, f"peak {peak / 2**20:.1f} MB"


def test_stream_chunk_boundaries_change_nothing():
    doc = json.dumps({"resourceSpans": [{"scopeSpans": [{"spans": [span(i) for i in range(3)]}]}]}, indent=1)
    whole = [e.value for e in Stream(io.BytesIO(doc.encode()), chunk=1 << 20).values()]
    for chunk in (1, 2, 3, 5, 8, 13, 64):
        assert [e.value for e in Stream(io.BytesIO(doc.encode()), chunk=chunk).values()] == whole
    bad = doc[: len(doc) // 2] + "]]]" + doc[len(doc) // 2:]
    events = list(Stream(io.BytesIO(bad.encode()), chunk=7).values())
    assert isinstance(events[-1], StreamError) and events[-1].fatal  # a document gone bad: not read further


def test_json_lines_lose_only_their_bad_lines():
    text = '{"a": 1}\n{"b": }\n[1, {"c": 2}]\n{"d": "unterminated\n{"e": 12345}'
    events = list(Stream(io.BytesIO(text.encode()), chunk=3).values())
    assert [(e.line, e.value) for e in events if not isinstance(e, StreamError)] == [(1, {"a": 1}), (3, 1), (3, {"c": 2}), (5, {"e": 12345})]
    errors = [e for e in events if isinstance(e, StreamError)]
    assert [(e.line, e.fatal) for e in errors] == [(2, False), (4, False)]


def test_a_value_too_long_is_an_error_not_a_memory_spike():
    text = '{"spans": ["' + "x" * 5000 + '"]}'
    events = list(Stream(io.BytesIO(text.encode()), chunk=64, max_value=1000).values())
    assert isinstance(events[-1], StreamError) and "longer than" in events[-1].message
