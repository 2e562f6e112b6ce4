"""Reading a file to lint: its bytes, bounded and only from a regular file, decoded as
Python decodes source; or the CL902 error that says why it has none."""
from __future__ import annotations

import codecs
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Optional, Tuple

from claude_lint import safeio
from claude_lint.bounds import MAX_FILE_BYTES
from claude_lint.facts import UNREADABLE_FILE, FileError, Loc


def read_source(abspath: str, shown: str, data: Optional[bytes] = None) -> Tuple[Optional[str], Optional[FileError], bytes]:
    """The decoded text of a file, or the CL902 error that says why it has none."""
    here = Loc(shown, 1, 1, 1, 1)
    too_large = FileError(UNREADABLE_FILE, f"file is larger than {MAX_FILE_BYTES // 1_000_000} MB; skipped", here)
    if data is None:
        try:
            # Open first, then check what was opened: a FIFO or a device (`x.py -> /dev/zero`)
            # would block or never end.
            data = safeio.read_regular(abspath, MAX_FILE_BYTES)
        except safeio.NotRegular:
            return None, FileError(UNREADABLE_FILE, "not a regular file (a pipe, socket or device); not linted", here), b""
        except safeio.TooLarge:
            return None, too_large, b""
        except OSError as exc:
            return None, FileError(UNREADABLE_FILE, f"cannot read file: {exc.strerror or exc}", here), b""
    elif len(data) > MAX_FILE_BYTES:  # standard input, an editor's buffer: the same cap as a file
        return None, too_large, b""
    if plainly_readable(data):  # what detect_encoding would say (UTF-8), without importing tokenize
        return data.decode("ascii"), None, data
    if data[:4] in (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE) or data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return None, FileError(UNREADABLE_FILE, "UTF-16/UTF-32 encoded; Python source must be UTF-8 (or declare an ASCII-compatible coding); not linted", here), data
    if data.find(b"\x00") >= 0:  # see plainly_readable
        return None, FileError(UNREADABLE_FILE, "binary file (contains NUL bytes); not linted", here), data
    import io
    import tokenize

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError) as exc:
        reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
        return None, FileError(UNREADABLE_FILE, f"cannot decode file: {reason}", here), data
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, None, data


def plainly_readable(data: bytes) -> bool:
    """Would `read_source` surely decode these bytes without an error? ASCII (so no BOM),
    no NUL, within the size cap, and no coding cookie in the first two lines (where
    `tokenize.detect_encoding` looks): then it decodes them as UTF-8, which cannot fail.
    Most source files: the pre-filter's triage, which reads the bytes only, then skips the
    decoding (a tenth of a plain project's cold run). False says nothing: ask read_source."""
    # bytes.find, not `in`: bytes' `in` first tries its operand as an integer, and makes
    # and drops a TypeError for a bytes one (more than the search, on most files).
    if len(data) > MAX_FILE_BYTES or not data.isascii() or data.find(b"\x00") >= 0:
        return False
    first = data.find(b"\n")
    second = data.find(b"\n", first + 1) if first >= 0 else -1
    return data.find(b"coding", 0, len(data) if second < 0 else second) < 0
