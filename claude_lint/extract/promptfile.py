"""Prompt files to call sites: Prompty (`.prompty`) and Dotprompt (`.prompt`).

Both are a YAML front matter between `---` lines, then the prompt template. The
front matter says which model runs the prompt and with which output limit, so each
file is one call site: the limit rule sees `max_tokens` / `maxOutputTokens`, the
model rules see the model, and the single-model rule counts the file.

- Prompty 1: `model.configuration.{model,name,azure_deployment}`,
  `model.parameters.max_tokens`; Prompty 2: `model: <id>` or `model.id`,
  `model.options.maxOutputTokens`.
- Dotprompt: `model: <plugin>/<model id>`, `config.maxOutputTokens`.

A `.prompt` file without front matter is a plain template: nothing to check.
"""
from __future__ import annotations

import re
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List, Optional, Tuple

from claude_lint.extract import nodes, yamlnodes
from claude_lint.extract.configfile import limit_entries, model_entry, site
from claude_lint.extract.nodes import Node, ParseError
from claude_lint.facts import CallSite, FileError, FileFacts, Loc

_FENCE = re.compile(r"^---[ \t]*$")
# Genkit plugin prefixes before a model ID; catalogue look-up strips the usual others.
_GENKIT_PREFIXES = ("googleai/", "vertexai/", "anthropic/", "openai/", "genkitx-anthropic/", "compat-oai/", "bedrock/")


_KEY_LINE = re.compile(r"^[A-Za-z_$][\w.$-]*\s*:(\s|$)")


def _looks_like_keys(text: str) -> bool:
    """Whether the first line after an opening `---` is a YAML key (`model: ...`)."""
    for line in text.split("\n")[1:]:
        if line.strip() and not line.lstrip().startswith("#"):
            return bool(_KEY_LINE.match(line))
    return False


def front_matter(text: str) -> Tuple[Optional[str], int, Optional[str]]:
    """(front matter text, its first row, error). No front matter: (None, 0, None)."""
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0].rstrip("\r")):
        return None, 0, None
    for i in range(1, len(lines)):
        if _FENCE.match(lines[i].rstrip("\r")):
            return "\n".join(lines[1:i]), 1, None
    return None, 0, "front matter opened with `---` on line 1 is never closed"


def extract(text: str, path: str, abspath: str, module: Optional[str], prefilter: bool = True, settings=None) -> FileFacts:
    matter, offset, problem = front_matter(text)
    if not abspath.lower().endswith(".prompty") and not _looks_like_keys(text):
        # A plain-text `.prompt` that opens with a `---` rule: not Dotprompt front matter.
        return FileFacts(path, abspath, None, "prompt")
    if problem is not None:
        return FileFacts(path, abspath, None, "prompt", errors=(FileError(nodes.CODE, problem, Loc(path, 1, 1, 1, 4)),))
    if matter is None:
        return FileFacts(path, abspath, None, "prompt")
    try:
        docs = yamlnodes.parse_yaml(matter, row_offset=offset)
    except ParseError as exc:
        return FileFacts(path, abspath, None, "prompt", errors=(exc.error(path, "invalid front matter"),))
    if not docs or docs[0].kind != "map":
        if docs:
            where = Loc(path, docs[0].row, docs[0].col, docs[0].row, docs[0].col)
            return FileFacts(path, abspath, None, "prompt", errors=(FileError(nodes.CODE, "front matter is not a mapping of keys", where),))
        return FileFacts(path, abspath, None, "prompt")
    doc = docs[0]
    prompty = abspath.lower().endswith(".prompty")
    sites = prompty_sites(doc, path) if prompty else dotprompt_sites(doc, path)
    return FileFacts(path, abspath, None, "prompt", calls=tuple(sites))


def prompty_sites(doc: Node, path: str) -> List[CallSite]:
    model = doc.get("model")
    if model is None:
        return [site(path, doc, [], "prompty", "prompty")]
    if model.kind == "scalar":
        return [site(path, model, model_entry(model, path), "prompty", "prompty")]
    if model.kind != "map":
        return []
    config = model.get("configuration")
    ident = model.get("id")
    if ident is None and config is not None:
        ident = config.get("model") or config.get("name") or config.get("azure_deployment")
    entries = model_entry(ident, path)
    entries += limit_entries(model.get("parameters"), path) + limit_entries(model.get("options"), path)
    return [site(path, model, entries, "prompty", _provider(config))]


def _provider(config: Optional[Node]) -> str:
    kind = config.get("type") if config is not None else None
    return (kind.text() if kind is not None else None) or "prompty"


def dotprompt_sites(doc: Node, path: str) -> List[CallSite]:
    # Without `model` the application's default model runs the prompt: the site's model is
    # unknown, which keeps the single-model rule silent, as it should be.
    entries = model_entry(doc.get("model"), path, strip=_GENKIT_PREFIXES) + limit_entries(doc.get("config"), path)
    return [site(path, doc, entries, "dotprompt", "genkit")]
