"""Request shapes the thirteenth blind set missed (eval/realworld/misses-blind13.md), each written
anew: what must be recognised, and the look-alikes that must not. (Its Ollama client base class,
whose path is a parameter's default, is in test_recognition_shapes.py.)"""
from __future__ import annotations

from conftest import report_routes

AGENT = (
    "from langchain.chat_models import init_chat_model\nfrom langgraph.prebuilt import create_react_agent\n\n\n"
    "def get_weather(city: str) -> str:\n    return f\"It's always sunny in {city}!\"\n\n\n"
    "model = init_chat_model('anthropic:claude-sonnet-4-6', temperature=0, max_tokens=512)\n"
    "agent = create_react_agent(model=model, tools=[get_weather], prompt='You are a helpful assistant')\n\n"
    "agent.invoke({'messages': [{'role': 'user', 'content': 'what is the weather in sf'}]})\n\n\n"
    "def ask(question):\n    for chunk in agent.stream({'messages': [{'role': 'user', 'content': question}]}):\n        print(chunk)\n"
)


def test_a_run_of_an_agent_kept_over_a_model_of_the_same_file_is_a_site(cli, tmp_path):
    found = report_routes(cli, tmp_path, {"agent.py": AGENT})
    # the model's constructor and the agent's run at module level (the README counts agent runs); the run
    # inside ask() makes ask a wrapper, whose calls (none here) are the sites: it is not counted twice
    assert sorted((r["line"], (r["via"] or {}).get("line")) for r in found) == [(9, None), (12, 9)]


def test_a_model_invoked_where_it_is_written_is_its_constructors_own_request(cli, tmp_path):
    found = report_routes(cli, tmp_path, {"agent.py": AGENT.replace(
        "agent = create_react_agent(model=model, tools=[get_weather], prompt='You are a helpful assistant')",
        "agent = model.bind_tools([get_weather])")})
    # not an agent builder: the model's invokes are not counted apart from its constructor
    assert [(r["line"], r["via"]) for r in found] == [(9, None)]
