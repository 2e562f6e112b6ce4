"""Model config files to call sites: LiteLLM proxy configs, promptfoo configs, and the
YAML / JSON / TOML files named by the `prompt-files` globs.

Only recognised files are read. A LiteLLM config has a top-level `model_list`, a
promptfoo config top-level `providers` and `prompts`; both are recognised by a byte
check before anything is parsed. Any other file is read only when a `prompt-files`
glob names it, and then every mapping holding a `model` next to an output limit
(`max_tokens`, `max_output_tokens`, `maxOutputTokens`, `maxTokens`) is a call site.
"""
from __future__ import annotations

import fnmatch
import os
import re
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List, Optional, Sequence, Tuple

from claude_lint.extract import nodes, tomlnodes
from claude_lint.extract.nodes import Node, ParseError
from claude_lint.facts import CallSite, FileFacts, Loc, Mapping, Text, Unknown

LIMIT_KEYS = ("max_tokens", "max_output_tokens", "maxOutputTokens", "maxTokens")
CONFIG_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("model",)),
    ("max_tokens", LIMIT_KEYS),
    ("thinking", ("thinking",)),
    ("stream", ("stream",)),
    ("timeout", ("timeout",)),
)
HEAD_BYTES = 65536

_LITELLM = re.compile(rb'(?m)^model_list\s*:|"model_list"\s*:')
_PF_PROVIDERS = re.compile(rb'(?m)^(?:providers|targets)\s*:|"(?:providers|targets)"\s*:')
_PF_PROMPTS = re.compile(rb'(?m)^prompts\s*:|"prompts"\s*:')

# promptfoo provider id prefixes before a model ID (the rest of the id is the model).
_PROMPTFOO_PREFIXES = (
    "anthropic:messages:", "anthropic:completion:", "anthropic:",
    "openai:chat:", "openai:responses:", "openai:completion:", "openai:",
    "bedrock:converse:", "bedrock:completion:", "bedrock:",
    "vertex:", "litellm:", "openrouter:",
)


# --- which files ----------------------------------------------------------------------


def named_by_globs(abspath: str, settings) -> bool:
    globs = tuple(getattr(settings, "prompt_files", ()) or ())
    if not globs:
        return False
    root = os.path.abspath(getattr(settings, "root", "."))
    rel = os.path.relpath(abspath, root).replace(os.sep, "/")
    if rel.startswith(".."):
        return False
    name = os.path.basename(rel)
    for glob in globs:
        g = glob.lstrip("/")
        if fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(name, g):
            return True
        if "**/" in g and fnmatch.fnmatch(rel, g.replace("**/", "")):
            return True
    return False


def recognised(data: bytes) -> Optional[str]:
    """"litellm" or "promptfoo" when the bytes look like one, else None."""
    if _LITELLM.search(data):
        return "litellm"
    if _PF_PROVIDERS.search(data) and _PF_PROMPTS.search(data):
        return "promptfoo"
    return None


def wants(abspath: str, settings, limit: int) -> bool:
    """Cheap pre-read check: is this file ours? Unknown files are never parsed."""
    if named_by_globs(abspath, settings):
        return True
    if abspath.lower().endswith(".toml"):
        return False
    from claude_lint import safeio

    try:
        # Never read before knowing it is a regular file: a FIFO or `x.yaml -> /dev/stdin`
        # would block here. The engine reports such a file (CL902) when it is named.
        fd = safeio.open_regular(abspath)
    except OSError:
        return False
    try:
        # A file over the limit is reported (skipped) only when its head says it is ours.
        data = safeio.read_fd(fd, HEAD_BYTES if os.fstat(fd).st_size > limit else limit, abspath, head=True)
    except OSError:
        return False
    finally:
        os.close(fd)
    return recognised(data) is not None


# --- extraction -------------------------------------------------------------------------


def parse(text: str, abspath: str, row_offset: int = 0) -> List[Node]:
    lower = abspath.lower()
    if lower.endswith(".json"):
        return [nodes.parse_json(text, row_offset)]
    if lower.endswith(".toml"):
        return [tomlnodes.parse_toml(text)]
    from claude_lint.extract import yamlnodes

    return yamlnodes.parse_yaml(text, row_offset)


def extract(text: str, path: str, abspath: str, module: Optional[str], prefilter: bool = True, settings=None) -> FileFacts:
    generic = settings is not None and named_by_globs(abspath, settings)
    kind = recognised(text.encode("utf-8", "surrogatepass"))
    if kind is None and not generic:
        return FileFacts(path, abspath, None, "config", parsed=False)
    what = {"litellm": "invalid LiteLLM config", "promptfoo": "invalid promptfoo config"}.get(kind or "", "invalid config file")
    try:
        docs = parse(text, abspath)
    except ParseError as exc:
        return FileFacts(path, abspath, None, "config", errors=(exc.error(path, what),))
    calls: List[CallSite] = []
    for doc in docs:
        if kind == "litellm" and doc.get("model_list") is not None:
            calls += litellm_sites(doc, path)
        elif kind == "promptfoo" and (doc.get("providers") is not None or doc.get("targets") is not None):
            calls += promptfoo_sites(doc, path)
        elif generic:
            calls += generic_sites(doc, path)
    return FileFacts(path, abspath, None, "config", calls=tuple(calls))


def site(path: str, where: Node, entries: Sequence[Tuple[str, object]], api: str, provider: str, roles=CONFIG_ROLES) -> CallSite:
    loc = where.loc(path)
    return CallSite(path=path, loc=loc, provider=provider, api=api, function=None, kwargs=Mapping(tuple(entries), loc), roles=roles)


def limit_entries(mapping: Optional[Node], path: str) -> List[Tuple[str, object]]:
    """The output-limit keys (and thinking) of a parameters mapping, as kwargs entries."""
    out: List[Tuple[str, object]] = []
    if mapping is None or mapping.kind != "map":
        return out
    for key, _, v in mapping.value:
        if key in LIMIT_KEYS or key in ("thinking", "stream", "timeout"):
            out.append((key, nodes.value(v, path)))
    return out


def model_entry(node: Optional[Node], path: str, strip: Sequence[str] = ()) -> List[Tuple[str, object]]:
    if node is None:
        return []
    v = nodes.value(node, path)
    if isinstance(v, Text):
        model = v.literal
        for prefix in strip:
            if model.startswith(prefix):
                model = model[len(prefix):]
                break
        v = Text((model,), v.loc)
    elif not isinstance(v, Unknown):
        v = Unknown("model is not a string", v.loc if hasattr(v, "loc") else None)
    return [("model", v)]


def litellm_sites(doc: Node, path: str) -> List[CallSite]:
    sites = []
    for entry in doc.get("model_list").items():
        params = entry.get("litellm_params")
        if params is None or params.kind != "map":
            continue
        entries = model_entry(params.get("model"), path) + limit_entries(params, path)
        sites.append(site(path, params, entries, "litellm.config", "litellm"))
    return sites


def promptfoo_sites(doc: Node, path: str) -> List[CallSite]:
    providers = doc.get("providers") or doc.get("targets")
    items = providers.items() if providers.kind == "seq" else [providers]
    sites = []
    for item in items:
        ident = item if item.kind == "scalar" else item.get("id")
        raw = ident.text() if ident is not None else None
        if raw is None or raw.startswith(("file://", "python:", "exec:", "http", "js:")):
            continue
        prefix = next((p for p in _PROMPTFOO_PREFIXES if raw.startswith(p)), None)
        if prefix is None:
            entries = [("model", Unknown(f"promptfoo provider {raw}", ident.loc(path)))]
        else:
            model_loc = Loc(path, ident.row, ident.col, ident.end_row, ident.end_col)
            entries = [("model", Text((raw[len(prefix):],), model_loc))]
        config = item.get("config") if item.kind == "map" else None
        entries += limit_entries(config, path)
        provider = "anthropic" if raw.startswith("anthropic:") else prefix.split(":")[0] if prefix else "unknown"
        sites.append(site(path, item, entries, "promptfoo.provider", provider))
    return sites


def generic_sites(doc: Node, path: str) -> List[CallSite]:
    sites = []
    for mapping in nodes.walk_maps(doc):
        model = mapping.get("model")
        if model is None or model.kind != "scalar" or not any(mapping.get(k) is not None for k in LIMIT_KEYS):
            continue
        entries = model_entry(model, path) + limit_entries(mapping, path)
        sites.append(site(path, mapping, entries, "config", "config"))
    return sites
