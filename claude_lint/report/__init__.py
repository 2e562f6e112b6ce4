"""Output formats: one module per format, each with `render(result, settings) -> str`.

Everything shown comes from a repository we do not trust: file names (any bytes but
`/` and NUL, so newlines, terminal escapes, bytes that are not UTF-8) and strings of the
linted code (model IDs, in messages). Every format writes them through the helpers
below, so that the JSON and XML stay valid, and nothing reaches a terminal or a CI log
that the terminal or the CI would act on: control characters (a newline that starts a
forged `::error` line, an escape sequence), Unicode line separators and bidirectional
overrides, and the in-line command markers of CI logs (`##[`, `##vso[`).
"""
from __future__ import annotations

import importlib
import math
import sys
TYPE_CHECKING = False  # typing (a tenth of a replayed warm run, run_cache) is for the annotations alone
if TYPE_CHECKING:
    from typing import Callable, Optional

from claude_lint.patterns import lazy

FORMATS = ("text", "concise", "json", "grouped", "github", "gitlab", "junit", "sarif")

# C0, DEL and C1 controls, bidirectional marks and overrides, line/paragraph separators, lone surrogates
_UNSAFE = lazy("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SURROGATE = lazy("[\ud800-\udfff]")
_CI_MARKER = lazy(r"##(vso)?\[")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(m: "re.Match[str]") -> str:
    c = m.group(0)
    if c in _NAMED:
        return _NAMED[c]
    n = ord(c)
    if 0xDC80 <= n <= 0xDCFF:  # a byte of a file name that is not UTF-8 (surrogateescape)
        return f"\\x{n - 0xDC00:02x}"
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}"


def printable(text: str) -> str:
    """`text` as a terminal or a CI log may show it: unsafe characters written as
    escapes (`\\n`, `\\x1b`, `\\u202e`; an undecodable byte of a name as `\\xe9`)."""
    text = _UNSAFE.sub(_escape, text)
    return _CI_MARKER.sub(lambda m: m.group(0)[:-1] + "\\x5b", text) if "##" in text else text


def shown_path(path: str) -> str:
    """A file name at the start of an output line: `printable`, and never `::`, which
    begins a GitHub Actions workflow command."""
    return printable(path).replace("::", ":\\x3a")


def unsurrogate(text: str) -> str:
    """A string that can be encoded as UTF-8: lone surrogates (undecodable bytes of a
    file name) written as `\\xNN` escapes; everything else kept."""
    return _SURROGATE.sub(_escape, text) if _SURROGATE.search(text) else text


_JSON_UNSAFE = lazy("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|##(?:vso)?\\[")


def _clean(value):
    if isinstance(value, str):
        return unsurrogate(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no Infinity or NaN
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def dumps(value, **kwargs) -> str:
    """JSON that is always valid UTF-8 and shows no unsafe character when printed.

    json.dumps already escapes C0 controls; the others are written as `\\uXXXX` escapes,
    which decode to the very same strings (as does `\\u005b` for the `[` of a CI marker)."""
    import json as _json  # here, not at the top: the text output never needs it (and `json` would be rebound by report/json.py)

    text = _json.dumps(_clean(value), ensure_ascii=False, allow_nan=False, **kwargs)

    def escape(m: "re.Match[str]") -> str:
        s = m.group(0)
        return s[:-1] + "\\u005b" if s.startswith("##") else f"\\u{ord(s):04x}"

    return _JSON_UNSAFE.sub(escape, text)


def in_cell(loc) -> str:
    """For a notebook finding shown against the raw `.ipynb` file: where it is in the
    cell, in words (`cell 4, line 6, column 20: `); "" for other files."""
    if getattr(loc, "cell", None) is None:
        return ""
    return f"cell {loc.cell}, line {loc.row}, column {loc.col}: "


def renderer(name: str) -> Callable:
    module = importlib.import_module(f"claude_lint.report.{name.replace('-', '_')}")
    return module.render


def write_output(path: Optional[str], text: str) -> bool:
    """`text` to standard output, or to the file `path` (-o); False, said on stderr, when
    the file cannot be written."""
    if not path:
        sys.stdout.write(text)
        return True
    try:
        with open(path, "w", encoding="utf-8", errors="surrogateescape") as fh:
            fh.write(text)
    except OSError as exc:
        sys.stderr.write(f"claude-lint: error: cannot write {printable(path)}: {exc.strerror or exc}\n")
        return False
    return True
