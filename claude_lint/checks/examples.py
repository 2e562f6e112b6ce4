"""Builders for rule examples in the formats that are not Python: notebooks, prompt
files, model configs and batch files. Rules list what they build in their `examples()`,
so the generic rule test runs every format through the real engine.
"""
from __future__ import annotations

import json
from typing import Optional


def notebook(*cells: str) -> str:
    """An nbformat 4 notebook; a cell starting with "md:" is a markdown cell."""
    out = []
    for source in cells:
        kind = "markdown" if source.startswith("md:") else "code"
        source = source[3:] if kind == "markdown" else source
        cell = {"cell_type": kind, "metadata": {}, "source": source.splitlines(keepends=True)}
        if kind == "code":
            cell.update({"execution_count": None, "outputs": []})
        out.append(cell)
    meta = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}, "language_info": {"name": "python"}}
    return json.dumps({"cells": out, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"


def prompty(model: str, max_tokens: object, system: str = "You route support tickets to a queue.") -> str:
    return (
        "---\nname: Ticket triage\nmodel:\n  api: chat\n  configuration:\n    type: azure_openai\n"
        f"    azure_endpoint: ${{env:AZURE_OPENAI_ENDPOINT}}\n    azure_deployment: {model}\n"
        f"  parameters:\n    max_tokens: {max_tokens}\n    temperature: 0\n---\n"
        f"system:\n{system}\n\nuser:\n{{{{ticket}}}}\n"
    )


def dotprompt(model: Optional[str], max_output_tokens: object) -> str:
    head = f"model: {model}\n" if model else ""
    return f"---\n{head}config:\n  temperature: 0.3\n  maxOutputTokens: {max_output_tokens}\n---\nSummarise this ticket in two sentences:\n{{{{ticket}}}}\n"


def litellm(*models: str, max_tokens: object = None) -> str:
    out = ["model_list:"]
    for i, model in enumerate(models):
        out += [f"  - model_name: route-{i}", "    litellm_params:", f"      model: {model}", "      api_key: os.environ/ANTHROPIC_API_KEY"]
        if max_tokens is not None:
            out.append(f"      max_tokens: {max_tokens}")
    return "\n".join(out + ["litellm_settings:", "  drop_params: true", ""])


def promptfoo(provider: str, max_tokens: int) -> str:
    return (
        "description: Triage regression suite\nprompts:\n  - 'Route this ticket: {{ticket}}'\n"
        f"providers:\n  - id: {provider}\n    config:\n      max_tokens: {max_tokens}\n      temperature: 0\n"
        "tests:\n  - vars:\n      ticket: The API returns 503.\n"
    )


def batch(lines: int, **params) -> str:
    out = []
    for i in range(lines):
        body = {**params, "messages": [{"role": "user", "content": f"Summarise ticket {i}"}]}
        out.append(json.dumps({"custom_id": f"ticket-{i}", "params": body}))
    return "\n".join(out) + "\n"
