"""Settings: `[tool.claude-lint]` in the nearest pyproject.toml (or claude-lint.toml),
merged with the command line into one frozen Settings. A bad key or value is a
ConfigError naming it, never a traceback."""
from __future__ import annotations

import os
from stat import S_ISREG
TYPE_CHECKING = False  # typing (a tenth of a replayed warm run, run_cache) is for the annotations alone
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Tuple

from claude_lint.records import frozen, replaced as replace

CONFIG_FILES = ("claude-lint.toml", ".claude-lint.toml", "pyproject.toml")
ROOT_MARKERS = (".git", "pyproject.toml", "setup.py", "setup.cfg", "claude-lint.toml", ".claude-lint.toml")
# A folder's files whose contents (not only their presence) decide what a walk finds or which
# settings govern it: whoever compares stamps of a walk (the language server, the run cache)
# must see them rewritten.
WATCHED_FILES = (".gitignore",) + CONFIG_FILES

DEFAULT_EXCLUDE = (
    ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".ipynb_checkpoints", ".mypy_cache", ".nox", ".pants.d", ".pyenv", ".pytest_cache",
    ".pytype", ".ruff_cache", ".svn", ".tox", ".venv", ".vscode", "__pypackages__", "_build", "buck-out", "build", "dist", "node_modules", "site-packages", "venv", ".claude-lint-cache",
)


class ConfigError(Exception):
    pass


@frozen
class Settings:
    """A run's settings, from the configuration file and the command line."""
    root: str
    config_path: Optional[str] = None
    select: Tuple[str, ...] = ("CL",)
    ignore: Tuple[str, ...] = ()
    extend_select: Tuple[str, ...] = ()
    per_file_ignores: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()
    exclude: Tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: Tuple[str, ...] = ()
    respect_gitignore: bool = True
    force_exclude: bool = False
    rule_options: Tuple[Tuple[str, Tuple[Tuple[str, object], ...]], ...] = ()
    models: Tuple[Dict, ...] = ()
    models_file: Optional[str] = None  # absolute path of the user's price file
    prompt_files: Tuple[str, ...] = ()
    cache_dir: Optional[str] = None  # default: .claude-lint-cache at the root
    no_cache: bool = False
    fail_on_increase: Optional[str] = None  # `report --diff-base` budget: "10%" or USD
    usage_routes: Tuple[Tuple[str, str], ...] = ()  # `report --usage`: recorded route -> call site
    # The command line's own choices, kept to be applied again over a nested config.
    cli: Tuple[Tuple[str, object], ...] = ()
    # False with --config: one file governs every path (as ruff's --config does).
    hierarchical: bool = True

    def options_for(self, code: str) -> Dict[str, object]:
        for c, opts in self.rule_options:
            if c == code:
                return dict(opts)
        return {}


# key in the file -> (field, kind)
KEYS = {
    "select": ("select", "codes"),
    "ignore": ("ignore", "codes"),
    "extend-select": ("extend_select", "codes"),
    "per-file-ignores": ("per_file_ignores", "per-file"),
    "exclude": ("exclude", "strings"),
    "extend-exclude": ("extend_exclude", "strings"),
    "respect-gitignore": ("respect_gitignore", "bool"),
    "force-exclude": ("force_exclude", "bool"),
    "models": ("models", "models"),
    "models-file": ("models_file", "models-file"),
    "prompt-files": ("prompt_files", "strings"),
    "cache-dir": ("cache_dir", "string"),
    "fail-on-increase": ("fail_on_increase", "budget"),
    "usage-routes": ("usage_routes", "routes"),
}


def find_root(start: str) -> str:
    """The nearest folder above `start` holding a project marker; `start` itself if none."""
    here = os.path.abspath(start)
    if os.path.isfile(here):
        here = os.path.dirname(here)
    probe = here
    while True:
        if any(os.path.exists(os.path.join(probe, m)) for m in ROOT_MARKERS):
            return probe
        parent = os.path.dirname(probe)
        if parent == probe:
            return here
        probe = parent


PACKAGE_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg")


def package_root(path: str, root: str, memo: Dict[str, str]) -> str:
    """The nearest folder at or above `path` (and inside `root`) that holds a package
    marker: in a monorepo each package routes its own models."""
    folder = os.path.dirname(os.path.abspath(path))
    root = os.path.abspath(root)
    seen = []
    found = root
    while folder.startswith(root) and folder not in memo:
        seen.append(folder)
        if any(os.path.isfile(os.path.join(folder, m)) for m in PACKAGE_MARKERS):
            found = folder
            break
        if folder == root:
            break
        folder = os.path.dirname(folder)
    else:
        found = memo.get(folder, root)
    for f in seen:
        memo[f] = found
    return found


def find_config(start: str) -> Optional[str]:
    here = os.path.abspath(start)
    if os.path.isfile(here):
        here = os.path.dirname(here)
    while True:
        path = _config_in(here)
        if path is not None:
            return path
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def _config_in(folder: str, names: Optional[List[str]] = None) -> Optional[str]:
    """The config file of this very folder, if any: os.path.isfile of each name (of those the walk's listing
    of it holds, `names`, when known), by one stat each (a warm run asks it of every folder, through `governing`)."""
    at = folder if folder.endswith(os.sep) else folder + os.sep
    for name in CONFIG_FILES if names is None else (n for n in CONFIG_FILES if n in names):
        path = at + name
        try:
            mode = os.stat(path).st_mode
        except (OSError, ValueError):
            continue
        if S_ISREG(mode) and (name != "pyproject.toml" or _has_section(path)):
            return path
    return None


MAX_CONFIG_BYTES = 5_000_000


def _has_section(path: str) -> bool:
    from claude_lint import safeio

    try:
        return safeio.read_regular(path, MAX_CONFIG_BYTES).find(b"claude-lint") >= 0
    except OSError:
        return False


def load(start: str, explicit: Optional[str] = None) -> Settings:
    path = explicit or find_config(start)
    if explicit is not None and not os.path.isfile(explicit):
        raise ConfigError(f"config file not found: {explicit}")
    if path is None:
        return Settings(root=find_root(start))
    settings = load_file(path)
    return replace(settings, hierarchical=False) if explicit is not None else settings


def load_file(path: str) -> Settings:
    """The settings of one config file, its folder being the project root."""
    from claude_lint import config_cache, safeio

    try:  # (tomllib, kept by the file's bytes: config_cache)
        data = config_cache.parsed(safeio.read_regular(path, MAX_CONFIG_BYTES))
    except (OSError, config_cache.decode_error(), UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config: {exc}") from exc
    except (RecursionError, MemoryError, ValueError) as exc:
        # tomllib recurses per nesting level and converts integers with int(): a 500-deep
        # array, or a 5,000-digit number, anywhere in the file gets here.
        raise ConfigError(f"{path}: cannot read config: {_too_big(exc)}") from None
    tool = data.get("tool", {})
    tool = tool if isinstance(tool, dict) else {}
    if os.path.basename(path) == "pyproject.toml":
        table = tool.get("claude-lint", {})
    else:
        table = tool.get("claude-lint", data)
    settings = Settings(root=os.path.dirname(os.path.abspath(path)), config_path=path)
    return apply_table(settings, table, path)


def _too_big(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    if isinstance(exc, MemoryError):
        return "too large"
    return str(exc).split(";")[0]  # int(): "Exceeds the limit (4300 digits) for integer string conversion"


def apply_table(settings: Settings, table: dict, where: str) -> Settings:
    from claude_lint.checks import RULES, by_code

    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [tool.claude-lint] must be a table")
    changes: Dict[str, object] = {}
    options: Dict[str, Dict[str, object]] = {}
    for key, value in table.items():
        if key.upper() in RULES and isinstance(value, dict):
            options[key.upper()] = _rule_options(by_code([key.upper()])[key.upper()], value, where)
            continue
        if key not in KEYS:
            raise ConfigError(f"{where}: unknown key `{key}` in [tool.claude-lint]")
        name, kind = KEYS[key]
        changes[name] = _typed(key, value, kind, where)
    if options:
        changes["rule_options"] = tuple((code, tuple(opts.items())) for code, opts in sorted(options.items()))
    if "cache_dir" in changes:
        _inside_project(str(changes["cache_dir"]), settings.root, where)
    return replace(settings, **changes)


def _inside_project(cache_dir: str, root: str, where: str) -> None:
    """A repository's config may only put the cache inside the repository: a cloned
    project must not make `check` write elsewhere (`--cache-dir` on the command line is
    the user's own choice and may point anywhere)."""
    rel = os.path.normpath(cache_dir)
    if os.path.isabs(cache_dir) or os.path.splitdrive(cache_dir)[0] or rel == os.curdir or rel == os.pardir or rel.startswith(os.pardir + os.sep):
        raise ConfigError(
            f"{where}: `cache-dir` must be a folder inside the project ({root}), got {_short(cache_dir)}; "
            "pass --cache-dir on the command line for a folder elsewhere"
        )


def _rule_options(rule, value: dict, where: str) -> Dict[str, object]:
    out = {}
    for name, v in value.items():
        if name not in rule.options:
            known = ", ".join(rule.options) or "none"
            raise ConfigError(f"{where}: unknown option `{name}` for {rule.code} (known: {known})")
        default = rule.options[name]
        if isinstance(default, float) and type(v) is int and abs(v) <= MAX_OPTION_FLOAT:
            v = float(v)  # `seconds = 30` for a float option
        if isinstance(default, str):
            choices = getattr(rule, "option_choices", {}).get(name, ())
            if type(v) is not str or (choices and v not in choices):
                raise ConfigError(f"{where}: `{rule.code}.{name}` must be one of {', '.join(map(repr, choices))}, got {_short(v)}")
            out[name] = v
            continue
        if type(v) is not type(default) or (isinstance(v, (int, float)) and v < 0):
            raise ConfigError(f"{where}: `{rule.code}.{name}` must be a non-negative {type(default).__name__}, got {_short(v)}")
        bound = MAX_OPTION_FLOAT if isinstance(v, float) else MAX_OPTION_INT
        if not v <= bound:  # also NaN; `seconds = inf` stopped the time limit's watchdog
            raise ConfigError(f"{where}: `{rule.code}.{name}` must be at most {bound:,}, got {_short(v)}")
        out[name] = v
    return out


# Bounds on a rule option: token counts and seconds far beyond any real use, small enough
# for float arithmetic and for a thread's wait (Windows allows about 4.3e6 s).
MAX_OPTION_INT = 10 ** 9
MAX_OPTION_FLOAT = 1e6


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:40] + f"... ({len(text)} characters)"


def _typed(key: str, value, kind: str, where: str):
    if kind == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: `{key}` must be true or false, got {value!r}")
        return value
    if kind == "string":
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{where}: `{key}` must be a non-empty string, got {value!r}")
        return value
    if kind in ("strings", "codes"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: `{key}` must be a list of strings")
        if kind == "codes":
            return tuple(check_selectors(value, key, where))
        return tuple(value)
    if kind == "per-file":
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: `{key}` must be a table of glob = [codes]")
        out = []
        for glob, codes in value.items():
            if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
                raise ConfigError(f"{where}: `{key}.{glob}` must be a list of codes")
            out.append((glob, tuple(check_selectors(codes, f"{key}.{glob}", where))))
        return tuple(out)
    if kind == "models":
        from claude_lint.catalog import CatalogError, load as load_catalog

        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise ConfigError(f"{where}: `{key}` must be an array of tables ([[tool.claude-lint.models]])")
        try:
            load_catalog().with_extra(value)
        except CatalogError as exc:
            raise ConfigError(f"{where}: `{key}`: {exc}") from exc
        return tuple(value)
    if kind == "models-file":
        return _models_file(key, value, where)
    if kind == "budget":
        from claude_lint.budget import parse_budget

        try:
            return parse_budget(value).text
        except ValueError as exc:
            raise ConfigError(f"{where}: `{key}`: {exc}") from None
    if kind == "routes":
        if not isinstance(value, dict) or not all(isinstance(v, str) and v.strip() for v in value.values()):
            raise ConfigError(f"{where}: `{key}` must be a table of recorded route = \"file:function\" (or \"file:line\", or a function name)")
        return tuple((str(k), v.strip()) for k, v in value.items())
    raise AssertionError(kind)


def _models_file(key: str, value, where: str) -> str:
    """The price file's absolute path: relative to the config file, inside the project
    (after symlinks), read and checked now so that a mistake is exit 2 naming it."""
    from claude_lint import catalog, catalog_files

    if not isinstance(value, str) or not value.strip() or "\0" in value:
        raise ConfigError(f"{where}: `{key}` must be a path to a .toml or .json file, got {value!r}")
    root = os.path.dirname(os.path.abspath(where))
    path = os.path.normpath(os.path.join(root, value))
    real_root = os.path.realpath(root)
    try:
        inside = os.path.commonpath([real_root, os.path.realpath(path)]) == real_root
    except ValueError:  # another drive (Windows)
        inside = False
    if not inside:
        raise ConfigError(f"{where}: `{key}` = {value!r} is outside the project ({root}); the price file must be inside it")
    shown = catalog_files.shown_path(path, root)
    try:
        found = catalog_files.read_models_file(path, shown)
        catalog.load().with_extra(found.entries, shown, found.sources)
    except catalog.CatalogError as exc:
        raise ConfigError(f"{where}: `{key}`: {exc}") from exc
    return path


def check_selectors(values: List[str], key: str, where: str) -> List[str]:
    from claude_lint.checks import RULES

    codes = sorted(RULES)
    out = []
    for v in values:
        sel = v.strip().upper()
        if not any(covers(sel, code) for code in codes):
            raise ConfigError(f"{where}: `{key}`: unknown rule selector `{v}`")
        out.append(sel)
    return out


def covers(selector: str, code: str) -> bool:
    """Does a selector (a code, a prefix of codes, or ALL) name this rule code?"""
    return selector == "ALL" or code.startswith(selector)


def selected(settings: Settings) -> List[str]:
    """Rule codes enabled after select, extend-select and ignore (longest prefix wins, as in
    ruff; ALL is the shortest). A preview rule is enabled only by ALL or by its own code:
    a prefix (`CL`, the default) leaves it off."""
    from claude_lint.checks import RULES, is_preview

    enabled = []
    for code in sorted(RULES):
        best = ("", False, False)  # (selector, selected, may enable a preview rule)
        for sel in settings.select + settings.extend_select:
            length = 0 if sel == "ALL" else len(sel)
            if covers(sel, code) and length >= len(best[0]):
                best = ("" if sel == "ALL" else sel, True, sel in ("ALL", code))
        for sel in settings.ignore:
            length = 0 if sel == "ALL" else len(sel)
            if covers(sel, code) and length >= len(best[0]):
                best = ("" if sel == "ALL" else sel, False, False)
        if best[1] and (not is_preview(code) or best[2]):
            enabled.append(code)
    return enabled


# --- the command line over a config, and nested configs ------------------------------------

# command-line option -> how it combines with a config's value
_CLI_MERGE = {
    "select": "replace", "ignore": "extend", "extend_select": "extend", "respect_gitignore": "replace",
    "force_exclude": "replace", "no_cache": "replace", "cache_dir": "replace",
}


def with_cli(settings: Settings, cli: Dict[str, object]) -> Settings:
    """`settings` with the command line's choices on top, remembered so that the same
    choices go over every nested config."""
    changes: Dict[str, object] = {}
    for name, value in cli.items():
        if _CLI_MERGE[name] == "extend":
            changes[name] = getattr(settings, name) + tuple(value)  # type: ignore[operator]
        else:
            changes[name] = value
    return replace(settings, cli=tuple(sorted(cli.items())), **changes)


def governing(settings: Settings, folder: str, memo: Dict[str, Optional[str]], loaded: Dict[str, Settings], listed: Optional[Dict[str, List[str]]] = None) -> Settings:
    """The settings that govern the files of `folder`: those of the nearest config at or
    above it, as in ruff, so that `check a b` and `check b a` agree. A folder under no
    config of its own (or every folder, with --config) keeps the run's settings, rooted
    at its own project if it lies outside the run's root: which paths come first changes
    neither the settings nor the root of a file. listed: see discover's."""
    folder = os.path.abspath(folder)
    if settings.hierarchical:
        path = _nearest_config(folder, memo, listed)
        if path is not None and (settings.config_path is None or os.path.abspath(path) != os.path.abspath(settings.config_path)):
            if path not in loaded:
                loaded[path] = with_cli(load_file(path), dict(settings.cli))
            return loaded[path]
    root = os.path.abspath(settings.root)
    if folder == root or folder.startswith(root.rstrip(os.sep) + os.sep):
        return settings
    own = find_root(folder)
    if "root:" + own not in loaded:
        loaded["root:" + own] = replace(settings, root=own)
    return loaded["root:" + own]


def _nearest_config(folder: str, memo: Dict[str, Optional[str]], listed: Optional[Dict[str, List[str]]] = None) -> Optional[str]:
    """find_config for a folder, remembering the answer for every folder on the way up
    (listed: see discover's; a cold run's walk: three stats less for each of its folders)."""
    seen = []
    probe = folder
    found: Optional[str] = None
    while probe not in memo:
        seen.append(probe)
        found = _config_in(probe, listed.get(probe) if listed is not None else None)
        if found is not None:
            break
        parent = os.path.dirname(probe)
        if parent == probe:
            break
        probe = parent
    else:
        found = memo[probe]
    for f in seen:
        memo[f] = found
    return found
