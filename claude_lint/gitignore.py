"""`.gitignore` patterns, matched as git matches them, in time linear in the path.

pathspec (which this replaces) turns each pattern into a backtracking regular
expression: a pattern of sixteen `*` in one name, against a long file name that does
not match, backtracked for minutes. Here a name is matched by the greedy wildcard
algorithm, which backtracks only to the last `*` seen: at most (pattern length x name
length) steps. Path components are matched the same way, `**` playing the part of `*`.

Git's rules (gitignore(5), wildmatch.c):
- blank lines and `#` lines are skipped; `\\#`, `\\!` and `\\ ` escape; unescaped trailing
  spaces are dropped; `!` re-includes;
- a trailing `/` matches directories only;
- a pattern with a `/` elsewhere is matched against the path relative to the folder of
  its `.gitignore` (a leading `/` only anchors); one without is matched against the name;
- `*` and `?` never match `/`; `[...]` (with `!` or `^` to negate, ranges, `[:class:]`);
  a `[` never closed makes the whole pattern match nothing, as in git;
- `**/` leading, `/**/` inside and `/**` trailing cross folders; any other `**` is `*`;
- a quirk of git: the literal text before a pattern's first wildcard is compared on its
  own, so the rest of `foo**/bar` starts with `**/` and `foobar`, `foo/bar`, `fooz/x/bar`
  all match (pathspec matched none of them);
- the last pattern that matches decides; a deeper `.gitignore` decides before the
  ones above it; nothing inside an ignored folder is re-included (the walk never
  enters one, and `ignored(..., parents=True)` checks the folders of a named file).
"""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Callable, Iterable, List, Optional, Sequence, Tuple

_STAR = object()  # `*` in a name (a sentinel: an escaped `\*` is the character "*")
_DOUBLE = object()  # `**` as a whole path component: any number of folders
_CLASSES: dict = {
    "alnum": str.isalnum, "alpha": str.isalpha, "blank": lambda c: c in " \t",
    "cntrl": lambda c: ord(c) < 32 or ord(c) == 127, "digit": lambda c: "0" <= c <= "9",
    "graph": lambda c: c.isprintable() and not c.isspace(), "lower": str.islower,
    "print": str.isprintable, "punct": lambda c: c.isprintable() and not c.isalnum() and not c.isspace(),
    "space": str.isspace, "upper": str.isupper, "xdigit": lambda c: c in "0123456789abcdefABCDEF",
}


# Read of one .gitignore: every pattern is tried on every path below it, so a file of
# megabytes would make the walk crawl. Real ones are a few kilobytes (GitHub's
# templates are all under 10 KB); past this, the rest of the file is not read.
MAX_BYTES = 256_000


class _Unclosed(Exception):
    """A `[` without its `]`: git's wildmatch then matches nothing."""


# A token of a name pattern: _STAR, a literal character, or a predicate on one character.
Token = object


def _bracket(pattern: str, i: int) -> Tuple[Callable[[str], bool], int]:
    """The character class starting after the `[` at i - 1, and the index after its `]`."""
    negate = i < len(pattern) and pattern[i] in "!^"
    if negate:
        i += 1
    ranges: List[Tuple[str, str]] = []
    tests: List[Callable[[str], bool]] = []
    first = True
    while True:
        if i >= len(pattern):
            raise _Unclosed
        c = pattern[i]
        if c == "]" and not first:
            i += 1
            break
        first = False
        if c == "[" and pattern.startswith("[:", i):
            end = pattern.find(":]", i + 2)
            name = pattern[i + 2:end] if end >= 0 else None
            if name in _CLASSES:
                tests.append(_CLASSES[name])
                i = end + 2
                continue
        if c == "\\" and i + 1 < len(pattern):
            i += 1
            c = pattern[i]
        low = c
        i += 1
        if i + 1 < len(pattern) and pattern[i] == "-" and pattern[i + 1] != "]":
            high = pattern[i + 1]
            i += 2
            if high == "\\" and i < len(pattern):
                high = pattern[i]
                i += 1
            ranges.append((low, high))
        else:
            ranges.append((low, low))

    def test(ch: str) -> bool:
        hit = any(lo <= ch <= hi for lo, hi in ranges) or any(t(ch) for t in tests)
        return hit != negate and ch != "/"

    return test, i


def _tokens(pattern: str) -> List[Token]:
    out: List[Token] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "*":
            if not out or out[-1] is not _STAR:
                out.append(_STAR)
            i += 1
        elif c == "?":
            out.append(_any_but_slash)
            i += 1
        elif c == "[":
            test, i = _bracket(pattern, i + 1)
            out.append(test)
        elif c == "\\" and i + 1 < len(pattern):
            out.append(pattern[i + 1])
            i += 2
        else:
            out.append(c)
            i += 1
    return out


def _any_but_slash(ch: str) -> bool:
    return ch != "/"


def _one(token: Token, ch: str) -> bool:
    return token == ch if isinstance(token, str) else token(ch)  # type: ignore[operator]


def greedy(tokens: Sequence[object], items: Sequence[object], star: object, one: Callable[[object, object], bool]) -> bool:
    """Wildcard matching that backtracks only to the last star: O(len(tokens) * len(items))."""
    p = t = 0
    star_p, star_t = -1, 0
    while t < len(items):
        if p < len(tokens) and tokens[p] is star:
            star_p, star_t = p, t
            p += 1
        elif p < len(tokens) and one(tokens[p], items[t]):
            p += 1
            t += 1
        elif star_p >= 0:
            star_t += 1
            t = star_t
            p = star_p + 1
        else:
            return False
    while p < len(tokens) and tokens[p] is star:
        p += 1
    return p == len(tokens)


class _Name:
    """One path component's pattern."""

    __slots__ = ("text", "tokens", "kind", "least")

    def __init__(self, text: str):
        self.text = text
        self.tokens = _tokens(text)
        self.least = sum(1 for t in self.tokens if t is not _STAR)  # the shortest name it can match
        literal = all(isinstance(t, str) for t in self.tokens)
        if literal:
            self.kind, self.text = "literal", "".join(self.tokens)  # type: ignore[arg-type]
        elif self.tokens and self.tokens[0] is _STAR and all(isinstance(t, str) for t in self.tokens[1:]):
            self.kind, self.text = "suffix", "".join(self.tokens[1:])  # type: ignore[arg-type]
        else:
            self.kind = "glob"

    def match(self, name: str) -> bool:
        if self.kind == "literal":
            return name == self.text
        if self.kind == "suffix":
            return name.endswith(self.text)
        return len(name) >= self.least and greedy(self.tokens, name, _STAR, _one)


def _component(pattern: object, name: object) -> bool:
    return pattern.match(name)  # type: ignore[attr-defined]


class Pattern:
    __slots__ = ("negate", "dir_only", "name", "components")

    def __init__(self, negate: bool, dir_only: bool, name: Optional[_Name], components: Sequence[List[object]] = ()):
        self.negate = negate
        self.dir_only = dir_only
        self.name = name  # matched against the last component, when the pattern has no `/`
        self.components = components  # else: alternatives, each matched against every component

    def match(self, parts: Sequence[str], is_dir: bool) -> bool:
        if self.dir_only and not is_dir:
            return False
        if self.name is not None:
            return self.name.match(parts[-1])
        return any(greedy(alternative, parts, _DOUBLE, _component) for alternative in self.components)


def _whole_stars(piece: str) -> bool:
    return len(piece) >= 2 and piece.strip("*") == ""


def _plain(pieces: Sequence[str]) -> List[object]:
    """Path components of a pattern's pieces, `**` pieces as _DOUBLE."""
    out: List[object] = []
    for i, piece in enumerate(pieces):
        if _whole_stars(piece):
            if i == len(pieces) - 1:
                out.append(_Name("*"))  # a trailing `/**` is everything inside: one folder at least
            if not out or out[-1] is not _DOUBLE:
                out.append(_DOUBLE)
        elif piece:
            out.append(_Name(piece))
    return out


def _after_prefix(prefix: str, rest: Sequence[str]) -> List[List[object]]:
    """git compares the literal text before a pattern's first wildcard on its own, then
    matches the rest as a pattern of its own: `foo**/bar` leaves `**/bar`, whose leading
    `**/` may match nothing at all (`foobar`) or anything then a slash (`foo/x/bar`,
    `fooz/bar`). The alternatives, as components."""
    alternatives = [[_Name(prefix + "*"), _DOUBLE] + _plain(rest)]
    if not rest:
        return alternatives  # `foo**` at the end: the first alternative says it all
    if _whole_stars(rest[0]):
        return alternatives + _after_prefix(prefix, rest[1:])
    return alternatives + [[_Name(prefix + rest[0])] + _plain(rest[1:])]


def parse_line(line: str) -> Optional[Pattern]:
    """One line of a .gitignore; None for blank lines, comments and patterns that match nothing."""
    line = line.rstrip("\n").rstrip("\r")
    end = len(line)
    while end > 0 and line[end - 1] == " " and not (end > 1 and line[end - 2] == "\\"):
        end -= 1
    line = line[:end]
    if not line or line.startswith("#"):
        return None
    negate = line.startswith("!")
    if negate:
        line = line[1:]
    dir_only = line.endswith("/") and not line.endswith("\\/")
    if dir_only:
        line = line.rstrip("/")
    if not line:
        return None
    try:
        if "/" not in line:
            return Pattern(negate, dir_only, _Name(line), None)
        pieces = line.lstrip("/").split("/")
        alternatives = [_plain(pieces)]
        for i, piece in enumerate(pieces):
            stars = len(piece) - len(piece.rstrip("*"))
            if stars >= 2 and not _whole_stars(piece) and not any(c in piece[:-stars] for c in "*?[\\"):
                # The first wildcard of the pattern is a `**` after literal text.
                alternatives = [_plain(pieces[:i]) + a for a in _after_prefix(piece[:-stars], pieces[i + 1:])]
            if any(c in piece for c in "*?[\\"):
                break
        alternatives = [a for a in alternatives if a]
        if not alternatives:
            return None
        return Pattern(negate, dir_only, None, alternatives)
    except _Unclosed:
        return None


class GitIgnore:
    """The patterns of one .gitignore file."""

    def __init__(self, lines: Iterable[str]):
        self.patterns = [p for p in (parse_line(line) for line in lines) if p is not None]

    def decide(self, rel: str, is_dir: bool) -> Optional[bool]:
        """True: ignored, False: re-included by a `!` pattern, None: no pattern matches.
        `rel` is relative to the file's folder, with `/` separators."""
        parts = rel.split("/")
        for pattern in reversed(self.patterns):
            if pattern.match(parts, is_dir):
                return not pattern.negate
        return None

    @classmethod
    def read(cls, path: str) -> Optional["GitIgnore"]:
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_BYTES)
        except OSError:
            return None
        return cls(data.decode("utf-8", "replace").split("\n"))

