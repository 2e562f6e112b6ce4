from __future__ import annotations

from claude_lint.checks.base import FileRule
from claude_lint.facts import INVALID_INPUT_FILE

_LITELLM_BROKEN = "model_list:\n  - model_name: fast\n    litellm_params:\n      model: anthropic/claude-haiku-4-5\n     max_tokens: 512\n"


class InvalidInputFile(FileRule):
    """## What it does
    Reports a notebook, prompt file or model config that claude-lint recognises but
    cannot parse: a notebook that is not JSON (or is nbformat 3), a `.prompty` or
    Dotprompt `.prompt` whose YAML front matter is broken or never closed, a LiteLLM
    or promptfoo config (or a file named by `prompt-files`) that is not valid YAML,
    JSON or TOML, a Message Batches `.jsonl` with a line that is not JSON. One
    diagnostic per file, at the position the parser stopped; the rest of the run goes on.

    YAML and JSON files that are none of these are never parsed, so they cannot
    produce this diagnostic.

    ## Why is this bad?
    The tool that reads the file would fail too, and claude-lint cannot check the
    model and limits inside it.

    ## Example
    ```yaml
    model_list:
      - model_name: fast
        litellm_params:
          model: anthropic/claude-haiku-4-5
         max_tokens: 512      # mis-indented
    ```

    ## Use instead
    Fix the file at the reported position.
    """

    code = INVALID_INPUT_FILE
    name = "invalid-input-file"
    summary = "a notebook, prompt file or model config that cannot be parsed"
    severity = "error"

    @staticmethod
    def examples():
        fires = [
            {"proxy/config.yaml": _LITELLM_BROKEN},
            {"analysis.ipynb": '{"cells": [{"cell_type": "code", "source": ["import anthropic\\n"]}\n'},
            {"old.ipynb": '{"nbformat": 3, "nbformat_minor": 0, "worksheets": [{"cells": []}], "metadata": {}}\n'},
            {"prompts/support.prompty": "---\nname: Support\nmodel:\n  parameters: {max_tokens: 300\n---\nsystem:\nYou help.\n"},
            {"prompts/greet.prompt": "---\nmodel: googleai/gemini-2.5-flash\nconfig:\n  maxOutputTokens: 200\n"},
            {"batch/requests.jsonl": '{"custom_id": "a", "params": {"model": "claude-haiku-4-5", "max_tokens": 100, "messages": []}}\n{"custom_id": "b", "params": \n'},
        ]
        silent = [
            # a YAML file that is not a model config is never parsed, broken or not
            {"deploy/values.yaml": "image: {{ .Values.image }}\n  broken: [\n"},
            {"data/rows.jsonl": '{"text": "not a batch request"\n'},
            {"prompts/plain.prompt": "Summarise the text below in three bullet points.\n\n{{text}}\n"},
            {"analysis.ipynb": '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []}\n'},
        ]
        return fires, silent
