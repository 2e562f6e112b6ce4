"""The rule base class and the helpers every rule shares.

A rule's docstring is its documentation, in ruff's order: What it does, Why is this
bad?, Example, Use instead, Options. `fires` and `silent` are its proof: one generic
test runs every example through the real engine. An example is a Python source, or a
dict of file names to contents for a project of several files. A rule's `examples()`
builds both lists, on the first read of `fires` or `silent` (tests, never a lint run).
"""
from __future__ import annotations

from dataclasses import dataclass, field
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, Union
from claude_lint.records import frozen  # what @dataclass(frozen=True) makes, without dataclasses' per-class work at each start

from claude_lint.catalog import Catalog, Model
from claude_lint.diagnostics import Diagnostic, Fix
from claude_lint.facts import FileError, Loc, Text
from claude_lint.link import Call

if TYPE_CHECKING:
    Example = Union[str, Dict[str, str]]


@frozen
class Invalid:
    """A `fires` example that also says what its finding must be (Fixit's `Invalid`):
    a fragment of the message (the money, the keyword it names), the row, and the text
    after the finding's fix (`expected_replacement`). What is left empty is not checked."""

    code: Example
    message: str = ""
    row: int = 0  # 1-based row of the finding
    expected_replacement: Optional[str] = None  # the file's text once the fix is applied
    path: str = "example.py"  # the file the finding is in, for a project example


def example_source(example: Union[Example, Invalid]) -> Example:
    """The source (or the project) of an example, stated or not."""
    return example.code if isinstance(example, Invalid) else example


@dataclass(frozen=True)
class Context:
    """What a rule reads besides the calls: the catalogue, its options, packages and in-memory sources."""
    catalog: Catalog
    options: Dict[str, object]
    # The package (nearest pyproject.toml / setup.py) a file belongs to: project-wide rules judge each package.
    package_of: Callable[[str], str] = field(default=lambda path: "")
    # The text of files linted from memory (standard input, an editor's buffer), by
    # absolute path: fix builders read it instead of the file on disk.
    sources: Mapping[str, str] = field(default_factory=dict)
    # Whether the project around a file allows only versions of an SDK older than a release
    # (its lock file or requirements say so): some SDK behaviour a rule states is that recent.
    sdk_below: Callable[[str, str, tuple], bool] = field(default=lambda path, package, release: False)

    def option(self, name: str):
        return self.options[name]

    def model(self, call: Call) -> Optional[Model]:
        model_id = call.model_id()
        return self.catalog.lookup(model_id) if model_id else None

    def default_model(self, call: Call) -> Optional[Model]:
        """The model a request sends by default (`os.getenv("MODEL", "claude-...")`), when the
        run may choose another: what holds for it holds unless the run overrides it."""
        written, at = call.written("model")
        if at is None or not isinstance(written, Text) or not written.is_folded or written.dynamic_parts:
            return None
        return self.catalog.lookup(written.literal)


class _Examples:
    """`fires` or `silent`: what the rule class's `examples()` returns, built at the first
    read. A lint run never reads them; built at import, they were a tenth of the
    instructions of a one-file run (the long prompts the cache rules need, notebooks
    written as JSON)."""

    def __set_name__(self, owner, name: str) -> None:
        self.index = ("fires", "silent").index(name)

    def __get__(self, rule, cls) -> Sequence:
        built = _built.get(cls)
        if built is None:
            built = _built[cls] = tuple(cls.examples())
        return built[self.index]


_built: Dict[type, tuple] = {}


class Rule:
    code = ""
    name = ""
    summary = ""
    severity = "warning"
    options: Dict[str, object] = {}
    fires: Sequence[Union[Example, Invalid]] = _Examples()  # type: ignore[assignment]
    silent: Sequence[Example] = _Examples()  # type: ignore[assignment]
    # A preview rule is off by default: `--select ALL` or its own code turns it on. A rule
    # ships as preview while its precision on the real-world corpus is below 0.90, or has
    # too few findings there to be judged; `preview_reason` says which.
    preview = False
    preview_reason = ""

    @staticmethod
    def examples() -> Tuple[Sequence[Union[Example, Invalid]], Sequence[Example]]:
        """(fires, silent): examples that must fire, and must stay silent, through the real engine."""
        return (), ()

    def check_call(self, call: Call, ctx: Context) -> Iterator[Diagnostic]:
        return iter(())

    def check_project(self, calls: List[Call], ctx: Context) -> Iterator[Diagnostic]:
        return iter(())

    def diagnostic(self, loc: Loc, message: str, *, severity: Optional[str] = None, cost: Optional[float] = None, fix: Optional[Fix] = None,
                   related: Tuple[Loc, ...] = ()) -> Diagnostic:
        return Diagnostic(self.code, self.name, message, loc, severity or self.severity, fix, cost, related)


class FileRule(Rule):
    """CL9xx: a file that could not be read or parsed. Reported by the engine, not by checks."""

    def from_error(self, error: FileError) -> Diagnostic:
        return Diagnostic(error.code, self.name, error.message, error.loc, "error")


def money(usd: float) -> str:
    if usd >= 100:
        return f"${usd:,.0f}"
    if usd >= 0.01:
        return f"${usd:,.2f}"
    return f"${usd:.4f}"


def per_mtok(price: Optional[float]) -> str:
    return "?" if price is None else f"${price:g}/MTok"


def tokens(n: int) -> str:
    return f"{n:,}"
