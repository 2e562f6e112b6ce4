"""Request shapes the twelfth blind set missed (eval/realworld/misses-blind12.md), each written
anew: what must be recognised, and the look-alikes that must not."""
from __future__ import annotations

from conftest import line_of, report_routes

# --- LangChain runnables kept at module level, composed and run in other modules ------------

LLM = (
    "from openai import OpenAI\n\nclient = OpenAI()\n\n\n"
    "def ask_llm(prompt, model='gpt-4o-mini', max_tokens=300):\n"
    "    return client.chat.completions.create(model=model, max_tokens=max_tokens, messages=[{'role': 'user', 'content': prompt}])\n"
)
INVOKER = (
    "from langchain_core.runnables import RunnableLambda\nfrom app.llm import ask_llm\n\n\n"
    "def invoke_llm(data):\n    data['answer'] = ask_llm(data['prompt'])\n    return data\n\n\n"
    "def shout(data):\n    data['prompt'] = data['text'].upper()\n    return data\n\n\n"
    "llm_invoker = RunnableLambda(invoke_llm)\n"
    "shouter = RunnableLambda(shout)\n"
)
CHAINS = (
    "from langchain_core.runnables import RunnableLambda\nfrom app.invoker import llm_invoker, shouter\n\n\n"
    "def add_prompt(data):\n    data['prompt'] = 'Q: ' + data['text']\n    return data\n\n\n"
    "prompt_invoker = RunnableLambda(add_prompt)\n"
    "text_chain = prompt_invoker | llm_invoker\n"
    "loud_chain = prompt_invoker | shouter\n\n"
    "if __name__ == '__main__':\n    print(text_chain.invoke({'text': input()}))\n    print(loud_chain.invoke({'text': input()}))\n"
)
RUNNER = (
    "from app.chains import loud_chain, text_chain\n\n\n"
    "def run_chain(data):\n    return text_chain.invoke(data)\n\n\n"
    "def handle(text):\n    return run_chain({'text': text})\n\n\n"
    "def quiet(text):\n    return loud_chain.invoke({'text': text})\n"
)


def test_a_runnable_lambda_over_a_wrapper_is_a_registration_and_runs_where_its_chain_is_invoked(cli, tmp_path):
    """`llm_invoker = RunnableLambda(invoke_llm)` hands a wrapper to LangChain, which calls it
    when the runnable runs: a registration (a site, as `add_node`), and a runnable another
    module composes (`prompt_invoker | llm_invoker`) and a third imports and invokes (seen: a
    FastAPI agent app whose every request went through such chains). A RunnableLambda over a
    function that makes no request, and the chains made of it, are none."""
    project = {"app/__init__.py": "", "app/llm.py": LLM, "app/invoker.py": INVOKER, "app/chains.py": CHAINS, "app/runner.py": RUNNER}
    found = sorted((r["filename"], r["line"]) for r in report_routes(cli, tmp_path, project))
    assert found == sorted([
        ("app/llm.py", line_of(LLM, "return client.chat")),
        ("app/invoker.py", line_of(INVOKER, "data['answer'] = ask_llm")),
        ("app/invoker.py", line_of(INVOKER, "llm_invoker = RunnableLambda")),
        ("app/chains.py", line_of(CHAINS, "print(text_chain.invoke")),
        ("app/runner.py", line_of(RUNNER, "return text_chain.invoke")),
        ("app/runner.py", line_of(RUNNER, "return run_chain(")),
    ])


MODELS = "from langchain_anthropic import ChatAnthropic\n\nllm = ChatAnthropic(model='claude-haiku-4-5', max_tokens=300)\n"
COMPOSED = (
    "from langchain_core.prompts import ChatPromptTemplate\nfrom app.models import llm\nfrom app.parsers import parser\n\n"
    "prompt = ChatPromptTemplate.from_template('Q: {text}')\n"
    "chain = prompt | llm.with_retry()\n"
    "parsing = prompt | parser\n"
)
USES = (
    "from app.chains import chain, parsing\n\n\n"
    "def answer(text):\n    return chain.invoke({'text': text})\n\n\n"
    "def parse(text):\n    return parsing.invoke({'text': text})\n"
)


def test_a_chain_composed_over_another_modules_model_is_kept_for_the_modules_importing_it(cli, tmp_path):
    """`chain = prompt | llm.with_retry()` over a chat model `app.models` keeps, imported by a
    third module that invokes it: the model's request is made there. A chain over an imported
    output parser requests nothing."""
    project = {"app/__init__.py": "", "app/models.py": MODELS, "app/parsers.py": "parser = object()\n",
               "app/chains.py": COMPOSED, "app/uses.py": USES}
    found = sorted((r["filename"], r["line"]) for r in report_routes(cli, tmp_path, project))
    assert found == [("app/models.py", 3), ("app/uses.py", line_of(USES, "return chain.invoke"))]


def test_a_runnable_lambda_invoked_where_it_is_written_is_one_call_of_its_function(cli, tmp_path):
    """`RunnableLambda(invoke_llm).invoke(x)` inline is a call of `invoke_llm` with x: one site,
    not a registration besides."""
    code = "from langchain_core.runnables import RunnableLambda\nfrom app.llm import ask_llm\n\n\n" \
           "def invoke_llm(data):\n    return ask_llm(data['prompt'])\n\n\n" \
           "def once(prompt):\n    return RunnableLambda(invoke_llm).invoke({'prompt': prompt})\n"
    project = {"app/__init__.py": "", "app/llm.py": LLM, "app/once.py": code}
    found = sorted((r["filename"], r["line"]) for r in report_routes(cli, tmp_path, project) if r["filename"] == "app/once.py")
    assert found == [("app/once.py", line_of(code, "return ask_llm")), ("app/once.py", line_of(code, "RunnableLambda(invoke_llm).invoke"))]


# --- a model kept in Chainlit's per-user session, invoked by another handler ------------------

FACTORY = (
    "from langchain_anthropic import ChatAnthropic\n\n\n"
    "def create_model(settings):\n"
    "    return ChatAnthropic(model='claude-haiku-4-5', max_tokens=500, temperature=settings['temperature'])\n"
)
CHAINLIT = (
    "import chainlit as cl\nfrom agent_graph import create_model\n\n\n"
    "@cl.on_chat_start\nasync def on_chat_start():\n"
    "    cl.user_session.set('model', create_model({'temperature': 0.5}))\n"
    "    cl.user_session.set('settings', {'temperature': 0.5})\n\n\n"
    "@cl.on_message\nasync def on_message(message: cl.Message):\n"
    "    runnable = cl.user_session.get('model')\n"
    "    async for event in runnable.astream_events({'messages': message.content}, version='v1'):\n"
    "        print(event)\n"
    "    print(cl.user_session.get('settings').get('temperature'))\n"
    "    print(cl.user_session.get('unset').invoke('x'))\n"
)


def test_a_model_a_chainlit_handler_keeps_in_the_user_session_is_invoked_where_it_is_read_back(cli, tmp_path):
    """`cl.user_session.set("model", create_model(...))` in the chat's start handler, then
    `cl.user_session.get("model").astream_events(...)` in the message handler: the model
    another module's factory made makes its request there (seen: a Chainlit research agent).
    A setting read back, or a key nothing sets, is no model."""
    project = {"agent_graph.py": FACTORY, "app.py": CHAINLIT}
    found = sorted((r["filename"], r["line"]) for r in report_routes(cli, tmp_path, project))
    assert found == [("agent_graph.py", line_of(FACTORY, "return ChatAnthropic")), ("app.py", line_of(CHAINLIT, "runnable.astream_events"))]


AGENT_GRAPH = (
    "from langchain_anthropic import ChatAnthropic\nfrom langchain_openai import ChatOpenAI\n"
    "from langgraph.prebuilt import create_react_agent\n\n\n"
    "def get_llm(provider, temperature=0.7):\n"
    "    if provider == 'openai':\n        return ChatOpenAI(model='gpt-4o', temperature=temperature)\n"
    "    return ChatAnthropic(model='claude-haiku-4-5', max_tokens=1024, temperature=temperature)\n\n\n"
    "def create_graph(settings):\n"
    "    llm = get_llm(settings['llm_provider'], temperature=settings['temperature'])\n"
    "    return create_react_agent(model=llm, tools=[])\n\n\n"
    "def create_plain(model):\n    return create_react_agent(model=model, tools=[])\n"
)
RUNS = (
    "from agent_graph import create_graph, create_plain\n\n\n"
    "def answer(question, settings):\n"
    "    graph = create_graph(settings)\n"
    "    return graph.invoke({'messages': [('user', question)]})\n\n\n"
    "def other(question, model):\n"
    "    return create_plain(model).invoke({'messages': [('user', question)]})\n"
)


def test_an_agent_over_a_model_its_own_modules_factory_makes_is_a_factory_too(cli, tmp_path):
    """`create_graph` returns `create_react_agent(model=llm)` over `llm = get_llm(...)`, a
    factory of the same module: invoking what `create_graph` returns (in another module, or
    read back from a session store) makes the model's request (seen: a Chainlit research
    agent). An agent over a model handed in is no factory of ours."""
    found = sorted((r["filename"], r["line"]) for r in report_routes(cli, tmp_path, {"agent_graph.py": AGENT_GRAPH, "runs.py": RUNS}))
    assert found == sorted([("agent_graph.py", line_of(AGENT_GRAPH, "return ChatOpenAI")), ("agent_graph.py", line_of(AGENT_GRAPH, "return ChatAnthropic")),
                            ("runs.py", line_of(RUNS, "return graph.invoke"))])


# --- a function handed by a keyword naming it a function, to a project helper that runs it ---

HELPERS = (
    "from concurrent.futures import ThreadPoolExecutor\n\n\n"
    "def run_with_checkpoints(items, process_item_func, max_workers=3):\n"
    "    with ThreadPoolExecutor(max_workers=max_workers) as pool:\n"
    "        futures = [pool.submit(process_item_func, item) for item in items]\n"
    "    return [f.result() for f in futures]\n"
)
PIPELINE = (
    "from unittest import mock\n\nimport anthropic\nfrom helpers import run_with_checkpoints\n\nclient = anthropic.Anthropic()\n\n\n"
    "def fill_one(text, model='claude-haiku-4-5'):\n"
    "    return client.messages.create(model=model, max_tokens=256, messages=[{'role': 'user', 'content': text}])\n\n\n"
    "def perturb(texts, config):\n"
    "    fill_func = lambda text: fill_one(text, model=config['model'])\n"
    "    return run_with_checkpoints(texts, process_item_func=fill_func, max_workers=1)\n\n\n"
    "def lengths(texts):\n"
    "    return run_with_checkpoints(texts, process_item_func=len)\n\n\n"
    "def patched():\n"
    "    with mock.patch.object(client, 'close', new=fill_one), mock.patch('os.getcwd', side_effect=fill_one):\n"
    "        return mock.patch(target='x', func=fill_one)\n"
)


def test_a_function_handed_by_a_keyword_naming_it_a_function_to_a_project_helper_is_run_by_it(cli, tmp_path):
    """`run_with_checkpointing_parallel(texts, process_item_func=fill_func)`, where `fill_func`
    is a lambda calling a wrapper and the helper, another module of the project, submits it per
    item to a thread pool (seen: a code-detection benchmark's perturbation step): the hand-off is
    a call of the wrapper. Not a library's keyword (`mock.patch(func=...)`), nor a builtin handed."""
    found = sorted((r["filename"], r["line"]) for r in report_routes(cli, tmp_path, {"helpers.py": HELPERS, "pipeline.py": PIPELINE}))
    assert found == sorted([("pipeline.py", line_of(PIPELINE, "return client.messages.create")),
                            ("pipeline.py", line_of(PIPELINE, "fill_func = lambda")),
                            ("pipeline.py", line_of(PIPELINE, "process_item_func=fill_func"))])
