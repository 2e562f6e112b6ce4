"""The language server's connection to its client: the byte stream cut into frames here
(pygls' reader waits forever on a malformed header and reads any Content-Length whole),
and the process ended with the client (its `exit`, the end of stdin, the end of its
process), whatever a lint thread is doing."""
from __future__ import annotations

import asyncio
import logging
import json
import os
import re
import sys
import threading
import time
from typing import List, Optional, Tuple, Union

from lsprotocol import types
from pygls.io_ import StdoutWriter

log = logging.getLogger("claude_lint.server")

# One incoming message. The engine lints at most 5 MB of source; JSON escapes can make a
# buffer's message several times its size. A bigger message is skipped unread.
MAX_MESSAGE_BYTES = 32 * 1024 * 1024
MAX_HEADER_LINE = 8 * 1024
MAX_HEADER_LINES = 32
# A frame that stops arriving half-way (a Content-Length larger than what was sent) is
# dropped after this long without a byte, so the next message is read rather than waited for.
FRAME_IDLE_SECONDS = 10.0
PARENT_POLL_SECONDS = 1.0
# After stdin ends, how long the event loop gets to stop before the reader thread ends the process.
EOF_GRACE_SECONDS = 2.0
READ_CHUNK = 64 * 1024
READ_AHEAD_CHUNKS = 16  # chunks read from stdin and not yet framed: the read-ahead's bound


def say(ls, level: int, message: str) -> None:
    """On stderr, and in the editor's log once the session has begun."""
    log.log(level, "%s", message)
    if ls.initialized:
        kind = {logging.ERROR: types.MessageType.Error, logging.WARNING: types.MessageType.Warning}.get(level, types.MessageType.Info)
        ls.window_log_message(types.LogMessageParams(kind, f"claude-lint: {message}"))


def end(code: int, why: Optional[str] = None) -> None:
    """Ends the process now. Not sys.exit: the interpreter would wait for the lint thread
    and for the thread blocked reading stdin, which is how an orphaned server lingered."""
    if why:
        log.warning("%s", why)
    try:
        sys.stderr.flush()
    finally:
        os._exit(code)


def process_alive(pid: int) -> bool:
    """Whether process `pid` exists; True when it cannot be told."""
    if sys.platform == "win32":
        # os.kill(pid, 0) would terminate the process on Windows.
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return kernel32.GetLastError() != 87  # ERROR_INVALID_PARAMETER: no such process
        try:
            code = ctypes.c_ulong()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return True
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # EPERM: it exists, as someone else's
    return True


def watch_client(pid) -> None:
    """The LSP asks a server to exit when the client's process (initialize's processId) is
    gone, as an editor that crashed may leave stdin open (a child holding the pipe)."""
    if isinstance(pid, bool) or not isinstance(pid, int) or pid <= 0 or pid == os.getpid():
        return
    if not process_alive(pid):
        # Not visible from here (another PID namespace, as in a container): not watched.
        log.info("client process %s not visible; not watched", pid)
        return

    def watch():
        while True:
            time.sleep(PARENT_POLL_SECONDS)
            if not process_alive(pid):
                end(1, f"the client's process {pid} has exited; stopping")

    threading.Thread(target=watch, name="claude-lint-client-watch", daemon=True).start()


class Framer:
    """Cuts the client's byte stream into message bodies by their Content-Length
    headers. What is not a well-formed frame is skipped and reported, never waited on:
    the next header is looked for, including at the end of a line of debris (the body of
    a frame whose length was wrong runs into the next header)."""

    NAME = b"content-length:"

    def __init__(self, max_body: int = MAX_MESSAGE_BYTES):
        self.max_body = max_body
        self.buffer = bytearray()
        self.headers: List[bytes] = []
        self.length: Optional[int] = None  # of the body being read
        self.dropping = 0  # bytes of an oversized body still to drop
        self.debris = 0  # bytes skipped since the last good header

    @property
    def partial(self) -> bool:
        return bool(self.buffer or self.headers or self.length is not None or self.dropping)

    def feed(self, data: bytes) -> List[Tuple[str, Union[bytes, str]]]:
        """("message", body) and ("skipped", why) events, in order."""
        self.buffer += data
        out: List[Tuple[str, Union[bytes, str]]] = []
        while True:
            if self.dropping:
                n = min(self.dropping, len(self.buffer))
                del self.buffer[:n]
                self.dropping -= n
                if self.dropping:
                    break
                continue
            if self.length is not None:
                if len(self.buffer) < self.length:
                    break
                body = bytes(self.buffer[: self.length])
                del self.buffer[: self.length]
                self.length = None
                out.append(("message", body))
                continue
            newline = self.buffer.find(b"\n")
            if newline < 0:
                if len(self.buffer) > MAX_HEADER_LINE:
                    # No header is this long: debris. Keep a tail a header may start in.
                    cut = len(self.buffer) - 64
                    del self.buffer[:cut]
                    self.debris += cut
                break
            line = bytes(self.buffer[:newline]).rstrip(b"\r")
            del self.buffer[: newline + 1]
            self._line(line, out)
        return out

    def _line(self, line: bytes, out) -> None:
        if not line.strip():
            if self.headers:
                self._headers_done(out)
            return  # blank lines between frames are harmless
        at = line.lower().rfind(self.NAME)
        if at > 0:
            self.debris += at + sum(len(h) + 1 for h in self.headers)
            self.headers = []
            line = line[at:]
        elif at < 0 and (b":" not in line or len(self.headers) >= MAX_HEADER_LINES):
            self.debris += len(line) + 1
            return
        self.headers.append(line)

    def _headers_done(self, out) -> None:
        headers, self.headers = self.headers, []
        values = {h.split(b":", 1)[1].strip() for h in headers if h.split(b":", 1)[0].strip().lower() == self.NAME[:-1]}
        why = None
        if not values:
            why = "a message header without Content-Length"
        elif len(values) > 1:
            why = "a message header with conflicting Content-Length values"
        else:
            value = values.pop()
            if not re.fullmatch(rb"[0-9]{1,15}", value):
                why = f"a message header with a malformed Content-Length ({value[:40].decode('ascii', 'replace')!r})"
        if why is not None:
            out.append(("skipped", f"{why}: skipped; reading on from the next header"))
            return
        if self.debris:
            out.append(("skipped", f"{self.debris:,} bytes that were not part of a message: skipped"))
            self.debris = 0
        length = int(value)
        if length > self.max_body:
            self.dropping = length
            out.append(("skipped", f"a message of {length:,} bytes, over the {self.max_body // (1024 * 1024)} MB limit: skipped unread"))
        elif length == 0:
            out.append(("skipped", "an empty message: skipped"))
        else:
            self.length = length

    def abandon(self) -> Optional[str]:
        """Nothing more came in mid-frame: drop the partial frame and read what comes next as a new one."""
        if self.length is not None:
            why = f"an incomplete message ({len(self.buffer):,} of {self.length:,} bytes)"
        elif self.dropping:
            why = f"an oversized message, {self.dropping:,} bytes short"
        elif self.partial:
            why = "an incomplete message header"
        else:
            return None
        self.buffer.clear()
        self.headers = []
        self.length = None
        self.dropping = 0
        self.debris = 0
        return f"{why}, then nothing for {FRAME_IDLE_SECONDS:g} s: dropped"


class Connection:
    """The event loop's side of stdin: frames the chunks the reader thread hands over and
    dispatches the messages to pygls, as its own reader loop would."""

    def __init__(self, ls, loop: asyncio.AbstractEventLoop):
        self.ls = ls
        self.loop = loop
        self.framer = Framer()
        self.slots = threading.Semaphore(READ_AHEAD_CHUNKS)
        self.idle: Optional[asyncio.TimerHandle] = None

    def feed(self, chunk: bytes) -> None:
        self.slots.release()
        for kind, value in self.framer.feed(chunk):
            if kind == "message":
                self.dispatch(value)  # type: ignore[arg-type]
            else:
                say(self.ls, logging.WARNING, str(value))
        if self.idle is not None:
            self.idle.cancel()
            self.idle = None
        if self.framer.partial:
            self.idle = self.loop.call_later(FRAME_IDLE_SECONDS, self.stalled)

    def stalled(self) -> None:
        self.idle = None
        why = self.framer.abandon()
        if why is not None:
            say(self.ls, logging.WARNING, why)

    def dispatch(self, body: bytes) -> None:
        protocol = self.ls.protocol
        try:
            message = json.loads(body, object_hook=protocol.structure_message)
        except Exception as exc:  # not JSON, or not a message pygls knows how to read
            self.refuse(body, exc)
            return
        try:
            protocol.handle_message(message)
        except Exception as exc:
            log.exception("cannot handle a message")
            say(self.ls, logging.ERROR, f"cannot handle a message: {type(exc).__name__}: {exc}")

    def refuse(self, body: bytes, exc: Exception) -> None:
        try:
            raw = json.loads(body)
        except Exception:
            raw = None
        what = f"{raw.get('method')!r}" if isinstance(raw, dict) and isinstance(raw.get("method"), str) else "a message"
        cause = exc.__cause__ or exc
        say(self.ls, logging.WARNING, f"ignored {what} that is not valid JSON-RPC ({type(cause).__name__}: {str(cause)[:200]})")
        if isinstance(raw, dict) and isinstance(raw.get("id"), (int, str)) and not isinstance(raw.get("id"), bool) and "method" in raw:
            # A request still gets its answer, or the client would wait on it for ever.
            self.ls.protocol._send_response(raw["id"], error=types.ResponseError(code=-32602, message=f"invalid request: {str(cause)[:200]}"))

    def eof(self) -> None:
        end(0 if self.ls.shut_down else 1, None if self.ls.shut_down else "stdin closed: the client is gone; stopping")


def read_stdin(stdin, loop: asyncio.AbstractEventLoop, connection: Connection) -> None:
    """The reader thread: hands stdin's bytes to the event loop as they come, at most
    READ_AHEAD_CHUNKS ahead of it, and notices the end of stdin even while a lint runs."""
    try:
        while True:
            connection.slots.acquire()
            chunk = stdin.read1(READ_CHUNK)
            if not chunk:
                break
            loop.call_soon_threadsafe(connection.feed, chunk)
    except (OSError, ValueError):
        pass  # a broken or closed stdin: the client is gone all the same
    try:
        loop.call_soon_threadsafe(connection.eof)
    except RuntimeError:
        pass
    time.sleep(EOF_GRACE_SECONDS)
    end(1, "stdin closed and the event loop did not stop; stopping")


def serve(ls, stdin, stdout) -> None:
    """Serves the client on stdin/stdout until it goes: its `exit`, the end of stdin, or
    the end of its process. Does not return."""
    ls.protocol.set_writer(StdoutWriter(stdout))
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    connection = Connection(ls, loop)
    threading.Thread(target=read_stdin, args=(stdin, loop, connection), name="claude-lint-stdin", daemon=True).start()
    code = 1
    try:
        loop.run_forever()
    except SystemExit as exc:  # pygls' own `exit` handling, were ours bypassed
        code = exc.code if isinstance(exc.code, int) else 1
    except BrokenPipeError:
        log.warning("stdout closed: the client is gone; stopping")
    except KeyboardInterrupt:
        pass
    end(code)
