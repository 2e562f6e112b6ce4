"""Resolving a value across the project: constants of other modules, prompt files read
at run time, function defaults, `**spread` merges and string transforms (dedent, strip,
format, Jinja), each within the run's bounds. A mixin of `link.Project`, which holds the
caches it reads and fills. Confined to the project root: a prompt path outside it is not read."""
from __future__ import annotations

import inspect
import os
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING: from typing import Callable, Dict, Iterator, List, Optional, Tuple  # noqa: E701 (one line: this module is at the line limit)
from claude_lint.bounds import MAX_RUN_CHARS, MAX_TEXT_CHARS, MAX_VALUE_NODES, TOO_LARGE
from claude_lint.extract import config_values, defaults, loaded_files, marked_copies, model_guards, return_options, value_files
from claude_lint.facts import Dynamic, FileRead, Lit, Loc, Mapping, OneOf, Param, Ref, Seq, Text, Transform, Unknown
from claude_lint import module_case
from claude_lint.kinds import display
from claude_lint.patterns import lazy

MAX_DEPTH = 30
MAX_MERGED = 8  # dicts a `**spread` may be one of, merged key by key
MAX_PROMPT_BYTES = MAX_TEXT_CHARS  # a prompt file is one value's text
# Jinja expressions, statements and comments: (opener, closer), found by `_jinja_tags`.
_JINJA = (("{{", "}}"), ("{%", "%}"), ("{#", "#}"))
_FORMAT_FIELD = lazy(r"(?<!\{)\{[^{}]*\}(?!\})")  # `[^{}]*` stops at the next brace: linear
_PLACEHOLDER_BASE = 0xF0000  # supplementary private use area: never in real prompts
_PLACEHOLDERS = 0x110000 - _PLACEHOLDER_BASE  # chr() ends at U+10FFFF


def _overridable(value: object) -> OneOf:
    options = value.options if isinstance(value, OneOf) else () if isinstance(value, Unknown) else (value,)
    return OneOf("may be overridden by **spread", getattr(value, "loc", None), options)


class ValueResolver:
    """`Project.resolve` and what it needs: module files, prompt files, transforms."""

    def resolve(self, value: object, depth: int = 0) -> object:
        choice = isinstance(value, OneOf) and bool(value.options) and depth <= MAX_DEPTH
        if not choice and (isinstance(value, (Lit, Dynamic, Unknown)) or value is None):
            return value
        # Resolved once each, a OneOf too: options shared by several (a value others copy) would be resolved once per path.
        found = self._resolved.get(id(value))
        if found is not None and found[0] is value:
            return found[1]
        if choice:
            result: object = OneOf(value.why, value.loc, tuple(self.resolve(o, depth + 1) for o in value.options), default=value.default)
        elif depth > MAX_DEPTH:
            return Unknown("too deep")
        else:
            result = self._resolve_value(value, depth)
            if self.sizes.too_large(result):
                result = Unknown(TOO_LARGE, getattr(value, "loc", None))
        self._resolved[id(value)] = (value, result)
        return result

    def _resolve_value(self, value: object, depth: int) -> object:
        if isinstance(value, Text):
            return self._text(value, depth)
        if isinstance(value, Seq):
            return Seq(tuple(self.resolve(i, depth + 1) for i in value.items), value.loc)
        if isinstance(value, Mapping):
            return self._mapping(value, depth)
        if isinstance(value, Ref):
            return self._ref(value, depth)
        if isinstance(value, FileRead):
            return self._file(value)
        if isinstance(value, Param):
            if value.default is None:
                return Unknown(f"parameter {value.name} has no default", value.loc)
            return self.resolve(value.default, depth + 1)
        if isinstance(value, Transform):
            return self._transform(value, depth)
        return Unknown("unsupported value")

    def _text(self, value: Text, depth: int) -> object:
        if value.is_folded:
            return value
        parts: List[object] = []
        chars = 0
        for part in value.parts:
            if isinstance(part, (str, Dynamic)):
                parts.append(part)
                continue
            resolved = self.resolve(part, depth + 1)
            if isinstance(resolved, Text):
                parts.extend(resolved.parts)
                chars += self.sizes.of(resolved)[1]
            elif isinstance(resolved, Lit):
                parts.append(str(resolved.value))
            elif not (isinstance(part, Transform) and part.op == return_options.OPTION_OP):  # (one of a helper's returns: its run-time parts only)
                parts.append(Dynamic(_source_of(part), getattr(part, "loc", None)))
            parts.extend(p for o in (resolved.options if isinstance(resolved, OneOf) and return_options.RETURNS.match(resolved.why) else ())[:MAX_MERGED] if isinstance(o, Text) for p in o.dynamic_parts)  # a helper's returns: what the run writes in each
            # Stop as soon as it is too large: many parts that are each a large prompt.
            if len(parts) > MAX_VALUE_NODES or chars > MAX_TEXT_CHARS:
                return Unknown(TOO_LARGE, value.loc)
        return Text(tuple(parts), value.loc)

    def _mapping(self, value: Mapping, depth: int, keywords_final: bool = False) -> Mapping:
        entries: Dict[str, object] = {}
        final = {k for k, _ in value.entries if k is not None} if keywords_final else set()
        is_open = value.open
        for key, item in value.entries:
            if key is not None:
                entries[key] = self.resolve(item, depth + 1)
                continue
            spread = _merged(self.resolve(item, depth + 1))
            if isinstance(spread, Mapping):
                entries.update((k, v) for k, v in spread.entries if k not in final)
                is_open = is_open or spread.open
            else:
                # Keys written before an unknown spread may be overridden by it: the written
                # value, or another (a OneOf: unknown to every rule but one judging each value).
                entries = {k: v if k in final else _overridable(v) for k, v in entries.items()}
                is_open = True
        return Mapping(tuple(entries.items()), value.loc, is_open)

    def _ref(self, ref: Ref, depth: int) -> object:
        path = self.module_path(ref.module, ref.from_path)
        if path is None and "." in ref.module.strip("."):
            # `from config import Config` then `Config.MODEL`: an attribute of a class of that module
            module, _, klass = ref.module.rpartition(".")
            if self.module_path(module, ref.from_path) is not None:
                return self._ref(Ref(module, f"{klass}.{ref.name}", ref.from_path, ref.loc), depth + 1)
        if path is None:
            return Unknown(f"module {ref.module} is not in the project", ref.loc)
        key = (path, ref.name)
        if key in self._memo:
            return self._memo[key]
        if key in self._active:
            return Unknown("circular import", ref.loc)
        self._active.add(key)
        try:
            facts = self.facts(path)
            result: object = Unknown(f"{ref.module}.{ref.name} is not a constant", ref.loc)
            if facts is not None and not facts.errors:
                found = facts.constant(ref.name)
                stem, dot, field = ref.name.partition(".")  # `settings.model` of a settings object re-exported too
                called = "()" if stem.endswith("()") else ""  # a function re-exported by a package's __init__
                target = facts.imported(stem[: len(stem) - len(called)])
                if found is not None:  # one of several when another module sets it (link_overrides)
                    result = self.set_elsewhere(path, ref.name, self.resolve(found, depth + 1), ref.loc)
                elif target is not None and "." in target.strip("."):
                    module, _, name = target.rpartition(".")
                    result = self.resolve(Ref(module, name + called + dot + field, facts.abspath, ref.loc), depth + 1)
                elif dot and isinstance(made := facts.constant(stem + "()"), Ref):  # a factory's instance: its class's method
                    result = self.resolve(Ref(made.module, f"{made.name}.{field}", made.from_path, ref.loc), depth + 1)
        finally:
            self._active.discard(key)
        self._memo[key] = result
        return result

    def module_path(self, module: str, from_path: str) -> Optional[str]:
        """The file of a dotted module name, searched from the importing file and the root."""
        key = (module, os.path.dirname(from_path))
        if key not in self._modules:
            self._modules[key] = self._module_path(module, from_path)
        return self._modules[key]

    def _module_path(self, module: str, from_path: str) -> Optional[str]:
        dots = len(module) - len(module.lstrip("."))
        rest = module[dots:].split(".") if module[dots:] else []
        if dots:
            base = os.path.dirname(from_path)
            for _ in range(dots - 1):
                base = os.path.dirname(base)
            bases = [base]
        else:
            bases = [self.root, os.path.join(self.root, "src")]
            d = os.path.dirname(from_path)
            while self.inside(d):
                bases.append(d)
                if self._real(d) == self.root:
                    break
                d = os.path.dirname(d)
            # a source root above the folder linted (`pkg.sub.utils` from src/pkg/sub/chat.py
            # when src/pkg/sub is linted): its file is still one of ours
            for _ in range(len(rest) - 1):
                d = os.path.dirname(d)
                bases.append(d)
        for base in bases:
            stem = os.path.join(base, *rest) if rest else base
            for candidate in (stem + ".py", os.path.join(stem, "__init__.py")):
                if os.path.isfile(candidate) and self.inside(candidate):
                    return candidate
        return module_case.unique_file(bases, rest, self.inside, self.__dict__.setdefault("_listed", {}))

    def package_dir(self, package: str, from_path: str) -> Optional[str]:
        """The folder of a package named by `importlib.resources` or a Jinja PackageLoader."""
        found = self.module_path(package, from_path)
        if found is not None:
            return os.path.dirname(found)
        for base in (self.root, os.path.join(self.root, "src")):
            folder = os.path.join(base, *package.split("."))
            if os.path.isdir(folder) and self.inside(folder):
                return folder  # a namespace package
        return None

    def _file(self, read: FileRead) -> object:
        candidates = []
        if read.anchor == "file":
            path = read.from_path
            for seg in read.segments:
                if seg == "<file>":
                    path = read.from_path
                elif seg == "..":
                    path = os.path.dirname(path)
                elif seg not in ("", "."):
                    path = os.path.join(path, seg)
            candidates.append(path)
        elif read.anchor == "package":
            folder = self.package_dir(read.segments[0], read.from_path) if read.segments else None
            if folder is None:
                return Unknown(f"package {read.segments[0] if read.segments else ''} is not in the project", read.loc)
            candidates.append(os.path.join(folder, *[s for s in read.segments[1:] if s not in ("", ".")]))
        else:
            rel = os.path.join(*read.segments) if read.segments else ""
            if os.path.isabs(rel):
                candidates.append(rel)
            else:
                candidates += [os.path.join(os.path.dirname(read.from_path), rel), os.path.join(os.getcwd(), rel), os.path.join(self.root, rel)]
        for candidate in candidates:
            real = self._real(candidate)
            if real in self._files:
                return self._files[real]
            if not os.path.isfile(real):
                continue
            if not self.inside(real):
                self.reads[real] = "outside the project root"
                return Unknown(f"{candidate} is outside the project root", read.loc)
            try:
                if os.path.getsize(real) > MAX_PROMPT_BYTES:
                    self.reads[real] = "too large"
                    return Unknown(f"{candidate} is too large to read", read.loc)
                with open(real, encoding="utf-8") as fh:
                    content = fh.read()
            except (OSError, UnicodeDecodeError) as exc:
                self.reads[real] = str(exc)
                return Unknown(f"cannot read {candidate}", read.loc)
            if not self._spend(len(content)):
                self.reads[real] = "too much prompt text in this run"
                return Unknown(TOO_LARGE, read.loc)
            self.reads[real] = ""
            rows = content.count("\n") + 1
            self._files[real] = Text((content,), Loc(display(real), 1, 1, rows, 1))
            return self._files[real]
        return Unknown("prompt file not found", read.loc)

    def _transform(self, value: Transform, depth: int) -> object:
        if value.op == return_options.OPTION_OP:  # one of a helper's returns, in a text: its run-time parts (`_text` reads a OneOf's)
            return Text(inner.dynamic_parts, value.loc) if isinstance(inner := self.resolve(value.inner, depth + 1), Text) else inner if isinstance(inner, OneOf) else Text((), value.loc)
        if value.op.startswith(marked_copies.COPY_OP):  # an inherited helper of another module (link_overrides)
            return self.inherited_copy(value, depth)
        inner = self.resolve(value.inner, depth + 1)
        if value.op.startswith(loaded_files.LOAD_OP): return loaded_files.parsed(value, inner, self.__dict__.setdefault("_loaded", {}))  # noqa: E701 (one line: at the line limit)
        if value.op.startswith("getitem:") or value.op == config_values.ANY_ITEM:  # an item of a table: the one its key names, or any
            return config_values.table_item(value.op, inner, value.loc)
        if value.op.startswith(config_values.INI_OPTION):
            found = self.__dict__.setdefault("_ini", {})  # a file's option read in many places is looked up once
            key = (getattr(inner, "loc", None), value.op)
            if key not in found:
                found[key] = _ini_option(value, inner)
            return found[key]
        if value.op.startswith(marked_copies.MARK_OP):
            found = marked_copies.marked(inner, value.op[len(marked_copies.MARK_OP):], value.loc)
            return Unknown("a marked copy of an unknown list", value.loc) if found is None else found
        if value.op.startswith(value_files.READ_OP):
            return self._read_passed(value, inner)
        found = model_guards.settled(value, inner, lambda v: self.resolve(v, depth + 1))  # a spread list, a set for some models
        if found is not None:
            return found
        if value.op == defaults.INT_OP:
            converted = defaults.as_int(inner, value.loc)
            return converted if isinstance(converted, Lit) else Unknown("int() of an unknown value", value.loc)
        if not isinstance(inner, Text):
            return Unknown(f"{value.op} of an unknown value", value.loc)
        try:
            text, dynamics = _with_placeholders(inner)
            if not self._spend(len(text)):
                return Unknown(TOO_LARGE, value.loc)
            if value.op == "dedent":
                import textwrap  # here: its patterns compile at import, and most runs dedent nothing

                text = textwrap.dedent(text)
            elif value.op == "cleandoc":
                text = inspect.cleandoc(text)
            elif value.op in ("strip", "lstrip", "rstrip"):
                text = getattr(text, value.op)()
            elif value.op == "jinja":
                text = _sub_spans(text, _jinja_tags(text), lambda tag: "" if tag.startswith("{#") else _placeholder(len(dynamics), dynamics, Dynamic(tag)))
            elif value.op == "format":
                fields = dict(value.fields)
                # A field a keyword fills is that keyword's value (still run-time text: its
                # source and place); any other stays the field itself.
                filled = {name: self._field(field, depth) for name, field in fields.items()}
                text = _FORMAT_FIELD.sub(lambda m: _filled(filled.get(m.group(0)[1:-1].strip()), m.group(0), dynamics), text)
                text = text.replace("{{", "{").replace("}}", "}")
        except _OutOfPlaceholders:
            return Unknown(TOO_LARGE, value.loc)
        return Text(_from_placeholders(text, dynamics), inner.loc)

    def _read_passed(self, value: Transform, path: object) -> object:
        """A helper's read of the file its caller names: a written path, or the written default of a run-time option."""
        path = path.options[-1] if isinstance(path, OneOf) and path.default and path.options else path
        if not (isinstance(path, Text) and path.is_folded and not path.dynamic_parts and path.literal):
            return Unknown("read of a file not known statically", value.loc)
        return self._file(FileRead(tuple(path.literal.split("/")), "cwd", value.op[len(value_files.READ_OP):], value.loc))

    def _field(self, field: object, depth: int) -> object:
        """A `.format` field's value: run-time text (a Dynamic) as it is, a text that read the
        function's parameters with the call's arguments in their place."""
        if isinstance(field, Dynamic):
            return field
        resolved = self.resolve(field, depth + 1)
        return str(resolved.value) if isinstance(resolved, Lit) else resolved

    def _spend(self, chars: int) -> bool:
        """Count characters about to be created; False once the run's budget is spent."""
        self.spent += chars
        return self.spent <= MAX_RUN_CHARS


def _ini_option(value: Transform, inner: object) -> object:
    """An option of an INI file the code reads with configparser, where it is written there."""
    section, _, option = value.op[len(config_values.INI_OPTION):].partition(config_values.INI_SEPARATOR)
    if not isinstance(inner, Text) or not inner.is_folded or inner.loc is None:
        return Unknown("INI file not read", value.loc)
    found = config_values.ini_value(inner.literal, section, option)
    if found is None:
        return Unknown(f"{section}.{option} is not in {inner.loc.path}", value.loc)
    row, col, text = found
    return Text((text,), Loc(inner.loc.path, row, col, row, col + len(text)))


def _merged(spread: object) -> object:
    """A `**kwargs` whose dict is one of several written dicts (`kwargs = {...}` bound in two
    branches): one dict whose every key holds what any of them gives it, a OneOf where they
    differ or where some dict lacks the key (so the key may be absent: unknown to the rules)."""
    if not isinstance(spread, OneOf) or not 1 < len(spread.options) <= MAX_MERGED or not all(isinstance(o, Mapping) for o in spread.options):
        return spread
    keys: Dict[str, List[object]] = {}
    for option in spread.options:
        for key, item in option.entries:
            if key is None:
                return spread
            keys.setdefault(key, []).append(item)
    entries = []
    for key, items in keys.items():
        whole = len(items) == len(spread.options)
        same = whole and all(_same(i, items[0]) for i in items[1:])
        entries.append((key, items[0] if same else OneOf(f"{key} differs between the dicts spread", spread.loc, tuple(items))))
    return Mapping(tuple(entries), spread.loc, any(o.open for o in spread.options))


def _same(a: object, b: object) -> bool:
    """The same value written twice (`"max_tokens": 4096` in both branches): equal but for where."""
    if isinstance(a, (Lit, Text)) and type(a) is type(b):
        return (a.value if isinstance(a, Lit) else a.parts) == (b.value if isinstance(b, Lit) else b.parts)
    return a == b


def _source_of(part: object) -> str:
    """A short description of an unresolved text part, for messages."""
    if isinstance(part, Param):
        return part.name
    if isinstance(part, Ref):
        return f"{part.module}.{part.name}"
    if isinstance(part, FileRead):
        return "/".join(part.segments)
    if isinstance(part, Transform):
        return f"{_source_of(part.inner)}.{part.op}()"
    return type(part).__name__


class _OutOfPlaceholders(Exception):
    """More run-time parts than placeholder characters (131,072)."""


def _filled(field: object, written: str, dynamics: list) -> str:
    """What stands in the text for a `{field}`: its text, run-time parts as placeholders."""
    if isinstance(field, str):
        return field
    if isinstance(field, Text):
        return "".join(p if isinstance(p, str) else _placeholder(len(dynamics), dynamics, p) for p in field.parts)
    return _placeholder(len(dynamics), dynamics, field if isinstance(field, Dynamic) else Dynamic(written))


def _placeholder(index: int, dynamics: list, part: Dynamic) -> str:
    if index >= _PLACEHOLDERS:
        raise _OutOfPlaceholders
    dynamics.append(part)
    return chr(_PLACEHOLDER_BASE + index)


def _jinja_tags(text: str) -> Iterator[Tuple[int, int]]:
    """(start, end) of each Jinja tag, as the regex `\\{\\{.*?\\}\\}|\\{%.*?%\\}|\\{#.*?#\\}`
    (DOTALL) finds them, in linear time. The regex, at each opener whose closer never
    comes, scans to the end of the text: 500,000 unclosed `{{` took hours. Here an opener
    without a closer after it rules out every later one of its kind."""
    closers = dict(_JINJA)
    ahead = {opener: text.find(opener) for opener in closers}  # next position of each opener
    pos = 0
    while True:
        for opener in closers:
            if 0 <= ahead[opener] < pos:
                ahead[opener] = text.find(opener, pos)
        found = [(at, opener) for opener, at in ahead.items() if opener in closers and at >= 0]
        if not found:
            return
        start, opener = min(found)
        end = text.find(closers[opener], start + 2)
        if end < 0:
            del closers[opener]  # the openers are told apart by their second character: none other starts here
            continue
        yield start, end + 2
        pos = end + 2


def _sub_spans(text: str, spans, replace: Callable[[str], str]) -> str:
    pieces = []
    last = 0
    for start, end in spans:
        pieces.append(text[last:start])
        pieces.append(replace(text[start:end]))
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def _with_placeholders(text: Text):
    dynamics: List[Dynamic] = []
    pieces = []
    for part in text.parts:
        pieces.append(part if isinstance(part, str) else _placeholder(len(dynamics), dynamics, part))
    return "".join(pieces), dynamics


def _from_placeholders(text: str, dynamics: List[Dynamic]) -> Tuple[object, ...]:
    parts: List[object] = []
    buf = []
    for ch in text:
        i = ord(ch) - _PLACEHOLDER_BASE
        if 0 <= i < len(dynamics):
            if buf:
                parts.append("".join(buf))
                buf = []
            parts.append(dynamics[i])
        else:
            buf.append(ch)
    if buf:
        parts.append("".join(buf))
    return tuple(parts)
