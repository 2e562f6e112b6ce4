"""Request shapes the eighth blind set missed (eval/realworld/misses-blind8.md), each written
anew: what must be recognised, and the look-alikes that must not."""
from __future__ import annotations

from conftest import line_of, prefilter_passes, report_routes


def _routes(cli, tmp_path, example) -> dict:
    """(file, line) -> (api, the line of the request it reaches: None for the request itself, model)."""
    return {(r["filename"], r["line"]): (r["api"], (r["via"] or {}).get("line"), r["model"])
            for r in report_routes(cli, tmp_path, example)}


# --- the SDK module handed to a helper as a parameter named after it ------------------------------

MODULE_HELPERS = (
    "def get_completion(openai, prompt, model='gpt-3.5-turbo'):\n"
    "    messages = [{'role': 'user', 'content': prompt}]\n"
    "    response = openai.ChatCompletion.create(model=model, messages=messages, temperature=0)\n"
    "    return response.choices[0].message['content']\n"
)
MODULE_CALLER = (
    "import openai\n"
    "from functions import get_completion\n\n"
    "for review in ['good', 'bad']:\n"
    "    print(get_completion(openai, f'Summarise: {review}'))\n"
    "print(get_completion(openai, 'Translate: hola', model='gpt-4'))\n"
)


def test_a_module_handed_in_as_a_parameter_named_after_it_makes_the_request(cli, tmp_path):
    """`openai` is the helper's parameter (functions.py imports nothing): the module's own
    `ChatCompletion.create` is the request, and each caller passing the module is a call site
    with the helper's default model or its own."""
    assert prefilter_passes(MODULE_HELPERS)
    found = _routes(cli, tmp_path, {"functions.py": MODULE_HELPERS, "main.py": MODULE_CALLER})
    request = line_of(MODULE_HELPERS, "openai.ChatCompletion.create(")
    assert found[("functions.py", request)][:2] == ("ChatCompletion.create (openai<1.0)", None)
    assert found[("main.py", line_of(MODULE_CALLER, "    print(get_completion("))] == ("ChatCompletion.create (openai<1.0)", request, "gpt-3.5-turbo")
    assert found[("main.py", line_of(MODULE_CALLER, "model='gpt-4'"))][1:] == (request, "gpt-4")


def test_the_module_handed_in_is_reported_as_the_removed_api(cli, tmp_path):
    from conftest import write_project

    write_project(tmp_path, {"functions.py": MODULE_HELPERS, "main.py": MODULE_CALLER})
    done = cli("check", ".", "--select", "CL014", "--output-format", "json", "--exit-zero")
    import json

    rows = {(d["filename"].rsplit("/", 1)[-1], d["location"]["row"]) for d in json.loads(done.stdout)}
    assert ("functions.py", line_of(MODULE_HELPERS, "openai.ChatCompletion.create(")) in rows


def test_a_parameter_not_named_after_the_module_or_a_name_bound_in_the_function_is_no_module(cli, tmp_path):
    """Only a parameter spelled as the module is read as it: `api.ChatCompletion.create` through
    any other parameter, or `openai` rebound in the function, is not the SDK's module."""
    other = (
        "def ask(api, prompt):\n"
        "    return api.ChatCompletion.create(model='gpt-4', messages=[{'role': 'user', 'content': prompt}])\n\n\n"
        "def shadowed(openai, prompt):\n"
        "    openai = make_fake()\n"
        "    return openai.ChatCompletion.create(model='gpt-4', messages=[])\n"
    )
    assert not _routes(cli, tmp_path, {"helpers.py": other})
