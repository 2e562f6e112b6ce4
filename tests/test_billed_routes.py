"""Where a request is billed (issue 15, item 4): CL010 and CL007 judge a request by the
provider the catalogue describes, so they stay silent where another one serves it. Three
shapes of real code, each beside look-alikes that keep firing: a LiteLLM provider route on
the model (`groq/llama3-70b-8192` goes to Groq), a server on a private network (10.x,
192.168.x, 172.16-31.x, a `.local` host), and instructor's unified client,
whose provider is the prefix of its model string. Run through the real engine."""
from __future__ import annotations

import pytest

from conftest import lint_tree, report_routes, write_project

LITELLM = "import litellm\n\ndef ask(messages, name):\n"


def findings(tmp_path, source: str, rules=("CL007", "CL010")) -> list:
    write_project(tmp_path, {"app.py": source}, suite=False)
    return sorted((d.loc.row, d.code) for d in lint_tree(tmp_path, suite=False, select=rules).diagnostics)


def test_a_litellm_route_to_an_inference_host_is_the_hosts_request(tmp_path):
    source = LITELLM + "".join(f"    litellm.completion(model={model}, messages=messages)\n" for model in (
        "'groq/llama3-70b-8192'", "'together_ai/meta-llama/Llama-3-70b-chat-hf'", "'deepinfra/meta-llama/Llama-2-70b-chat-hf'",
        "'fireworks_ai/accounts/fireworks/models/llama-v3-70b-instruct'", "'huggingface/mistralai/Mistral-7B-Instruct-v0.1'",
        "f'groq/{name}'",
        # the provider's own API (Gemini, xAI, OpenAI), and OpenRouter, which resells the providers' models at their prices
        "'gemini/gemini-1.5-pro'", "'xai/grok-2'", "'gpt-4o'", "'openrouter/meta-llama/llama-3-70b-instruct'",
    ))
    assert findings(tmp_path, source, ("CL010",)) == [(row, "CL010") for row in (10, 11, 12, 13)]


def test_an_open_weights_repository_id_is_no_openai_request(tmp_path):
    # OpenAI's API names no model `owner/name`: such an ID, unknown to the catalogue, is served
    # by another host (a GPU deployment, a self-hosted server) whose limits and price are its own
    source = ("import os, requests\nfrom openai import OpenAI\npod = OpenAI(base_url=os.environ['POD_URL'])\n"
              "pod.chat.completions.create(model='meta-llama/Meta-Llama-3.1-8B-Instruct', messages=[])\n"
              "def ask(url, q):\n"
              "    return requests.post(url + '/v1/chat/completions', json={'model': 'Qwen/Qwen2.5-7B-Instruct', 'messages': q})\n"
              "pod.chat.completions.create(model='openai/gpt-4o-mini', messages=[])\n"
              "pod.chat.completions.create(model='llama-3.1-8b', messages=[])\n"
              # a LiteLLM route prefix on an OpenAI client's model is the client's own business,
              # not Groq's route: silent as any `owner/name` ID the catalogue does not know
              "pod.chat.completions.create(model='groq/llama3-70b-8192', messages=[])\n")
    assert findings(tmp_path, source, ("CL010",)) == [(7, "CL010"), (8, "CL010")]


@pytest.mark.parametrize("url, billed", [
    ("http://192.168.1.20:8000/v1", False),
    ("http://10.0.0.5:8080/v1", False),
    ("http://172.20.0.3:8000/v1", False),
    ("http://gpu-box.local:8000/v1", False),
    # a public address, a public name, LiteLLM's proxy port on a private address, or a company's
    # gateway on an internal name (both forward to billed APIs)
    ("https://llm-gateway.svc.internal/v1", True),
    ("http://172.32.0.3:8000/v1", True),
    ("http://110.0.0.5:8000/v1", True),
    ("https://api.local-llm.com/v1", True),
    ("http://10.0.0.5:4000", True),
])
def test_a_server_on_a_private_network_bills_nothing(tmp_path, url, billed):
    source = f"from openai import OpenAI\nclient = OpenAI(base_url='{url}')\nclient.chat.completions.create(model='gpt-4o', messages=[])\n"
    assert findings(tmp_path, source) == ([(3, "CL007"), (3, "CL010")] if billed else [])


def test_an_attribute_named_local_is_no_host(tmp_path):
    source = ("from openai import OpenAI\nfrom app.config import settings\nclient = OpenAI(base_url=settings.local)\n"
              "client.chat.completions.create(model='gpt-4o', messages=[])\n")
    assert findings(tmp_path, source) == [(4, "CL007"), (4, "CL010")]


FROM_PROVIDER = ("import instructor\n\ndef extract(messages, Answer):\n    client = instructor.from_provider({model})\n"
                 "    return client.chat.completions.create(messages=messages, response_model=Answer)\n")


@pytest.mark.parametrize("model, fires", [
    ("'google/gemini-2.5-flash', async_client=True", False),
    ("'anthropic/claude-sonnet-4-6'", False),
    ("'ollama/llama3'", False),
    ("'groq/llama3-70b-8192'", False),
    ("'openai/gpt-4o-mini'", True),
    # a provider string not seen: the OpenAI interface, as before
    ("MODEL", True),
])
def test_instructor_from_provider_is_the_named_providers_client(tmp_path, model, fires):
    assert findings(tmp_path, FROM_PROVIDER.format(model=model), ("CL010",)) == ([(5, "CL010")] if fires else [])


def test_instructor_from_provider_requests_stay_recognised(cli, tmp_path):
    found = report_routes(cli, tmp_path, FROM_PROVIDER.format(model="'google/gemini-2.5-flash'")
                          + "\ndef local(messages, Answer):\n    client = instructor.from_provider('ollama/llama3')\n"
                          "    return client.chat.completions.create(messages=messages, response_model=Answer)\n")
    assert sorted((r["line"], r["billed"]) for r in found) == [(5, True), (9, False)]
