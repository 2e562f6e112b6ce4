"""JSON values read from a file piece by piece, in bounded memory.

Usage exports run to hundreds of megabytes: an OTLP trace file is one JSON document
(`{"resourceSpans": [...]}`) or one such document per line, a LiteLLM export is one
array. `Stream.values()` walks the envelope itself and hands out each record as soon
as it is complete, decoded by the standard library's C scanner; only the record being
read and one chunk of the file are ever held.

The walk descends into the members named in STREAM (arrays of records or of
envelopes); every other value is decoded whole, up to MAX_VALUE characters.
"""
from __future__ import annotations

import codecs
import json
import re
from typing import Any, BinaryIO, Callable, Iterator, Optional, Tuple

CHUNK = 1 << 20
MAX_VALUE = 64 << 20
# Arrays whose elements are handed out one by one; elements of DESCEND arrays are
# envelopes themselves (walked member by member), the others are records.
STREAM = frozenset({"resourceSpans", "scopeSpans", "spans", "data"})
DESCEND = frozenset({"resourceSpans", "scopeSpans"})

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class StreamError(Exception):
    def __init__(self, message: str, line: int, fatal: bool = False):
        super().__init__(message)
        self.message = message
        self.line = line
        self.fatal = fatal  # the rest of the file cannot be read


class Event:
    """One value: `path` names the arrays it was found in ("[]" for a top-level array),
    `streamed` the members of an object that were handed out separately."""

    __slots__ = ("path", "value", "line", "streamed")

    def __init__(self, path: Tuple[str, ...], value: Any, line: int, streamed: Tuple[str, ...] = ()):
        self.path = path
        self.value = value
        self.line = line
        self.streamed = streamed


class Stream:
    def __init__(self, fh: BinaryIO, chunk: int = CHUNK, max_value: int = MAX_VALUE, on_read: Optional[Callable[[int], None]] = None):
        self._fh = fh
        self._chunk = chunk
        self._max = max_value
        self._on_read = on_read
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._read = 0
        self.buf = ""
        self.pos = 0
        self.eof = False
        # Line numbers are counted forward only (positions only grow): O(file) in all.
        self._line_base = 1  # line of buf[0]
        self._counted = 0  # buf position up to which newlines are counted
        self._counted_line = 1
        self._first = True

    # --- buffer ---------------------------------------------------------------------

    def _fill(self, grow: bool = False) -> bool:
        if self.eof:
            return False
        pending = len(self.buf) - self.pos
        data = self._fh.read(max(self._chunk, pending) if grow else self._chunk)
        text = self._decoder.decode(data, final=not data)
        if not data:
            self.eof = True
        if self._first and text:
            self._first = False
            text = text[1:] if text.startswith("\ufeff") else text
        if self.pos:
            self.line_at(self.pos)
            self._counted -= self.pos
            self.buf = self.buf[self.pos:]
            self.pos = 0
        self.buf += text
        self._read += len(data)
        if self._on_read is not None:
            self._on_read(self._read)
        return bool(data) or bool(text)

    def line_at(self, pos: int) -> int:
        if pos > self._counted:
            self._counted_line += self.buf.count("\n", self._counted, pos)
            self._counted = pos
        return self._counted_line

    def _peek(self) -> Optional[str]:
        while True:
            self.pos = _WS.match(self.buf, self.pos).end()
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._fill():
                return None

    def _error(self, message: str, pos: Optional[int] = None) -> StreamError:
        return StreamError(message, self.line_at(self.pos if pos is None else pos))

    def _expect(self, chars: str) -> str:
        c = self._peek()
        if c is None:
            raise self._error("unexpected end of file")
        if c not in chars:
            raise self._error(f"expected {' or '.join(repr(x) for x in chars)}, found {c!r}")
        self.pos += 1
        return c

    def _value(self) -> Any:
        if self._peek() is None:
            raise self._error("unexpected end of file")
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                # No JSON token holds a raw newline, so an error with a newline after it
                # is in complete text; one without may only need the next chunk.
                if self.eof or self.buf.find("\n", exc.pos) != -1:
                    raise self._error(f"invalid JSON: {exc.msg}", exc.pos) from None
                if len(self.buf) - self.pos > self._max:
                    raise self._error(f"a value longer than {self._max >> 20} MB (or invalid JSON)") from None
                self._fill(grow=True)
                continue
            except RecursionError:
                raise self._error("a value nested too deeply") from None
            except ValueError as exc:  # an integer of thousands of digits
                raise self._error(f"invalid value: {str(exc)[:80]}") from None
            if end == len(self.buf) and not self.eof:
                self._fill(grow=True)  # a number may go on in the next chunk
                continue
            self.pos = end
            return value

    def _skip_line(self) -> None:
        while True:
            nl = self.buf.find("\n", self.pos)
            if nl != -1:
                self.pos = nl + 1
                return
            self.pos = len(self.buf)
            if not self._fill():
                return

    # --- walk -----------------------------------------------------------------------

    def values(self) -> Iterator[Any]:
        """Events for every record, and StreamErrors (yielded, not raised) for the parts
        that could not be read. A line-delimited file loses only its bad lines; a
        document that goes bad across lines is not read further."""
        while True:
            c = self._peek()
            if c is None:
                return
            start = self.line_at(self.pos)
            try:
                if c == "{":
                    yield from self._object((), start)
                elif c == "[":
                    yield from self._array(("[]",), leaf=True)
                else:
                    yield Event((), self._value(), start)
            except StreamError as exc:
                if exc.line != start:
                    exc.fatal = True
                    yield exc
                    return
                yield exc
                self._skip_line()

    def _object(self, path: Tuple[str, ...], line: int) -> Iterator[Event]:
        self._expect("{")
        small = {}
        streamed = []
        if self._peek() == "}":
            self.pos += 1
            yield Event(path, small, line)
            return
        while True:
            key = self._value()
            if not isinstance(key, str):
                raise self._error("expected a member name")
            self._expect(":")
            if key in STREAM and self._peek() == "[":
                streamed.append(key)
                yield from self._array(path + (key,), leaf=key not in DESCEND)
            else:
                small[key] = self._value()
            if self._expect(",}") == "}":
                break
        yield Event(path, small, line, tuple(streamed))

    def _array(self, path: Tuple[str, ...], leaf: bool) -> Iterator[Event]:
        self._expect("[")
        if self._peek() == "]":
            self.pos += 1
            return
        while True:
            c = self._peek()
            line = self.line_at(self.pos)
            if not leaf and c == "{":
                yield from self._object(path, line)
            else:
                yield Event(path, self._value(), line)
            if self._expect(",]") == "]":
                return
